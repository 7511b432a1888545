"""The SQLite benchmark scripts still run, on a tiny corpus (their numbers are not judged)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO


def _run(module: str, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", module, *args], cwd=REPO, capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.mark.slow
def test_bench_import_imports_every_generated_message(tmp_path: Path) -> None:
    # The script exits 1 if any generated message is not accepted or registered.
    out = _run("benchmarks.bench_import", "--clients", "5", "--keep", str(tmp_path))
    # 5 trajectories (20 files), 7 declaratie clients (7 301s) and 50 months of 323s, one
    # per provider and month (150): a third of the messages are 323s.
    assert "177 messages" in out
    assert re.search(r"ratio import/lxml: +\d+\.\d\d", out)
    assert re.search(r"ijw import \(SQLite\): +\d+ msg/s  \(processor \d+ µs/msg\)", out)
    assert re.search(r"ratio prestatie/305: +\d+\.\d\d", out)
    # a retour per 315, 305, 307 and a 325 per 323
    assert len(list((tmp_path / "outbox").iterdir())) == 15 + 150


@pytest.mark.slow
def test_bench_floor_measures_both_loops(tmp_path: Path) -> None:
    out = _run("benchmarks.bench_floor", "--clients", "5", "--runs", "1", "--keep",
               str(tmp_path))
    for label in ("store only", "store + outbox"):
        assert re.search(rf"floor: {re.escape(label)}: +ratio +\d+\.\d\d \(median; "
                         r"[\d.]+-[\d.]+\); processor +\d+ µs/msg; over all \d+ cores at best "
                         r"+\d+\.\d\d", out), out
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("floor-outbox-")]


@pytest.mark.slow
def test_bench_report_prints_time_and_memory() -> None:
    out = _run("benchmarks.bench_report", "--clients", "5", "--declaraties", "5")
    assert re.search(r"report on [\d,]+ messages: figures [\d.]+ s, page and charts [\d.]+ s, "
                     r"total [\d.]+ s", out)
    assert re.search(r"peak memory: \d+ MB", out)
    assert re.search(r"report's own peak allocations: [\d.]+ MB", out)
