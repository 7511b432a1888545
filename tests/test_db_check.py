"""``ijw db check`` on real stores: a sound one, a damaged page, an orphaned row, none at all."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from ijw import api
from tests.conftest import FIXTURES

PAGE = 4096


def _ijw(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "IJW_TODAY": "2026-11-24"}
    return subprocess.run([sys.executable, "-m", "ijw", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """A SQLite store with the demo imported, everything in the main file (no WAL)."""
    done = _ijw(tmp_path, "import", str(FIXTURES / "demo"), "--gemeente", "0363",
                "--outbox", "out", "--db", "sqlite:///ijw.db")
    assert done.returncode == 0, done.stderr
    path = tmp_path / "ijw.db"
    assert not path.with_name("ijw.db-wal").exists()
    return path


def test_a_sound_store_passes(store: Path) -> None:
    done = _ijw(store.parent, "db", "check", "--db", f"sqlite:///{store}")
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"store: sqlite:///{store}"
    # the demo's 29 messages and the 23 retours and 325s that answer them
    assert "message 52" in done.stdout and lines[-1] == "no problems found"
    result = api.check_store(f"sqlite:///{store}")
    assert result.ok and result.revision == result.head and result.counts["message"] == 52


def test_one_overwritten_page_is_reported(store: Path) -> None:
    with sqlite3.connect(store) as conn:
        assert conn.execute("PRAGMA page_size").fetchone()[0] == PAGE
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    with store.open("r+b") as handle:
        handle.seek(PAGE * (pages // 2))
        handle.write(b"\xa5" * PAGE)
    done = _ijw(store.parent, "db", "check", "--db", f"sqlite:///{store}", "--format", "json")
    assert done.returncode == 1, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert not report["ok"] and report["problems"]
    assert any(p.startswith("integrity_check: ") for p in report["problems"]), report


def test_an_orphaned_row_is_reported(store: Path) -> None:
    conn = sqlite3.connect(store)
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute("DELETE FROM client WHERE id = (SELECT min(client_id) FROM allocation)")
    conn.commit()
    conn.close()
    done = _ijw(store.parent, "db", "check", "--db", f"sqlite:///{store}")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "row(s) of allocation name a client row that is not there" in done.stdout
    assert done.stdout.splitlines()[-1].endswith("problem(s) found")


def test_no_store_is_a_usage_error_and_no_server_an_infrastructure_one(tmp_path: Path) -> None:
    done = _ijw(tmp_path, "db", "check", "--db", "sqlite:///ijw.db")
    assert done.returncode == 2 and "no store at" in done.stderr
    assert not (tmp_path / "ijw.db").exists()
    done = _ijw(tmp_path, "db", "check", "--db", "postgresql+psycopg://ijw@127.0.0.1:1/ijw")
    assert done.returncode == 3 and "cannot connect" in done.stderr
    assert _ijw(tmp_path, "db", "check", "--nonsense").returncode == 2


@pytest.mark.postgres
def test_a_migrated_postgres_store_passes(
    migrated_postgres_factory: Callable[[], str], tmp_path: Path
) -> None:
    result = api.check_store(migrated_postgres_factory())
    assert result.ok, result.problems
    assert result.counts["message"] == 0
