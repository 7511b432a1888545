"""Reading the store: typed answers for other municipal systems.

Every function takes an engine and returns frozen dataclasses, so callers do
not depend on SQLAlchemy rows. Results carry BSNs where the question is about
a client: the caller decides what to show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, select

from ijw.rules.context import AllocationView
from ijw.store.schema import (
    Allocation,
    CareLine,
    Client,
    RequestedProduct,
    RetourCodeRow,
    table_of,
)
from ijw.store.schema import Message as MessageRow

MESSAGE = table_of(MessageRow)
CLIENT = table_of(Client)
ALLOCATION = table_of(Allocation)
REQUESTED = table_of(RequestedProduct)
CARE = table_of(CareLine)
CODES = table_of(RetourCodeRow)


@dataclass(frozen=True, slots=True)
class MessageInfo:
    """One stored message (without its XML)."""

    message_type: str
    direction: str
    sender: str
    receiver: str
    identificatie: str
    dagtekening: date
    outcome: str
    sha256: str
    file_name: str | None
    retourcodes: tuple[tuple[str, str], ...]


#: A toewijzing in its current state (the same view the technical rules get).
AllocationInfo = AllocationView


@dataclass(frozen=True, slots=True)
class CareLineInfo:
    """A start (305) or stop (307) line."""

    kind: str
    aanbieder: str
    toewijzing_nummer: int | None
    begindatum: date
    einddatum: date | None
    reden_beeindiging: str | None
    status: str
    deleted: bool


@dataclass(frozen=True, slots=True)
class ClientOverview:
    """What the store knows of one client: requests, toewijzingen, starts and stops."""

    bsn: str
    requested: tuple[tuple[str, str, date, bool], ...]  # aanbieder, referentie, dagtekening, ok
    allocations: tuple[AllocationInfo, ...]
    care: tuple[CareLineInfo, ...]


def messages(
    engine: Engine,
    *,
    message_type: str | None = None,
    outcome: str | None = None,
    sender: str | None = None,
    since: date | None = None,
    limit: int = 100,
) -> list[MessageInfo]:
    """Stored messages, newest Dagtekening first, with the retourcodes of retours."""
    query = select(MESSAGE.c.id, MESSAGE.c.message_type, MESSAGE.c.direction, MESSAGE.c.sender,
                   MESSAGE.c.receiver, MESSAGE.c.identificatie, MESSAGE.c.dagtekening,
                   MESSAGE.c.outcome, MESSAGE.c.sha256, MESSAGE.c.file_name)
    if message_type:
        query = query.where(MESSAGE.c.message_type == message_type.upper())
    if outcome:
        query = query.where(MESSAGE.c.outcome == outcome)
    if sender:
        query = query.where(MESSAGE.c.sender == sender)
    if since:
        query = query.where(MESSAGE.c.dagtekening >= since)
    query = query.order_by(MESSAGE.c.dagtekening.desc(), MESSAGE.c.id.desc()).limit(limit)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
        codes: dict[int, list[tuple[str, str]]] = {}
        ids = [r.id for r in rows]
        if ids:
            for c in conn.execute(select(CODES.c.message_id, CODES.c.class_path, CODES.c.code)
                                  .where(CODES.c.message_id.in_(ids))
                                  .order_by(CODES.c.message_id, CODES.c.id)):
                codes.setdefault(c.message_id, []).append((c.class_path, c.code))
    return [
        MessageInfo(r.message_type, r.direction, r.sender, r.receiver, r.identificatie,
                    r.dagtekening, r.outcome, r.sha256, r.file_name,
                    tuple(codes.get(r.id, ())))
        for r in rows
    ]


def _allocations(engine: Engine, *conditions: object) -> list[AllocationInfo]:
    a = ALLOCATION.c
    query = (
        select(a.gemeente, a.toewijzing_nummer, CLIENT.c.bsn.label("bsn"), a.aanbieder,
               a.referentie_aanbieder, a.product_categorie, a.product_code, a.toewijzingsdatum,
               a.toewijzingstijd, a.ingangsdatum, a.einddatum, a.reden_wijziging)
        .join_from(ALLOCATION, CLIENT, CLIENT.c.id == a.client_id)
        .where(*conditions)  # type: ignore[arg-type]
        .order_by(a.gemeente, a.toewijzing_nummer)
    )
    with engine.connect() as conn:
        return [AllocationInfo(**row._asdict()) for row in conn.execute(query)]


def allocations(
    engine: Engine, *, bsn: str | None = None, aanbieder: str | None = None,
    gemeente: str | None = None,
) -> list[AllocationInfo]:
    """Toewijzingen in their current state, filtered by client, aanbieder and gemeente."""
    conditions = []
    if bsn:
        conditions.append(CLIENT.c.bsn == bsn)
    if aanbieder:
        conditions.append(ALLOCATION.c.aanbieder == aanbieder)
    if gemeente:
        conditions.append(ALLOCATION.c.gemeente == gemeente)
    return _allocations(engine, *conditions)


def client_overview(engine: Engine, bsn: str) -> ClientOverview:
    """Everything the store holds for one client."""
    with engine.connect() as conn:
        client_id = conn.execute(select(CLIENT.c.id).where(CLIENT.c.bsn == bsn)).scalar()
        requested = conn.execute(
            select(REQUESTED.c.aanbieder, REQUESTED.c.referentie_aanbieder,
                   REQUESTED.c.dagtekening, REQUESTED.c.accepted)
            .where(REQUESTED.c.client_id == client_id).order_by(REQUESTED.c.id)
        ).all()
        care = conn.execute(
            select(CARE.c.kind, CARE.c.aanbieder, CARE.c.toewijzing_nummer, CARE.c.begindatum,
                   CARE.c.einddatum, CARE.c.reden_beeindiging, CARE.c.status,
                   CARE.c.deleted_by_id.is_not(None))
            .where(CARE.c.client_id == client_id).order_by(CARE.c.id)
        ).all()
    return ClientOverview(
        bsn=bsn,
        requested=tuple((r[0], r[1], r[2], bool(r[3])) for r in requested),
        allocations=tuple(_allocations(engine, CLIENT.c.bsn == bsn)),
        care=tuple(
            CareLineInfo(kind=r[0], aanbieder=r[1], toewijzing_nummer=r[2], begindatum=r[3],
                         einddatum=r[4], reden_beeindiging=r[5], status=r[6],
                         deleted=bool(r[7]))
            for r in care
        ),
    )
