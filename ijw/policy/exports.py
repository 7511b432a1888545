"""Messages the continuity policy makes: JW301 year-end changes and JW319 SPIC-lock rejections.

The JW301 export (:func:`export_year_end_301s`)
    Every eligible product under the pack's legacy regime (``spic_2024``) that
    runs past the continuity year gets its Einddatum set to the year's last day
    with RedenWijziging 03 (contractwijziging). One 301 per client and provider
    carrying *all* their actual toewijzingen (OP087): the changed ones with a new
    Toewijzingsdatum/-tijd, the others re-sent unchanged (same datum/tijd, no
    RedenWijziging). ReferentieAanbieder stays empty: it belongs only on the
    first 301 after a verzoek (TR379, IV097). The client's personal data is
    copied from the latest 301 we sent for that pair. Every file validates
    against our JW301 schema and content rules. They are written for the
    municipality to send, not registered: the store learns about them when the
    sent 301s are imported. File names and Identificatie derive from the
    content's key (pack, client, provider, numbers), so a second run writes
    nothing new.

The SPIC lock (:func:`answer_locked_317s`)
    Under the legacy regime the product of a running trajectory cannot be
    changed through the message traffic during the continuity year. An accepted
    JW317 dated in that year that would change it (a TeWijzigenProduct on a
    legacy-regime ToewijzingNummer, or a NieuwProduct of another product for the
    same client and provider) and that is not answered yet, gets a JW319 with
    VerzoekAntwoord 1 and RedenAfwijzingVerzoek **4, "past niet in het
    contract"**: the provider *has* an arrangement for this trajectory (so not 3,
    "geen contract"), but the change does not fit that arrangement, which fixes
    the SPIC for the year. The 319 is stored as sent (message and answer rows,
    closing the verzoek for TR374) and written to the outbox after the commit.
"""

from __future__ import annotations

import base64
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, and_, exists, select, update

from ijw.errors import InvalidMessageError
from ijw.messages import Message, message_class
from ijw.messages.r3_2.antwoord import Jw319
from ijw.policy.decisions import ALLOCATION, CLIENT, CONTINUED, MESSAGE
from ijw.policy.pack import LoadedPack
from ijw.reading import read
from ijw.rules import content_findings
from ijw.store import persist
from ijw.store.schema import AllocationVersion, Answer, ChangeRequest, ChangeRequestLine, table_of
from ijw.toewijzing import is_deleted
from ijw.writing import write, write_new_file

ANSWER = table_of(Answer)
CHANGE = table_of(ChangeRequest)
CHANGE_LINE = table_of(ChangeRequestLine)
VERSION = table_of(AllocationVersion)

#: JZ002 contractwijziging.
CONTRACTWIJZIGING = "03"
#: WJ760 verzoek afgewezen; WJ759 past niet in het contract.
AFGEWEZEN = "1"
PAST_NIET_IN_CONTRACT = "4"
#: Placeholder XsdVersie; :func:`ijw.writing.write` stamps the schema's own.
_VERSIE = {"basisschema_xsd_versie": "1.0.0", "bericht_xsd_versie": "1.0.0"}
def identificatie(*parts: object) -> str:
    """A deterministic 12-character BerichtIdentificatie for the key ``parts``."""
    digest = hashlib.sha256(":".join(str(p) for p in parts).encode()).digest()
    return base64.b32encode(digest).decode("ascii")[:12]


def _header(kind: str, gemeente: str, aanbieder: str, ident: str, day: date,
            versie: Any = None) -> dict[str, Any]:
    return {"bericht_code": message_class(kind).code, "afzender": gemeente,
            "ontvanger": aanbieder,
            "bericht_identificatie": {"identificatie": ident, "dagtekening": day},
            "xsd_versie": versie or _VERSIE}


def _checked_bytes(message: Message) -> bytes:
    """The message's XML; raises when it fails our schema or content rules."""
    findings = list(content_findings(message))
    if findings:
        raise InvalidMessageError(findings)
    return write(message)


def _write_once(path: Path, data: bytes) -> None:
    if not path.exists():
        write_new_file(path, data)


# --------------------------------------------------------------------------- the 301 export


def _actual(row: Any, day: date) -> bool:
    """Brief 6.3: an actual toewijzing on ``day`` (not deleted, not ended before it)."""
    if is_deleted(row):
        return False
    return row.einddatum is None or row.einddatum >= day or row.ingangsdatum > day


def _product(row: Any, *, change: bool, year_end: date, today: date, at: time
             ) -> dict[str, Any]:
    omvang = None
    if row.volume is not None and row.eenheid is not None and row.frequentie is not None:
        omvang = {"volume": row.volume, "eenheid": row.eenheid, "frequentie": row.frequentie}
    return {
        "toewijzing_nummer": row.toewijzing_nummer,
        "product": ({"categorie": row.product_categorie, "code": row.product_code}
                    if row.product_categorie else None),
        "toewijzingsdatum": today if change else row.toewijzingsdatum,
        "toewijzingstijd": at if change else row.toewijzingstijd,
        "ingangsdatum": row.ingangsdatum,
        "einddatum": year_end if change else row.einddatum,
        "reden_wijziging": CONTRACTWIJZIGING if change else None,
        "omvang": omvang,
        "budget": row.budget,
    }


