"""``ijw import`` end to end on real files and a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import itertools
import json
import logging
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from sqlalchemy import create_engine, func, insert, select

from ijw import api, importing
from ijw.errors import ConfigurationError, Level, SchemaError
from ijw.logs import JsonFormatter
from ijw.messages import lookup
from ijw.messages.r3_2.codelists import RetourCode
from ijw.reading import read
from ijw.retours import build_retour
from ijw.store import db
from ijw.store.dump import canonical_dump
from ijw.store.schema import Client, ImportRun, Message, RetourCodeRow, table_of
from tests import synth
from tests.conftest import FIXTURES, OUR_SCHEMAS

TODAY = date(2026, 11, 24)
DEMO = FIXTURES / "demo"
MESSAGE = table_of(Message)
RETOUR_CODE = table_of(RetourCodeRow)


def _import(src: Path | list[Path], url: str, outbox: Path, **kw: object) -> api.ImportSummary:
    paths = src if isinstance(src, list) else [src]
    return api.import_paths(paths, gemeente="0363", outbox=outbox, database_url=url,
                            today=TODAY, **kw)  # type: ignore[arg-type]


def _retour_codes(path: Path) -> list[str]:
    root = etree.parse(str(path)).getroot()
    return [e.text or "" for e in root.iter() if etree.QName(e).localname == "RetourCode"]


def test_demo_import_then_nothing_changes(db_url: str, tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    first = _import(DEMO, db_url, outbox)
    counts = first.counts()
    assert counts[("JW301", "registered")] == 6
    assert counts[("JW315", "accepted")] == 6
    assert counts[("JW305", "accepted")] == 6
    assert counts[("JW307", "accepted")] == 6
    assert counts[("JW315", "rejected")] == 2
    assert counts[("JW305", "rejected")] == 1
    assert counts[("JW323", "accepted")] == 1
    assert counts[("JW323", "partly")] == 1
    assert first.ok and first.changed
    retours = sorted(outbox.iterdir())
    assert len(retours) == 23  # one per received heenbericht (a 325 for each 323)
    for path in retours:
        assert read(path).valid, path
    by_heen = {f.file.rsplit("/", 1)[-1]: f for f in first.files}
    # Header 0200, StartProduct 9019, then the Client's own RetourCodes (its last child).
    assert _retour_codes(outbox / by_heen["jw305-unknown-toewijzing.xml"].retour_file) == [
        "0200", "9019", "0200"]
    assert _retour_codes(outbox / by_heen["jw315-future.xml"].retour_file) == ["8848"]
    assert _retour_codes(outbox / by_heen["jw315-duplicate-id.xml"].retour_file) == ["9056"]
    assert _retour_codes(outbox / by_heen["jw315-0.xml"].retour_file) == []

    dump = canonical_dump(db_url)
    second = _import(DEMO, db_url, outbox)
    assert not second.changed
    assert {f.outcome for f in second.files} == {"skipped"}
    assert sorted(outbox.iterdir()) == retours
    assert canonical_dump(db_url) == dump


def test_shuffled_file_names_give_the_same_store(tmp_path: Path) -> None:
    names = sorted(p.name for p in DEMO.iterdir())
    shuffled = names[:]
    random.Random(7).shuffle(shuffled)
    inbox = tmp_path / "shuffled"
    inbox.mkdir()
    for old, new in zip(names, shuffled, strict=True):
        shutil.copy(DEMO / old, inbox / f"x-{new}")
    dumps = []
    for folder, tag in ((DEMO, "a"), (inbox, "b")):
        url = f"sqlite:///{tmp_path / tag}.db"
        _import(folder, url, tmp_path / f"out-{tag}")
        dumps.append([line for line in canonical_dump(url)
                      if True])
    strip = [[_without_file_name(line) for line in d] for d in dumps]
    assert strip[0] == strip[1]
    assert sorted(p.name for p in (tmp_path / "out-a").iterdir()) == sorted(
        p.name for p in (tmp_path / "out-b").iterdir())


def _without_file_name(line: str) -> str:
    item = json.loads(line)
    item.pop("file_name", None)
    return json.dumps(item, sort_keys=True)


def test_other_gemeente_is_reported_and_not_stored(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    message = synth.jw301(1, "99990001", "OTHER1", date(2023, 1, 5),
                          [synth.Toewijzing(1, date(2023, 2, 1), None)], gemeente="0344")
    (inbox / "other.xml").write_bytes(api.write(message, stamp=False))
    url = f"sqlite:///{tmp_path}/s.db"
    summary = _import(inbox, url, tmp_path / "out")
    assert [f.outcome for f in summary.files] == ["other_gemeente"]
    assert not summary.ok
    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(MESSAGE)).scalar() == 0
    engine.dispose()


def test_move_to_sorts_files_and_explains_quarantine(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    shutil.copytree(DEMO, inbox)
    (inbox / "notes.txt").write_text("not a message")
    done = tmp_path / "done"
    summary = _import(inbox, f"sqlite:///{tmp_path}/s.db", tmp_path / "out", move_to=done)
    assert not any(p.is_file() for p in inbox.rglob("*"))
    assert len(list((done / "accepted").iterdir())) == 26
    assert len(list((done / "rejected").iterdir())) == 3
    assert (done / "quarantine" / "notes.txt").exists()
    reason = (done / "quarantine" / "notes.txt.reason.txt").read_text()
    assert "not well-formed" in reason
    assert not summary.ok


def test_every_retour_validates_against_our_schemas(tmp_path: Path) -> None:
    _import(DEMO, f"sqlite:///{tmp_path}/s.db", tmp_path / "out")
    schemas = api.schema_set(OUR_SCHEMAS)
    for path in (tmp_path / "out").iterdir():
        root = etree.parse(str(path)).getroot()
        found = lookup(etree.QName(root).namespace or "")
        assert found is not None
        assert schemas.validator(found[1].namespace).validate(root), path


# -- the command line --------------------------------------------------------------------


def _ijw(*args: str, cwd: Path, env: dict[str, str] | None = None
         ) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "IJW_TODAY": TODAY.isoformat(), **(env or {})}
    full_env.pop("IJW_DATABASE_URL", None) if env is None else None
    return subprocess.run([sys.executable, "-m", "ijw", *args], cwd=cwd, capture_output=True,
                          text=True, env=full_env, timeout=300, check=False)


def test_cli_default_sqlite_store_and_second_run(tmp_path: Path) -> None:
    first = _ijw("import", str(DEMO), "--gemeente", "0363", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "ijw.db").exists()
    assert "JW315" in first.stdout and "accepted" in first.stdout
    second = _ijw("import", str(DEMO), "--gemeente", "0363", "--format", "json", cwd=tmp_path)
    assert second.returncode == 0
    summary = json.loads(second.stdout)
    assert summary["changed"] is False
    assert summary["counts"]["JW315"] == {"skipped": 8}


def test_cli_exit_codes(tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x.xml").write_text("<nope/>")
    assert _ijw("import", str(bad), "--gemeente", "0363", cwd=tmp_path).returncode == 1
    usage = _ijw("import", str(bad), "--gemeente", "363", cwd=tmp_path)
    assert usage.returncode == 2 and "Traceback" not in usage.stderr
    unreachable = _ijw("import", str(DEMO), "--gemeente", "0363", "--db",
                       "postgresql+psycopg://nobody@127.0.0.1:1/none", cwd=tmp_path)
    assert unreachable.returncode == 3, unreachable.stderr
    assert "Traceback" not in unreachable.stderr


def test_json_logs_never_carry_a_bsn(tmp_path: Path) -> None:
    done = _ijw("import", str(DEMO), "--gemeente", "0363", "--log-format", "json",
                "--log-level", "info", cwd=tmp_path)
    assert done.returncode == 0
    lines = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    assert any(line.get("outcome") == "accepted" for line in lines)
    for bsn in synth.test_bsns()[:60]:
        assert bsn not in done.stderr and bsn not in done.stdout


@pytest.mark.parametrize("value", [
    999900006, [999900006, "x"], {"bsn": "999900006"}, ("999900006",), 99990000.6,
    Path("/in/999900006.xml"), {"999900006": 1},
])
def test_json_log_fields_mask_a_bsn_whatever_their_type(value: object) -> None:
    record = logging.makeLogRecord({"msg": "file", "field": value, "count": 3, "ok": True})
    line = JsonFormatter().format(record)
    assert "99990000" not in line and "****" in line  # masked, the last four kept
    parsed = json.loads(line)
    assert parsed["count"] == 3 and parsed["ok"] is True


# -- concurrency and crashes -------------------------------------------------------------


#: Clients of the declaratie part of the replay corpus, and its months: 60 toewijzingen
#: and 12 declaraties of 5 to 50 prestaties beside the 250 trajectories.
DECLARATIE_CLIENTS, DECLARATIE_MONTHS = 60, 3
DECLARATIE_FILES = 72


def _corpus(tmp_path: Path, clients: int = 250) -> Path:
    """Trajectories (315, 301, 305, 307) and declaraties (301, then monthly 323s)."""
    inbox = tmp_path / "inbox"
    synth.write_corpus(inbox, clients)
    written = synth.write_declaraties(inbox, DECLARATIE_CLIENTS, offset=clients,
                                      months=DECLARATIE_MONTHS)
    assert len(written) == DECLARATIE_FILES
    return inbox


def _cli_import(inbox: Path, url: str, outbox: Path, cwd: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "IJW_TODAY": TODAY.isoformat()}
    return subprocess.Popen(
        [sys.executable, "-m", "ijw", "import", str(inbox), "--gemeente", "0363", "--outbox",
         str(outbox), "--db", url, "--format", "json"],
        cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


@pytest.mark.slow
def test_two_concurrent_imports_store_everything_once(db_url: str, tmp_path: Path) -> None:
    inbox = _corpus(tmp_path)
    outbox = tmp_path / "outbox"
    runs = [_cli_import(inbox, db_url, outbox, tmp_path) for _ in range(2)]
    results = [run.communicate(timeout=600) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], results
    engine = create_engine(db_url)
    with engine.connect() as conn:
        received = conn.execute(select(func.count()).select_from(MESSAGE)
                                .where(MESSAGE.c.direction == "in")).scalar()
        registered = conn.execute(select(func.count()).select_from(MESSAGE)
                                  .where(MESSAGE.c.outcome == "registered")).scalar()
        retours = conn.execute(select(func.count()).select_from(MESSAGE)
                               .where(MESSAGE.c.outcome == "sent")).scalar()
    engine.dispose()
    declaraties = DECLARATIE_FILES - DECLARATIE_CLIENTS
    assert received == 750 + declaraties and registered == 250 + DECLARATIE_CLIENTS
    assert retours == 750 + declaraties  # every 323 answered by one 325
    assert len(list(outbox.iterdir())) == 750 + declaraties
    assert len(list(outbox.glob("JW325_*.xml"))) == declaraties
    imported = sum(
        sum(n for k, n in json.loads(out)["counts"].get(t, {}).items() if k != "skipped")
        for out, _ in results for t in ("JW301", "JW305", "JW307", "JW315", "JW323")
    )
    assert imported == 1000 + DECLARATIE_FILES  # each file processed by exactly one run


@pytest.mark.slow
def test_sigkill_then_rerun_equals_a_clean_run(db_url: str, tmp_path: Path) -> None:
    inbox = _corpus(tmp_path)
    clean_url = f"sqlite:///{tmp_path}/clean.db"
    _import(inbox, clean_url, tmp_path / "clean-out")
    expected = canonical_dump(clean_url)
    expected_out = {p.name: p.read_bytes() for p in (tmp_path / "clean-out").iterdir()}

    outbox = tmp_path / "outbox"
    rng = random.Random(20261124)
    for _ in range(3):
        run = _cli_import(inbox, db_url, outbox, tmp_path)
        time.sleep(rng.uniform(0.5, 2.5))
        run.send_signal(signal.SIGKILL)
        run.communicate()  # reaps the process and closes its pipes
    final = _cli_import(inbox, db_url, outbox, tmp_path)
    _out, err = final.communicate(timeout=600)
    assert final.returncode == 0, err
    assert canonical_dump(db_url) == expected
    assert {p.name: p.read_bytes() for p in outbox.iterdir() if not p.name.startswith(".")
            } == expected_out
    engine = create_engine(db_url)
    with engine.connect() as conn:
        statuses = sorted(conn.execute(select(ImportRun.__table__.c.status)).scalars())
    engine.dispose()
    # A killed run is marked interrupted by the next one (a kill may also land before a run
    # recorded itself, or after it finished): none is left 'running'.
    assert "running" not in statuses and "finished" in statuses
    assert set(statuses) <= {"finished", "interrupted"}


def test_a_killed_runs_bookkeeping_is_marked_interrupted(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/s.db"
    _import(DEMO, url, tmp_path / "out")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    engine = create_engine(url)
    runs = ImportRun.__table__
    with engine.begin() as conn:
        conn.execute(runs.update().values(status="running", pid=int(dead.stdout)))
    _import(DEMO, url, tmp_path / "out")
    with engine.connect() as conn:
        statuses = sorted(conn.execute(select(runs.c.status)).scalars())
    engine.dispose()
    assert statuses == ["finished", "interrupted"]


def test_a_schema_folder_without_retour_versions_stops_before_anything_is_stored(
    tmp_path: Path
) -> None:
    """A retour must state its schema's versions (IV034): no made-up number, no half run."""
    folder = tmp_path / "schemas"
    shutil.copytree(OUR_SCHEMAS, folder)
    xsd = folder / "JW316.xsd"
    xsd.write_bytes(re.sub(rb"<ijw:BerichtXsdVersie>[^<]*</ijw:BerichtXsdVersie>", b"",
                           xsd.read_bytes()))
    url = f"sqlite:///{tmp_path / 'ijw.db'}"
    with pytest.raises(SchemaError, match="XsdVersieRetour"):
        api.import_paths([DEMO], gemeente="0363", outbox=tmp_path / "out", database_url=url,
                         today=TODAY, schemas=api.schema_set(folder))
    _assert_no_run(url, tmp_path / "out")
    done = _ijw("import", str(DEMO), "--gemeente", "0363", "--schemas", str(folder),
                "--outbox", str(tmp_path / "out"), "--db", url, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "XsdVersieRetour" in " ".join(done.stderr.split())
    assert "Traceback" not in done.stderr
    _assert_no_run(url, tmp_path / "out")


def _assert_no_run(url: str, outbox: Path) -> None:
    """Nothing of an import run: no message, no run row, no outbox folder."""
    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(MESSAGE)).scalar_one() == 0
        runs = table_of(ImportRun)
        assert conn.execute(select(func.count()).select_from(runs)).scalar_one() == 0
    engine.dispose()
    assert not outbox.exists()


