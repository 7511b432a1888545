"""The level-3 rules on a JW323 (:mod:`ijw.rules.declaratie_store`) beyond the fixtures.

Each test writes synthetic messages (:mod:`tests.synth`) into a folder and
imports it, so the rules ask the real store through
:class:`ijw.store.context.StoreContext`: credits, a debet credited and
declared again, volumes summed over months, prestaties judged in the standard's
order within one message, the store's own uniqueness rules never reached, the
same files in one batch and in batches of one. The 325 invariants
(:mod:`ijw.answer_checks`) are checked on every 325 of the rule fixtures and
on 325s built from random findings.
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Callable, Iterator
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select

from ijw import api, importing
from ijw.answer_checks import check_answer
from ijw.codelists.cbs import Gemeente, GemeenteList
from ijw.declaratie_antwoord import build_jw325
from ijw.errors import Level
from ijw.importing import FileOutcome, ImportSummary
from ijw.messages import Message
from ijw.messages.r3_2.codelists import RetourCode
from ijw.messages.r3_2.declaratie import Jw323, Jw325
from ijw.reading import read
from ijw.retours import class_codes
from ijw.rules import RULES, Loc
from ijw.rules.context import AllocationView
from ijw.rules.declaratie_store import (
    DeclaratieHistory,
    EarlierPrestatie,
    ToewijzingView,
    assess,
)
from ijw.store import db
from ijw.store.dump import canonical_dump
from ijw.store.schema import DeclarationLine, table_of
from ijw.writing import write
from tests import synth
from tests.conftest import FIXTURES, GOLDEN
from tests.synth import Prestatie, Toewijzing

A = synth.AANBIEDERS[0]
GEMEENTE = synth.GEMEENTE
TODAY = date(2026, 8, 1)
NUMMER = 5001
START, END = date(2026, 1, 1), date(2026, 12, 31)
MARCH = (date(2026, 3, 1), date(2026, 3, 31))
APRIL = (date(2026, 4, 1), date(2026, 4, 30))
MAY = (date(2026, 5, 1), date(2026, 5, 31))
JUNE = (date(2026, 6, 1), date(2026, 6, 30))
LINE = table_of(DeclarationLine)

#: The level-3 rules of this module: (retourcode, level).
EXPECTED = {
    "TR304": RetourCode.R8187, "TR307": RetourCode.R9307, "TR308": RetourCode.R9308,
    "TR314": RetourCode.R8021, "TR318": RetourCode.R8214, "TR319": RetourCode.R9319,
    "TR321": RetourCode.R9321, "TR322": RetourCode.R9322, "TR323": RetourCode.R8017,
    "TR333": RetourCode.R9333, "TR338": RetourCode.R9338, "TR339": RetourCode.R9339,
    "TR340": RetourCode.R9340, "TR341": RetourCode.R9341, "TR369": RetourCode.R9369,
    "TR384": RetourCode.R9384, "TR385": RetourCode.R9385, "TR387": RetourCode.R9387,
    "TR388": RetourCode.R9388, "TR389": RetourCode.R9389, "TR390": RetourCode.R9390,
}


def test_registry_lines() -> None:
    for code, retourcode in EXPECTED.items():
        found = RULES[code]
        assert (found.retourcode, found.level) == (retourcode, Level.CROSS_MESSAGE), code
        # TR304 also judges the JW317 (ijw.rules.store: the client of the toewijzingen it names).
        messages = {"TR385": {"JW301"}, "TR304": {"JW317", "JW323"}}.get(code, {"JW323"})
        assert found.messages == frozenset(messages), code
    assert "TR418" not in RULES  # needs the contract tariff, which the engine does not have


# -- building and importing --------------------------------------------------------------------


def toewijzing(ident: str = "T-1", *, nummer: int = NUMMER, client: int = 1,
               start: date = START, end: date | None = END, day: date = date(2026, 1, 10),
               omvang: dict[str, Any] | None = None, product: tuple[str, str] | None = (
                   "54", "54001"), reden: str | None = None) -> Message:
    """A 301 of client ``client`` with one toewijzing (10 hours a month unless told)."""
    message = synth.jw301(client, A, ident, day, [
        Toewijzing(nummer, start, end, product=product, decided=day, reden=reden)])
    if omvang is None:
        return message
    data = message.model_dump()
    data["client"]["toegewezen_producten"][0]["omvang"] = omvang
    return type(message).model_validate(data)


def line(ref: str, period: tuple[date, date] = MARCH, **kw: Any) -> Prestatie:
    kw.setdefault("nummer", NUMMER)
    return Prestatie(ref, begin=period[0], end=period[1], **kw)


def credit(ref: str, vorig: str, period: tuple[date, date] = MARCH, **kw: Any) -> Prestatie:
    return line(ref, period, credit=True, vorig=vorig, **kw)


def declaratie(ident: str, prestaties: list[Prestatie], period: tuple[date, date],
               day: date | None = None, **kw: Any) -> Message:
    """A 323 over ``period``, dated the day after it (or ``day``)."""
    when = day or date.fromordinal(period[1].toordinal() + 1)
    return synth.jw323(A, ident, when, prestaties, period=period, **kw)


def write_all(folder: Path, messages: list[Message]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i, message in enumerate(messages):
        (folder / f"{i:03d}-{message.message_type}.xml").write_bytes(write(message, stamp=False))


def run(url: str, folder: Path, outbox: Path, *, batch_size: int = importing.BATCH_SIZE
        ) -> ImportSummary:
    options = importing.ImportOptions(gemeente=GEMEENTE, outbox=outbox, today=TODAY,
                                      schemas=api.schema_set(), batch_size=batch_size)
    engine = db.make_engine(url)
    try:
        return importing.import_files(engine, [folder], options)
    finally:
        engine.dispose()


Importer = Callable[..., list[FileOutcome]]


@pytest.fixture
def imported(db_url: str, tmp_path: Path) -> Importer:
    """Import messages (in order) into the test's store; the outcome of each, in order."""
    count = iter(range(1000))

    def go(*messages: Message, batch_size: int = importing.BATCH_SIZE) -> list[FileOutcome]:
        folder = tmp_path / f"in{next(count)}"
        write_all(folder, list(messages))
        summary = run(db_url, folder, tmp_path / "out", batch_size=batch_size)
        by_name = {Path(f.file).name: f for f in summary.files}
        return [by_name[p.name] for p in sorted(folder.iterdir())]

    return go


