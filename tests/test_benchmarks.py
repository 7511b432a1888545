"""The SQLite benchmark scripts still run, on a tiny corpus (their numbers are not judged)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(module: str, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.mark.slow
def test_bench_import_imports_every_generated_message(tmp_path: Path) -> None:
    # The script exits 1 if any generated message is not accepted or registered.
    out = _run("benchmarks.bench_import", "--clients", "5", "--keep", str(tmp_path))
    assert "20 messages" in out
    assert re.search(r"ratio import/lxml: +\d+\.\d\d", out)
    assert len(list((tmp_path / "outbox").iterdir())) == 15  # a retour per 315, 305, 307


@pytest.mark.slow
def test_bench_floor_measures_both_loops(tmp_path: Path) -> None:
    out = _run("benchmarks.bench_floor", "--clients", "5", "--runs", "1", "--keep",
               str(tmp_path))
    for label in ("store only", "store + outbox"):
        assert re.search(rf"floor: {re.escape(label)}: +\d+ msg/s +ratio +\d+\.\d\d;", out)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("floor-outbox-")]
