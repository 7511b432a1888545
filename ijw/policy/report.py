"""The continuity report: the stored decisions as CSV, JSON or a terminal table, and why.

CSV and JSON are exports for staff systems and carry the BSN in full; the
terminal table masks it (:func:`ijw.privacy.mask`). Rows come from the store
in ToewijzingNummer order, streamed, so a report of a million products does
not have to fit in memory when written with :func:`write_report`.

Columns: ``bsn, agb, toewijzingnummer, productcategorie, productcode, status,
reasons, regime, transfer_2025, referral_date, referral_evidence,
request_date, period_start, period_end``. ``reasons`` are joined by ``;``, the
primary first; booleans are ``true``/``false``; an unknown date is empty
(CSV) or ``null`` (JSON). The transfer column is named after the year after
the pack's continuity year.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, TextIO

from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine, and_, select

from ijw.errors import ConfigurationError
from ijw.policy.continuity import ELIGIBLE, NEEDS_REVIEW, NOT_ELIGIBLE, facts_from_evidence
from ijw.policy.decisions import CLIENT, CONTINUED, DECISION, DecideStats
from ijw.policy.explain import explain_decision
from ijw.policy.pack import LoadedPack
from ijw.privacy import mask

Format = Literal["table", "csv", "json"]
FORMATS: tuple[Format, ...] = ("table", "csv", "json")


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


def _write_csv(report: ContinuityReport, out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns(report.pack))
    for row in report.rows():
        values = _values(row)
        values[8] = "true" if row.transfer else "false"
        writer.writerow(["" if v is None else v for v in values])


def _write_json(report: ContinuityReport, out: TextIO) -> None:
    names = columns(report.pack)
    out.write("[")
    for i, row in enumerate(report.rows()):
        out.write("," if i else "")
        out.write("\n  ")
        out.write(json.dumps(dict(zip(names, _values(row), strict=True)), ensure_ascii=False))
    out.write("\n]\n")


def _write_table(report: ContinuityReport, out: TextIO) -> None:
    info = report.pack.info
    table = Table("bsn", "agb", "toewijzing", "product", "status", "reasons", "regime",
                  info.transfer_column, "referral", "request",
                  title=f"{info.id} ({info.gemeente}, continuity year {info.continuity_year})")
    for row in report.rows():
        product = "/".join(p for p in (row.productcategorie, row.productcode) if p) or "-"
        referral = _day(row.referral_date) or row.referral_evidence
        table.add_row(mask(row.bsn), row.agb, str(row.toewijzingnummer), product, row.status,
                      row.reasons.replace(";", " "), row.regime or "",
                      "true" if row.transfer else "false", referral,
                      _day(row.request_date) or "")
    console = Console(file=out, width=160, force_terminal=False, color_system=None)
    console.print(table)
    console.print(report.summary(), highlight=False)


def write_report(report: ContinuityReport, fmt: str, out: TextIO) -> None:
    """Write the report to ``out`` in ``fmt`` (``table``, ``csv`` or ``json``), streaming."""
    writers = {"csv": _write_csv, "json": _write_json, "table": _write_table}
    if fmt not in writers:
        raise ConfigurationError(f"unknown report format {fmt!r}; use table, csv or json")
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
