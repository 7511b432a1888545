"""``ijw validate`` as a user runs it: a subprocess, its output and its exit code."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from ijw.writing import write
from tests.conftest import REPO
from tests.synth import bsn, jw305, jw315, jw319

DAY = date(2024, 3, 1)
START = date(2024, 4, 1)
#: One text finding: ``file:line: [code] message`` (the element path in brackets at the end).
FINDING = re.compile(r"^(?P<file>.+?):(?P<line>\d+): \[(?P<code>[^\]]+)\] (?P<message>.+)$")
SUMMARY = re.compile(r"^(\d+) file\(s\): (\d+) valid, (\d+) invalid$")
JSON_KEYS = {"file", "valid", "message_type", "errors"}
ERROR_KEYS = {"line", "path", "message", "code"}


def ijw(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IJW_")}
    return subprocess.run(
        [sys.executable, "-m", "ijw", *map(str, args)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False,
    )


def _valid_315(i: int) -> bytes:
    return write(jw315(i, "99990001", f"V{i:010d}", DAY, [f"REF{i}"], START), stamp=False)


@pytest.fixture()
def valid_dir(tmp_path: Path) -> Path:
    """Three valid messages, one of them two folders deep."""
    folder = tmp_path / "valid"
    deep = folder / "a" / "b"
    deep.mkdir(parents=True)
    (folder / "jw315-1.xml").write_bytes(_valid_315(1))
    (folder / "a" / "jw305-2.xml").write_bytes(
        write(jw305(2, "99990002", "S0000000002", START, 100_002, START), stamp=False))
    (deep / "jw319-3.xml").write_bytes(
        write(jw319("99990003", "A0000000003", DAY, "REF3"), stamp=False))
    return folder


@pytest.fixture()
def mixed_dir(valid_dir: Path) -> Path:
    """The valid messages plus an elfproef failure, an XSD error and a non-XML file."""
    bad_bsn = _valid_315(4).replace(bsn(4).encode(), b"123456789")
    (valid_dir / "a" / "b" / "cs002.xml").write_bytes(bad_bsn)
    (valid_dir / "xsd.xml").write_bytes(_valid_315(5).replace(b"REF5", b""))
    (valid_dir / "notes.txt").write_bytes(b"not a message\n")
    return valid_dir


def test_all_valid_exits_0_with_only_a_summary(valid_dir: Path) -> None:
    done = ijw("validate", valid_dir)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["3 file(s): 3 valid, 0 invalid"]
    assert done.stderr == ""


def test_text_output_lines_then_summary(mixed_dir: Path) -> None:
    done = ijw("validate", mixed_dir)
    assert done.returncode == 1, done.stderr
    *lines, summary = done.stdout.splitlines()
    assert SUMMARY.match(summary)
    assert summary == "6 file(s): 3 valid, 3 invalid"
    parsed = [FINDING.match(line) for line in lines]
    assert all(parsed), lines
    by_file = {Path(m["file"]).name: m for m in parsed if m}
    assert set(by_file) == {"cs002.xml", "xsd.xml", "notes.txt"}
    assert by_file["cs002.xml"]["code"] == "0001"
    assert "CS002" in by_file["cs002.xml"]["message"]
    assert by_file["cs002.xml"]["message"].endswith("(Bericht/Client/Bsn)")
    assert "123456789" not in done.stdout  # the BSN is masked everywhere
    assert by_file["xsd.xml"]["code"] == "xsd"
    assert "ReferentieAanbieder" in by_file["xsd.xml"]["message"]
    assert by_file["notes.txt"]["code"] == "input"
    for match in parsed:
        assert match is not None
        path = Path(match["file"])
        assert path.is_file() and path.is_relative_to(mixed_dir)
        line = int(match["line"])
        assert 1 <= line <= len(path.read_bytes().splitlines())


def test_json_output_one_object_per_file(mixed_dir: Path) -> None:
    done = ijw("validate", mixed_dir, "--format", "json")
    assert done.returncode == 1, done.stderr
    objects = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(objects) == 6
    for obj in objects:
        assert set(obj) == JSON_KEYS
        assert isinstance(obj["valid"], bool)
        assert obj["valid"] == (obj["errors"] == [])
        for error in obj["errors"]:
            assert set(error) == ERROR_KEYS
    by_name = {Path(o["file"]).name: o for o in objects}
    assert by_name["jw319-3.xml"] == {
        "file": str(mixed_dir / "a" / "b" / "jw319-3.xml"), "valid": True,
        "message_type": "JW319", "errors": [],
    }
    [cs002] = by_name["cs002.xml"]["errors"]
    assert by_name["cs002.xml"]["message_type"] == "JW315"
    assert cs002["code"] == "0001"
    assert cs002["path"] == "Bericht/Client/Bsn"
    assert isinstance(cs002["line"], int)
    assert "123456789" not in done.stdout
    xsd_errors = by_name["xsd.xml"]["errors"]
    assert xsd_errors
    for xsd in xsd_errors:  # an empty value breaks both minLength and the pattern
        assert xsd["code"] is None
        assert xsd["path"].endswith("ReferentieAanbieder")
        assert isinstance(xsd["line"], int)
    assert by_name["notes.txt"]["message_type"] is None
    assert by_name["notes.txt"]["valid"] is False


def test_json_all_valid_exits_0(valid_dir: Path) -> None:
    done = ijw("validate", "--format", "json", valid_dir)
    assert done.returncode == 0, done.stderr
    objects = [json.loads(line) for line in done.stdout.splitlines()]
    assert [o["valid"] for o in objects] == [True, True, True]
    assert {o["message_type"] for o in objects} == {"JW305", "JW315", "JW319"}


def test_folder_is_walked_recursively(valid_dir: Path) -> None:
    done = ijw("validate", "--format", "json", valid_dir)
    files = {Path(json.loads(line)["file"]) for line in done.stdout.splitlines()}
    assert files == {p for p in valid_dir.rglob("*") if p.is_file()}
    assert valid_dir / "a" / "b" / "jw319-3.xml" in files


def test_files_and_folders_together(valid_dir: Path, tmp_path: Path) -> None:
    single = tmp_path / "single.xml"
    single.write_bytes(_valid_315(9))
    done = ijw("validate", single, valid_dir / "a")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["3 file(s): 3 valid, 0 invalid"]


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["validate", "--no-such-option", "."], id="unknown-option"),
        pytest.param(["validate", "does/not/exist.xml"], id="missing-path"),
        pytest.param(["validate"], id="no-path"),
        pytest.param(["validate", "--format", "yaml", "."], id="bad-format"),
        pytest.param(["validate", "--max-bytes", "0", "."], id="bad-max-bytes"),
    ],
)
def test_usage_errors_exit_2_without_traceback(args: list[str]) -> None:
    done = ijw(*args)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    assert "Traceback" not in done.stdout
    assert done.stderr.strip()


def test_missing_path_names_it(valid_dir: Path) -> None:
    missing = valid_dir / "nope.xml"
    done = ijw("validate", valid_dir, missing)
    assert done.returncode == 2
    assert "no such file or folder" in " ".join(done.stderr.split())
    assert done.stdout == ""  # nothing validated before the usage error
