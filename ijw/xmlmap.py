"""Mapping between lxml element trees and message models.

The mapping is compiled once per message type into a :class:`Shape`: for each
complex type, which child element (by Clark name) fills which field, whether
it is a leaf, a nested type or a container of repeats. Reading walks the tree
once and hands pydantic a plain dict; writing walks the model in field order.

After lxml has validated a message against its XSD, every facet the models
repeat (patterns, lengths, ranges, cardinality) is already known to hold.
:func:`element_to_model` uses that: it converts each leaf with a small
converter compiled per field (date, time, int, enum member) and builds the
frozen models without running pydantic's validators again. Anything it does
not recognise as plainly valid raises :class:`UntrustedError`, and the caller falls
back to full pydantic validation, which then names the problem. The tests
check that both paths give equal models on every example and on generated
messages.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, time
from enum import Enum
from typing import Any

from lxml import etree
from pydantic import AfterValidator, BaseModel, BeforeValidator, PlainValidator, WrapValidator
from pydantic_core import PydanticUndefined

from ijw.messages.base import Message, Wrapped, XmlModel

LEAF, NESTED, WRAPPED_LEAF, WRAPPED_NESTED = range(4)


@dataclass(slots=True)
class Child:
    """How one child element maps to one field."""

    tag: str
    field: str
    kind: int
    shape: Shape | None = None
    item_tag: str | None = None
    strip: bool = False
    #: Turns the leaf text into the field's value for :func:`element_to_model`
    #: (``None``: the text itself); raises ``ValueError``/``KeyError`` when unsure.
    convert: Callable[[str], Any] | None = None


class UntrustedError(Exception):
    """:func:`element_to_model` met a value it will not convert without pydantic."""


_MISSING: Any = object()


@dataclass(slots=True)
class Shape:
    """The compiled mapping of one model class in one namespace pair."""

    model: type[XmlModel]
    children: dict[str, Child] = field(default_factory=dict)
    order: list[Child] = field(default_factory=list)
    #: Every field in model order with its default (required ones: a marker).
    template: dict[str, Any] = field(default_factory=dict)
    #: False when a field has a type :func:`element_to_model` cannot convert.
    trusted: bool = True
    #: The BerichtCode a message root must carry (checked by the model otherwise).
    code: str | None = None
    #: The generated builder of :func:`element_to_model` (made on first use).
    builder: Callable[[etree._Element], Any] | None = None


def _unwrap_optional(annotation: Any) -> Any:
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _is_text(annotation: Any) -> bool:
    """True for ``str`` and ``Annotated[str, ...]``: text keeps its whitespace (xs:string)."""
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation is str


def _parts(annotation: Any, metadata: list[Any]) -> tuple[Any, list[Any]]:
    """The base type under ``Annotated`` layers, with all their metadata."""
    extra = list(metadata)
    while typing.get_origin(annotation) is typing.Annotated:
        args = typing.get_args(annotation)
        annotation, extra = args[0], [*extra, *args[1:]]
    return annotation, extra


def _converter(annotation: Any, metadata: list[Any]) -> tuple[bool, Callable[[str], Any] | None]:
    """(known, converter) for a leaf type; ``known`` is False for a type not handled here."""
    base, extra = _parts(annotation, metadata)
    if any(isinstance(m, (BeforeValidator, PlainValidator, WrapValidator)) for m in extra):
        return False, None  # a validator this builder would not run: pydantic decides
    after = [
        typing.cast(Callable[[Any], Any], m.func) for m in extra if isinstance(m, AfterValidator)
    ]
    convert: Callable[[str], Any] | None
    # Only C-level converters, on the lexical form the XSD has let through. What they
    # cannot take raises (an enum value with spaces, a date with a timezone), and what
    # they take but the type refuses (a time with an offset) fails its AfterValidator;
    # either way pydantic then decides.
    if base is str:
        convert = None
    elif base is date:
        convert = date.fromisoformat
    elif base is time:
        convert = time.fromisoformat
    elif base is int:
        convert = int  # after the XSD: an optional sign and ASCII digits
    elif isinstance(base, type) and issubclass(base, Enum):
        convert = base._value2member_map_.__getitem__  # KeyError: not a member
    else:
        return False, None
    if not after:
        return True, convert
    first = convert

    def checked(text: str) -> Any:
        value: Any = first(text) if first is not None else text
        for func in after:
            value = func(value)
        return value

    return True, checked


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, XmlModel)


def compile_shape(model: type[XmlModel], msg_ns: str, base_ns: str) -> Shape:
    """Compile the mapping for ``model`` whose message namespace is ``msg_ns``."""
    shape = Shape(model, code=model.code if issubclass(model, Message) else None)
    # Validators of the model itself are not run by the builder; the one every
    # message has (its BerichtCode) is checked by the builder's own code instead.
    decorators = model.__pydantic_decorators__
    own = set(decorators.model_validators) | set(decorators.field_validators)
    if own - {"_bericht_code_matches"}:
        shape.trusted = False
    ns = base_ns if model.xml_ns == "base" else msg_ns
    for name, info in model.model_fields.items():
        tag = f"{{{ns}}}{info.alias or name}"
        annotation = _unwrap_optional(info.annotation)
        wrapped = next((m for m in info.metadata if isinstance(m, Wrapped)), None)
        known = True
        if wrapped is not None:
            item_type = typing.get_args(annotation)[0]
            item_tag = f"{{{ns}}}{wrapped.item}"
            if _is_model(item_type):
                child = Child(tag, name, WRAPPED_NESTED, compile_shape(item_type, msg_ns, base_ns),
                              item_tag)
            else:
                known, convert = _converter(item_type, [])
                child = Child(tag, name, WRAPPED_LEAF, None, item_tag,
                              strip=not _is_text(item_type), convert=convert)
        elif _is_model(annotation):
            child = Child(tag, name, NESTED, compile_shape(annotation, msg_ns, base_ns))
        else:
            known, convert = _converter(annotation, list(info.metadata))
            child = Child(tag, name, LEAF, strip=not _is_text(annotation), convert=convert)
        if child.shape is not None and not child.shape.trusted:
            known = False
        shape.trusted = shape.trusted and known
        default = info.default
        shape.template[name] = _MISSING if default is PydanticUndefined else default
        shape.children[tag] = child
        shape.order.append(child)
    return shape


def _text(element: etree._Element) -> str:
    if len(element):  # comments or processing instructions inside a value
        return "".join(str(t) for t in element.itertext())
    return element.text or ""


def element_to_dict(element: etree._Element, shape: Shape) -> dict[str, Any]:
    """Turn a schema-valid element into the keyword dict of ``shape.model``."""
    out: dict[str, Any] = {}
    children = shape.children
    for child in element:
        spec = children.get(child.tag)
        if spec is None:
            continue  # comments and processing instructions
        kind = spec.kind
        if kind == LEAF:
            text = _text(child)
            out[spec.field] = text.strip() if spec.strip else text
        elif kind == NESTED:
            out[spec.field] = element_to_dict(child, spec.shape)  # type: ignore[arg-type]
        elif kind == WRAPPED_NESTED:
            sub = spec.shape
            out[spec.field] = [
                element_to_dict(item, sub)  # type: ignore[arg-type]
                for item in child
                if item.tag == spec.item_tag
            ]
        else:
            strip = spec.strip
            out[spec.field] = [
                _text(item).strip() if strip else _text(item)
                for item in child
                if item.tag == spec.item_tag
            ]
    return out


def plain_document(data: bytes) -> bool:
    """True when ``data`` (UTF-8) can hold no comment, processing instruction or NUL.

    Then every leaf element's value is its ``text``, as :func:`element_to_model`
    assumes. A false alarm (a ``!`` or ``?`` in some text, a CDATA section) only
    costs the slower path.
    """
    # Single bytes (memchr) are much cheaper to look for than "<!" among all the "<".
    start = data.find(b"?>", 0, 512) + 2 if data.startswith(b"<?") else 0
    return b"!" not in data and b"\x00" not in data and data.find(b"?", start) < 0


def element_to_model(element: etree._Element, shape: Shape) -> Any:
    """Build ``shape.model`` from an element that its XSD has validated.

    The document must hold no comments or processing instructions (see
    :func:`plain_document`): a leaf's value is then its ``text``. Raises
    :class:`UntrustedError` when a value is not plainly valid (or the shape has
    a type this builder does not know): validate with pydantic instead.
    """
    if not shape.trusted:
        raise UntrustedError(shape.model.__name__)
    try:
        return _builder(shape)(element)
    except (ValueError, KeyError, TypeError) as exc:
        raise UntrustedError(str(exc)) from None


# What pydantic's model_construct() sets on a new instance; the slots' own setters
# are the cheapest way to set them on a frozen model.
_SET_DICT = object.__setattr__
_SET_FIELDS = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_SET_EXTRA = BaseModel.__dict__["__pydantic_extra__"].__set__
_SET_PRIVATE = BaseModel.__dict__["__pydantic_private__"].__set__


#: How many distinct values of one shared value type are kept (see ``XmlModel.xml_shared``).
SHARED_MAX = 4096


def _shareable(shape: Shape) -> bool:
    """True for a shared value type of leaves only, whose optional fields default to None.

    Then equal field values mean equal models, including which fields were given.
    """
    return (
        shape.model.xml_shared
        and bool(shape.order)
        and all(spec.kind == LEAF for spec in shape.order)
        and all(v is None or v is _MISSING for v in shape.template.values())
    )


def _present(text: str | None) -> str:
    if text is None:
        raise ValueError("empty element")
    return text


def _assign(i: int, spec: Child, child: str, indent: str, env: dict[str, Any]) -> list[str]:
    """Source lines that set ``v{i}`` from the element in variable ``child``."""
    var = f"v{i}"
    if spec.kind == LEAF:
        lines = [f"text = {child}.text", "if text is None:"]
        lines.append("    raise ValueError('empty element')")
        if spec.convert is None:
            lines.append(f"{var} = text")
        else:
            env[f"c{i}"] = spec.convert
            lines.append(f"{var} = c{i}(text)")
    elif spec.kind == NESTED:
        env[f"b{i}"] = _builder(spec.shape)  # type: ignore[arg-type]
        lines = [f"{var} = b{i}({child})"]
    elif spec.kind == WRAPPED_NESTED:
        env[f"b{i}"] = _builder(spec.shape)  # type: ignore[arg-type]
        env[f"i{i}"] = spec.item_tag
        lines = [f"{var} = tuple([b{i}(item) for item in {child} if item.tag == i{i}])"]
    else:
        env[f"i{i}"] = spec.item_tag
        env[f"c{i}"] = spec.convert or _present
        lines = [f"{var} = tuple([c{i}(item.text) for item in {child} if item.tag == i{i}])"]
    return [indent + line for line in lines]


def _builder(shape: Shape) -> Callable[[etree._Element], Any]:
    """The builder of ``shape``: Python source generated once per shape, then compiled.

    Generated code keeps each field in a local variable. When every field has its
    child element, the children are taken by position (reading an lxml tag costs
    more than the rest of a leaf); otherwise the children are matched in one pass
    against the fields in order, since the XSD fixes that order. Anything left
    over raises. The read benchmark depends on both paths. Only names and literals from
    the shape go into the source; values are bound as globals of the function.
    """
    if shape.builder is not None:
        return shape.builder
    env: dict[str, Any] = {
        "_new": object.__new__, "_set_dict": _SET_DICT,
        "_set_fields": _SET_FIELDS, "_set_extra": _SET_EXTRA, "_set_private": _SET_PRIVATE,
        "model": shape.model,
    }
    sequential: list[str] = []
    required: list[str] = []
    positional: list[str] = []
    for i, spec in enumerate(shape.order):
        var, tag = f"v{i}", f"t{i}"
        env[tag] = spec.tag
        default = shape.template[spec.field]
        sequential.append(f"if tag == {tag}:")
        sequential.extend(_assign(i, spec, "child", "    ", env))
        if default is _MISSING:
            required.append(spec.field)
            missing = ["    raise ValueError('missing element')"]
        else:
            env[f"d{i}"] = default
            sequential.append(f"    given.add({spec.field!r})")
            missing = [f"    {var} = d{i}"]
        sequential += ["    child = next(children, None)",
                       "    tag = None if child is None else child.tag", "else:", *missing]
        positional.extend(_assign(i, spec, f"c{i}x", "        ", env))
    checks: list[str] = []
    if shape.code is not None:
        header = next(i for i, spec in enumerate(shape.order) if spec.field == "header")
        env["CODE"] = shape.code
        checks.append(
            f"    if v{header}.bericht_code != CODE:\n        raise ValueError('BerichtCode')"
        )
    fields = ", ".join(f"{spec.field!r}: v{i}" for i, spec in enumerate(shape.order))
    given = f"{{{', '.join(repr(f) for f in required)}}}" if required else "set()"
    every = f"{{{', '.join(repr(spec.field) for spec in shape.order)}}}"
    lookup: list[str] = []
    remember: list[str] = []
    if _shareable(shape):
        # A value type that repeats across messages: hand out one frozen instance
        # for equal values (bounded; the table starts over when full).
        env["shared"] = {}
        env["SHARED_MAX"] = SHARED_MAX
        key = "".join(f"v{i}, " for i in range(len(shape.order)))
        lookup = [
            f"    key = ({key})",
            "    found = shared.get(key)",
            "    if found is not None:",
            "        return found",
        ]
        remember = [
            "    if len(shared) >= SHARED_MAX:",
            "        shared.clear()",
            "    shared[key] = instance",
        ]
    count = len(shape.order)
    unpack = "".join(f"c{i}x, " for i in range(count))
    source = "\n".join([
        "def build(element):",
        # In a plain document (no comments or processing instructions) whose XSD
        # holds, an element with a child for every field has them in field order.
        f"    if len(element) == {count}:",
        f"        {unpack}= element",
        f"        if c{count - 1}x.tag != t{count - 1}:",
        "            raise ValueError('unexpected element')",
        *positional,
        f"        given = {every}",
        "    else:",
        # Otherwise the children come in field order with some left out: each is
        # matched once against the fields that may come next.
        f"        given = {given}",
        "        children = iter(element)",
        "        child = next(children, None)",
        "        tag = None if child is None else child.tag",
        *[f"        {line}" for line in sequential],
        "        if child is not None:",
        "            raise ValueError('unexpected element')",
        *checks,
        *lookup,
        "    instance = _new(model)",
        f"    _set_dict(instance, '__dict__', {{{fields}}})",
        "    _set_fields(instance, given)",
        "    _set_extra(instance, None)",
        "    _set_private(instance, None)",
        *remember,
        "    return instance",
    ])
    if not shape.order:
        raise ValueError(f"{shape.model.__name__} has no fields")  # no such type in iJw
    exec(compile(source, f"<ijw builder {shape.model.__name__}>", "exec"), env)  # noqa: S102
    shape.builder = env["build"]
    return shape.builder


def to_text(value: object) -> str:
    """The XML lexical form of a leaf value."""
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


def model_to_element(
    model: XmlModel, shape: Shape, tag: str, nsmap: dict[str | None, str] | None = None
) -> etree._Element:
    """Build the element ``tag`` for ``model`` (the root when ``nsmap`` is given)."""
    # lxml takes None as the key of a default namespace; its stubs do not say so.
    element = etree.Element(tag, nsmap=nsmap) if nsmap else etree.Element(tag)  # type: ignore[arg-type]
    _fill(element, model, shape)
    return element


def _fill(element: etree._Element, model: XmlModel, shape: Shape) -> None:
    for spec in shape.order:
        value = getattr(model, spec.field)
        if value is None:
            continue
        kind = spec.kind
        if kind == LEAF:
            etree.SubElement(element, spec.tag).text = to_text(value)
        elif kind == NESTED:
            _fill(etree.SubElement(element, spec.tag), value, spec.shape)  # type: ignore[arg-type]
        elif not value:
            continue  # an empty container is an absent element
        else:
            container = etree.SubElement(element, spec.tag)
            item_tag = spec.item_tag or ""
            for item in value:
                if kind == WRAPPED_NESTED:
                    _fill(etree.SubElement(container, item_tag), item, spec.shape)  # type: ignore[arg-type]
                else:
                    etree.SubElement(container, item_tag).text = to_text(item)


def locate(
    root: etree._Element, shape: Shape, loc: tuple[int | str, ...]
) -> tuple[str, int | None]:
    """Follow a model location (field names and indexes) to its element.

    Returns a readable element path (``Bericht/Client/Bsn``) and the line of
    the deepest element found.
    """
    names = [etree.QName(root).localname]
    element: etree._Element = root
    current: Shape | None = shape
    items = iter(loc)
    for step in items:
        if current is None or not isinstance(step, str):
            break
        spec = next((c for c in current.order if c.field == step), None)
        if spec is None:
            break
        found = element.find(spec.tag)
        names.append(spec.tag.split("}")[-1])
        if found is None:
            break
        element = found
        current = spec.shape
        if spec.kind in (WRAPPED_NESTED, WRAPPED_LEAF):
            index = next(items, None)
            if not isinstance(index, int):
                break
            matches = [c for c in element if c.tag == spec.item_tag]
            names.append(f"{(spec.item_tag or '').split('}')[-1]}[{index + 1}]")
            if index >= len(matches):
                break
            element = matches[index]
    line = element.sourceline
    return "/".join(names), line if isinstance(line, int) else None
