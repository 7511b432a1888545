"""The answer-deadline monitor: which verzoeken and declaraties are open, overdue or late.

What is monitored
    Every ``AangevraagdProduct`` of an **accepted** received JW315, one item
    per ReferentieAanbieder (OP274: the answer is due per product), and every
    **accepted** received JW317 as a whole (OP346: one answer for the whole
    verzoek). A rejected verzoek (its 316/318 carried a retourcode) needs no
    answer and is not listed.

    Every received JW323 (each row of the store's ``declaration`` table,
    approved, partly approved or rejected alike: each is answered by a JW325),
    as item kind ``"323"`` with its DeclaratieNummer as the reference and no
    BSN (a declaratie covers several clients). See *Declaraties* below.

What counts as an answer (matched on gemeente, aanbieder and ReferentieAanbieder)
    * a JW301 we sent with a ToegewezenProduct carrying that
      ReferentieAanbieder: the first such ``allocation_version``, dated by the
      Dagtekening of its 301 message;
    * a JW319 with VerzoekAntwoord 1 (afgewezen), dated by its Dagtekening.

    A JW319 with VerzoekAntwoord 2 ("aanvraag in onderzoek") is an interim
    answer: it satisfies the five-day term when it is sent within it, and the
    final answer (301 or 319 with 1) is then due within **8 weeks of the
    verzoek's Dagtekening** (OP274/OP346): on or before Dagtekening + 56 days.
    That term is in calendar weeks and is not extended when it ends on a
    weekend or holiday (the standard does not say it is; the strict reading is
    the safe one for an alert). An interim answer sent on or after the final
    answer's day is ignored.

Deadline
    "Within five working days" is counted from the day after the verzoek's
    Dagtekening (the Dagtekening itself never counts, even when it is a working
    day): the answer is due on or before ``add_working_days(dagtekening, 5)``,
    the fifth working day after it (:mod:`ijw.workdays`: Monday to Friday
    without the Algemene termijnenwet's recognised holidays). A verzoek dated
    Friday 5 January 2024 is due by Friday 12 January; an answer dated that day
    is on time, one dated Saturday 13 January is late.

Status, as of a day (``as_of``; default today in Europe/Amsterdam)
    * ``open``: no (final) answer yet and the deadline that applies has not passed;
    * ``overdue``: no (final) answer yet and ``as_of`` is after that deadline;
    * ``answered_on_time``: the final answer came on or before its deadline,
      and an interim answer, if any, within the five working days;
    * ``answered_late``: otherwise.

    The deadline that applies is the five-working-day one, or after a 319
    "in onderzoek" the 8-week one. A verzoek whose interim answer came late is
    ``open`` (or ``overdue``) until its final answer, then ``answered_late``;
    :attr:`MonitorItem.interim_late` tells it apart.

    The report is a true view of that day: verzoeken dated after ``as_of`` are
    left out and answers dated after ``as_of`` do not count yet.

Declaraties (OP090x4)
    A JW323 gets its JW325 within **10 working days**, counted as for a
    verzoek: from the day after the 323's Dagtekening (the Dagtekening of its
    header, as the verzoeken use theirs), due on or before
    ``add_working_days(dagtekening, 10)``. The answer is the JW325 message the
    declaration names (``declaration.answer_id``), once it **was written to
    the outbox** (``outbox_written``), dated by its Dagtekening. A 325 that is
    stored but not yet published does not count, so the list shows 325s
    waiting for the outbox and 323s that another system stored without an
    answer. There is no interim answer: ``answered_by`` is ``"325"``.

Working-day age
    :func:`ijw.workdays.working_days_between` from the Dagtekening to the
    (final) answer, or to ``as_of`` while there is none; never below 0.

The data come from two set-based queries, one for the verzoeken and one for
the declaraties (no query per item); the rows are streamed, so the memory used
grows with the items kept, not the store's size.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any, NamedTuple

from sqlalchemy import Connection, Engine, and_, case, func, literal, select, true, union_all

from ijw.messages.r3_2.declaratie import Jw323
from ijw.store.schema import (
    Allocation,
    AllocationVersion,
    Answer,
    ChangeRequest,
    Client,
    Declaration,
    RequestedProduct,
    table_of,
)
from ijw.store.schema import Message as MessageRow
from ijw.workdays import add_working_days, working_days_between

#: Working days within which a 315 product or a 317 gets its 301 or 319 (OP274, OP346).
ANSWER_WORKING_DAYS = 5

#: Working days within which a 323 gets its 325 (OP090x4).
DECLARATIE_WORKING_DAYS = 10

#: After a 319 "in onderzoek": the final answer within 8 weeks of the verzoek's Dagtekening.
FINAL_ANSWER_TERM = timedelta(weeks=8)

#: VerzoekAntwoord (WJ760) of an interim 319: "aanvraag in onderzoek".
IN_ONDERZOEK = "2"


class Status(StrEnum):
    """Where a verzoek or declaratie stands as of the report's day."""

    open = "open"
    overdue = "overdue"
    answered_on_time = "answered_on_time"
    answered_late = "answered_late"


