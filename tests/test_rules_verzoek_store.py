"""Edge cases of the JW317 rules against the store (TR304, TR349-TR351, TR357, TR361, TR373,
TR375, TR411, TR412 in :mod:`ijw.rules.store`).

The toewijzingen are stored as a registered 301 would be (:func:`ijw.store.persist.store_jw301`)
in a SQLite store made with ``create_all``; the 317 is built here and judged by the rules
through :class:`ijw.store.context.StoreContext`. Client 1 of aanbieder A at gemeente 0363,
the 317 dated 10 February 2026 unless a test says otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, create_engine

from ijw.messages import Message, message_class
from ijw.messages.r3_2.codelists import RetourCode
from ijw.messages.r3_2.toewijzing import Jw301
from ijw.rules import RULES, Loc
from ijw.rules.declaratie_store import ToewijzingView
from ijw.rules.store import actual
from ijw.store import persist
from ijw.store.context import StoreContext
from ijw.store.schema import Base
from tests import synth
from tests.synth import Toewijzing

A, B = synth.AANBIEDERS[0], synth.AANBIEDERS[1]
G = synth.GEMEENTE
DAG = date(2026, 2, 10)
START, END = date(2026, 2, 1), date(2026, 12, 31)
N = 1001
OMVANG = {"volume": 10, "eenheid": "04", "frequentie": "4"}
CODES = ("TR304", "TR349", "TR350", "TR351", "TR357", "TR361", "TR373", "TR375", "TR411",
         "TR412")
EXPECTED = {"TR304": RetourCode.R8187, "TR349": RetourCode.R9349, "TR350": RetourCode.R9350,
            "TR351": RetourCode.R9351, "TR357": RetourCode.R9357, "TR361": RetourCode.R9361,
            "TR373": RetourCode.R9373, "TR375": RetourCode.R9375, "TR411": RetourCode.R9411,
            "TR412": RetourCode.R9412}


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    eng = create_engine(f"sqlite:///{tmp_path / 'store.db'}")
    Base.metadata.create_all(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def conn(engine: Engine) -> Iterator[Connection]:
    with engine.begin() as connection:
        yield connection


class Counting(StoreContext):
    """A StoreContext that counts the 317 questions it is asked."""

    asked: list[str]

    def client_toewijzingen(self, gemeente: str, aanbieder: str, bsn: str
                            ) -> Mapping[int, ToewijzingView]:
        self.asked.append("client")
        return super().client_toewijzingen(gemeente, aanbieder, bsn)

    def toewijzingen(self, gemeente: str, nummers: frozenset[int]
                     ) -> Mapping[int, ToewijzingView]:
        self.asked.append("numbers")
        return super().toewijzingen(gemeente, nummers)


@pytest.fixture
def ctx(conn: Connection) -> Counting:
    found = Counting(conn, date(2026, 6, 1))
    found.asked = []
    return found


def allocate(conn: Connection, *products: Toewijzing, client: int = 1, aanbieder: str = A
             ) -> None:
    """Store a registered 301 with ``products`` (decided on 20 January 2026)."""
    m = synth.jw301(client, aanbieder, f"T{client}{aanbieder[-1]}{products[0].nummer}",
                    date(2026, 1, 20), list(products))
    now = datetime(2026, 1, 20, tzinfo=UTC)
    facts = persist.header_facts(m)
    message_id = persist.insert_message(
        conn, **facts, sha256=f"{facts['identificatie']:0>64}", received_at=now,
        imported_at=now, raw_xml=b"<x/>", direction="out", outcome="registered")
    assert isinstance(m, Jw301)
    persist.store_jw301(conn, m, message_id, G, aanbieder)


def product(nummer: int = N, start: date = START, end: date | None = END, **kw: Any
            ) -> Toewijzing:
    return Toewijzing(nummer, start, end, decided=date(2026, 1, 20), **kw)


def change(nummer: int = N, gewenst: date = date(2026, 3, 1), **fields: Any) -> dict[str, Any]:
    line: dict[str, Any] = {"toewijzing_nummer": nummer, "gewenste_ingangsdatum": gewenst,
                            "einddatum": date(2026, 6, 30), "omvang": OMVANG}
    line.update(fields)
    return line


def vow(*, ongewijzigd: tuple[int, ...] = (), te_wijzigen: tuple[dict[str, Any], ...] = (),
        nieuw: tuple[dict[str, Any], ...] = (), client: int = 1, on: date = DAG) -> Message:
    return message_class("JW317").model_validate({
        "header": {"bericht_code": "486", "afzender": A, "ontvanger": G,
                   "bericht_identificatie": {"identificatie": "W-1", "dagtekening": on},
                   "xsd_versie": synth.VERSIE},
        "client": {"bsn": synth.bsn(client), "verzoek": {
            "referentie_aanbieder": "R-1", "reden_verzoek": "1",
            "ongewijzigde_producten": [{"toewijzing_nummer": n} for n in ongewijzigd],
            "te_wijzigen_producten": list(te_wijzigen), "nieuwe_producten": list(nieuw)}},
    })


def new(product: tuple[str, str | None] | None, begin: date, end: date | None = END
        ) -> dict[str, Any]:
    return {"product": {"categorie": product[0], "code": product[1]} if product else None,
            "gewenste_ingangsdatum": begin, "einddatum": end,
            "omvang": OMVANG if product and product[1] else None,
            "budget": None if product else 50_000}


def findings(message: Message, ctx: StoreContext) -> dict[str, list[Loc]]:
    """The hit locations of every 317 rule, asked as the import does (one memo per message)."""
    out: dict[str, list[Loc]] = {}
    with ctx.remembering():
        for code in CODES:
            locs = [h.loc for h in RULES[code].check(message, ctx)]
            if locs:
                out[code] = locs
    return out


def te(i: int, *fields: str) -> Loc:
    return ("client", "verzoek", "te_wijzigen_producten", i, *fields)


def ong(i: int, *fields: str) -> Loc:
    return ("client", "verzoek", "ongewijzigde_producten", i, *fields)


# -- registry ----------------------------------------------------------------------------------


def test_registry() -> None:
    for code, retourcode in EXPECTED.items():
        found = RULES[code]
        assert found.retourcode is retourcode, code
        assert found.level.value == "cross-message", code
        assert "JW317" in found.messages, code
        assert "\n\n" in found.doc, code
    assert RULES["TR304"].messages == {"JW317", "JW323"}


def test_a_clean_verzoek_asks_one_question(conn: Connection, ctx: Counting) -> None:
    allocate(conn, product(), product(N + 1, product=("54", "54002")))
    assert findings(vow(ongewijzigd=(N + 1,), te_wijzigen=(change(),)), ctx) == {}
    assert ctx.asked == ["client"]  # every number is the client's: no second statement


def test_unknown_numbers_are_asked_once_together(conn: Connection, ctx: Counting) -> None:
    allocate(conn, product())
    m = vow(ongewijzigd=(N, 7001), te_wijzigen=(change(7002),))
    assert findings(m, ctx) == {"TR350": [ong(1, "toewijzing_nummer")],
                                "TR351": [te(0, "toewijzing_nummer")]}
    assert ctx.asked == ["client", "numbers"]


# -- TR304, TR350, TR351 -----------------------------------------------------------------------


def test_toewijzing_of_another_client_is_tr304_not_tr351(conn: Connection,
                                                        ctx: Counting) -> None:
    allocate(conn, product())
    allocate(conn, product(N + 1), client=2)
    m = vow(ongewijzigd=(N,), te_wijzigen=(change(N + 1),))
    assert findings(m, ctx) == {"TR304": [te(0, "toewijzing_nummer")]}


def test_toewijzing_of_another_aanbieder_is_unknown(conn: Connection, ctx: Counting) -> None:
    allocate(conn, product())
    allocate(conn, product(N + 1), aanbieder=B)  # same client, another aanbieder
    m = vow(ongewijzigd=(N + 1,), te_wijzigen=(change(),))
    assert findings(m, ctx) == {"TR350": [ong(0, "toewijzing_nummer")]}


def test_deleted_toewijzing_is_not_actual_nor_required(conn: Connection, ctx: Counting) -> None:
    allocate(conn, product(), product(N + 1, START, START, reden="13",
                                      product=("54", "54002")))
    assert findings(vow(te_wijzigen=(change(),)), ctx) == {}
    assert findings(vow(te_wijzigen=(change(), change(N + 1))), ctx) == {
        "TR351": [te(1, "toewijzing_nummer")]}


def test_ended_toewijzing_skips_the_line_checks(conn: Connection, ctx: Counting) -> None:
    allocate(conn, product(), product(N + 1, date(2025, 1, 1), date(2026, 2, 9),
                                      product=("54", "54002")))
    # Ended the day before the Dagtekening; no Omvang (TR411) is not judged then.
    m = vow(te_wijzigen=(change(), change(N + 1, omvang=None)))
    assert findings(m, ctx) == {"TR351": [te(1, "toewijzing_nummer")]}


# -- TR349 -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Version:
    """A toewijzing's dates and RedenWijziging, as :func:`actual` reads them."""

    ingangsdatum: date
    einddatum: date | None
    reden_wijziging: str | None


