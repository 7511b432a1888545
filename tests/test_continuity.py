"""The zorgcontinuïteit rules layer (issue 4) on the scenario set in ``fixtures/continuity/``.

The scenario goes through the real import (``ijw.api.import_paths`` with
gemeente 0363 and today 2024-03-01), the referral register is loaded, and the
demo pack decides; every decision must equal ``expected.csv``.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from sqlalchemy import Engine, delete, func, insert, select
from typer.testing import CliRunner

from ijw import api
from ijw.errors import ConfigurationError
from ijw.messages import Message
from ijw.policy import api as policy
from ijw.policy.cli import continuity_command, referrals_app
from ijw.policy.continuity import CHECKS
from ijw.policy.pack import load_pack
from ijw.reading import read
from ijw.store import db, persist
from ijw.store.dump import canonical_dump
from ijw.store.schema import (
    Allocation,
    Answer,
    Client,
    ContinuityAllocation,
    ContinuityDecision,
    ContinuityDecisionHistory,
    Referral,
    table_of,
)
from ijw.store.schema import Message as MessageRow
from tests import synth
from tests.conftest import FIXTURES, GOLDEN, assert_golden

SCENARIO = FIXTURES / "continuity"
INBOX = SCENARIO / "inbox"
PACK = SCENARIO / "demo-pack.toml"
REFERRALS = SCENARIO / "referrals.csv"
TODAY = date(2024, 3, 1)

DECISION = table_of(ContinuityDecision)
HISTORY = table_of(ContinuityDecisionHistory)
CONTINUED = table_of(ContinuityAllocation)
ANSWER = table_of(Answer)
ALLOCATION = table_of(Allocation)
CLIENT = table_of(Client)
NOW = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
MESSAGE = table_of(MessageRow)
REFERRAL = table_of(Referral)

COLUMNS = ["bsn", "agb", "toewijzingnummer", "productcategorie", "productcode", "status",
           "reasons", "regime", "transfer_2025", "referral_date", "referral_evidence",
           "request_date", "period_start", "period_end"]


def expected() -> dict[str, dict[str, str]]:
    with (SCENARIO / "expected.csv").open(encoding="utf-8") as handle:
        return {row["toewijzingnummer"]: row for row in csv.DictReader(handle)}


def load_scenario(url: str, outbox: Path) -> Engine:
    summary = api.import_paths([INBOX], gemeente="0363", outbox=outbox, database_url=url,
                               today=TODAY)
    outcomes = {(f.message_type, f.outcome) for f in summary.files}
    assert ("JW301", "other_gemeente") in outcomes
    assert not [f for f in summary.files if f.outcome in ("invalid", "quarantined", "failed")]
    engine = db.make_engine(url)
    assert policy.import_referrals(engine, REFERRALS) == 6
    return engine


def decisions(report: policy.ContinuityReport) -> dict[str, dict[str, str]]:
    rows = csv.DictReader(io.StringIO(policy.render(report, "csv")))
    return {row["toewijzingnummer"]: row for row in rows}


def primary(row: dict[str, str]) -> tuple[str, str, str, str]:
    reasons = row["reasons"].split(";") if row["reasons"] else [""]
    return row["status"], reasons[0], row["regime"], row["transfer_2025"]


def table_rows(engine: Engine, table: Any) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(table).order_by(table.c.id))]


def count(engine: Engine, table: Any) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def _scenario_sqlite(tmp_path_factory: pytest.TempPathFactory, _sqlite_template: Path) -> Path:
    """A SQLite store with the scenario and the register imported (copied per test)."""
    folder = tmp_path_factory.mktemp("continuity")
    path = folder / "ijw.db"
    shutil.copyfile(_sqlite_template, path)
    engine = load_scenario(f"sqlite+pysqlite:///{path}", folder / "outbox")
    engine.dispose()
    assert not path.with_name("ijw.db-wal").exists()
    return path


@pytest.fixture
def store(_scenario_sqlite: Path, tmp_path: Path) -> Iterator[Engine]:
    path = tmp_path / "ijw.db"
    shutil.copyfile(_scenario_sqlite, path)
    engine = db.make_engine(f"sqlite+pysqlite:///{path}")
    yield engine
    engine.dispose()


@pytest.fixture
def scenario(db_url: str, tmp_path: Path) -> Iterator[Engine]:
    """The scenario imported into a fresh store of each kind (SQLite, PostgreSQL)."""
    engine = load_scenario(db_url, tmp_path / "outbox")
    yield engine
    engine.dispose()


def _pack_variant(tmp_path: Path, old: str, new: str, name: str = "pack.toml") -> Path:
    text = PACK.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- decisions


def test_every_decision_equals_expected(db_url: str, tmp_path: Path) -> None:
    engine = load_scenario(db_url, tmp_path / "outbox")
    report = policy.decide(engine, PACK, today=TODAY)
    got = decisions(report)
    want = expected()
    assert set(got) == set(want)
    assert "2601" not in got  # the other gemeente's toewijzing
    mismatches = {nr: (primary(got[nr]), row) for nr, row in want.items()
                  if primary(got[nr]) != (row["status"], row["primary_reason"], row["regime"],
                                          row["transfer_2025"])}
    assert not mismatches
    assert report.counts == {"eligible": 18, "needs_review": 1, "not_eligible": 13}
    assert count(engine, CONTINUED) == 18
    engine.dispose()


def test_every_reason_code_is_covered_by_the_scenario() -> None:
    reasons = {row["primary_reason"] for row in expected().values()} - {""}
    assert reasons == set(CHECKS)


def test_reasons_are_joined_primary_first(store: Engine) -> None:
    got = decisions(policy.decide(store, PACK, today=TODAY))
    assert got["2501"]["reasons"] == "REQUEST_TOO_LATE;ALLOCATION_ENDED"
    assert got["1901"]["reasons"] == "NO_REQUEST;REFERRAL_DATE_UNKNOWN"
    assert got["2001"]["reasons"] == "NO_REQUEST"  # the register gives the referral date
    assert got["501"]["referral_evidence"] == "register"
    assert got["501"]["referral_date"] == "2023-12-31"
    assert got["101"]["referral_evidence"] == "implied_by_request_date"
    assert got["2801"]["referral_evidence"] == "implied_by_requested_start"
    assert got["801"]["referral_evidence"] == "unknown"


def test_other_gemeente_is_not_decided(store: Engine) -> None:
    """A toewijzing of another gemeente in the store stays out of the report."""
    message = synth.jw301(26, "99990003", "T0026-X", date(2023, 11, 1), [synth.Toewijzing(
        2699, date(2023, 11, 6), None, None, decided=date(2023, 11, 1))], gemeente="0599")
    with store.begin() as conn:
        now = persist.now()
        message_id = persist.insert_message(
            conn, **persist.header_facts(message), sha256="f" * 64, received_at=now,
            imported_at=now, raw_xml=api.write(message), direction="out", outcome="registered")
        persist.store_jw301(conn, message, message_id, "0599", "99990003")
    got = decisions(policy.decide(store, PACK, today=TODAY))
    assert "2699" not in got
    assert len(got) == 32


def test_continuity_periods(store: Engine) -> None:
    got = decisions(policy.decide(store, PACK, today=TODAY))
    assert (got["101"]["period_start"], got["101"]["period_end"]) == ("2024-01-01", "2024-06-30")
    assert (got["201"]["period_start"], got["201"]["period_end"]) == ("2024-01-01", "2024-12-31")
    assert (got["1101"]["period_start"], got["1101"]["period_end"]) == ("2024-01-01",
                                                                          "2024-02-29")
    assert (got["2701"]["period_start"], got["2701"]["period_end"]) == ("2024-01-02", "")
    assert got["401"]["period_start"] == ""


def test_warnings_name_contracted_parties_without_agb(store: Engine) -> None:
    report = policy.decide(store, PACK, today=TODAY)
    assert any("Demo Zorg Zonder AGB" in w for w in report.warnings)
    early = policy.decide(store, PACK, today=date(2024, 1, 15))
    assert any("request deadline 2024-01-31 has not passed" in w for w in early.warnings)
    shipped = load_pack(Path(__file__).resolve().parent.parent / "rules"
                        / "amsterdam-esjh-2024.toml")
    assert len(shipped.pack.contracted_providers) == 13
    assert shipped.pack.contracted_agbs() == frozenset()
    assert "13 contracted parties have no AGB code" in shipped.warnings()[0]


# --------------------------------------------------------------------------- idempotency


def test_deciding_twice_writes_nothing_new(db_url: str, tmp_path: Path) -> None:
    engine = load_scenario(db_url, tmp_path / "outbox")
    first = policy.decide(engine, PACK, today=TODAY)
    assert first.stats.new == 32
    rows = table_rows(engine, DECISION)
    continued = table_rows(engine, CONTINUED)
    second = policy.decide(engine, PACK, today=TODAY)
    assert (second.stats.new, second.stats.changed, second.stats.unchanged) == (0, 0, 32)
    assert table_rows(engine, DECISION) == rows
    assert table_rows(engine, CONTINUED) == continued
    assert count(engine, HISTORY) == 0

    # A new message: the gemeente ends toewijzing 201 in 2023 after all.
    inbox = tmp_path / "later"
    inbox.mkdir()
    change = synth.jw301(2, "99990003", "T0002-END", date(2024, 2, 20), [synth.Toewijzing(
        201, date(2023, 12, 1), date(2023, 12, 31), None, decided=date(2024, 2, 20),
        reden="14")])
    (inbox / "end.xml").write_bytes(api.write(change))
    api.import_paths([inbox], gemeente="0363", outbox=tmp_path / "outbox", database_url=db_url,
                     today=TODAY)
    third = policy.decide(engine, PACK, today=TODAY)
    assert (third.stats.new, third.stats.changed, third.stats.unchanged) == (0, 1, 31)
    assert count(engine, HISTORY) == 1
    with engine.connect() as conn:
        old = conn.execute(select(HISTORY).where(HISTORY.c.toewijzing_nummer == 201)).one()
        new = conn.execute(select(DECISION).where(DECISION.c.toewijzing_nummer == 201)).one()
        gone = conn.execute(select(func.count()).select_from(CONTINUED)
                            .where(CONTINUED.c.toewijzing_nummer == 201)).scalar_one()
    assert (old.status, old.regime, old.transfer_next_year) == ("eligible", "spic_2024", True)
    assert (new.status, new.reasons) == ("not_eligible", "ALLOCATION_ENDED")
    assert gone == 0
    policy.decide(engine, PACK, today=TODAY)
    assert count(engine, HISTORY) == 1
    engine.dispose()


def test_changed_pack_updates_rows_and_keeps_history(scenario: Engine, tmp_path: Path) -> None:
    store = scenario
    policy.decide(store, PACK, today=TODAY)
    before = decisions(policy.decide(store, PACK, today=TODAY))
    # The operator fills in the AGB of the party that had none: 99990005 is re-contracted.
    filled = _pack_variant(tmp_path, 'agb = []', 'agb = ["99990005"]')
    report = policy.decide(store, filled, today=TODAY)
    after = decisions(report)
    assert before["2901"]["regime"] == "spic_2024"
    assert (after["2901"]["regime"], after["2901"]["transfer_2025"]) == ("new_contract", "false")
    assert report.stats.changed == 32  # every decision names the new pack hash
    assert count(store, HISTORY) == 32
    with store.connect() as conn:
        hashes = set(conn.execute(select(DECISION.c.pack_hash).distinct()).scalars())
        old = conn.execute(select(HISTORY.c.regime).where(
            HISTORY.c.toewijzing_nummer == 2901)).scalar_one()
    assert hashes == {report.pack.sha256}
    assert old == "spic_2024"
    assert not report.warnings or all("AGB" not in w for w in report.warnings)


def test_narrower_pack_withdraws_products_out_of_scope(scenario: Engine, tmp_path: Path) -> None:
    store = scenario
    policy.decide(store, PACK, today=TODAY)
    narrow = _pack_variant(tmp_path, "continuity_year = 2024",
                           'continuity_year = 2024\nproduct_categories = ["43", "45"]')
    report = policy.decide(store, narrow, today=TODAY)
    assert set(decisions(report)) == {"2202", "2302"}
    assert report.stats.withdrawn == 30
    assert count(store, DECISION) == 2
    assert count(store, CONTINUED) == 1
    assert count(store, HISTORY) == 32


# --------------------------------------------------------------------------- the pack


@pytest.mark.parametrize(("old", "new", "message"), [
    ("request_deadline = 2024-01-31", 'request_deadline = "31-01-2024"',
     "pack.request_deadline: expected a TOML date"),
    ("request_deadline = 2024-01-31   # inclusive", "", "pack.request_deadline: missing"),
    ('gemeente = "0363"', 'gemeente = "363"', "pack.gemeente: String should match pattern"),
    ("continuity_year = 2024", "continuity_year = 2024\nrequest_deadlin = 2024-01-31",
     "pack.request_deadlin: unknown key"),
    ('agb = ["99990002"]', 'agb = ["9999002"]', "contracted_providers.1.agb.0:"),
    ("referral_cutoff = 2023-12-31", "referral_cutoff = 2024-02-15",
     "pack.request_deadline: lies before referral_cutoff"),
    ('agb = ["99990002"]', 'agb = ["99990001"]',
     "contracted_providers: AGB 99990001 is listed for"),
    ('lots = ["Stadsbreed"]', "lots = []", "contracted_providers.1.lots:"),
    ("[pack]", "[pack", "not valid TOML"),
])
def test_bad_pack_names_the_key(tmp_path: Path, old: str, new: str, message: str) -> None:
    bad = _pack_variant(tmp_path, old, new)
    with pytest.raises(ConfigurationError) as caught:
        load_pack(bad)
    assert message in str(caught.value)
    assert str(bad) in str(caught.value)


def test_pack_hash_is_the_sha256_of_the_bytes() -> None:
    import hashlib

    assert load_pack(PACK).sha256 == hashlib.sha256(PACK.read_bytes()).hexdigest()


# --------------------------------------------------------------------------- the CLI


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command("continuity")(continuity_command)
    app.add_typer(referrals_app, name="referrals")
    return app


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def test_cli_csv_columns_and_format(store: Engine, tmp_path: Path) -> None:
    result = CliRunner().invoke(_app(), ["continuity", "--rules", str(PACK), "--format", "csv",
                                         "--db", _url(store), "--today", "2024-03-01"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split(",") == COLUMNS
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 32
    assert {r["transfer_2025"] for r in rows} == {"true", "false"}
    by_nr = {r["toewijzingnummer"]: r for r in rows}
    assert by_nr["201"]["bsn"] == synth.bsn(2)  # the export carries the BSN in full
    assert by_nr["2501"]["reasons"] == "REQUEST_TOO_LATE;ALLOCATION_ENDED"
    assert "Demo Zorg Zonder AGB" in result.stderr

    out = tmp_path / "report.json"
    result = CliRunner().invoke(_app(), ["continuity", "--rules", str(PACK), "--format", "json",
                                         "--out", str(out), "--db", _url(store)])
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert list(doc) == ["report", "pack", "gemeente", "as_of", "counts", "decisions"]
    pack = load_pack(PACK)
    assert doc["pack"] == {"id": pack.info.id, "sha256": pack.sha256, "gemeente": "0363",
                           "continuity_year": 2024}
    assert doc["counts"]["total"] == len(doc["decisions"]) == 32
    data = doc["decisions"]
    assert list(data[0]) == COLUMNS
    assert {type(r["transfer_2025"]) for r in data} == {bool}
    assert next(r for r in data if r["toewijzingnummer"] == 201)["bsn"] == synth.bsn(2)
    assert next(r for r in data if r["toewijzingnummer"] == 2501)["reasons"] == [
        "REQUEST_TOO_LATE", "ALLOCATION_ENDED"]


def test_cli_table_masks_the_bsn(store: Engine) -> None:
    result = CliRunner().invoke(_app(), ["continuity", "--rules", str(PACK), "--db", _url(store)])
    assert result.exit_code == 0, result.output
    for case in (1, 2, 21, 23):
        assert synth.bsn(case) not in result.stdout
        assert f"*****{synth.bsn(case)[-4:]}" in result.stdout
    assert "REQUEST_REJECTED" in result.stdout


def test_cli_explain_step_by_step(store: Engine) -> None:
    result = CliRunner().invoke(_app(), ["continuity", "--rules", str(PACK), "--db", _url(store),
                                         "--explain", "801"])
    assert result.exit_code == 0, result.output
    text = result.stdout
    positions = [text.index(f"{c.order}. {c.code}:") for c in CHECKS.values()]
    assert positions == sorted(positions)
    assert "5. REFERRAL_DATE_UNKNOWN: FAIL" in text
    assert "Status: needs_review" in text
    assert synth.bsn(8) not in text
    plain = policy.explain(store, 2102)  # from the store alone, without the pack
    assert "2. REQUEST_REJECTED: FAIL" in plain
    with pytest.raises(ConfigurationError):
        policy.explain(store, 999_999)


def test_cli_writes_the_messages(store: Engine, tmp_path: Path) -> None:
    result = CliRunner().invoke(_app(), [
        "continuity", "--rules", str(PACK), "--db", _url(store), "--today", "2024-03-01",
        "--format", "csv", "--out", str(tmp_path / "report.csv"),
        "--export-301", str(tmp_path / "301"), "--answer-317", str(tmp_path / "319")])
    assert result.exit_code == 0, result.output
    assert "9 JW301 file(s)" in result.stderr
    assert "2 JW319 rejection(s)" in result.stderr
    assert len(list((tmp_path / "301").iterdir())) == 9
    assert len(list((tmp_path / "319").iterdir())) == 2


def test_cli_referrals_import(tmp_path: Path, _sqlite_template: Path) -> None:
    path = tmp_path / "ijw.db"
    shutil.copyfile(_sqlite_template, path)
    result = CliRunner().invoke(_app(), ["referrals", "import", str(REFERRALS),
                                         "--db", f"sqlite:///{path}"])
    assert result.exit_code == 0, result.output
    assert "6 referral(s) imported" in result.stdout


# --------------------------------------------------------------------------- referral register


def _register(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "register.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("line", "message"), [
    (f"{synth.bsn(1)[:-1]}0,99990001,2023-12-01", "line 3: bsn *****"),
    ("000000000,99990001,2023-12-01", "line 3: bsn *****0000"),  # the all-zero number
    (f"{synth.bsn(1)},9999001,2023-12-01", "line 3: agb '9999001'"),
    (f"{synth.bsn(1)},99990001,01-12-2023", "line 3: verwijsdatum '01-12-2023'"),
    (f"{synth.bsn(1)},99990001,2023-02-30", "line 3: verwijsdatum"),
    (f"{synth.bsn(1)},99990001", "line 3: 2 fields"),
])
def test_bad_register_row_imports_nothing(store: Engine, tmp_path: Path, line: str,
                                          message: str) -> None:
    before = table_rows(store, REFERRAL)
    bad = _register(tmp_path, "bsn,agb,verwijsdatum", f"{synth.bsn(2)},99990003,2023-06-01",
                    line)
    with pytest.raises(ConfigurationError) as caught:
        policy.import_referrals(store, bad)
    assert message in str(caught.value)
    assert str(bad) in str(caught.value)
    assert synth.bsn(1) not in str(caught.value)
    assert table_rows(store, REFERRAL) == before


def test_register_upserts_by_bsn_and_agb(store: Engine, tmp_path: Path) -> None:
    # Case 6's referral moves to 2023-12-31: 601 becomes eligible.
    updated = _register(tmp_path, "bsn;agb;verwijsdatum", f"{synth.bsn(6)};99990003;2023-12-31")
    assert policy.import_referrals(store, updated) == 1
    assert count(store, REFERRAL) == 6
    got = decisions(policy.decide(store, PACK, today=TODAY))
    assert primary(got["601"]) == ("eligible", "", "spic_2024", "false")
    with pytest.raises(ConfigurationError, match="header"):
        policy.import_referrals(store, _register(tmp_path, "bsn,agb,date", "x,y,z"))


# --------------------------------------------------------------------------- messages


def _xml(path: Path) -> etree._Element:
    return etree.parse(str(path)).getroot()


def _texts(root: etree._Element, local: str) -> list[str]:
    return [e.text or "" for e in root.iter() if etree.QName(e).localname == local]


def test_spic_301_export(store: Engine, tmp_path: Path) -> None:
    outbox = tmp_path / "export"
    paths = policy.export_spic_301s(store, PACK, outbox, today=TODAY, at=time(10, 0))
    # 201, 501, 1601, 1701, 1801, 2101, 2301, 2401 at 99990003; 2901 at 99990005.
    assert len(paths) == 9
    changed: set[str] = set()
    for path in paths:
        assert_golden(f"exports/jw301/{path.name}", path.read_bytes())
        result = read(path)
        assert result.valid, [f.render() for f in result.findings]
        assert result.message_type == "JW301"
        for product in _xml(path).iter("{*}ToegewezenProduct"):
            nr = _texts(product, "ToewijzingNummer")[0]
            if _texts(product, "RedenWijziging") == ["03"]:
                changed.add(nr)
                assert _texts(product, "Einddatum") == ["2024-12-31"]
                assert _texts(product, "Toewijzingsdatum") == ["2024-03-01"]
            else:
                assert _texts(product, "RedenWijziging") == []
            assert _texts(product, "ReferentieAanbieder") == []
    assert changed == {"201", "501", "1601", "1701", "1801", "2101", "2301", "2401", "2901"}
    assert {p.name for p in (GOLDEN / "exports" / "jw301").iterdir()} == {p.name for p in paths}
    # Each message carries every current toewijzing of that client at that provider.
    numbers = {frozenset(_texts(_xml(p), "ToewijzingNummer")) for p in paths}
    assert frozenset({"2301", "2302"}) in numbers
    assert frozenset({"2101", "2102"}) in numbers
    again = policy.export_spic_301s(store, PACK, outbox, today=date(2024, 3, 2))
    assert sorted(again) == sorted(paths)
    assert len(list(outbox.iterdir())) == 9


def test_spic_lock_answers_317s_with_a_319(store: Engine, tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    paths = policy.answer_spic_317s(store, PACK, outbox, TODAY)
    assert len(paths) == 2
    references = set()
    for path in paths:
        assert_golden(f"exports/jw319/{path.name}", path.read_bytes())
        result = read(path)
        assert result.valid, [f.render() for f in result.findings]
        root = _xml(path)
        assert _texts(root, "VerzoekAntwoord") == ["1"]
        assert _texts(root, "RedenAfwijzingVerzoek") == ["4"]
        assert _texts(root, "Dagtekening") == ["2024-03-01"]
        references.update(_texts(root, "ReferentieAanbieder"))
    assert references == {"W2-2024", "W5-2024"}
    assert {p.name for p in (GOLDEN / "exports" / "jw319").iterdir()} == {p.name for p in paths}
    with store.connect() as conn:
        answers = conn.execute(select(ANSWER.c.referentie_aanbieder, ANSWER.c.reden_afwijzing,
                                      MESSAGE.c.outbox_written, MESSAGE.c.answers_id)
                               .join(MESSAGE, MESSAGE.c.id == ANSWER.c.message_id)).all()
    assert {(a.referentie_aanbieder, a.reden_afwijzing, a.outbox_written) for a in answers} == {
        ("W2-2024", "4", True), ("W5-2024", "4", True)}
    assert all(a.answers_id is not None for a in answers)
    assert policy.answer_spic_317s(store, PACK, outbox, TODAY) == []


# --------------------------------------------------------------------------- purity


@pytest.fixture(scope="module")
def scenario_messages(_scenario_sqlite: Path) -> list[tuple[Message, bool]]:
    """Every stored heenbericht of the scenario with whether it was accepted."""
    engine = db.make_engine(f"sqlite+pysqlite:///{_scenario_sqlite}")
    with engine.connect() as conn:
        rows = conn.execute(select(MESSAGE.c.raw_xml, MESSAGE.c.outcome).where(
            MESSAGE.c.message_type.in_(["JW301", "JW305", "JW307", "JW315", "JW317"]))).all()
    engine.dispose()
    out = []
    for row in rows:
        message = read(bytes(row.raw_xml), content_checks=False).message
        assert message is not None
        out.append((message, row.outcome in ("accepted", "registered")))
    return out


def _seed(url: str, messages: list[tuple[Message, bool]]) -> Engine:
    """Store the messages in the given order, bypassing the import (and its sorting)."""
    engine = db.make_engine(url)
    store_fn = {"JW301": persist.store_jw301, "JW305": persist.store_jw305,
                "JW307": persist.store_jw307}
    seen: dict[tuple[str, str, str], int] = {}
    with engine.begin() as conn:
        for i, (message, accepted) in enumerate(messages):
            facts = persist.header_facts(message)
            identity = (facts["sender"], facts["message_type"], facts["identificatie"])
            now = persist.now()
            message_id = persist.insert_message(
                conn, **facts, sha256=f"{i:064d}", received_at=now, imported_at=now,
                raw_xml=api.write(message, validate=False), direction="in",
                outcome="accepted" if accepted else "rejected",
                duplicate_of_id=seen.get(identity))
            seen.setdefault(identity, message_id)
            g, a = facts["gemeente"], facts["aanbieder"]
            if message.message_type == "JW315":
                persist.store_jw315(conn, message, message_id, g, a, accepted)
            elif message.message_type == "JW317":
                persist.store_jw317(conn, message, message_id, g, a, accepted)
            elif accepted:
                store_fn[message.message_type](conn, message, message_id, g, a)
    policy.import_referrals(engine, REFERRALS)
    return engine


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_decisions_do_not_depend_on_the_order_of_messages(
    data: st.DataObject, scenario_messages: list[tuple[Message, bool]], _sqlite_template: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Any interleaving the importer could produce gives the same decisions.

    Everything is permuted, except that the 301s keep their Dagtekening order
    among themselves, as the importer guarantees: the store resolves the
    versions of one toewijzing by Toewijzingsdatum/-tijd, and for a VOW answer
    that re-sends an unchanged toewijzing (same datum/tijd, IV093) by arrival.
    """
    order = list(data.draw(st.permutations(scenario_messages)))
    slots = [i for i, (m, _) in enumerate(order) if m.message_type == "JW301"]
    in_time = sorted((order[i] for i in slots),
                     key=lambda item: item[0].header.bericht_identificatie.dagtekening)  # type: ignore[attr-defined]
    for i, item in zip(slots, in_time, strict=True):
        order[i] = item
    path = tmp_path_factory.mktemp("permuted") / "ijw.db"
    shutil.copyfile(_sqlite_template, path)
    engine = _seed(f"sqlite+pysqlite:///{path}", order)
    got = decisions(policy.decide(engine, PACK, today=TODAY))
    engine.dispose()
    want = expected()
    assert {nr: primary(row) for nr, row in got.items()} == {
        nr: (row["status"], row["primary_reason"], row["regime"], row["transfer_2025"])
        for nr, row in want.items()}


