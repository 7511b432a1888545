"""Hostile and broken input: a clear finding within a second, never a crash or a read outside."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from ijw.errors import Level
from ijw.reading import read

NS = "http://www.istandaarden.nl/ijw/3_2/jw315/schema"
SECRET = "TOP-SECRET-MARKER"


@pytest.fixture()
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET)
    return path


def _timed_read(data: bytes, **kw: object) -> tuple[float, object]:
    start = time.perf_counter()
    result = read(data, name="hostile.xml", **kw)  # type: ignore[arg-type]
    return time.perf_counter() - start, result


def _single_input_finding(data: bytes, **kw: object) -> str:
    elapsed, result = _timed_read(data, **kw)
    assert elapsed < 1.0
    assert result.message is None  # type: ignore[attr-defined]
    findings = result.findings  # type: ignore[attr-defined]
    assert findings, "hostile input must give a finding"
    assert all(f.level is Level.INPUT for f in findings)
    assert all(f.file == "hostile.xml" for f in findings)
    text = " ".join(f.message for f in findings)
    assert SECRET not in text
    return text


def test_xxe_file_entity_is_not_read(secret_file: Path) -> None:
    data = (
        f'<?xml version="1.0"?><!DOCTYPE b [<!ENTITY x SYSTEM "file://{secret_file}">]>'
        f'<Bericht xmlns="{NS}">&x;</Bericht>'
    ).encode()
    assert "DOCTYPE" in _single_input_finding(data)


def test_xxe_network_entity_is_not_fetched() -> None:
    data = (
        '<?xml version="1.0"?><!DOCTYPE b [<!ENTITY x SYSTEM "http://127.0.0.1:9/x">]>'
        f'<Bericht xmlns="{NS}">&x;</Bericht>'
    ).encode()
    assert "DOCTYPE" in _single_input_finding(data)


def test_parameter_entity_is_not_loaded(secret_file: Path) -> None:
    data = (
        f'<?xml version="1.0"?><!DOCTYPE b [<!ENTITY % p SYSTEM "file://{secret_file}"> %p;]>'
        f'<Bericht xmlns="{NS}"/>'
    ).encode()
    _single_input_finding(data)


def test_billion_laughs() -> None:
    levels = ['<!ENTITY a0 "lol">'] + [
        f'<!ENTITY a{i} "{"&a" + str(i - 1) + ";" * 1}' + f'{("&a" + str(i - 1) + ";") * 9}">'
        for i in range(1, 10)
    ]
    data = (
        f'<?xml version="1.0"?><!DOCTYPE b [{"".join(levels)}]>'
        f'<Bericht xmlns="{NS}">&a9;</Bericht>'
    ).encode()
    _single_input_finding(data)


def test_external_dtd(secret_file: Path) -> None:
    data = f'<?xml version="1.0"?><!DOCTYPE b SYSTEM "file://{secret_file}"><b/>'.encode()
    assert "DOCTYPE" in _single_input_finding(data)


def test_fifty_megabytes(tmp_path: Path) -> None:
    path = tmp_path / "big.xml"
    with path.open("wb") as handle:
        handle.write(f'<Bericht xmlns="{NS}">'.encode())
        handle.write(b"<!-- " + b"x" * (50 * 1024 * 1024) + b" -->")
        handle.write(b"</Bericht>")
    start = time.perf_counter()
    result = read(path)
    assert time.perf_counter() - start < 1.0
    assert result.message is None
    assert "over the limit" in result.findings[0].message
    assert result.findings[0].file == str(path)


def test_size_limit_is_configurable() -> None:
    data = f'<Bericht xmlns="{NS}"/>'.encode()
    assert "over the limit" in _single_input_finding(data, max_bytes=10)


def test_non_xml() -> None:
    text = _single_input_finding(b"%PDF-1.4 this is not xml at all")
    assert text


def test_empty_file() -> None:
    assert "empty" in _single_input_finding(b"")
    assert "empty" in _single_input_finding(b"  \n ")


def test_truncated_xml(official_examples_dir: Path) -> None:
    data = (official_examples_dir / "JW316.xml").read_bytes()
    elapsed, result = _timed_read(data[: len(data) // 2])
    assert elapsed < 1.0
    finding = result.findings[0]  # type: ignore[attr-defined]
    assert finding.level is Level.INPUT
    assert finding.line is not None and finding.line > 1


def test_wrong_encoding_declaration() -> None:
    data = f'<?xml version="1.0" encoding="ISO-8859-1"?><Bericht xmlns="{NS}"/>'.encode()
    assert "UTF-8" in _single_input_finding(data)


def test_invalid_utf8_bytes() -> None:
    data = f'<?xml version="1.0" encoding="UTF-8"?><Bericht xmlns="{NS}">\xff</Bericht>'.encode(
        "latin-1"
    )
    _single_input_finding(data)


def test_utf8_bom_is_refused(official_examples_dir: Path) -> None:
    data = b"\xef\xbb\xbf" + (official_examples_dir / "JW316.xml").read_bytes()
    text = _single_input_finding(data)
    assert "OP192" in text


def test_utf16_is_refused() -> None:
    data = f'<?xml version="1.0"?><Bericht xmlns="{NS}"/>'.encode("utf-16")
    assert "UTF" in _single_input_finding(data)


def test_unreadable_path(tmp_path: Path) -> None:
    result = read(tmp_path / "missing.xml")
    assert result.findings[0].level is Level.INPUT
    assert "cannot read" in result.findings[0].message
