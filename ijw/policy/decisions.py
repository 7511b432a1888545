"""Deciding a continuity pack over the whole store, set-based and streamed.

Two queries feed one Python loop:

* every allocation of the pack's gemeente, joined in SQL with its client, the
  301 of its current version, the JW315 product(s) with its reference, the
  referral register and the pack's current decision and continuity
  allocation, ordered by ToewijzingNummer;
* every present start and stop line of that gemeente, in the same order,
  merged in by ToewijzingNummer.

Both are read with a server-side cursor (``yield_per``), so memory stays flat
however many products there are. The loop decides each product with the pure
:func:`ijw.policy.continuity.decide_product` and writes only what changed, in
batches: a new decision is inserted; a changed one is updated and its old
version copied to the history; the continuity allocation follows. Decisions
of products that left the pack's scope are withdrawn into the history.
Running it twice on the same store and pack writes nothing the second time.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Select,
    and_,
    delete,
    insert,
    literal,
    select,
    text,
)

from ijw.policy import bulk
from ijw.policy.continuity import (
    TIJDELIJK,
    Facts,
    RegisterEntry,
    Request,
    Stop,
    decide_product,
    evidence_json,
)
from ijw.policy.pack import LoadedPack
from ijw.store import persist
from ijw.store.db import SQLITE_BEGIN_OPTION
from ijw.store.schema import (
    Allocation,
    CareLine,
    Client,
    ContinuityAllocation,
    ContinuityDecision,
    ContinuityDecisionHistory,
    Message,
    Referral,
    RequestedProduct,
    table_of,
)

#: One result row (drivers give sequences; read by position for speed).
Record = Sequence[Any]

ALLOCATION = table_of(Allocation)
CARE = table_of(CareLine)
CLIENT = table_of(Client)
DECISION = table_of(ContinuityDecision)
HISTORY = table_of(ContinuityDecisionHistory)
CONTINUED = table_of(ContinuityAllocation)
MESSAGE = table_of(Message)
REFERRAL = table_of(Referral)
REQUESTED = table_of(RequestedProduct)

#: Rows fetched per round trip from the server-side cursors.
YIELD_PER = 20_000
#: Changed rows written per batch.
BATCH = 20_000
#: PostgreSQL work_mem for the run's transaction (the sort by ToewijzingNummer).
PG_WORK_MEM = "128MB"

#: Decision columns compared to tell whether a product's decision changed. The
#: rest (referral and request dates, product, parties) follows from the evidence.
COMPARED = ("status", "reasons", "regime", "transfer_next_year", "referral_evidence",
            "evidence", "pack_hash")
#: Columns written for a decision, in this order.
DECISION_COLUMNS = (
    "pack_id", "gemeente", "toewijzing_nummer", "allocation_id", "client_id", "aanbieder",
    "product_categorie", "product_code", "status", "reasons", "regime", "transfer_next_year",
    "referral_date", "referral_evidence", "request_date", "evidence", "pack_hash", "decided_at",
)
#: Columns written for a continuity allocation, in this order.
CONTINUED_COLUMNS = (
    "pack_id", "gemeente", "toewijzing_nummer", "allocation_id", "client_id", "aanbieder",
    "product_categorie", "product_code", "period_start", "period_end", "regime",
    "transfer_next_year",
)
CONTINUED_COMPARED = ("period_start", "period_end", "regime", "transfer_next_year")
HISTORY_COLUMNS = (
    "pack_id", "gemeente", "toewijzing_nummer", "status", "reasons", "regime",
    "transfer_next_year", "referral_date", "referral_evidence", "request_date", "evidence",
    "pack_hash", "decided_at",
)


@dataclass(slots=True)
class DecideStats:
    """What one run did: decisions by status, and how many rows it wrote."""

    statuses: Counter[str] = field(default_factory=Counter)
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    withdrawn: int = 0


# --------------------------------------------------------------------------- queries


def products_query(loaded: LoadedPack) -> Select[Any]:
    """Every allocated product of the pack's gemeente with its facts and current decision."""
    info = loaded.info
    a, c, m = ALLOCATION, CLIENT, MESSAGE.alias("allocation_message")
    r, rm = REQUESTED, MESSAGE.alias("request_message")
    d, k = DECISION, CONTINUED
    joined = (
        a.join(c, c.c.id == a.c.client_id)
        .join(m, m.c.id == a.c.message_id)
        .outerjoin(r, and_(r.c.aanbieder == a.c.aanbieder, r.c.client_id == a.c.client_id,
                           r.c.referentie_aanbieder == a.c.referentie_aanbieder,
                           r.c.gemeente == a.c.gemeente))
        .outerjoin(rm, rm.c.id == r.c.message_id)
        .outerjoin(REFERRAL, and_(REFERRAL.c.bsn == c.c.bsn, REFERRAL.c.agb == a.c.aanbieder))
        .outerjoin(d, and_(d.c.pack_id == info.id, d.c.gemeente == a.c.gemeente,
                           d.c.toewijzing_nummer == a.c.toewijzing_nummer))
        .outerjoin(k, and_(k.c.pack_id == info.id, k.c.gemeente == a.c.gemeente,
                           k.c.toewijzing_nummer == a.c.toewijzing_nummer))
    )
    query = (
        select(
            a.c.toewijzing_nummer, a.c.id, a.c.client_id, a.c.aanbieder,
            a.c.referentie_aanbieder, a.c.product_categorie, a.c.product_code,
            a.c.ingangsdatum, a.c.einddatum, a.c.reden_wijziging,
            m.c.identificatie, m.c.dagtekening,
            r.c.accepted, r.c.dagtekening, r.c.toewijzing_ingangsdatum, rm.c.identificatie,
            REFERRAL.c.verwijsdatum, REFERRAL.c.verwijzer_type, REFERRAL.c.source,
            d.c.id, *(d.c[name] for name in COMPARED),
            k.c.id, *(k.c[name] for name in CONTINUED_COMPARED),
        )
        .select_from(joined)
        .where(a.c.gemeente == info.gemeente)
        .order_by(a.c.toewijzing_nummer)
    )
    if info.product_categories is not None:
        query = query.where(a.c.product_categorie.in_(info.product_categories))
    return query