def test_actual_on_the_dagtekening() -> None:
    def view(start: date, end: date | None, reden: str | None = None) -> Version:
        return Version(start, end, reden)

    assert actual(view(START, DAG), DAG)  # ends on the day: still actual
    assert not actual(view(START, date(2026, 2, 9)), DAG)
    assert actual(view(date(2026, 5, 1), date(2026, 5, 1)), DAG)  # one day, in the future
    assert not actual(view(date(2026, 5, 1), date(2026, 5, 1), "13"), DAG)  # deleted
    assert actual(view(START, None), DAG)


def test_tr349_future_and_open_toewijzingen_must_be_listed(conn: Connection,
                                                           ctx: Counting) -> None:
    allocate(conn, product(), product(N + 1, date(2026, 9, 1), None, product=("54", "54002")),
             product(N + 2, date(2025, 1, 1), date(2025, 12, 31), product=("54", "54003")))
    assert findings(vow(te_wijzigen=(change(),)), ctx) == {"TR349": [("client", "verzoek")]}
    assert findings(vow(ongewijzigd=(N + 1,), te_wijzigen=(change(),)), ctx) == {}


def test_tr349_counts_only_this_aanbieder(conn: Connection, ctx: Counting) -> None:
    allocate(conn, product())
    allocate(conn, product(N + 1), aanbieder=B)
    assert findings(vow(te_wijzigen=(change(),)), ctx) == {}


