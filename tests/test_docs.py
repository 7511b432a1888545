"""The documentation stays honest about the command line.

* Every ``ijw ...`` command line in a fenced code block of ``docs/*.md`` and
  ``README.md`` names an existing command, and every ``--option`` on it is in
  that command's ``--help``.
* Every command in ``ijw --help`` has help text with an ``Example:`` line (for
  a group such as ``ijw db``: each of its commands), and that example passes
  the same check.
* Every ``IJW_*`` environment variable the docs mention exists in the code.

The help comes from ``sys.executable -m ijw CMD --help``, run once per command.
"""

from __future__ import annotations

import functools
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pytest

REPO = Path(__file__).resolve().parent.parent
DOC_FILES = (*sorted((REPO / "docs").glob("*.md")), REPO / "README.md")

#: Fenced blocks in these languages hold code or data, never a command line.
NOT_COMMAND_BLOCKS = frozenset({"python", "py", "json", "jsonl", "sql", "toml", "xml", "csv"})

_FENCE = re.compile(
    r"^(?P<fence>```+|~~~+)[ \t]*(?P<lang>[\w+-]*)[^\n]*\n(?P<body>.*?)^(?P=fence)[ \t]*$",
    re.MULTILINE | re.DOTALL,
)
_PUNCTUATION = frozenset("();<>|&")
_WORD = re.compile(r"[a-z][a-z0-9-]*")
_OPTION = re.compile(r"\[?(--[a-z][a-z0-9-]*)")
_EXEC_DIRECTIVE = re.compile(r"Exec[A-Za-z]*=(?P<program>.+)")  # systemd ExecStart= and kin
_ASSIGNMENT = re.compile(r"[A-Z_][A-Z0-9_]*=")  # an environment variable
_WRAPPERS = frozenset({"sudo", "exec", "env", "nohup", "time", "command", "nice"})
_WRAPPER_OPTIONS_WITH_VALUE = frozenset({"-u", "-g", "-C", "-D", "-h", "-n", "-p", "-U"})
_PANEL_BOXED = re.compile(r"^[╭+][─-]+ *(?P<title>[A-Z][\w ]*?) *[─-]+[╮+]$")
_PANEL_PLAIN = re.compile(r"^(?P<title>[A-Z][\w ]*):$")


# --------------------------------------------------------------------------- the help


@functools.cache
def help_text(command: tuple[str, ...]) -> str:
    """``ijw COMMAND --help`` (wide, uncoloured); fails the test if it does not run."""
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"}
    result = subprocess.run(
        [sys.executable, "-m", "ijw", *command, "--help"], capture_output=True, text=True,
        encoding="utf-8", env=env, cwd=REPO, timeout=120, check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"`ijw {' '.join(command)} --help` exited {result.returncode}: "
                    f"{result.stderr.strip()}")
    return result.stdout


def panels(text: str) -> dict[str, list[str]]:
    """The rows of each help panel ("Options", "Commands", ...), box characters removed."""
    found: dict[str, list[str]] = {}
    rows: list[str] | None = None
    boxed = False
    for raw in text.splitlines():
        line = raw.strip()
        header = _PANEL_BOXED.match(line) or _PANEL_PLAIN.match(line)
        if header:
            rows = found.setdefault(header["title"], [])
            boxed = header.re is _PANEL_BOXED
            continue
        if rows is None:
            continue
        if boxed and line.startswith(("│", "|")):
            rows.append(line.strip("│|").strip())
        elif not boxed and raw.startswith((" ", "\t")) and line:
            rows.append(line)
        else:
            rows = None
    return found


@functools.cache
def subcommands(command: tuple[str, ...]) -> frozenset[str]:
    """The commands listed in the help of ``command`` (empty for a leaf command)."""
    rows = panels(help_text(command)).get("Commands", [])
    return frozenset(m.group(0) for row in rows if (m := _WORD.match(row)))


@functools.cache
def options(command: tuple[str, ...]) -> frozenset[str]:
    """The ``--options`` that the help of ``command`` lists."""
    names: set[str] = set()
    for title, rows in panels(help_text(command)).items():
        if title == "Commands":
            continue
        for row in rows:
            for token in row.replace(",", " ").split():
                if token == "*":  # typer marks required options with a star
                    continue
                if not token.startswith("-"):
                    break
                if token.startswith("--"):
                    names.add(token.split("=")[0])
    return frozenset(names)