#: Positions in a row of :func:`products_query`.
_D = 19  # the decision's id, then the COMPARED columns
_K = _D + 1 + len(COMPARED)  # the continuity allocation's id, then CONTINUED_COMPARED


def care_query(gemeente: str) -> Select[Any]:
    """Every present (status 1, not deleted) start and stop line of ``gemeente``."""
    return (
        select(CARE.c.toewijzing_nummer, CARE.c.kind, CARE.c.start_key, CARE.c.begindatum,
               CARE.c.einddatum, CARE.c.reden_beeindiging, MESSAGE.c.identificatie,
               CARE.c.aanbieder)
        .join(MESSAGE, MESSAGE.c.id == CARE.c.message_id)
        .where(CARE.c.gemeente == gemeente, CARE.c.status == "1",
               CARE.c.deleted_by_id.is_(None), CARE.c.toewijzing_nummer.is_not(None))
        .order_by(CARE.c.toewijzing_nummer)
    )


def definitive_stop(lines: Sequence[Record], aanbieder: str) -> Stop | None:
    """The definitive stop of the latest start among ``lines`` (care rows of one product).

    A later start after a stop means care resumed; a temporary stop (20) does
    not end care. Without any start, the latest definitive stop counts.
    """
    starts = [(ln[3], ln[2]) for ln in lines if ln[1] == "start" and ln[7] == aanbieder]
    stops = [ln for ln in lines if ln[1] == "stop" and ln[7] == aanbieder and ln[5] != TIJDELIJK
             and ln[4] is not None]
    if not stops:
        return None
    if starts:
        latest = max(starts)[1]
        stops = [ln for ln in stops if ln[2] == latest]
        if not stops:
            return None
    last = max(stops, key=lambda ln: (ln[4], ln[6]))
    return Stop(last[6], last[4], last[5])


class _CareMerge:
    """The care lines of each ToewijzingNummer, asked for in ascending order."""

    def __init__(self, rows: Iterator[Record]) -> None:
        self._groups = groupby(rows, key=itemgetter(0))
        self._current: tuple[int, list[Record]] | None = None
        self._advance()

    def _advance(self) -> None:
        found = next(self._groups, None)
        self._current = None if found is None else (found[0], list(found[1]))

    def lines(self, nummer: int) -> list[Record]:
        while self._current is not None and self._current[0] < nummer:
            self._advance()
        if self._current is not None and self._current[0] == nummer:
            found = self._current[1]
            self._advance()
            return found
        return []


