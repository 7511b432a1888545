"""``ijw continuity`` and ``ijw referrals``: thin typer wrappers over :mod:`ijw.policy.api`.

:mod:`ijw.cli` mounts them::

    app.command("continuity")(continuity_command)
    app.add_typer(referrals_app, name="referrals")

Errors are raised as :class:`~ijw.errors.IjwError`; ``ijw.cli.main`` turns
them into the fixed exit codes (2 configuration, 3 database).
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy import Engine

from ijw.clock import parse_day
from ijw.errors import ConfigurationError
from ijw.options import DbOption, TodayOption
from ijw.policy import api
from ijw.store.db import store_name


class ReportFormat(StrEnum):
    """A table for people, CSV, JSON or an Excel workbook for staff systems."""

    table = "table"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


def _store(db_url: str | None, *, create: bool = True) -> Engine:
    from ijw.api import open_store  # ijw.api imports ijw.policy.api: import it late

    return open_store(db_url, create=create)


def continuity_command(
    rules: Annotated[Path, typer.Option("--rules", help="The policy pack (TOML).",
                                        exists=True, dir_okay=False)],
    output: Annotated[ReportFormat, typer.Option(
        "--format", help="table (BSN masked), or csv/json/xlsx (BSN in full, for staff "
        "systems; xlsx needs --out).")
    ] = ReportFormat.table,
    out: Annotated[Path | None, typer.Option("--out", help="Write the report to this file.",
                                             dir_okay=False)] = None,
    excel_csv: Annotated[bool, typer.Option(
        "--excel-csv", help="CSV for Excel: UTF-8 with a byte order mark, ';' between fields.")
    ] = False,
    explain: Annotated[int | None, typer.Option(
        "--explain", metavar="TOEWIJZINGNUMMER",
        help="Print the reasoning behind one product's decision, step by step.")] = None,
    db_url: DbOption = None,
    export_301: Annotated[Path | None, typer.Option(
        "--export-301", metavar="DIR", file_okay=False,
        help="Write the JW301s that end SPIC products on the year's last day (reden 03).")
    ] = None,
    answer_317: Annotated[Path | None, typer.Option(
        "--answer-317", metavar="DIR", file_okay=False,
        help="Reject JW317s that would change a SPIC product with a JW319 (reden 4).")
    ] = None,
    today: TodayOption = None,
) -> None:
    """Decide zorgcontinuïteit for every allocated product under a policy pack.

    Writes the decisions and continuity allocations to the store (idempotent)
    and prints the report. Warnings (e.g. contracted parties without an AGB
    code) go to stderr.

    Example: ijw continuity --rules rules/amsterdam-esjh-2024.toml --format xlsx --out c.xlsx
    """
    if output is ReportFormat.xlsx and out is None:
        raise ConfigurationError("--format xlsx writes a file: give --out FILE.xlsx")
    engine = _store(db_url, create=False)
    day = parse_day(today)
    report = api.decide(engine, rules, today=day)
    err = Console(stderr=True, soft_wrap=True)
    # The table's first line names the store; an export (csv, json, --out) keeps stdout clean.
    if output is ReportFormat.table and out is None and explain is None:
        typer.echo(f"store: {store_name(db_url)}")
    else:
        err.print(f"store: {store_name(db_url)}", highlight=False, markup=False)
    for warning in report.warnings:
        err.print(f"[yellow]warning:[/yellow] {escape(warning)}", highlight=False)
    if explain is not None:
        typer.echo(api.explain(report, explain))
    elif out is not None:
        if output is ReportFormat.xlsx:
            api.write_xlsx(report, out)
        else:
            with out.open("w", encoding="utf-8", newline="") as handle:
                api.write_report(report, output.value, handle, excel=excel_csv)
        err.print(f"{report.summary()}; report written to {out}", highlight=False,
                  markup=False)
    else:
        api.write_report(report, output.value, sys.stdout, excel=excel_csv)
    if export_301 is not None:
        paths = api.export_spic_301s(engine, rules, export_301, today=day,
                                     report=report)
        err.print(f"{len(paths)} JW301 file(s) in {export_301}", highlight=False, markup=False)
    if answer_317 is not None:
        answered = api.answer_spic_317s(engine, rules, answer_317, day,
                                        report=report)
        err.print(f"{len(answered)} JW319 rejection(s) written to {answer_317}",
                  highlight=False, markup=False)


referrals_app = typer.Typer(help="The referral register (when a client was referred).",
                            no_args_is_help=True)


@referrals_app.command("import")
def referrals_import(
    file: Annotated[Path, typer.Argument(help="CSV: bsn,agb,verwijsdatum[,verwijzer_type].",
                                         exists=True, dir_okay=False)],
    db_url: DbOption = None,
) -> None:
    """Load the referral register; one bad row and nothing is imported.

    Rows are upserted by (bsn, agb). The register is authoritative for the
    referral date in `ijw continuity`.

    Example: ijw referrals import verwijzingen.csv
    """
    typer.echo(f"store: {store_name(db_url)}")
    count = api.import_referrals(_store(db_url, create=False), file)
    typer.echo(f"{count} referral(s) imported from {file}")
