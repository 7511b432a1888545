"""Declaraties (JW323) and what their JW325s granted: the figures per month and per toewijzing.

Every judged 323 is a row of ``declaration`` and each of its prestaties a row of
``declaration_line`` (see :mod:`ijw.store.schema`). The figures below are read
from those rows with set-based statements; amounts are **eurocents, signed**:
a debet counts positive, a credit negative.

The overview (:func:`overview`), one :class:`DeclarationMonth` per gemeente,
aanbieder and declaratie month
    * ``month``: the month of the declaratie's period (its Begindatum; a
      declaratieperiode is one calendar month, CS100), as its first day;
    * ``declaraties``: how many 323s were judged for that month;
    * ``prestaties``: how many prestaties they held, ``rejected_prestaties`` how
      many of those the 325s rejected;
    * ``submitted_amount``: the sum of the TotaalIngediendBedrag (signed);
    * ``approved_amount``: the sum of the TotaalToegekendBedrag of the 325s (signed);
    * ``rejected_amount``: submitted minus approved, so the signed sum of the
      rejected prestaties (the 325 lists exactly those, TR342);
    * ``rejected_codes``: per retourcode, how many rejected prestaties carry it.
      A prestatie with several codes counts once for each; a prestatie that was
      not assessed because its client or its whole declaratie was rejected
      carries 0233, or the codes of the message's header.

    The period filters take whole months: ``period_from`` 2024-03-15 includes
    March 2024, and so does ``period_to`` 2024-03-01.

Approved so far (:func:`approved_so_far`, :func:`approved_by_allocation`), per toewijzing
    The approved prestaties of a gemeente's ToewijzingNummer, over every
    declaratie in the store: ``volume`` and ``amount`` are signed sums (a
    credit subtracts), so a credited debet and its credit, which repeats it
    (IV091), together count zero. ``prestaties`` counts the approved lines
    (debets and credits). ``eenheid`` is the unit of the volume when every
    line has the same one, else ``None`` (volumes of different units are
    added as they are; the technical rules keep a toewijzing's unit).

:func:`overview` runs two statements, the per-toewijzing questions one each,
whatever the number of declaraties.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Integer,
    Select,
    bindparam,
    case,
    cast,
    extract,
    func,
    literal_column,
    select,
)

from ijw.messages.r3_2.codelists import DebetCredit
from ijw.store.schema import Declaration, DeclarationLine, table_of

DECLARATION = table_of(Declaration)
LINE = table_of(DeclarationLine)

#: The lines the partial index ``ix_declaration_line_allocation`` holds, written as its
#: predicate is: SQLite uses a partial index only when the query names that term itself
#: (``approved = 1`` or ``approved IS 1`` would scan the table). Untyped on purpose: as a
#: Boolean, SQLAlchemy would write it as ``approved = 1`` for SQLite.
APPROVED: ColumnElement[Any] = literal_column("declaration_line.approved")


@dataclass(frozen=True, slots=True)
class DeclarationMonth:
    """The declaraties of one aanbieder for one month, with what was granted."""

    gemeente: str
    aanbieder: str
    #: First day of the declaratie month.
    month: date
    declaraties: int
    prestaties: int
    rejected_prestaties: int
    submitted_amount: int
    approved_amount: int
    #: Retourcode -> how many rejected prestaties carry it (sorted by code).
    rejected_codes: dict[str, int] = field(default_factory=dict)

    @property
    def rejected_amount(self) -> int:
        """Submitted minus approved (signed eurocents)."""
        return self.submitted_amount - self.approved_amount

    @property
    def month_iso(self) -> str:
        """The month as ``YYYY-MM``."""
        return f"{self.month.year:04d}-{self.month.month:02d}"

    def to_json(self) -> dict[str, Any]:
        """The JSON form: integer eurocents, the month as ``YYYY-MM``."""
        return {
            "gemeente": self.gemeente,
            "aanbieder": self.aanbieder,
            "month": self.month_iso,
            "declaraties": self.declaraties,
            "prestaties": self.prestaties,
            "rejected_prestaties": self.rejected_prestaties,
            "submitted_amount": self.submitted_amount,
            "approved_amount": self.approved_amount,
            "rejected_amount": self.rejected_amount,
            "rejected_codes": dict(self.rejected_codes),
        }


@dataclass(frozen=True, slots=True)
class ApprovedTotal:
    """What has been approved so far on one toewijzing (signed: credits subtract)."""

    gemeente: str
    toewijzing_nummer: int
    #: Approved prestaties (debets and credits).
    prestaties: int = 0
    volume: int = 0
    #: Eurocents.
    amount: int = 0
    #: The unit of ``volume`` when all its lines share one.
    eenheid: str | None = None


# --------------------------------------------------------------------------- the overview


def first_of_month(day: date) -> date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)


def next_month(day: date) -> date:
    """The first day of the month after ``day``'s."""
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _year(column: Any) -> ColumnElement[int]:
    return cast(extract("year", column), Integer)


