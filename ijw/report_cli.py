"""``ijw report``: the HTML report for policy staff on the command line.

A thin wrapper over :func:`ijw.api.report`; :mod:`ijw.cli` mounts it with
``app.command("report")(report_command)``. Errors are raised as
:class:`~ijw.errors.IjwError` and turned into the fixed exit codes there.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from ijw import api
from ijw.clock import parse_day
from ijw.options import DbOption, TodayOption


def _parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


def report_command(
    out: Annotated[Path, typer.Option("--out", help="The HTML file to write.",
                                      dir_okay=False)],
    date_from: Annotated[
        date | None,
        typer.Option("--from", parser=_parse_date, metavar="YYYY-MM-DD",
                     help="First Dagtekening to count (default: the first in the store)."),
    ] = None,
    date_to: Annotated[
        date | None,
        typer.Option("--to", parser=_parse_date, metavar="YYYY-MM-DD",
                     help="Last Dagtekening to count, inclusive (default: the last)."),
    ] = None,
    rules: Annotated[
        list[Path] | None,
        typer.Option("--rules", help="A continuity pack (TOML) whose stored decisions to show; "
                     "repeat for several.", exists=True, dir_okay=False),
    ] = None,
    db_url: DbOption = None,
    today: TodayOption = None,
) -> None:
    """Write one self-contained HTML report with charts: traffic, timeliness, rejections.

    Sections: messages per month and type; answers and their deadlines (retours
    3, 301/319 5, 325 10 working days); rejections by retourcode and provider;
    per --rules pack the stored continuity decisions; declaraties submitted and
    approved. Counts only, no BSN. The file needs no network to be viewed.

    Example: ijw report --out report.html --from 2024-01-01 --to 2024-12-31
    """
    result = api.report(out, date_from=date_from, date_to=date_to, packs=rules or (),
                        database_url=db_url, today=parse_day(today))
    f = result.figures
    typer.echo(f"report written to {result.path}: {f.messages_in_period} message(s) in "
               f"{f.period.describe()}, {len(f.packs)} pack(s)")
