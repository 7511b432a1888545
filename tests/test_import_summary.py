"""What the import summary tells an operator: why a file was rejected, fatal errors once."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from lxml import etree

from ijw.codelists.wj001 import meanings
from ijw.messages.r3_2.codelists import RetourCode
from tests.conftest import FIXTURES, require_shared

DEMO = FIXTURES / "demo"
FUTURE = (DEMO / "jw315-future.xml").read_text(encoding="utf-8")


def _ijw(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ijw", *args], cwd=cwd,
                          env={**os.environ, "IJW_TODAY": "2026-11-24", **env},
                          capture_output=True, text=True, timeout=300, check=False)


def _rejected_inbox(folder: Path, n: int) -> Path:
    """``n`` JW315s dated in the future (each rejected with 8848), beside the demo."""
    inbox = folder / "inbox"
    shutil.copytree(DEMO, inbox)
    for i in range(n):
        (inbox / f"future-{i}.xml").write_text(
            FUTURE.replace("V-FUTURE-1", f"V-FUTURE-X{i}"), encoding="utf-8")
    return inbox


def test_every_code_has_its_wj001_meaning() -> None:
    """A meaning, in our words, for exactly the codes the official LDT_RetourCode lists."""
    assert set(meanings()) == {code.value for code in RetourCode}
    assert all(meanings().values())
    xsd = require_shared() / "xsd" / "basisschema.xsd"
    ns = {"xs": "http://www.w3.org/2001/XMLSchema"}
    official = {
        e.get("value") for e in etree.parse(str(xsd)).iterfind(
            ".//xs:simpleType[@name='LDT_RetourCode']//xs:enumeration", ns)
    }
    assert set(meanings()) == official


def test_rejected_files_are_listed_with_their_codes_and_reason_files(tmp_path: Path) -> None:
    inbox = _rejected_inbox(tmp_path, 3)
    done = _ijw(tmp_path, "import", str(inbox), "--gemeente", "0363", "--outbox", "out",
                "--move-to", "archive", "--db", "sqlite:///ijw.db")
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith("rejected ")]
    assert len(lines) == 6  # the demo's three and ours
    meaning = meanings()["8848"]
    assert f"rejected {inbox}/future-0.xml: 8848 {meaning}" in lines
    assert f"rejected {inbox}/jw315-duplicate-id.xml: 9056 {meanings()['9056']}" in lines
    reason = (tmp_path / "archive" / "rejected" / "future-1.xml.reason.txt").read_text()
    assert reason.startswith(f"8848 {meaning} (TR135, header/bericht_identificatie/dagtekening)")
    assert re.search(r"^retour: JW316_0363_99990003_\w+\.xml$", reason, re.M)
    assert not list((tmp_path / "archive" / "accepted").glob("*.reason.txt"))


def test_on_a_terminal_the_list_is_capped_and_json_has_them_all(tmp_path: Path) -> None:
    inbox = _rejected_inbox(tmp_path, 30)
    done = _ijw(tmp_path, "import", str(inbox), "--gemeente", "0363", "--outbox", "out",
                "--db", "sqlite:///ijw.db", FORCE_COLOR="1", COLUMNS="200")
    assert done.returncode == 0, done.stderr
    plain = re.sub(r"\x1b\[[0-9;]*m", "", done.stdout)
    # 30 future 315s and the demo's 3 rejected files and its partly approved 323
    assert len(re.findall(r"^(?:rejected|partly) ", plain, re.M)) == 20
    assert "and 14 more rejected (--format json lists them all)" in plain

    again = _ijw(tmp_path, "import", str(inbox), "--gemeente", "0363", "--outbox", "out2",
                 "--db", "sqlite:///other.db", "--format", "json")
    summary = json.loads(again.stdout)
    assert len(summary["rejected"]) == 34
    first = next(r for r in summary["rejected"] if r["file"].endswith("future-0.xml"))
    assert first["retourcodes"] == [{"code": "8848", "meaning": meanings()["8848"],
                                     "rule": "TR135",
                                     "path": "header/bericht_identificatie/dagtekening"}]


def test_a_fatal_error_is_printed_once_and_is_json_under_format_json(tmp_path: Path) -> None:
    done = _ijw(tmp_path, "import", "missing", "--gemeente", "0363")
    assert done.returncode == 2
    assert done.stderr == "error: missing: no such file or folder\n"
    assert done.stdout == ""

    done = _ijw(tmp_path, "import", "missing", "--gemeente", "0363", "--format", "json")
    assert done.returncode == 2
    assert done.stderr == "error: missing: no such file or folder\n"
    assert json.loads(done.stdout) == {"error": "error: missing: no such file or folder",
                                       "exit_code": 2}
