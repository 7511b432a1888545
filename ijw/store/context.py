"""What the level-3 and level-4 rules ask, answered from the store and the CBS list.

:class:`StoreContext` implements :class:`ijw.rules.context.RuleContext` and
:class:`ijw.rules.store.StoreQuestions` over an open SQLAlchemy
:class:`~sqlalchemy.Connection`. Each question is one Core query that an index
of :mod:`ijw.store.schema` serves, and it runs in the caller's transaction, so
the messages stored earlier in the same import batch count.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import (
    Connection,
    Select,
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
from ijw.codelists.products import ProductList
from ijw.rules.context import AllocationView
from ijw.rules.declaratie_store import DeclaratieHistory, EarlierPrestatie, ToewijzingView
from ijw.rules.store import StopView
from ijw.store.fast import Prepared
from ijw.store.schema import (
    Allocation,
    AllocationVersion,
    Answer,
    CareLine,
    ChangeRequest,
    Client,
    Declaration,
    DeclarationLine,
    RequestedProduct,
    RetourCodeRow,
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
DECLARATION = table_of(Declaration)
LINE = table_of(DeclarationLine)
RETOUR_CODE = table_of(RetourCodeRow)

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

# -- the 323 questions: each one statement per message, with an IN list --------------------

#: At most this many values in one IN list (SQLite and PostgreSQL both cap parameters).
IN_CHUNK = 2000
#: A 325 whose DeclaratieAntwoord carries one of these assessed the prestaties: its 323
#: was processed. Otherwise (header-only 325, 8214, 9333) the 323 counts as not sent.
ASSESSED = ("0200", "8001")


def _approved_line() -> ColumnElement[Any]:
    """Approved declaration lines, written as the partial indexes' predicate (see _accepted)."""
    return literal_column(f"{LINE.name}.approved")


def _processed(declaration: Any) -> ColumnElement[bool]:
    """The declaration ``declaration`` (the table or an alias) belongs to a processed 323."""
    return exists().where(RETOUR_CODE.c.message_id == declaration.c.answer_id,
                          RETOUR_CODE.c.class_path == "DeclaratieAntwoord",
                          or_(*(RETOUR_CODE.c.code == code for code in ASSESSED)))


_TOEWIJZINGEN = (
    select(ALLOCATION.c.gemeente, ALLOCATION.c.toewijzing_nummer, CLIENT.c.bsn,
           ALLOCATION.c.aanbieder, ALLOCATION.c.referentie_aanbieder,
           ALLOCATION.c.product_categorie, ALLOCATION.c.product_code,
           ALLOCATION.c.toewijzingsdatum, ALLOCATION.c.toewijzingstijd,
           ALLOCATION.c.ingangsdatum, ALLOCATION.c.einddatum, ALLOCATION.c.reden_wijziging,
           ALLOCATION.c.volume, ALLOCATION.c.eenheid, ALLOCATION.c.frequentie,
           ALLOCATION.c.budget)
    .join_from(ALLOCATION, CLIENT, CLIENT.c.id == ALLOCATION.c.client_id)
    .where(ALLOCATION.c.gemeente == bindparam("gemeente"),
           ALLOCATION.c.toewijzing_nummer.in_(bindparam("numbers", expanding=True)))
)
_TOEWIJZING_COLUMNS = _TOEWIJZINGEN.selected_columns
# The 317 rules: every toewijzing of the aanbieder for the client (ix_allocation_party);
# the gemeente is filtered in Python, as for _HONOURED_NUMBERS.
_CLIENT_TOEWIJZINGEN = Prepared(
    select(*_TOEWIJZING_COLUMNS)
    .join_from(ALLOCATION, CLIENT, CLIENT.c.id == ALLOCATION.c.client_id)
    .where(ALLOCATION.c.aanbieder == bindparam("aanbieder"),
           ALLOCATION.c.client_id == _client_id())
)
_LINE_COLUMNS = (
    LINE.c.id, LINE.c.aanbieder, LINE.c.referentie_nummer, LINE.c.vorig_referentie_nummer,
    CLIENT.c.bsn, LINE.c.toewijzing_nummer, LINE.c.product_categorie, LINE.c.product_code,
    LINE.c.period_start, LINE.c.period_end, LINE.c.volume, LINE.c.eenheid, LINE.c.amount,
    LINE.c.debet_credit, LINE.c.approved, LINE.c.credited_by_id.is_not(None),
)


