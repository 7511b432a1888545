"""Level-2 rules (bericht inhoud): the message on its own. All give retourcode 0001."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from stdnum.nl import bsn as stdnum_bsn

from ijw.errors import Level
from ijw.messages import WITH_BSN, Message
from ijw.messages.r3_2.codelists import (
    RedenAfwijzingVerzoek,
    RedenWijziging,
    RetourCode,
    StatusAanlevering,
    VerzoekAntwoord,
)
from ijw.rules import Hit, Loc, rule

REJECT = RetourCode.R0001


def _client(message: Message) -> Any:
    return getattr(message, "client", None)


def bsn_is_valid(value: str) -> bool:
    """The elfproef (python-stdnum), refusing the all-zero number that passes it trivially.

    A value of nine ASCII digits (what the XSD pattern allows) goes to
    :func:`_elfproef`, stdnum's checksum written out (the tests compare the two);
    anything else through stdnum's full ``is_valid``, which first cleans the input.
    """
    if value == "000000000":
        return False
    if len(value) == 9 and value.isascii() and value.isdigit():
        return _elfproef(value.encode("ascii"))
    return bool(stdnum_bsn.is_valid(value))


#: The elfproef's weights sum to 43; each ASCII digit carries an offset of 48.
_OFFSET = 48 * 43


def _elfproef(d: bytes) -> bool:
    """stdnum's ``checksum(value) == 0`` for nine ASCII digits, without its generic loop."""
    total = (9 * d[0] + 8 * d[1] + 7 * d[2] + 6 * d[3] + 5 * d[4] + 4 * d[5] + 3 * d[6]
             + 2 * d[7] - d[8] - _OFFSET)
    return total % 11 == 0


def _bsns(message: Message) -> Iterator[tuple[Loc, str]]:
    """Each client BSN of ``message`` with its location: the one client, or a 323's many."""
    if message.message_type == "JW323":  # cheaper than asking a model for a missing field
        for i, client in enumerate(message.declaratie.clienten):  # type: ignore[attr-defined]
            yield ("declaratie", "clienten", i, "bsn"), client.bsn
        return
    client = _client(message)
    if client is not None:
        yield ("client", "bsn"), client.bsn


@rule("CS002", REJECT, Level.CONTENT, WITH_BSN)
def cs002_bsn_elfproef(message: Message) -> Iterator[Hit]:
    """Every client's BSN passes the elfproef."""
    for loc, value in _bsns(message):
        if not bsn_is_valid(value):
            yield Hit(loc, "Bsn fails the elfproef (CS002)")


def _ends_before(end: date | None, start: date | None) -> bool:
    return end is not None and start is not None and end < start


@rule("CS003", REJECT, Level.CONTENT, ("JW301", "JW315", "JW317"))
def cs003_end_not_before_start(message: Message) -> Iterator[Hit]:
    """An end date is not before its start date.

    301: ToegewezenProduct and the Periode of each Contact (the client's and each
    Relatie's); 315: AangevraagdProduct; 317: TeWijzigen- and NieuwProduct.
    """
    client = _client(message)
    if message.message_type == "JW301":
        for i, p in enumerate(client.toegewezen_producten):
            if _ends_before(p.einddatum, p.ingangsdatum):
                yield Hit(("client", "toegewezen_producten", i, "einddatum"),
                          "Einddatum lies before Ingangsdatum")
        contacts: list[tuple[Loc, Any]] = [
            (("client", "contactgegevens", i), c) for i, c in enumerate(client.contactgegevens)]
        contacts += [(("client", "relaties", i, "contact"), r.contact)
                     for i, r in enumerate(client.relaties)]
        for loc, contact in contacts:
            period = contact.periode
            if period is not None and _ends_before(period.einddatum, period.begindatum):
                yield Hit((*loc, "periode", "einddatum"), "Einddatum lies before Begindatum")
    elif message.message_type == "JW315":
        for i, p in enumerate(client.aangevraagde_producten):
            if _ends_before(p.toewijzing_einddatum, p.toewijzing_ingangsdatum):
                yield Hit(("client", "aangevraagde_producten", i, "toewijzing_einddatum"),
                          "ToewijzingEinddatum lies before ToewijzingIngangsdatum")
    else:
        verzoek = client.verzoek
        for group in ("te_wijzigen_producten", "nieuwe_producten"):
            for i, p in enumerate(getattr(verzoek, group)):
                if _ends_before(p.einddatum, p.gewenste_ingangsdatum):
                    yield Hit(("client", "verzoek", group, i, "einddatum"),
                              "Einddatum lies before GewensteIngangsdatum")


@rule("TR018", REJECT, Level.CONTENT, ("JW307",))
def tr018_stop_after_start(message: Message) -> Iterator[Hit]:
    """A stop's Einddatum is on or after its Begindatum."""
    for i, p in enumerate(_client(message).stop_producten):
        if p.einddatum < p.begindatum:
            yield Hit(("client", "stop_producten", i, "einddatum"),
                      "Einddatum lies before Begindatum")


