"""Hypothesis strategies for schema-valid iJw message models.

The strategies are derived from the models themselves: :func:`model_strategy`
walks ``model_fields`` and picks, for every leaf, a strategy from the ``Ldt``
marker (the basisschema type) and the facets pydantic knows (lengths, ranges).
Codelists become ``sampled_from``, nested complex types recurse, wrapped
tuples get one to three items (zero to three when the container is optional),
optional fields are sometimes ``None``.

Every value is one the XSD accepts, so a generated message must write, validate
against our schemas and read back to an equal model. A leaf whose ``Ldt`` is not
known here fails loudly (:class:`UnknownLeafError`) so a new type gets a strategy.
"""

from __future__ import annotations

import string
import types
import typing
from collections.abc import Callable
from datetime import date, time
from enum import Enum
from functools import cache
from typing import Any

import annotated_types
from hypothesis import strategies as st
from pydantic import StringConstraints
from pydantic.fields import FieldInfo

from ijw.messages import Message
from ijw.messages.base import Ldt, Wrapped, XmlModel
from ijw.messages.r3_2.codelists import LAND_CODES
from ijw.messages.r3_2.types import NOT_BLANK

MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2100, 12, 31)
MAX_ITEMS = 3
#: Longest free text (LDT_Commentaar has no maximum) generated.
MAX_FREE_TEXT = 120
#: XSD ``\s``: the only characters that count as blank.
XSD_BLANK = " \t\n\r"

#: Printable characters without control, format, surrogate, private or unassigned
#: code points: letters, marks, digits, punctuation, symbols and spaces.
PRINTABLE = st.characters(categories=("L", "M", "N", "P", "S", "Zs"))
#: Free text may also carry line breaks (LF; CR would not survive XML parsing as is).
FREE_TEXT = st.one_of(PRINTABLE, st.just("\n"))
VOORLETTER = st.one_of(
    st.sampled_from(string.ascii_letters),
    st.characters(min_codepoint=0xC0, max_codepoint=0x1EF3, categories=("Lu", "Ll", "Lt", "Lo")),
)


class UnknownLeafError(TypeError):
    """A leaf field whose basisschema type has no strategy here."""


def _is_blank(text: str) -> bool:
    return all(c in XSD_BLANK for c in text)


def not_blank(max_length: int) -> st.SearchStrategy[str]:
    """One line (no CR/LF) of 1..``max_length`` printable characters, not only spaces."""
    return st.text(PRINTABLE, min_size=1, max_size=max_length).filter(lambda s: not _is_blank(s))


def any_text(min_length: int, max_length: int) -> st.SearchStrategy[str]:
    """``min_length``..``max_length`` printable characters, only spaces allowed too."""
    return st.text(PRINTABLE, min_size=min_length, max_size=max_length)


def alphanumeric(max_length: int) -> st.SearchStrategy[str]:
    """1..``max_length`` ASCII letters and digits."""
    return st.text(string.ascii_letters + string.digits, min_size=1, max_size=max_length)


def digits(n: int) -> st.SearchStrategy[str]:
    """Exactly ``n`` ASCII digits."""
    return st.text(string.digits, min_size=n, max_size=n)


def versie() -> st.SearchStrategy[str]:
    """``major.minor.patch`` without leading zeros."""
    part = st.integers(0, 999)
    return st.builds(lambda a, b, c: f"{a}.{b}.{c}", part, part, part)


def dates() -> st.SearchStrategy[date]:
    """A date between 1900 and 2100."""
    return st.dates(MIN_DATE, MAX_DATE)


def times() -> st.SearchStrategy[time]:
    """A time without timezone and without microseconds."""
    return st.times().map(lambda t: t.replace(microsecond=0))


def commentaar() -> st.SearchStrategy[str]:
    """Free text with at least one non-blank character; line breaks allowed."""
    return st.text(FREE_TEXT, min_size=1, max_size=MAX_FREE_TEXT).filter(
        lambda s: not _is_blank(s)
    )


#: Leaves with a fixed form, by their basisschema type.
SPECIAL: dict[str, st.SearchStrategy[Any]] = {
    "LDT_BurgerServicenummer": digits(9),
    "LDT_AgbCode": digits(8),
    "LDT_Gemeente": digits(4),
    "LDT_BerichtCode": digits(3),
    "LDT_Versie": versie(),
    "LDT_Datum": dates(),
    "LDT_Tijd": times(),
    "LDT_Voorletters": st.text(VOORLETTER, min_size=1, max_size=6),
    "LDT_Telefoonnummer": st.text(string.digits, min_size=1, max_size=15),
    "LDT_LandCode": st.sampled_from(sorted(LAND_CODES)),
    "LDT_Commentaar": commentaar(),
}


#: String leaves with another pattern (a message narrowing a basisschema type), by that
#: pattern; the strategy takes the maximum length.
PATTERNS: dict[str, Callable[[int], st.SearchStrategy[str]]] = {
    r"^[a-zA-Z0-9]+$": alphanumeric,  # the DeclaratieNummer of a 323
}