def _lines() -> Select[Any]:
    return select(*_LINE_COLUMNS).join_from(LINE, CLIENT, CLIENT.c.id == LINE.c.client_id)


# TR314 (RN, approved or rejected, of processed 323s; ix_declaration_line_lookup), TR323
# (the debet a credit names) and TR390 (approved credits naming the same debet;
# uq_declaration_line_credit).
_BY_REFERENCE = _lines().join(DECLARATION, DECLARATION.c.id == LINE.c.declaration_id).where(
    LINE.c.aanbieder == bindparam("aanbieder"),
    LINE.c.referentie_nummer.in_(bindparam("refs", expanding=True)),
    _processed(DECLARATION),
).union_all(_lines().where(
    LINE.c.aanbieder == bindparam("aanbieder"),
    LINE.c.vorig_referentie_nummer.in_(bindparam("refs", expanding=True)),
    _approved_line(),
))
# TR389, TR322, TR369, TR385: the approved lines on these toewijzingen
# (ix_declaration_line_allocation).
_ON = _lines().where(
    LINE.c.gemeente == bindparam("gemeente"),
    LINE.c.toewijzing_nummer.in_(bindparam("numbers", expanding=True)),
    _approved_line(),
)
# TR318: the latest processed period, newest first on ix_declaration_party_period (the
# first row is the answer unless the latest 323s counted as not sent).
_LATEST_PERIOD = Prepared(
    select(DECLARATION.c.period_start)
    .where(DECLARATION.c.aanbieder == bindparam("aanbieder"),
           DECLARATION.c.gemeente == bindparam("gemeente"), _processed(DECLARATION))
    .order_by(DECLARATION.c.period_start.desc())
    .limit(1)
)
# TR333: a processed declaratie of the aanbieder with this number (ix_declaration_number).
_NUMMER_USED = Prepared(select(exists().where(
    DECLARATION.c.aanbieder == bindparam("aanbieder"),
    DECLARATION.c.declaratie_nummer == bindparam("nummer"),
    DECLARATION.c.gemeente == bindparam("gemeente"), _processed(DECLARATION),
)))


def _chunks(values: Iterable[T]) -> Iterator[list[T]]:
    """``values`` in lists of at most :data:`IN_CHUNK` (one statement each)."""
    ordered = list(values)
    for start in range(0, len(ordered), IN_CHUNK):
        yield ordered[start:start + IN_CHUNK]


def _toewijzing(row: Any) -> ToewijzingView:
    (gemeente, nummer, bsn, aanbieder, referentie, categorie, code, datum, tijd, ingang, eind,
     reden, volume, eenheid, frequentie, budget) = row
    return ToewijzingView(
        gemeente=gemeente, toewijzing_nummer=int(nummer), bsn=bsn, aanbieder=aanbieder,
        referentie_aanbieder=referentie, product_categorie=categorie, product_code=code,
        toewijzingsdatum=datum, toewijzingstijd=tijd, ingangsdatum=ingang, einddatum=eind,
        reden_wijziging=reden, volume=None if volume is None else int(volume),
        eenheid=eenheid, frequentie=frequentie, budget=None if budget is None else int(budget))


def _earlier(row: Any) -> EarlierPrestatie:
    (_, aanbieder, rn, vrn, bsn, nummer, categorie, code, begin, end, volume, eenheid, amount,
     dc, approved, credited) = row
    return EarlierPrestatie(
        aanbieder=aanbieder, referentie_nummer=rn, vorig_referentie_nummer=vrn, bsn=bsn,
        toewijzing_nummer=int(nummer), product_categorie=categorie, product_code=code,
        begindatum=begin, einddatum=end, volume=int(volume), eenheid=eenheid,
        bedrag=int(amount), debet_credit=dc, approved=bool(approved), credited=bool(credited))


