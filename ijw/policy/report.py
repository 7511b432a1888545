"""The continuity report: the stored decisions as CSV, JSON or a terminal table, and why.

CSV and JSON are exports for staff systems and carry the BSN in full; the
terminal table masks it (:func:`ijw.privacy.mask`). Rows come from the store
in ToewijzingNummer order, streamed, so a report of a million products does
not have to fit in memory when written with :func:`write_report`.

Columns: ``bsn, agb, toewijzingnummer, productcategorie, productcode, status,
reasons, regime, transfer_2025, referral_date, referral_evidence,
request_date, period_start, period_end``. The transfer column is named after
the year after the pack's continuity year.

* CSV: ``reasons`` joined by ``;``, the primary first; booleans ``true``/``false``;
  an unknown date empty. With ``excel=True``: UTF-8 with a byte order mark and
  ``;`` between the fields (``reasons`` then joined by ``,``), which Excel in a
  Dutch locale opens as columns.
* JSON: one object, ``{"report": "continuity", "pack": {"id", "sha256", "gemeente",
  "continuity_year"}, "gemeente", "as_of", "counts": {status: n, ..., "total"},
  "decisions": [...]}``, each decision with the columns above, ``reasons`` a list
  and an unknown date ``null``.
* xlsx (:func:`write_xlsx`): a sheet ``decisions`` with typed cells (dates,
  numbers, booleans) and a sheet ``about`` with the pack and the counts.
* The terminal table shows the columns that matter on an 80-column screen (BSN
  masked, AGB, ToewijzingNummer, status, the primary reason, regime, transfer)
  and names the export formats for the rest.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal, TextIO

from rich.console import Console
from sqlalchemy import Engine, and_, select

from ijw.errors import ConfigurationError
from ijw.policy.continuity import ELIGIBLE, NEEDS_REVIEW, NOT_ELIGIBLE, facts_from_evidence
from ijw.policy.decisions import CLIENT, CONTINUED, DECISION, DecideStats
from ijw.policy.explain import explain_decision
from ijw.policy.pack import LoadedPack
from ijw.privacy import mask
from ijw.tables import compact_table
from ijw.xlsx import Cell, Sheet, write_workbook

Format = Literal["table", "csv", "json", "xlsx"]
FORMATS: tuple[Format, ...] = ("table", "csv", "json", "xlsx")


@dataclass(frozen=True, slots=True)
class ContinuityReport:
    """The outcome of deciding a pack: counts, warnings, and the way to the rows."""

    engine: Engine
    pack: LoadedPack
    today: date
    stats: DecideStats = field(default_factory=DecideStats)
    warnings: tuple[str, ...] = ()

    @property
    def counts(self) -> dict[str, int]:
        """Decisions per status (every status present, possibly 0)."""
        return {s: self.stats.statuses.get(s, 0) for s in (ELIGIBLE, NEEDS_REVIEW, NOT_ELIGIBLE)}

    def rows(self) -> Iterator[ReportRow]:
        """The stored decisions of this pack, in ToewijzingNummer order."""
        return iter_rows(self.engine, self.pack)

    def summary(self) -> str:
        """One line for the terminal."""
        c = self.counts
        s = self.stats
        return (f"{self.pack.info.id}: {sum(c.values())} product(s): {c[ELIGIBLE]} eligible, "
                f"{c[NEEDS_REVIEW]} needs_review, {c[NOT_ELIGIBLE]} not_eligible "
                f"({s.new} new, {s.changed} changed, {s.unchanged} unchanged, "
                f"{s.withdrawn} withdrawn)")


@dataclass(frozen=True, slots=True)
class ReportRow:
    """One line of the report."""

    bsn: str
    agb: str
    toewijzingnummer: int
    productcategorie: str | None
    productcode: str | None
    status: str
    reasons: str
    regime: str | None
    transfer: bool
    referral_date: date | None
    referral_evidence: str
    request_date: date | None
    period_start: date | None
    period_end: date | None


def _continued(d: Any) -> Any:
    """The join of a decision to its continuity allocation (by the decision's key)."""
    k = CONTINUED
    return and_(k.c.pack_id == d.c.pack_id, k.c.gemeente == d.c.gemeente,
                k.c.toewijzing_nummer == d.c.toewijzing_nummer)


def columns(pack: LoadedPack) -> tuple[str, ...]:
    """The report's column names."""
    return ("bsn", "agb", "toewijzingnummer", "productcategorie", "productcode", "status",
            "reasons", "regime", pack.info.transfer_column, "referral_date",
            "referral_evidence", "request_date", "period_start", "period_end")


def iter_rows(engine: Engine, pack: LoadedPack) -> Iterator[ReportRow]:
    """Stream the decisions of ``pack`` from the store."""
    d = DECISION
    query = (
        select(CLIENT.c.bsn, d.c.aanbieder, d.c.toewijzing_nummer, d.c.product_categorie,
               d.c.product_code, d.c.status, d.c.reasons, d.c.regime, d.c.transfer_next_year,
               d.c.referral_date, d.c.referral_evidence, d.c.request_date,
               CONTINUED.c.period_start, CONTINUED.c.period_end)
        .join(CLIENT, CLIENT.c.id == d.c.client_id)
        .outerjoin(CONTINUED, _continued(d))
        .where(d.c.pack_id == pack.info.id, d.c.gemeente == pack.info.gemeente)
        .order_by(d.c.toewijzing_nummer)
    )
    with engine.connect() as conn:
        for row in conn.execute(query.execution_options(yield_per=5_000)):
            values: tuple[Any, ...] = tuple(row)
            yield ReportRow(*values)


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _values(row: ReportRow) -> list[Any]:
    return [row.bsn, row.agb, row.toewijzingnummer, row.productcategorie, row.productcode,
            row.status, row.reasons, row.regime, row.transfer, _day(row.referral_date),
            row.referral_evidence, _day(row.request_date), _day(row.period_start),
            _day(row.period_end)]


def _write_csv(report: ContinuityReport, out: TextIO, *, excel: bool = False) -> None:
    if excel:
        out.write("\ufeff")
    writer = csv.writer(out, delimiter=";" if excel else ",", lineterminator="\n")
    writer.writerow(columns(report.pack))
    for row in report.rows():
        values = _values(row)
        values[6] = ",".join(row.reasons.split(";")) if excel else row.reasons
        values[8] = "true" if row.transfer else "false"
        writer.writerow(["" if v is None else v for v in values])


def metadata(report: ContinuityReport) -> dict[str, Any]:
    """What the JSON and xlsx exports say about themselves: pack, gemeente, day, counts."""
    info = report.pack.info
    counts: dict[str, int] = dict(report.counts)
    counts["total"] = sum(report.counts.values())
    return {
        "report": "continuity",
        "pack": {"id": info.id, "sha256": report.pack.sha256, "gemeente": info.gemeente,
                 "continuity_year": info.continuity_year},
        "gemeente": info.gemeente,
        "as_of": report.today.isoformat(),
        "counts": counts,
    }


def _reasons(row: ReportRow) -> list[str]:
    return [r for r in row.reasons.split(";") if r]


def _write_json(report: ContinuityReport, out: TextIO) -> None:
    names = columns(report.pack)
    head = json.dumps(metadata(report), ensure_ascii=False, indent=2)
    out.write(head[:-2] + ',\n  "decisions": [')  # the rows follow, streamed
    for i, row in enumerate(report.rows()):
        values = _values(row)
        values[6] = _reasons(row)
        out.write("," if i else "")
        out.write("\n    ")
        out.write(json.dumps(dict(zip(names, values, strict=True)), ensure_ascii=False))
    out.write("\n  ]\n}\n")


def _write_table(report: ContinuityReport, out: TextIO) -> None:
    info = report.pack.info
    rows = [(mask(row.bsn), row.agb, str(row.toewijzingnummer), row.status,
             " ".join(_reasons(row)[:1]) + (f" +{len(_reasons(row)) - 1}"
                                             if len(_reasons(row)) > 1 else ""),
             row.regime or "", "yes" if row.transfer else "no")
            for row in report.rows()]
    table = compact_table(
        ("bsn", "agb", "nummer", "status", "reason", "regime", str(info.continuity_year + 1)),
        rows, flexible=4,
        title=f"{info.id} ({info.gemeente}, continuity year {info.continuity_year})")
    console = Console(file=out, force_terminal=False, color_system=None)
    console.print(table)
    console.print(report.summary(), highlight=False)
    console.print(f"Column {info.continuity_year + 1}: transfers to that year. Product, all "
                  "reasons, dates, period:", highlight=False)
    console.print("  --format csv, json or xlsx (with --out).", highlight=False)


def write_xlsx(report: ContinuityReport, path: Path) -> Path:
    """The report as an Excel workbook: ``decisions`` (typed cells) and ``about``."""
    info = metadata(report)
    about: list[tuple[str, Cell]] = [
        ("report", "continuity"), ("pack", info["pack"]["id"]),
        ("pack sha256", info["pack"]["sha256"]), ("gemeente", info["gemeente"]),
        ("continuity year", info["pack"]["continuity_year"]), ("as of", report.today),
        *((f"count {k}", v) for k, v in info["counts"].items()),
    ]
    rows = ([row.bsn, row.agb, row.toewijzingnummer, row.productcategorie, row.productcode,
             row.status, "; ".join(_reasons(row)), row.regime, row.transfer, row.referral_date,
             row.referral_evidence, row.request_date, row.period_start, row.period_end]
            for row in report.rows())
    return write_workbook(path, [
        Sheet("decisions", columns(report.pack), rows),
        Sheet("about", ("field", "value"), about, widths=(18, 68)),
    ])


def write_report(report: ContinuityReport, fmt: str, out: TextIO, *,
                 excel: bool = False) -> None:
    """Write the report to ``out`` in ``fmt`` (``table``, ``csv`` or ``json``), streaming.

    ``excel`` makes the CSV Excel's (byte order mark, ``;``). For ``xlsx``, which is
    a file of its own, use :func:`write_xlsx`.
    """
    if fmt == "csv":
        _write_csv(report, out, excel=excel)
        return
    writers = {"json": _write_json, "table": _write_table}
    if fmt not in writers:
        raise ConfigurationError(f"unknown report format {fmt!r}; use table, csv or json "
                                 "(xlsx needs a file: --out)")
    writers[fmt](report, out)


def render(report: ContinuityReport, fmt: str) -> str:
    """The report as one string (``table``, ``csv`` or ``json``)."""
    buffer = io.StringIO()
    write_report(report, fmt, buffer)
    return buffer.getvalue()


def explain(report_or_engine: ContinuityReport | Engine, toewijzing_nummer: int, *,
            pack: LoadedPack | None = None) -> str:
    """The reasoning behind the stored decision on ``toewijzing_nummer``, step by step.

    With a report (or ``pack``), the checks are re-run on the stored facts
    against the pack's parameters; with only an engine, the stored decision
    of each pack is shown as it was made.
    """
    if isinstance(report_or_engine, ContinuityReport):
        engine, pack = report_or_engine.engine, report_or_engine.pack
    else:
        engine = report_or_engine
    d = DECISION
    query = (select(d.c.toewijzing_nummer, d.c.aanbieder, d.c.product_categorie,
                    d.c.product_code, d.c.pack_id, d.c.gemeente, d.c.status, d.c.reasons,
                    d.c.regime,
                    d.c.transfer_next_year, d.c.evidence, d.c.pack_hash, d.c.decided_at,
                    CLIENT.c.bsn, CONTINUED.c.period_start, CONTINUED.c.period_end)
             .join(CLIENT, CLIENT.c.id == d.c.client_id)
             .outerjoin(CONTINUED, _continued(d))
             .where(d.c.toewijzing_nummer == toewijzing_nummer)
             .order_by(d.c.pack_id, d.c.gemeente))
    if pack is not None:
        query = query.where(d.c.pack_id == pack.info.id, d.c.gemeente == pack.info.gemeente)
    with engine.connect() as conn:
        found = conn.execute(query).all()
    if not found:
        where = f" under pack {pack.info.id}" if pack is not None else ""
        raise ConfigurationError(f"no decision on ToewijzingNummer {toewijzing_nummer}{where}; "
                                 "run `ijw continuity --rules PACK` first")
    return "\n\n".join(
        explain_decision(
            facts_from_evidence(row.evidence, row.toewijzing_nummer, row.aanbieder,
                                (row.product_categorie, row.product_code)),
            bsn=mask(row.bsn), pack_id=row.pack_id,
            gemeente=row.gemeente, status=row.status,
            reasons=tuple(r for r in row.reasons.split(";") if r), regime=row.regime,
            transfer=bool(row.transfer_next_year), pack_hash=row.pack_hash,
            decided_at=row.decided_at, period=(row.period_start, row.period_end),
            info=pack.info if pack is not None else None,
        )
        for row in found
    )
