"""The built wheel carries the schemas, rule packs and migrations, and works from them."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO


@pytest.mark.slow
def test_wheel_ships_its_data_and_runs_from_it(tmp_path: Path) -> None:
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(REPO)],
        capture_output=True, text=True, timeout=600, check=False,
    )
    assert built.returncode == 0, built.stderr
    [wheel] = tmp_path.glob("ijw-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "site")
    assert "ijw/_data/schemas/ijw-3.2/basisschema.xsd" in names
    assert "ijw/_data/schemas/ijw-3.2/JW315.xsd" in names
    assert any(n.startswith("ijw/_data/migrations/versions/") for n in names)
    assert "ijw/_data/rules/amsterdam-esjh-2024.toml" in names
    assert "ijw/report/templates/report.html.j2" in names
    assert "ijw/codelists/cbs_gemeenten.csv" in names
    # From the unpacked wheel alone (not the checkout): validate a message and migrate a store.
    script = (
        "import ijw, ijw.resources as r, sys;"
        "assert '_data' in str(r.schemas_dir()), r.schemas_dir();"
        "from ijw import api;"
        f"print(api.validate([{str(REPO / 'fixtures' / 'demo' / 'jw315-0.xml')!r}]).valid);"
        f"from ijw.store import db; print(db.upgrade('sqlite:///{tmp_path}/w.db'))"
    )
    ran = subprocess.run([sys.executable, "-c", script], cwd=tmp_path,
                         env={"PYTHONPATH": str(tmp_path / "site"), "PATH": "/usr/bin:/bin"},
                         capture_output=True, text=True, timeout=120, check=False)
    assert ran.returncode == 0, ran.stderr
    lines = ran.stdout.split()
    assert lines[0] == "True"
    newest = max(p.stem.split("_")[0] for p in (REPO / "migrations" / "versions").glob("*.py"))
    assert lines[1] == newest