class StoreContext:
    """The rules' questions answered with Core queries over ``connection``."""

    def __init__(self, connection: Connection, today: date,
                 gemeenten: GemeenteList | None = None,
                 products: ProductList | None = None) -> None:
        self.connection = connection
        #: The receiver's system date (Europe/Amsterdam), for TR135.
        self.today = today
        self.gemeenten = gemeenten if gemeenten is not None else GemeenteList.load()
        self.products = products if products is not None else ProductList.load()
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

    def remembered(self, key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
        """``compute()``, kept under ``key`` within :meth:`remembering` (for the 323 rules)."""
        return self._remembered(("rules", *key), compute)

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

    def product_known(self, categorie: str, code: str, on: date | None) -> bool:
        """TR381: is ``code`` a code of ``categorie`` on the product list, valid on ``on``?"""
        return self.products.is_valid(categorie, code, on)

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

    def client_toewijzingen(self, gemeente: str, aanbieder: str, bsn: str
                            ) -> Mapping[int, ToewijzingView]:
        """The 317 rules: every toewijzing of ``gemeente`` to ``aanbieder`` for ``bsn``."""
        return self._remembered(("client_toewijzingen", gemeente, aanbieder, bsn),
                                lambda: self._client_toewijzingen(gemeente, aanbieder, bsn))

    def _client_toewijzingen(self, gemeente: str, aanbieder: str, bsn: str
                             ) -> dict[int, ToewijzingView]:
        rows = _CLIENT_TOEWIJZINGEN.rows(self.connection, aanbieder=aanbieder, bsn=bsn)
        views = (_toewijzing(row) for row in rows)
        return {v.toewijzing_nummer: v for v in views if v.gemeente == gemeente}

    # -- DeclaratieQuestions ------------------------------------------------------------------

    def toewijzingen(self, gemeente: str, nummers: frozenset[int]
                     ) -> Mapping[int, ToewijzingView]:
        """TR338 and the content rules: the current versions of these toewijzingen."""
        return self._remembered(("toewijzingen", gemeente, nummers),
                                lambda: self._toewijzingen(gemeente, nummers))

    def _toewijzingen(self, gemeente: str, nummers: frozenset[int]) -> dict[int, ToewijzingView]:
        out: dict[int, ToewijzingView] = {}
        for chunk in _chunks(nummers):
            for row in self.connection.execute(_TOEWIJZINGEN,
                                               {"gemeente": gemeente, "numbers": chunk}):
                view = _toewijzing(row)
                out[view.toewijzing_nummer] = view
        return out

    def prestaties_by_reference(self, aanbieder: str, referenties: frozenset[str]
                                ) -> tuple[EarlierPrestatie, ...]:
        """TR314, TR323, TR390: earlier prestaties with these ReferentieNummers, and the
        approved credits naming them as VorigReferentieNummer."""
        return self._remembered(("by_reference", aanbieder, referenties),
                                lambda: self._by_reference(aanbieder, referenties))

    def _by_reference(self, aanbieder: str, referenties: frozenset[str]
                      ) -> tuple[EarlierPrestatie, ...]:
        found: dict[int, EarlierPrestatie] = {}
        for chunk in _chunks(referenties):
            for row in self.connection.execute(_BY_REFERENCE,
                                               {"aanbieder": aanbieder, "refs": chunk}):
                found.setdefault(int(row[0]), _earlier(row))
        return tuple(found[k] for k in sorted(found))

    def prestaties_on(self, gemeente: str, nummers: frozenset[int]
                      ) -> tuple[EarlierPrestatie, ...]:
        """TR389, TR322, TR369, TR385: the approved prestaties on these toewijzingen."""
        return self._remembered(("on", gemeente, nummers),
                                lambda: self._on(gemeente, nummers))

    def _on(self, gemeente: str, nummers: frozenset[int]) -> tuple[EarlierPrestatie, ...]:
        found: list[tuple[int, EarlierPrestatie]] = []
        for chunk in _chunks(nummers):
            found += [(int(row[0]), _earlier(row)) for row in self.connection.execute(
                _ON, {"gemeente": gemeente, "numbers": chunk})]
        return tuple(q for _, q in sorted(found, key=lambda item: item[0]))

    def declaratie_history(self, gemeente: str, aanbieder: str, declaratie_nummer: str
                           ) -> DeclaratieHistory:
        """TR318, TR333: the latest processed period and whether the number was used."""
        latest = _LATEST_PERIOD.scalar(self.connection, gemeente=gemeente, aanbieder=aanbieder)
        used = self._exists(_NUMMER_USED, gemeente=gemeente, aanbieder=aanbieder,
                            nummer=declaratie_nummer)
        return DeclaratieHistory(latest, used)


__all__ = ["StoreContext"]
