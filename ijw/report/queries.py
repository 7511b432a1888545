"""The report's figures, each section one or two aggregate statements (GROUP BY) on the store.

Every figure is a count or a sum; no BSN is read. Dates are the messages'
Dagtekening; the period (``date_from``, ``date_to``, both inclusive) applies
to the Dagtekening of the message a section counts: the message itself
(traffic), the heenbericht an answer answers (timeliness), the retour that
carries a retourcode (rejections). Declaraties are counted by their
declaratie month (:func:`ijw.declarations.overview`, whole months), and the
continuity decisions are the ones stored for the pack, whatever the period.

Timeliness counts each answer against the standard's deadline in working
days (:mod:`ijw.workdays`), counted from the day after the heenbericht's
Dagtekening: a retour (306, 308, 316, 318) within 3, the first 301 or 319 on a
315 product or a 317 within 5 (a 319 "in onderzoek" counts as that first
answer, as the standard lets it), a 325 within 10 once it was written to the
outbox. The database groups the answers by (kind, heenbericht day, answer
day); the working days are then worked out once per distinct pair of days.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Integer,
    case,
    cast,
    extract,
    func,
    select,
    union_all,
)
from sqlalchemy.engine import make_url

from ijw.codelists.wj001 import NOT_A_REJECTION, meaning
from ijw.declarations import DeclarationMonth, overview
from ijw.messages import ALL_MESSAGES
from ijw.messages.base import Party
from ijw.policy.pack import LoadedPack
from ijw.rules import RULES
from ijw.store.schema import (
    Allocation,
    AllocationVersion,
    Answer,
    ChangeRequest,
    ContinuityDecision,
    Declaration,
    Message,
    RequestedProduct,
    RetourCodeRow,
    table_of,
)
from ijw.workdays import add_working_days

MESSAGE = table_of(Message)
CODES = table_of(RetourCodeRow)
DECLARATION = table_of(Declaration)
DECISION = table_of(ContinuityDecision)
REQUESTED = table_of(RequestedProduct)
CHANGE = table_of(ChangeRequest)
ALLOCATION = table_of(Allocation)
VERSION = table_of(AllocationVersion)
ANSWER = table_of(Answer)

#: The retours the gemeente sends on a provider's heenbericht (306, 308, 316, 318).
SENT_RETOURS: tuple[str, ...] = tuple(sorted(
    m.message_type for m in ALL_MESSAGES if m.is_retour() and m.sent_by is Party.GEMEENTE))

#: Working days for a retour, the first answer to a verzoek (301/319) and a 325.
RETOUR_WORKING_DAYS = 3
VERZOEK_WORKING_DAYS = 5
DECLARATIE_WORKING_DAYS = 10


@dataclass(frozen=True, slots=True)
class Period:
    """The Dagtekening range a report covers (``None``: open on that side)."""

    start: date | None = None
    end: date | None = None

    def where(self, column: Any) -> list[ColumnElement[bool]]:
        """The filter on ``column`` (a date)."""
        found: list[ColumnElement[bool]] = []
        if self.start is not None:
            found.append(column >= self.start)
        if self.end is not None:
            found.append(column <= self.end)
        return found

    def describe(self) -> str:
        """The period for people: ``2024-01-01 to 2024-12-31``, or ``everything``."""
        if self.start is None and self.end is None:
            return "everything in the store"
        start = self.start.isoformat() if self.start else "the first message"
        end = self.end.isoformat() if self.end else "the last message"
        return f"{start} to {end}"


@dataclass(frozen=True, slots=True)
class TrafficCount:
    """Messages of one type and direction dated in one month."""

    month: str  # YYYY-MM
    message_type: str
    direction: str  # in, out
    messages: int


@dataclass(frozen=True, slots=True)
class Timeliness:
    """The answers of one kind and how many came within the standard's deadline."""

    kind: str  # e.g. "JW316", "JW301/JW319 on JW315", "JW325"
    working_days: int
    on_time: int
    late: int
    #: Heenberichten without an answer yet, and of those past their deadline on the report day.
    unanswered: int = 0
    overdue: int = 0

    @property
    def answered(self) -> int:
        """Answers counted (on time and late)."""
        return self.on_time + self.late

    @property
    def total(self) -> int:
        """Heenberichten counted."""
        return self.answered + self.unanswered


@dataclass(frozen=True, slots=True)
class CodeCount:
    """One retourcode in the retours we sent: how many retours and classes carry it."""

    code: str
    rule: str | None
    retours: int
    occurrences: int

    @property
    def meaning(self) -> str:
        """The code's WJ001 text."""
        return meaning(self.code)

    @property
    def rule_text(self) -> str:
        """The one-line text of the rule in the rule registry (``ijw rules``)."""
        found = RULES.get(self.rule or "")
        return found.summary if found is not None else ""


