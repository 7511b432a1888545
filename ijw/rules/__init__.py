"""The technical rules of the standard, in one registry.

A rule is a small function with its rule code (``TR056``, ``CS002``), the
retourcode it gives, the control level and the message types it judges. It is
registered with :func:`rule`; registering a code twice fails at import. The
table is what ``ijw rules`` prints.

Level-2 rules (:mod:`ijw.rules.content`) look at one message. Level-3 and
level-4 rules (:mod:`ijw.rules.store`) also get a :class:`RuleContext` with
what the store knows and the outside sources (system date, CBS list).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from lxml import etree

from ijw.errors import Finding, Level
from ijw.messages import Message, shape_of
from ijw.messages.r3_2.codelists import RetourCode
from ijw.xmlmap import locate

#: A model location: field names and tuple indexes, as pydantic reports them.
Loc = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Hit:
    """One violation a rule found: where (model location) and what."""

    loc: Loc
    text: str


RuleFunc = Callable[..., Iterable[Hit]]


@dataclass(frozen=True, slots=True)
class Rule:
    """A registered rule."""

    code: str
    retourcode: RetourCode
    level: Level
    messages: frozenset[str]
    summary: str
    doc: str
    func: RuleFunc

    def check(self, message: Message, *args: Any) -> list[Hit]:
        """Run the rule; a rule for another message type finds nothing."""
        if message.message_type not in self.messages:
            return []
        return list(self.func(message, *args))


RULES: dict[str, Rule] = {}


def rule(
    code: str, retourcode: RetourCode, level: Level, messages: Iterable[str]
) -> Callable[[RuleFunc], RuleFunc]:
    """Register the decorated function as rule ``code``."""

    def register(func: RuleFunc) -> RuleFunc:
        if code in RULES:
            raise RuntimeError(f"rule {code} is registered twice")
        doc = (func.__doc__ or "").strip()
        if not doc:
            raise RuntimeError(f"rule {code} has no docstring")
        RULES[code] = Rule(
            code, retourcode, level, frozenset(messages), doc.splitlines()[0], doc, func
        )
        return func

    return register


_BY_TYPE_AND_LEVEL: dict[tuple[str, Level, int], tuple[Rule, ...]] = {}


def rules_for(message_type: str, level: Level) -> tuple[Rule, ...]:
    """The rules of ``level`` that judge ``message_type``, in code order.

    Cached per size of the registry, which only grows while modules import.
    """
    key = (message_type, level, len(RULES))
    found = _BY_TYPE_AND_LEVEL.get(key)
    if found is None:
        found = tuple(sorted(
            (r for r in RULES.values() if r.level is level and message_type in r.messages),
            key=lambda r: r.code,
        ))
        _BY_TYPE_AND_LEVEL[key] = found
    return found


def to_finding(
    found: Rule, hit: Hit, message: Message, root: etree._Element | None, file: str | None
) -> Finding:
    """A finding for one hit, with the element path and line when the tree is at hand."""
    path: str | None = "/".join(str(p) for p in hit.loc)
    line = None
    if root is not None:
        path, line = locate(root, shape_of(type(message)), hit.loc)
    return Finding(
        found.level, hit.text, file, line, path, rule=found.code, code=found.retourcode.value
    )


def content_findings(
    message: Message, root: etree._Element | None = None, file: str | None = None
) -> Iterator[Finding]:
    """Every level-2 finding for one message."""
    for found in rules_for(message.message_type, Level.CONTENT):
        for hit in found.check(message):
            yield to_finding(found, hit, message, root, file)


def all_rules() -> list[Rule]:
    """Every registered rule, by level and code."""
    order = list(Level)
    return sorted(RULES.values(), key=lambda r: (order.index(r.level), r.code))


from ijw.rules import content as _content  # noqa: E402  (registers the level-2 rules)
from ijw.rules import content_more as _content_more  # noqa: E402, F401  (more level-2 rules)
from ijw.rules import declaratie_content as _declaratie_content  # noqa: E402, F401  (323, level 2)
from ijw.rules import declaratie_store as _declaratie_store  # noqa: E402, F401  (323, levels 3/4)
from ijw.rules import external as _external  # noqa: E402, F401  (TR381, the product code list)
from ijw.rules import store as _store  # noqa: E402, F401  (registers the level-3/4 rules)

__all__ = ["RULES", "Hit", "Loc", "Rule", "_content", "all_rules", "content_findings", "rule"]