#: The statuses a default report shows (everything that needs attention).
ATTENTION = frozenset({Status.open, Status.overdue, Status.answered_late})


@dataclass(frozen=True, slots=True)
class MonitorItem:
    """One item: a 315 product, a whole 317 or a 323, with its deadline and answer."""

    #: ``"315"`` (one AangevraagdProduct), ``"317"`` (the whole verzoek) or ``"323"``.
    kind: str
    gemeente: str
    aanbieder: str
    #: The client's BSN; ``None`` for a 323 (it covers several clients).
    bsn: str | None
    #: The ReferentieAanbieder; for a 323 its DeclaratieNummer.
    referentie_aanbieder: str
    #: The verzoek's or declaratie's Dagtekening.
    received: date
    #: The five-working-day deadline (ten for a 323; inclusive).
    deadline: date
    #: Dagtekening of the first 319 "in onderzoek", when one counts.
    interim_on: date | None
    #: The 8-week deadline (inclusive) after an interim answer.
    final_deadline: date | None
    #: Dagtekening of the (final) answer.
    answered_on: date | None
    #: ``"301"``, ``"319"`` or ``"325"``: what the (final) answer was.
    answered_by: str | None
    status: Status
    #: Working days from ``received`` to ``answered_on``, or to the report's day.
    age: int

    @property
    def due(self) -> date:
        """The deadline that applies: the 8-week one after an interim answer, else the 5-day one."""
        return self.final_deadline or self.deadline

    @property
    def interim_late(self) -> bool:
        """True when the 319 "in onderzoek" itself came after the five working days."""
        return self.interim_on is not None and self.interim_on > self.deadline

    def to_json(self) -> dict[str, Any]:
        """The JSON form (the BSN in full: this is an export)."""
        return {
            "kind": self.kind,
            "gemeente": self.gemeente,
            "aanbieder": self.aanbieder,
            "bsn": self.bsn,
            "referentie_aanbieder": self.referentie_aanbieder,
            "received": self.received.isoformat(),
            "deadline": self.deadline.isoformat(),
            "interim_on": _iso(self.interim_on),
            "interim_late": self.interim_late,
            "final_deadline": _iso(self.final_deadline),
            "due": self.due.isoformat(),
            "answered_on": _iso(self.answered_on),
            "answered_by": self.answered_by,
            "status": self.status.value,
            "age": self.age,
        }


def _iso(d: date | None) -> str | None:
    return None if d is None else d.isoformat()


@dataclass(frozen=True, slots=True)
class ProviderCounts:
    """How many items (verzoeken and declaraties) of one aanbieder are in each status."""

    aanbieder: str
    open: int = 0
    overdue: int = 0
    answered_on_time: int = 0
    answered_late: int = 0

    @property
    def total(self) -> int:
        """Every item of this aanbieder in the report."""
        return self.open + self.overdue + self.answered_on_time + self.answered_late

    def to_json(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "aanbieder": self.aanbieder, "open": self.open, "overdue": self.overdue,
            "answered_on_time": self.answered_on_time, "answered_late": self.answered_late,
            "total": self.total,
        }