# --------------------------------------------------------------------------- the docs


@dataclass(frozen=True, slots=True)
class Invocation:
    """One ``ijw`` command line: where it is and its arguments after ``ijw``."""

    where: str
    args: tuple[str, ...]


def _tokens(line: str) -> list[str]:
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    try:
        return list(lexer)
    except ValueError:  # an unbalanced quote in prose ("the store's ...")
        return line.split()


def _simple_commands(line: str) -> list[list[str]]:
    """The words of each simple command on a shell line (redirections dropped)."""
    commands: list[list[str]] = [[]]
    skip_next = False
    for token in _tokens(line):
        if skip_next:
            skip_next = False
            continue
        if token and set(token) <= _PUNCTUATION:
            if "<" in token or ">" in token:
                if commands[-1] and commands[-1][-1].isdigit():  # the 2 of 2>&1
                    commands[-1].pop()
                skip_next = True  # the redirection's target (a file or descriptor)
            else:
                commands.append([])
            continue
        commands[-1].append(token)
    return [c for c in commands if c]


def _ijw_args(words: list[str]) -> tuple[str, ...] | None:
    """The arguments of ``ijw`` when this simple command runs it, else ``None``."""
    rest = list(words)
    while rest:
        head = rest[0]
        if directive := _EXEC_DIRECTIVE.fullmatch(head):
            rest[0] = directive["program"]
        elif _ASSIGNMENT.match(head):  # VAR=value before the program
            rest.pop(0)
        elif head in _WRAPPERS:
            rest.pop(0)
            while rest and rest[0].startswith("-"):
                if rest.pop(0) in _WRAPPER_OPTIONS_WITH_VALUE and rest:
                    rest.pop(0)
        else:
            break
    if not rest or "=" in rest[0]:  # nothing, or a setting such as WorkingDirectory=/srv/ijw
        return None
    program = PurePosixPath(rest[0]).name
    if program == "ijw":
        return tuple(rest[1:])
    if program.startswith("python") and rest[1:3] == ["-m", "ijw"]:
        return tuple(rest[3:])
    return None


def invocations_in_line(line: str, where: str) -> list[Invocation]:
    """Every ``ijw`` invocation on one (logical) shell line."""
    found = []
    for words in _simple_commands(line):
        args = _ijw_args(words)
        if args is not None:
            found.append(Invocation(where, args))
    return found


def invocations_in_doc(path: Path) -> list[Invocation]:
    """Every ``ijw`` invocation in the fenced code blocks of a Markdown file."""
    text = path.read_text(encoding="utf-8")
    found: list[Invocation] = []
    for block in _FENCE.finditer(text):
        if block["lang"].lower() in NOT_COMMAND_BLOCKS:
            continue
        first_line = text.count("\n", 0, block.start("body")) + 1
        pending, start = "", first_line
        for number, raw in enumerate(block["body"].splitlines(), first_line):
            line = raw.strip()
            if not pending:
                start = number
            if line.endswith("\\"):  # continued on the next line
                pending += line[:-1] + " "
                continue
            line, pending = pending + line, ""
            line = line.removeprefix("$ ")
            if not line or line.startswith(("#", ";")):
                continue
            where = f"{path.relative_to(REPO)}:{start}"
            found.extend(invocations_in_line(line, where))
    return found


def problems(invocation: Invocation) -> list[str]:
    """What is wrong with one invocation: an unknown command or option."""
    command: tuple[str, ...] = ()
    args = list(invocation.args)
    while args and subcommands(command) and _WORD.fullmatch(args[0]):
        name = args.pop(0)
        if name not in subcommands(command):
            parent = " ".join(("ijw", *command))
            return [f"`{parent} {name}`: no such command "
                    f"(`{parent}` has {', '.join(sorted(subcommands(command)))})"]
        command = (*command, name)
    known = options(command)
    used = [m.group(1) for arg in args if (m := _OPTION.match(arg))]
    return [f"`{' '.join(('ijw', *command))}` has no option {option}"
            for option in used if option not in known]


