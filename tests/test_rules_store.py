"""The level-3 and level-4 rules (:mod:`ijw.rules.store`) against a real SQLite store.

Messages are the official iJw 3.2 examples (JW315 repaired in memory), read
with :func:`ijw.reading.read` and varied with ``model_copy``. The store is made
with ``Base.metadata.create_all`` in ``tmp_path`` and filled with Core inserts;
the rules ask it through :class:`ijw.store.context.StoreContext`. Every rule
has a passing and a failing case, with the exact hit locations.

Example facts used below: JW301 and JW315 are between gemeente 0384 and
aanbieder 42420001 (references 40A12341234 and 40A12341235, toewijzingen
300201 and 300202); JW305 and JW307 between 0363 and 65656055 (starts of
300201 on 2026-04-03 and 300202 on 2026-04-15, stops with reden 31 on
2026-07-17); JW317 from 65656055 to 0384 (reference 9003, toewijzing 10071);
JW319 from 0384 to 65656055. The client is 999900006 throughout.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Connection, Engine, create_engine, insert, select, update

from ijw.codelists.cbs import Gemeente, GemeenteList
from ijw.errors import Level
from ijw.messages import Message
from ijw.messages.r3_2.codelists import (
    RedenBeeindiging,
    RedenWijziging,
    RetourCode,
    StatusAanlevering,
)
from ijw.messages.r3_2.start import StartProduct
from ijw.reading import read
from ijw.retours import build_retour, class_codes, retour_identificatie
from ijw.rules import RULES, Loc, all_rules
from ijw.rules.keys import start_key, stop_key
from ijw.rules.store import _lines, parties
from ijw.store import persist
from ijw.store.context import StoreContext
from ijw.store.schema import (
    Allocation,
    AllocationVersion,
    Answer,
    Base,
    CareLine,
    ChangeRequest,
    Client,
    RequestedProduct,
    table_of,
)
from ijw.store.schema import Message as MessageRow

pytestmark = pytest.mark.shared

TODAY = date(2026, 8, 1)
BSN = "999900006"
OTHER_BSN = "999900018"
NOW = datetime(2026, 8, 1, 12, 0, tzinfo=UTC)

MESSAGE = table_of(MessageRow)
CLIENT = table_of(Client)
REQUESTED = table_of(RequestedProduct)
CHANGE = table_of(ChangeRequest)
ALLOCATION = table_of(Allocation)
VERSION = table_of(AllocationVersion)
CARE = table_of(CareLine)
ANSWER = table_of(Answer)

#: Level-3/4 rules of this module and the retourcode each must give.
EXPECTED: dict[str, tuple[RetourCode, Level]] = {
    "TR019": (RetourCode.R9019, Level.CROSS_MESSAGE),
    "TR056": (RetourCode.R9056, Level.CROSS_MESSAGE),
    "TR063": (RetourCode.R9063, Level.CROSS_MESSAGE),
    "TR071": (RetourCode.R9071, Level.CROSS_MESSAGE),
    "TR074": (RetourCode.R9074, Level.CROSS_MESSAGE),
    "TR135": (RetourCode.R8848, Level.EXTERNAL),
    "TR326": (RetourCode.R9326, Level.CROSS_MESSAGE),
    "TR332": (RetourCode.R9332, Level.CROSS_MESSAGE),
    "TR347": (RetourCode.R9347, Level.CROSS_MESSAGE),
    "TR374": (RetourCode.R9374, Level.CROSS_MESSAGE),
    "TR378": (RetourCode.RS300, Level.EXTERNAL),
    "TR379": (RetourCode.R9379, Level.CROSS_MESSAGE),
    "TR382": (RetourCode.R9069, Level.CROSS_MESSAGE),
    "TR413": (RetourCode.R9413, Level.CROSS_MESSAGE),
    "TR414": (RetourCode.R9414, Level.CROSS_MESSAGE),
    "TR415": (RetourCode.R9415, Level.CROSS_MESSAGE),
}


# -- messages ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def examples(official_examples_dir: Path) -> dict[str, Message]:
    """The official heenbericht examples as models (JW315's 2027-06-31 repaired)."""
    out: dict[str, Message] = {}
    for kind in ("JW301", "JW305", "JW307", "JW315", "JW317", "JW319"):
        data = (official_examples_dir / f"{kind}.xml").read_bytes()
        if kind == "JW315":
            data = data.replace(b"2027-06-31", b"2027-06-30")
        result = read(data, name=f"{kind}.xml", content_checks=False)
        assert result.message is not None, result.findings
        out[kind] = result.message
    return out


def with_header(m: Message, **fields: Any) -> Any:
    h: Any = getattr(m, "header")  # noqa: B009
    if "dagtekening" in fields:
        fields["bericht_identificatie"] = h.bericht_identificatie.model_copy(
            update={"dagtekening": fields.pop("dagtekening")})
    return m.model_copy(update={"header": h.model_copy(update=fields)})


def with_client(m: Message, **fields: Any) -> Any:
    client: Any = getattr(m, "client")  # noqa: B009
    return m.model_copy(update={"client": client.model_copy(update=fields)})


def with_lines(m: Message, *lines: Any) -> Any:
    group = "start_producten" if m.message_type == "JW305" else "stop_producten"
    return with_client(m, **{group: tuple(lines)})


def line(m: Message, i: int, **fields: Any) -> Any:
    """Line ``i`` of a 305/307 (or a ToegewezenProduct of a 301), changed by ``fields``."""
    group = {"JW305": "start_producten", "JW307": "stop_producten",
             "JW301": "toegewezen_producten", "JW315": "aangevraagde_producten"}[m.message_type]
    item: Any = getattr(getattr(m, "client"), group)[i]  # noqa: B009
    return item.model_copy(update=fields)


DELETE = StatusAanlevering.VERWIJDEREN


# -- the store ---------------------------------------------------------------------------------


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


@pytest.fixture
def ctx(conn: Connection) -> StoreContext:
    return StoreContext(conn, TODAY)


class Rows:
    """Core inserts of the rows the rules look at."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.counter = itertools.count(1)

    def _id(self, statement: Any) -> int:
        return persist.new_id(self.conn.execute(statement))

    def message(self, message_type: str = "JW305", sender: str = "65656055",
                identificatie: str | None = None, gemeente: str = "0363",
                aanbieder: str = "65656055", outcome: str = "accepted") -> int:
        n = next(self.counter)
        receiver = gemeente if sender == aanbieder else aanbieder
        return self._id(insert(MESSAGE).values(
            message_type=message_type, direction="in", sender=sender, receiver=receiver,
            gemeente=gemeente, aanbieder=aanbieder,
            identificatie=identificatie or f"id{n}", dagtekening=date(2026, 1, 1),
            sha256=hashlib.sha256(str(n).encode()).hexdigest(), received_at=NOW,
            imported_at=NOW, outcome=outcome, raw_xml=b"<x/>",
        ))

    def client(self, bsn: str = BSN) -> int:
        found = self.conn.execute(select(CLIENT.c.id).where(CLIENT.c.bsn == bsn)).scalar()
        return int(found) if found is not None else self._id(insert(CLIENT).values(bsn=bsn))

    def requested(self, referentie: str, *, aanbieder: str = "42420001", bsn: str = BSN,
                  gemeente: str = "0384", accepted: bool = True) -> int:
        return self._id(insert(REQUESTED).values(
            message_id=self.message("JW315", aanbieder, gemeente=gemeente, aanbieder=aanbieder),
            client_id=self.client(bsn), gemeente=gemeente, aanbieder=aanbieder,
            accepted=accepted, dagtekening=date(2026, 3, 1), referentie_aanbieder=referentie,
            product_categorie="55", product_code="55A11",
            toewijzing_ingangsdatum=date(2026, 4, 1), verwijzer_type="01",
        ))

    def change_request(self, referentie: str, *, aanbieder: str = "65656055", bsn: str = BSN,
                       gemeente: str = "0384", accepted: bool = True) -> int:
        return self._id(insert(CHANGE).values(
            message_id=self.message("JW317", aanbieder, gemeente=gemeente, aanbieder=aanbieder),
            client_id=self.client(bsn), gemeente=gemeente, aanbieder=aanbieder,
            accepted=accepted, dagtekening=date(2026, 3, 1), referentie_aanbieder=referentie,
            reden_verzoek="1",
        ))

    def allocation(self, nummer: int, *, bsn: str = BSN, aanbieder: str = "42420001",
                   gemeente: str = "0384", referentie: str | None = None,
                   ingangsdatum: date = date(2026, 4, 1), einddatum: date | None = None,
                   reden: str | None = None) -> int:
        """A toewijzing in its current state, with one version that carried ``referentie``."""
        message_id = self.message("JW301", gemeente, gemeente=gemeente, aanbieder=aanbieder,
                                  outcome="registered")
        fields = {"referentie_aanbieder": referentie, "product_categorie": "55",
                  "product_code": "55A11", "toewijzingsdatum": date(2026, 4, 1),
                  "toewijzingstijd": time(12, 0), "ingangsdatum": ingangsdatum,
                  "einddatum": einddatum, "reden_wijziging": reden}
        allocation_id = self._id(insert(ALLOCATION).values(
            gemeente=gemeente, toewijzing_nummer=nummer, client_id=self.client(bsn),
            aanbieder=aanbieder, message_id=message_id, **fields))
        self.conn.execute(insert(VERSION).values(
            allocation_id=allocation_id, message_id=message_id, **fields))
        return allocation_id

    def version(self, allocation_id: int, referentie: str | None) -> None:
        """A later version of a toewijzing, carrying ``referentie``."""
        message_id = self.message("JW301", "0384", gemeente="0384", aanbieder="42420001",
                                  outcome="registered")
        self.conn.execute(insert(VERSION).values(
            allocation_id=allocation_id, message_id=message_id, referentie_aanbieder=referentie,
            product_categorie="55", product_code="55A11", toewijzingsdatum=date(2026, 5, 1),
            toewijzingstijd=time(9, 0), ingangsdatum=date(2026, 4, 1)))

    def answer(self, referentie: str, verzoek_antwoord: str, *,
               aanbieder: str = "42420001") -> None:
        self.conn.execute(insert(ANSWER).values(
            message_id=self.message("JW319", "0384", gemeente="0384", aanbieder=aanbieder,
                                    outcome="registered"),
            gemeente="0384", aanbieder=aanbieder, dagtekening=date(2026, 4, 2),
            referentie_aanbieder=referentie, verzoek_antwoord=verzoek_antwoord,
            reden_afwijzing="7" if verzoek_antwoord == "1" else None))

    def care(self, m: Message, item: Any, *, status: str = "1") -> int:
        """Store ``item`` (a StartProduct or StopProduct of ``m``) as a line (Core insert)."""
        gemeente, aanbieder = parties(m)
        kind = "stop" if hasattr(item, "reden_beeindiging") else "start"
        product = item.product
        skey = start_key(gemeente, aanbieder, BSN, item.toewijzing_nummer,
                         product.categorie.value if product else None,
                         product.code if product else None, item.begindatum)
        einddatum = getattr(item, "einddatum", None)
        reden = item.reden_beeindiging.value if kind == "stop" else None
        return self._id(insert(CARE).values(
            kind=kind, message_id=self.message("JW305" if kind == "start" else "JW307"),
            client_id=self.client(), gemeente=gemeente, aanbieder=aanbieder,
            toewijzing_nummer=item.toewijzing_nummer,
            product_categorie=product.categorie.value if product else None,
            product_code=product.code if product else None,
            toewijzing_ingangsdatum=item.toewijzing_ingangsdatum, begindatum=item.begindatum,
            einddatum=einddatum, reden_beeindiging=reden, status=status, start_key=skey,
            line_key=skey if kind == "start" else stop_key(skey, einddatum, reden),
        ))

    def start_for(self, m: Message, i: int) -> int:
        """Store the start that line ``i`` of the 307 ``m`` stops (the same key fields)."""
        stop = line(m, i)
        return self.care(m, StartProduct(
            toewijzing_nummer=stop.toewijzing_nummer, product=stop.product,
            toewijzing_ingangsdatum=stop.toewijzing_ingangsdatum, begindatum=stop.begindatum,
            status_aanlevering=StatusAanlevering.EERSTE))

    def deleted(self, line_id: int) -> None:
        """Mark a line deleted (as a later status-3 line does)."""
        self.conn.execute(update(CARE).where(CARE.c.id == line_id).values(deleted_by_id=line_id))


@pytest.fixture
def rows(conn: Connection) -> Rows:
    return Rows(conn)


def hits(code: str, message: Message, ctx: Any) -> list[Loc]:
    """The locations rule ``code`` reports for ``message``; checks the retourcode too."""
    found = RULES[code]
    expected_code, expected_level = EXPECTED[code]
    assert found.retourcode is expected_code
    assert found.level is expected_level
    return [h.loc for h in found.check(message, ctx)]


# -- the registry ------------------------------------------------------------------------------


def test_every_rule_is_documented_and_coded() -> None:
    for found in all_rules():
        assert found.doc and found.summary, found.code
        assert found.summary == found.doc.splitlines()[0]
        assert isinstance(found.retourcode, RetourCode), found.code
        assert found.messages, found.code
    for code, (retourcode, level) in EXPECTED.items():
        assert RULES[code].retourcode is retourcode
        assert RULES[code].level is level
        assert "\n\n" in RULES[code].doc, f"{code}: summary plus a paragraph"


def test_rule_message_types() -> None:
    # Every heenbericht the engine judges, 323 included (brief 4.2, 4.3).
    heen = {"JW301", "JW305", "JW307", "JW315", "JW317", "JW319", "JW323"}
    assert RULES["TR056"].messages == heen
    assert RULES["TR135"].messages == heen
    assert RULES["TR378"].messages == heen
    assert RULES["TR347"].messages == {"JW315", "JW317"}
    assert RULES["TR374"].messages == {"JW315", "JW317"}
    assert RULES["TR019"].messages == {"JW305", "JW307"}
    assert RULES["TR063"].messages == {"JW305", "JW307"}
    assert RULES["TR074"].messages == {"JW305", "JW307"}
    assert RULES["TR071"].messages == RULES["TR326"].messages == {"JW305"}
    assert RULES["TR332"].messages == RULES["TR379"].messages == {"JW301"}
    for code in ("TR382", "TR413", "TR414", "TR415"):
        assert RULES[code].messages == {"JW307"}


# -- keys --------------------------------------------------------------------------------------


def test_start_key_canonical_and_scoped() -> None:
    begin = date(2026, 4, 3)
    key = start_key("0363", "65656055", BSN, 300201, "55", "55A11", begin)
    assert key == "0363|65656055|999900006|300201|55|55A11|2026-04-03"
    assert start_key("0363", "65656055", BSN, "0300201", "55", "55A11", begin) == key
    assert start_key("0363", "65656055", BSN, None, "55", None, begin) == (
        "0363|65656055|999900006|-|55|-|2026-04-03")
    assert start_key("0384", "65656055", BSN, 300201, "55", "55A11", begin) != key
    assert start_key("0363", "42420001", BSN, 300201, "55", "55A11", begin) != key
    # A literal '-' or '|' in the free product code cannot collide with another line.
    assert start_key("0363", "1", BSN, 1, "55", "-", begin) != start_key(
        "0363", "1", BSN, 1, "55", None, begin)
    assert start_key("0363", "1", BSN, 1, "55", "a|b", begin).count("|") == 7
    assert stop_key(key, date(2026, 7, 17), "31") == key + "|2026-07-17|31"
    assert stop_key(key, None, None) == key + "|-|-"


def test_rule_keys_equal_the_import_pipeline_keys(
    examples: dict[str, Message], conn: Connection, ctx: StoreContext, rows: Rows
) -> None:
    """A 305 and 307 stored by :mod:`ijw.store.persist` are found again by the rules."""
    m305, m307 = examples["JW305"], examples["JW307"]
    persist.store_jw305(conn, m305, rows.message("JW305"), "0363", "65656055")
    assert hits("TR074", m305, ctx) == [("client", "start_producten", 0),
                                        ("client", "start_producten", 1)]
    assert hits("TR382", m307, ctx) == []
    persist.store_jw307(conn, m307, rows.message("JW307"), "0363", "65656055")
    assert hits("TR074", m307, ctx) == [("client", "stop_producten", 0),
                                        ("client", "stop_producten", 1)]
    assert hits("TR415", m307, ctx) == [("client", "stop_producten", 0),
                                        ("client", "stop_producten", 1)]


def test_line_hit_lands_on_its_class_in_the_retour(
    examples: dict[str, Message], ctx: StoreContext
) -> None:
    m = with_lines(examples["JW305"], line(examples["JW305"], 0),
                   line(examples["JW305"], 1, status_aanlevering=DELETE))
    found = [(RULES["TR063"].level, RULES["TR063"].retourcode, loc)
             for loc in hits("TR063", m, ctx)]
    retour = build_retour(m, found, heen_sha256="0" * 64, today=TODAY)
    assert class_codes(retour) == [("Header", 0, "0200"), ("Client", 0, "0200"),
                                   ("Client/StartProduct[1]", 0, "0200"),
                                   ("Client/StartProduct[2]", 0, "9063")]


# -- TR056 -------------------------------------------------------------------------------------


def test_tr056_new_identificatie_passes(examples: dict[str, Message], ctx: StoreContext,
                                        rows: Rows) -> None:
    rows.message("JW307", "65656055", identificatie="123456789012")  # other message type
    rows.message("JW305", "12345678", identificatie="123456789012")  # other sender
    for kind in ("JW301", "JW305", "JW315", "JW317", "JW319"):
        assert hits("TR056", examples[kind], ctx) == []


def test_tr056_reused_identificatie_fails(examples: dict[str, Message], ctx: StoreContext,
                                          rows: Rows) -> None:
    rows.message("JW305", "65656055", identificatie="123456789012", outcome="rejected")
    rows.message("JW301", "0384", identificatie="123456789012", gemeente="0384",
                 aanbieder="42420001", outcome="registered")
    loc = ("header", "bericht_identificatie", "identificatie")
    assert hits("TR056", examples["JW305"], ctx) == [loc]
    assert hits("TR056", examples["JW301"], ctx) == [loc]
    assert hits("TR056", examples["JW307"], ctx) == []


# -- TR135 -------------------------------------------------------------------------------------


def test_tr135_dagtekening_today_or_earlier_passes(examples: dict[str, Message],
                                                   conn: Connection) -> None:
    on_the_day = StoreContext(conn, date(2026, 7, 20))
    assert hits("TR135", examples["JW307"], on_the_day) == []
    for kind in ("JW301", "JW305", "JW315", "JW317", "JW319"):
        assert hits("TR135", examples[kind], on_the_day) == []


def test_tr135_future_dagtekening_fails(examples: dict[str, Message], conn: Connection,
                                        ctx: StoreContext) -> None:
    day_before = StoreContext(conn, date(2026, 7, 19))
    loc = ("header", "bericht_identificatie", "dagtekening")
    assert hits("TR135", examples["JW307"], day_before) == [loc]
    future = with_header(examples["JW315"], dagtekening=date(2026, 8, 2))
    assert hits("TR135", future, ctx) == [loc]


# -- TR378 -------------------------------------------------------------------------------------


def test_cbs_list_ships_the_2026_gemeenten() -> None:
    gemeenten = GemeenteList.load()
    assert GemeenteList.load() is gemeenten
    assert len(gemeenten) == 342
    for code in ("0363", "0384", "1916", "0518", "1992"):
        assert gemeenten.is_valid(code, date(2026, 1, 1)), code
    assert gemeenten.name("0363") == "Amsterdam"
    assert not gemeenten.is_valid("0000", None)
    assert not gemeenten.is_valid("363", date(2026, 1, 1))


def test_gemeente_list_validity_periods() -> None:
    old = GemeenteList([Gemeente("0999", "Oud", None, date(2022, 12, 31)),
                        Gemeente("0998", "Nieuw", date(2023, 1, 1), None)])
    assert old.is_valid("0999", date(2022, 12, 31))
    assert not old.is_valid("0999", date(2023, 1, 1))
    assert not old.is_valid("0998", date(2022, 12, 31))
    assert old.is_valid("0998", date(2023, 1, 1))
    assert old.is_valid("0999", None)
    parsed = GemeenteList.parse("code,naam,geldig_van,geldig_tot\n0999,Oud,,2022-12-31\n")
    assert parsed.is_valid("0999", date(2022, 1, 1))
    assert not parsed.is_valid("0999", date(2023, 1, 1))
    with pytest.raises(ValueError, match="header"):
        GemeenteList.parse("code,name\n0999,Oud\n")


def test_tr378_known_gemeenten_pass(examples: dict[str, Message], ctx: StoreContext) -> None:
    for kind in ("JW301", "JW305", "JW307", "JW315", "JW317", "JW319"):
        assert hits("TR378", examples[kind], ctx) == [], kind
    assert ctx.gemeente_known("0363", None)  # None: valid today
    assert not ctx.gemeente_known("9999", None)


def test_tr378_unknown_gemeente_fails(examples: dict[str, Message], ctx: StoreContext) -> None:
    assert hits("TR378", with_header(examples["JW305"], ontvanger="9999"), ctx) == [
        ("header", "ontvanger")]
    assert hits("TR378", with_header(examples["JW317"], ontvanger="0000"), ctx) == [
        ("header", "ontvanger")]
    assert hits("TR378", with_header(examples["JW301"], afzender="9999"), ctx) == [
        ("header", "afzender")]
    m319: Any = examples["JW319"]
    wrong = m319.model_copy(update={"antwoord": m319.antwoord.model_copy(update={
        "woonplaatsbeginsel": m319.antwoord.woonplaatsbeginsel.model_copy(
            update={"gemeente": "9999"})})})
    assert hits("TR378", wrong, ctx) == [("antwoord", "woonplaatsbeginsel", "gemeente")]


def test_tr378_herindeling_old_code_on_ingangsdatum(
    examples: dict[str, Message], conn: Connection, rows: Rows
) -> None:
    # A synthetic gemeente "0999" that was merged away after 2022-12-31.
    listed = GemeenteList([Gemeente("0999", "Oud", None, date(2022, 12, 31))])
    ctx = StoreContext(conn, TODAY, listed)
    m301 = with_header(examples["JW301"], afzender="0999")
    before = with_client(m301, toegewezen_producten=(
        line(m301, 0, ingangsdatum=date(2022, 6, 1)), line(m301, 1)))
    assert hits("TR378", before, ctx) == []
    assert hits("TR378", m301, ctx) == [("header", "afzender")]
    m315 = with_header(examples["JW315"], ontvanger="0999")
    assert hits("TR378", m315, ctx) == [("header", "ontvanger")]
    before_315 = with_client(m315, aangevraagde_producten=(
        line(m315, 0), line(m315, 1, toewijzing_ingangsdatum=date(2022, 12, 31))))
    assert hits("TR378", before_315, ctx) == []
    # A 305/307 about a toewijzing that started before the merger.
    m305 = with_header(examples["JW305"], ontvanger="0999")
    assert hits("TR378", m305, ctx) == [("header", "ontvanger")]
    old_start = with_lines(m305, line(m305, 0, toewijzing_ingangsdatum=date(2022, 3, 1)))
    assert hits("TR378", old_start, ctx) == []
    no_date = with_lines(m305, line(m305, 0, toewijzing_ingangsdatum=None))
    assert hits("TR378", no_date, ctx) == [("header", "ontvanger")]
    rows.allocation(300201, gemeente="0999", aanbieder="65656055",
                    ingangsdatum=date(2022, 3, 1))
    assert hits("TR378", no_date, ctx) == []


# -- TR347 -------------------------------------------------------------------------------------


def test_tr347_new_references_pass(examples: dict[str, Message], ctx: StoreContext,
                                   rows: Rows) -> None:
    rows.requested("40A12341235", accepted=False)  # a rejected 315 does not count
    rows.requested("40A12341234", aanbieder="12345678")  # another aanbieder's reference
    rows.change_request("9003", accepted=False)
    assert hits("TR347", examples["JW315"], ctx) == []
    assert hits("TR347", examples["JW317"], ctx) == []


def test_tr347_reused_reference_fails(examples: dict[str, Message], ctx: StoreContext,
                                      rows: Rows) -> None:
    rows.requested("40A12341235")
    assert hits("TR347", examples["JW315"], ctx) == [
        ("client", "aangevraagde_producten", 1, "referentie_aanbieder")]
    rows.requested("9003", aanbieder="65656055")  # a 315 reference reused in a 317
    assert hits("TR347", examples["JW317"], ctx) == [
        ("client", "verzoek", "referentie_aanbieder")]


def test_tr347_reference_of_a_317_reused_in_a_315(examples: dict[str, Message],
                                                  ctx: StoreContext, rows: Rows) -> None:
    rows.change_request("40A12341234", aanbieder="42420001")
    assert hits("TR347", examples["JW315"], ctx) == [
        ("client", "aangevraagde_producten", 0, "referentie_aanbieder")]


# -- TR374 -------------------------------------------------------------------------------------

VOT_LOCS = [("client", "aangevraagde_producten", 0, "referentie_aanbieder"),
            ("client", "aangevraagde_producten", 1, "referentie_aanbieder")]


def test_tr374_no_open_verzoek_passes(examples: dict[str, Message], ctx: StoreContext,
                                      rows: Rows) -> None:
    assert hits("TR374", examples["JW315"], ctx) == []
    rows.requested("R1", aanbieder="12345678")  # another aanbieder
    rows.requested("R2", bsn=OTHER_BSN)  # another client
    rows.requested("R3", accepted=False)  # rejected at receipt: never a verzoek
    assert hits("TR374", examples["JW315"], ctx) == []


def test_tr374_answered_verzoeken_are_closed(examples: dict[str, Message], ctx: StoreContext,
                                             rows: Rows) -> None:
    rows.requested("R1")
    rows.requested("R2")
    rows.answer("R1", "1")  # rejected
    honoured = rows.allocation(300100, referentie=None)
    rows.version(honoured, "R2")  # a later version carried R2: honoured
    assert hits("TR374", examples["JW315"], ctx) == []
    rows.change_request("V1", aanbieder="65656055")
    rows.answer("V1", "1", aanbieder="65656055")
    assert hits("TR374", examples["JW317"], ctx) == []


def test_tr374_open_verzoek_fails(examples: dict[str, Message], ctx: StoreContext,
                                  rows: Rows) -> None:
    rows.requested("R1")
    rows.requested("R2")
    rows.allocation(300100, referentie="R1")
    rows.answer("R2", "2")  # in onderzoek: still open
    assert hits("TR374", examples["JW315"], ctx) == VOT_LOCS
    rows.change_request("V1", aanbieder="65656055")
    assert hits("TR374", examples["JW317"], ctx) == [
        ("client", "verzoek", "referentie_aanbieder")]


def test_tr374_partly_answered_vot_keeps_the_client_busy(
    examples: dict[str, Message], ctx: StoreContext, rows: Rows
) -> None:
    rows.requested("R1")
    rows.requested("R2")
    rows.allocation(300100, referentie="R1")
    assert hits("TR374", examples["JW315"], ctx) == VOT_LOCS
    rows.answer("R2", "1")
    assert hits("TR374", examples["JW315"], ctx) == []


# -- TR332 -------------------------------------------------------------------------------------


def test_tr332_same_client_and_aanbieder_passes(examples: dict[str, Message],
                                                ctx: StoreContext, rows: Rows) -> None:
    assert hits("TR332", examples["JW301"], ctx) == []
    rows.allocation(300201)
    rows.allocation(300202, gemeente="0363", bsn=OTHER_BSN)  # other gemeente's number
    assert hits("TR332", examples["JW301"], ctx) == []


def test_tr332_number_of_another_client_or_aanbieder_fails(
    examples: dict[str, Message], ctx: StoreContext, rows: Rows
) -> None:
    rows.allocation(300202, bsn=OTHER_BSN)
    assert hits("TR332", examples["JW301"], ctx) == [
        ("client", "toegewezen_producten", 1, "toewijzing_nummer")]
    rows.allocation(300201, aanbieder="12345678")
    assert hits("TR332", examples["JW301"], ctx) == [
        ("client", "toegewezen_producten", 0, "toewijzing_nummer"),
        ("client", "toegewezen_producten", 1, "toewijzing_nummer")]


# -- TR379 -------------------------------------------------------------------------------------

REF_LOCS = [("client", "toegewezen_producten", 0, "referentie_aanbieder"),
            ("client", "toegewezen_producten", 1, "referentie_aanbieder")]


def test_tr379_honouring_a_verzoek_passes(examples: dict[str, Message], ctx: StoreContext,
                                          rows: Rows) -> None:
    rows.requested("40A12341234")
    rows.requested("40A12341235")
    assert hits("TR379", examples["JW301"], ctx) == []
    # The same number re-sent with its reference is no second honouring.
    rows.allocation(300201, referentie="40A12341234")
    assert hits("TR379", examples["JW301"], ctx) == []
    m = examples["JW301"]
    without = with_client(m, toegewezen_producten=(
        line(m, 0, referentie_aanbieder=None), line(m, 1, referentie_aanbieder=None)))
    assert hits("TR379", without, ctx) == []


def test_tr379_vow_reference_on_every_product_passes(
    examples: dict[str, Message], ctx: StoreContext, rows: Rows
) -> None:
    rows.change_request("V1", aanbieder="42420001")
    m = examples["JW301"]
    vow = with_client(m, toegewezen_producten=(
        line(m, 0, referentie_aanbieder="V1"), line(m, 1, referentie_aanbieder="V1")))
    assert hits("TR379", vow, ctx) == []


def test_tr379_reference_without_verzoek_fails(examples: dict[str, Message],
                                               ctx: StoreContext, rows: Rows) -> None:
    assert hits("TR379", examples["JW301"], ctx) == REF_LOCS
    rows.requested("40A12341234", bsn=OTHER_BSN)  # another client's verzoek
    rows.requested("40A12341235", aanbieder="12345678")  # another aanbieder's verzoek
    assert hits("TR379", examples["JW301"], ctx) == REF_LOCS


def test_tr379_reference_honoured_before_fails(examples: dict[str, Message],
                                               ctx: StoreContext, rows: Rows) -> None:
    rows.requested("40A12341234")
    rows.requested("40A12341235")
    rows.allocation(300150, referentie="40A12341234")
    assert hits("TR379", examples["JW301"], ctx) == [REF_LOCS[0]]


# -- TR019 -------------------------------------------------------------------------------------


def _allocations_305(rows: Rows) -> None:
    rows.allocation(300201, gemeente="0363", aanbieder="65656055")
    rows.allocation(300202, gemeente="0363", aanbieder="65656055")


def test_tr019_known_toewijzing_passes(examples: dict[str, Message], ctx: StoreContext,
                                       rows: Rows) -> None:
    _allocations_305(rows)
    assert hits("TR019", examples["JW305"], ctx) == []
    assert hits("TR019", examples["JW307"], ctx) == []
    m = examples["JW305"]
    deletion = with_lines(m, line(m, 0), line(m, 1, status_aanlevering=DELETE,
                                              toewijzing_nummer=None))
    assert hits("TR019", deletion, ctx) == []  # deletions are TR063's business


def test_tr019_unknown_or_missing_toewijzing_fails(examples: dict[str, Message],
                                                   ctx: StoreContext, rows: Rows) -> None:
    rows.allocation(300201, gemeente="0363", aanbieder="65656055")
    m = examples["JW305"]
    assert hits("TR019", m, ctx) == [("client", "start_producten", 1, "toewijzing_nummer")]
    missing = with_lines(m, line(m, 0, toewijzing_nummer=None))
    assert hits("TR019", missing, ctx) == [("client", "start_producten", 0, "toewijzing_nummer")]
    assert hits("TR019", examples["JW307"], ctx) == [
        ("client", "stop_producten", 1, "toewijzing_nummer")]


def test_tr019_toewijzing_of_another_client_or_deleted_fails(
    examples: dict[str, Message], ctx: StoreContext, rows: Rows
) -> None:
    rows.allocation(300201, gemeente="0363", aanbieder="65656055", bsn=OTHER_BSN)
    rows.allocation(300202, gemeente="0363", aanbieder="65656055",
                    ingangsdatum=date(2026, 4, 1), einddatum=date(2026, 4, 1),
                    reden=RedenWijziging.VERWIJDERD.value)
    assert hits("TR019", examples["JW305"], ctx) == [
        ("client", "start_producten", 0, "toewijzing_nummer"),
        ("client", "start_producten", 1, "toewijzing_nummer")]


# -- TR063 -------------------------------------------------------------------------------------


def test_tr063_deleting_a_present_line_passes(examples: dict[str, Message], ctx: StoreContext,
                                              rows: Rows) -> None:
    m305, m307 = examples["JW305"], examples["JW307"]
    rows.care(m305, line(m305, 0))
    rows.care(m307, line(m307, 1))
    assert hits("TR063", with_lines(m305, line(m305, 0, status_aanlevering=DELETE)), ctx) == []
    assert hits("TR063", with_lines(m307, line(m307, 0),
                                    line(m307, 1, status_aanlevering=DELETE)), ctx) == []
    assert hits("TR063", m305, ctx) == []  # status 1 lines are not judged


def test_tr063_deleting_nothing_fails(examples: dict[str, Message], ctx: StoreContext,
                                      rows: Rows) -> None:
    m305, m307 = examples["JW305"], examples["JW307"]
    rows.deleted(rows.care(m305, line(m305, 0)))  # deleted before: nothing left
    delete_0 = line(m305, 0, status_aanlevering=DELETE)
    assert hits("TR063", with_lines(m305, delete_0), ctx) == [
        ("client", "start_producten", 0, "status_aanlevering")]
    rows.care(m305, line(m305, 0))
    twice = with_lines(m305, delete_0, delete_0)
    assert hits("TR063", twice, ctx) == [("client", "start_producten", 1, "status_aanlevering")]
    other_reden = line(m307, 1, status_aanlevering=DELETE,
                       reden_beeindiging=RedenBeeindiging.TIJDELIJK)
    rows.care(m307, line(m307, 1))
    assert hits("TR063", with_lines(m307, line(m307, 0), other_reden), ctx) == [
        ("client", "stop_producten", 1, "status_aanlevering")]


# -- TR071 -------------------------------------------------------------------------------------


def test_tr071_deleting_a_start_without_stop_passes(
    examples: dict[str, Message], ctx: StoreContext, rows: Rows
) -> None:
    m305, m307 = examples["JW305"], examples["JW307"]
    rows.care(m305, line(m305, 0))
    rows.deleted(rows.care(m307, line(m307, 0)))  # its stop was deleted first
    rows.care(m307, line(m307, 1))  # a stop of the other start
    assert hits("TR071", with_lines(m305, line(m305, 0, status_aanlevering=DELETE)), ctx) == []


def test_tr071_deleting_a_stopped_start_fails(examples: dict[str, Message], ctx: StoreContext,
                                              rows: Rows) -> None:
    m305, m307 = examples["JW305"], examples["JW307"]
    rows.care(m305, line(m305, 1))
    rows.care(m307, line(m307, 1))
    deleting = with_lines(m305, line(m305, 0), line(m305, 1, status_aanlevering=DELETE))
    assert hits("TR071", deleting, ctx) == [("client", "start_producten", 1,
                                             "status_aanlevering")]


# -- TR074 -------------------------------------------------------------------------------------


def test_tr074_new_keys_pass(examples: dict[str, Message], ctx: StoreContext,
                             rows: Rows) -> None:
    m305, m307 = examples["JW305"], examples["JW307"]
    rows.deleted(rows.care(m305, line(m305, 0)))  # deleted earlier: may come again
    rows.care(m307, line(m307, 0, reden_beeindiging=RedenBeeindiging.TIJDELIJK))
    assert hits("TR074", m305, ctx) == []
    assert hits("TR074", m307, ctx) == []


def test_tr074_correction_of_a_key_field_in_one_message_passes(
    examples: dict[str, Message], ctx: StoreContext, rows: Rows
) -> None:
    m = examples["JW305"]
    rows.care(m, line(m, 0))
    # The corrected line comes first in the document; deletions are processed first.
    correction = with_lines(m, line(m, 0, begindatum=date(2026, 4, 4)),
                            line(m, 0, status_aanlevering=DELETE))
    assert hits("TR074", correction, ctx) == []


def test_tr074_delete_and_re_add_with_the_same_key_fails(
    examples: dict[str, Message], ctx: StoreContext, rows: Rows
) -> None:
    """IV008: a delete and a new line with the same key go in two messages."""
    m = examples["JW305"]
    rows.care(m, line(m, 0))
    again = with_lines(m, line(m, 0), line(m, 0, status_aanlevering=DELETE))
    assert hits("TR074", again, ctx) == [("client", "start_producten", 0)]
    assert hits("TR063", again, ctx) == []
    assert hits("TR326", again, ctx) == []


def test_tr074_key_already_received_fails(examples: dict[str, Message], ctx: StoreContext,
                                          rows: Rows) -> None:
    m305, m307 = examples["JW305"], examples["JW307"]
    rows.care(m305, line(m305, 1))
    rows.care(m307, line(m307, 0))
    assert hits("TR074", m305, ctx) == [("client", "start_producten", 1)]
    assert hits("TR074", m307, ctx) == [("client", "stop_producten", 0)]


def test_tr074_key_twice_in_the_message_fails(examples: dict[str, Message],
                                              ctx: StoreContext) -> None:
    m = examples["JW305"]
    assert hits("TR074", with_lines(m, line(m, 0), line(m, 1), line(m, 0)), ctx) == [
        ("client", "start_producten", 2)]


# -- TR326 -------------------------------------------------------------------------------------


def test_tr326_no_actual_start_passes(examples: dict[str, Message], ctx: StoreContext,
                                      rows: Rows) -> None:
    m305, m307 = examples["JW305"], examples["JW307"]
    assert hits("TR326", m305, ctx) == []
    # An earlier start of 300201 that was stopped (temporarily): a new start may follow.
    rows.care(m305, line(m305, 0, begindatum=date(2026, 3, 1)))
    rows.care(m307, line(m307, 0, begindatum=date(2026, 3, 1),
                         reden_beeindiging=RedenBeeindiging.TIJDELIJK))
    # An earlier start of 300202 that was deleted.
    rows.deleted(rows.care(m305, line(m305, 1, begindatum=date(2026, 3, 1))))
    # The same key is TR074's finding, not TR326's.
    rows.care(m305, line(m305, 1))
    assert hits("TR326", m305, ctx) == []


def test_tr326_start_deleted_in_the_same_message_passes(
    examples: dict[str, Message], ctx: StoreContext, rows: Rows
) -> None:
    m = examples["JW305"]
    rows.care(m, line(m, 0, begindatum=date(2026, 3, 1)))
    replace = with_lines(m, line(m, 0), line(m, 0, begindatum=date(2026, 3, 1),
                                             status_aanlevering=DELETE))
    assert hits("TR326", replace, ctx) == []


def test_tr326_actual_start_fails(examples: dict[str, Message], ctx: StoreContext,
                                  rows: Rows) -> None:
    m = examples["JW305"]
    rows.care(m, line(m, 0, begindatum=date(2026, 3, 1)))
    assert hits("TR326", m, ctx) == [("client", "start_producten", 0)]


def test_tr326_two_new_starts_in_one_message_fail(examples: dict[str, Message],
                                                  ctx: StoreContext) -> None:
    m = examples["JW305"]
    two = with_lines(m, line(m, 1), line(m, 1, begindatum=date(2026, 4, 20)))
    assert hits("TR326", two, ctx) == [("client", "start_producten", 1)]


# -- TR382 -------------------------------------------------------------------------------------


def test_tr382_stop_of_a_start_passes(examples: dict[str, Message], ctx: StoreContext,
                                      rows: Rows) -> None:
    m = examples["JW307"]
    rows.start_for(m, 0)
    rows.start_for(m, 1)
    assert hits("TR382", m, ctx) == []
    # A deletion of a stop is TR063's business.
    assert hits("TR382", with_lines(m, line(m, 0, status_aanlevering=DELETE,
                                            begindatum=date(2026, 1, 1))), ctx) == []


def test_tr382_stop_without_start_fails(examples: dict[str, Message], ctx: StoreContext,
                                        rows: Rows) -> None:
    m = examples["JW307"]
    rows.start_for(m, 0)
    rows.deleted(rows.start_for(m, 1))
    assert hits("TR382", m, ctx) == [("client", "stop_producten", 1)]
    other_product = with_lines(m, line(m, 0, product=line(m, 1).product))
    assert hits("TR382", other_product, ctx) == [("client", "stop_producten", 0)]


# -- TR413, TR414, TR415 -----------------------------------------------------------------------

TIJDELIJK = RedenBeeindiging.TIJDELIJK
VOLGENS_PLAN = RedenBeeindiging.VOLGENS_PLAN


def test_tr413_definitive_after_temporary_passes(examples: dict[str, Message],
                                                 ctx: StoreContext, rows: Rows) -> None:
    m = examples["JW307"]
    rows.care(m, line(m, 0, reden_beeindiging=TIJDELIJK, einddatum=date(2026, 6, 1)))
    assert hits("TR413", m, ctx) == []
    assert hits("TR414", m, ctx) == []
    assert hits("TR415", m, ctx) == []


def test_tr413_second_temporary_stop_fails(examples: dict[str, Message], ctx: StoreContext,
                                           rows: Rows) -> None:
    m = examples["JW307"]
    rows.care(m, line(m, 0, reden_beeindiging=TIJDELIJK, einddatum=date(2026, 6, 1)))
    again = with_lines(m, line(m, 0, reden_beeindiging=TIJDELIJK), line(m, 1))
    assert hits("TR413", again, ctx) == [("client", "stop_producten", 0, "reden_beeindiging")]


def test_tr413_deleted_temporary_stop_does_not_count(
    examples: dict[str, Message], ctx: StoreContext, rows: Rows
) -> None:
    m = examples["JW307"]
    old = line(m, 0, reden_beeindiging=TIJDELIJK, einddatum=date(2026, 6, 1))
    rows.care(m, old)
    replace = with_lines(m, line(m, 0, reden_beeindiging=TIJDELIJK),
                         old.model_copy(update={"status_aanlevering": DELETE}))
    assert hits("TR413", replace, ctx) == []
    assert hits("TR415", replace, ctx) == []


def test_tr414_same_or_later_einddatum_passes(examples: dict[str, Message],
                                              ctx: StoreContext, rows: Rows) -> None:
    m = examples["JW307"]
    rows.care(m, line(m, 0, reden_beeindiging=TIJDELIJK))  # same Einddatum 2026-07-17
    assert hits("TR414", m, ctx) == []


def test_tr414_earlier_einddatum_fails(examples: dict[str, Message], ctx: StoreContext,
                                       rows: Rows) -> None:
    m = examples["JW307"]
    rows.care(m, line(m, 1, reden_beeindiging=TIJDELIJK, einddatum=date(2026, 7, 18)))
    assert hits("TR414", m, ctx) == [("client", "stop_producten", 1, "einddatum")]


def test_tr415_stop_after_definitive_stop_fails(examples: dict[str, Message],
                                                ctx: StoreContext, rows: Rows) -> None:
    m = examples["JW307"]
    rows.care(m, line(m, 1, einddatum=date(2026, 7, 1)))
    assert hits("TR415", m, ctx) == [("client", "stop_producten", 1)]


def test_tr415_deleted_definitive_stop_does_not_count(
    examples: dict[str, Message], ctx: StoreContext, rows: Rows
) -> None:
    m = examples["JW307"]
    rows.deleted(rows.care(m, line(m, 1, einddatum=date(2026, 7, 1))))
    assert hits("TR415", m, ctx) == []


def test_stops_in_one_message_are_taken_in_date_order(examples: dict[str, Message],
                                                      ctx: StoreContext) -> None:
    m = examples["JW307"]
    definitive = line(m, 0, einddatum=date(2026, 7, 20), reden_beeindiging=VOLGENS_PLAN)
    temporary = line(m, 0, einddatum=date(2026, 7, 10), reden_beeindiging=TIJDELIJK)
    in_order = with_lines(m, definitive, temporary)
    for code in ("TR413", "TR414", "TR415"):
        assert hits(code, in_order, ctx) == [], code
    late_temporary = temporary.model_copy(update={"einddatum": date(2026, 7, 30)})
    wrong = with_lines(m, definitive, late_temporary)
    assert hits("TR415", wrong, ctx) == [("client", "stop_producten", 1)]
    assert hits("TR413", wrong, ctx) == []
    assert hits("TR414", wrong, ctx) == []


# -- asked once per message ------------------------------------------------------------------


def test_remembered_answers_last_only_for_the_block(examples: dict[str, Message],
                                                    ctx: StoreContext, rows: Rows) -> None:
    m = examples["JW307"]
    stop = line(m, 0, reden_beeindiging=TIJDELIJK, einddatum=date(2026, 6, 1))
    key = _lines(with_lines(m, stop))[0].start_key
    assert ctx.stops_of(key) == ()
    with ctx.remembering():
        assert ctx.stops_of(key) == ()
        rows.care(m, stop)  # the block promises no writes: the kept answer stands
        assert ctx.stops_of(key) == ()
        assert ctx.allocation("0384", 424242) is None
        rows.allocation(424242)
        assert ctx.allocation("0384", 424242) is None
    # Outside the block every question goes to the store again.
    assert [s.reden_beeindiging for s in ctx.stops_of(key)] == [TIJDELIJK.value]
    found = ctx.allocation("0384", 424242)
    assert found is not None and found.toewijzing_nummer == 424242


def test_lines_are_worked_out_per_message(examples: dict[str, Message]) -> None:
    m = examples["JW307"]
    one = with_lines(m, line(m, 0, einddatum=date(2026, 6, 1)))
    two = with_lines(m, line(m, 0, einddatum=date(2026, 7, 1)), line(m, 1))
    assert [x.einddatum for x in _lines(one)] == [date(2026, 6, 1)]
    assert len(_lines(two)) == 2 and _lines(two)[0].einddatum == date(2026, 7, 1)
    assert [x.einddatum for x in _lines(one)] == [date(2026, 6, 1)]
    assert _lines(two) is _lines(two)  # the same message: worked out once


@given(st.binary(min_size=0, max_size=64))
def test_retour_identificatie_is_the_base32_prefix_of_its_digest(content: bytes) -> None:
    heen = hashlib.sha256(content).hexdigest()
    digest = hashlib.sha256(f"retour:{heen}".encode()).digest()
    assert retour_identificatie(heen) == base64.b32encode(digest).decode("ascii")[:12]


def test_a_bad_gemeente_list_row_names_its_line() -> None:
    header = "code,naam,geldig_van,geldig_tot\n0363,Amsterdam,,\n"
    with pytest.raises(ValueError, match=r"x\.csv line 3: gemeentecode '363'"):
        GemeenteList.parse(header + "363,Amsterdam,,\n", "x.csv")
    with pytest.raises(ValueError, match=r"x\.csv line 3"):
        GemeenteList.parse(header + "0384,Diemen,1 januari,\n", "x.csv")
