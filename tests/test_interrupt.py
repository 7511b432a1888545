"""Stopping ``ijw import`` with SIGINT or SIGTERM: one line, a fixed code, nothing left behind."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from ijw import api
from ijw.store.dump import canonical_dump
from ijw.store.schema import ImportRun
from tests import synth

TODAY = date(2026, 11, 24)


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.startswith(".")}


def _command(inbox: Path, url: str, tmp_path: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "ijw", "import", str(inbox), "--gemeente", "0363",
            "--outbox", str(tmp_path / "outbox"), "--move-to", str(tmp_path / "archive"),
            "--db", url, *extra]


def _group_gone(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return False


def _interrupt_and_rerun(tmp_path: Path, url: str, sig: signal.Signals, *extra: str) -> None:
    source = tmp_path / "source"
    synth.write_corpus(source, 600, providers=12)  # 2,400 files, 12 aanbieders
    clean = tmp_path / "clean"
    shutil.copytree(source, clean / "inbox")
    clean_url = f"sqlite:///{clean}/clean.db"
    api.import_paths([clean / "inbox"], gemeente="0363", outbox=clean / "outbox",
                     move_to=clean / "archive", database_url=clean_url, today=TODAY)

    inbox = tmp_path / "inbox"
    shutil.copytree(source, inbox)
    env = {**os.environ, "IJW_TODAY": TODAY.isoformat()}
    run = subprocess.Popen(_command(inbox, url, tmp_path, *extra), env=env, cwd=tmp_path,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           start_new_session=True)
    accepted = tmp_path / "archive" / "accepted"
    started = time.monotonic()
    while not (accepted.is_dir() and any(accepted.iterdir())):  # some files are done
        assert run.poll() is None, run.communicate()
        assert time.monotonic() - started < 120, "the run did not start"
        time.sleep(0.02)
    signalled = time.monotonic()
    os.killpg(run.pid, sig)  # Ctrl-C and systemd signal the whole process group
    try:
        out, err = run.communicate(timeout=30)
    finally:
        if not _group_gone(run.pid):
            os.killpg(run.pid, signal.SIGKILL)  # leave nothing behind for the next test
    assert time.monotonic() - signalled < 15
    assert run.returncode == 128 + sig, err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("interrupted after ") and " of 2400 files" in lines[0], err
    assert lines[0].endswith("; run again to finish"), err
    assert "Traceback" not in err + out
    time.sleep(0.2)
    assert _group_gone(run.pid), "a process of the run is still there"
    engine = create_engine(url)
    with engine.connect() as conn:
        statuses = list(conn.execute(select(ImportRun.__table__.c.status)).scalars())
    engine.dispose()
    assert statuses == ["interrupted"]

    again = subprocess.run(_command(inbox, url, tmp_path, *extra), env=env, cwd=tmp_path,
                           capture_output=True, text=True, timeout=600, check=False)
    assert again.returncode == 0, again.stderr
    assert canonical_dump(url) == canonical_dump(clean_url)
    assert _tree(tmp_path / "outbox") == _tree(clean / "outbox")
    assert _tree(tmp_path / "archive") == _tree(clean / "archive")
    assert not any(inbox.rglob("*.xml"))


@pytest.mark.slow
def test_sigint_stops_a_sqlite_run_with_one_line(tmp_path: Path) -> None:
    _interrupt_and_rerun(tmp_path, f"sqlite:///{tmp_path}/ijw.db", signal.SIGINT)


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["sigint", "sigterm"])
def test_a_signal_stops_two_workers_with_one_line(
    migrated_postgres_factory: Callable[[], str], tmp_path: Path, sig: signal.Signals
) -> None:
    _interrupt_and_rerun(tmp_path, migrated_postgres_factory(), sig, "--workers", "2")
