"""Parallel import on PostgreSQL: workers and concurrent runs give the single-worker result."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from ijw import api
from ijw.errors import ConfigurationError
from ijw.store.dump import canonical_dump
from tests import synth

TODAY = date(2026, 11, 24)
pytestmark = pytest.mark.postgres


def _outbox(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if not p.name.startswith(".")}


@pytest.mark.slow
def test_two_workers_and_two_hosts_equal_one_worker(
    migrated_postgres_factory: Callable[[], str], tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    synth.write_corpus(inbox, 500, providers=12)  # 2,000 files, 12 dependency groups
    # and declaraties: 48 toewijzingen, then 12 323s over 2 months, one per provider and month
    declaraties = synth.write_declaraties(inbox, 48, offset=500, months=2, providers=12)
    files = 2000 + len(declaraties)
    answers = 1500 + len(declaraties) - 48

    single = migrated_postgres_factory()
    one = api.import_paths([inbox], gemeente="0363", outbox=tmp_path / "out-1",
                           database_url=single, today=TODAY)
    expected = canonical_dump(single)
    expected_out = _outbox(tmp_path / "out-1")
    assert len(expected_out) == answers

    workers = migrated_postgres_factory()
    summary = api.import_paths([inbox], gemeente="0363", outbox=tmp_path / "out-2",
                               database_url=workers, today=TODAY, workers=2)
    assert summary.ok and len(summary.files) == files
    # What the workers published, counted once: as many as the single run wrote.
    assert summary.retours_written == one.retours_written == len(expected_out)
    assert canonical_dump(workers) == expected
    assert _outbox(tmp_path / "out-2") == expected_out

    hosts = migrated_postgres_factory()
    env = {**os.environ, "IJW_TODAY": TODAY.isoformat()}
    command = [sys.executable, "-m", "ijw", "import", str(inbox), "--gemeente", "0363",
               "--outbox", str(tmp_path / "out-3"), "--db", hosts, "--format", "json"]
    runs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for _ in range(2)]
    for run in runs:
        _, err = run.communicate(timeout=600)
        assert run.returncode == 0, err
    assert canonical_dump(hosts) == expected
    assert _outbox(tmp_path / "out-3") == expected_out


def test_workers_are_refused_on_sqlite(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="PostgreSQL"):
        api.import_paths([tmp_path], gemeente="0363", outbox=tmp_path / "out",
                         database_url=f"sqlite:///{tmp_path}/s.db", workers=2)


def _overlapping_runs(tmp_path: Path, url: str, head_start: int) -> list[dict[str, Any]]:
    """Runs with --move-to; three more start, one by one, once the first has moved some."""
    inbox, archive, outbox = tmp_path / "inbox", tmp_path / "archive", tmp_path / "outbox"
    synth.write_corpus(inbox, 300, providers=12)  # 1,200 files
    env = {**os.environ, "IJW_TODAY": TODAY.isoformat()}
    command = [sys.executable, "-m", "ijw", "import", str(inbox), "--gemeente", "0363",
               "--outbox", str(outbox), "--move-to", str(archive), "--db", url,
               "--format", "json"]

    def start() -> subprocess.Popen[str]:
        return subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

    runs = [start()]
    accepted = archive / "accepted"
    while not (accepted.is_dir() and len(list(accepted.iterdir())) >= head_start):
        assert runs[0].poll() is None, runs[0].communicate()
        time.sleep(0.01)
    # The later runs list the inbox while the first (and each other) move files out of it.
    for _ in range(3):
        runs.append(start())
        time.sleep(0.3)
    summaries: list[dict[str, Any]] = []
    for run in runs:
        out, err = run.communicate(timeout=600)
        assert run.returncode == 0, (err, out[-2000:])
        summaries.append(json.loads(out))
    assert [s["problems"] for s in summaries] == [[]] * 4
    imported = sum(n for s in summaries for counts in s["counts"].values()
                   for outcome, n in counts.items() if outcome != "skipped")
    assert imported == 1200  # each file processed by exactly one run
    assert not list(inbox.iterdir())
    assert len(list(accepted.iterdir())) == 1200
    assert not (archive / "quarantine").exists()
    assert len(_outbox(outbox)) == 900
    return summaries


@pytest.mark.slow
def test_a_run_overlapping_one_that_moves_files_skips_what_it_took(
    migrated_postgres_factory: Callable[[], str], tmp_path: Path
) -> None:
    taken = 0
    # Whether the second run's listing meets the first one's moves is a matter of timing:
    # try a few head starts until it does (every try must come out right).
    for attempt, head_start in enumerate((100, 1, 300, 200, 1)):
        summaries = _overlapping_runs(tmp_path / str(attempt), migrated_postgres_factory(),
                                      head_start)
        taken = sum(summary["taken_by_another_run"] for summary in summaries)
        if taken:
            break
    assert taken > 0, "the runs never overlapped"
