"""The product code list (``ijw.codelists.products``) and TR381 on every message type."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from ijw import api
from ijw.codelists.products import LIST_ENV, Product, ProductList
from ijw.errors import ConfigurationError
from ijw.messages import Message, message_class
from ijw.retours import class_codes
from ijw.rules import RULES, Hit
from ijw.writing import write
from tests import synth
from tests.conftest import FIXTURES
from tests.synth import Prestatie, Toewijzing
from tests.test_import import _assert_no_run, _ijw

A = synth.AANBIEDERS[0]
TODAY = date(2026, 6, 1)
START = date(2026, 2, 1)
END = date(2026, 12, 31)
AMBULANT = ("45", "45A04")  # Jeugdhulp ambulant regulier: inspanningsgericht
WRONG = ("45", "41A01")  # a dagbehandeling code under category 45
HEADER = "categorie,productcode,omschrijving,geldig_van,geldig_tot\n"
TR381 = FIXTURES / "rules" / "TR381"


def test_the_shipped_list_reads() -> None:
    """441 codes of categories 40-53; the list's headings (40A00, ...) are no codes."""
    shipped = ProductList.load()
    assert len(shipped) == 441
    assert not shipped.complete
    assert shipped.is_valid(*AMBULANT) and shipped.is_valid("41", "41A01")
    assert not shipped.is_valid(*WRONG)
    assert not shipped.is_valid("40", "40A00") and ("40", "40A00") not in shipped
    assert shipped.description("45", "45A04") == "Jeugdhulp ambulant regulier: inspanningsgericht"
    # No codes for 31-38, 54 and 55 in the national list: not judged.
    assert not shipped.covers("54") and shipped.is_valid("54", "54001")
    assert shipped.covers("45") and not shipped.is_valid("45", "45001")


def test_validity_periods_are_inclusive() -> None:
    products = ProductList([Product("45", "X1", "oud", None, date(2025, 12, 31)),
                            Product("45", "X1", "nieuw", date(2026, 3, 1), None)])
    assert products.complete
    assert products.is_valid("45", "X1", date(2025, 12, 31))
    assert not products.is_valid("45", "X1", date(2026, 1, 15))
    assert products.is_valid("45", "X1", date(2026, 3, 1)) and products.is_valid("45", "X1")
    assert products.description("45", "X1") == "nieuw"
    # A complete (contract) list judges every category: 54 has no codes here.
    assert not products.is_valid("54", "54001")


def test_an_operators_list_replaces_the_shipped_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """IJW_PRODUCTCODES: a contract list without 45A04 makes the TR381 pass case fail."""
    own = tmp_path / "contract.csv"
    own.write_text(HEADER + "54,54001,Eigen product,,\n45,45001,Ambulant eigen,2026-01-01,\n",
                   encoding="utf-8")
    monkeypatch.setenv(LIST_ENV, str(own))
    loaded = ProductList.load()
    assert loaded.complete and len(loaded) == 2
    assert loaded.is_valid("54", "54001") and loaded.is_valid("45", "45001", date(2026, 1, 1))
    assert not loaded.is_valid(*AMBULANT)
    summary = api.import_paths([TR381 / "pass"], gemeente="0363", outbox=tmp_path / "out",
                               database_url=f"sqlite:///{tmp_path / 'a.db'}", today=TODAY)
    (outcome,) = summary.files
    assert outcome.outcome == "rejected"
    assert [(f.rule, f.code) for f in outcome.findings] == [("TR381", "S329")]


