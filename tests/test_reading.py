"""Reading messages: the official examples, the known defects, foreign input, BSN masking.

The official examples are read from the shared folder (never copied); the two
defective ones are repaired in memory (:data:`tests.mutations.REPAIRS`) for the
"valid" cases and used as published for the finding cases. The same examples
are read with our schemas and with the official XSDs (an external schema folder,
also through ``IJW_SCHEMA_DIR`` and ``--schemas`` on the command line).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from lxml import etree

from ijw.errors import Finding, InvalidMessageError, Level
from ijw.messages import message_class
from ijw.reading import ReadResult, parse, read
from ijw.schemas import SchemaSet
from ijw.schemas import load as load_schemas
from ijw.writing import write
from tests.conftest import OUR_SCHEMAS, REPO
from tests.mutations import (
    OUR_MESSAGES,
    Example,
    load_examples,
    message_ns,
    parse_bytes,
    serialise,
    stray_retourcodes_jw318,
)
from tests.synth import jw315

NS_315 = message_ns("315")


@pytest.fixture(scope="module")
def ours() -> SchemaSet:
    return SchemaSet(OUR_SCHEMAS)


@pytest.fixture(scope="module")
def official(official_xsd_dir: Path) -> SchemaSet:
    return SchemaSet(official_xsd_dir)


@pytest.fixture(scope="module")
def examples(official_examples_dir: Path) -> dict[str, Example]:
    return {e.message: e for e in load_examples(official_examples_dir)}


def _not_content(findings: tuple[Finding, ...]) -> list[Finding]:
    return [f for f in findings if f.level in (Level.INPUT, Level.XSD)]


def _lines_with(data: bytes, needle: bytes) -> list[int]:
    return [n for n, line in enumerate(data.splitlines(), start=1) if needle in line]


def _xsd_locations(result: ReadResult) -> list[tuple[int | None, str | None]]:
    return [(f.line, f.path) for f in result.findings]


def _bsn_315(bsn: str) -> bytes:
    """A synthetic 315 whose Bsn element carries ``bsn`` as is."""
    message = jw315(1, "99990001", "V0000000001", date(2024, 1, 2), ["REF1"], date(2024, 2, 1))
    root = parse_bytes(write(message, stamp=False))
    element = root.find(f"{{{NS_315}}}Client/{{{NS_315}}}Bsn")
    assert element is not None
    element.text = bsn
    return serialise(root)


# --------------------------------------------------------------------------- valid examples


@pytest.mark.shared
@pytest.mark.parametrize("number", OUR_MESSAGES)
@pytest.mark.parametrize("schema", ["ours", "official"])
def test_valid_examples_read_into_their_model(
    number: str, schema: str, examples: dict[str, Example], request: pytest.FixtureRequest
) -> None:
    schemas: SchemaSet = request.getfixturevalue(schema)
    example = examples[number]
    result = read(serialise(example.root), name=f"{example.name}.xml", schemas=schemas)
    assert _not_content(result.findings) == []
    assert type(result.message) is message_class(example.name)
    assert result.message_type == example.name
    # Content rules: JW317 breaks CS003, and JW323 uses ReferentieNummer RN004 twice for one
    # client (TR101) in two debets, one of them on the same toewijzing, product and period as
    # another client's (TR416); see the examples' README.
    expected = {"317": [("CS003", "0001")],
                "323": [("TR101", "0001"), ("TR416", "0001")]}.get(number, [])
    assert [(f.rule, f.code) for f in result.findings] == expected
    if not expected:
        assert result.valid
        assert type(parse(serialise(example.root), schemas=schemas)) is message_class(example.name)


# --------------------------------------------------------------------------- defective examples


@pytest.mark.shared
@pytest.mark.parametrize("schema", ["ours", "official"])
def test_unrepaired_jw315_names_both_end_dates(
    schema: str, official_examples_dir: Path, request: pytest.FixtureRequest
) -> None:
    schemas: SchemaSet = request.getfixturevalue(schema)
    path = official_examples_dir / "JW315.xml"
    result = read(path, schemas=schemas)
    expected_lines = _lines_with(path.read_bytes(), b"2027-06-31")
    assert len(expected_lines) == 2
    assert result.message is None
    assert result.message_type == "JW315"
    assert len(result.findings) == 2
    for finding, line, index in zip(result.findings, expected_lines, (1, 2), strict=True):
        assert finding.level is Level.XSD
        assert finding.file == str(path)
        assert finding.line == line
        assert finding.path == (
            f"Bericht/Client/AangevraagdeProducten/AangevraagdProduct[{index}]/ToewijzingEinddatum"
        )
        assert "ToewijzingEinddatum" in finding.message
        assert "2027-06-31" in finding.message
        assert finding.render().startswith(f"{path}:{line}: [xsd] ")


@pytest.mark.shared
@pytest.mark.parametrize("schema", ["ours", "official"])
def test_unrepaired_jw318_names_the_stray_retourcode(
    schema: str, official_examples_dir: Path, request: pytest.FixtureRequest
) -> None:
    schemas: SchemaSet = request.getfixturevalue(schema)
    path = official_examples_dir / "JW318.xml"
    stray = stray_retourcodes_jw318(parse_bytes(path.read_bytes()))
    assert len(stray) == 1
    result = read(path, schemas=schemas)
    assert result.message is None
    assert result.message_type == "JW318"
    [finding] = result.findings
    assert finding.level is Level.XSD
    assert finding.line == stray[0].sourceline
    assert finding.path == "Bericht/Client/Verzoek/RetourCode"
    assert "RetourCode" in finding.message


@pytest.mark.shared
def test_official_and_our_schemas_agree_on_the_published_examples(
    ours: SchemaSet, official: SchemaSet, official_examples_dir: Path
) -> None:
    for number in OUR_MESSAGES:
        path = official_examples_dir / f"JW{number}.xml"
        mine, theirs = read(path, schemas=ours), read(path, schemas=official)
        assert (mine.message is None) == (theirs.message is None), number
        assert _xsd_locations(mine) == _xsd_locations(theirs), number
        assert mine.message == theirs.message, number


# --------------------------------------------------------------------------- foreign input


def _single_input_finding(data: bytes) -> Finding:
    result = read(data, name="in.xml")
    assert result.message is None
    [finding] = result.findings
    assert finding.level is Level.INPUT
    assert finding.file == "in.xml"
    assert finding.line is not None
    return finding


def _synthetic_315() -> bytes:
    message = jw315(7, "99990001", "V0000000007", date(2024, 1, 2), ["REF7"], date(2024, 2, 1))
    return write(message, stamp=False)


def test_unknown_namespace_is_one_input_finding() -> None:
    data = _synthetic_315().replace(NS_315.encode(), b"urn:example:onbekend")
    finding = _single_input_finding(data)
    assert "unknown namespace urn:example:onbekend" in finding.message


def test_release_3_1_is_one_input_finding() -> None:
    old = "http://www.istandaarden.nl/ijw/3_1/jw315/schema"
    data = _synthetic_315().replace(NS_315.encode(), old.encode())
    finding = _single_input_finding(data)
    assert "3.1 is not supported" in finding.message
    assert "3.2" in finding.message


def test_unknown_message_of_the_release_is_one_input_finding() -> None:
    unknown = "http://www.istandaarden.nl/ijw/3_2/jw399/schema"
    finding = _single_input_finding(_synthetic_315().replace(NS_315.encode(), unknown.encode()))
    assert "JW399" in finding.message
    assert "not handled" in finding.message


def test_parse_raises_with_the_findings() -> None:
    data = _synthetic_315().replace(NS_315.encode(), b"urn:example:onbekend")
    with pytest.raises(InvalidMessageError) as info:
        parse(data, name="in.xml")
    assert len(info.value.findings) == 1
    assert info.value.findings[0].level is Level.INPUT
    assert info.value.file == "in.xml"
    assert "unknown namespace" in str(info.value)


def test_parse_raises_on_content_findings_too() -> None:
    with pytest.raises(InvalidMessageError) as info:
        parse(_bsn_315("123456789"))
    assert [f.rule for f in info.value.findings] == ["CS002"]


def test_parse_returns_the_model() -> None:
    message = parse(_synthetic_315())
    assert type(message) is message_class("JW315")


# --------------------------------------------------------------------------- BSN masking


@pytest.mark.parametrize(("bsn", "shown"), [("12345678X", "5678X"), ("1234567890", "7890")])
def test_bsn_in_xsd_error_is_masked(bsn: str, shown: str) -> None:
    result = read(_bsn_315(bsn), name="in.xml")
    # The official schemas report a length and a pattern error; ours only the pattern.
    assert result.findings
    digits = bsn.rstrip("X")
    for finding in result.findings:
        assert finding.level is Level.XSD
        assert finding.path == "Bericht/Client/Bsn"
        for text in (finding.message, finding.render(),
                     str(InvalidMessageError(result.findings))):
            assert digits not in text
            assert digits[:-4] not in text
        if "pattern" in finding.message:
            assert shown in finding.render()  # a quoted value keeps its last four digits


def test_elfproef_failure_is_cs002_with_0001() -> None:
    data = _bsn_315("123456789")
    result = read(data, name="in.xml")
    [finding] = result.findings
    assert (finding.level, finding.rule, finding.code) == (Level.CONTENT, "CS002", "0001")
    assert finding.path == "Bericht/Client/Bsn"
    assert finding.line == _lines_with(data, b"123456789")[0]
    assert "123456789" not in finding.render()
    assert result.message is not None  # content findings keep the model


@pytest.mark.shared
def test_elfproef_failure_in_a_323_names_its_client(official_examples_dir: Path) -> None:
    """A 323 has many clients: CS002 checks each BSN and points at the one that fails."""
    # The example without its TR101 and TR416 findings: client 2's second prestatie gets a
    # toewijzing of its own, its third a ReferentieNummer of its own.
    root = parse_bytes((official_examples_dir / "JW323.xml").read_bytes())
    ns = {"m": "http://www.istandaarden.nl/ijw/3_2/jw323/schema",
          "b": "http://www.istandaarden.nl/ijw/3_2/basisschema/schema"}
    second, third = root.findall(".//m:Client[2]/m:Prestaties/m:Prestatie", ns)[1:3]
    second.find("m:ToewijzingNummer", ns).text = "10075"  # type: ignore[union-attr]
    third.find("m:ProductReferentie/b:ReferentieNummer", ns).text = "RN005"  # type: ignore[union-attr]
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    assert read(data).valid, read(data).findings
    bad = data.replace(b">999900018<", b">123456789<")
    result = read(bad, name="in.xml")
    [finding] = result.findings
    assert (finding.level, finding.rule, finding.code) == (Level.CONTENT, "CS002", "0001")
    assert finding.path == "Bericht/Declaratie/Clienten/Client[2]/Bsn"
    assert finding.line == _lines_with(bad, b"123456789")[0]
    assert result.message is not None


# --------------------------------------------------------------------------- external schemas


def _ijw(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if k != "IJW_SCHEMA_DIR"}
    full.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "ijw", *args],
        cwd=REPO, env=full, capture_output=True, text=True, timeout=120, check=False,
    )


@pytest.fixture()
def example_inbox(tmp_path: Path, examples: dict[str, Example], official_examples_dir: Path
                  ) -> Path:
    """The valid examples (JW315 repaired; JW317 and JW323 left out: CS003, TR101) and JW318."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for number, example in examples.items():
        if number in ("317", "318", "323"):
            continue  # 317 breaks CS003, 323 TR101; 318 goes in as published
        (inbox / f"{example.name}.xml").write_bytes(serialise(example.root))
    shutil.copy(official_examples_dir / "JW318.xml", inbox / "JW318.xml")
    return inbox