def rules_of(outcome: FileOutcome) -> list[tuple[str | None, str | None]]:
    return sorted((f.rule, f.path) for f in outcome.findings)


def prestatie(i: int, j: int, field: str) -> str:
    return f"declaratie/clienten/{i}/prestaties/{j}/{field}"


# -- credits and corrections -------------------------------------------------------------------


def test_debet_credited_then_declared_again(imported: Importer) -> None:
    """TR389: after RN-1 is credited (in an earlier 323), a new March debet passes; a
    second one fails, since RN-3 is not credited; TR390 refuses a second credit of RN-1."""
    outcomes = imported(
        toewijzing(),
        declaratie("D-1", [line("RN-1")], MARCH),
        declaratie("D-2", [credit("RN-2", "RN-1")], APRIL),
        declaratie("D-3", [line("RN-3", volume=8)], MAY),
        declaratie("D-4", [line("RN-4", volume=8), credit("RN-5", "RN-1")], JUNE),
    )
    assert [o.outcome for o in outcomes] == ["registered", "accepted", "accepted", "accepted",
                                             "rejected"]
    assert rules_of(outcomes[-1]) == [
        ("TR389", prestatie(0, 0, "product_periode")),
        ("TR390", prestatie(0, 1, "product_referentie/vorig_referentie_nummer")),
    ]


