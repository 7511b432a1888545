"""How another municipal system uses ijw: type-checked (mypy strict) with the package.

Not a test that runs; ``mypy`` checks that the public surface is typed enough
for a caller to rely on it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ijw import api
from ijw.errors import InvalidMessageError


def nightly(inbox: Path, outbox: Path) -> int:
    summary: api.ImportSummary = api.import_paths(
        [inbox], gemeente="0363", outbox=outbox, today=date(2026, 11, 24))
    problems: list[api.FileOutcome] = [f for f in summary.files if not f.processed]
    return len(problems)


def check(path: Path) -> list[str]:
    try:
        api.parse(path)
    except InvalidMessageError as exc:
        return [f.render() for f in exc.findings]
    return []


def toewijzingen(url: str, bsn: str) -> list[int]:
    engine = api.open_store(url)
    try:
        return [a.toewijzing_nummer for a in api.allocations(engine, bsn=bsn)]
    finally:
        engine.dispose()


def requested_by(path: str) -> str | None:
    """A single path as text; the parsed message narrowed to its class."""
    try:
        message = api.parse(path)
    except api.InvalidMessageError:
        return None
    if isinstance(message, api.Jw315):
        return message.header.afzender
    return None


def counts(inbox: str, outbox: str) -> dict[tuple[str, str], int]:
    try:
        return api.import_paths(inbox, gemeente="0363", outbox=outbox).counts
    except api.ConfigurationError:
        return {}
