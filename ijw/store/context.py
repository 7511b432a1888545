"""What the level-3 and level-4 rules ask, answered from the store and the CBS list.

:class:`StoreContext` implements :class:`ijw.rules.context.RuleContext` and
:class:`ijw.rules.store.StoreQuestions` over an open SQLAlchemy
:class:`~sqlalchemy.Connection`. Each question is one Core query that an index
of :mod:`ijw.store.schema` serves, and it runs in the caller's transaction, so
the messages stored earlier in the same import batch count.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import (
    Connection,
    Table,
    and_,
    bindparam,
    exists,
    literal_column,
    or_,
    select,
)
from sqlalchemy.sql.elements import ColumnElement

from ijw.codelists.cbs import GemeenteList
from ijw.rules.context import AllocationView
from ijw.rules.store import StopView
from ijw.store.fast import Prepared
from ijw.store.schema import (
    Allocation,
    AllocationVersion,
    Answer,
    CareLine,
    ChangeRequest,
    Client,
    RequestedProduct,
    care_line_present,
    table_of,
)
from ijw.store.schema import Message as MessageRow

MESSAGE = table_of(MessageRow)
CLIENT = table_of(Client)
REQUESTED = table_of(RequestedProduct)
CHANGE = table_of(ChangeRequest)
ALLOCATION = table_of(Allocation)
VERSION = table_of(AllocationVersion)
ANSWER = table_of(Answer)
CARE = table_of(CareLine)

T = TypeVar("T")

#: VerzoekAntwoord 1: verzoek afgewezen (closes the verzoek, TR374).
AFGEWEZEN = "1"


def _accepted(table: Table) -> ColumnElement[Any]:
    """The accepted rows of ``table``, written as the partial indexes' predicate.

    SQLAlchemy writes a Boolean test as ``accepted = 1`` on SQLite, which the
    planner does not match with the index predicate ``accepted``; the bare
    column does match, on SQLite and PostgreSQL alike.
    """
    return literal_column(f"{table.name}.accepted")


def _present(kind: str) -> ColumnElement[bool]:
    """A care line of ``kind`` that is present (status 1) and not deleted."""
    return and_(CARE.c.kind == kind, care_line_present(CARE))


def _client_id() -> ColumnElement[int]:
    """The id of the client with BSN ``:bsn`` (a scalar subquery on the unique bsn)."""
    return select(CLIENT.c.id).where(CLIENT.c.bsn == bindparam("bsn")).scalar_subquery()


def _unanswered(table: Table) -> ColumnElement[bool]:
    """An accepted verzoek in ``table`` of ``:aanbieder`` for ``:bsn`` not yet answered."""
    honoured = exists().where(
        ALLOCATION.c.aanbieder == table.c.aanbieder,
        ALLOCATION.c.client_id == table.c.client_id,
        VERSION.c.allocation_id == ALLOCATION.c.id,
        VERSION.c.referentie_aanbieder == table.c.referentie_aanbieder,
    )
    rejected = exists().where(
        ANSWER.c.aanbieder == table.c.aanbieder,
        ANSWER.c.referentie_aanbieder == table.c.referentie_aanbieder,
        ANSWER.c.verzoek_antwoord == AFGEWEZEN,
    )
    return exists().where(
        table.c.aanbieder == bindparam("aanbieder"), table.c.client_id == _client_id(),
        _accepted(table), ~honoured, ~rejected,
    )


# Every question is one statement, built once and run with parameters: building a
# statement costs several times more than running it on an indexed key.
_MESSAGE_SEEN = Prepared(select(exists().where(
    MESSAGE.c.sender == bindparam("sender"),
    MESSAGE.c.message_type == bindparam("message_type"),
    MESSAGE.c.identificatie == bindparam("identificatie"),
    MESSAGE.c.duplicate_of_id.is_(None),
)))
_REFERENCE_USED = Prepared(select(or_(*(
    exists().where(t.c.aanbieder == bindparam("aanbieder"),
                   t.c.referentie_aanbieder == bindparam("referentie"), _accepted(t))
    for t in (REQUESTED, CHANGE)
))))
_OPEN_VERZOEK = Prepared(select(or_(_unanswered(REQUESTED), _unanswered(CHANGE))))
_ALLOCATION = Prepared(
    select(ALLOCATION.c.gemeente, ALLOCATION.c.toewijzing_nummer, CLIENT.c.bsn,
           ALLOCATION.c.aanbieder, ALLOCATION.c.referentie_aanbieder,
           ALLOCATION.c.product_categorie, ALLOCATION.c.product_code,
           ALLOCATION.c.toewijzingsdatum, ALLOCATION.c.toewijzingstijd,
           ALLOCATION.c.ingangsdatum, ALLOCATION.c.einddatum, ALLOCATION.c.reden_wijziging)
    .join_from(ALLOCATION, CLIENT, CLIENT.c.id == ALLOCATION.c.client_id)
    .where(ALLOCATION.c.gemeente == bindparam("gemeente"),
           ALLOCATION.c.toewijzing_nummer == bindparam("nummer"))
)
_ACTIVE_LINE = Prepared(select(exists().where(
    CARE.c.kind == bindparam("kind"), care_line_present(CARE),
    CARE.c.line_key == bindparam("line_key"),
)))
_STOP = CARE.alias("stop")
_ACTUAL_STARTS = Prepared(select(CARE.c.start_key).where(
    CARE.c.gemeente == bindparam("gemeente"), CARE.c.toewijzing_nummer == bindparam("nummer"),
    CARE.c.aanbieder == bindparam("aanbieder"), _present("start"),
    ~exists().where(
        _STOP.c.kind == "stop", _STOP.c.start_key == CARE.c.start_key,
        care_line_present(_STOP),
    ),
))
_STOPS_OF = Prepared(
    select(CARE.c.line_key, CARE.c.einddatum, CARE.c.reden_beeindiging)
    .where(_present("stop"), CARE.c.start_key == bindparam("start"))
    .order_by(CARE.c.id)
)
_VERZOEK_KNOWN = Prepared(select(or_(*(
    exists().where(
        t.c.aanbieder == bindparam("aanbieder"), t.c.client_id == _client_id(),
        t.c.referentie_aanbieder == bindparam("referentie"),
        t.c.gemeente == bindparam("gemeente"), _accepted(t),
    )
    for t in (REQUESTED, CHANGE)
))))
# The gemeente is filtered in Python, not in SQL: with it there the planner may
# pick the (gemeente, ToewijzingNummer) index and read every allocation.
_HONOURED_NUMBERS = Prepared(
    select(ALLOCATION.c.gemeente, ALLOCATION.c.toewijzing_nummer).distinct()
    .join_from(ALLOCATION, VERSION, VERSION.c.allocation_id == ALLOCATION.c.id)
    .where(
        ALLOCATION.c.aanbieder == bindparam("aanbieder"),
        ALLOCATION.c.client_id == _client_id(),
        VERSION.c.referentie_aanbieder == bindparam("referentie"),
    )
)


class StoreContext:
    """The rules' questions answered with Core queries over ``connection``."""

    def __init__(self, connection: Connection, today: date,
                 gemeenten: GemeenteList | None = None) -> None:
        self.connection = connection
        #: The receiver's system date (Europe/Amsterdam), for TR135.
        self.today = today
        self.gemeenten = gemeenten if gemeenten is not None else GemeenteList.load()
        self._memo: dict[tuple[Any, ...], Any] | None = None

    @contextmanager
    def remembering(self) -> Iterator[None]:
        """Within the block each question goes to the store once; the answer is kept.

        For the rules of one message, which ask some questions more than once
        (TR413-TR415 each want a start's stops). Nothing may be written to the
        store inside the block.
        """
        self._memo = {}
        try:
            yield
        finally:
            self._memo = None

    def _remembered(self, key: tuple[Any, ...], ask: Callable[[], T]) -> T:
        """``ask()``, or within :meth:`remembering` the answer kept under ``key``."""
        memo = self._memo
        if memo is None:
            return ask()
        if key not in memo:
            memo[key] = ask()
        answer: T = memo[key]
        return answer

    def _exists(self, statement: Prepared, **params: Any) -> bool:
        return bool(statement.scalar(self.connection, **params))

    # -- RuleContext --------------------------------------------------------------------------

    def message_seen(self, sender: str, message_type: str, identificatie: str) -> bool:
        """TR056: was a message of this type with this Identificatie stored from ``sender``?"""
        return self._exists(_MESSAGE_SEEN, sender=sender, message_type=message_type,
                            identificatie=identificatie)

    def reference_used(self, aanbieder: str, referentie: str) -> bool:
        """TR347: did an accepted 315 product or 317 of ``aanbieder`` carry ``referentie``?"""
        return self._exists(_REFERENCE_USED, aanbieder=aanbieder, referentie=referentie)

    def open_verzoek(self, aanbieder: str, bsn: str) -> bool:
        """TR374: is an accepted verzoek of ``aanbieder`` for ``bsn`` still unanswered?

        A verzoek (a 315 product or a 317) is answered once a 301 carried its
        ReferentieAanbieder (any version of an allocation of that aanbieder and
        client) or a 319 rejected it (VerzoekAntwoord 1). A 319 "in
        onderzoek" (2) leaves it open.
        """
        return self._exists(_OPEN_VERZOEK, aanbieder=aanbieder, bsn=bsn)

    def allocation(self, gemeente: str, toewijzing_nummer: int) -> AllocationView | None:
        """The current state of toewijzing ``toewijzing_nummer`` of ``gemeente``, if known."""
        return self._remembered(("allocation", gemeente, int(toewijzing_nummer)),
                                lambda: self._allocation(gemeente, toewijzing_nummer))

    def _allocation(self, gemeente: str, toewijzing_nummer: int) -> AllocationView | None:
        row = _ALLOCATION.first(self.connection, gemeente=gemeente,
                                nummer=int(toewijzing_nummer))
        if row is None:
            return None
        (gemeente_, nummer, bsn, aanbieder, referentie, categorie, code, datum, tijd,
         ingang, eind, reden) = row
        return AllocationView(
            gemeente=gemeente_, toewijzing_nummer=int(nummer), bsn=bsn, aanbieder=aanbieder,
            referentie_aanbieder=referentie, product_categorie=categorie, product_code=code,
            toewijzingsdatum=datum, toewijzingstijd=tijd, ingangsdatum=ingang,
            einddatum=eind, reden_wijziging=reden,
        )

    def active_line(self, kind: str, line_key: str) -> bool:
        """TR074/TR063/TR382: is a ``kind`` line with this key present and not deleted?"""
        return self._exists(_ACTIVE_LINE, kind=kind, line_key=line_key)

    def gemeente_known(self, code: str, on: date | None) -> bool:
        """TR378: is ``code`` on the CBS list and valid on ``on`` (``None``: today)?"""
        return self.gemeenten.is_valid(code, on if on is not None else self.today)

    # -- StoreQuestions -----------------------------------------------------------------------

    def actual_starts(self, gemeente: str, aanbieder: str, toewijzing_nummer: int
                      ) -> frozenset[str]:
        """TR326: keys of the present starts on this toewijzing, not deleted, not stopped."""
        rows = _ACTUAL_STARTS.rows(self.connection, gemeente=gemeente,
                                   nummer=int(toewijzing_nummer), aanbieder=aanbieder)
        return frozenset(r[0] for r in rows)

    def stops_of(self, start: str) -> tuple[StopView, ...]:
        """TR071, TR413-TR415: the present, not deleted stops of the start with key ``start``."""
        return self._remembered(("stops", start), lambda: tuple(
            StopView(key, einddatum, reden)
            for key, einddatum, reden in _STOPS_OF.rows(self.connection, start=start)))

    def verzoek_known(self, gemeente: str, aanbieder: str, bsn: str, referentie: str) -> bool:
        """TR379: did an accepted 315 product or 317 of ``aanbieder`` for ``bsn`` carry it?"""
        return self._exists(_VERZOEK_KNOWN, gemeente=gemeente, aanbieder=aanbieder, bsn=bsn,
                            referentie=referentie)

    def honoured_numbers(self, gemeente: str, aanbieder: str, bsn: str, referentie: str
                         ) -> frozenset[int]:
        """TR379: the ToewijzingNummers whose versions carried ``referentie`` in a stored 301."""
        rows = _HONOURED_NUMBERS.rows(self.connection, aanbieder=aanbieder, bsn=bsn,
                                      referentie=referentie)
        return frozenset(int(nummer) for gemeente_, nummer in rows if gemeente_ == gemeente)


__all__ = ["StoreContext"]