@dataclass(frozen=True, slots=True)
class ProviderRejections:
    """One aanbieder's heenberichten: how many were received and how many rejected."""

    aanbieder: str
    received: int
    rejected: int
    #: Retourcode -> retours carrying it (the codes of rejections, sorted by code).
    codes: dict[str, int]

    @property
    def share(self) -> float:
        """Rejected as a fraction of received (0 when none were received)."""
        return self.rejected / self.received if self.received else 0.0


@dataclass(frozen=True, slots=True)
class ContinuityCount:
    """Decisions of one pack for one aanbieder, regime and status."""

    aanbieder: str
    regime: str | None
    status: str
    decisions: int
    #: Of those, the trajectories that transfer to the year after the continuity year.
    transfers: int


@dataclass(frozen=True, slots=True)
class PackFigures:
    """One continuity pack: its identity and its stored decisions, counted."""

    id: str
    title: str | None
    gemeente: str
    continuity_year: int
    sha256: str
    counts: tuple[ContinuityCount, ...]
    #: The pack hashes the stored decisions were made under, with how many each.
    decided_under: dict[str, int]

    @property
    def transfer_year(self) -> int:
        """The year the transfers go to."""
        return self.continuity_year + 1

    @property
    def decisions(self) -> int:
        """Stored decisions of the pack."""
        return sum(c.decisions for c in self.counts)

    @property
    def transfers(self) -> int:
        """Trajectories that transfer to the next year."""
        return sum(c.transfers for c in self.counts)

    @property
    def stale(self) -> bool:
        """True when some decisions were made under another version of the pack."""
        return any(h != self.sha256 for h in self.decided_under)


def _year(column: Any) -> ColumnElement[int]:
    return cast(extract("year", column), Integer)


def _month(column: Any) -> ColumnElement[int]:
    return cast(extract("month", column), Integer)


def traffic(conn: Connection, period: Period) -> tuple[TrafficCount, ...]:
    """Messages per month (of their Dagtekening), type and direction."""
    m = MESSAGE
    keys = (_year(m.c.dagtekening).label("y"), _month(m.c.dagtekening).label("m"),
            m.c.message_type, m.c.direction)
    rows = conn.execute(select(*keys, func.count().label("n"))
                        .where(*period.where(m.c.dagtekening)).group_by(*keys))
    found = [TrafficCount(f"{int(r.y):04d}-{int(r.m):02d}", r.message_type, r.direction, r.n)
             for r in rows]
    return tuple(sorted(found, key=lambda t: (t.month, t.message_type, t.direction)))


# --------------------------------------------------------------------------- timeliness


def _retour_pairs(conn: Connection, period: Period) -> Iterable[tuple[str, date, date | None,
                                                                       int]]:
    heen, retour = MESSAGE.alias("heen"), MESSAGE.alias("retour")
    keys = (retour.c.message_type, heen.c.dagtekening.label("sent"),
            retour.c.dagtekening.label("answered"))
    query = (select(*keys, func.count().label("n"))
             .select_from(retour).join(heen, heen.c.id == retour.c.answers_id)
             .where(retour.c.direction == "out", retour.c.message_type.in_(SENT_RETOURS),
                    *period.where(heen.c.dagtekening))
             .group_by(*keys))
    for r in conn.execute(query):
        yield r.message_type, r.sent, r.answered, r.n


def _first_answers() -> Any:
    """Per (gemeente, aanbieder, ReferentieAanbieder): the Dagtekening of its first 301 or 319."""
    sent = MESSAGE.alias("sent")
    by_301 = (select(ALLOCATION.c.gemeente, ALLOCATION.c.aanbieder,
                     VERSION.c.referentie_aanbieder.label("ref"),
                     sent.c.dagtekening.label("day"))
              .select_from(VERSION)
              .join(ALLOCATION, ALLOCATION.c.id == VERSION.c.allocation_id)
              .join(sent, sent.c.id == VERSION.c.message_id)
              .where(VERSION.c.referentie_aanbieder.is_not(None)))
    by_319 = select(ANSWER.c.gemeente, ANSWER.c.aanbieder,
                    ANSWER.c.referentie_aanbieder.label("ref"), ANSWER.c.dagtekening.label("day"))
    both = union_all(by_301, by_319).subquery("answers")
    return (select(both.c.gemeente, both.c.aanbieder, both.c.ref,
                   func.min(both.c.day).label("first"))
            .group_by(both.c.gemeente, both.c.aanbieder, both.c.ref)
            .subquery("first_answer"))


