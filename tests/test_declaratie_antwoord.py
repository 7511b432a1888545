"""The JW325 declaratie-antwoord: how findings become its classes, its totals, and its files."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from sqlalchemy import create_engine, select

from ijw import api
from ijw.declaratie_antwoord import approved_total, build_jw325, judge, signed
from ijw.errors import Level
from ijw.messages.r3_2.codelists import DebetCredit, RetourCode
from ijw.messages.r3_2.declaratie import Jw323, Jw325
from ijw.retours import class_codes
from ijw.rules import Loc
from ijw.store.schema import Declaration, DeclarationLine
from ijw.writing import write
from tests import synth
from tests.conftest import GOLDEN, OUR_SCHEMAS

A = synth.AANBIEDERS[0]
TODAY = date(2026, 6, 1)
SHA = "ab" * 32
CROSS = Level.CROSS_MESSAGE


def _declaratie() -> Jw323:
    """Two clients: client 1 with a debet of 500 and a credit of 200, client 2 with 300."""
    message = synth.jw323(A, "D-1", date(2026, 4, 3), [
        synth.Prestatie("RN1", 1001, client=1, volume=10, tarief=5_000),
        synth.Prestatie("RN2", 1002, client=1, volume=4, tarief=5_000, credit=True,
                        vorig="RN0"),
        synth.Prestatie("RN3", 1003, client=2, volume=6, tarief=5_000),
    ])
    assert isinstance(message, Jw323)
    return message


def _prestatie(client: int, prestatie: int) -> Loc:
    return ("declaratie", "clienten", client, "prestaties", prestatie, "product_periode")


def _build(findings: list[tuple[Level, RetourCode, Loc]]) -> Jw325:
    return build_jw325(_declaratie(), findings, declaratie_sha256=SHA, today=TODAY)


def _codes(answer: Jw325) -> list[tuple[str, str]]:
    return [(path, code) for path, _, code in class_codes(answer)]


def _toegekend(answer: Jw325) -> int:
    assert answer.declaratie_antwoord is not None
    total = answer.declaratie_antwoord.totaal_toegekend_bedrag
    return signed(total.totaal_bedrag, total.debet_credit)


def test_a_clean_declaratie_is_approved_in_full() -> None:
    answer = _build([])
    assert _codes(answer) == [("Header", "0200"), ("DeclaratieAntwoord", "8001")]
    assert _toegekend(answer) == 50_000 - 20_000 + 30_000
    header = answer.header
    declaratie = _declaratie()
    # The 325 is the gemeente's own message naming the 323 it answers (TR371).
    assert (header.afzender, header.ontvanger) == (declaratie.header.ontvanger, A)
    assert header.declaratie_identificatie == declaratie.header.bericht_identificatie
    assert header.xsd_versie_declaratie == declaratie.header.xsd_versie
    assert header.bericht_identificatie.dagtekening == TODAY
    assert header.bericht_identificatie.identificatie != declaratie.header.bericht_identificatie


def test_a_rejected_prestatie_is_the_only_one_listed_and_the_total_drops_by_it() -> None:
    answer = _build([(CROSS, RetourCode.R9307, _prestatie(1, 0))])
    assert _codes(answer) == [
        ("Header", "0200"), ("DeclaratieAntwoord", "0200"),
        ("DeclaratieAntwoord/Client[1]", "0200"),
        ("DeclaratieAntwoord/Client[1]/Prestatie[1]", "9307"),
    ]
    assert answer.declaratie_antwoord is not None
    listed = answer.declaratie_antwoord.clienten[0]
    assert listed.bsn == synth.bsn(2)
    assert listed.prestaties[0].product_referentie.referentie_nummer == "RN3"
    assert _toegekend(answer) == (50_000 - 20_000 + 30_000) - 30_000


def test_rejecting_a_credit_raises_the_approved_total() -> None:
    answer = _build([(CROSS, RetourCode.R8017, _prestatie(0, 1))])
    assert _toegekend(answer) == 50_000 + 30_000
    assert answer.declaratie_antwoord is not None
    listed = answer.declaratie_antwoord.clienten[0].prestaties
    assert [p.ingediend_bedrag.debet_credit for p in listed] == [DebetCredit.CREDIT]


def test_a_client_finding_rejects_its_prestaties_as_not_assessed() -> None:
    answer = _build([(CROSS, RetourCode.R8187, ("declaratie", "clienten", 0, "bsn"))])
    assert _codes(answer) == [
        ("Header", "0200"), ("DeclaratieAntwoord", "0200"),
        ("DeclaratieAntwoord/Client[1]", "8187"),
        ("DeclaratieAntwoord/Client[1]/Prestatie[1]", "0233"),
        ("DeclaratieAntwoord/Client[1]/Prestatie[2]", "0233"),
    ]
    assert _toegekend(answer) == 30_000


def test_a_declaratie_finding_grants_nothing() -> None:
    answer = _build([(CROSS, RetourCode.R8214, ("declaratie", "declaratie_periode"))])
    # Not assessed, so nothing listed (TR342): the declaratie counts as not sent.
    assert _codes(answer) == [("Header", "0200"), ("DeclaratieAntwoord", "8214")]
    assert _toegekend(answer) == 0
    assert answer.declaratie_antwoord is not None
    total = answer.declaratie_antwoord.totaal_toegekend_bedrag
    assert total.debet_credit is DebetCredit.DEBET  # zero is written as a debet (CS325)


@pytest.mark.parametrize(("level", "loc", "code", "expected"), [
    (Level.CONTENT, ("declaratie", "totaal_ingediend_bedrag"), RetourCode.R0001, "0001"),
    (CROSS, ("header", "bericht_identificatie", "identificatie"), RetourCode.R9056, "9056"),
    (Level.EXTERNAL, ("header", "bericht_identificatie", "dagtekening"), RetourCode.R8848,
     "8848"),
])
def test_a_content_or_header_finding_gives_a_header_only_answer(
        level: Level, loc: Loc, code: RetourCode, expected: str) -> None:
    answer = _build([(level, code, loc), (CROSS, RetourCode.R9307, _prestatie(0, 0))])
    assert _codes(answer) == [("Header", expected)]
    assert answer.declaratie_antwoord is None


def test_the_identificatie_follows_the_bytes() -> None:
    one = build_jw325(_declaratie(), [], declaratie_sha256=SHA, today=TODAY)
    two = build_jw325(_declaratie(), [], declaratie_sha256=SHA, today=date(2026, 6, 2))
    other = build_jw325(_declaratie(), [], declaratie_sha256="cd" * 32, today=TODAY)
    ident = one.header.bericht_identificatie.identificatie
    assert ident == two.header.bericht_identificatie.identificatie
    assert ident != other.header.bericht_identificatie.identificatie
    assert len(ident) == 12


_POSITIONS = [(0, 0), (0, 1), (1, 0)]
_CODES = [RetourCode.R9307, RetourCode.R9338, RetourCode.R8017, RetourCode.R9389]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(_POSITIONS), st.sampled_from(_CODES)), max_size=5),
       st.sets(st.sampled_from([0, 1])))
def test_the_listed_prestaties_always_account_for_the_difference(
        hits: list[tuple[tuple[int, int], RetourCode]], clients: set[int]) -> None:
    """TR342: listed prestaties sum to TotaalIngediend minus TotaalToegekend, whatever failed."""
    findings: list[tuple[Level, RetourCode, Loc]] = [
        (CROSS, code, _prestatie(i, j)) for (i, j), code in hits]
    findings += [(CROSS, RetourCode.R8187, ("declaratie", "clienten", i, "bsn"))
                 for i in sorted(clients)]
    declaratie = _declaratie()
    answer = build_jw325(declaratie, findings, declaratie_sha256=SHA, today=TODAY)
    assert answer.declaratie_antwoord is not None
    listed = sum(signed(p.ingediend_bedrag.bedrag, p.ingediend_bedrag.debet_credit)
                 for c in answer.declaratie_antwoord.clienten for p in c.prestaties)
    ingediend = declaratie.declaratie.totaal_ingediend_bedrag
    assert listed == signed(ingediend.totaal_bedrag, ingediend.debet_credit) - _toegekend(answer)
    assert _toegekend(answer) == approved_total(declaratie, judge(findings))
    rejected = {(i, j) for (i, j), _ in hits} | {p for p in _POSITIONS if p[0] in clients}
    assert sum(len(c.prestaties) for c in answer.declaratie_antwoord.clienten) == len(rejected)
    assert write(answer)  # validates against our schema


def _official_325(official_xsd_dir: Path) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(official_xsd_dir / "JW325.xsd")))


@pytest.mark.shared
def test_every_golden_325_validates_against_our_and_the_official_schema(
        official_xsd_dir: Path) -> None:
    official = _official_325(official_xsd_dir)
    ours = api.schema_set(OUR_SCHEMAS).validator(Jw325.namespace)
    found = 0
    for path in sorted((GOLDEN / "retours").glob("*.xml")):
        root = etree.parse(str(path)).getroot()
        if etree.QName(root).namespace != Jw325.namespace:
            continue
        found += 1
        assert ours.validate(root), (path.name, ours.error_log)
        assert official.validate(root), (path.name, official.error_log)
    assert found >= 2


def _import(inbox: Path, tmp_path: Path) -> Any:
    return api.import_paths([inbox], gemeente=synth.GEMEENTE, outbox=tmp_path / "outbox",
                            database_url=f"sqlite:///{tmp_path / 'ijw.db'}", today=TODAY)


@pytest.mark.shared
def test_an_imported_323_gets_one_325_that_the_official_schema_accepts(
        official_xsd_dir: Path, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    toewijzing = synth.jw301(1, A, "T-1", date(2026, 1, 5), [
        synth.Toewijzing(1001, date(2026, 1, 1), date(2026, 12, 31),
                         decided=date(2026, 1, 5))])
    declaratie = synth.jw323(A, "D-1", date(2026, 4, 3), [synth.Prestatie("RN1", 1001)])
    (inbox / "01-jw301.xml").write_bytes(write(toewijzing, stamp=False))
    (inbox / "02-jw323.xml").write_bytes(write(declaratie, stamp=False))
    summary = _import(inbox, tmp_path)
    outcome = {Path(f.file).name: f for f in summary.files}["02-jw323.xml"]
    assert outcome.outcome == "accepted", [f.rule for f in outcome.findings]
    assert outcome.retour_file is not None and outcome.retour_file.startswith("JW325_0363_")
    written = tmp_path / "outbox" / outcome.retour_file
    assert _official_325(official_xsd_dir).validate(etree.parse(str(written)))
    answer = api.parse(written)
    assert isinstance(answer, Jw325)
    assert answer.header.declaratie_identificatie.identificatie == "D-1"
    # Stored with the 323, and a second run writes nothing again.
    engine = create_engine(f"sqlite:///{tmp_path / 'ijw.db'}")
    with engine.connect() as conn:
        declarations = conn.execute(select(Declaration.__table__)).all()
        lines = conn.execute(select(DeclarationLine.__table__)).all()
    engine.dispose()
    assert [(d.outcome, d.submitted_amount, d.approved_amount) for d in declarations] == [
        ("approved", 50_000, 50_000)]
    assert [(line.referentie_nummer, line.approved, line.codes) for line in lines] == [
        ("RN1", True, None)]
    again = _import(inbox, tmp_path)
    assert {f.outcome for f in again.files} == {"skipped"} and again.retours_written == 0
    assert sorted(p.name for p in (tmp_path / "outbox").iterdir()) == [outcome.retour_file]