@dataclass(frozen=True, slots=True)
class MonitorReport:
    """The monitor's result as of one day.

    ``items`` holds the verzoeken and declaraties in the statuses asked for
    (sorted by aanbieder, due date, kind, reference); ``counts`` covers
    **every** item, whatever was asked, one entry per aanbieder in aanbieder
    order.
    """

    as_of: date
    items: tuple[MonitorItem, ...]
    counts: tuple[ProviderCounts, ...]
    #: The gemeenten of every item judged (not only those in ``items``).
    gemeenten: tuple[str, ...] = ()

    @property
    def overdue(self) -> int:
        """How many items are overdue (over all aanbieders)."""
        return sum(c.overdue for c in self.counts)

    def counts_by_provider(self) -> dict[str, ProviderCounts]:
        """``counts`` keyed by aanbieder."""
        return {c.aanbieder: c for c in self.counts}

    def totals(self) -> dict[str, int]:
        """Items per status over all aanbieders, and their ``total``."""
        found = {s.value: sum(getattr(c, s.value) for c in self.counts) for s in Status}
        found["total"] = sum(c.total for c in self.counts)
        return found

    def to_json(self) -> dict[str, Any]:
        """The JSON form (BSNs in full: this is an export).

        One object: ``report``, ``as_of``, ``gemeenten``, ``counts`` (per status, over
        every item judged), ``providers`` (the counts per aanbieder) and ``items``
        (those in the statuses asked for).
        """
        return {
            "report": "monitor",
            "as_of": self.as_of.isoformat(),
            "gemeenten": list(self.gemeenten),
            "counts": self.totals(),
            "providers": [c.to_json() for c in self.counts],
            "items": [i.to_json() for i in self.items],
        }


# --------------------------------------------------------------------------- judging


class Verdict(NamedTuple):
    """What :func:`judge` decides about one verzoek (the fields of :class:`MonitorItem`)."""

    status: Status
    deadline: date
    interim_on: date | None
    final_deadline: date | None
    answered_on: date | None
    answered_by: str | None
    age: int


def judge(
    *,
    received: date,
    as_of: date,
    first_301: date | None,
    first_rejection: date | None,
    first_interim: date | None,
) -> Verdict:
    """Status of one verzoek from its first answer dates (all on or before ``as_of``).

    ``first_rejection`` is the first 319 with VerzoekAntwoord 1, ``first_interim``
    the first with 2. Pure: the rules of the module docstring, nothing else.
    """
    deadline = add_working_days(received, ANSWER_WORKING_DAYS)
    answered_on: date | None = None
    answered_by: str | None = None
    if first_301 is not None and (first_rejection is None or first_301 <= first_rejection):
        answered_on, answered_by = first_301, "301"
    elif first_rejection is not None:
        answered_on, answered_by = first_rejection, "319"
    interim_on = first_interim
    if interim_on is not None and answered_on is not None and interim_on >= answered_on:
        interim_on = None  # the final answer came first (or the same day): nothing interim
    final_deadline = received + FINAL_ANSWER_TERM if interim_on is not None else None
    due = final_deadline or deadline
    if answered_on is None:
        status = Status.overdue if as_of > due else Status.open
    else:
        late = answered_on > due or (interim_on is not None and interim_on > deadline)
        status = Status.answered_late if late else Status.answered_on_time
    age = max(0, working_days_between(received, answered_on or as_of))
    return Verdict(status, deadline, interim_on, final_deadline, answered_on, answered_by, age)


def judge_declaratie(*, received: date, as_of: date, answered_on: date | None) -> Verdict:
    """Status of one 323 from the Dagtekening of its published 325 (on or before ``as_of``)."""
    deadline = add_working_days(received, DECLARATIE_WORKING_DAYS)
    if answered_on is None:
        status = Status.overdue if as_of > deadline else Status.open
    else:
        status = Status.answered_late if answered_on > deadline else Status.answered_on_time
    age = max(0, working_days_between(received, answered_on or as_of))
    return Verdict(status, deadline, None, None, answered_on,
                   None if answered_on is None else "325", age)


# --------------------------------------------------------------------------- query

