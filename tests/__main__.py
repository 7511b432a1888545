"""The project's test command: lint, type-check, then the test suite.

Run as ``python -m tests`` from the repository root (the README's test
command does this inside a fresh virtual environment). Extra arguments go to
pytest.

The report's browser test needs Debian's Chromium (``/usr/bin/chromium``).
With ``IJW_REQUIRE_BROWSER=1`` (``.ci/run`` sets it) and no Chromium, this
command installs the Debian package ``chromium`` with apt-get when it runs as
root, and stops otherwise (the install took about 70 seconds with
``apt-get update`` on the development machine, so it is not done without the
variable: the browser test then skips and says why).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LINT_TARGETS = ["ijw", "tests", "benchmarks", "migrations", "fixtures", "cli.py"]


def run(step: str, command: list[str]) -> None:
    print(f"== {step}: {' '.join(command)}", flush=True)
    done = subprocess.run(command, cwd=REPO, check=False)
    if done.returncode != 0:
        print(f"== {step} failed (exit {done.returncode})", flush=True)
        sys.exit(done.returncode)


CHROMIUM = Path("/usr/bin/chromium")
BROWSER_ENV = "IJW_REQUIRE_BROWSER"


def ensure_browser() -> None:
    """Install Debian's Chromium when the browser test is required and it is missing."""
    if os.environ.get(BROWSER_ENV) != "1" or CHROMIUM.is_file():
        return
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        print(f"== {BROWSER_ENV}=1 but {CHROMIUM} is missing: install it with "
              "`apt-get install chromium` (as root), or unset the variable", flush=True)
        sys.exit(2)
    print(f"== {CHROMIUM} is missing: installing Debian's chromium with apt-get "
          "(about a minute)", flush=True)
    started = time.monotonic()
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"],
                    ["apt-get", "install", "-y", "-qq", "chromium"]):
        done = subprocess.run(command, env=env, check=False, stdout=subprocess.DEVNULL)
        if done.returncode != 0:
            print(f"== {' '.join(command)} failed (exit {done.returncode})", flush=True)
            sys.exit(done.returncode)
    print(f"== chromium installed in {time.monotonic() - started:.0f} s", flush=True)


def main() -> None:
    python = sys.executable
    ensure_browser()
    run("ruff", [python, "-m", "ruff", "check", *LINT_TARGETS])
    run("mypy", [python, "-m", "mypy"])
    run("pytest", [python, "-m", "pytest", *sys.argv[1:]])


if __name__ == "__main__":
    main()