def _verzoek_pairs(conn: Connection, period: Period) -> Iterable[tuple[str, date, date | None,
                                                                        int]]:
    first = _first_answers()
    for kind, table in (("JW315", REQUESTED), ("JW317", CHANGE)):
        keys = (table.c.dagtekening.label("sent"), first.c.first.label("answered"))
        joined = table.outerjoin(first, (first.c.gemeente == table.c.gemeente)
                                 & (first.c.aanbieder == table.c.aanbieder)
                                 & (first.c.ref == table.c.referentie_aanbieder))
        query = (select(*keys, func.count().label("n")).select_from(joined)
                 .where(table.c.accepted.is_(True), *period.where(table.c.dagtekening))
                 .group_by(*keys))
        for r in conn.execute(query):
            yield f"JW301/JW319 on {kind}", r.sent, r.answered, r.n


def _declaratie_pairs(conn: Connection, period: Period) -> Iterable[tuple[str, date,
                                                                           date | None, int]]:
    heen, answer = MESSAGE.alias("heen"), MESSAGE.alias("answer")
    answered = case((answer.c.outbox_written.is_(True), answer.c.dagtekening))
    keys = (heen.c.dagtekening.label("sent"), answered.label("answered"))
    query = (select(*keys, func.count().label("n"))
             .select_from(DECLARATION)
             .join(heen, heen.c.id == DECLARATION.c.message_id)
             .outerjoin(answer, answer.c.id == DECLARATION.c.answer_id)
             .where(*period.where(heen.c.dagtekening))
             .group_by(*keys))
    for r in conn.execute(query):
        yield "JW325", r.sent, r.answered, r.n


def timeliness(conn: Connection, period: Period, today: date) -> tuple[Timeliness, ...]:
    """The answers we sent, per kind, within or past the standard's deadline."""
    kinds: dict[str, int] = dict.fromkeys(SENT_RETOURS, RETOUR_WORKING_DAYS)
    kinds |= {f"JW301/JW319 on {k}": VERZOEK_WORKING_DAYS for k in ("JW315", "JW317")}
    kinds["JW325"] = DECLARATIE_WORKING_DAYS
    tally: dict[str, Counter[str]] = defaultdict(Counter)
    for kind, sent, answered, n in (*_retour_pairs(conn, period),
                                    *_verzoek_pairs(conn, period),
                                    *_declaratie_pairs(conn, period)):
        due = _due(sent, kinds[kind])
        if answered is None:
            tally[kind]["unanswered"] += n
            tally[kind]["overdue"] += n if today > due else 0
        else:
            tally[kind]["on_time" if answered <= due else "late"] += n
    return tuple(Timeliness(kind, days, tally[kind]["on_time"], tally[kind]["late"],
                            tally[kind]["unanswered"], tally[kind]["overdue"])
                 for kind, days in kinds.items() if sum(tally[kind].values()))


_DUE: dict[tuple[date, int], date] = {}


def _due(day: date, working_days: int) -> date:
    key = (day, working_days)
    if key not in _DUE:
        _DUE[key] = add_working_days(day, working_days)
    return _DUE[key]


# --------------------------------------------------------------------------- rejections


def _rejecting(retour: Any, period: Period) -> list[ColumnElement[bool]]:
    return [retour.c.direction == "out", CODES.c.code.not_in(sorted(NOT_A_REJECTION)),
            *period.where(retour.c.dagtekening)]


def rejections_by_code(conn: Connection, period: Period) -> tuple[CodeCount, ...]:
    """The retourcodes in the retours and 325s we sent, most frequent first."""
    retour = MESSAGE.alias("retour")
    query = (select(CODES.c.code, CODES.c.rule,
                    func.count(CODES.c.message_id.distinct()).label("retours"),
                    func.count().label("n"))
             .select_from(CODES).join(retour, retour.c.id == CODES.c.message_id)
             .where(*_rejecting(retour, period))
             .group_by(CODES.c.code, CODES.c.rule))
    found = [CodeCount(r.code, r.rule, r.retours, r.n) for r in conn.execute(query)]
    return tuple(sorted(found, key=lambda c: (-c.retours, c.code, c.rule or "")))


