"""Writing one message's content into the store (SQLAlchemy Core, batched per table).

Every function here runs inside the caller's transaction (a savepoint per
message), so a message lands with all its rows or none.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, CursorResult, bindparam, insert, select, update

from ijw.declaratie_antwoord import Judgement, approved_total, signed
from ijw.messages import GEMEENTE_HEADER, Message
from ijw.messages.base import code_value
from ijw.messages.r3_2.antwoord import Jw319
from ijw.messages.r3_2.codelists import DebetCredit, RetourCode
from ijw.messages.r3_2.declaratie import Jw323
from ijw.messages.r3_2.start import Jw305
from ijw.messages.r3_2.stop import Jw307
from ijw.messages.r3_2.toewijzing import Jw301
from ijw.messages.r3_2.verzoek_toewijzing import Jw315
from ijw.messages.r3_2.verzoek_wijziging import Jw317
from ijw.rules.keys import start_key, stop_key
from ijw.store.fast import Inserter, Prepared
from ijw.store.schema import (
    Allocation,
    AllocationVersion,
    Answer,
    CareLine,
    ChangeRequest,
    ChangeRequestLine,
    Client,
    Declaration,
    DeclarationLine,
    RequestedProduct,
    RetourCodeRow,
    care_line_present,
    table_of,
)
from ijw.store.schema import Message as MessageRow

ALLOCATION = table_of(Allocation)
VERSION = table_of(AllocationVersion)
CARE = table_of(CareLine)
CLIENT = table_of(Client)
MESSAGE = table_of(MessageRow)
DECLARATION = table_of(Declaration)
LINE = table_of(DeclarationLine)

# Statements are built once and executed with parameters: building a statement
# costs several times more than running it on an indexed key.
_CLIENT_BY_BSN = Prepared(select(CLIENT.c.id).where(CLIENT.c.bsn == bindparam("bsn")))
_CURRENT_ALLOCATION = Prepared(select(
    ALLOCATION.c.id, ALLOCATION.c.toewijzingsdatum, ALLOCATION.c.toewijzingstijd,
    ALLOCATION.c.referentie_aanbieder,
).where(ALLOCATION.c.gemeente == bindparam("g"), ALLOCATION.c.toewijzing_nummer == bindparam("n")))
# The link to the honoured verzoek is the reference of the earliest version that
# carried one, whatever order the 301s arrived in (ties: the lowest reference).
_FIRST_REFERENCE = (
    select(VERSION.c.referentie_aanbieder)
    .where(VERSION.c.allocation_id == ALLOCATION.c.id,
           VERSION.c.referentie_aanbieder.is_not(None))
    .order_by(VERSION.c.toewijzingsdatum, VERSION.c.toewijzingstijd,
              VERSION.c.referentie_aanbieder)
    .limit(1)
    .scalar_subquery()
)
_LINK_VERZOEK = Prepared(
    update(ALLOCATION).where(ALLOCATION.c.id == bindparam("allocation_id"))
    .values(referentie_aanbieder=_FIRST_REFERENCE)
)
_MESSAGE_BY_IDENTITY = Prepared(select(MESSAGE.c.id).where(
    MESSAGE.c.message_type == bindparam("t"), MESSAGE.c.sender == bindparam("s"),
    MESSAGE.c.identificatie == bindparam("i"), MESSAGE.c.duplicate_of_id.is_(None)))
_INSERT_MESSAGE = Inserter(MESSAGE)
_INSERT_CLIENT = Inserter(CLIENT)
_INSERT_ALLOCATION = Inserter(ALLOCATION)
_INSERT_VERSION = Inserter(VERSION)
_INSERT_CARE = Inserter(CARE)
_INSERT_REQUESTED = Inserter(table_of(RequestedProduct))
_UPDATE_ALLOCATION = update(ALLOCATION).where(ALLOCATION.c.id == bindparam("allocation_id"))
_DELETE_LINE = (
    update(CARE)
    .where(CARE.c.kind == bindparam("k"), CARE.c.line_key == bindparam("lk"),
           care_line_present(CARE))
    .values(deleted_by_id=bindparam("by"))
)


def _product(p: Any) -> dict[str, Any]:
    product = getattr(p, "product", None)
    return {
        "product_categorie": code_value(product.categorie) if product else None,
        "product_code": product.code if product else None,
    }


def _omvang(p: Any) -> dict[str, Any]:
    omvang = getattr(p, "omvang", None)
    return {
        "volume": omvang.volume if omvang else None,
        "eenheid": code_value(omvang.eenheid) if omvang else None,
        "frequentie": code_value(omvang.frequentie) if omvang else None,
        "budget": getattr(p, "budget", None),
    }


def new_id(result: CursorResult[Any]) -> int:
    """The primary key of the row an insert created."""
    key = result.inserted_primary_key
    if key is None:
        raise RuntimeError("insert returned no primary key")
    return int(key[0])


def client_id(conn: Connection, bsn: str) -> int:
    """The id of the client with ``bsn``, created on first sight."""
    found = _CLIENT_BY_BSN.scalar(conn, bsn=bsn)
    if found is not None:
        return int(found)
    return _INSERT_CLIENT(conn, {"bsn": bsn})


def message_id(conn: Connection, message_type: str, sender: str, identificatie: str
               ) -> int | None:
    """The id of the first stored message with this identity (TR056's key), if any."""
    found = _MESSAGE_BY_IDENTITY.scalar(conn, t=message_type, s=sender, i=identificatie)
    return None if found is None else int(found)


def insert_message(conn: Connection, **values: Any) -> int:
    """Insert a message row and return its id."""
    return _INSERT_MESSAGE(conn, values)


def insert_retour_codes(
    conn: Connection, message_id: int, codes: list[tuple[str, int, str]],
    rules: dict[str, str] | None = None,
) -> None:
    """Store the (class path, position, code) rows of a retour."""
    if codes:
        conn.execute(
            insert(table_of(RetourCodeRow)),
            [
                {"message_id": message_id, "class_path": path, "position": pos, "code": code,
                 "rule": (rules or {}).get(code)}
                for path, pos, code in codes
            ],
        )


def store_jw315(
    conn: Connection, m: Jw315, message_id: int, gemeente: str, aanbieder: str, accepted: bool
) -> None:
    """The AangevraagdProducts of a 315."""
    cid = client_id(conn, m.client.bsn)
    dagtekening = m.header.bericht_identificatie.dagtekening
    rows = []
    for p in m.client.aangevraagde_producten:
        rows.append({
            "message_id": message_id, "client_id": cid, "gemeente": gemeente,
            "aanbieder": aanbieder, "accepted": accepted, "dagtekening": dagtekening,
            "referentie_aanbieder": p.referentie_aanbieder,
            "beschikking_nummer": p.beschikking_nummer,
            "toewijzing_ingangsdatum": p.toewijzing_ingangsdatum,
            "toewijzing_einddatum": p.toewijzing_einddatum,
            "verwijzer_type": code_value(p.verwijzer.type), "verwijzer_naam": p.verwijzer.naam,
            "verwijzer_agb": p.verwijzer.zorgverlener_code,
            **_product(p), **_omvang(p),
        })
    for row in rows:
        _INSERT_REQUESTED(conn, row)


def store_jw317(
    conn: Connection, m: Jw317, message_id: int, gemeente: str, aanbieder: str, accepted: bool
) -> None:
    """The Verzoek of a 317 and its lines."""
    verzoek = m.client.verzoek
    request_id = new_id(conn.execute(insert(table_of(ChangeRequest)).values(
        message_id=message_id, client_id=client_id(conn, m.client.bsn), gemeente=gemeente,
        aanbieder=aanbieder, accepted=accepted,
        dagtekening=m.header.bericht_identificatie.dagtekening,
        referentie_aanbieder=verzoek.referentie_aanbieder,
        reden_verzoek=code_value(verzoek.reden_verzoek),
    )))
    rows: list[dict[str, Any]] = []
    empty = {"product_categorie": None, "product_code": None, "gewenste_ingangsdatum": None,
             "einddatum": None, "volume": None, "eenheid": None, "frequentie": None,
             "budget": None, "toewijzing_nummer": None}
    for i, o in enumerate(verzoek.ongewijzigde_producten):
        rows.append({**empty, "kind": "ongewijzigd", "position": i,
                     "toewijzing_nummer": o.toewijzing_nummer})
    for i, t in enumerate(verzoek.te_wijzigen_producten):
        rows.append({**empty, "kind": "te_wijzigen", "position": i,
                     "toewijzing_nummer": t.toewijzing_nummer,
                     "gewenste_ingangsdatum": t.gewenste_ingangsdatum, "einddatum": t.einddatum,
                     **_omvang(t)})
    for i, n in enumerate(verzoek.nieuwe_producten):
        rows.append({**empty, "kind": "nieuw", "position": i,
                     "gewenste_ingangsdatum": n.gewenste_ingangsdatum, "einddatum": n.einddatum,
                     **_product(n), **_omvang(n)})
    if rows:
        conn.execute(insert(table_of(ChangeRequestLine)),
                     [{**r, "change_request_id": request_id} for r in rows])


def store_jw301(conn: Connection, m: Jw301, message_id: int, gemeente: str, aanbieder: str) -> None:
    """Every ToegewezenProduct of a 301: a version row, and the current state (IV013)."""
    cid = client_id(conn, m.client.bsn)
    for p in m.client.toegewezen_producten:
        fields = {
            "referentie_aanbieder": p.referentie_aanbieder,
            "toewijzingsdatum": p.toewijzingsdatum, "toewijzingstijd": p.toewijzingstijd,
            "ingangsdatum": p.ingangsdatum, "einddatum": p.einddatum,
            "reden_wijziging": code_value(p.reden_wijziging), **_product(p), **_omvang(p),
        }
        current = _CURRENT_ALLOCATION.first(conn, g=gemeente, n=p.toewijzing_nummer)
        if current is None:
            allocation_id = _INSERT_ALLOCATION(conn, {
                "gemeente": gemeente, "toewijzing_nummer": p.toewijzing_nummer,
                "client_id": cid, "aanbieder": aanbieder, "message_id": message_id, **fields,
            })
        else:
            allocation_id, datum, tijd, referentie = current
            if (p.toewijzingsdatum, p.toewijzingstijd) > (datum, tijd):
                conn.execute(_UPDATE_ALLOCATION, {"allocation_id": allocation_id, **fields,
                                                  "referentie_aanbieder": referentie,
                                                  "message_id": message_id})
        _INSERT_VERSION(conn, {"allocation_id": allocation_id, "message_id": message_id,
                               **fields})
        if p.referentie_aanbieder:
            _LINK_VERZOEK.run(conn, allocation_id=allocation_id)


def _care_lines(
    conn: Connection, m: Jw305 | Jw307, message_id: int, gemeente: str, aanbieder: str,
    kind: str
) -> None:
    bsn = m.client.bsn
    cid = client_id(conn, bsn)
    lines: tuple[Any, ...] = (m.client.start_producten if isinstance(m, Jw305)
                              else m.client.stop_producten)
    # Deletions (status 3) before new lines (status 1), IV008 and pitfall 11.
    for p in sorted(lines, key=lambda line: code_value(line.status_aanlevering) != "3"):
        product = p.product
        skey = start_key(gemeente, aanbieder, bsn, p.toewijzing_nummer,
                         code_value(product.categorie) if product else None,
                         product.code if product else None, p.begindatum)
        einddatum = getattr(p, "einddatum", None)
        reden = code_value(getattr(p, "reden_beeindiging", None))
        lkey = skey if kind == "start" else stop_key(skey, einddatum, reden)
        status = code_value(p.status_aanlevering)
        line_id = _INSERT_CARE(conn, {
            "kind": kind, "message_id": message_id, "client_id": cid, "gemeente": gemeente,
            "aanbieder": aanbieder, "toewijzing_nummer": p.toewijzing_nummer, **_product(p),
            "toewijzing_ingangsdatum": p.toewijzing_ingangsdatum, "begindatum": p.begindatum,
            "einddatum": einddatum, "reden_beeindiging": reden, "status": status,
            "start_key": skey, "line_key": lkey,
        })
        if status == "3":
            conn.execute(_DELETE_LINE, {"k": kind, "lk": lkey, "by": line_id})


def store_jw305(conn: Connection, m: Jw305, message_id: int, gemeente: str, aanbieder: str) -> None:
    """The StartProduct lines of a 305."""
    _care_lines(conn, m, message_id, gemeente, aanbieder, "start")


def store_jw307(conn: Connection, m: Jw307, message_id: int, gemeente: str, aanbieder: str) -> None:
    """The StopProduct lines of a 307."""
    _care_lines(conn, m, message_id, gemeente, aanbieder, "stop")


def store_jw319(conn: Connection, m: Jw319, message_id: int, gemeente: str, aanbieder: str) -> None:
    """The Antwoord of a 319."""
    a = m.antwoord
    conn.execute(insert(table_of(Answer)).values(
        message_id=message_id, gemeente=gemeente, aanbieder=aanbieder,
        dagtekening=m.header.bericht_identificatie.dagtekening,
        referentie_aanbieder=a.referentie_aanbieder,
        verzoek_antwoord=code_value(a.verzoek_antwoord),
        reden_afwijzing=code_value(a.reden_afwijzing_verzoek),
        woonplaatsbeginsel_gemeente=a.woonplaatsbeginsel.gemeente if a.woonplaatsbeginsel else None,
    ))


_INSERT_DECLARATION = Inserter(DECLARATION)
_ALLOCATIONS = select(ALLOCATION.c.toewijzing_nummer, ALLOCATION.c.id).where(
    ALLOCATION.c.gemeente == bindparam("g"),
    ALLOCATION.c.toewijzing_nummer.in_(bindparam("numbers", expanding=True)))
_CREDITED = LINE.alias("credit")
_MARK_CREDITED = (
    update(LINE)
    .where(LINE.c.aanbieder == bindparam("a"), LINE.c.referentie_nummer == bindparam("debet"),
           LINE.c.approved.is_(True))
    .values(credited_by_id=select(_CREDITED.c.id).where(
        _CREDITED.c.aanbieder == bindparam("a"),
        _CREDITED.c.referentie_nummer == bindparam("credit"),
        _CREDITED.c.approved.is_(True)).scalar_subquery())
)


def store_jw323(conn: Connection, m: Jw323, message_id: int, gemeente: str, aanbieder: str,
                judgement: Judgement, answer_id: int) -> None:
    """The Declaratie of a 323 and each Prestatie, approved or rejected as its 325 says.

    Every judged 323 is kept with all its prestaties, so the overview counts what
    was submitted as well as what was granted. A rejected prestatie keeps its
    codes: its own, 0233 when its client was rejected, or the codes that rejected
    the message as a whole (its header, level 2: 0001, or its Declaratie class). An approved
    credit marks the debet it reverses (``credited_by_id``).
    """
    body = m.declaratie
    submitted = signed(body.totaal_ingediend_bedrag.totaal_bedrag,
                       body.totaal_ingediend_bedrag.debet_credit)
    approved_amount = approved_total(m, judgement)
    lines = [(i, j, p) for i, c in enumerate(body.clienten) for j, p in enumerate(c.prestaties)]
    outcome = judgement.outcome(m)
    declaration_id = _INSERT_DECLARATION(conn, {
        "message_id": message_id, "answer_id": answer_id, "gemeente": gemeente,
        "aanbieder": aanbieder, "declaratie_nummer": body.declaratie_nummer,
        "period_start": body.declaratie_periode.begindatum,
        "period_end": body.declaratie_periode.einddatum,
        "declaratie_dagtekening": body.declaratie_dagtekening,
        "submitted_amount": submitted, "approved_amount": approved_amount, "outcome": outcome,
    })
    numbers = sorted({p.toewijzing_nummer for _, _, p in lines})
    allocations = dict(conn.execute(_ALLOCATIONS, {"g": gemeente, "numbers": numbers}).all())
    clients = [client_id(conn, c.bsn) for c in body.clienten]
    whole = (judgement.header or ((RetourCode.R0001,) if judgement.content else ())
             or judgement.declaratie)
    rows = []
    for i, j, p in lines:
        is_rejected = judgement.rejected(i, j)
        codes = (whole or judgement.codes(i, j)) if is_rejected else ()
        rows.append({
            "declaration_id": declaration_id, "message_id": message_id,
            "client_id": clients[i], "gemeente": gemeente, "aanbieder": aanbieder,
            "client_position": i + 1, "position": j + 1,
            "referentie_nummer": p.product_referentie.referentie_nummer,
            "vorig_referentie_nummer": p.product_referentie.vorig_referentie_nummer,
            "toewijzing_nummer": p.toewijzing_nummer,
            "allocation_id": allocations.get(p.toewijzing_nummer),
            "product_categorie": code_value(p.product_categorie), "product_code": p.product_code,
            "period_start": p.product_periode.begindatum,
            "period_end": p.product_periode.einddatum,
            "volume": p.geleverd_volume, "eenheid": code_value(p.eenheid),
            "tarief": p.product_tarief, "amount": p.ingediend_bedrag.bedrag,
            "debet_credit": code_value(p.ingediend_bedrag.debet_credit),
            "approved": not is_rejected,
            "codes": " ".join(c.value for c in codes) or None,
        })
    conn.execute(insert(LINE), rows)
    credits = [{"a": aanbieder, "debet": r["vorig_referentie_nummer"],
                "credit": r["referentie_nummer"]}
               for r in rows if r["approved"] and r["vorig_referentie_nummer"] is not None
               and r["debet_credit"] == DebetCredit.CREDIT.value]
    if credits:
        conn.execute(_MARK_CREDITED, credits)


def store_accepted(conn: Connection, m: Message, message_id: int, gemeente: str,
                   aanbieder: str) -> None:
    """The content of an accepted 301, 305, 307 or 319 (315, 317, 323 have their own call)."""
    if isinstance(m, Jw301):
        store_jw301(conn, m, message_id, gemeente, aanbieder)
    elif isinstance(m, Jw305 | Jw307):
        _care_lines(conn, m, message_id, gemeente, aanbieder,
                    "start" if isinstance(m, Jw305) else "stop")
    elif isinstance(m, Jw319):
        store_jw319(conn, m, message_id, gemeente, aanbieder)
    else:
        raise TypeError(f"no storage for an accepted {m.message_type}")


def header_facts(message: Message) -> dict[str, Any]:
    """Sender, receiver, gemeente, aanbieder and own identification of a message.

    A retour keeps its heenbericht's header, so the physical sender of a
    retour is the header's Ontvanger (IV028).
    """
    h: Any = message.header  # type: ignore[attr-defined]
    gemeente_sends = message.message_type in GEMEENTE_HEADER
    gemeente, aanbieder = (h.afzender, h.ontvanger) if gemeente_sends else (
        h.ontvanger, h.afzender)
    sender, receiver = h.afzender, h.ontvanger
    identificatie = h.bericht_identificatie.identificatie
    dagtekening: date = h.bericht_identificatie.dagtekening
    if message.is_retour():
        sender, receiver = receiver, sender
        identificatie, dagtekening = h.identificatie_retour, h.dagtekening_retour
    return {
        "message_type": message.message_type, "sender": sender, "receiver": receiver,
        "gemeente": gemeente, "aanbieder": aanbieder, "identificatie": identificatie,
        "dagtekening": dagtekening,
    }


def now() -> datetime:
    """The current time, timezone-aware (UTC in the store)."""
    from datetime import UTC

    return datetime.now(UTC)
