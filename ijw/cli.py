"""The ``ijw`` command line: a thin typer layer over :mod:`ijw.api`.

Exit codes have fixed meanings: 0 all good; 1 some input was invalid or could
not be processed; 2 usage or configuration error; 3 infrastructure failure
(database unreachable); 4 internal error (a bug: please report it).
"""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from sqlalchemy.exc import DBAPIError

from ijw import api, logs
from ijw.clock import parse_day
from ijw.declarations_cli import declaraties_command
from ijw.errors import ConfigurationError, IjwError, ImportInterruptedError, StoreError
from ijw.import_report import write_xlsx as write_import_xlsx
from ijw.importing import TAKEN, ImportSummary
from ijw.monitor_cli import monitor_command
from ijw.options import (
    CreateOption,
    DbOption,
    MaxBytesOption,
    PathsArgument,
    SchemasOption,
    TodayOption,
)
from ijw.policy.cli import continuity_command, referrals_app
from ijw.privacy import scrub
from ijw.report_cli import report_command
from ijw.store import db as store_db
from ijw.tables import compact_table
from ijw.workers import describe

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_INFRA, EXIT_INTERNAL = 0, 1, 2, 3, 4

#: Rejected files listed in the import summary on a terminal (JSON lists them all).
REJECTED_SHOWN = 20

#: Set by a command run with ``--format json``: a fatal error is a JSON object on stdout too.
_json_output: list[bool] = []