def test_an_operators_cbs_list_replaces_the_shipped_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """IJW_CBS_GEMEENTEN: a list that ended 0363 before these messages makes TR378 fail."""
    ended = tmp_path / "gemeenten.csv"
    ended.write_text("code,naam,geldig_van,geldig_tot\n0363,Amsterdam,,2000-12-31\n",
                     encoding="utf-8")
    monkeypatch.setenv("IJW_CBS_GEMEENTEN", str(ended))
    summary = api.import_paths([DEMO], gemeente="0363", outbox=tmp_path / "out",
                               database_url=f"sqlite:///{tmp_path / 'a.db'}", today=TODAY)
    rejected = [f for f in summary.files if f.message_type == "JW315"]
    assert rejected and all(f.outcome == "rejected" for f in rejected)
    assert all("TR378" in {x.rule for x in f.findings} for f in rejected)

    monkeypatch.setenv("IJW_CBS_GEMEENTEN", str(tmp_path / "absent.csv"))
    with pytest.raises(ConfigurationError, match="IJW_CBS_GEMEENTEN"):
        api.import_paths([DEMO], gemeente="0363", outbox=tmp_path / "out-b",
                         database_url=f"sqlite:///{tmp_path / 'b.db'}", today=TODAY)
    _assert_no_run(f"sqlite:///{tmp_path / 'b.db'}", tmp_path / "out-b")
    bad = tmp_path / "bad.csv"
    bad.write_text("code,naam,geldig_van,geldig_tot\n0363,Amsterdam,gisteren,\n",
                   encoding="utf-8")
    done = _ijw("import", str(DEMO), "--gemeente", "0363", "--db",
                f"sqlite:///{tmp_path / 'c.db'}", "--outbox", str(tmp_path / "out-c"),
                cwd=tmp_path, env={"IJW_CBS_GEMEENTEN": str(bad)})
    assert done.returncode == 2, done.stderr
    assert "bad.csv line 2" in " ".join(done.stderr.split())
    assert "Traceback" not in done.stderr
    _assert_no_run(f"sqlite:///{tmp_path / 'c.db'}", tmp_path / "out-c")