def _month(column: Any) -> ColumnElement[int]:
    return cast(extract("month", column), Integer)


def _filters(gemeente: str | None, aanbieder: str | None, period_from: date | None,
             period_to: date | None) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if gemeente is not None:
        found.append(DECLARATION.c.gemeente == gemeente)
    if aanbieder is not None:
        found.append(DECLARATION.c.aanbieder == aanbieder)
    if period_from is not None:
        found.append(DECLARATION.c.period_start >= first_of_month(period_from))
    if period_to is not None:
        found.append(DECLARATION.c.period_start < next_month(period_to))
    return found


def _keys() -> tuple[Any, ...]:
    return (DECLARATION.c.gemeente, DECLARATION.c.aanbieder,
            _year(DECLARATION.c.period_start).label("year"),
            _month(DECLARATION.c.period_start).label("month"))


def _declarations_query(where: list[ColumnElement[bool]]) -> Select[Any]:
    keys = _keys()
    return (
        select(*keys, func.count().label("declaraties"),
               func.coalesce(func.sum(DECLARATION.c.submitted_amount), 0).label("submitted"),
               func.coalesce(func.sum(DECLARATION.c.approved_amount), 0).label("approved"))
        .where(*where)
        .group_by(*keys)
    )


def _lines_query(where: list[ColumnElement[bool]]) -> Select[Any]:
    keys = _keys()
    return (
        select(*keys, LINE.c.approved, LINE.c.codes, func.count().label("n"))
        .select_from(LINE)
        .join(DECLARATION, DECLARATION.c.id == LINE.c.declaration_id)
        .where(*where)
        .group_by(*keys, LINE.c.approved, LINE.c.codes)
    )


def overview(
    engine: Engine,
    *,
    gemeente: str | None = None,
    aanbieder: str | None = None,
    period_from: date | None = None,
    period_to: date | None = None,
) -> list[DeclarationMonth]:
    """The declaraties per gemeente, aanbieder and month (sorted so), within the filters."""
    where = _filters(gemeente, aanbieder, period_from, period_to)
    with engine.connect() as conn:
        totals = conn.execute(_declarations_query(where)).all()
        lines = conn.execute(_lines_query(where)).all()
    prestaties: Counter[tuple[str, str, int, int]] = Counter()
    rejected: Counter[tuple[str, str, int, int]] = Counter()
    codes: dict[tuple[str, str, int, int], Counter[str]] = {}
    for row in lines:
        key = (row.gemeente, row.aanbieder, int(row.year), int(row.month))
        prestaties[key] += row.n
        if not row.approved:
            rejected[key] += row.n
            tally = codes.setdefault(key, Counter())
            for code in (row.codes or "").split():
                tally[code] += row.n
    months = []
    for row in totals:
        key = (row.gemeente, row.aanbieder, int(row.year), int(row.month))
        months.append(DeclarationMonth(
            gemeente=row.gemeente, aanbieder=row.aanbieder, month=date(key[2], key[3], 1),
            declaraties=row.declaraties, prestaties=prestaties[key],
            rejected_prestaties=rejected[key], submitted_amount=int(row.submitted),
            approved_amount=int(row.approved),
            rejected_codes=dict(sorted(codes.get(key, Counter()).items())),
        ))
    months.sort(key=lambda m: (m.gemeente, m.aanbieder, m.month))
    return months


