"""The declaratie figures: the monthly overview and the approved totals per toewijzing.

The store is built by importing real message files (toewijzingen, then
declaraties) on SQLite and PostgreSQL; the figures are compared with sums
worked out by hand below.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event
from typer.testing import CliRunner

from ijw import api
from ijw.cli import app, main
from ijw.declaratie_antwoord import judge
from ijw.declarations import (
    APPROVED_SO_FAR,
    ApprovedTotal,
    DeclarationMonth,
    approved_by_allocation,
    approved_so_far,
    next_month,
    overview,
)
from ijw.declarations_cli import codes_text, euros
from ijw.errors import Level
from ijw.messages.r3_2.codelists import RetourCode
from ijw.messages.r3_2.declaratie import Jw323
from ijw.store import db
from ijw.store.persist import header_facts, insert_message, store_jw323
from ijw.writing import write
from tests import synth
from tests.synth import Prestatie, Toewijzing

TODAY = date(2026, 11, 24)
G = synth.GEMEENTE
A, B = synth.AANBIEDERS[0], synth.AANBIEDERS[1]
MARCH, APRIL = date(2026, 3, 1), date(2026, 4, 1)
APRIL_PERIOD = (date(2026, 4, 1), date(2026, 4, 30))
YEAR = (date(2026, 1, 1), date(2026, 12, 31))


def _toewijzingen() -> dict[str, Any]:
    """Clients 1 and 2 at A (1001, 1002), clients 3 and 4 at B (2001, 2002): all of 2026."""
    return {
        "jw301-1.xml": synth.jw301(1, A, "T1", date(2026, 1, 2), [Toewijzing(1001, *YEAR)]),
        "jw301-2.xml": synth.jw301(2, A, "T2", date(2026, 1, 2), [Toewijzing(1002, *YEAR)]),
        "jw301-3.xml": synth.jw301(3, B, "T3", date(2026, 1, 2), [Toewijzing(2001, *YEAR)]),
        "jw301-4.xml": synth.jw301(4, B, "T4", date(2026, 1, 2), [Toewijzing(2002, *YEAR)]),
    }


def _declaraties() -> dict[str, Any]:
    """The 323s (tarief 5,000 cents a unit), with what each is worth.

    * A-1, March: P1 (1001, 10 units, 50,000) and P2 (1002, 4 units, 20,000): +70,000.
    * A-2, March: a credit of P1 (-50,000) and P1 again with 9 units (45,000): -5,000.
    * A-3, April: P3 (1001, 8 units, 40,000).
    * B-1, March: P5 (2001, 5 units, 25,000).
    * B-1 again, March, dated in the future: repeats the Identificatie (9056) and is
      after the system date (8848): its one prestatie (10,000) is rejected with both.
    * B-2, April, dated in the future (8848): two prestaties (2001: 15,000; 2002: 5,000),
      both rejected.
    """
    future = date(2026, 12, 1)  # after TODAY
    return {
        "a1.xml": synth.jw323(A, "A-1", date(2026, 4, 2), [
            Prestatie("A-P1", 1001, client=1), Prestatie("A-P2", 1002, client=2, volume=4)]),
        "a2.xml": synth.jw323(A, "A-2", date(2026, 4, 20), [
            Prestatie("A-C1", 1001, client=1, credit=True, vorig="A-P1"),
            Prestatie("A-P1B", 1001, client=1, volume=9)]),
        "a3.xml": synth.jw323(A, "A-3", date(2026, 5, 4), [
            Prestatie("A-P3", 1001, client=1, volume=8, begin=APRIL_PERIOD[0],
                      end=APRIL_PERIOD[1])], period=APRIL_PERIOD),
        "b1.xml": synth.jw323(B, "B-1", date(2026, 4, 3), [
            Prestatie("B-P5", 2001, client=3, volume=5)]),
        "b1-again.xml": synth.jw323(B, "B-1", future, [
            Prestatie("B-P6", 2001, client=3, volume=2)]),
        "b2.xml": synth.jw323(B, "B-2", future, [
            Prestatie("B-P7", 2001, client=3, volume=3, begin=APRIL_PERIOD[0],
                      end=APRIL_PERIOD[1]),
            Prestatie("B-P8", 2002, client=4, volume=1, begin=APRIL_PERIOD[0],
                      end=APRIL_PERIOD[1])], period=APRIL_PERIOD),
    }


EXPECTED = [
    DeclarationMonth(G, A, MARCH, declaraties=2, prestaties=4, rejected_prestaties=0,
                     submitted_amount=65_000, approved_amount=65_000),
    DeclarationMonth(G, A, APRIL, declaraties=1, prestaties=1, rejected_prestaties=0,
                     submitted_amount=40_000, approved_amount=40_000),
    DeclarationMonth(G, B, MARCH, declaraties=2, prestaties=2, rejected_prestaties=1,
                     submitted_amount=35_000, approved_amount=25_000,
                     rejected_codes={"8848": 1, "9056": 1}),
    DeclarationMonth(G, B, APRIL, declaraties=1, prestaties=2, rejected_prestaties=2,
                     submitted_amount=20_000, approved_amount=0,
                     rejected_codes={"8848": 2}),
]


def _write(folder: Path, messages: dict[str, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, message in messages.items():
        (folder / name).write_bytes(write(message, stamp=False))
    return folder


def build_store(url: str, tmp_path: Path) -> None:
    """Import the toewijzingen, then the declaraties."""
    for step, messages in (("301", _toewijzingen()), ("323", _declaraties())):
        summary = api.import_paths([_write(tmp_path / f"in-{step}", messages)], gemeente=G,
                                   outbox=tmp_path / "out", database_url=url, today=TODAY)
        assert summary.ok, summary.to_json()


@pytest.fixture
def store(db_url: str, tmp_path: Path) -> Iterator[Engine]:
    build_store(db_url, tmp_path)
    engine = db.make_engine(db_url)
    yield engine
    engine.dispose()


# --------------------------------------------------------------------------- the figures


def test_overview_per_aanbieder_and_month(store: Engine) -> None:
    months = overview(store)
    assert months == EXPECTED
    assert [m.rejected_amount for m in months] == [0, 0, 10_000, 20_000]
    assert api.declaration_overview(store) == EXPECTED


def test_overview_filters(store: Engine) -> None:
    assert overview(store, aanbieder=B) == EXPECTED[2:]
    assert overview(store, gemeente="0344") == []
    assert overview(store, gemeente=G, aanbieder=A) == EXPECTED[:2]
    # Whole months: a day in April selects April, from either end.
    assert overview(store, period_from=date(2026, 4, 15)) == [EXPECTED[1], EXPECTED[3]]
    assert overview(store, period_to=date(2026, 3, 1)) == [EXPECTED[0], EXPECTED[2]]
    assert overview(store, period_from=date(2026, 3, 31), period_to=date(2026, 4, 1)) == (
        EXPECTED)
    assert overview(store, period_from=date(2026, 5, 1)) == []


def test_approved_so_far_nets_credits(store: Engine) -> None:
    # 1001: P1 (10, 50,000), its credit (-10, -50,000), P1 again (9, 45,000), P3 (8, 40,000).
    assert approved_so_far(store, G, 1001) == ApprovedTotal(G, 1001, 4, 17, 85_000, "04")
    assert approved_so_far(store, G, 1002) == ApprovedTotal(G, 1002, 1, 4, 20_000, "04")
    # 2001: only B-1's P5; the rejected prestaties do not count.
    assert approved_so_far(store, G, 2001) == ApprovedTotal(G, 2001, 1, 5, 25_000, "04")
    assert approved_so_far(store, G, 9999) == ApprovedTotal(G, 9999)
    assert approved_so_far(store, "0344", 1001) == ApprovedTotal("0344", 1001)
    with store.connect() as conn:
        assert approved_so_far(conn, G, 1001).amount == 85_000
    assert api.approved_so_far(store, G, 1001).volume == 17
    assert approved_by_allocation(store, G) == {
        1001: ApprovedTotal(G, 1001, 4, 17, 85_000, "04"),
        1002: ApprovedTotal(G, 1002, 1, 4, 20_000, "04"),
        2001: ApprovedTotal(G, 2001, 1, 5, 25_000, "04"),
    }
    assert approved_by_allocation(store, "0344") == {}


def test_overview_takes_two_statements(store: Engine) -> None:
    seen: list[str] = []

    def count(*args: Any) -> None:
        if args[2].startswith("SELECT"):
            seen.append(args[2])

    event.listen(store, "before_cursor_execute", count)
    try:
        overview(store)
        approved_by_allocation(store, G)
        approved_so_far(store, G, 1001)
    finally:
        event.remove(store, "before_cursor_execute", count)
    assert len(seen) == 4


def test_approved_so_far_uses_the_partial_index(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'plan.db'}"
    engine = api.open_store(url)
    try:
        compiled = APPROVED_SO_FAR.compile(dialect=engine.dialect)
        params = {**compiled.params, "gemeente": G, "toewijzing_nummer": 1001}
        order = compiled.positiontup or ()
        with engine.connect() as conn:
            plan = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}",
                                        tuple(params[name] for name in order)).all()
    finally:
        engine.dispose()
    details = " ".join(str(row[-1]) for row in plan)
    assert "USING INDEX ix_declaration_line_allocation" in details, details
    assert "SCAN" not in details, details


def test_partly_approved_declaratie(tmp_path: Path) -> None:
    """One prestatie rejected on its own (as TR338 would): it alone counts as rejected."""
    url = f"sqlite:///{tmp_path / 'partly.db'}"
    engine = api.open_store(url)
    message = synth.jw323(A, "A-9", date(2026, 4, 2), [
        Prestatie("A-P1", 1001, client=1),
        Prestatie("A-P2", 987654, client=1, volume=2),
        Prestatie("A-P3", 1002, client=2, volume=3),
    ])
    assert isinstance(message, Jw323)
    judgement = judge([(Level.CROSS_MESSAGE, RetourCode.R9338,
                        ("declaratie", "clienten", 0, "prestaties", 1, "toewijzing_nummer"))])
    now = datetime(2026, 4, 2, tzinfo=UTC)
    try:
        with engine.begin() as conn:
            common = {"received_at": now, "imported_at": now, "raw_xml": b"<x/>"}
            heen = insert_message(conn, **header_facts(message), direction="in",
                                  outcome="partly", sha256="1" * 64, **common)
            answer = insert_message(conn, message_type="JW325", direction="out", sender=G,
                                    receiver=A, gemeente=G, aanbieder=A,
                                    identificatie="ANSWER1", dagtekening=now.date(),
                                    sha256="2" * 64, outcome="sent", answers_id=heen, **common)
            store_jw323(conn, message, heen, G, A, judgement, answer)
        [month] = overview(engine)
        assert month == DeclarationMonth(G, A, MARCH, declaraties=1, prestaties=3,
                                         rejected_prestaties=1, submitted_amount=75_000,
                                         approved_amount=65_000, rejected_codes={"9338": 1})
        assert approved_so_far(engine, G, 987654) == ApprovedTotal(G, 987654)
        assert approved_so_far(engine, G, 1001).amount == 50_000
    finally:
        engine.dispose()


def test_next_month() -> None:
    assert next_month(date(2026, 12, 31)) == date(2027, 1, 1)
    assert next_month(date(2026, 1, 31)) == date(2026, 2, 1)


# --------------------------------------------------------------------------- the command


def _run(*args: str) -> Any:
    return CliRunner().invoke(app, ["declaraties", *args])


@pytest.fixture
def sqlite_store(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'ijw.db'}"
    build_store(url, tmp_path)
    return url


def test_cli_table(sqlite_store: str) -> None:
    result = _run("--db", sqlite_store)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "€ 650,00" in out and "€ 350,00" in out and "€ 100,00" in out
    assert "8848:1 9056:1" in out and "8848:2" in out
    assert "2026-03" in out and A in out and B in out


def test_cli_csv(sqlite_store: str, tmp_path: Path) -> None:
    target = tmp_path / "declaraties.csv"
    result = _run("--db", sqlite_store, "--format", "csv", "--aanbieder", B, "--out",
                  str(target))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert [(r["month"], r["submitted_amount"], r["approved_amount"], r["rejected_amount"],
             r["rejected_codes"]) for r in rows] == [
        ("2026-03", "35000", "25000", "10000", "8848:1 9056:1"),
        ("2026-04", "20000", "0", "20000", "8848:2"),
    ]


def test_cli_json(sqlite_store: str) -> None:
    result = _run("--db", sqlite_store, "--format", "json", "--from", "2026-04",
                  "--to", "2026-04-30", "--gemeente", G)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["filters"] == {"gemeente": G, "aanbieder": None, "from": "2026-04",
                              "to": "2026-04"}
    assert doc["counts"] == {"rows": 2, "declaraties": 2, "prestaties": 3,
                             "rejected_prestaties": 2, "submitted_amount": 60_000,
                             "approved_amount": 40_000, "rejected_amount": 20_000}
    assert doc["rows"] == [EXPECTED[1].to_json(), EXPECTED[3].to_json()]
    assert doc["rows"][1]["rejected_codes"] == {"8848": 2}
    assert doc["store"].endswith("ijw.db")


def test_cli_missing_store_and_bad_month(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                         ) -> None:
    missing = tmp_path / "nothing-here.db"
    with pytest.raises(SystemExit) as exit_info:
        main(["declaraties", "--db", f"sqlite:///{missing}"])
    assert exit_info.value.code == 2
    assert "no store at" in capsys.readouterr().err
    assert not missing.exists()
    result = _run("--db", f"sqlite:///{missing}", "--from", "2026-13")
    assert result.exit_code == 2
    assert "not a month" in result.output


def test_euros_and_codes_text() -> None:
    assert euros(123_456) == "€ 1.234,56"
    assert euros(-5_000) == "€ -50,00"
    assert euros(0) == "€ 0,00"
    assert euros(100_000_007) == "€ 1.000.000,07"
    assert codes_text({"9307": 2, "9339": 1}) == "9307:2 9339:1"