@pytest.mark.parametrize(("reden", "actual"), [("13", False), ("01", False), ("03", True)])
def test_a_deleted_toewijzing_is_not_actual_whichever_deletion_code(
    reden: str, actual: bool
) -> None:
    """Brief 6.3: RedenWijziging 13, or the old 01, with Einddatum = Ingangsdatum deletes."""
    from types import SimpleNamespace

    from ijw.policy.exports import _actual

    day = date(2024, 1, 1)
    row = SimpleNamespace(reden_wijziging=reden, ingangsdatum=day, einddatum=day)
    assert _actual(row, day) is actual


def test_the_canonical_dump_of_decisions_ignores_surrogate_ids(
    tmp_path: Path, _sqlite_template: Path
) -> None:
    """Two stores whose allocations and clients got other ids dump the same decisions."""
    dumps = []
    for name, shift in (("plain", False), ("shifted", True)):
        path = tmp_path / f"{name}.db"
        shutil.copyfile(_sqlite_template, path)
        url = f"sqlite+pysqlite:///{path}"
        engine = db.make_engine(url)
        if shift:  # rows with high ids push every later id up, then go again
            with engine.begin() as conn:
                conn.execute(insert(MESSAGE).values(
                    id=900, message_type="JW301", direction="out", sender="0363",
                    receiver="99990001", gemeente="0363", aanbieder="99990001",
                    identificatie="SHIFT", dagtekening=date(2020, 1, 1), sha256="0" * 64,
                    received_at=NOW, imported_at=NOW, outcome="registered", raw_xml=b"<x/>"))
                conn.execute(insert(CLIENT).values(id=700, bsn="999999990"))
                conn.execute(insert(ALLOCATION).values(
                    id=800, gemeente="0363", toewijzing_nummer=999999, client_id=700,
                    aanbieder="99990001", message_id=900, toewijzingsdatum=date(2020, 1, 1),
                    toewijzingstijd=time(9, 0), ingangsdatum=date(2020, 1, 1)))
        engine.dispose()
        engine = load_scenario(url, tmp_path / f"{name}-outbox")
        if shift:
            with engine.begin() as conn:
                conn.execute(delete(ALLOCATION).where(ALLOCATION.c.id == 800))
                conn.execute(delete(CLIENT).where(CLIENT.c.id == 700))
                conn.execute(delete(MESSAGE).where(MESSAGE.c.id == 900))
        policy.decide(engine, PACK, today=TODAY)
        with engine.connect() as conn:
            ids = conn.execute(select(func.min(DECISION.c.allocation_id))).scalar_one()
        dumps.append((ids, canonical_dump(engine)))
        engine.dispose()
    (plain_id, plain), (shifted_id, shifted) = dumps
    assert shifted_id > plain_id  # the ids really differ
    assert any('"continuity_decision"' in line for line in plain)
    assert plain == shifted