# --------------------------------------------------------------------------- per toewijzing


def _signed(column: Any) -> ColumnElement[int]:
    return case((LINE.c.debet_credit == DebetCredit.CREDIT.value, -column), else_=column)


def _totals_columns() -> tuple[Any, ...]:
    return (
        func.count().label("prestaties"),
        func.coalesce(func.sum(_signed(LINE.c.volume)), 0).label("volume"),
        func.coalesce(func.sum(_signed(LINE.c.amount)), 0).label("amount"),
        func.min(LINE.c.eenheid).label("low"),
        func.max(LINE.c.eenheid).label("high"),
    )


#: One indexed question (``ix_declaration_line_allocation``): a toewijzing's approved lines.
APPROVED_SO_FAR = select(*_totals_columns()).where(
    LINE.c.gemeente == bindparam("gemeente"),
    LINE.c.toewijzing_nummer == bindparam("toewijzing_nummer"),
    APPROVED,
)

_BY_ALLOCATION = (
    select(LINE.c.toewijzing_nummer, *_totals_columns())
    .where(LINE.c.gemeente == bindparam("gemeente"), APPROVED)
    .group_by(LINE.c.toewijzing_nummer)
)


def _total(gemeente: str, toewijzing_nummer: int, row: Any) -> ApprovedTotal:
    return ApprovedTotal(
        gemeente=gemeente, toewijzing_nummer=toewijzing_nummer, prestaties=row.prestaties,
        volume=int(row.volume), amount=int(row.amount),
        eenheid=row.low if row.low == row.high else None,
    )


def approved_so_far(
    engine_or_connection: Engine | Connection, gemeente: str, toewijzing_nummer: int
) -> ApprovedTotal:
    """Approved volume and amount on one toewijzing so far (one indexed statement).

    Pass a connection to ask inside its transaction (it sees what that
    transaction wrote); with an engine a connection is opened for the question.
    """
    params = {"gemeente": gemeente, "toewijzing_nummer": toewijzing_nummer}
    if isinstance(engine_or_connection, Connection):
        row = engine_or_connection.execute(APPROVED_SO_FAR, params).one()
    else:
        with engine_or_connection.connect() as conn:
            row = conn.execute(APPROVED_SO_FAR, params).one()
    return _total(gemeente, toewijzing_nummer, row)


def approved_by_allocation(
    engine_or_connection: Engine | Connection, gemeente: str
) -> dict[int, ApprovedTotal]:
    """:func:`approved_so_far` for every toewijzing of ``gemeente`` with an approved
    prestatie, keyed by ToewijzingNummer, in one statement."""
    params = {"gemeente": gemeente}
    rows: Iterable[Any]
    if isinstance(engine_or_connection, Connection):
        rows = engine_or_connection.execute(_BY_ALLOCATION, params).all()
    else:
        with engine_or_connection.connect() as conn:
            rows = conn.execute(_BY_ALLOCATION, params).all()
    return {int(r.toewijzing_nummer): _total(gemeente, int(r.toewijzing_nummer), r)
            for r in rows}


__all__ = [
    "APPROVED",
    "APPROVED_SO_FAR",
    "ApprovedTotal",
    "DeclarationMonth",
    "approved_by_allocation",
    "approved_so_far",
    "first_of_month",
    "next_month",
    "overview",
]