app = typer.Typer(
    name="ijw",
    help="Process iJw 3.2 (Jeugdwet) messages: validate, import, answer, decide.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class OutputFormat(StrEnum):
    """Output for people (text) or machines (json)."""

    text = "text"
    json = "json"


class ImportFormat(StrEnum):
    """The import summary for people (text), machines (json) or a spreadsheet (xlsx)."""

    text = "text"
    json = "json"
    xlsx = "xlsx"


@app.command()
def validate(
    paths: PathsArgument,
    output: Annotated[
        OutputFormat, typer.Option("--format", help="text, or json: one object per file.")
    ] = OutputFormat.text,
    schemas: SchemasOption = None,
    max_bytes: MaxBytesOption = None,
) -> None:
    """Validate messages against the XSDs and the standard's content rules.

    Example: ijw validate inbox/ --format json
    """
    if output is OutputFormat.json:
        _json_output.append(True)
    for path in paths:
        if not path.exists():
            raise ConfigurationError(f"{path}: no such file or folder")
    schema_set = api.schema_set(schemas)
    files = invalid = 0
    for result in api.iter_validate(paths, schemas=schema_set, max_bytes=max_bytes):
        files += 1
        invalid += not result.valid
        if output is OutputFormat.json:
            typer.echo(json.dumps(api.result_json(result), ensure_ascii=False))
        else:
            for finding in result.findings:
                typer.echo(finding.render())
    if output is OutputFormat.text:
        typer.echo(f"{files} file(s): {files - invalid} valid, {invalid} invalid")
    raise typer.Exit(EXIT_INVALID if invalid else EXIT_OK)


@app.command("rules")
def list_rules() -> None:
    """List every implemented technical rule with its code, retourcode and what it checks.

    Example: ijw rules
    """
    table = Table("rule", "retourcode", "level", "messages", "checks")
    for found in api.rules():
        table.add_row(
            found.code,
            found.retourcode.value,
            found.level.value,
            " ".join(sorted(m.removeprefix("JW") for m in found.messages)),
            found.summary,
        )
    Console(width=max(120, Console().width)).print(table)




class LogFormat(StrEnum):
    """Log lines for people (text) or for the cron job's collector (json)."""

    text = "text"
    json = "json"


class LogLevel(StrEnum):
    """How much the import logs: ``info`` logs every file."""

    debug = "debug"
    info = "info"
    warning = "warning"
    error = "error"


@app.command("import")
def import_(
    paths: PathsArgument,
    gemeente: Annotated[
        str, typer.Option("--gemeente", envvar="IJW_GEMEENTE", help="Our own CBS gemeentecode.")
    ],
    outbox: Annotated[
        Path, typer.Option("--outbox", envvar="IJW_OUTBOX", help="Folder for the retours we write.")
    ] = Path("outbox"),
    move_to: Annotated[
        Path | None,
        typer.Option("--move-to", help="Move each file after its commit into "
                     "DIR/accepted, DIR/rejected or DIR/quarantine."),
    ] = None,
    db_url: DbOption = None,
    output: Annotated[
        ImportFormat, typer.Option("--format", help="text (a table), json, or xlsx (--out).")
    ] = ImportFormat.text,
    out: Annotated[
        Path | None, typer.Option("--out", dir_okay=False,
                                  help="Write the json or xlsx summary to this file.")
    ] = None,
    log_format: Annotated[
        LogFormat, typer.Option("--log-format", help="Log lines on stderr: text, or json (cron).")
    ] = LogFormat.text,
    log_level: Annotated[
        LogLevel, typer.Option("--log-level", help="Lowest level logged.")
    ] = LogLevel.warning,
    schemas: SchemasOption = None,
    today: TodayOption = None,
    workers: Annotated[
        int, typer.Option("--workers", min=1,
                          help="Worker processes (above 1 needs PostgreSQL).")
    ] = 1,
    max_bytes: MaxBytesOption = None,
    create: CreateOption = False,
    progress_every: Annotated[
        float, typer.Option("--progress-every", metavar="SECONDS", min=0.1,
                            help="Off a terminal, log the progress at info this often.")
    ] = 60.0,
) -> None:
    """Import messages into the store, check them and write the retours and 325s.

    Exit 0: every file processed; 1: some could not be (quarantined, invalid);
    2: usage or configuration error; 3: the database is unreachable.

    Example: ijw import inbox/ --gemeente 0363 --outbox outbox/ --move-to done/

    Example: ijw import inbox/ --gemeente 0363 --format xlsx --out import.xlsx
    """
    logs.configure(log_format.value, log_level.value)
    if output is ImportFormat.json:
        _json_output.append(True)
    for path in paths:
        if not path.exists():
            raise ConfigurationError(f"{path}: no such file or folder")
    if output is ImportFormat.xlsx and out is None:
        raise ConfigurationError("--format xlsx writes a file: give --out FILE.xlsx")
    day = parse_day(today)
    store = store_db.store_name(db_url)
    err = Console(stderr=True)
    show_progress = output is ImportFormat.text and err.is_terminal
    columns = (TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TextColumn("files"),
               TimeRemainingColumn())
    with (_stop_on_signals() as caught,
          Progress(*columns, console=err, transient=True, disable=not show_progress)
          as progress):
        task = progress.add_task("importing", total=None)
        report = _ProgressLog(progress_every, enabled=not err.is_terminal)

        def planned(total: int) -> None:
            progress.update(task, total=total)
            report.total = total

        def done(_: object) -> None:
            progress.advance(task)
            report.advance()

        try:
            summary = api.import_paths(
                paths, gemeente=gemeente, outbox=outbox, database_url=db_url, move_to=move_to,
                today=day, schemas=api.schema_set(schemas) if schemas else None,
                on_file=done, on_planned=planned, workers=workers,
                max_bytes=max_bytes, stop=lambda: bool(caught), create_folder=create,
            )
        except ImportInterruptedError as exc:
            exc.signal = caught[0] if caught else signal.SIGINT
            raise
    summary_json = {"store": store, **summary.to_json()}
    if output is ImportFormat.xlsx and out is not None:
        err.print(f"store: {store}", highlight=False, markup=False)
        write_import_xlsx(summary, out)
    elif output is ImportFormat.json and out is not None:
        out.write_text(json.dumps(summary_json, ensure_ascii=False) + "\n", encoding="utf-8")
    elif output is ImportFormat.json:
        typer.echo(json.dumps(summary_json, ensure_ascii=False))
    else:
        _print_summary(summary, store)
    if out is not None:
        err.print(f"{len(summary.files)} file(s); summary written to {out}",
                  highlight=False, markup=False)
    raise typer.Exit(EXIT_OK if summary.ok else EXIT_INVALID)


class _ProgressLog:
    """Off a terminal: an info line ``progress`` (done, total) every ``every`` seconds."""

    def __init__(self, every: float, *, enabled: bool) -> None:
        self.every, self.enabled = every, enabled
        self.total = 0
        self.done = 0
        self.started = self.last = time.monotonic()

    def advance(self) -> None:
        self.done += 1
        now = time.monotonic()
        if self.enabled and now - self.last >= self.every:
            self.last = now
            logging.getLogger("ijw.import").info(
                "progress", extra={"done": self.done, "total": self.total,
                                   "seconds": round(now - self.started, 1)})


@contextmanager
def _stop_on_signals() -> Iterator[list[int]]:
    """SIGINT and SIGTERM ask the run to stop after its batch; the list gets the signal.

    A second signal is honoured at once, as a plain interruption.
    """
    caught: list[int] = []

    def on_signal(signum: int, _frame: object) -> None:
        if caught:
            raise KeyboardInterrupt
        caught.append(signum)

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield caught
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _print_summary(summary: ImportSummary, store: str) -> None:
    console = Console()
    console.print(f"store: {store}", highlight=False, markup=False, soft_wrap=True)
    if not summary.files and not summary.retours_written:
        console.print("Nothing to import.")
        return
    console.print(compact_table(
        ("message", "outcome", "files"),
        [(kind, outcome, str(n)) for (kind, outcome), n in sorted(summary.counts.items())],
        title="ijw import"))
    # Rejected files, and the 323s whose 325 rejected some of their prestaties.
    rejected = [item for item in summary.files if item.outcome in ("rejected", "partly")]
    shown = rejected[:REJECTED_SHOWN] if console.is_terminal else rejected
    for item in shown:
        codes = "; ".join(f"{c['code']} {c['meaning']}" for c in item.retourcodes())
        console.print(f"[red]{item.outcome}[/red] {escape(item.file)}: {escape(codes)}",
                      highlight=False, soft_wrap=True)
    if len(shown) < len(rejected):
        console.print(f"and {len(rejected) - len(shown)} more rejected "
                      "(--format json lists them all)", highlight=False)
    for item in summary.files:
        if not item.processed:
            # File names and findings are data: "[xsd]" or "[facet ...]" is not markup.
            # One line each, however long: a path broken over lines cannot be copied.
            console.print(f"[yellow]{item.outcome}[/yellow] {escape(item.file)}: "
                          f"{escape(item.reason or '')}", highlight=False, markup=True,
                          soft_wrap=True)
        elif item.outcome == "registered" and item.findings:
            for finding in item.findings:
                console.print(f"[yellow]warning[/yellow] {escape(finding.render())}",
                              highlight=False, soft_wrap=True)
    taken = sum(item.reason == TAKEN for item in summary.files if item.outcome == "skipped")
    if taken:
        console.print(f"{taken} file(s) skipped (taken by another run).", highlight=False)
    if not summary.changed:
        console.print("Nothing changed: every file was imported before.")
    elif summary.retours_written:
        console.print(f"{summary.retours_written} answer(s) written to the outbox "
                      "(retours and declaratie-antwoorden).")
    console.print("Every file's outcome and retour: --format json, or xlsx with --out.",
                  highlight=False)


app.command("monitor")(monitor_command)
app.command("declaraties")(declaraties_command)
app.command("continuity")(continuity_command)
app.command("report")(report_command)
app.add_typer(referrals_app, name="referrals")

db_app = typer.Typer(
    help="The store's database: migrations and checks. Example: ijw db upgrade",
    no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade(db_url: DbOption = None, create: CreateOption = False) -> None:
    """Migrate the database to the newest revision.

    Example: ijw db upgrade --db postgresql+psycopg://ijw@dbhost/ijw
    """
    url = store_db.resolve_url(db_url)
    typer.echo(f"store: {store_db.store_name(url)}")
    store_db.upgrade(url, create_folder=create)
    typer.echo(f"database at revision {store_db.current(url)}")


@db_app.command("current")
def db_current(db_url: DbOption = None) -> None:
    """Show the database's migration revision; exit 1 when it needs `ijw db upgrade`.

    A store migrated by a newer ijw (a revision this one does not know) exits 2:
    upgrade ijw, not the store.

    Example: ijw db current
    """
    url = store_db.resolve_url(db_url)
    name = store_db.store_name(url)
    typer.echo(f"store: {name}")
    found, head = store_db.current(url), store_db.head()
    if found == head:
        typer.echo(f"{found} (up to date)")
        return
    if found is not None and not store_db.known(found):
        raise ConfigurationError(
            f"the store is at revision {found}, which this ijw (newest {head}) does not know: "
            "it was migrated by a newer ijw; use that version (or newer), do not downgrade")
    typer.echo(f"{found or 'not migrated'} (this ijw needs {head}: "
               f"run `ijw db upgrade --db {name}`)")
    raise typer.Exit(EXIT_INVALID)


@db_app.command("check")
def db_check(
    db_url: DbOption = None,
    output: Annotated[
        OutputFormat, typer.Option("--format", help="text, or json (one object).")
    ] = OutputFormat.text,
) -> None:
    """Check the store: storage integrity, migration state, row counts, orphaned rows.

    Exit 0: no problems; 1: problems found (restore from backup, see the operator
    guide); 2: usage error or no store; 3: the database cannot be reached.
    It only reads, so it can run beside the import job.

    Example: ijw db check --db sqlite:////srv/ijw/ijw.db
    """
    if output is OutputFormat.json:
        _json_output.append(True)
    result = api.check_store(db_url)
    if output is OutputFormat.json:
        typer.echo(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        typer.echo(f"store: {result.store}")
        typer.echo(f"revision: {result.revision or 'not migrated'} (this ijw: {result.head})")
        rows = ", ".join(f"{t} {n}" for t, n in sorted(result.counts.items()))
        typer.echo(f"rows: {rows or 'none could be read'}")
        for note in result.notes:
            typer.echo(f"note: {note}")
        for problem in result.problems:
            typer.echo(f"problem: {problem}")
        typer.echo(f"{len(result.problems)} problem(s) found" if result.problems
                   else "no problems found")
    raise typer.Exit(EXIT_OK if result.ok else EXIT_INVALID)


def _fatal(message: str, code: int) -> None:
    """Report a fatal error on stderr (unwrapped) and in the log, then exit with ``code``.

    The text is scrubbed here, once, whatever raised it: a database's own detail or
    a quoted input value may hold a BSN.
    """
    message = scrub(message)
    logger = logging.getLogger("ijw")
    if any(isinstance(h.formatter, logs.JsonFormatter) for h in logger.handlers):
        # --log-format json: the collector gets it too (a text log would repeat the line).
        logger.error("fatal", extra={"error": message, "exit_code": code})
    Console(stderr=True, soft_wrap=True).print(message, highlight=False, markup=False)
    if _json_output:
        typer.echo(json.dumps({"error": message, "exit_code": code}, ensure_ascii=False))
    sys.exit(code)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``ijw`` console script."""
    _json_output.clear()
    try:
        app(args=argv)  # typer reports usage errors itself, with exit code 2
    except SystemExit:
        raise
    except ImportInterruptedError as exc:
        _fatal(str(exc), 128 + (exc.signal or signal.SIGINT))
    except ConfigurationError as exc:
        _fatal(f"error: {exc}", EXIT_USAGE)
    except StoreError as exc:
        _fatal(f"database error: {exc}", EXIT_INFRA)
    except IjwError as exc:
        _fatal(f"error: {exc}", EXIT_USAGE)
    except DBAPIError as exc:  # the database went away during the run
        _fatal(f"database error: {describe(exc)}", EXIT_INFRA)
    except OSError as exc:  # a folder or file the run needs is not usable
        _fatal(f"file system error: {exc}", EXIT_INFRA)
    except KeyboardInterrupt:
        _fatal("interrupted", 130)
    except Exception as exc:  # a bug: say so without a traceback unless asked
        if os.environ.get("IJW_DEBUG") == "1":
            traceback.print_exc()
            sys.exit(EXIT_INTERNAL)
        _fatal(f"internal error: {type(exc).__name__}. Set IJW_DEBUG=1 for details "
               "(a traceback may show personal data) and please report it.", EXIT_INTERNAL)