def test_credit_and_new_debet_in_one_323_in_either_order(imported: Importer) -> None:
    """IV086, OP366: credits are processed first, so the new debet may come before its credit."""
    outcomes = imported(
        toewijzing(),
        declaratie("D-1", [line("RN-1")], MARCH),
        declaratie("D-2", [line("RN-3", volume=8), credit("RN-2", "RN-1")], APRIL),
    )
    assert [o.outcome for o in outcomes] == ["registered", "accepted", "accepted"]


def test_a_rejected_credit_frees_nothing(imported: Importer) -> None:
    """A credit on another client (TR304) is rejected, so its debet still blocks the key."""
    outcomes = imported(
        toewijzing(),
        declaratie("D-1", [line("RN-1")], MARCH),
        declaratie("D-2", [credit("RN-2", "RN-1", client=2), line("RN-3", volume=8)], APRIL),
    )
    assert rules_of(outcomes[-1]) == [
        ("TR304", prestatie(0, 0, "toewijzing_nummer")),
        ("TR323", prestatie(0, 0, "product_referentie/vorig_referentie_nummer")),
        ("TR389", prestatie(1, 0, "product_periode")),
    ]


def test_credit_of_a_rejected_debet(imported: Importer) -> None:
    """TR323: a rejected debet can never be credited (IV085)."""
    outcomes = imported(
        toewijzing(),
        declaratie("D-1", [line("RN-1", volume=11)], MARCH),
        declaratie("D-2", [credit("RN-2", "RN-1", volume=11)], APRIL),
    )
    assert [f.rule for f in outcomes[1].findings] == ["TR321"]
    assert [f.rule for f in outcomes[2].findings] == ["TR323"]


def test_credits_skip_the_content_checks(imported: Importer) -> None:
    """IV085: a credit of an approved debet passes after the toewijzing was shortened."""
    outcomes = imported(
        toewijzing(),
        declaratie("D-1", [line("RN-1")], MARCH),
        toewijzing("T-2", end=date(2026, 2, 28), day=date(2026, 4, 10), reden="05"),
        declaratie("D-2", [credit("RN-2", "RN-1")], APRIL),
    )
    assert [o.outcome for o in outcomes] == ["registered", "accepted", "registered", "accepted"]


# -- sums over the toewijzing ------------------------------------------------------------------


WEEKLY = {"volume": 4, "eenheid": "04", "frequentie": "2"}


def test_volume_summed_over_months_and_freed_by_a_credit(imported: Importer) -> None:
    """TR322 on 4 hours a week, 8 April to 17 June (11 weeks, 44 hours): April 16 and May
    20 leave 8 for June, so June 12 fails; crediting May in the same 323 makes room."""
    june = (date(2026, 6, 1), date(2026, 6, 17))
    outcomes = imported(
        toewijzing(start=date(2026, 4, 8), end=date(2026, 6, 17), omvang=WEEKLY),
        declaratie("D-1", [line("RN-1", (date(2026, 4, 8), date(2026, 4, 30)), volume=16)],
                   APRIL),
        declaratie("D-2", [line("RN-2", MAY, volume=20)], MAY),
        declaratie("D-3", [line("RN-3", june, volume=12)], JUNE, day=date(2026, 7, 1)),
        declaratie("D-4", [line("RN-4", june, volume=12), credit("RN-5", "RN-2", MAY, volume=20)],
                   JUNE, day=date(2026, 7, 2)),
    )
    assert [o.outcome for o in outcomes] == ["registered", "accepted", "accepted", "rejected",
                                             "accepted"]
    assert rules_of(outcomes[3]) == [("TR322", prestatie(0, 0, "geleverd_volume"))]