@dataclass(frozen=True, slots=True)
class _Party:
    client_id: int
    aanbieder: str
    bsn: str


def _parties_query(loaded: LoadedPack) -> Any:
    """Each (client, provider) with a legacy product to end: all their allocations, flagged."""
    info = loaded.info
    k = CONTINUED
    to_end = and_(k.c.pack_id == info.id, k.c.gemeente == info.gemeente,
                  k.c.regime == info.legacy_regime, k.c.transfer_next_year.is_(True))
    parties = select(k.c.client_id, k.c.aanbieder).where(to_end).distinct().subquery()
    ending = select(k.c.allocation_id).where(to_end).subquery()
    a = ALLOCATION
    return (
        select(a, CLIENT.c.bsn, MESSAGE.c.dagtekening.label("message_date"),
               a.c.id.in_(select(ending.c.allocation_id)).label("to_end"))
        .join(parties, and_(parties.c.client_id == a.c.client_id,
                            parties.c.aanbieder == a.c.aanbieder))
        .join(CLIENT, CLIENT.c.id == a.c.client_id)
        .join(MESSAGE, MESSAGE.c.id == a.c.message_id)
        .where(a.c.gemeente == info.gemeente)
        .order_by(a.c.aanbieder, a.c.client_id, a.c.toewijzing_nummer)
    )


def _latest_301(conn: Connection, message_ids: Iterable[int]) -> dict[int, Message]:
    rows = conn.execute(select(MESSAGE.c.id, MESSAGE.c.raw_xml)
                        .where(MESSAGE.c.id.in_(list(message_ids))))
    out: dict[int, Message] = {}
    for row in rows:
        result = read(bytes(row.raw_xml), name=f"message {row.id}", content_checks=False)
        if result.message is not None:
            out[row.id] = result.message
    return out


def export_year_end_301s(engine: Engine, loaded: LoadedPack, outbox: Path, *, today: date,
                         at: time) -> list[Path]:
    """Write the JW301s that end legacy-regime products on the year's last day."""
    info = loaded.info
    groups: dict[_Party, list[Any]] = defaultdict(list)
    with engine.connect() as conn:
        for row in conn.execute(_parties_query(loaded)):
            groups[_Party(row.client_id, row.aanbieder, row.bsn)].append(row)
        latest = {party: max(rows, key=lambda r: (r.message_date, r.message_id)).message_id
                  for party, rows in groups.items()}
        bases = _latest_301(conn, set(latest.values()))
    outbox.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for party, rows in groups.items():
        changed = {r.toewijzing_nummer for r in rows
                   if r.to_end and r.ingangsdatum <= info.year_end}
        if not changed:
            continue
        base = bases.get(latest[party])
        if base is None:
            continue
        ident = identificatie("301-year-end", info.id, info.gemeente, party.aanbieder, party.bsn,
                              *sorted(changed), info.year_end)
        products = [
            _product(r, change=r.toewijzing_nummer in changed, year_end=info.year_end,
                     today=today, at=at)
            for r in rows if r.toewijzing_nummer in changed or _actual(r, today)
        ]
        client = base.client.model_dump(exclude={"toegewezen_producten"})  # type: ignore[attr-defined]
        message = message_class("JW301").model_validate({
            "header": _header("JW301", info.gemeente, party.aanbieder, ident, today,
                              base.header.xsd_versie.model_dump()),  # type: ignore[attr-defined]
            "client": {**client, "toegewezen_producten": products},
        })
        path = outbox / f"JW301_{info.gemeente}_{party.aanbieder}_{ident}.xml"
        _write_once(path, _checked_bytes(message))
        paths.append(path)
    return paths


# --------------------------------------------------------------------------- the SPIC lock


def _same_product(a: tuple[str | None, str | None], b: tuple[str | None, str | None]) -> bool:
    """OP259: the same Code when Code is filled, else the same Categorie."""
    if a[1] is not None or b[1] is not None:
        return a[1] == b[1] and a[0] == b[0]
    return a[0] == b[0]


def locked(lines: Sequence[Any], legacy: dict[int, tuple[str | None, str | None]]) -> bool:
    """Would this verzoek change the product of a legacy-regime allocation?

    ``legacy`` maps the client's legacy-regime ToewijzingNummers at this provider
    to their product (categorie, code).
    """
    for line in lines:
        if line.kind == "te_wijzigen" and line.toewijzing_nummer in legacy:
            return True
        if line.kind == "nieuw":
            wanted = (line.product_categorie, line.product_code)
            if not any(_same_product(wanted, p) for p in legacy.values()):
                return True
    return False


