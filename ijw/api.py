"""The library surface of ijw: the operations, with typed results.

The command line (:mod:`ijw.cli`) is a thin layer over these functions; other
municipal systems call them directly::

    from ijw import api

    report = api.validate(["inbox/"])
    for result in report.files:
        print(result.file, result.valid)
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine

from ijw import declarations
from ijw.clock import AMSTERDAM, today_in_amsterdam
from ijw.declarations import ApprovedTotal, DeclarationMonth
from ijw.errors import (
    ConfigurationError,
    Finding,
    IjwError,
    ImportInterruptedError,
    InvalidMessageError,
    Level,
    SchemaError,
    StoreError,
)
from ijw.importing import FileOutcome, ImportOptions, ImportSummary, import_files
from ijw.messages import Message
from ijw.messages.r3_2.antwoord import Jw319, Jw320
from ijw.messages.r3_2.start import Jw305, Jw306
from ijw.messages.r3_2.stop import Jw307, Jw308
from ijw.messages.r3_2.toewijzing import Jw301, Jw302
from ijw.messages.r3_2.verzoek_toewijzing import Jw315, Jw316
from ijw.messages.r3_2.verzoek_wijziging import Jw317, Jw318
from ijw.policy.api import (
    ContinuityReport,
    answer_spic_317s,
    decide,
    explain,
    export_spic_301s,
    import_referrals,
    render,
)
from ijw.queries import (
    AllocationInfo,
    ClientOverview,
    MessageInfo,
    allocations,
    client_overview,
    messages,
)
from ijw.reading import ReadResult, iter_files, parse, read
from ijw.report.queries import ReportFigures
from ijw.rules import Rule, all_rules
from ijw.schemas import SchemaSet
from ijw.schemas import load as load_schemas
from ijw.store import db
from ijw.store.check import StoreCheck, check_store
from ijw.writing import write

#: One path (a file or a folder, as text or a path) or several.
PathsLike = str | os.PathLike[str] | Iterable[str | os.PathLike[str]]


def input_paths(paths: PathsLike) -> list[Path]:
    """``paths`` as a list: one path (never iterated as characters) or several.

    A path that does not exist raises :class:`ConfigurationError`, as on the
    command line (a dangling symbolic link exists here: reading it reports it).
    """
    items = [paths] if isinstance(paths, str | os.PathLike) else list(paths)
    found: list[Path] = []
    for item in items:
        if not isinstance(item, str | os.PathLike):
            raise TypeError(f"a path is a str or os.PathLike, not {type(item).__name__}")
        path = Path(item)
        if not path.exists() and not path.is_symlink():
            raise ConfigurationError(f"{path}: no such file or folder")
        found.append(path)
    return found


def finding_json(finding: Finding) -> dict[str, Any]:
    """The JSON form of one finding (``line``, ``path``, ``message``, ``code``)."""
    return {
        "line": finding.line,
        "path": finding.path,
        "message": finding.message,
        "code": finding.code or finding.rule,
    }


def result_json(result: ReadResult) -> dict[str, Any]:
    """The JSON form of one file's validation result."""
    return {
        "file": result.file,
        "valid": result.valid,
        "message_type": result.message_type,
        "errors": [finding_json(f) for f in result.findings],
    }


@dataclass(frozen=True, slots=True)
class ValidationReport:
    """The outcome of validating a set of files."""

    files: tuple[ReadResult, ...]

    @property
    def valid(self) -> bool:
        """True when every file is a valid message."""
        return all(r.valid for r in self.files)

    @property
    def invalid_count(self) -> int:
        """How many files are not valid."""
        return sum(not r.valid for r in self.files)


def schema_set(folder: Path | None = None) -> SchemaSet:
    """The schemas to use: ``folder``, else ``IJW_SCHEMA_DIR``, else the shipped ones."""
    return load_schemas(folder)


def iter_validate(
    paths: PathsLike,
    *,
    schemas: SchemaSet | None = None,
    max_bytes: int | None = None,
) -> Iterator[ReadResult]:
    """Validate files and folders (recursively), one result per file, as they are read.

    ``paths`` is one path or several; a missing one raises at once.
    """
    found = input_paths(paths)
    schema = schemas or schema_set()
    return (read(path, schemas=schema, max_bytes=max_bytes) for path in iter_files(found))