def test_minutes_count_against_an_hour_toewijzing(imported: Importer) -> None:
    """TR321/TR322 in minutes (IV081): 600 minutes fit 10 hours a month, 601 do not."""
    outcomes = imported(
        toewijzing(),
        declaratie("D-1", [line("RN-1", volume=600, eenheid="01", tarief=83)], MARCH),
        declaratie("D-2", [line("RN-2", APRIL, volume=601, eenheid="01", tarief=83)], APRIL),
    )
    assert [o.outcome for o in outcomes] == ["registered", "accepted", "rejected"]
    assert [f.rule for f in outcomes[2].findings] == ["TR321"]


def test_budget_within_one_323_in_document_order(imported: Importer) -> None:
    """TR369: two debets on a generic toewijzing (budget 1000.00) in one 323: the first
    (600.00) fits, the second (500.00) makes it exceed and alone is rejected."""
    outcomes = imported(
        toewijzing(product=None),
        declaratie("D-1", [line("RN-1", volume=12), line("RN-2", product=("54", "54002"))],
                   MARCH),
    )
    assert outcomes[1].outcome == "partly"
    assert rules_of(outcomes[1]) == [("TR369", prestatie(0, 1, "ingediend_bedrag"))]


def test_a_rejected_prestatie_is_left_out_of_the_sums(imported: Importer) -> None:
    """The 600.00 debet breaks TR319 (May in the 323 over April), so the 500.00 after it fits."""
    outcomes = imported(
        toewijzing(product=None),
        declaratie("D-1", [line("RN-1", MAY, volume=12), line("RN-2", APRIL)], APRIL,
                   day=date(2026, 6, 1)),
    )
    assert rules_of(outcomes[1]) == [("TR319", prestatie(0, 0, "product_periode/einddatum"))]


# -- the store's unique indexes are never what refuses a 323 ----------------------------------


def test_the_store_never_refuses_a_323(imported: Importer, caplog: pytest.LogCaptureFixture
                                       ) -> None:
    """An approved ReferentieNummer used again (in a later 323 of the same batch, and twice in
    one 323 under two clients) and an approved debet credited twice (in later 323s, and
    twice in one) are findings of TR314 and TR390, never a refused row ("failed")."""
    with caplog.at_level(logging.WARNING, logger="ijw.import"):
        outcomes = imported(
            toewijzing(),
            toewijzing("T-2", nummer=NUMMER + 1, client=2),
            declaratie("D-1", [line("RN-1")], MARCH),
            declaratie("D-2", [line("RN-1", APRIL)], APRIL),
            declaratie("D-3", [line("RN-9", APRIL, nummer=NUMMER + 1, client=2),
                               line("RN-9", MAY)], MAY),
            declaratie("D-4", [credit("RN-2", "RN-1")], JUNE),
            declaratie("D-5", [credit("RN-3", "RN-1")], (date(2026, 7, 1), date(2026, 7, 31))),
        )
    assert "failed" not in [o.outcome for o in outcomes]
    assert "store refused" not in caplog.text
    assert rules_of(outcomes[3]) == [
        ("TR314", prestatie(0, 0, "product_referentie/referentie_nummer"))]
    assert rules_of(outcomes[4]) == [
        ("TR314", prestatie(1, 0, "product_referentie/referentie_nummer"))]
    assert outcomes[5].outcome == "accepted"
    assert rules_of(outcomes[6]) == [
        ("TR390", prestatie(0, 0, "product_referentie/vorig_referentie_nummer"))]


def test_two_credits_of_one_debet_in_one_323(imported: Importer) -> None:
    """TR315 (level 2) rejects the 323 before TR390 could; either way nothing is refused."""
    outcomes = imported(
        toewijzing(),
        toewijzing("T-2", nummer=NUMMER + 1, client=2),
        declaratie("D-1", [line("RN-1")], MARCH),
        declaratie("D-2", [credit("RN-2", "RN-1"), credit("RN-3", "RN-1")], APRIL),
    )
    assert outcomes[-1].outcome == "rejected"
    assert {f.rule for f in outcomes[-1].findings} <= {"TR315", "TR390"}


