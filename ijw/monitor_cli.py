"""``ijw monitor``: the answer-deadline monitor on the command line.

The lead's :mod:`ijw.cli` mounts it with ``app.command("monitor")(monitor_command)``.
The rules (what counts as an answer, how the deadline is counted) are in
:mod:`ijw.monitor`.

Output: ``table`` for people (the BSN masked), ``csv`` and ``json`` for
exports (the BSN in full, like any other export of the store; empty for a
323, which has none of its own). Exit 0, or 1 with ``--fail-on-overdue`` when
any verzoek or declaratie is overdue (so cron can alert);
usage errors exit 2 and an unreachable database 3, as everywhere in ``ijw``.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ijw import api
from ijw.monitor import MonitorItem, MonitorReport, Status, monitor
from ijw.options import DbOption
from ijw.privacy import mask
from ijw.store.db import store_name

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
        typer.Option("--format", help="table (BSN masked), or csv/json exports (BSN in full)."),
    ] = MonitorFormat.table,
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

    Example: ijw monitor --as-of 2024-05-01 --format csv --fail-on-overdue
    """
    day = as_of or api.today_in_amsterdam()
    engine = api.open_store(db, create=False)
    try:
        statuses = set(Status) if show_all else None
        report = monitor(engine, day, statuses=statuses)
    finally:
        engine.dispose()
    store = store_name(db)
    if fmt is MonitorFormat.json:
        typer.echo(json.dumps({"store": store, **report.to_json()}, ensure_ascii=False,
                              indent=2))
    elif fmt is MonitorFormat.csv:
        typer.echo(f"store: {store}", err=True)  # stdout is the CSV export itself
        typer.echo(render_csv(report.items), nl=False)
    else:
        typer.echo(f"store: {store}")
        print_table(report, show_all=show_all)
    if fail_on_overdue and report.overdue:
        raise typer.Exit(EXIT_OVERDUE)


def render_csv(items: tuple[MonitorItem, ...]) -> str:
    """The items as CSV with a header row (BSN in full)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for item in items:
        row = item.to_json()
        writer.writerow({k: "" if row[k] is None else row[k] for k in CSV_COLUMNS})
    return out.getvalue()


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
    console = Console(width=max(150, Console().width))
    what = ("verzoeken and declaraties" if show_all
            else "open, overdue or late verzoeken and declaraties")
    if report.items:
        table = Table("status", "kind", "aanbieder", "bsn", "referentie", "dagtekening",
                      "due", "answered", "in onderzoek", "age",
                      title=f"{what} as of {report.as_of.isoformat()}")
        for item in report.items:
            answered = (f"{item.answered_on.isoformat()} ({item.answered_by})"
                        if item.answered_on else None)
            interim = (f"{item.interim_on.isoformat()}{' (late)' if item.interim_late else ''}"
                       if item.interim_on else None)
            table.add_row(
                Text(item.status.value, style=_STYLE[item.status]), _cell(item.kind),
                _cell(item.aanbieder), _cell(None if item.bsn is None else mask(item.bsn)),
                _cell(item.referentie_aanbieder),
                _cell(item.received.isoformat()), _cell(item.due.isoformat()), _cell(answered),
                _cell(interim), _cell(item.age),
            )
        console.print(table)
    else:
        console.print(f"No {what} as of {report.as_of.isoformat()}.", highlight=False)
    if report.counts:
        counts = Table("aanbieder", "open", "overdue", "answered late", "answered on time",
                       "total", title="per aanbieder")
        for c in report.counts:
            counts.add_row(_cell(c.aanbieder), _cell(c.open), _cell(c.overdue),
                           _cell(c.answered_late), _cell(c.answered_on_time), _cell(c.total))
        console.print(counts)


__all__ = ["EXIT_OVERDUE", "MonitorFormat", "monitor_command", "print_table", "render_csv"]
