"""The rules reference, ``docs/rules.md``, written from the registry.

Run ``python -m ijw.rules.reference > docs/rules.md`` after adding or changing a
rule; ``tests/test_rules_reference.py`` fails while the file is not current.
Per control level, one row per rule of :data:`ijw.rules.RULES`: its code, the
retourcode with its meaning in WJ001, the messages it judges and the summary
line of its docstring.

The meaning of each retourcode comes from :mod:`ijw.codelists.wj001`.
"""

from __future__ import annotations

import sys

from ijw.codelists.wj001 import meaning
from ijw.errors import Level
from ijw.rules import Rule, all_rules

#: The control levels the rules work at, as the standard numbers and names them.
LEVELS: dict[Level, str] = {
    Level.CONTENT: "2 — bericht inhoud",
    Level.CROSS_MESSAGE: "3 — berichtoverstijgend",
    Level.EXTERNAL: "4 — externe bron",
}

HEADER = """\
# Technical rules

Generated from the rule registry by `python -m ijw.rules.reference`; do not edit by
hand (a test fails when it is not current). `ijw rules` prints the same table.
Level 2 findings reject the message with retourcode 0001 on the header (a 301 or
319, sent by the gemeente, is registered and its findings reported); at levels 3
and 4 the rule's own retourcode goes on the class it is about.
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _row(found: Rule) -> str:
    code = found.retourcode
    messages = ", ".join(sorted(found.messages))
    return (f"| {found.code} | {code.value}: {_cell(meaning(code.value))} | {messages} | "
            f"{_cell(found.summary)} |")


def render(rules: list[Rule] | None = None) -> str:
    """The reference as Markdown, from ``rules`` (default: every registered rule)."""
    rules = all_rules() if rules is None else rules
    parts = [HEADER]
    for level, name in LEVELS.items():
        these = [r for r in rules if r.level is level]
        if not these:
            continue
        parts.append(f"\n## Level {name} ({len(these)} rules)\n\n"
                     "| Rule | Retourcode (WJ001) | Messages | What it checks |\n"
                     "|---|---|---|---|\n" + "\n".join(_row(r) for r in these) + "\n")
    other = [r for r in rules if r.level not in LEVELS]
    if other:
        raise RuntimeError(f"rules at a level the reference has no section for: {other}")
    return "".join(parts)


def main() -> None:
    sys.stdout.write(render())


if __name__ == "__main__":
    main()


__all__ = ["LEVELS", "render"]