_PRODUCT = table_of(RequestedProduct)
_CHANGE = table_of(ChangeRequest)
_CLIENT = table_of(Client)
_ALLOCATION = table_of(Allocation)
_VERSION = table_of(AllocationVersion)
_ANSWER = table_of(Answer)
_MESSAGE = table_of(MessageRow)
_DECLARATION = table_of(Declaration)


def _query(as_of: date) -> Any:
    """One statement: every accepted verzoek with its first answer dates."""
    products = (
        select(
            literal("315").label("kind"), _PRODUCT.c.gemeente, _PRODUCT.c.aanbieder,
            _CLIENT.c.bsn, _PRODUCT.c.referentie_aanbieder, _PRODUCT.c.dagtekening,
        )
        .join(_CLIENT, _CLIENT.c.id == _PRODUCT.c.client_id)
        .where(_PRODUCT.c.accepted == true(), _PRODUCT.c.dagtekening <= as_of)
    )
    changes = (
        select(
            literal("317").label("kind"), _CHANGE.c.gemeente, _CHANGE.c.aanbieder,
            _CLIENT.c.bsn, _CHANGE.c.referentie_aanbieder, _CHANGE.c.dagtekening,
        )
        .join(_CLIENT, _CLIENT.c.id == _CHANGE.c.client_id)
        .where(_CHANGE.c.accepted == true(), _CHANGE.c.dagtekening <= as_of)
    )
    verzoek = union_all(products, changes).subquery("verzoek")

    allocated = (
        select(
            _ALLOCATION.c.gemeente, _ALLOCATION.c.aanbieder, _VERSION.c.referentie_aanbieder,
            func.min(_MESSAGE.c.dagtekening).label("first_301"),
        )
        .select_from(_VERSION)
        .join(_ALLOCATION, _ALLOCATION.c.id == _VERSION.c.allocation_id)
        .join(_MESSAGE, _MESSAGE.c.id == _VERSION.c.message_id)
        .where(_VERSION.c.referentie_aanbieder.is_not(None), _MESSAGE.c.dagtekening <= as_of)
        .group_by(_ALLOCATION.c.gemeente, _ALLOCATION.c.aanbieder,
                  _VERSION.c.referentie_aanbieder)
        .subquery("allocated")
    )
    interim = _ANSWER.c.verzoek_antwoord == IN_ONDERZOEK
    answered = (
        select(
            _ANSWER.c.gemeente, _ANSWER.c.aanbieder, _ANSWER.c.referentie_aanbieder,
            func.min(case((interim, None), else_=_ANSWER.c.dagtekening)).label("first_rejection"),
            func.min(case((interim, _ANSWER.c.dagtekening), else_=None)).label("first_interim"),
        )
        .where(_ANSWER.c.dagtekening <= as_of)
        .group_by(_ANSWER.c.gemeente, _ANSWER.c.aanbieder, _ANSWER.c.referentie_aanbieder)
        .subquery("answered")
    )

    def same(sub: Any) -> Any:
        return and_(
            sub.c.gemeente == verzoek.c.gemeente,
            sub.c.aanbieder == verzoek.c.aanbieder,
            sub.c.referentie_aanbieder == verzoek.c.referentie_aanbieder,
        )

    return (
        select(
            verzoek.c.kind, verzoek.c.gemeente, verzoek.c.aanbieder, verzoek.c.bsn,
            verzoek.c.referentie_aanbieder, verzoek.c.dagtekening,
            allocated.c.first_301, answered.c.first_rejection, answered.c.first_interim,
        )
        .select_from(verzoek)
        .outerjoin(allocated, same(allocated))
        .outerjoin(answered, same(answered))
    )


def _declaration_query(as_of: date) -> Any:
    """One statement: every received 323 with the Dagtekening of its published 325."""
    answer = _MESSAGE.alias("answer")
    published = and_(
        answer.c.id == _DECLARATION.c.answer_id,
        answer.c.message_type == literal(Jw323.answer_type),
        answer.c.outbox_written.is_(True),
        answer.c.dagtekening <= as_of,
    )
    return (
        select(
            _DECLARATION.c.gemeente, _DECLARATION.c.aanbieder, _DECLARATION.c.declaratie_nummer,
            _MESSAGE.c.dagtekening, answer.c.dagtekening.label("answered_on"),
        )
        .select_from(_DECLARATION)
        .join(_MESSAGE, _MESSAGE.c.id == _DECLARATION.c.message_id)
        .outerjoin(answer, published)
        .where(_MESSAGE.c.dagtekening <= as_of)
    )