# --------------------------------------------------------------------------- the loop


def _request(rows: list[Record]) -> Request | None:
    """The 315 product a group's rows matched: an accepted one first, then the earliest."""
    if len(rows) == 1:
        row = rows[0]
        return None if row[13] is None else Request(row[15], row[13], bool(row[12]), row[14])
    found = [Request(row[15], row[13], bool(row[12]), row[14]) for row in rows
             if row[13] is not None]
    if not found:
        return None
    return min(found, key=lambda q: (not q.accepted, q.dagtekening, q.identificatie))


def facts_of(rows: list[Record], care: list[Record]) -> Facts:
    """The facts of one product from its rows of :func:`products_query` and its care lines."""
    first = rows[0]
    register = None if first[16] is None else RegisterEntry(first[16], first[17], first[18])
    return Facts(first[0], first[3], first[4], first[5], first[6], first[10], first[11],
                 first[7], first[8], first[9], _request(rows), register,
                 definitive_stop(care, first[3]) if care else None)


class _Writer:
    """Collects the changed rows of a run and writes them in batches."""

    def __init__(self, conn: Connection, loaded: LoadedPack, now: datetime) -> None:
        self.conn = conn
        self.pack_id = loaded.info.id
        self.gemeente = loaded.info.gemeente
        self.pack_hash = loaded.sha256
        self.now = now
        self.inserts: list[tuple[Any, ...]] = []
        self.updates: list[tuple[Any, ...]] = []
        self.continued_inserts: list[tuple[Any, ...]] = []
        self.continued_updates: list[tuple[Any, ...]] = []
        self.continued_deletes: list[int] = []

    def pending(self) -> int:
        return (len(self.inserts) + len(self.updates) + len(self.continued_inserts)
                + len(self.continued_updates) + len(self.continued_deletes))

    def flush(self) -> None:
        conn = self.conn
        if self.updates:
            ids = [row[0] for row in self.updates]
            conn.execute(insert(HISTORY).from_select(
                [*HISTORY_COLUMNS, "superseded_at"],
                select(*(DECISION.c[n] for n in HISTORY_COLUMNS),
                       literal(self.now, HISTORY.c.superseded_at.type))
                .where(bulk.in_ids(conn, DECISION.c.id)),
            ), {"ids": ids})
            bulk.update_rows(conn, DECISION, DECISION_COLUMNS[3:], self.updates)
        bulk.insert_rows(conn, DECISION, DECISION_COLUMNS, self.inserts)
        if self.continued_deletes:
            conn.execute(delete(CONTINUED).where(bulk.in_ids(conn, CONTINUED.c.id)),
                         {"ids": self.continued_deletes})
        bulk.update_rows(conn, CONTINUED, CONTINUED_COLUMNS[3:], self.continued_updates)
        bulk.insert_rows(conn, CONTINUED, CONTINUED_COLUMNS, self.continued_inserts)
        self.inserts, self.updates = [], []
        self.continued_inserts, self.continued_updates, self.continued_deletes = [], [], []

    def withdraw_stale(self) -> int:
        """Move decisions made under another version of the pack, and not renewed, to history.

        Every product in scope was just decided under this pack's hash; what
        still carries another one left the scope (e.g. the pack's product
        categories), and is withdrawn with its continuity allocation.
        """
        d, k = DECISION, CONTINUED
        conn = self.conn
        stale = list(conn.execute(
            select(d.c.toewijzing_nummer).where(d.c.pack_id == self.pack_id,
                                                d.c.gemeente == self.gemeente,
                                                d.c.pack_hash != self.pack_hash)).scalars())
        ours = (d.c.pack_id == self.pack_id, d.c.gemeente == self.gemeente)
        for start in range(0, len(stale), BATCH):
            numbers = {"n": stale[start:start + BATCH]}
            chosen = bulk.in_ids(conn, d.c.toewijzing_nummer, "n")
            conn.execute(insert(HISTORY).from_select(
                [*HISTORY_COLUMNS, "superseded_at"],
                select(*(d.c[name] for name in HISTORY_COLUMNS),
                       literal(self.now, HISTORY.c.superseded_at.type)).where(*ours, chosen),
            ), numbers)
            conn.execute(delete(k).where(
                k.c.pack_id == self.pack_id, k.c.gemeente == self.gemeente,
                bulk.in_ids(conn, k.c.toewijzing_nummer, "n")), numbers)
            conn.execute(delete(d).where(*ours, chosen), numbers)
        return len(stale)