@pytest.mark.shared
@pytest.mark.parametrize("how", ["option", "env"])
def test_cli_validates_with_the_official_schemas(
    how: str, example_inbox: Path, official_xsd_dir: Path, examples: dict[str, Example]
) -> None:
    if how == "option":
        done = _ijw("validate", str(example_inbox), "--schemas", str(official_xsd_dir))
    else:
        done = _ijw("validate", str(example_inbox), env={"IJW_SCHEMA_DIR": str(official_xsd_dir)})
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stdout.splitlines()
    assert lines[-1] == f"{len(examples) - 2} file(s): {len(examples) - 3} valid, 1 invalid"
    [finding] = lines[:-1]
    stray = stray_retourcodes_jw318(parse_bytes((example_inbox / "JW318.xml").read_bytes()))
    assert finding.startswith(f"{example_inbox / 'JW318.xml'}:{stray[0].sourceline}: [xsd] ")
    assert "RetourCode" in finding


@pytest.mark.shared
@pytest.mark.parametrize("how", ["option", "env"])
def test_cli_uses_only_the_schema_folder_given(
    how: str, tmp_path: Path, official_xsd_dir: Path, examples: dict[str, Example]
) -> None:
    """A folder with only the 301 schema validates a 301 and has no schema for a 315."""
    folder = tmp_path / "xsd"
    folder.mkdir()
    for name in ("basisschema.xsd", "JW301.xsd"):
        shutil.copy(official_xsd_dir / name, folder / name)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for number in ("301", "315"):
        (inbox / f"JW{number}.xml").write_bytes(serialise(examples[number].root))
    if how == "option":
        done = _ijw("validate", str(inbox), "--schemas", str(folder))
    else:
        done = _ijw("validate", str(inbox), env={"IJW_SCHEMA_DIR": str(folder)})
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert lines == [
        f"{inbox / 'JW315.xml'}: [input] no schema for JW315 in {folder.resolve()}",
        "2 file(s): 1 valid, 1 invalid",
    ]