@rule("TR383", REJECT, Level.CONTENT, ("JW315",))
def tr383_unique_reference(message: Message) -> Iterator[Hit]:
    """Each AangevraagdProduct has its own ReferentieAanbieder within the message."""
    seen: set[str] = set()
    for i, p in enumerate(_client(message).aangevraagde_producten):
        if p.referentie_aanbieder in seen:
            yield Hit(("client", "aangevraagde_producten", i, "referentie_aanbieder"),
                      "ReferentieAanbieder occurs twice in this message")
        seen.add(p.referentie_aanbieder)


@rule("CS058", REJECT, Level.CONTENT, ("JW305", "JW307"))
def cs058_status_aanlevering(message: Message) -> Iterator[Hit]:
    """StatusAanlevering is 1 (eerste aanlevering) or 3 (verwijderen)."""
    group = "start_producten" if message.message_type == "JW305" else "stop_producten"
    allowed = (StatusAanlevering.EERSTE, StatusAanlevering.VERWIJDEREN)
    for i, p in enumerate(getattr(_client(message), group)):
        if p.status_aanlevering not in allowed:
            yield Hit(("client", group, i, "status_aanlevering"),
                      "StatusAanlevering must be 1 or 3")


@rule("CS335", REJECT, Level.CONTENT, ("JW301",))
def cs335_deletion_is_one_day(message: Message) -> Iterator[Hit]:
    """RedenWijziging 13 (verwijderd) only with Einddatum equal to Ingangsdatum."""
    for i, p in enumerate(_client(message).toegewezen_producten):
        if p.reden_wijziging is RedenWijziging.VERWIJDERD and p.einddatum != p.ingangsdatum:
            yield Hit(("client", "toegewezen_producten", i, "reden_wijziging"),
                      "RedenWijziging 13 needs Einddatum equal to Ingangsdatum")


@rule("CS336", REJECT, Level.CONTENT, ("JW301",))
def cs336_no_obsolete_reason(message: Message) -> Iterator[Hit]:
    """RedenWijziging 01 is obsolete and may not be sent."""
    for i, p in enumerate(_client(message).toegewezen_producten):
        if p.reden_wijziging is RedenWijziging.ADMINISTRATIEVE_CORRECTIE_OUD:
            yield Hit(("client", "toegewezen_producten", i, "reden_wijziging"),
                      "RedenWijziging 01 may not be used")


def _antwoord(message: Message) -> Any:
    return getattr(message, "antwoord", None)


@rule("CD085", REJECT, Level.CONTENT, ("JW319",))
def cd085_reason_for_rejection(message: Message) -> Iterator[Hit]:
    """A rejection (VerzoekAntwoord 1) carries a RedenAfwijzingVerzoek."""
    a = _antwoord(message)
    if a.verzoek_antwoord is VerzoekAntwoord.AFGEWEZEN and a.reden_afwijzing_verzoek is None:
        yield Hit(("antwoord", "verzoek_antwoord"), "RedenAfwijzingVerzoek is required")


@rule("CD086", REJECT, Level.CONTENT, ("JW319",))
def cd086_no_reason_in_onderzoek(message: Message) -> Iterator[Hit]:
    """'In onderzoek' (VerzoekAntwoord 2) carries no RedenAfwijzingVerzoek."""
    a = _antwoord(message)
    if a.verzoek_antwoord is VerzoekAntwoord.IN_ONDERZOEK and a.reden_afwijzing_verzoek:
        yield Hit(("antwoord", "reden_afwijzing_verzoek"),
                  "RedenAfwijzingVerzoek must be empty for 'in onderzoek'")


@rule("TR377", REJECT, Level.CONTENT, ("JW319",))
def tr377_woonplaatsbeginsel_present(message: Message) -> Iterator[Hit]:
    """Rejection on woonplaatsbeginsel (reden 8) names the responsible gemeente."""
    a = _antwoord(message)
    if (a.reden_afwijzing_verzoek is RedenAfwijzingVerzoek.WOONPLAATSBEGINSEL
            and a.woonplaatsbeginsel is None):
        yield Hit(("antwoord", "reden_afwijzing_verzoek"),
                  "reden 8 requires the Woonplaatsbeginsel class")


@rule("TR409", REJECT, Level.CONTENT, ("JW319",))
def tr409_woonplaatsbeginsel_absent(message: Message) -> Iterator[Hit]:
    """Only a rejection on woonplaatsbeginsel (reden 8) carries the Woonplaatsbeginsel class."""
    a = _antwoord(message)
    if (a.woonplaatsbeginsel is not None
            and a.reden_afwijzing_verzoek is not RedenAfwijzingVerzoek.WOONPLAATSBEGINSEL):
        yield Hit(("antwoord", "woonplaatsbeginsel"),
                  "Woonplaatsbeginsel is only allowed with reden 8")
