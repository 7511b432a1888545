"""``ijw monitor``: the answer-deadline monitor on the command line.

The lead's :mod:`ijw.cli` mounts it with ``app.command("monitor")(monitor_command)``.
The rules (what counts as an answer, how the deadline is counted) are in
:mod:`ijw.monitor`.

Output: ``table`` for people (the BSN masked; the columns that fit an
80-column screen), ``csv``, ``json`` and ``xlsx`` for exports (the BSN in
full, like any other export of the store; empty for a 323, which has none of
its own). CSV booleans are ``true``/``false``; ``--excel-csv`` writes UTF-8
with a byte order mark and ``;`` between the fields. ``xlsx`` needs ``--out``.
Exit 0, or 1 with ``--fail-on-overdue`` when
any verzoek or declaratie is overdue (so cron can alert);
usage errors exit 2 and an unreachable database 3, as everywhere in ``ijw``.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.text import Text

from ijw import api
from ijw.errors import ConfigurationError
from ijw.monitor import MonitorItem, MonitorReport, Status, monitor
from ijw.options import DbOption
from ijw.privacy import mask
from ijw.store.db import store_name
from ijw.tables import compact_table
from ijw.xlsx import Cell, Sheet, write_workbook

#: Exit code when ``--fail-on-overdue`` finds an overdue item (ijw.cli's EXIT_INVALID).
EXIT_OVERDUE = 1

#: Columns of the csv export, in order (the keys of :meth:`MonitorItem.to_json`).
CSV_COLUMNS = (
    "status", "kind", "gemeente", "aanbieder", "bsn", "referentie_aanbieder", "received",
    "deadline", "interim_on", "interim_late", "final_deadline", "due", "answered_on",
    "answered_by", "age",
)


class MonitorFormat(StrEnum):
    """A table for people, or csv/json for exports."""

    table = "table"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


def _parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


def monitor_command(
    as_of: Annotated[
        date | None,
        typer.Option("--as-of", parser=_parse_date, metavar="YYYY-MM-DD",
                     help="Judge as of this day (default: today, or IJW_TODAY)."),
    ] = None,
    fmt: Annotated[
        MonitorFormat,
        typer.Option("--format", help="table (BSN masked), or csv/json/xlsx exports (BSN in "
                     "full; xlsx needs --out)."),
    ] = MonitorFormat.table,
    out: Annotated[Path | None, typer.Option("--out", help="Write the export to this file.",
                                             dir_okay=False)] = None,
    excel_csv: Annotated[bool, typer.Option(
        "--excel-csv", help="CSV for Excel: UTF-8 with a byte order mark, ';' between fields.")
    ] = False,
    fail_on_overdue: Annotated[
        bool, typer.Option("--fail-on-overdue",
                           help="Exit 1 when any verzoek or declaratie is overdue.")
    ] = False,
    db: DbOption = None,
    show_all: Annotated[
        bool, typer.Option("--all", help="Also list what was answered on time.")
    ] = False,
) -> None:
    """List verzoeken and declaraties without a timely answer (301 or 319; 325).

    Verzoeken are 315 products and whole 317s; declaraties are 323s. A 301 or
    319 is due within 5 working days after the verzoek's Dagtekening (OP274,
    OP346), or 8 weeks after it once a 319 "in onderzoek" was sent; a 325
    within 10 working days after the 323's Dagtekening (OP090x4), counted once
    it was written to the outbox. Shows open, overdue and late ones, and counts
    per aanbieder.

    Exit 0; 1 with --fail-on-overdue when something is overdue.

    Example: ijw monitor --as-of 2024-05-01 --format xlsx --out monitor.xlsx --fail-on-overdue
    """
    if fmt is MonitorFormat.xlsx and out is None:
        raise ConfigurationError("--format xlsx writes a file: give --out FILE.xlsx")
    day = as_of or api.today_in_amsterdam()
    engine = api.open_store(db, create=False)
    try:
        statuses = set(Status) if show_all else None
        report = monitor(engine, day, statuses=statuses)
    finally:
        engine.dispose()
    store = store_name(db)
    if fmt is MonitorFormat.xlsx and out is not None:
        typer.echo(f"store: {store}", err=True)
        write_xlsx(report, out)
    elif fmt is MonitorFormat.table:
        typer.echo(f"store: {store}")
        print_table(report, show_all=show_all)
    else:
        text = (json.dumps({"store": store, **report.to_json()}, ensure_ascii=False, indent=2)
                + "\n" if fmt is MonitorFormat.json
                else render_csv(report.items, excel=excel_csv))
        if fmt is MonitorFormat.csv:
            typer.echo(f"store: {store}", err=True)  # stdout is the CSV export itself
        if out is None:
            typer.echo(text, nl=False)
        else:
            out.write_text(text, encoding="utf-8", newline="")
    if out is not None:
        Console(stderr=True).print(f"{len(report.items)} item(s) written to {out}",
                                   highlight=False, markup=False)
    if fail_on_overdue and report.overdue:
        raise typer.Exit(EXIT_OVERDUE)


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def render_csv(items: tuple[MonitorItem, ...], *, excel: bool = False) -> str:
    """The items as CSV with a header row (BSN in full); ``excel``: BOM and ``;``."""
    out = io.StringIO()
    if excel:
        out.write("\ufeff")
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n",
                            delimiter=";" if excel else ",")
    writer.writeheader()
    for item in items:
        row = item.to_json()
        writer.writerow({k: _csv_value(row[k]) for k in CSV_COLUMNS})
    return out.getvalue()


def _typed(item: MonitorItem) -> list[Cell]:
    return [item.status.value, item.kind, item.gemeente, item.aanbieder, item.bsn,
            item.referentie_aanbieder, item.received, item.deadline, item.interim_on,
            item.interim_late, item.final_deadline, item.due, item.answered_on,
            item.answered_by, item.age]


def write_xlsx(report: MonitorReport, path: Path) -> Path:
    """The report as an Excel workbook: ``items`` (typed cells), ``providers``, ``about``."""
    about: list[tuple[str, Cell]] = [("report", "monitor"), ("as of", report.as_of),
                                     ("gemeenten", " ".join(report.gemeenten)),
                                     *((f"count {k}", v) for k, v in report.totals().items())]
    providers: list[list[Cell]] = [
        [c.aanbieder, c.open, c.overdue, c.answered_late, c.answered_on_time, c.total]
        for c in report.counts]
    return write_workbook(path, [
        Sheet("items", CSV_COLUMNS, (_typed(i) for i in report.items)),
        Sheet("providers", ("aanbieder", "open", "overdue", "answered_late",
                            "answered_on_time", "total"), providers),
        Sheet("about", ("field", "value"), about, widths=(18, 40)),
    ])


_STYLE = {
    Status.overdue: "bold red",
    Status.answered_late: "yellow",
    Status.open: "",
    Status.answered_on_time: "green",
}


def _cell(value: object) -> Text:
    return Text("" if value is None else str(value))


def print_table(report: MonitorReport, *, show_all: bool = False) -> None:
    """The report for people: the items (BSN masked) and the counts per aanbieder."""
    console = Console()
    what = ("verzoeken and declaraties" if show_all
            else "open, overdue or late verzoeken and declaraties")
    if report.items:
        rows = [(Text(item.status.value, style=_STYLE[item.status]), item.kind,
                 item.aanbieder, "" if item.bsn is None else mask(item.bsn),
                 item.due.isoformat(), str(item.age), item.referentie_aanbieder)
                for item in report.items]
        table = compact_table(("status", "kind", "aanbieder", "bsn", "due", "age",
                               "referentie"), rows, flexible=6,
                              title=f"{what} as of {report.as_of.isoformat()}")
        console.print(table)
        console.print("Dagtekening, answer, 319 in onderzoek, 8-week deadline:", highlight=False)
        console.print("  --format csv, json or xlsx (with --out).", highlight=False)
    else:
        console.print(f"No {what} as of {report.as_of.isoformat()}.", highlight=False)
    if report.counts:
        counts = compact_table(
            ("aanbieder", "open", "overdue", "late", "on time", "total"),
            [(c.aanbieder, str(c.open), str(c.overdue), str(c.answered_late),
              str(c.answered_on_time), str(c.total)) for c in report.counts],
            title="per aanbieder (answered late, answered on time)")
        console.print(counts)


__all__ = ["EXIT_OVERDUE", "MonitorFormat", "monitor_command", "print_table", "render_csv",
           "write_xlsx"]