def _decide_group(rows: list[Record], care: list[Record], loaded: LoadedPack,
                  contracted: frozenset[str], writer: _Writer, stats: DecideStats) -> None:
    facts = facts_of(rows, care)
    outcome = decide_product(facts, loaded.info, contracted)
    stats.statuses[outcome.status] += 1
    first = rows[0]
    reasons = ";".join(outcome.reasons)
    evidence = evidence_json(facts, outcome.referral_evidence)
    compared = (outcome.status, reasons, outcome.regime, outcome.transfer,
                outcome.referral_evidence, evidence, writer.pack_hash)
    keys = (writer.pack_id, writer.gemeente, facts.toewijzing_nummer)
    parties = (first[1], first[2], facts.aanbieder, facts.product_categorie, facts.product_code)
    decision_id = first[_D]
    if decision_id is None:
        stats.new += 1
        writer.inserts.append((
            *keys, *parties, outcome.status, reasons, outcome.regime, outcome.transfer,
            outcome.referral_date, outcome.referral_evidence,
            facts.request.dagtekening if facts.request else None, evidence, writer.pack_hash,
            writer.now))
    elif tuple(first[_D + 1:_K]) == compared:
        stats.unchanged += 1
    else:
        stats.changed += 1
        writer.updates.append((
            decision_id, *parties, outcome.status, reasons, outcome.regime, outcome.transfer,
            outcome.referral_date, outcome.referral_evidence,
            facts.request.dagtekening if facts.request else None, evidence, writer.pack_hash,
            writer.now))
    continued_id = first[_K]
    if outcome.regime is None or outcome.period_start is None:
        if continued_id is not None:
            writer.continued_deletes.append(continued_id)
        return
    period = (outcome.period_start, outcome.period_end, outcome.regime, outcome.transfer)
    if continued_id is None:
        writer.continued_inserts.append((*keys, *parties, *period))
    elif tuple(first[_K + 1:]) != period:
        writer.continued_updates.append((continued_id, *parties, *period))


@contextmanager
def _exclusive(engine: Engine, pack_id: str) -> Iterator[Connection]:
    """A connection in a transaction that no other run of the same pack shares.

    SQLite: BEGIN IMMEDIATE (the write lock up front). PostgreSQL: a session
    advisory lock per pack held on a side connection, and REPEATABLE READ, so
    both queries see one snapshot.
    """
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn = conn.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"})
            with conn.begin():
                yield conn
        return
    digest = hashlib.sha256(f"ijw-continuity:{pack_id}".encode()).digest()
    key = int.from_bytes(digest[:8], "big", signed=True)
    with engine.connect() as side:
        side.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key})
        side.commit()
        try:
            with engine.connect() as conn:
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
                with conn.begin():
                    # The queries are read whole through a cursor: plan for all
                    # rows, not the first 10%, and sort in memory.
                    conn.execute(text("SET LOCAL cursor_tuple_fraction = 1.0"))
                    conn.execute(text(f"SET LOCAL work_mem = '{PG_WORK_MEM}'"))
                    yield conn
        finally:
            side.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
            side.commit()


def decide_all(engine: Engine, loaded: LoadedPack, *, now: datetime | None = None) -> DecideStats:
    """Decide every allocated product of the pack's gemeente and store what changed."""
    stats = DecideStats()
    contracted = loaded.pack.contracted_agbs()
    with _exclusive(engine, loaded.info.id) as conn:
        writer = _Writer(conn, loaded, now or persist.now())
        products = conn.execute(products_query(loaded).execution_options(yield_per=YIELD_PER))
        care = _CareMerge(iter(conn.execute(
            care_query(loaded.info.gemeente).execution_options(yield_per=YIELD_PER))))
        for nummer, group in groupby(products, key=itemgetter(0)):
            _decide_group(list(group), care.lines(nummer), loaded, contracted, writer, stats)
            if writer.pending() >= BATCH:
                writer.flush()
        writer.flush()
        stats.withdrawn = writer.withdraw_stale()
    return stats