def test_a_323_not_sent_reserves_nothing(imported: Importer) -> None:
    """A 323 rejected on its Declaratie class (TR333) frees its ReferentieNummers (TR314),
    its DeclaratieNummer and its period (TR318) for the corrected one."""
    outcomes = imported(
        toewijzing(),
        declaratie("D-1", [line("RN-1")], APRIL, nummer="DN1"),
        declaratie("D-2", [line("RN-2", MAY)], MAY, nummer="DN1"),
        declaratie("D-3", [line("RN-2", MAY)], MAY, nummer="DN2", day=date(2026, 6, 2)),
    )
    assert [f.rule for f in outcomes[2].findings] == ["TR333"]
    assert outcomes[3].outcome == "accepted"


# -- one batch or many -------------------------------------------------------------------------


def story() -> list[Message]:
    return [
        toewijzing(),
        toewijzing("T-2", nummer=NUMMER + 1, client=2, product=None),
        declaratie("D-1", [line("RN-1"), line("RN-2", nummer=NUMMER + 1, client=2)], MARCH),
        declaratie("D-2", [credit("RN-3", "RN-1"), line("RN-4", volume=8),
                           line("RN-5", APRIL, nummer=NUMMER + 1, client=2, volume=12)], APRIL),
        declaratie("D-3", [line("RN-4", MAY), line("RN-6", MAY, volume=11)], MAY),
        declaratie("D-4", [credit("RN-7", "RN-3")], JUNE),
    ]


def test_one_batch_and_batches_of_one_agree(db_url: str, tmp_path: Path) -> None:
    """The rules see earlier messages of their own batch: same store, same 325s."""
    folder = tmp_path / "in"
    write_all(folder, story())
    results = []
    for name, size in (("one", 200), ("many", 1)):
        url = db_url if name == "one" else f"sqlite+pysqlite:///{tmp_path / 'many.db'}"
        if name == "many":
            db.upgrade(url)
        summary = run(url, folder, tmp_path / name, batch_size=size)
        outbox = {p.name: p.read_bytes() for p in (tmp_path / name).iterdir()}
        results.append(([(Path(f.file).name, f.outcome) for f in summary.files], outbox,
                         _lines(url)))
    assert results[0] == results[1]
    outcomes = [outcome for _, outcome in results[0][0]]
    assert outcomes == ["registered", "registered", "accepted", "partly", "rejected", "rejected"]


def _lines(url: str) -> list[tuple[Any, ...]]:
    engine: Engine = db.make_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(
                LINE.c.referentie_nummer, LINE.c.approved, LINE.c.codes,
                LINE.c.credited_by_id.is_not(None)).order_by(LINE.c.id)).all()
        return [tuple(r) for r in rows]
    finally:
        engine.dispose()


def test_canonical_dump_agrees(tmp_path: Path) -> None:
    """The whole store, not only the lines, in one batch and in batches of one (SQLite)."""
    folder = tmp_path / "in"
    write_all(folder, story())
    dumps = []
    for size in (200, 1):
        url = f"sqlite+pysqlite:///{tmp_path / f'{size}.db'}"
        db.upgrade(url)
        run(url, folder, tmp_path / f"out{size}", batch_size=size)
        dumps.append(canonical_dump(url))
    assert dumps[0] == dumps[1]


# -- the assessment on its own: a context in memory --------------------------------------------


