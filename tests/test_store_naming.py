"""Every command names the store it uses, and a mistyped SQLite path is not silently created."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import FIXTURES, REPO

DEMO = FIXTURES / "demo"


def _ijw(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "IJW_TODAY": "2026-11-24", "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "ijw", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


def _import(cwd: Path, db: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return _ijw(cwd, "import", str(DEMO), "--gemeente", "0363", "--outbox", "out",
                "--db", db, *extra)


def test_a_relative_sqlite_path_in_a_missing_folder_is_refused(tmp_path: Path) -> None:
    done = _import(tmp_path, "sqlite:///srv/ijw/ijw.db")
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    assert f"the folder {tmp_path}/srv/ijw of SQLite store" in done.stderr
    assert "sqlite:////srv/ijw/ijw.db" in done.stderr  # the four slashes it probably meant
    assert not (tmp_path / "srv").exists()

    done = _import(tmp_path, "sqlite:///missingdir/sub/ijw.db", "--format", "json")
    assert done.returncode == 2 and not (tmp_path / "missingdir").exists()


def test_create_makes_the_folder_and_every_summary_names_the_store(tmp_path: Path) -> None:
    done = _import(tmp_path, "sqlite:///new/ijw.db", "--create")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == f"store: sqlite:///{tmp_path}/new/ijw.db"
    done = _import(tmp_path, "sqlite:///new/ijw.db", "--format", "json")
    assert json.loads(done.stdout)["store"] == f"sqlite:///{tmp_path}/new/ijw.db"

    done = _ijw(tmp_path, "monitor", "--db", "sqlite:///new/ijw.db")
    assert done.stdout.splitlines()[0] == f"store: sqlite:///{tmp_path}/new/ijw.db", done.stderr
    done = _ijw(tmp_path, "monitor", "--db", "sqlite:///new/ijw.db", "--format", "json")
    assert json.loads(done.stdout)["store"] == f"sqlite:///{tmp_path}/new/ijw.db"
    done = _ijw(tmp_path, "db", "current", "--db", "sqlite:///new/ijw.db")
    assert done.stdout.splitlines()[0] == f"store: sqlite:///{tmp_path}/new/ijw.db"

    done = _ijw(tmp_path, "db", "upgrade", "--db", "sqlite:///other/ijw.db")
    assert done.returncode == 2 and not (tmp_path / "other").exists()
    done = _ijw(tmp_path, "db", "upgrade", "--db", "sqlite:///other/ijw.db", "--create")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "other" / "ijw.db").is_file()


def test_referrals_import_refuses_a_missing_store(tmp_path: Path) -> None:
    register = tmp_path / "referrals.csv"
    register.write_text("bsn,agb,verwijsdatum\n999900006,99990001,2024-01-02\n",
                        encoding="utf-8")
    done = _ijw(tmp_path, "referrals", "import", str(register), "--db", "sqlite:///ijw.db")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "no store at" in done.stderr
    assert not (tmp_path / "ijw.db").exists()


def test_a_store_of_a_newer_ijw_is_named_as_such(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/ijw.db"
    assert _ijw(tmp_path, "db", "upgrade", "--db", url).returncode == 0
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    engine.dispose()
    done = _ijw(tmp_path, "db", "current", "--db", url)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "migrated by a newer ijw" in done.stderr
    assert "ijw db upgrade" not in done.stdout + done.stderr


@pytest.mark.postgres
def test_the_upgrade_hint_names_the_store_with_its_password_masked(
    empty_postgres_url: str, tmp_path: Path
) -> None:
    url = empty_postgres_url.replace("://postgres@", "://postgres:s3cret-pw@", 1)
    if url == empty_postgres_url:
        pytest.skip("the test server's URL has no plain user postgres")
    masked = url.replace(":s3cret-pw@", ":***@")
    done = _import(tmp_path, url)
    assert done.returncode == 2, done.stderr
    assert f"run `ijw db upgrade --db {masked}`" in done.stderr
    done = _ijw(tmp_path, "db", "current", "--db", url)
    assert done.returncode == 1
    assert done.stdout.splitlines()[0] == f"store: {masked}"
    assert f"run `ijw db upgrade --db {masked}`" in done.stdout
    assert "s3cret-pw" not in done.stdout + done.stderr
