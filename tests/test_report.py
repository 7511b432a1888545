"""``ijw report``: the HTML report on the demo stores, its figures checked by independent SQL.

The store holds the demo inbox (``fixtures/demo``), the continuity scenario
(``fixtures/continuity``) decided under its demo pack, and a synthetic
declaratie traffic with one partly rejected 323. Each section's figures are
compared with plain SQL counts written here, apart from the report's queries.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest
from lxml import html as lxml_html
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from ijw import api
from ijw.cli import app
from ijw.policy import api as policy
from ijw.report.queries import SENT_RETOURS, Period, ReportFigures, gather
from ijw.store import db
from ijw.workdays import add_working_days
from ijw.writing import write
from tests import synth
from tests.conftest import FIXTURES, PostgresServer

DEMO = FIXTURES / "demo"
SCENARIO = FIXTURES / "continuity"
PACK = SCENARIO / "demo-pack.toml"
TODAY = date(2024, 6, 3)
CHROMIUM = Path("/usr/bin/chromium")
BROWSER_ENV = "IJW_REQUIRE_BROWSER"
#: The charts without a pack: traffic, timeliness, rejections by code and by provider, declaraties.
BASE_CHARTS = 5
NOW = datetime(2024, 6, 3, 12, 0)


def build_store(url: str, folder: Path) -> Engine:
    """Import the demo, the continuity scenario and declaraties into ``url``; decide the pack."""
    outbox = folder / "outbox"
    for inbox in (DEMO, SCENARIO / "inbox"):
        api.import_paths([inbox], gemeente="0363", outbox=outbox, database_url=url, today=TODAY)
    declaraties = folder / "declaraties"
    synth.write_declaraties(declaraties, 12, months=3)
    # One 323 of which one prestatie names no toewijzing (TR338): partly approved.
    partly = synth.jw323(synth.aanbieder(0), "DPARTLY00001", date(2024, 4, 5), [
        synth.Prestatie("PPARTLY000001", synth.DECLARATIE_NUMMER, client=0,
                        begin=date(2024, 3, 1), end=date(2024, 3, 31)),
        synth.Prestatie("PPARTLY000002", 999_999, client=0,
                        begin=date(2024, 3, 1), end=date(2024, 3, 31)),
    ], period=(date(2024, 3, 1), date(2024, 3, 31)))
    (declaraties / "jw323-partly.xml").write_bytes(write(partly, stamp=False, validate=False))
    api.import_paths([declaraties], gemeente="0363", outbox=outbox, database_url=url,
                     today=TODAY)
    engine = db.make_engine(url)
    policy.import_referrals(engine, SCENARIO / "referrals.csv")
    policy.decide(engine, PACK, today=TODAY)
    return engine


@pytest.fixture(scope="module")
def _report_sqlite(tmp_path_factory: pytest.TempPathFactory, _sqlite_template: Path) -> Path:
    folder = tmp_path_factory.mktemp("report")
    path = folder / "ijw.db"
    shutil.copyfile(_sqlite_template, path)
    build_store(f"sqlite+pysqlite:///{path}", folder).dispose()
    return path


@pytest.fixture
def store(_report_sqlite: Path, tmp_path: Path) -> Engine:
    path = tmp_path / "ijw.db"
    shutil.copyfile(_report_sqlite, path)
    return db.make_engine(f"sqlite+pysqlite:///{path}")


@pytest.fixture(scope="module")
def rendered(_report_sqlite: Path, tmp_path_factory: pytest.TempPathFactory
             ) -> tuple[api.ReportResult, str]:
    engine = db.make_engine(f"sqlite+pysqlite:///{_report_sqlite}")
    out = tmp_path_factory.mktemp("rendered") / "report.html"
    result = api.report(out, packs=[PACK], store=engine, today=TODAY)
    engine.dispose()
    return result, out.read_text(encoding="utf-8")


def sql(engine: Engine, statement: str) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(statement))]


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


# --------------------------------------------------------------------------- figures vs SQL


def test_traffic_equals_sql(rendered: tuple[api.ReportResult, str], store: Engine) -> None:
    figures = rendered[0].figures
    by_type: Counter[str] = Counter()
    for t in figures.traffic:
        by_type[t.message_type] += t.messages
    assert dict(by_type) == dict(sql(store, "SELECT message_type, COUNT(*) FROM message "
                                            "GROUP BY message_type"))
    months = {t.month for t in figures.traffic}
    assert months == {r[0] for r in sql(store, "SELECT DISTINCT substr(dagtekening, 1, 7) "
                                               "FROM message")}
    assert figures.messages_in_store == figures.messages_in_period


def test_timeliness_equals_sql(rendered: tuple[api.ReportResult, str], store: Engine) -> None:
    found = {t.kind: t for t in rendered[0].figures.timeliness}
    retours = {kind: n for kind, n in sql(
        store, "SELECT message_type, COUNT(*) FROM message WHERE direction = 'out' "
               "AND answers_id IS NOT NULL GROUP BY message_type") if kind in SENT_RETOURS}
    assert {k: found[k].total for k in retours} == retours
    assert found["JW301/JW319 on JW315"].total == sql(
        store, "SELECT COUNT(*) FROM requested_product WHERE accepted")[0][0]
    assert found["JW301/JW319 on JW317"].total == sql(
        store, "SELECT COUNT(*) FROM change_request WHERE accepted")[0][0]
    declaraties = found["JW325"]
    assert declaraties.total == sql(store, "SELECT COUNT(*) FROM declaration")[0][0]
    # The 325s are written on the import's day: on time when that is within 10 working days.
    written = sql(store, "SELECT h.dagtekening, a.dagtekening FROM declaration d "
                         "JOIN message h ON h.id = d.message_id "
                         "JOIN message a ON a.id = d.answer_id WHERE a.outbox_written")
    on_time = sum(1 for sent, answered in written
                  if date.fromisoformat(str(answered)) <= add_working_days(
                      date.fromisoformat(str(sent)), 10))
    assert (declaraties.on_time, declaraties.late) == (on_time, len(written) - on_time)


def test_rejections_equal_sql(rendered: tuple[api.ReportResult, str], store: Engine) -> None:
    figures = rendered[0].figures
    expected = dict(sql(store, "SELECT rc.code, COUNT(DISTINCT rc.message_id) FROM retour_code rc"
                               " JOIN message m ON m.id = rc.message_id WHERE m.direction = 'out'"
                               " AND rc.code NOT IN ('0200', '0233', '8001') GROUP BY rc.code"))
    by_code: Counter[str] = Counter()
    for c in figures.rejections_by_code:
        by_code[c.code] += c.retours
        assert c.meaning, c.code
        if c.rule:
            assert c.rule_text, c.rule
    assert dict(by_code) == expected
    assert "9338" in expected  # the partly approved 323
    received = {r[0]: (r[1], r[2]) for r in sql(
        store, "SELECT aanbieder, COUNT(*), SUM(outcome = 'rejected') FROM message "
               "WHERE direction = 'in' AND sender = aanbieder GROUP BY aanbieder")}
    assert {p.aanbieder: (p.received, p.rejected)
            for p in figures.rejections_by_provider} == received


def test_continuity_equals_sql(rendered: tuple[api.ReportResult, str], store: Engine) -> None:
    (pack,) = rendered[0].figures.packs
    statuses: Counter[str] = Counter()
    for c in pack.counts:
        statuses[c.status] += c.decisions
    assert dict(statuses) == dict(sql(store, "SELECT status, COUNT(*) FROM continuity_decision "
                                             "WHERE pack_id = 'demo-esjh-2024' GROUP BY status"))
    assert pack.transfers == sql(store, "SELECT COUNT(*) FROM continuity_decision "
                                        "WHERE transfer_next_year")[0][0] > 0
    assert not pack.stale
    assert pack.decided_under == {pack.sha256: pack.decisions}


def test_declaraties_equal_sql(rendered: tuple[api.ReportResult, str], store: Engine) -> None:
    months = rendered[0].figures.declaraties
    total = sql(store, "SELECT COUNT(*), SUM(submitted_amount), SUM(approved_amount) "
                       "FROM declaration")[0]
    assert (sum(m.declaraties for m in months), sum(m.submitted_amount for m in months),
            sum(m.approved_amount for m in months)) == total
    assert sum(m.submitted_amount for m in months) > sum(m.approved_amount for m in months)


def test_period_narrows_every_section(store: Engine, tmp_path: Path) -> None:
    result = api.report(tmp_path / "r.html", date_from=date(2024, 1, 1),
                        date_to=date(2024, 1, 31), store=store, today=TODAY)
    f = result.figures
    assert {t.month for t in f.traffic} == {"2024-01"}
    assert f.messages_in_period == sql(
        store, "SELECT COUNT(*) FROM message WHERE dagtekening BETWEEN '2024-01-01' AND "
               "'2024-01-31'")[0][0]
    assert {d.month_iso for d in f.declaraties} <= {"2024-01"}


@pytest.mark.postgres
def test_postgres_gives_the_same_figures(postgres_server: PostgresServer,
                                         _postgres_template: str, tmp_path: Path,
                                         store: Engine) -> None:
    with postgres_server.database(template=_postgres_template) as url:
        engine = build_store(url, tmp_path)
        try:
            on_postgres = gather(engine, Period(), [policy.load_pack(PACK)], today=TODAY,
                                 now=NOW)
        finally:
            engine.dispose()
    on_sqlite = gather(store, Period(), [policy.load_pack(PACK)], today=TODAY, now=NOW)
    assert _comparable(on_postgres) == _comparable(on_sqlite)




def _comparable(f: ReportFigures) -> tuple[object, ...]:
    return (f.messages_in_store, f.traffic, f.timeliness, f.rejections_by_code,
            f.rejections_by_provider, f.declaraties, tuple(p.counts for p in f.packs))


# --------------------------------------------------------------------------- the page


def test_page_is_self_contained(rendered: tuple[api.ReportResult, str]) -> None:
    page = rendered[1]
    tree = lxml_html.fromstring(page)
    assert len(tree.xpath("//svg")) == BASE_CHARTS + 1
    assert not tree.xpath("//script | //link | //iframe | //img | //object")
    for element in tree.iter():
        for name, value in element.attrib.items():
            if name.split("}")[-1] in ("src", "href") or name.endswith(":href"):
                assert "http" not in value, (element.tag, name, value)
    assert not re.findall(r"url\((?!#)", page)  # only references inside the page
    assert "@import" not in page


def test_page_holds_no_bsn(rendered: tuple[api.ReportResult, str], store: Engine) -> None:
    page = rendered[1]
    bsns = [str(r[0]) for r in sql(store, "SELECT bsn FROM client")]
    assert len(bsns) > 20
    assert not [b for b in bsns if b in page]
    assert not [b for b in bsns if b[-4:] + "<" in page and f"*{b[-4:]}" in page]


def test_page_states_store_period_packs_and_time(rendered: tuple[api.ReportResult, str]
                                                 ) -> None:
    result, page = rendered
    assert "sqlite+pysqlite:///" in page
    pack = policy.load_pack(PACK)
    assert pack.info.id in page and pack.sha256 in page
    assert "everything in the store" in page
    assert result.figures.generated_at.strftime("%Y-%m-%d %H:%M") in page
    assert "The sender used this Identificatie before" in page  # WJ001 of 9056
    assert "BerichtIdentificatie/Identificatie is unique" in page  # TR056's summary


def test_store_password_is_masked() -> None:
    from ijw.report.queries import masked_url

    masked = masked_url("postgresql+psycopg://ijw:s3cret@db.example.nl/ijw")
    assert "s3cret" not in masked and "***" in masked


def test_empty_store_renders_every_chart(tmp_path: Path, _sqlite_template: Path) -> None:
    path = tmp_path / "ijw.db"
    shutil.copyfile(_sqlite_template, path)
    result = api.report(tmp_path / "r.html", database_url=f"sqlite+pysqlite:///{path}",
                        packs=[PACK], today=TODAY)
    page = result.path.read_text(encoding="utf-8")
    assert page.count("<svg") == BASE_CHARTS + 1
    assert "no decisions stored for this pack" in page


# --------------------------------------------------------------------------- the CLI


def test_cli_writes_the_report(store: Engine, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["report", "--out", str(out), "--rules", str(PACK),
                                      "--from", "2023-01-01", "--to", "2024-12-31",
                                      "--db", _url(store), "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert "report written to" in result.stdout
    assert out.read_text(encoding="utf-8").count("<svg") == BASE_CHARTS + 1


@pytest.mark.parametrize("args", [["--from", "2024-13-01"], ["--from", "2024-02-01",
                                                              "--to", "2024-01-01"]])
def test_cli_bad_period_exits_2(store: Engine, tmp_path: Path, args: list[str]) -> None:
    done = subprocess.run(["ijw", "report", "--out", str(tmp_path / "r.html"), *args,
                           "--db", _url(store)], capture_output=True, text=True, check=False,
                          env={**os.environ, "PATH": f"{Path(sys.executable).parent}:"
                                                      f"{os.environ.get('PATH', '')}"})
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr


def test_cli_missing_store_exits_2(tmp_path: Path) -> None:
    done = subprocess.run(["ijw", "report", "--out", str(tmp_path / "r.html"),
                           "--db", f"sqlite:///{tmp_path / 'none.db'}"],
                          capture_output=True, text=True, check=False,
                          env={**os.environ, "PATH": f"{Path(sys.executable).parent}:"
                                                      f"{os.environ.get('PATH', '')}"})
    assert done.returncode == 2
    assert "no store at" in done.stderr


# --------------------------------------------------------------------------- in a browser


def _chromium() -> Path:
    if CHROMIUM.is_file():
        return CHROMIUM
    reason = f"{CHROMIUM} is not installed (Debian package chromium)"
    if os.environ.get(BROWSER_ENV) == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def _chromium_args(tmp_path: Path) -> list[str]:
    return [str(_chromium()), "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", "--disable-quic", f"--user-data-dir={tmp_path / 'profile'}"]


def test_every_chart_renders_in_chromium(rendered: tuple[api.ReportResult, str],
                                         tmp_path: Path) -> None:
    page = rendered[0].path
    dom = subprocess.run([*_chromium_args(tmp_path), "--dump-dom", page.as_uri()],
                         capture_output=True, text=True, timeout=120, check=True).stdout
    tree = lxml_html.fromstring(dom)
    charts = tree.xpath("//figure[@class='chart']/svg")
    assert len(charts) == BASE_CHARTS + 1
    for chart in charts:  # each drew its bars or its "nothing" text
        assert chart.xpath(".//*[local-name()='path' or local-name()='text']")
    shot = tmp_path / "report.png"
    subprocess.run([*_chromium_args(tmp_path), "--window-size=1200,4000",
                    f"--screenshot={shot}", page.as_uri()],
                   capture_output=True, timeout=120, check=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000