class Memory:
    """Answers the 323 questions from lists; counts how often each is asked."""

    def __init__(self, toewijzingen: dict[int, ToewijzingView],
                 prestaties: tuple[EarlierPrestatie, ...] = ()) -> None:
        self._toewijzingen = toewijzingen
        self._prestaties = prestaties
        self.asked: list[str] = []

    def toewijzingen(self, gemeente: str, nummers: frozenset[int]) -> dict[int, ToewijzingView]:
        self.asked.append("toewijzingen")
        return {n: t for n, t in self._toewijzingen.items() if n in nummers}

    def prestaties_by_reference(self, aanbieder: str, referenties: frozenset[str]
                                ) -> tuple[EarlierPrestatie, ...]:
        self.asked.append("by_reference")
        return tuple(q for q in self._prestaties if q.referentie_nummer in referenties
                     or (q.approved and q.vorig_referentie_nummer in referenties))

    def prestaties_on(self, gemeente: str, nummers: frozenset[int]
                      ) -> tuple[EarlierPrestatie, ...]:
        self.asked.append("on")
        return tuple(q for q in self._prestaties if q.approved and q.toewijzing_nummer in nummers)

    def declaratie_history(self, gemeente: str, aanbieder: str, nummer: str
                           ) -> DeclaratieHistory:
        self.asked.append("history")
        return DeclaratieHistory(None, False)


VIEW: dict[str, Any] = {
    "gemeente": GEMEENTE, "toewijzing_nummer": NUMMER, "bsn": synth.bsn(1), "aanbieder": A,
    "referentie_aanbieder": None, "product_categorie": "54", "product_code": "54001",
    "toewijzingsdatum": START, "toewijzingstijd": time(9), "ingangsdatum": START,
    "einddatum": END, "reden_wijziging": None, "volume": 10, "eenheid": "04",
    "frequentie": "4", "budget": None,
}


def view(nummer: int = NUMMER, **kw: Any) -> ToewijzingView:
    """A toewijzing of client 1: 10 hours a month in 2026 unless told."""
    return ToewijzingView(**{**VIEW, "toewijzing_nummer": nummer, **kw})


def test_a_large_323_asks_four_questions() -> None:
    """However many prestaties, the store is asked four set-based questions per 323."""
    views = {NUMMER + i: view(NUMMER + i, bsn=synth.bsn(i)) for i in range(300)}
    message = synth.jw323(A, "D-1", date(2026, 4, 1), [
        line(f"RN-{i}", nummer=NUMMER + i, client=i) for i in range(300)], period=MARCH)
    assert isinstance(message, Jw323)
    memory = Memory(views)
    found = assess(message, memory)  # type: ignore[arg-type]
    assert not found.hits
    assert sorted(memory.asked) == ["by_reference", "history", "on", "toewijzingen"]


def test_per_day_and_total_frequencies() -> None:
    """TR321 per dag (Volume x days) and totaal (Volume once); TR322 totaal over all."""
    per_day = view(volume=1, frequentie="1")
    message = synth.jw323(A, "D-1", date(2026, 4, 1), [line("RN-1", volume=31)], period=MARCH)
    assert isinstance(message, Jw323)
    assert not assess(message, Memory({NUMMER: per_day})).hits  # type: ignore[arg-type]
    total = view(volume=40, frequentie="6")
    earlier = EarlierPrestatie(A, "RN-0", None, synth.bsn(1), NUMMER, "54", "54001",
                               date(2026, 2, 1), date(2026, 2, 28), 35, "04", 175_000, "D",
                               True, False)
    found = assess(message, Memory({NUMMER: total}, (earlier,)))  # type: ignore[arg-type]
    assert [h.loc for h in found.of("TR322")] == [
        ("declaratie", "clienten", 0, "prestaties", 0, "geleverd_volume")]
    assert not found.of("TR321")


# -- the 325 invariants ------------------------------------------------------------------------


def _fixture_pairs() -> Iterator[Any]:
    manifest = tomllib.loads((FIXTURES / "rules" / "manifest.toml").read_text("utf-8"))
    for case in manifest["case"]:
        if not case["file"].endswith("jw323.xml"):
            continue
        golden = GOLDEN / "retours" / f"{case['rule']}-{case['case']}.xml"
        yield pytest.param(FIXTURES / "rules" / case["dir"] / case["file"], golden,
                           id=f"{case['rule']}-{case['case']}")