@pytest.mark.parametrize(("text", "where"), [
    (HEADER + "45,45A04,ok,,\n45,,leeg,,\n", "line 3: productcode ''"),
    (HEADER + "39,39A01,bestaat niet,,\n", "line 2: categorie '39'"),
    (HEADER + "45,45A04,ok,,\n45,45A05,datum,morgen,\n", "line 3: 'morgen' is not an ISO date"),
    (HEADER + "45,45A04,te kort\n", "line 2: expected 5 columns"),
    (HEADER + "45,TOOLONG,lang,,\n", "line 2: productcode 'TOOLONG'"),
    (HEADER + "45,45A04,om,2026-02-01,2026-01-01\n", "line 2: geldig_tot 2026-01-01 lies"),
    ("code,categorie\n45A04,45\n", "the header must be"),
])
def test_a_bad_line_names_the_file_and_line(
    text: str, where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(text, encoding="utf-8")
    monkeypatch.setenv(LIST_ENV, str(bad))
    with pytest.raises(ConfigurationError) as raised:
        ProductList.load()
    assert f"{LIST_ENV}={bad}" in str(raised.value)
    assert f"bad.csv {where}" in str(raised.value) or f"bad.csv: {where}" in str(raised.value)


def test_an_unreadable_list_stops_the_import_before_it_starts(tmp_path: Path) -> None:
    """Exit 2 naming the file and line; nothing stored, no run, no outbox."""
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "45,45A04,ok,,\n45,45A05,datum,gisteren,\n", encoding="utf-8")
    done = _ijw("import", str(TR381 / "pass"), "--gemeente", "0363", "--db",
                f"sqlite:///{tmp_path / 'c.db'}", "--outbox", str(tmp_path / "out-c"),
                cwd=tmp_path, env={LIST_ENV: str(bad)})
    assert done.returncode == 2, done.stderr
    assert "bad.csv line 3" in " ".join(done.stderr.split())
    assert "Traceback" not in done.stderr
    _assert_no_run(f"sqlite:///{tmp_path / 'c.db'}", tmp_path / "out-c")


# -- TR381 on each message type ------------------------------------------------------------


@dataclass
class Lists:
    """A RuleContext for TR381: the shipped list, and the questions it was asked."""

    products: ProductList
    asked: list[tuple[str, str, date | None]]

    def product_known(self, categorie: str, code: str, on: date | None) -> bool:
        self.asked.append((categorie, code, on))
        return self.products.is_valid(categorie, code, on)


def _check(message: Message) -> tuple[list[Hit], list[tuple[str, str, date | None]]]:
    ctx = Lists(ProductList.load(), [])
    return RULES["TR381"].check(message, ctx), ctx.asked


def _301(product: tuple[str, str] | None) -> Message:
    return synth.jw301(1, A, "T-1", date(2026, 1, 20),
                       [Toewijzing(1001, START, END, product=product, decided=date(2026, 1, 20))])


def _317(product: tuple[str, str] | None) -> Message:
    return message_class("JW317").model_validate({
        "header": {"bericht_code": message_class("JW317").code, "afzender": A,
                   "ontvanger": synth.GEMEENTE,
                   "bericht_identificatie": {"identificatie": "W-1",
                                             "dagtekening": date(2026, 2, 10)},
                   "xsd_versie": synth.VERSIE},
        "client": {"bsn": synth.bsn(1), "verzoek": {
            "referentie_aanbieder": "R-W", "reden_verzoek": "1",
            "te_wijzigen_producten": [{"toewijzing_nummer": 1001,
                                       "gewenste_ingangsdatum": date(2026, 3, 1),
                                       "einddatum": date(2026, 6, 30)}],
            "nieuwe_producten": [{
                "product": {"categorie": product[0], "code": product[1]} if product else None,
                "gewenste_ingangsdatum": date(2026, 7, 1), "einddatum": END,
                **({} if product else {"budget": 100_000}),
                **({"omvang": {"volume": 10, "eenheid": "04", "frequentie": "4"}}
                   if product else {}),
            }],
        }},
    })


BUILDERS = {
    "JW301": (_301, ("client", "toegewezen_producten", 0, "product", "code"), START),
    "JW305": (lambda p: synth.jw305(1, A, "S-1", date(2026, 2, 2), 1001, START, product=p),
              ("client", "start_producten", 0, "product", "code"), START),
    "JW307": (lambda p: synth.jw307(1, A, "E-1", date(2026, 4, 1), 1001, START,
                                    date(2026, 3, 31), product=p),
              ("client", "stop_producten", 0, "product", "code"), START),
    "JW315": (lambda p: synth.jw315(1, A, "V-1", date(2026, 1, 10), ["R-1"], START, END,
                                    product=p),
              ("client", "aangevraagde_producten", 0, "product", "code"), START),
    "JW317": (_317, ("client", "verzoek", "nieuwe_producten", 0, "product", "code"),
              date(2026, 7, 1)),
}


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_tr381_on_each_product_of_a_message(kind: str) -> None:
    build, loc, on = BUILDERS[kind]
    assert RULES["TR381"].messages >= {kind}
    assert _check(build(AMBULANT)) == ([], [("45", "45A04", on)])
    hits, asked = _check(build(WRONG))
    assert [h.loc for h in hits] == [loc] and asked == [("45", "41A01", on)]
    assert "41A01" in hits[0].text and "45" in hits[0].text
    # The shipped list does not judge category 54 (it has no codes for it).
    assert _check(build(("54", "54001")))[0] == []