# -- TR357, TR373 ------------------------------------------------------------------------------


def test_tr357_on_the_dagtekening_itself(conn: Connection, ctx: Counting) -> None:
    allocate(conn, product())
    assert findings(vow(te_wijzigen=(change(gewenst=DAG),)), ctx) == {
        "TR357": [te(0, "gewenste_ingangsdatum")]}
    assert findings(vow(te_wijzigen=(change(gewenst=date(2026, 2, 11)),)), ctx) == {}
    assert findings(vow(te_wijzigen=(change(gewenst=START),)), ctx) == {}


def test_tr373_total_over_the_period(conn: Connection, ctx: Counting) -> None:
    total = {"volume": 100, "eenheid": "04", "frequentie": "6"}
    allocate(conn, product())
    # Per month to a total: the total changes, so it starts on the Ingangsdatum.
    assert findings(vow(te_wijzigen=(change(omvang=total),)), ctx) == {
        "TR373": [te(0, "gewenste_ingangsdatum")]}
    assert findings(vow(te_wijzigen=(change(omvang=total, gewenst=START),)), ctx) == {}
    # Per month, more hours from 1 March: not a total, so no TR373.
    assert findings(vow(te_wijzigen=(change(omvang={**OMVANG, "volume": 12}),)), ctx) == {}