def iter_items(engine: Engine, as_of: date) -> Iterable[MonitorItem]:
    """Every accepted verzoek and every 323 dated on or before ``as_of``, judged as of that day."""
    with engine.connect() as conn:
        yield from _verzoeken(conn, as_of)
        yield from _declaraties(conn, as_of)


def _declaraties(conn: Connection, as_of: date) -> Iterable[MonitorItem]:
    result = conn.execution_options(yield_per=2000).execute(_declaration_query(as_of))
    for row in result:
        verdict = judge_declaratie(received=row.dagtekening, as_of=as_of,
                                   answered_on=row.answered_on)
        yield MonitorItem(
            kind=Jw323.message_type.removeprefix("JW"), gemeente=row.gemeente,
            aanbieder=row.aanbieder, bsn=None, referentie_aanbieder=row.declaratie_nummer,
            received=row.dagtekening, deadline=verdict.deadline, interim_on=None,
            final_deadline=None, answered_on=verdict.answered_on,
            answered_by=verdict.answered_by, status=verdict.status, age=verdict.age,
        )


def _verzoeken(conn: Connection, as_of: date) -> Iterable[MonitorItem]:
    result = conn.execution_options(yield_per=2000).execute(_query(as_of))
    for row in result:
        verdict = judge(
            received=row.dagtekening, as_of=as_of, first_301=row.first_301,
            first_rejection=row.first_rejection, first_interim=row.first_interim,
        )
        yield MonitorItem(
            kind=row.kind, gemeente=row.gemeente, aanbieder=row.aanbieder, bsn=row.bsn,
            referentie_aanbieder=row.referentie_aanbieder, received=row.dagtekening,
            deadline=verdict.deadline, interim_on=verdict.interim_on,
            final_deadline=verdict.final_deadline, answered_on=verdict.answered_on,
            answered_by=verdict.answered_by, status=verdict.status, age=verdict.age,
        )


def _sort_key(item: MonitorItem) -> tuple[str, date, str, str, str]:
    return (item.aanbieder, item.due, item.kind, item.gemeente, item.referentie_aanbieder)


def monitor(
    engine: Engine,
    as_of: date,
    *,
    statuses: Iterable[Status] | None = None,
    keep: Callable[[MonitorItem], bool] | None = None,
) -> MonitorReport:
    """The report as of ``as_of``: items in ``statuses`` (default: :data:`ATTENTION`).

    ``keep`` narrows the items further (and the counts with them), for
    instance to one gemeente of a shared store.
    """
    wanted = frozenset(statuses) if statuses is not None else ATTENTION
    kept: list[MonitorItem] = []
    tally: dict[str, Counter[Status]] = {}
    gemeenten: set[str] = set()
    for item in iter_items(engine, as_of):
        if keep is not None and not keep(item):
            continue
        gemeenten.add(item.gemeente)
        tally.setdefault(item.aanbieder, Counter())[item.status] += 1
        if item.status in wanted:
            kept.append(item)
    kept.sort(key=_sort_key)
    return MonitorReport(as_of=as_of, items=tuple(kept), counts=_counts(tally),
                         gemeenten=tuple(sorted(gemeenten)))


def _counts(tally: Mapping[str, Counter[Status]]) -> tuple[ProviderCounts, ...]:
    return tuple(
        ProviderCounts(
            aanbieder=a, open=tally[a][Status.open], overdue=tally[a][Status.overdue],
            answered_on_time=tally[a][Status.answered_on_time],
            answered_late=tally[a][Status.answered_late],
        )
        for a in sorted(tally)
    )


__all__ = [
    "ANSWER_WORKING_DAYS",
    "ATTENTION",
    "DECLARATIE_WORKING_DAYS",
    "FINAL_ANSWER_TERM",
    "MonitorItem",
    "MonitorReport",
    "ProviderCounts",
    "Status",
    "Verdict",
    "iter_items",
    "judge",
    "judge_declaratie",
    "monitor",
]