@pytest.mark.parametrize("kind", ["JW301", "JW305", "JW307", "JW317"])
def test_tr381_asks_nothing_of_a_generic_product(kind: str) -> None:
    build, _, _ = BUILDERS[kind]
    assert _check(build(None)) == ([], [])


def test_tr381_asks_nothing_of_an_aspecific_product() -> None:
    """Categorie without Code (IV075): no code to check."""
    message = synth.jw305(1, A, "S-1", date(2026, 2, 2), 1001, START, product=AMBULANT)
    data = message.model_dump()
    data["client"]["start_producten"][0]["product"] = {"categorie": "45", "code": None}
    assert _check(type(message).model_validate(data)) == ([], [])


def test_tr381_on_a_323_rejects_the_prestatie() -> None:
    """A prestatie-class finding on its ProductCode, dated by its ProductPeriode."""
    message = synth.jw323(A, "D-1", date(2026, 4, 6), [
        Prestatie("RN-1", 1001, product=AMBULANT),
        Prestatie("RN-2", 1001, product=WRONG, begin=date(2026, 3, 1)),
        Prestatie("RN-3", 1002, client=2, product=WRONG)])
    hits, asked = _check(message)
    assert [h.loc for h in hits] == [
        ("declaratie", "clienten", 0, "prestaties", 1, "product_code"),
        ("declaratie", "clienten", 1, "prestaties", 0, "product_code")]
    assert asked[0] == ("45", "45A04", date(2026, 3, 1))
    assert RULES["TR381"].retourcode.value == "S329"


def test_tr381_in_the_325_rejects_only_that_prestatie(tmp_path: Path) -> None:
    """On an aspecific toewijzing for category 45 (IV075: any code of the category may
    be declared), a prestatie with a code of another category is rejected with S329
    on its Prestatie; the other is approved."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    day = date(2026, 1, 20)
    aspecific = synth.jw301(1, A, "T-1", day, [
        Toewijzing(1001, START, END, product=("45", None), decided=day)])  # Categorie only
    declaratie = synth.jw323(A, "D-1", date(2026, 4, 6), [
        Prestatie("RN-1", 1001, product=AMBULANT), Prestatie("RN-2", 1001, product=WRONG)])
    (inbox / "10-jw301.xml").write_bytes(write(aspecific, stamp=False))
    (inbox / "20-jw323.xml").write_bytes(write(declaratie, stamp=False))
    summary = api.import_paths([inbox], gemeente="0363", outbox=tmp_path / "out",
                               database_url=f"sqlite:///{tmp_path / 'a.db'}", today=TODAY)
    by_type = {f.message_type: f for f in summary.files}
    assert by_type["JW301"].outcome == "registered" and not by_type["JW301"].findings
    outcome = by_type["JW323"]
    assert outcome.outcome == "partly"
    assert [(f.rule, f.code) for f in outcome.findings] == [("TR381", "S329")]
    assert outcome.retour_file is not None
    answer = api.parse(tmp_path / "out" / outcome.retour_file)
    # IV087: the Prestatie gets the code, its Client 0200; only rejected prestaties are listed.
    assert [(where, code) for where, _, code in class_codes(answer)] == [
        ("Header", "0200"), ("DeclaratieAntwoord", "0200"),
        ("DeclaratieAntwoord/Client[1]", "0200"),
        ("DeclaratieAntwoord/Client[1]/Prestatie[1]", "S329")]
