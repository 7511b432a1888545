"""Mapping between lxml element trees and message models.

The mapping is compiled once per message type into a :class:`Shape`: for each
complex type, which child element (by Clark name) fills which field, whether
it is a leaf, a nested type or a container of repeats. Reading walks the tree
once and hands pydantic a plain dict; writing walks the model in field order.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass, field
from datetime import date, time
from enum import Enum
from typing import Any

from lxml import etree

from ijw.messages.base import Wrapped, XmlModel

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


@dataclass(slots=True)
class Shape:
    """The compiled mapping of one model class in one namespace pair."""

    model: type[XmlModel]
    children: dict[str, Child] = field(default_factory=dict)
    order: list[Child] = field(default_factory=list)


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


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, XmlModel)


def compile_shape(model: type[XmlModel], msg_ns: str, base_ns: str) -> Shape:
    """Compile the mapping for ``model`` whose message namespace is ``msg_ns``."""
    shape = Shape(model)
    ns = base_ns if model.xml_ns == "base" else msg_ns
    for name, info in model.model_fields.items():
        tag = f"{{{ns}}}{info.alias or name}"
        annotation = _unwrap_optional(info.annotation)
        wrapped = next((m for m in info.metadata if isinstance(m, Wrapped)), None)
        if wrapped is not None:
            item_type = typing.get_args(annotation)[0]
            item_tag = f"{{{ns}}}{wrapped.item}"
            if _is_model(item_type):
                child = Child(tag, name, WRAPPED_NESTED, compile_shape(item_type, msg_ns, base_ns),
                              item_tag)
            else:
                child = Child(tag, name, WRAPPED_LEAF, None, item_tag,
                              strip=not _is_text(item_type))
        elif _is_model(annotation):
            child = Child(tag, name, NESTED, compile_shape(annotation, msg_ns, base_ns))
        else:
            child = Child(tag, name, LEAF, strip=not _is_text(annotation))
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
