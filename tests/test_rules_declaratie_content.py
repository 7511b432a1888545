"""The rules of :mod:`ijw.rules.declaratie_content` on a JW323: edges beyond the fixtures.

The fixtures (``fixtures/rules/``) run one passing and one failing 323 per rule
through the import. Here each rule meets its boundaries: exactly five years,
month ends in February and leap years, zero amounts, credits, the IV081 minute
rounding. The level-2 cases are written and read back, so the findings carry the
element path the operator is shown; TR346 (level 4) is called directly.
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

from ijw import api
from ijw.errors import Level
from ijw.messages import Message
from ijw.messages.r3_2.codelists import RetourCode
from ijw.messages.r3_2.declaratie import Jw323
from ijw.reading import read
from ijw.rules import RULES
from ijw.rules import declaratie_content as dc
from ijw.writing import write
from tests import synth
from tests.strategies import message_strategy
from tests.synth import Prestatie

AANBIEDER = synth.AANBIEDERS[0]
DAY = date(2026, 4, 6)
MARCH = (date(2026, 3, 1), date(2026, 3, 31))
FEB_2024 = (date(2024, 2, 1), date(2024, 2, 29))
FEB_2026 = (date(2026, 2, 1), date(2026, 2, 28))

DECL = "Bericht/Declaratie"
P1 = f"{DECL}/Clienten/Client[1]/Prestaties/Prestatie[1]"
P2 = f"{DECL}/Clienten/Client[1]/Prestaties/Prestatie[2]"
DP = f"{DECL}/DeclaratiePeriode"

#: Every rule this module registers.
OURS = sorted(code for code, r in RULES.items() if r.func.__module__ == dc.__name__)
CONTENT = [code for code in OURS if RULES[code].level is Level.CONTENT]


def p(ref: str = "RN1", period: tuple[date, date] = MARCH, **kw: Any) -> Prestatie:
    return Prestatie(ref, 1001, begin=period[0], end=period[1], **kw)


def m323(*prestaties: Prestatie, day: date = DAY, period: tuple[date, date] = MARCH,
         total: int | None = None) -> Message:
    return synth.jw323(AANBIEDER, "D0000000001", day, list(prestaties) or [p()],
                       period=period, total=total)


def changed(message: Message, change: Callable[[dict[str, Any]], None]) -> Message:
    data = message.model_dump()
    change(data)
    return type(message).model_validate(data)


def declaratie(**fields: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data["declaratie"].update(fields)

    return change


def level2(message: Message) -> list[tuple[str | None, str | None]]:
    """(rule, element path) of every level-2 finding, written (XSD-checked) and read back."""
    result = read(write(message, stamp=False), name="m.xml")
    assert result.message == message
    for f in result.findings:
        assert f.level is Level.CONTENT and f.code == "0001" and f.line is not None
    return [(f.rule, f.path) for f in result.findings]


@dataclass(frozen=True)
class Edge:
    """A 323 and the level-2 findings (rule, path) it must give; ``[]`` for none."""

    name: str
    message: Callable[[], Message]
    expected: list[tuple[str, str]]


def two_credits(vorig_1: str, vorig_2: str, ref_2: str = "RN3") -> Message:
    return m323(p("RN2", credit=True, vorig=vorig_1), p(ref_2, credit=True, vorig=vorig_2))


EDGES: list[Edge] = [
    # CD060
    Edge("CD060 credit with VorigReferentieNummer",
         lambda: m323(p(credit=True, vorig="RN0")), []),
    Edge("CD060 credit without VorigReferentieNummer",
         lambda: m323(p(credit=True)), [("CD060", f"{P1}/ProductReferentie")]),
    Edge("CD060 debet with VorigReferentieNummer", lambda: m323(p(vorig="RN0")),
         [("CD060", f"{P1}/ProductReferentie/VorigReferentieNummer")]),
    # CD087
    Edge("CD087 euro without tariff",
         lambda: m323(p(eenheid="83", volume=500, tarief=None, bedrag=500)), []),
    Edge("CD087 minutes without tariff", lambda: m323(p(eenheid="01", tarief=None, bedrag=0)),
         [("CD087", f"{P1}/Eenheid")]),
    Edge("CD087 euro with tariff", lambda: m323(p(eenheid="83", volume=500, tarief=1,
                                                  bedrag=500)),
         [("CD087", f"{P1}/ProductTarief")]),
    # CS100
    Edge("CS100 on 2021-01-01",
         lambda: m323(p(period=(date(2021, 1, 1), date(2021, 1, 31))), day=date(2021, 2, 1),
                      period=(date(2021, 1, 1), date(2021, 1, 31))), []),
    Edge("CS100 a DeclaratiePeriode in December 2020",
         lambda: m323(p(period=(date(2021, 1, 1), date(2021, 1, 31))), day=date(2021, 2, 1),
                      period=(date(2020, 12, 1), date(2020, 12, 31))),
         [("CS100", f"{DP}/Begindatum"), ("CS100", f"{DP}/Einddatum")]),
    Edge("CS100 a ProductPeriode ending 2020-12-31",
         lambda: m323(p(period=(date(2020, 12, 1), date(2020, 12, 31))), day=date(2021, 2, 1),
                      period=(date(2021, 1, 1), date(2021, 1, 31))),
         [("CS100", f"{P1}/ProductPeriode/Begindatum"),
          ("CS100", f"{P1}/ProductPeriode/Einddatum")]),
    # CS325
    Edge("CS325 zero debet, zero total", lambda: m323(p(volume=0)), []),
    Edge("CS325 non-zero credit", lambda: m323(p(credit=True, vorig="RN0")), []),
    Edge("CS325 zero credit", lambda: m323(p(credit=True, vorig="RN0", volume=0)),
         [("CS325", f"{P1}/IngediendBedrag/DebetCredit")]),
    Edge("CS325 a total of 0 C",
         lambda: changed(m323(p(volume=0)), lambda d: d["declaratie"][
             "totaal_ingediend_bedrag"].update(debet_credit="C")),
         [("CS325", f"{DECL}/TotaalIngediendBedrag/DebetCredit")]),
    Edge("CS325 a debet and its credit: total 0 D",
         lambda: m323(p("RN1"), p("RN2", credit=True, vorig="RN0")), []),
    # CS337
    Edge("CS337 the whole of February in a leap year",
         lambda: m323(p(period=FEB_2024), day=date(2024, 3, 4), period=FEB_2024), []),
    Edge("CS337 31 January to 1 February",
         lambda: m323(p(period=(date(2026, 1, 31), date(2026, 2, 1)))),
         [("CS337", f"{P1}/ProductPeriode/Einddatum")]),
    Edge("CS337 the same month a year later",
         lambda: m323(p(period=(date(2025, 3, 1), date(2026, 3, 1)))),
         [("CS337", f"{P1}/ProductPeriode/Einddatum")]),
    # CS339
    Edge("CS339 euro 0 for volume 0",
         lambda: m323(p(eenheid="83", volume=0, tarief=None, bedrag=0)), []),
    Edge("CS339 euro one cent more than the volume",
         lambda: m323(p(eenheid="83", volume=20_000, tarief=None, bedrag=20_001)),
         [("CS339", f"{P1}/IngediendBedrag/Bedrag")]),
    # CS340
    Edge("CS340 February 2024 to the 29th",
         lambda: m323(p(period=FEB_2024), day=date(2024, 3, 4), period=FEB_2024), []),
    Edge("CS340 February 2026 to the 28th",
         lambda: m323(p(period=FEB_2026), day=date(2026, 3, 4), period=FEB_2026), []),
    Edge("CS340 February 2024 to the 28th",
         lambda: m323(p(period=FEB_2024), day=date(2024, 3, 4),
                      period=(date(2024, 2, 1), date(2024, 2, 28))),
         [("CS340", f"{DP}/Einddatum")]),
    Edge("CS340 from the second of the month",
         lambda: m323(p(period=(date(2026, 3, 2), date(2026, 3, 31))),
                      period=(date(2026, 3, 2), date(2026, 3, 31))),
         [("CS340", f"{DP}/Begindatum")]),
    Edge("CS340 into the next month",
         lambda: m323(period=(date(2026, 3, 1), date(2026, 4, 1))),
         [("CS340", f"{DP}/Einddatum")]),
    # TR134 / TR137
    Edge("TR137 dated on the last day of the period", lambda: m323(day=date(2026, 3, 31)), []),
    Edge("TR137 dated the day before the periods end", lambda: m323(day=date(2026, 3, 30)),
         [("TR137", f"{DP}/Einddatum"), ("TR137", f"{P1}/ProductPeriode/Einddatum")]),
    Edge("TR134 and TR137 dated before the periods begin",
         lambda: m323(day=date(2026, 2, 27)),
         [("TR134", f"{DP}/Begindatum"), ("TR134", f"{P1}/ProductPeriode/Begindatum"),
          ("TR137", f"{DP}/Einddatum"), ("TR137", f"{P1}/ProductPeriode/Einddatum")]),
    Edge("TR134 ignores DeclaratieDagtekening after the Dagtekening",
         lambda: changed(m323(), declaratie(declaratie_dagtekening=date(2026, 5, 1))), []),
    # TR335
    Edge("TR335 exactly 5 years", lambda: m323(p(period=(date(2021, 3, 1), date(2021, 3, 31))),
                                               day=date(2026, 3, 31)), []),
    Edge("TR335 5 years and a day",
         lambda: m323(p(period=(date(2021, 3, 1), date(2021, 3, 31))), day=date(2026, 4, 1)),
         [("TR335", f"{P1}/ProductPeriode/Einddatum")]),
    Edge("TR335 29 February counts back to 28 February",
         lambda: m323(p(period=(date(2023, 2, 1), date(2023, 2, 28))), day=date(2028, 2, 29),
                      period=(date(2028, 1, 1), date(2028, 1, 31))), []),
    Edge("TR335 leap day to leap day",
         lambda: m323(p(period=(date(2023, 1, 1), date(2023, 1, 31))), day=date(2028, 2, 29),
                      period=(date(2028, 1, 1), date(2028, 1, 31))),
         [("TR335", f"{P1}/ProductPeriode/Einddatum")]),
    # TR358
    Edge("TR358 credits subtract: a net credit written C",
         lambda: m323(p("RN1", volume=2), p("RN2", credit=True, vorig="RN0")), []),
    Edge("TR358 a net credit written D",
         lambda: changed(m323(p("RN1", volume=2), p("RN2", credit=True, vorig="RN0")),
                         lambda d: d["declaratie"]["totaal_ingediend_bedrag"].update(
                             debet_credit="D")),
         [("TR358", f"{DECL}/TotaalIngediendBedrag/TotaalBedrag")]),
    Edge("TR358 one cent over", lambda: m323(total=50_001),
         [("TR358", f"{DECL}/TotaalIngediendBedrag/TotaalBedrag")]),
    # TR101
    Edge("TR101 one RN, two VorigReferentieNummers",
         lambda: two_credits("RN0", "RN9", ref_2="RN2"), []),
    Edge("TR101 one RN under two clients",
         lambda: m323(p("RN1"), Prestatie("RN1", 1002, client=2, begin=MARCH[0],
                                          end=MARCH[1])), []),
    Edge("TR101 one RN twice under a client, differing only in the period",
         lambda: m323(p("RN1"), p("RN1", period=FEB_2026)),
         [("TR101", f"{P2}/ProductReferentie")]),
    Edge("TR101 two credits with the same ProductReferentie",
         lambda: m323(p("RN1", credit=True, vorig="RN0"), p("RN1", credit=True, vorig="RN0")),
         [("TR101", f"{P2}/ProductReferentie"),
          ("TR315", f"{P2}/ProductReferentie/VorigReferentieNummer")]),
    # TR315 / TR316
    Edge("TR315 two credits of different debets", lambda: two_credits("RN0", "RN9"), []),
    Edge("TR315 two credits of one debet, two clients",
         lambda: m323(p("RN2", credit=True, vorig="RN0"),
                      Prestatie("RN3", 1002, client=2, begin=MARCH[0], end=MARCH[1],
                                credit=True, vorig="RN0")),
         [("TR315", f"{DECL}/Clienten/Client[2]/Prestaties/Prestatie[1]"
                    "/ProductReferentie/VorigReferentieNummer")]),
    Edge("TR316 a credit before the debet it credits",
         lambda: m323(p("RN2", credit=True, vorig="RN1"), p("RN1")),
         [("TR316", f"{P1}/ProductReferentie/VorigReferentieNummer")]),
    Edge("TR316 a credit and its replacement debet", lambda: m323(
        p("RN2", credit=True, vorig="RN1"), p("RN3")), []),
    # TR416
    Edge("TR416 a credit and a debet on one key", lambda: m323(
        p("RN2", credit=True, vorig="RN1"), p("RN3")), []),
    Edge("TR416 two debets, different months", lambda: m323(p("RN1"), p("RN2", period=FEB_2026)),
         []),
    Edge("TR416 two debets, different codes",
         lambda: m323(p("RN1"), p("RN2", product=("54", "54002"))), []),
    Edge("TR416 one toewijzing for two clients",
         lambda: m323(p("RN1"), Prestatie("RN2", 1001, client=2, begin=MARCH[0],
                                          end=MARCH[1])),
         [("TR416", f"{DECL}/Clienten/Client[2]/Prestaties/Prestatie[1]/ToewijzingNummer")]),
]


@pytest.mark.parametrize("edge", EDGES, ids=lambda e: e.name)
def test_level2_edges(edge: Edge) -> None:
    assert level2(edge.message()) == edge.expected


def test_every_level2_rule_has_a_failing_edge() -> None:
    assert {rule for e in EDGES for rule, _ in e.expected} == set(CONTENT)
    assert set(OURS) - set(CONTENT) == {"TR346"}


def test_registry_lines() -> None:
    assert CONTENT == ["CD060", "CD087", "CS100", "CS325", "CS337", "CS339", "CS340", "TR101",
                       "TR134", "TR137", "TR315", "TR316", "TR335", "TR358", "TR416"]
    for code in CONTENT:
        assert RULES[code].retourcode is RetourCode.R0001
        assert RULES[code].messages == frozenset({"JW323"}) or code in ("TR101", "TR134")
    assert RULES["TR101"].messages == frozenset({"JW301", "JW305", "JW307", "JW317", "JW323"})
    assert RULES["TR134"].messages == frozenset({"JW301", "JW305", "JW307", "JW315", "JW323"})
    tr346 = RULES["TR346"]
    assert (tr346.retourcode, tr346.level, tr346.messages) == (
        RetourCode.R9346, Level.EXTERNAL, frozenset({"JW323"}))
    for code in ("TR101", "TR134"):
        assert "The standard applies" in RULES[code].doc


def test_duplicate_client_points_at_the_second_bsn_and_never_names_it() -> None:
    message = m323(p("RN1"), Prestatie("RN2", 1002, client=2, begin=MARCH[0], end=MARCH[1]))
    second = synth.bsn(2)
    twice = changed(message, lambda d: d["declaratie"]["clienten"][1].update(
        bsn=synth.bsn(1)))
    assert level2(twice) == [("TR101", f"{DECL}/Clienten/Client[2]/Bsn")]
    hits = RULES["TR101"].check(twice)
    assert all(synth.bsn(1) not in h.text and second not in h.text for h in hits)


# -- TR346 -----------------------------------------------------------------------------------


def tr346(*prestaties: Prestatie) -> list[tuple[Any, ...]]:
    return [h.loc for h in RULES["TR346"].check(m323(*prestaties), None)]


AMOUNT = ("declaratie", "clienten", 0, "prestaties", 0, "ingediend_bedrag", "bedrag")


@pytest.mark.parametrize(("prestatie", "fails"), [
    (p(volume=4, tarief=1250, bedrag=5000), False),
    (p(volume=4, tarief=1250, bedrag=5001), True),
    (p(volume=4, tarief=1250, bedrag=4999), True),
    (p(volume=0, tarief=1250, bedrag=0), False),
    (p(volume=0, tarief=1250, bedrag=1), True),
    (p(volume=3, tarief=0, bedrag=0), False),
    # IV081 worked example 1: 72.90 an hour, 25 minutes: tarief 122, amount 3038 (not 3050).
    (p(volume=25, eenheid="01", tarief=122, bedrag=3038), False),
    (p(volume=25, eenheid="01", tarief=122, bedrag=3050), False),  # volume x tarief: accepted
    (p(volume=25, eenheid="01", tarief=122, bedrag=3000), True),
    # Example 2: 85.00 an hour, 50 minutes: tarief 142, amount 7083.
    (p(volume=50, eenheid="01", tarief=142, bedrag=7083), False),
    (p(volume=50, eenheid="01", tarief=142, bedrag=7000), True),
    # Example 3: 15.00 an hour, 45 minutes: both methods give 1125.
    (p(volume=45, eenheid="01", tarief=25, bedrag=1125), False),
    # The minute leniency is for minutes only: 25 dagdelen of 122 must be 3050.
    (p(volume=25, eenheid="16", tarief=122, bedrag=3038), True),
    (p(volume=25, eenheid="84", tarief=122, bedrag=3050), False),
    # Euro's are CS339's; credits are not assessed on content (IV085).
    (p(volume=100, eenheid="83", tarief=None, bedrag=99), False),
    (p(volume=4, tarief=1250, bedrag=5001, credit=True, vorig="RN0"), False),
], ids=repr)
def test_tr346(prestatie: Prestatie, fails: bool) -> None:
    assert tr346(prestatie) == ([AMOUNT] if fails else [])


def test_tr346_rejects_only_the_wrong_prestatie() -> None:
    assert tr346(p("RN1"), p("RN2", bedrag=1)) == [(*AMOUNT[:4], 1, *AMOUNT[5:])]


def brute_force(volume: int, tarief: int, bedrag: int) -> bool:
    hourly = range(max(0, 60 * tarief - 30), 60 * tarief + 30)
    assert all(dc.round_half_up(h, 60) == tarief for h in hourly)
    return any(dc.round_half_up(h * volume, 60) == bedrag for h in hourly)


@settings(max_examples=300, deadline=None)
@given(volume=st.integers(0, 20_000), tarief=st.integers(0, 20_000),
       offset=st.integers(-400, 400))
def test_minute_amount_fits_equals_trying_every_hourly_tariff(
        volume: int, tarief: int, offset: int) -> None:
    bedrag = max(0, volume * tarief + offset)
    assert dc.minute_amount_fits(volume, tarief, bedrag) == brute_force(volume, tarief, bedrag)


def test_round_half_up() -> None:
    assert dc.round_half_up(182_250, 60) == 3038  # 3037.5
    assert dc.round_half_up(1454, 1000) == 1 and dc.round_half_up(1500, 1000) == 2
    assert dc.round_half_up(7290, 60) == 122  # 121.5


# -- helpers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("day", "years", "expected"), [
    (date(2026, 5, 6), 5, date(2021, 5, 6)),
    (date(2028, 2, 29), 5, date(2023, 2, 28)),
    (date(2028, 2, 29), 4, date(2024, 2, 29)),
    (date(4, 1, 1), 5, None),
    (date(6, 12, 31), 5, date(1, 12, 31)),
])
def test_years_before(day: date, years: int, expected: date | None) -> None:
    assert dc.years_before(day, years) == expected


def test_last_of_month() -> None:
    assert dc.last_of_month(date(2024, 2, 10)) == date(2024, 2, 29)
    assert dc.last_of_month(date(2100, 2, 1)) == date(2100, 2, 28)
    assert dc.last_of_month(date(9999, 12, 5)) == date(9999, 12, 31)


# -- robustness and the official example -----------------------------------------------------


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(message=message_strategy(Jw323))
def test_no_rule_raises_on_any_jw323(message: Message) -> None:
    assert isinstance(message, Jw323)
    bsns = {client.bsn for client in message.declaratie.clienten}
    for code in OURS:
        found = RULES[code]
        context = (None,) if found.level is Level.EXTERNAL else ()
        for hit in found.check(message, *context):
            assert hit.loc[0] == "declaratie" and hit.text
            assert not any(bsn in hit.text for bsn in bsns)


@pytest.mark.shared
def test_the_official_jw323_example_breaks_tr101_and_tr416(official_examples_dir: Path) -> None:
    """RN004 twice under client 999900018 (TR101), and 10073/45A04/April twice (TR416)."""
    report = api.validate([official_examples_dir / "JW323.xml"])
    [result] = report.files
    assert not report.valid
    assert [(f.rule, f.code, f.path) for f in result.findings] == [
        ("TR101", "0001", "Bericht/Declaratie/Clienten/Client[2]/Prestaties/Prestatie[3]"
                          "/ProductReferentie"),
        ("TR416", "0001", "Bericht/Declaratie/Clienten/Client[2]/Prestaties/Prestatie[2]"
                          "/ToewijzingNummer"),
    ]
