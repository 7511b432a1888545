"""``ijw declaraties``: the declaratie overview on the command line.

:mod:`ijw.cli` mounts it with ``app.command("declaraties")(declaraties_command)``.
The figures and what they mean are in :mod:`ijw.declarations`.

Output: ``table`` for people (amounts as ``€ 1.234,56``), ``csv`` and ``json``
for other systems (amounts as integer eurocents, months as ``YYYY-MM``). The
overview holds no BSN. Exit 0; usage errors and a missing store exit 2, an
unreachable database 3, as everywhere in ``ijw``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from ijw import api
from ijw.declarations import DeclarationMonth
from ijw.options import DbOption

#: Columns of the csv export, in order.
CSV_COLUMNS = (
    "gemeente", "aanbieder", "month", "declaraties", "prestaties", "rejected_prestaties",
    "submitted_amount", "approved_amount", "rejected_amount", "rejected_codes",
)

_MONTH = re.compile(r"(\d{4})-(\d{2})")


class DeclaratiesFormat(StrEnum):
    """A table for people, or csv/json for other systems."""

    table = "table"
    csv = "csv"
    json = "json"


def parse_month(value: str) -> date:
    """``YYYY-MM`` or ``YYYY-MM-DD``: a day of the month meant."""
    try:
        if match := _MONTH.fullmatch(value):
            return date(int(match[1]), int(match[2]), 1)
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a month (YYYY-MM) or a date "
                                 "(YYYY-MM-DD)") from None


def _month_option(flag: str, what: str) -> Any:
    return typer.Option(flag, parser=parse_month, metavar="YYYY-MM",
                        help=f"{what} (a month, or a day of it; whole months count).")


def declaraties_command(
    db: DbOption = None,
    gemeente: Annotated[
        str | None, typer.Option("--gemeente", help="Only this gemeente (CBS code).")
    ] = None,
    aanbieder: Annotated[
        str | None, typer.Option("--aanbieder", help="Only this aanbieder (AGB code).")
    ] = None,
    period_from: Annotated[date | None, _month_option("--from", "First month")] = None,
    period_to: Annotated[date | None, _month_option("--to", "Last month")] = None,
    fmt: Annotated[
        DeclaratiesFormat,
        typer.Option("--format", help="table, or csv/json (amounts in eurocents)."),
    ] = DeclaratiesFormat.table,
    out: Annotated[
        Path | None, typer.Option("--out", dir_okay=False, help="Write to FILE, not stdout.")
    ] = None,
) -> None:
    """Declaraties (323) per aanbieder and month: submitted, approved and rejected.

    Counts the declaraties and prestaties, sums the submitted and approved
    amounts, and counts the rejected prestaties per retourcode.

    Example: ijw declaraties --aanbieder 99990001 --from 2024-01 --to 2024-06 --format csv
    """
    engine = api.open_store(db, create=False)
    try:
        rows = api.declaration_overview(engine, gemeente=gemeente, aanbieder=aanbieder,
                                        period_from=period_from, period_to=period_to)
        store = engine.url.render_as_string(hide_password=True)
    finally:
        engine.dispose()
    filters = {"gemeente": gemeente, "aanbieder": aanbieder,
               "from": _month(period_from), "to": _month(period_to)}
    text = render(fmt, rows, store=store, filters=filters)
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")


def render(fmt: DeclaratiesFormat, rows: list[DeclarationMonth], *, store: str,
           filters: dict[str, str | None]) -> str:
    """The overview as text in ``fmt``."""
    if fmt is DeclaratiesFormat.json:
        return json.dumps(render_json(rows, store=store, filters=filters),
                          ensure_ascii=False, indent=2) + "\n"
    if fmt is DeclaratiesFormat.csv:
        return render_csv(rows)
    return render_table(rows)


def _month(day: date | None) -> str | None:
    return None if day is None else f"{day.year:04d}-{day.month:02d}"


def codes_text(codes: dict[str, int]) -> str:
    """Rejections per retourcode as ``9307:2 9339:1``."""
    return " ".join(f"{code}:{n}" for code, n in codes.items())


def euros(cents: int) -> str:
    """Signed eurocents as ``€ 1.234,56`` (``€ -12,50`` for a credit)."""
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    return f"€ {sign}{whole:,}".replace(",", ".") + f",{rest:02d}"


def render_json(rows: list[DeclarationMonth], *, store: str,
                filters: dict[str, str | None]) -> dict[str, Any]:
    """The JSON document: the store, the filters, the totals and one object per row."""
    counts = {
        "rows": len(rows),
        "declaraties": sum(r.declaraties for r in rows),
        "prestaties": sum(r.prestaties for r in rows),
        "rejected_prestaties": sum(r.rejected_prestaties for r in rows),
        "submitted_amount": sum(r.submitted_amount for r in rows),
        "approved_amount": sum(r.approved_amount for r in rows),
        "rejected_amount": sum(r.rejected_amount for r in rows),
    }
    return {"store": store, "filters": filters, "counts": counts,
            "rows": [r.to_json() for r in rows]}


def render_csv(rows: list[DeclarationMonth]) -> str:
    """The rows as CSV with a header row (eurocents; codes as ``9307:2 9339:1``)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({**row.to_json(), "rejected_codes": codes_text(row.rejected_codes)})
    return buffer.getvalue()


def render_table(rows: list[DeclarationMonth]) -> str:
    """The rows as a table for people (amounts in euros)."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=150, color_system=None)
    if not rows:
        console.print("No declaraties.", highlight=False)
        return buffer.getvalue()
    table = Table("gemeente", "aanbieder", "month", "declaraties", "prestaties", "rejected",
                  "submitted", "approved", "rejected amount", "rejected_codes",
                  title="declaraties per aanbieder and month")
    for r in rows:
        table.add_row(r.gemeente, r.aanbieder, r.month_iso, str(r.declaraties),
                      str(r.prestaties), str(r.rejected_prestaties), euros(r.submitted_amount),
                      euros(r.approved_amount), euros(r.rejected_amount),
                      codes_text(r.rejected_codes))
    for index in range(3, 9):
        table.columns[index].justify = "right"
    console.print(table)
    return buffer.getvalue()


__all__ = [
    "CSV_COLUMNS",
    "DeclaratiesFormat",
    "codes_text",
    "declaraties_command",
    "euros",
    "parse_month",
    "render",
    "render_csv",
    "render_json",
    "render_table",
]
