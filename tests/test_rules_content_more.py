"""The rules of :mod:`ijw.rules.content_more`, and TR101/TR134 outside the 323: edges.

The fixtures (``fixtures/rules/``) import one passing and one failing message
per rule. Here the rules meet their boundaries (exactly 120 years, the
2020-12-31 exemption, touching periods, deleted toewijzingen, equal dates),
the fused pre-check :func:`~ijw.rules.content_more.is_clean` is compared with
the rules it stands in for, and every level-2 rule is fed generated messages
of every type it judges and may not raise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum.nl import bsn as stdnum_bsn

from ijw.errors import Level
from ijw.messages import Message, message_class
from ijw.messages.r3_2.codelists import RetourCode
from ijw.reading import read
from ijw.rules import RULES, content_more
from ijw.rules.content import _elfproef
from ijw.writing import write
from tests.conftest import FIXTURES
from tests.strategies import message_strategy
from tests.synth import Toewijzing, bsn, jw301, jw305, jw307, jw315

DAY = date(2026, 3, 2)
START, END = date(2026, 4, 1), date(2026, 12, 31)
AGB = "99990001"
OMVANG = {"volume": 10, "eenheid": "04", "frequentie": "4"}
TP = "Bericht/Client/ToegewezenProducten/ToegewezenProduct"
AP = "Bericht/Client/AangevraagdeProducten/AangevraagdProduct"
NP = "Bericht/Client/Verzoek/NieuweProducten/NieuwProduct"

#: The rules of content_more, and TR101/TR134 (registered with the 323's).
OURS = sorted(code for code, r in RULES.items() if r.func.__module__ == content_more.__name__)
FAST = [*OURS, "TR101", "TR134"]


def changed(message: Message, **changes: Any) -> Message:
    """``message`` with fields replaced by dotted path (``client.naam.naam_gebruik``)."""
    data = message.model_dump()
    for dotted, value in changes.items():
        *parents, last = dotted.split(".")
        node: Any = data
        for step in parents:
            node = node[int(step)] if step.isdigit() else node[step]
        node[int(last) if last.isdigit() else last] = value
    return type(message).model_validate(data)


def m301(*products: Toewijzing, **changes: Any) -> Message:
    message = jw301(1, AGB, "T1", DAY, list(products) or [Toewijzing(1, START, END, decided=DAY)])
    return changed(message, **changes) if changes else message


def m315(**changes: Any) -> Message:
    return changed(jw315(1, AGB, "V1", DAY, ["R1"], START, END), **changes)


def m317(nieuw: list[dict[str, Any]] | None = None, **verzoek: Any) -> Message:
    body: dict[str, Any] = {"referentie_aanbieder": "W1", "reden_verzoek": "1",
                            "ongewijzigde_producten": [{"toewijzing_nummer": 7}], **verzoek}
    if nieuw is not None:
        body["nieuwe_producten"] = nieuw
    return message_class("JW317").model_validate({
        "header": {"bericht_code": "486", "afzender": AGB, "ontvanger": "0363",
                   "bericht_identificatie": {"identificatie": "W1", "dagtekening": DAY},
                   "xsd_versie": {"basisschema_xsd_versie": "1.0.0",
                                  "bericht_xsd_versie": "1.0.0"}},
        "client": {"bsn": bsn(1), "verzoek": body},
    })


def nieuw(begin: date = START, end: date | None = END, code: str | None = "54001",
          omvang: dict[str, Any] | None = OMVANG) -> dict[str, Any]:
    return {"product": {"categorie": "54", "code": code}, "gewenste_ingangsdatum": begin,
            "einddatum": end, "omvang": omvang}


def level2(message: Message) -> list[tuple[str, str]]:
    """(rule, element path) of every level-2 finding, the message written and read back."""
    result = read(write(message, stamp=False), name="m.xml")
    assert result.message == message
    return [(f.rule or "", f.path or "") for f in result.findings]


@dataclass(frozen=True)
class Edge:
    what: str
    build: Callable[[], Message]
    expected: list[tuple[str, str]]


BORN = "Bericht/Client/Geboortedatum"
EDGES = [
    # TR002 and CS139
    Edge("TR002 exactly 120 years", lambda: m315(**{"client.geboortedatum": {
        "datum": date(1906, 3, 2)}}), []),
    Edge("TR002 a day more", lambda: m315(**{"client.geboortedatum": {
        "datum": date(1906, 3, 1)}}), [("TR002", f"{BORN}/Datum")]),
    Edge("TR002 1900-01-01 unknown", lambda: m315(**{"client.geboortedatum": {
        "datum": date(1900, 1, 1), "datum_gebruik": "3"}}), []),
    Edge("TR002 1900-01-01 known", lambda: m315(**{"client.geboortedatum": {
        "datum": date(1900, 1, 1)}}), [("TR002", f"{BORN}/Datum")]),
    Edge("CS139 month and day unknown on 1 January", lambda: m315(**{"client.geboortedatum": {
        "datum": date(2012, 1, 1), "datum_gebruik": "2"}}), []),
    Edge("CS139 month unknown on 1 March", lambda: m315(**{"client.geboortedatum": {
        "datum": date(2012, 3, 1), "datum_gebruik": "2"}}), [("CS139", f"{BORN}/DatumGebruik")]),
    Edge("CS139 unknown but 1901, which TR002 does not exempt", lambda: m315(**{
        "client.geboortedatum": {"datum": date(1901, 1, 1), "datum_gebruik": "3"}}),
         [("CS139", f"{BORN}/DatumGebruik"), ("TR002", f"{BORN}/Datum")]),
    Edge("TR002 and TR134 on a 305", lambda: changed(
        jw305(1, AGB, "S1", DAY, 7, date(2026, 3, 3)), **{"client.geboortedatum": {
            "datum": date(1900, 6, 1)}}),
         [("TR002", f"{BORN}/Datum"),
          ("TR134", "Bericht/Client/StartProducten/StartProduct[1]/Begindatum")]),
    # TR134 elsewhere
    Edge("TR134 a future Ingangsdatum is no Toewijzingsdatum", lambda: m301(
        Toewijzing(1, date(2026, 9, 1), END, decided=DAY)), []),
    Edge("TR134 Toewijzingsdatum after the Dagtekening", lambda: m301(
        Toewijzing(1, START, END, decided=date(2026, 3, 3))),
         [("TR134", f"{TP}[1]/Toewijzingsdatum")]),
    Edge("TR134 a stop ending after the Dagtekening", lambda: jw307(
        1, AGB, "E1", DAY, 7, date(2026, 2, 1), date(2026, 3, 3)),
         [("TR134", "Bericht/Client/StopProducten/StopProduct[1]/Einddatum")]),
    # TR101 outside the 323
    Edge("TR101 a 305 deleting and re-adding one key", lambda: changed(
        jw305(1, AGB, "S1", DAY, 7, date(2026, 2, 1), "3"), **{"client.start_producten": [
            {"toewijzing_nummer": 7, "product": {"categorie": "54", "code": "54001"},
             "begindatum": date(2026, 2, 1), "status_aanlevering": s} for s in ("3", "1")]}),
         [("TR101", "Bericht/Client/StartProducten/StartProduct[2]")]),
    Edge("TR101 a 307: two reasons are two keys", lambda: changed(
        jw307(1, AGB, "E1", DAY, 7, date(2026, 2, 1), date(2026, 2, 28)),
        **{"client.stop_producten": [
            {"toewijzing_nummer": 7, "begindatum": date(2026, 2, 1), "reden_beeindiging": r,
             "einddatum": date(2026, 2, 28), "status_aanlevering": "1"} for r in ("20", "31")]}),
         []),
    Edge("TR101 a 301 with one ToewijzingNummer twice (and so TR302)", lambda: m301(
        Toewijzing(1, START, END, decided=DAY), Toewijzing(1, START, END, decided=DAY)),
         [("TR101", f"{TP}[2]/ToewijzingNummer"), ("TR302", f"{TP}[2]")]),
    Edge("TR101 a 317 keeping one number twice", lambda: m317(
        ongewijzigde_producten=[{"toewijzing_nummer": 7}, {"toewijzing_nummer": 7}],
        nieuwe_producten=[nieuw()]),
         [("TR101", "Bericht/Client/Verzoek/OngewijzigdeProducten/OngewijzigdProduct[2]/"
                    "ToewijzingNummer")]),
    # TR302
    Edge("TR302 touching periods overlap", lambda: m301(
        Toewijzing(1, START, date(2026, 6, 30), decided=DAY),
        Toewijzing(2, date(2026, 6, 30), END, decided=DAY)), [("TR302", f"{TP}[2]")]),
    Edge("TR302 a deleted toewijzing does not count", lambda: m301(
        Toewijzing(1, START, START, decided=DAY, reden="13"),
        Toewijzing(2, START, END, decided=DAY)), []),
    Edge("TR302 a generic toewijzing overlaps any product", lambda: m301(
        Toewijzing(1, START, END, decided=DAY),
        Toewijzing(2, START, END, product=None, decided=DAY)), [("TR302", f"{TP}[2]")]),
    Edge("TR302 another category does not", lambda: m301(
        Toewijzing(1, START, END, decided=DAY),
        Toewijzing(2, START, END, product=("45", "45A03"), decided=DAY)), []),
    # the 2020-12-31 exemption
    Edge("CD080 an aspecific Omvang ended in 2020", lambda: m301(
        Toewijzing(1, date(2020, 1, 1), date(2020, 12, 31), decided=DAY),
        **{"client.toegewezen_producten.0.product": {"categorie": "54"}}), []),
    Edge("CD080 the same, open-ended", lambda: m301(
        Toewijzing(1, date(2020, 1, 1), None, decided=DAY),
        **{"client.toegewezen_producten.0.product": {"categorie": "54"}}),
         [("CD080", f"{TP}[1]/Omvang")]),
    Edge("CS338 per day allowed until 2020-12-31", lambda: m301(
        Toewijzing(1, date(2020, 1, 1), date(2020, 12, 31), decided=DAY),
        **{"client.toegewezen_producten.0.omvang": {**OMVANG, "eenheid": "14",
                                                   "frequentie": "1"}}), []),
    # the 301's contacts and names
    Edge("CS089 lower-case letters are Dutch", lambda: m301(**{
        "client.contactgegevens.0.adres.postcode": "1000aa"}), []),
    Edge("CS089 a space is not", lambda: m301(**{
        "client.contactgegevens.0.adres.postcode": "1000 AA"}),
         [("CS089", "Bericht/Client/Contactgegevens/Contact[1]/Adres/Postcode")]),
    Edge("CS050 and CS318 NaamGebruik 6 with a Partnernaam", lambda: m301(**{
        "client.naam.naam_gebruik": "6", "client.naam.partnernaam": {"achternaam": "P"}}),
         [("CS050", "Bericht/Client/Naam/NaamGebruik"),
          ("CS318", "Bericht/Client/Naam/NaamGebruik")]),
    Edge("CS003 a Contact's Periode ending before it begins", lambda: m301(**{
        "client.contactgegevens": [
            {"soort": "01", "adres": {"huis": {"huisnummer": 1}, "postcode": "1000AA",
                                      "land_code": "NL"}},
            {"soort": "04", "telefoon": {"telefoon01": {"telefoonnummer": "0201234567",
                                                        "landnummer": "0031"}},
             "periode": {"begindatum": date(2026, 2, 1), "einddatum": date(2026, 1, 31)}}]}),
         [("CS003", "Bericht/Client/Contactgegevens/Contact[2]/Periode/Einddatum")]),
    # the 315's verwijzer
    Edge("CD067 and CD068 do not judge a Naam of type 01", lambda: m315(**{
        "client.aangevraagde_producten.0.verwijzer": {"type": "01", "naam": "Wijkteam"}}), []),
    Edge("CD066 and CD067 a medisch specialist (05) by AGB code only", lambda: m315(**{
        "client.aangevraagde_producten.0.verwijzer": {"type": "05",
                                                      "zorgverlener_code": "01999999"}}), []),
    # the 317
    Edge("TR380 a NieuwProduct from the Dagtekening", lambda: m317([nieuw(DAY)]),
         [("TR380", f"{NP}[1]/GewensteIngangsdatum")]),
    Edge("TR380 and a day later", lambda: m317([nieuw(date(2026, 3, 3))]), []),
    Edge("TR410 an aspecific NieuwProduct overlaps a specific one", lambda: m317(
        [nieuw(), nieuw(date(2026, 6, 1), code=None, omvang=None)]), [("TR410", f"{NP}[2]")]),
    Edge("CD075 and CS338 on a TeWijzigenProduct", lambda: m317(
        te_wijzigen_producten=[{"toewijzing_nummer": 8, "gewenste_ingangsdatum": START,
                                "budget": 5000}, {"toewijzing_nummer": 9,
                                                  "gewenste_ingangsdatum": START,
                                                  "omvang": {**OMVANG, "eenheid": "16",
                                                             "frequentie": "1"}}]),
         [("CD075", "Bericht/Client/Verzoek/TeWijzigenProducten/TeWijzigenProduct[1]/Budget"),
          ("CS338", "Bericht/Client/Verzoek/TeWijzigenProducten/TeWijzigenProduct[2]/Omvang/"
                    "Frequentie")]),
]


@pytest.mark.parametrize("edge", EDGES, ids=lambda e: e.what)
def test_edge(edge: Edge) -> None:
    assert sorted(level2(edge.build())) == sorted(edge.expected)


def test_registry_lines() -> None:
    assert len(OURS) == 33
    for code in OURS:
        found = RULES[code]
        assert (found.retourcode, found.level) == (RetourCode.R0001, Level.CONTENT), code
        assert found.func.__wrapped__, code  # type: ignore[attr-defined]
    assert RULES["CD041"].messages == frozenset({"JW301", "JW315", "JW317"})
    assert RULES["TR002"].messages == frozenset({"JW301", "JW305", "JW307", "JW315"})
    assert RULES["CS338"].messages == frozenset({"JW301", "JW317"})


# -- the fused pre-check against the rules ----------------------------------------------------


def _hits_behind(message: Message) -> list[str]:
    """The rules behind the pre-check that find something in ``message``, asked directly."""
    out = []
    for code in FAST:
        found = RULES[code]
        behind = found.func.__wrapped__  # type: ignore[attr-defined]
        if message.message_type in found.messages and list(behind(message)):
            out.append(code)
    return out


def _fixture_messages() -> list[Message]:
    out = []
    for path in sorted((FIXTURES / "rules").glob("*/*/*.xml")):
        result = read(path, content_checks=False)
        if result.message is not None:
            out.append(result.message)
    return out


def test_a_clean_verdict_never_hides_a_hit_in_the_fixtures() -> None:
    """Every fixture message (many of them one rule away from clean) is judged alike."""
    messages = _fixture_messages()
    clean = [m for m in messages if content_more.is_clean(m)]
    assert len(clean) > 50  # the pre-check does take the common messages
    for message in clean:
        assert _hits_behind(message) == []
    for message in messages:
        if _hits_behind(message):
            assert not content_more.is_clean(message)


def test_the_common_messages_are_clean() -> None:
    for message in (m301(), m315(), m317([nieuw()]),
                    jw305(1, AGB, "S1", DAY, 7, date(2026, 2, 1)),
                    jw307(1, AGB, "E1", DAY, 7, date(2026, 2, 1), date(2026, 2, 28))):
        assert content_more.is_clean(message), message.message_type


TYPES = ["JW301", "JW305", "JW307", "JW315", "JW317", "JW319"]


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data(), kind=st.sampled_from(TYPES))
def test_no_rule_raises_and_clean_means_clean(data: st.DataObject, kind: str) -> None:
    """Every level-2 rule for the type runs on a generated message without raising, and a
    clean verdict finds nothing behind it."""
    message = data.draw(message_strategy(message_class(kind)))
    for found in RULES.values():
        if found.level is Level.CONTENT and kind in found.messages:
            for hit in found.check(message):
                assert hit.text and hit.loc
    if content_more.is_clean(message):
        assert _hits_behind(message) == []


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_the_written_out_elfproef_is_stdnums(value: str) -> None:
    assert _elfproef(value.encode()) == (stdnum_bsn.checksum(value) == 0)


def test_fixture_folders_exist_for_every_rule_here() -> None:
    for code in OURS:
        assert Path(FIXTURES / "rules" / code / "pass").is_dir(), code