def test_tr373_unchanged_budget_is_no_change(conn: Connection, ctx: Counting) -> None:
    allocate(conn, product(product=None))  # Budget 100_000
    assert findings(vow(te_wijzigen=(change(omvang=None, budget=100_000),)), ctx) == {}
    assert findings(vow(te_wijzigen=(change(omvang=None, budget=90_000),)), ctx) == {
        "TR373": [te(0, "gewenste_ingangsdatum")]}


# -- TR375, TR411, TR412 -----------------------------------------------------------------------


def test_generiek_gets_tr375_only(conn: Connection, ctx: Counting) -> None:
    allocate(conn, product(product=None))
    assert findings(vow(te_wijzigen=(change(),)), ctx) == {"TR375": [te(0, "omvang")]}


def test_legacy_toewijzing_may_keep_its_omvang(conn: Connection, ctx: Counting) -> None:
    # Both ended by 2020-12-31; a 317 of that time may give them an Omvang (TR375, TR412).
    allocate(conn, product(N, date(2020, 6, 1), date(2020, 8, 31), product=None),
             product(N + 1, date(2020, 9, 1), date(2020, 12, 31), product=("54", None)))
    m = vow(te_wijzigen=(change(gewenst=date(2020, 8, 1), einddatum=date(2020, 8, 15)),
                         change(N + 1, gewenst=date(2020, 10, 1),
                                einddatum=date(2020, 12, 15))),
            on=date(2020, 7, 1))
    assert findings(m, ctx) == {}


def test_tr411_and_tr412(conn: Connection, ctx: Counting) -> None:
    allocate(conn, product(), product(N + 1, product=("45", None)))
    m = vow(te_wijzigen=(change(omvang=None), change(N + 1)))
    assert findings(m, ctx) == {"TR411": [te(0)], "TR412": [te(1, "omvang")]}


# -- TR361 -------------------------------------------------------------------------------------


def test_tr361_generiek_nieuw_overlaps_everything(conn: Connection, ctx: Counting) -> None:
    allocate(conn, product())
    m = vow(te_wijzigen=(change(),), nieuw=(new(None, date(2026, 5, 1)),))
    assert findings(m, ctx) == {"TR361": [("client", "verzoek", "nieuwe_producten", 0)]}
    later = vow(te_wijzigen=(change(),), nieuw=(new(None, date(2026, 7, 1)),))
    assert findings(later, ctx) == {}


def test_tr361_category_without_code(conn: Connection, ctx: Counting) -> None:
    allocate(conn, product())
    same_category = vow(te_wijzigen=(change(),), nieuw=(new(("54", None), date(2026, 6, 1)),))
    assert findings(same_category, ctx) == {
        "TR361": [("client", "verzoek", "nieuwe_producten", 0)]}
    other_code = vow(te_wijzigen=(change(),), nieuw=(new(("54", "54002"), date(2026, 6, 1)),))
    assert findings(other_code, ctx) == {}


def test_tr361_unchanged_toewijzingen_are_not_compared(conn: Connection,
                                                       ctx: Counting) -> None:
    # The gemeente's own two toewijzingen of one product overlap: not the aanbieder's fault.
    allocate(conn, product(), product(N + 1), product(N + 2, product=("54", "54002")))
    assert findings(vow(ongewijzigd=(N, N + 1), te_wijzigen=(change(N + 2),)), ctx) == {}
    # Changing one of them keeps the overlap: the changed line is the one that fails.
    assert findings(vow(ongewijzigd=(N, N + 2), te_wijzigen=(change(N + 1),)), ctx) == {
        "TR361": [te(0)]}


def test_tr361_te_wijzigen_without_einddatum_keeps_the_end(conn: Connection,
                                                           ctx: Counting) -> None:
    allocate(conn, product(end=date(2026, 6, 30)))
    m = vow(te_wijzigen=(change(einddatum=None),), nieuw=(new(("54", "54001"), date(2026, 7, 1)),))
    assert findings(m, ctx) == {}
