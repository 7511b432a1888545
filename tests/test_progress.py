"""What a long or waiting ``ijw import`` says while it runs (real runs, real SQLite)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests import synth


def _start(inbox: Path, cwd: Path, log: Path, *extra: str) -> subprocess.Popen[str]:
    # The log goes to a file: a full pipe would stall the run that holds the lock.
    with log.open("w") as stderr:
        return subprocess.Popen(
            [sys.executable, "-m", "ijw", "import", str(inbox), "--gemeente", "0363",
             "--outbox", "out", "--db", "sqlite:///ijw.db", "--log-format", "json", *extra],
            cwd=cwd, env={**os.environ, "IJW_TODAY": "2026-11-24"},
            stdout=subprocess.DEVNULL, stderr=stderr, text=True)


def _events(stderr: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]


@pytest.mark.slow
def test_a_waiting_run_names_the_run_it_waits_for_and_progress_is_logged(
    tmp_path: Path
) -> None:
    synth.write_corpus(tmp_path / "inbox", 600, providers=12)  # 2,400 files
    synth.write_corpus(tmp_path / "other", 100, offset=5000)
    first = _start(tmp_path / "inbox", tmp_path, tmp_path / "first.log", "--log-level", "info",
                   "--progress-every", "0.2")
    while not (tmp_path / "ijw.db.lock").is_file() or not (
            tmp_path / "ijw.db.lock").read_text().strip():
        assert first.poll() is None
        time.sleep(0.02)
    second = _start(tmp_path / "other", tmp_path, tmp_path / "second.log")
    assert second.wait(timeout=600) == 0 and first.wait(timeout=600) == 0
    waited = (tmp_path / "second.log").read_text()
    logged = (tmp_path / "first.log").read_text()

    events = [e["event"] for e in _events(waited)]
    assert any(str(e).startswith(f"waiting for the run of pid {first.pid} since ")
               for e in events), waited
    progress = [e for e in _events(logged) if e["event"] == "progress"]
    assert len(progress) >= 2, logged[-2000:]
    assert {e["total"] for e in progress} == {2400}
    done = [int(str(e["done"])) for e in progress]
    assert done == sorted(done) and done[-1] <= 2400