def rejections_by_provider(conn: Connection, period: Period) -> tuple[ProviderRejections, ...]:
    """Per aanbieder: heenberichten received and rejected, and the codes of the rejections."""
    m = MESSAGE
    received = conn.execute(
        select(m.c.aanbieder, func.count().label("n"),
               func.sum(case((m.c.outcome == "rejected", 1), else_=0)).label("rejected"))
        .where(m.c.direction == "in", m.c.sender == m.c.aanbieder,
               *period.where(m.c.dagtekening))
        .group_by(m.c.aanbieder)).all()
    retour = MESSAGE.alias("retour")
    codes: dict[str, dict[str, int]] = defaultdict(dict)
    for r in conn.execute(
            select(retour.c.aanbieder, CODES.c.code,
                   func.count(CODES.c.message_id.distinct()).label("n"))
            .select_from(CODES).join(retour, retour.c.id == CODES.c.message_id)
            .where(*_rejecting(retour, period))
            .group_by(retour.c.aanbieder, CODES.c.code)):
        codes[r.aanbieder][r.code] = r.n
    found = [ProviderRejections(r.aanbieder, r.n, int(r.rejected or 0),
                                dict(sorted(codes.get(r.aanbieder, {}).items())))
             for r in received]
    return tuple(sorted(found, key=lambda p: (-p.rejected, p.aanbieder)))


# --------------------------------------------------------------------------- continuity


def continuity(conn: Connection, loaded: LoadedPack) -> PackFigures:
    """The stored decisions of ``loaded`` per aanbieder, regime and status."""
    info = loaded.info
    d = DECISION
    mine = (d.c.pack_id == info.id, d.c.gemeente == info.gemeente)
    keys = (d.c.aanbieder, d.c.regime, d.c.status)
    rows = conn.execute(
        select(*keys, func.count().label("n"),
               func.sum(case((d.c.transfer_next_year.is_(True), 1), else_=0)).label("transfers"))
        .where(*mine).group_by(*keys))
    counts = sorted((ContinuityCount(r.aanbieder, r.regime, r.status, r.n, int(r.transfers or 0))
                     for r in rows), key=lambda c: (c.aanbieder, c.regime or "", c.status))
    hashes = {r.pack_hash: r.n for r in conn.execute(
        select(d.c.pack_hash, func.count().label("n")).where(*mine).group_by(d.c.pack_hash))}
    return PackFigures(info.id, info.title, info.gemeente, info.continuity_year,
                       loaded.sha256, tuple(counts), dict(sorted(hashes.items())))


def declaraties(conn: Connection, period: Period) -> tuple[DeclarationMonth, ...]:
    """The declaraties per aanbieder and declaratie month (:func:`ijw.declarations.overview`)."""
    engine = conn.engine
    return tuple(overview(engine, period_from=period.start, period_to=period.end))


def store_messages(conn: Connection) -> int:
    """How many messages the store holds in all."""
    return int(conn.execute(select(func.count()).select_from(MESSAGE)).scalar_one())


@dataclass(frozen=True, slots=True)
class ReportFigures:
    """Everything the report shows, as numbers (the same figures the HTML renders)."""

    store: str  # the database URL, password masked
    period: Period
    generated_at: datetime
    today: date
    messages_in_store: int
    traffic: tuple[TrafficCount, ...]
    timeliness: tuple[Timeliness, ...]
    rejections_by_code: tuple[CodeCount, ...]
    rejections_by_provider: tuple[ProviderRejections, ...]
    declaraties: tuple[DeclarationMonth, ...]
    packs: tuple[PackFigures, ...] = field(default=())

    @property
    def messages_in_period(self) -> int:
        """Messages counted in the traffic section."""
        return sum(t.messages for t in self.traffic)


def masked_url(url: str) -> str:
    """The database URL with its password replaced by ``***``."""
    return make_url(url).render_as_string(hide_password=True)


def gather(engine: Engine, period: Period, packs: Sequence[LoadedPack], *, today: date,
           now: datetime) -> ReportFigures:
    """Read every section's figures from the store (a handful of aggregate statements)."""
    with engine.connect() as conn:
        return ReportFigures(
            store=masked_url(engine.url.render_as_string(hide_password=False)),
            period=period, generated_at=now, today=today,
            messages_in_store=store_messages(conn),
            traffic=traffic(conn, period),
            timeliness=timeliness(conn, period, today),
            rejections_by_code=rejections_by_code(conn, period),
            rejections_by_provider=rejections_by_provider(conn, period),
            declaraties=declaraties(conn, period),
            packs=tuple(continuity(conn, p) for p in packs),
        )


__all__ = [
    "CodeCount",
    "ContinuityCount",
    "PackFigures",
    "Period",
    "ProviderRejections",
    "ReportFigures",
    "Timeliness",
    "TrafficCount",
    "continuity",
    "declaraties",
    "gather",
    "masked_url",
    "rejections_by_code",
    "rejections_by_provider",
    "store_messages",
    "timeliness",
    "traffic",
]