def _model(path: Path) -> Message:
    result = read(path.read_bytes(), name=path.name, content_checks=False)
    assert result.message is not None, result.findings
    return result.message


@pytest.mark.parametrize(("declaratie_file", "answer_file"), list(_fixture_pairs()))
def test_every_fixture_325_keeps_the_invariants(declaratie_file: Path, answer_file: Path
                                                ) -> None:
    declaratie, answer = _model(declaratie_file), _model(answer_file)
    assert isinstance(declaratie, Jw323) and isinstance(answer, Jw325)
    assert check_answer(declaratie, answer) == []


def _base_323() -> Jw323:
    message = synth.jw323(A, "D-1", date(2026, 4, 6), [
        line("RN-1"), line("RN-2", client=2), credit("RN-3", "RN-0", client=2),
        line("RN-4", client=3, volume=3), credit("RN-5", "RN-6", client=3, volume=12),
    ], period=MARCH)
    assert isinstance(message, Jw323)
    return message


BASE = _base_323()
POSITIONS = [(i, j) for i, c in enumerate(BASE.declaratie.clienten)
             for j, _ in enumerate(c.prestaties)]
CODES = [RetourCode.R9307, RetourCode.R8021, RetourCode.R9389, RetourCode.R8187]


def _finding() -> st.SearchStrategy[tuple[Level, RetourCode, Loc]]:
    levels = st.sampled_from([Level.CROSS_MESSAGE, Level.EXTERNAL])
    codes = st.sampled_from(CODES)
    prestaties = st.sampled_from(POSITIONS).map(
        lambda ij: ("declaratie", "clienten", ij[0], "prestaties", ij[1], "geleverd_volume"))
    clients = st.integers(0, len(BASE.declaratie.clienten) - 1).map(
        lambda i: ("declaratie", "clienten", i, "bsn"))
    where = st.one_of(
        prestaties, prestaties, prestaties, clients,
        st.just(("declaratie", "declaratie_nummer")),
        st.just(("header", "bericht_identificatie", "identificatie")))
    rare = st.tuples(st.just(Level.CONTENT), st.just(RetourCode.R0001),
                     st.just(("declaratie", "totaal_ingediend_bedrag")))
    return st.one_of(st.tuples(levels, codes, where), rare)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_finding(), max_size=6))
def test_any_325_keeps_the_invariants(findings: list[tuple[Level, RetourCode, Loc]]) -> None:
    """build_jw325 keeps TR337, TR342, TR366, TR367, TR371 and TR376 whatever it is told."""
    answer = build_jw325(BASE, findings, declaratie_sha256="0" * 64, today=TODAY)
    assert check_answer(BASE, answer) == []


def test_check_answer_finds_each_broken_invariant() -> None:
    findings = [(Level.CROSS_MESSAGE, RetourCode.R9307,
                 ("declaratie", "clienten", 0, "prestaties", 0, "geleverd_volume"))]
    good = build_jw325(BASE, findings, declaratie_sha256="0" * 64, today=TODAY)
    assert check_answer(BASE, good) == []
    antwoord = good.model_dump()["declaratie_antwoord"]

    def broken(change: Callable[[dict[str, Any]], None]) -> list[str]:
        raw = good.model_dump()
        change(raw)
        return check_answer(BASE, Jw325.model_validate(raw))

    assert broken(lambda d: d["header"]["declaratie_identificatie"].update(
        identificatie="OTHER")) == [
        "TR337: DeclaratieIdentificatie is not the 323's BerichtIdentificatie"]
    assert broken(lambda d: d["declaratie_antwoord"].update(declaratie_nummer="X1")) == [
        "TR376: DeclaratieNummer is not the 323's"]
    assert broken(lambda d: d["declaratie_antwoord"]["totaal_toegekend_bedrag"].update(
        totaal_bedrag=antwoord["totaal_ingediend_bedrag"]["totaal_bedrag"])) == [
        "TR342: the listed prestaties do not sum to TotaalIngediend minus TotaalToegekend"]
    assert broken(lambda d: d["declaratie_antwoord"]["clienten"][0]["prestaties"][0].update(
        product_code="54009")) == ["TR367: Client[1]/Prestatie[1] differs from the 323's "
                                   "prestatie"]
    assert broken(lambda d: d["declaratie_antwoord"]["clienten"][0]["prestaties"][0].update(
        retour_codes=["0200"])) == [
        "TR342: Client[1]/Prestatie[1] is listed without a rejection code"]
    assert broken(lambda d: d["declaratie_antwoord"]["clienten"][0].update(
        bsn=synth.bsn(7))) == [
        "TR366: Client[1]/Prestatie[1] is not a prestatie of the 323 under this client"]