def _all_invocations() -> list[Invocation]:
    return [inv for path in DOC_FILES if path.exists() for inv in invocations_in_doc(path)]


INVOCATIONS = _all_invocations()


# --------------------------------------------------------------------------- the tests


@pytest.mark.parametrize("invocation", INVOCATIONS, ids=[i.where for i in INVOCATIONS])
def test_documented_command_exists_with_its_options(invocation: Invocation) -> None:
    found = problems(invocation)
    assert not found, f"{invocation.where}: ijw {' '.join(invocation.args)}\n" + "\n".join(found)


def test_the_docs_show_the_operator_commands() -> None:
    """Guards the parser: the guide's command lines are found at all."""
    shown = set()
    for invocation in INVOCATIONS:
        words = [a for a in invocation.args if _WORD.fullmatch(a)][:2]
        shown.add(" ".join(words))
    for expected in ("import", "db upgrade", "db current", "monitor"):
        assert any(s == expected or s.startswith(expected + " ") for s in shown), (
            f"no `ijw {expected}` command line found in the docs' code blocks")


def _leaf_commands(command: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    leaves = []
    for name in sorted(subcommands(command)):
        child = (*command, name)
        leaves.extend(_leaf_commands(child) if subcommands(child) else [child])
    return leaves


def test_every_command_has_an_example() -> None:
    missing, wrong = [], []
    leaves = _leaf_commands()
    assert {("import",), ("validate",), ("db", "upgrade")} <= set(leaves)
    for command in leaves:
        examples = [line.split("Example:", 1)[1].strip()
                    for line in help_text(command).splitlines() if "Example:" in line]
        name = f"ijw {' '.join(command)}"
        if not examples:
            missing.append(name)
            continue
        for example in examples:
            found = invocations_in_line(example, f"{name} --help")
            if not found or found[0].args[:len(command)] != command:
                wrong.append(f"{name}: the example does not run it: {example}")
            for invocation in found:
                wrong.extend(f"{name}: {p}" for p in problems(invocation))
    assert not missing, f"no 'Example:' line in the help of: {', '.join(missing)}"
    assert not wrong, "\n".join(wrong)


def test_documented_environment_variables_exist() -> None:
    sources = "\n".join(p.read_text(encoding="utf-8")
                        for folder in ("ijw", "tests") for p in (REPO / folder).rglob("*.py")
                        if p.resolve() != Path(__file__).resolve())
    unknown = sorted({
        f"{path.relative_to(REPO)}: {name}"
        for path in DOC_FILES if path.exists()
        for name in re.findall(r"\bIJW_[A-Z_]+\b", path.read_text(encoding="utf-8"))
        if f'"{name}"' not in sources
    })
    assert not unknown, "documented but not in the code: " + ", ".join(unknown)


def test_the_parser_reads_shell_lines() -> None:
    line = ("*/10 * * * * ijw cd /srv/ijw && set -a && . /etc/ijw.env && "
            "out=$(/opt/ijw/venv/bin/ijw monitor --fail-on-overdue 2>&1) || echo \"$out\"; "
            "sudo -u ijw python3 -m ijw db upgrade --db=sqlite:///x.db >>/var/log/ijw 2>&1")
    found = invocations_in_line(line, "here")
    assert [i.args for i in found] == [
        ("monitor", "--fail-on-overdue"),
        ("db", "upgrade", "--db=sqlite:///x.db"),
    ]
    assert invocations_in_line("ExecStart=/opt/ijw/venv/bin/ijw import in --workers 2", "x")[0] \
        .args == ("import", "in", "--workers", "2")
    for setting in ("WorkingDirectory=/srv/ijw", "Description=Run ijw import", "User=ijw"):
        assert invocations_in_line(setting, "x") == []
    assert invocations_in_line("IJW_TODAY=2024-05-01 ijw monitor", "x")[0].args == ("monitor",)
    assert problems(Invocation("x", ("imprt", "in"))) != []
    assert problems(Invocation("x", ("import", "in", "--no-such-option"))) != []
    assert problems(Invocation("x", ("db", "upgrade", "--db=x"))) == []