def test_the_summary_prints_findings_as_they_are(tmp_path: Path) -> None:
    """A finding's "[xsd]" or "[facet ...]" is text, not terminal markup to drop."""
    inbox = tmp_path / "in[1]"
    inbox.mkdir()
    (inbox / "empty.xml").write_bytes((DEMO / "jw315-2.xml").read_bytes().replace(
        b"<ijw:Achternaam>Testkind2<", b"<ijw:Achternaam><"))
    done = _ijw("import", str(inbox), "--gemeente", "0363", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    text = " ".join(done.stdout.split())
    assert "[xsd]" in text and "[facet 'minLength']" in text
    assert f"{inbox}/empty.xml:" in done.stdout  # on one line, whatever the terminal width


def test_a_providers_retour_is_linked_to_the_message_it_answers(tmp_path: Path) -> None:
    """A 302 on a registered 301: stored as a retour, linked, with its codes; a second
    302 with the same IdentificatieRetour is stored as a duplicate of the first."""
    url = f"sqlite:///{tmp_path / 'ijw.db'}"
    api.import_paths([DEMO], gemeente="0363", outbox=tmp_path / "out", database_url=url,
                     today=TODAY)
    heen = api.parse(DEMO / "jw301-0.xml")
    finding = (Level.CROSS_MESSAGE, RetourCode.R9332,
               ("client", "toegewezen_producten", 0, "toewijzing_nummer"))
    retour = build_retour(heen, [finding], heen_sha256="0" * 64, today=TODAY)
    inbox = tmp_path / "retours"
    inbox.mkdir()
    (inbox / "first.xml").write_bytes(api.write(retour))
    again = build_retour(heen, [finding], heen_sha256="0" * 64, today=date(2026, 11, 25))
    (inbox / "again.xml").write_bytes(api.write(again))
    summary = api.import_paths([inbox], gemeente="0363", outbox=tmp_path / "out",
                               database_url=url, today=TODAY)
    assert [(f.message_type, f.outcome) for f in summary.files] == [("JW302", "retour")] * 2
    assert summary.retours_written == 0  # a retour gets no retour
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(select(MESSAGE).where(MESSAGE.c.message_type == "JW302")
                            .order_by(MESSAGE.c.id)).all()
        answered = conn.execute(select(MESSAGE.c.id).where(
            MESSAGE.c.message_type == "JW301",
            MESSAGE.c.identificatie == heen.header.bericht_identificatie.identificatie,  # type: ignore[attr-defined]
        )).scalar_one()
        codes = conn.execute(select(RETOUR_CODE.c.class_path, RETOUR_CODE.c.code).where(
            RETOUR_CODE.c.message_id == rows[0].id)).all()
    engine.dispose()
    first, second = rows
    assert first.answers_id == answered and second.answers_id == answered
    assert (first.direction, first.sender, first.receiver) == ("in", "99990001", "0363")
    assert first.duplicate_of_id is None and second.duplicate_of_id == first.id
    assert ("Client/ToegewezenProduct[1]", "9332") in {tuple(c) for c in codes}
    assert ("Header", "0200") in {tuple(c) for c in codes}


def test_another_command_writing_during_a_batch_does_not_stop_the_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On SQLite, a commit by another command while a batch is read (say ``ijw referrals
    import`` beside the cron job) must not make the batch's first write fail at once."""
    url = f"sqlite:///{tmp_path / 'ijw.db'}"
    engine = db.make_engine(url)
    db.ensure_schema(engine)
    other = db.make_engine(url)
    reads = itertools.count()
    real_read = importing.Importer._read

    def read_and_let_another_writer_commit(self: importing.Importer, queued: Any) -> Any:
        if next(reads) == 3:
            with other.begin() as conn:
                conn.execute(insert(table_of(Client)).values(bsn="999999990"))
        return real_read(self, queued)

    monkeypatch.setattr(importing.Importer, "_read", read_and_let_another_writer_commit)
    summary = api.import_paths([DEMO], gemeente="0363", outbox=tmp_path / "out",
                               store=engine, today=TODAY)
    other.dispose()
    engine.dispose()
    assert summary.ok and next(reads) > 4
    assert {f.outcome for f in summary.files} == {"accepted", "partly", "rejected",
                                                   "registered"}


def test_reading_ahead_within_a_budget_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no read-ahead budget each file is read when its turn comes: the same store."""
    first = f"sqlite:///{tmp_path / 'ahead.db'}"
    _import(DEMO, first, tmp_path / "out-1")
    monkeypatch.setattr(importing, "READ_AHEAD_BYTES", 0)
    second = f"sqlite:///{tmp_path / 'lazy.db'}"
    _import(DEMO, second, tmp_path / "out-2")
    assert canonical_dump(second) == canonical_dump(first)
    assert _files(tmp_path / "out-2") == _files(tmp_path / "out-1")


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _outbox_rows(url: str) -> dict[str, tuple[bytes, bool]]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(select(MESSAGE.c.outbox_file, MESSAGE.c.raw_xml,
                                   MESSAGE.c.outbox_written)
                            .where(MESSAGE.c.outbox_file.is_not(None))).all()
    engine.dispose()
    return {r.outbox_file: (bytes(r.raw_xml), r.outbox_written) for r in rows}


def test_small_batches_publish_every_retour_and_record_it(db_url: str, tmp_path: Path) -> None:
    """A batch's retours are recorded as written by the next batch's commit, the last
    batch's by a commit of their own: after the run every row says so, and is in the
    outbox with its stored bytes."""
    outbox = tmp_path / "out"
    options = importing.ImportOptions(gemeente="0363", outbox=outbox, today=TODAY,
                                      schemas=api.schema_set(), batch_size=4)
    engine = db.make_engine(db_url)
    summary = importing.import_files(engine, [DEMO], options)
    engine.dispose()
    rows = _outbox_rows(db_url)
    assert summary.ok and summary.retours_written == len(rows) == 23
    assert {name: (data, True) for name, data in _files(outbox).items()} == rows


def test_a_row_the_store_refuses_fails_only_its_message(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the store refuses a row the rules let through (on PostgreSQL another
    process may store the same Identificatie in between), the batch is redone
    message by message: only that message fails, without a retour; the rest is
    stored and published, and the next run judges the failed one."""
    from ijw.store.context import StoreContext

    outbox = tmp_path / "out"
    options = importing.ImportOptions(gemeente="0363", outbox=outbox, today=TODAY,
                                      schemas=api.schema_set(), batch_size=4)
    with monkeypatch.context() as patch:
        patch.setattr(StoreContext, "message_seen", lambda self, *key: False)  # TR056 blind
        engine = db.make_engine(db_url)
        first = importing.import_files(engine, [DEMO], options)
        engine.dispose()
    failed = [f for f in first.files if f.outcome == "failed"]
    assert [Path(f.file).name for f in failed] == ["jw315-duplicate-id.xml"]
    assert not first.ok and failed[0].retour_file is None
    rows = _outbox_rows(db_url)
    assert first.retours_written == len(rows) == 22
    assert {name: (data, True) for name, data in _files(outbox).items()} == rows

    engine = db.make_engine(db_url)
    second = importing.import_files(engine, [DEMO], options)
    engine.dispose()
    judged = [f for f in second.files if f.outcome != "skipped"]
    assert [(Path(f.file).name, f.outcome) for f in judged] == [
        ("jw315-duplicate-id.xml", "rejected")]
    assert second.ok and second.retours_written == 1
    assert _retour_codes(outbox / str(judged[0].retour_file)) == ["9056"]


def test_a_failure_later_in_the_run_leaves_earlier_retours_recorded(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each committed batch's retours are published and recorded as written before the
    next batch starts, so a run that fails later never leaves them to be sent again."""
    outbox = tmp_path / "out"
    options = importing.ImportOptions(gemeente="0363", outbox=outbox, today=TODAY,
                                      schemas=api.schema_set(), batch_size=4)
    reads = itertools.count()
    real_read = importing.Importer._read

    def read_then_fail(self: importing.Importer, queued: Any) -> Any:
        if next(reads) == 8:  # the third batch
            raise OSError("disk gone")
        return real_read(self, queued)

    monkeypatch.setattr(importing.Importer, "_read", read_then_fail)
    engine = db.make_engine(db_url)
    with pytest.raises(OSError, match="disk gone"):
        importing.import_files(engine, [DEMO], options)
    engine.dispose()
    rows = _outbox_rows(db_url)
    assert rows, "the first two batches stored retours"
    assert {name: (data, True) for name, data in _files(outbox).items()} == rows


@pytest.mark.parametrize("kind", ["JW315", "JW323"])
def test_a_repeated_identificatie_that_also_fails_level_2_is_rejected_not_failed(
        kind: str, db_url: str, tmp_path: Path) -> None:
    """Level 2 stops before TR056 judges the identity; the store's own key must not decide."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    agb = synth.AANBIEDERS[0]
    day, later = date(2026, 4, 3), date(2026, 4, 6)  # processed in this order
    if kind == "JW315":
        first = synth.jw315(1, agb, "ID-1", day, ["R-1"], date(2026, 3, 1))
        second = synth.jw315(2, agb, "ID-1", later, ["R-2"], date(2026, 3, 1),
                             end=date(2026, 2, 1))  # CS003: ends before it starts
    else:
        (inbox / "00-jw301.xml").write_bytes(synth.write(synth.jw301(1, agb, "T-1", date(
            2026, 1, 5), [synth.Toewijzing(1001, date(2026, 1, 1), date(2026, 12, 31),
                                           decided=date(2026, 1, 5))]), stamp=False))
        first = synth.jw323(agb, "ID-1", day, [synth.Prestatie("RN1", 1001)])
        second = synth.jw323(agb, "ID-1", later, [synth.Prestatie("RN2", 1001)],
                             total=1)  # TR358: the total is not the sum
    (inbox / "01-first.xml").write_bytes(synth.write(first, stamp=False))
    (inbox / "02-second.xml").write_bytes(synth.write(second, stamp=False))
    for _ in range(2):  # and a re-run judges it the same way
        summary = api.import_paths([inbox], gemeente="0363", outbox=tmp_path / "out",
                                   database_url=db_url, today=TODAY)
        outcomes = {Path(f.file).name: f.outcome for f in summary.files}
        assert outcomes["02-second.xml"] in ("rejected", "skipped"), outcomes
        assert summary.ok
    engine = create_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(select(MESSAGE.c.outcome, MESSAGE.c.duplicate_of_id).where(
            MESSAGE.c.message_type == kind).order_by(MESSAGE.c.id)).all()
    engine.dispose()
    assert [r.outcome for r in rows] == ["accepted", "rejected"]
    assert rows[1].duplicate_of_id is not None
