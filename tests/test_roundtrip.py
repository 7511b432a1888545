"""Property tests: every valid model writes, validates against our XSDs and reads back equal.

The models come from :mod:`tests.strategies`, which derives them from the
message classes (all 14 of the release), so a field added to a model is
covered without touching this file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from lxml import etree

from ijw import api
from ijw.messages import RELEASES, Message
from ijw.reading import read
from ijw.schemas import SchemaSet
from ijw.writing import write
from tests.conftest import FIXTURES, OUR_SCHEMAS
from tests.mutations import OUR_MESSAGES, load_examples, parse_bytes, serialise
from tests.strategies import message_strategy

MESSAGES: tuple[type[Message], ...] = RELEASES[0].messages
XS = "{http://www.w3.org/2001/XMLSchema}"

PROPERTY = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def ours() -> SchemaSet:
    return api.schema_set(OUR_SCHEMAS)


def _appinfo(xsd: Path, name: str) -> str:
    """The appinfo value ``name`` of an XSD file, read without the engine."""
    root = etree.parse(str(xsd), etree.XMLParser(resolve_entities=False, no_network=True))
    for element in root.iterfind(f"{XS}annotation/{XS}appinfo/*"):
        if isinstance(element.tag, str) and etree.QName(element).localname == name:
            return (element.text or "").strip()
    raise AssertionError(f"{xsd.name} has no appinfo {name}")


def test_all_fourteen_messages_covered() -> None:
    assert len(MESSAGES) == 14
    assert {m.message_type for m in MESSAGES} == {
        f"JW{n}" for n in (301, 302, 305, 306, 307, 308, 315, 316, 317, 318, 319, 320, 323, 325)
    }


@pytest.mark.parametrize("cls", MESSAGES, ids=lambda c: c.message_type)
def test_write_validates_and_reads_back_equal(cls: type[Message], ours: SchemaSet) -> None:
    validator = ours.validator(cls.namespace)

    @PROPERTY
    @given(message=message_strategy(cls))
    def check(message: Message) -> None:
        assert message.header.bericht_code == cls.code  # type: ignore[attr-defined]
        data = write(message, stamp=False, schemas=ours)
        assert validator.validate(parse_bytes(data)), validator.error_log
        result = read(data, content_checks=False, schemas=ours)
        assert result.findings == ()
        assert type(result.message) is cls
        assert result.message == message

    check()


@pytest.mark.parametrize("cls", MESSAGES, ids=lambda c: c.message_type)
def test_write_stamps_our_schema_versions(cls: type[Message], ours: SchemaSet) -> None:
    basis = _appinfo(OUR_SCHEMAS / "basisschema.xsd", "BasisschemaXsdVersie")
    bericht = _appinfo(OUR_SCHEMAS / f"{cls.message_type}.xsd", "BerichtXsdVersie")

    @settings(PROPERTY, max_examples=10)
    @given(message=message_strategy(cls))
    def check(message: Message) -> None:
        written = write(message, schemas=ours)
        result = read(written, content_checks=False, schemas=ours)
        assert result.findings == ()
        header = result.message.header  # type: ignore[union-attr]
        original = message.header  # type: ignore[attr-defined]
        stamped = header.xsd_versie_retour if cls.is_retour() else header.xsd_versie
        assert stamped.basisschema_xsd_versie == basis
        assert stamped.bericht_xsd_versie == bericht
        if cls.is_retour():  # the copied heenbericht header keeps its own XsdVersie
            assert header.xsd_versie == original.xsd_versie
        # nothing else changes
        field = "xsd_versie_retour" if cls.is_retour() else "xsd_versie"
        assert result.message == message.model_copy(
            update={"header": original.model_copy(update={field: stamped})}
        )

    check()


@pytest.mark.shared
@pytest.mark.parametrize("number", OUR_MESSAGES)
def test_official_example_parses_writes_validates_and_parses_again(
    number: str, official_examples_dir: Path, ours: SchemaSet
) -> None:
    """parse, write, validate with our XSD, parse: the same model (JW315/318 repaired)."""
    [example] = [e for e in load_examples(official_examples_dir) if e.message == number]
    first = read(serialise(example.root), content_checks=False, schemas=ours)
    assert first.findings == () and first.message is not None
    data = write(first.message, stamp=False, schemas=ours)
    validator = ours.validator(first.message.namespace)
    assert validator.validate(parse_bytes(data)), validator.error_log
    again = read(data, content_checks=False, schemas=ours)
    assert again.findings == ()
    assert again.message == first.message


@pytest.mark.parametrize("path", sorted((FIXTURES / "demo").glob("*.xml")), ids=lambda p: p.name)
def test_the_demo_messages_are_golden_files_of_the_writer(path: Path) -> None:
    """Each demo message was written by ``ijw``: read and written again, it is the same bytes."""
    message = read(path).message
    assert message is not None
    assert write(message, stamp=False) == path.read_bytes()
