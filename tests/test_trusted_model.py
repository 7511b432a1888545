"""The trusted builder (:func:`ijw.xmlmap.element_to_model`) against pydantic.

After XSD validation the reader builds models without pydantic's validators.
These tests hold it to the slow path: for every message the two give equal
models of the same types with the same ``model_fields_set``, and whatever the
builder is unsure of goes to pydantic, which still names the problem.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from lxml import etree
from pydantic import BaseModel

from ijw import api
from ijw.messages import RELEASES, Message, message_class, shape_of
from ijw.reading import read
from ijw.writing import write
from ijw.xmlmap import UntrustedError, element_to_dict, element_to_model, plain_document
from tests.conftest import FIXTURES
from tests.mutations import load_examples, parse_bytes, serialise
from tests.strategies import message_strategy

DEMO = sorted((FIXTURES / "demo").glob("*.xml"))
MESSAGES: tuple[type[Message], ...] = RELEASES[0].messages


def _same(a: Any, b: Any, where: str = "") -> None:
    """Equal values, equal types all the way down, and the same fields given."""
    assert type(a) is type(b), where
    if isinstance(a, BaseModel):
        assert a.model_fields_set == b.model_fields_set, where
        for name in type(a).model_fields:
            _same(getattr(a, name), getattr(b, name), f"{where}.{name}")
    elif isinstance(a, tuple):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, f"{where}[{i}]")
    else:
        assert a == b, where


def _both(data: bytes) -> tuple[Message, Message]:
    root = parse_bytes(data)
    cls = next(m for m in MESSAGES if m.namespace == etree.QName(root).namespace)
    shape = shape_of(cls)
    return element_to_model(root, shape), cls.model_validate(element_to_dict(root, shape))


@pytest.mark.parametrize("path", DEMO, ids=lambda p: p.name)
def test_demo_messages_build_alike(path: Path) -> None:
    data = path.read_bytes()
    assert plain_document(data)
    fast, slow = _both(data)
    _same(fast, slow)
    assert read(path).message == slow


def test_official_examples_build_alike(official_examples_dir: Path) -> None:
    examples = load_examples(official_examples_dir)
    assert examples
    for example in examples:
        fast, slow = _both(serialise(example.root))
        _same(fast, slow, example.name)


@pytest.mark.parametrize("cls", MESSAGES, ids=lambda c: c.message_type)
def test_generated_messages_build_alike(cls: type[Message]) -> None:
    @settings(max_examples=40, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(message=message_strategy(cls))
    def check(message: Message) -> None:
        data = write(message, stamp=False)
        fast, slow = _both(data)
        _same(fast, slow)
        assert fast == message  # (fields given differ: the strategy passes None explicitly)

    check()


def test_value_types_are_shared_but_equal() -> None:
    first = read(DEMO[0]).message
    again = read(DEMO[0].read_bytes()).message
    assert first == again and first is not again
    assert first.header.xsd_versie is again.header.xsd_versie  # type: ignore[union-attr]
    assert first.header is not again.header  # type: ignore[union-attr]


def _demo(name: str) -> bytes:
    return (FIXTURES / "demo" / name).read_bytes()


def test_comment_inside_a_value_takes_the_slow_path_and_keeps_the_value() -> None:
    data = _demo("jw315-0.xml").replace(b">Testkind0<", b">Test<!-- note -->kind0<")
    assert not plain_document(data)
    result = read(data)
    assert result.valid, result.findings
    assert result.message.client.naam.geslachtsnaam.achternaam == "Testkind0"  # type: ignore[union-attr]


def test_processing_instruction_or_nul_is_not_plain() -> None:
    assert not plain_document(b"<?xml version='1.0'?><a><?pi x?>1</a>")
    assert not plain_document(b"<a>1</a>\x00")
    assert plain_document(b"<?xml version='1.0' encoding='UTF-8'?><a>1</a>")


def test_unusual_lexical_form_is_left_to_pydantic() -> None:
    """A '-hh:mm' offset passes the XSD; the builder defers and the model says where."""
    data = _demo("jw301-0.xml").replace(b">09:00:00<", b">09:00:00-01:00<")
    root = parse_bytes(data)
    assert api.schema_set().validator(message_class("JW301").namespace).validate(root)
    with pytest.raises(UntrustedError):
        element_to_model(root, shape_of(message_class("JW301")))
    result = read(data)
    assert result.message is None
    assert any("Toewijzingstijd" in (f.path or "") and "timezone" in f.message
               for f in result.findings), result.findings


def test_wrong_bericht_code_is_left_to_pydantic() -> None:
    """A 301 carrying another BerichtCode is refused by the model, as before."""
    root = parse_bytes(_demo("jw301-0.xml"))
    code = root.find(".//{*}BerichtCode")
    assert code is not None
    code.text = "999"
    with pytest.raises(UntrustedError):
        element_to_model(root, shape_of(message_class("JW301")))


def test_an_operators_schema_folder_reads_through_pydantic(
    official_xsd_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Outside our shipped XSDs the builder is not used: a foreign schema might allow
    an element our model lacks, and position would then put it in the wrong field."""
    official = api.schema_set(official_xsd_dir)
    assert not official.shipped and api.schema_set().shipped
    expected = read(DEMO[0]).message

    def refuse(*_: object) -> None:
        raise AssertionError("the trusted builder ran on an operator's schemas")

    monkeypatch.setattr("ijw.reading.element_to_model", refuse)
    assert read(DEMO[0], schemas=official).message == expected