def _requests_query(loaded: LoadedPack) -> Any:
    info = loaded.info
    c, k = CHANGE, CONTINUED
    answered = exists().where(ANSWER.c.gemeente == c.c.gemeente,
                              ANSWER.c.aanbieder == c.c.aanbieder,
                              ANSWER.c.referentie_aanbieder == c.c.referentie_aanbieder,
                              ANSWER.c.verzoek_antwoord == AFGEWEZEN)
    honoured = exists().where(ALLOCATION.c.gemeente == c.c.gemeente,
                              ALLOCATION.c.aanbieder == c.c.aanbieder,
                              ALLOCATION.c.client_id == c.c.client_id,
                              VERSION.c.allocation_id == ALLOCATION.c.id,
                              VERSION.c.referentie_aanbieder == c.c.referentie_aanbieder)
    has_legacy = exists().where(k.c.pack_id == info.id, k.c.gemeente == info.gemeente,
                                k.c.regime == info.legacy_regime,
                                k.c.client_id == c.c.client_id, k.c.aanbieder == c.c.aanbieder)
    return (
        select(c.c.id, c.c.message_id, c.c.client_id, c.c.aanbieder, c.c.referentie_aanbieder,
               CHANGE_LINE.c.kind, CHANGE_LINE.c.toewijzing_nummer,
               CHANGE_LINE.c.product_categorie, CHANGE_LINE.c.product_code)
        .join(CHANGE_LINE, CHANGE_LINE.c.change_request_id == c.c.id)
        .where(c.c.gemeente == info.gemeente, c.c.accepted.is_(True),
               c.c.dagtekening >= info.year_start, c.c.dagtekening <= info.year_end,
               has_legacy, ~answered, ~honoured)
        .order_by(c.c.id, CHANGE_LINE.c.position)
    )


def _legacy_products(conn: Connection, loaded: LoadedPack
                     ) -> dict[tuple[int, str], dict[int, tuple[str | None, str | None]]]:
    info = loaded.info
    k = CONTINUED
    out: dict[tuple[int, str], dict[int, tuple[str | None, str | None]]] = defaultdict(dict)
    rows = conn.execute(
        select(k.c.client_id, k.c.aanbieder, k.c.toewijzing_nummer, k.c.product_categorie,
               k.c.product_code)
        .where(k.c.pack_id == info.id, k.c.gemeente == info.gemeente,
               k.c.regime == info.legacy_regime))
    for row in rows:
        out[(row.client_id, row.aanbieder)][row.toewijzing_nummer] = (
            row.product_categorie, row.product_code)
    return out


def _flush(engine: Engine, outbox: Path) -> None:
    """Write every JW319 we stored but did not write yet (after a crash), then mark it."""
    with engine.begin() as conn:
        pending = conn.execute(
            select(MESSAGE.c.id, MESSAGE.c.outbox_file, MESSAGE.c.raw_xml)
            .where(MESSAGE.c.message_type == "JW319", MESSAGE.c.direction == "out",
                   MESSAGE.c.outbox_file.is_not(None), MESSAGE.c.outbox_written.is_(False))
            .order_by(MESSAGE.c.id)).all()
        for row in pending:
            _write_once(outbox / row.outbox_file, bytes(row.raw_xml))
            conn.execute(update(MESSAGE).where(MESSAGE.c.id == row.id)
                         .values(outbox_written=True))


def answer_locked_317s(engine: Engine, loaded: LoadedPack, outbox: Path, *, today: date
                       ) -> list[Path]:
    """Reject every open JW317 that would change a legacy-regime product; returns the 319 files."""
    info = loaded.info
    outbox.mkdir(parents=True, exist_ok=True)
    _flush(engine, outbox)
    paths: list[Path] = []
    with engine.begin() as conn:
        legacy = _legacy_products(conn, loaded)
        verzoeken: dict[int, list[Any]] = defaultdict(list)
        for row in conn.execute(_requests_query(loaded)):
            verzoeken[row.id].append(row)
        for lines in verzoeken.values():
            first = lines[0]
            if not locked(lines, legacy.get((first.client_id, first.aanbieder), {})):
                continue
            ident = identificatie("319-spic-lock", info.gemeente, first.aanbieder,
                                  first.referentie_aanbieder)
            message = Jw319.model_validate({
                "header": _header("JW319", info.gemeente, first.aanbieder, ident, today),
                "antwoord": {"referentie_aanbieder": first.referentie_aanbieder,
                             "verzoek_antwoord": AFGEWEZEN,
                             "reden_afwijzing_verzoek": PAST_NIET_IN_CONTRACT},
            })
            data = _checked_bytes(message)
            name = f"JW319_{info.gemeente}_{first.aanbieder}_{ident}.xml"
            stamp = persist.now()
            message_id = persist.insert_message(
                conn, message_type="JW319", direction="out", sender=info.gemeente,
                receiver=first.aanbieder, gemeente=info.gemeente, aanbieder=first.aanbieder,
                identificatie=ident, dagtekening=today,
                sha256=hashlib.sha256(data).hexdigest(), file_name=name, received_at=stamp,
                imported_at=stamp, outcome="registered", answers_id=first.message_id,
                raw_xml=data, outbox_file=name, outbox_written=False,
            )
            persist.store_jw319(conn, message, message_id, info.gemeente, first.aanbieder)
            paths.append(outbox / name)
    _flush(engine, outbox)
    return paths
