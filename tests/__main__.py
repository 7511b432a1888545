"""The project's test command: lint, type-check, then the test suite.

Run as ``python -m tests`` from the repository root (the README's test
command does this inside a fresh virtual environment). Extra arguments go to
pytest.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LINT_TARGETS = ["ijw", "tests", "benchmarks", "migrations", "fixtures", "cli.py"]


def run(step: str, command: list[str]) -> None:
    print(f"== {step}: {' '.join(command)}", flush=True)
    done = subprocess.run(command, cwd=REPO, check=False)
    if done.returncode != 0:
        print(f"== {step} failed (exit {done.returncode})", flush=True)
        sys.exit(done.returncode)


def main() -> None:
    python = sys.executable
    run("ruff", [python, "-m", "ruff", "check", *LINT_TARGETS])
    run("mypy", [python, "-m", "mypy"])
    run("pytest", [python, "-m", "pytest", *sys.argv[1:]])


if __name__ == "__main__":
    main()