# -- the header rules of ijw.rules.store on a 323 ----------------------------------------------


def _header_codes(outbox: Path, outcome: FileOutcome) -> list[tuple[str, str]]:
    answer = _model(outbox / str(outcome.retour_file))
    return [(where, code) for where, _, code in class_codes(answer)]


def test_header_rules_on_a_323(imported: Importer, tmp_path: Path) -> None:
    """TR056 (an Identificatie used again) and TR135 (dated after today) give a
    header-only 325; the 323 counts as not sent, so its numbers stay free."""
    outcomes = imported(
        toewijzing(),
        declaratie("D-1", [line("RN-1")], MARCH),
        declaratie("D-1", [line("RN-2", APRIL)], APRIL),
        declaratie("D-3", [line("RN-3", MAY)], MAY, day=date(2026, 8, 2)),
        declaratie("D-4", [line("RN-2", APRIL)], APRIL, day=date(2026, 5, 2)),
    )
    assert [o.outcome for o in outcomes] == ["registered", "accepted", "rejected", "rejected",
                                             "accepted"]
    outbox = tmp_path / "out"
    assert _header_codes(outbox, outcomes[2]) == [("Header", "9056")]
    assert _header_codes(outbox, outcomes[3]) == [("Header", "8848")]


class OldCode:
    """A RuleContext for TR378: gemeente 0999 was merged into 0998 on 1 January 2023."""

    today = TODAY
    gemeenten = GemeenteList([Gemeente("0999", "Oud", None, date(2022, 12, 31)),
                              Gemeente("0998", "Nieuw", date(2023, 1, 1), None)])

    def __init__(self, ingang: date | None) -> None:
        self.ingang = ingang
        self.asked: list[int] = []

    def gemeente_known(self, code: str, on: date | None) -> bool:
        return self.gemeenten.is_valid(code, on or self.today)

    def allocation(self, gemeente: str, nummer: int) -> AllocationView | None:
        self.asked.append(nummer)
        if self.ingang is None:
            return None
        return ToewijzingView(**{**VIEW, "gemeente": gemeente, "toewijzing_nummer": nummer,
                                 "ingangsdatum": self.ingang})


def test_tr378_takes_the_ingangsdatum_of_the_declared_toewijzingen() -> None:
    """A 323 to a merged gemeente's old code passes when a toewijzing it declares on started
    while that code was valid; each toewijzing is asked once, however many prestaties."""
    message = synth.jw323(A, "D-1", date(2026, 4, 6), [
        line("RN-1"), line("RN-2", client=2), line("RN-3", APRIL, client=2)],
        period=APRIL, gemeente="0999")
    before, after = OldCode(date(2022, 6, 1)), OldCode(date(2023, 6, 1))
    assert RULES["TR378"].check(message, before) == []
    assert before.asked == [NUMMER]
    assert [h.loc for h in RULES["TR378"].check(message, after)] == [("header", "ontvanger")]
    assert [h.loc for h in RULES["TR378"].check(message, OldCode(None))] == [
        ("header", "ontvanger")]