def test_cli_missing_schema_folder_is_a_usage_error(tmp_path: Path) -> None:
    message = tmp_path / "m.xml"
    message.write_bytes(_synthetic_315())
    done = _ijw("validate", str(message), "--schemas", str(tmp_path / "nope"))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "does not exist" in " ".join(done.stderr.split())


def test_our_schema_folder_is_the_default(
    ours: SchemaSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("IJW_SCHEMA_DIR", raising=False)
    result = read(_synthetic_315())
    assert result.valid
    written = write(result.message)  # type: ignore[arg-type]
    header = read(written, schemas=ours).message.header  # type: ignore[union-attr]
    versions = ours.versions(NS_315)
    assert header.xsd_versie.basisschema_xsd_versie == versions.basisschema
    assert header.xsd_versie.bericht_xsd_versie == versions.bericht


def test_tijd_with_timezone_is_refused_by_the_model() -> None:
    """A 301 built in code cannot carry a timezone in Toewijzingstijd (LDT_Tijd has none)."""
    from tests.synth import Toewijzing, jw301

    message = jw301(1, "99990001", "T1", date(2024, 1, 2),
                    [Toewijzing(1, date(2024, 2, 1), None)])
    data = message.model_dump()
    data["client"]["toegewezen_producten"][0]["toewijzingstijd"] = "09:00:00+01:00"
    with pytest.raises(ValueError, match="timezone"):
        type(message).model_validate(data)
    # and read from XML (the XSD lets '-hh:mm' through) it is a finding, not a crash
    root = parse_bytes(write(message, stamp=False))
    ns = message_ns("301")
    tijd = root.find(f".//{{{ns}}}Toewijzingstijd")
    assert tijd is not None
    tijd.text = "09:00:00-01:00"
    result = read(etree.tostring(root), name="in.xml")
    assert result.message is None
    [finding] = result.findings
    assert "timezone" in finding.message
    assert finding.path is not None and finding.path.endswith("Toewijzingstijd")


# --------------------------------------------------------------------------- the digest


def test_the_digest_is_of_the_bytes_read_and_empty_when_none_were(tmp_path: Path) -> None:
    data = _synthetic_315()
    path = tmp_path / "m.xml"
    path.write_bytes(data)
    assert read(path).sha256 == hashlib.sha256(data).hexdigest()
    empty = tmp_path / "empty.xml"
    empty.write_bytes(b"")
    assert read(empty).sha256 == hashlib.sha256(b"").hexdigest()
    missing = read(tmp_path / "absent.xml")
    assert missing.data is None
    assert missing.sha256 == ""
    assert missing.findings[0].level is Level.INPUT
    over = read(path, max_bytes=10)
    assert over.data is None and over.sha256 == ""


# --------------------------------------------------------------------------- blank text


def test_a_plain_document_keeps_the_blanks_of_its_values() -> None:
    """Indentation between elements is dropped when parsing; a value's blanks never are."""
    demo = (REPO / "fixtures" / "demo" / "jw315-0.xml").read_bytes()
    padded = read(demo.replace(b">Testkind0<", b">  Testkind0  <"))
    assert padded.valid
    assert padded.message.client.naam.geslachtsnaam.achternaam == "  Testkind0  "  # type: ignore[union-attr]
    blank = read(demo.replace(b">Testkind0<", b">   <"))
    assert not blank.valid
    assert "The value '   '" in blank.findings[0].message  # the XSD saw the three blanks


@pytest.mark.shared
def test_the_default_schema_folder_follows_the_environment(
    official_xsd_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("IJW_SCHEMA_DIR", raising=False)
    assert load_schemas().shipped
    monkeypatch.setenv("IJW_SCHEMA_DIR", str(official_xsd_dir))
    official = load_schemas()
    assert official.folder == official_xsd_dir.resolve() and not official.shipped
    assert load_schemas() is official  # read once per folder
    monkeypatch.delenv("IJW_SCHEMA_DIR")
    assert load_schemas().shipped