def validate(
    paths: PathsLike,
    *,
    schemas: SchemaSet | None = None,
    max_bytes: int | None = None,
) -> ValidationReport:
    """Validate files and folders (recursively)."""
    return ValidationReport(tuple(iter_validate(paths, schemas=schemas, max_bytes=max_bytes)))


def open_store(url: str | None = None, *, create: bool = True,
               create_folder: bool = False) -> Engine:
    """An engine on the store (``url``, ``IJW_DATABASE_URL`` or the SQLite default).

    A SQLite store is created and migrated on first use (unless ``create`` is
    false: commands that only read refuse a missing store instead of reporting
    on an empty one), in a folder that exists, or with ``create_folder`` in a
    new one; a PostgreSQL store must have been migrated with ``ijw db upgrade``.
    """
    resolved = db.resolve_url(url)
    path = db.sqlite_path(resolved)
    if not create and path is not None and not path.exists():
        raise ConfigurationError(
            f"no store at {path}: import messages first, or pass --db / IJW_DATABASE_URL")
    engine = db.make_engine(resolved, create_folder=create_folder)
    db.ensure_schema(engine)
    return engine


def import_paths(
    paths: PathsLike,
    *,
    gemeente: str,
    outbox: str | Path,
    store: Engine | None = None,
    database_url: str | None = None,
    move_to: str | Path | None = None,
    today: date | None = None,
    schemas: SchemaSet | None = None,
    max_bytes: int | None = None,
    on_file: Callable[[FileOutcome], None] | None = None,
    workers: int = 1,
    stop: Callable[[], bool] | None = None,
    create_folder: bool = False,
    on_planned: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Import message files and folders into the store; retours go to ``outbox``.

    ``paths`` is one path (``"inbox/"``) or several; one that does not exist
    raises :class:`ConfigurationError`.

    ``workers`` above 1 runs that many processes (PostgreSQL only). ``stop`` is
    asked between batches (and while waiting for another run's lock): when it
    returns true the run ends there, is recorded as interrupted and raises
    :class:`~ijw.errors.ImportInterruptedError`; what was committed stays, and the next run
    completes the rest. A new SQLite store is made only in a folder that exists,
    or with ``create_folder``. ``on_planned`` is told how many files the run will
    process once it knows (before the first); ``on_file`` then gets each file's
    outcome after its commit.
    """
    if not re.fullmatch(r"[0-9]{4}", gemeente):
        raise ConfigurationError(f"gemeente must be a 4-digit CBS code, not {gemeente!r}")
    if workers < 1:
        raise ConfigurationError("--workers must be at least 1")
    found = input_paths(paths)
    if workers > 1:
        url = (store.url.render_as_string(hide_password=False) if store is not None
               else db.resolve_url(database_url))
        options = ImportOptions(
            gemeente=gemeente, outbox=Path(outbox), today=today or today_in_amsterdam(),
            schemas=schemas or schema_set(), move_to=Path(move_to) if move_to else None,
            max_bytes=max_bytes,
        )
        from ijw.workers import parallel_import

        return parallel_import(url, found, options, workers, on_file, stop, on_planned)
    engine = store or open_store(database_url, create_folder=create_folder)
    options = ImportOptions(
        gemeente=gemeente,
        outbox=Path(outbox),
        today=today or today_in_amsterdam(),
        schemas=schemas or schema_set(),
        move_to=Path(move_to) if move_to else None,
        max_bytes=max_bytes,
    )
    try:
        return import_files(engine, found, options, on_file, stop, on_planned)
    finally:
        if store is None:
            engine.dispose()


def declaration_overview(
    store: Engine | str | None = None,
    *,
    database_url: str | None = None,
    gemeente: str | None = None,
    aanbieder: str | None = None,
    period_from: date | None = None,
    period_to: date | None = None,
) -> list[DeclarationMonth]:
    """Declaraties (323) per gemeente, aanbieder and month: counts and signed eurocents.

    ``store`` (an engine or a database URL), else the store at ``database_url`` (or
    ``IJW_DATABASE_URL``), which must exist. The periods are whole months; see
    :mod:`ijw.declarations`.
    """
    if isinstance(store, str):
        store, database_url = None, store
    engine = store or open_store(database_url, create=False)
    try:
        return declarations.overview(engine, gemeente=gemeente, aanbieder=aanbieder,
                                     period_from=period_from, period_to=period_to)
    finally:
        if store is None:
            engine.dispose()


def approved_so_far(
    store: Engine | Connection | str | None,
    gemeente: str,
    toewijzing_nummer: int,
    *,
    database_url: str | None = None,
) -> ApprovedTotal:
    """Approved volume and amount of one toewijzing so far (credits subtract).

    ``store`` may be a connection, to ask inside its transaction; ``None`` opens
    the store at ``database_url`` (or ``IJW_DATABASE_URL``), which must exist; a
    string is a database URL.
    """
    if isinstance(store, str):
        store, database_url = None, store
    engine = store or open_store(database_url, create=False)
    try:
        return declarations.approved_so_far(engine, gemeente, toewijzing_nummer)
    finally:
        if store is None and isinstance(engine, Engine):
            engine.dispose()


@dataclass(frozen=True, slots=True)
class ReportResult:
    """What :func:`report` wrote: the HTML file and the figures it shows."""

    path: Path
    figures: ReportFigures


def report(
    out: str | Path,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    packs: Iterable[str | Path] = (),
    store: Engine | None = None,
    database_url: str | None = None,
    today: date | None = None,
) -> ReportResult:
    """Write the HTML report for policy staff to ``out`` and return it with its figures.

    One self-contained file (styles and SVG charts inline, no network needed to
    view it) with message traffic, answer timeliness, rejections, the stored
    continuity decisions of each pack in ``packs`` and the declaraties, for
    messages dated ``date_from`` to ``date_to`` (inclusive; open when ``None``).
    Counts only: no BSN appears. ``store``, else the store at ``database_url``
    (or ``IJW_DATABASE_URL``), which must exist.
    """
    from ijw.policy.pack import load_pack
    from ijw.report.queries import Period, gather
    from ijw.report.render import write_report

    if date_from is not None and date_to is not None and date_to < date_from:
        raise ConfigurationError(f"--to {date_to} lies before --from {date_from}")
    loaded = [load_pack(p) for p in packs]
    engine = store or open_store(database_url, create=False)
    try:
        figures = gather(engine, Period(date_from, date_to), loaded,
                         today=today or today_in_amsterdam(),
                         now=datetime.now(AMSTERDAM).replace(microsecond=0))
    finally:
        if store is None:
            engine.dispose()
    return ReportResult(write_report(figures, Path(out)), figures)


def rules() -> list[Rule]:
    """Every implemented technical rule."""
    return all_rules()


__all__ = [
    "AllocationInfo",
    "ApprovedTotal",
    "ClientOverview",
    "ConfigurationError",
    "ContinuityReport",
    "DeclarationMonth",
    "FileOutcome",
    "Finding",
    "IjwError",
    "ImportInterruptedError",
    "ImportSummary",
    "InvalidMessageError",
    "Jw301",
    "Jw302",
    "Jw305",
    "Jw306",
    "Jw307",
    "Jw308",
    "Jw315",
    "Jw316",
    "Jw317",
    "Jw318",
    "Jw319",
    "Jw320",
    "Level",
    "Message",
    "MessageInfo",
    "PathsLike",
    "ReadResult",
    "ReportFigures",
    "ReportResult",
    "SchemaError",
    "StoreCheck",
    "StoreError",
    "ValidationReport",
    "allocations",
    "answer_spic_317s",
    "approved_so_far",
    "check_store",
    "client_overview",
    "decide",
    "declaration_overview",
    "explain",
    "export_spic_301s",
    "finding_json",
    "import_paths",
    "import_referrals",
    "input_paths",
    "iter_validate",
    "messages",
    "open_store",
    "parse",
    "read",
    "render",
    "report",
    "result_json",
    "rules",
    "schema_set",
    "today_in_amsterdam",
    "validate",
    "write",
]