def _unwrap(annotation: Any, metadata: list[Any]) -> tuple[Any, bool, list[Any]]:
    """``(base type, optional?, all metadata)`` of a field annotation."""
    optional = False
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        optional = len(args) < len(typing.get_args(annotation))
        if len(args) != 1:
            raise UnknownLeafError(f"union {annotation!r} is not supported")
        annotation = args[0]
    extra: list[Any] = []
    while typing.get_origin(annotation) is typing.Annotated:
        annotation, *more = typing.get_args(annotation)
        extra.extend(more)
    flat: list[Any] = []
    for item in [*metadata, *extra]:
        # Field(ge=..) inside Annotated stays a FieldInfo; its facets are its metadata.
        flat.extend(item.metadata if isinstance(item, FieldInfo) else [item])
    return annotation, optional, flat


def _first(metadata: list[Any], kind: type[Any]) -> Any:
    return next((m for m in metadata if isinstance(m, kind)), None)


def leaf_strategy(base: Any, metadata: list[Any], where: str) -> st.SearchStrategy[Any]:
    """A schema-valid value of one leaf (enum, number, date or string)."""
    if isinstance(base, type) and issubclass(base, Enum):
        return st.sampled_from(list(base))
    marker: Ldt | None = _first(metadata, Ldt)
    if marker is not None and marker.name in SPECIAL:
        return SPECIAL[marker.name]
    if base is int:
        ge = _first(metadata, annotated_types.Ge)
        le = _first(metadata, annotated_types.Le)
        if ge is None or le is None:
            raise UnknownLeafError(f"{where}: integer without bounds")
        return st.integers(int(ge.ge), int(le.le))
    if base is str and marker is not None:
        constraints: StringConstraints | None = _first(metadata, StringConstraints)
        if constraints is not None and constraints.max_length:
            if constraints.pattern == NOT_BLANK:
                return not_blank(constraints.max_length)
            if constraints.pattern is None:  # any characters, blanks included
                return any_text(constraints.min_length or 1, constraints.max_length)
            if isinstance(constraints.pattern, str) and constraints.pattern in PATTERNS:
                return PATTERNS[constraints.pattern](constraints.max_length)
    name = marker.name if marker else "no Ldt marker"
    raise UnknownLeafError(f"{where}: no strategy for {base!r} ({name})")


def field_strategy(
    owner: type[XmlModel], name: str, info: FieldInfo
) -> st.SearchStrategy[Any]:
    """A valid value for one field of ``owner``, ``None`` sometimes when optional."""
    where = f"{owner.__name__}.{name}"
    base, optional, metadata = _unwrap(info.annotation, list(info.metadata))
    wrapped = _first(metadata, Wrapped)
    if wrapped is not None:
        item = typing.get_args(base)[0]
        item_base, _, item_meta = _unwrap(item, [])
        items = _value_strategy(item_base, item_meta, f"{where}[]")
        min_len = _first(metadata, annotated_types.MinLen)
        low = 1 if min_len is not None and min_len.min_length >= 1 else 0
        return st.lists(items, min_size=low, max_size=MAX_ITEMS).map(tuple)
    value = _value_strategy(base, metadata, where)
    return st.none() | value if optional else value


def _value_strategy(base: Any, metadata: list[Any], where: str) -> st.SearchStrategy[Any]:
    if isinstance(base, type) and issubclass(base, XmlModel):
        return model_strategy(base)
    return leaf_strategy(base, metadata, where)


def model_strategy(
    model: type[XmlModel], overrides: dict[str, st.SearchStrategy[Any]] | None = None
) -> st.SearchStrategy[Any]:
    """Valid instances of ``model``; ``overrides`` fixes the strategy of some fields."""
    if not overrides:
        return _cached_model_strategy(model)
    return _build(model, overrides)


@cache
def _cached_model_strategy(model: type[XmlModel]) -> st.SearchStrategy[Any]:
    return st.deferred(lambda: _build(model, {}))


def _build(
    model: type[XmlModel], overrides: dict[str, st.SearchStrategy[Any]]
) -> st.SearchStrategy[Any]:
    fields = {
        name: overrides[name] if name in overrides else field_strategy(model, name, info)
        for name, info in model.model_fields.items()
    }
    return st.fixed_dictionaries(fields).map(lambda values: model(**values))


def message_strategy(cls: type[Message]) -> st.SearchStrategy[Message]:
    """Valid messages of ``cls``: every field generated, BerichtCode the class's own."""
    header_type = _unwrap(cls.model_fields["header"].annotation, [])[0]
    header = model_strategy(header_type, {"bericht_code": st.just(cls.code)})
    return model_strategy(cls, {"header": header})


__all__ = [
    "PATTERNS",
    "SPECIAL",
    "UnknownLeafError",
    "alphanumeric",
    "any_text",
    "field_strategy",
    "leaf_strategy",
    "message_strategy",
    "model_strategy",
    "not_blank",
]
