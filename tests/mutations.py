"""Mutated iJw 3.2 messages derived from the official example messages.

``test_conformance.py`` validates every mutated document against the official XSD
and against ours and requires the same verdict from both. This module knows
nothing about either schema: it only perturbs the examples in ways that exercise
what an XSD can express (cardinality, order, patterns, lengths, numeric ranges,
enumerations, namespaces, fixed header values, closed content models).

Each operator takes the root of a valid example and its message number and yields
``(case_id, xml_bytes)`` pairs; :func:`all_cases` runs every operator over every
example and prefixes the ids with the example's name. All of it is deterministic:
the same examples always give the same cases, in the same order, with the same ids.

The official examples are read from the shared folder at run time and never
copied into the project.
"""

from __future__ import annotations

import copy
import itertools
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

from lxml import etree

from ijw.messages import ALL_MESSAGES

# The messages our schemas cover: every registered model.
OUR_MESSAGES: tuple[str, ...] = tuple(m.message_type[2:] for m in ALL_MESSAGES)

# BerichtCode per message (BRIEF §1).
BERICHT_CODES: dict[str, str] = {
    "301": "436", "302": "437", "305": "438", "306": "439", "307": "440", "308": "441",
    "315": "446", "316": "447", "317": "486", "318": "487", "319": "488", "320": "489",
    "323": "490", "325": "491",
}  # fmt: skip

RELEASE = "3_2"
OLD_RELEASE = "3_1"
FOREIGN_NS = "urn:example:onbekend"

Mutation = tuple[str, bytes]
Operator = Callable[[etree._Element, str], Iterator[Mutation]]


class Case(NamedTuple):
    """One document to validate: ``message`` selects the schema to judge it by."""

    case_id: str
    message: str
    xml: bytes


def message_ns(message: str, release: str = RELEASE) -> str:
    """Namespace of message ``message`` (e.g. ``"315"``) in ``release`` (e.g. ``"3_2"``)."""
    return f"http://www.istandaarden.nl/ijw/{release}/jw{message}/schema"


def basis_ns(release: str = RELEASE) -> str:
    """Namespace of the basisschema in ``release``."""
    return f"http://www.istandaarden.nl/ijw/{release}/basisschema/schema"


def hardened_parser() -> etree.XMLParser:
    """An XML parser that expands no entities, loads no DTD and never goes online."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def parse_bytes(xml: bytes) -> etree._Element:
    """Parse ``xml`` with the hardened parser and return the root element."""
    return etree.fromstring(xml, hardened_parser())


def serialise(root: etree._Element) -> bytes:
    """Serialise ``root`` as a UTF-8 document with an XML declaration."""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


# --------------------------------------------------------------------------- examples


class Repair(NamedTuple):
    """A known defect of an official example and how to fix it in memory."""

    description: str
    apply: Callable[[etree._Element], int]  # returns the number of nodes changed


def _repair_jw315(root: etree._Element) -> int:
    """Set the impossible ``ToewijzingEinddatum`` 2027-06-31 to 2027-06-30."""
    ns = message_ns("315")
    bad = [e for e in root.iter(f"{{{ns}}}ToewijzingEinddatum") if e.text == "2027-06-31"]
    for element in bad:
        element.text = "2027-06-30"
    return len(bad)


def stray_retourcodes_jw318(root: etree._Element) -> list[etree._Element]:
    """The bare ``RetourCode`` elements sitting directly under ``Verzoek`` in JW318."""
    ns = message_ns("318")
    return [
        e
        for verzoek in root.iter(f"{{{ns}}}Verzoek")
        for e in verzoek.iterchildren(f"{{{ns}}}RetourCode")
    ]


def _repair_jw318(root: etree._Element) -> int:
    """Remove the stray bare ``RetourCode`` directly under ``Verzoek``."""
    stray = stray_retourcodes_jw318(root)
    for element in stray:
        _remove(element)
    return len(stray)


REPAIRS: dict[str, Repair] = {
    "315": Repair("ToewijzingEinddatum 2027-06-31 -> 2027-06-30", _repair_jw315),
    "318": Repair("stray RetourCode under Verzoek removed", _repair_jw318),
}


class Example(NamedTuple):
    """An official example: its raw bytes and a valid (repaired if needed) tree."""

    name: str  # "JW315"
    message: str  # "315"
    raw: bytes  # the file as published, defects included
    root: etree._Element  # parsed and, where listed in REPAIRS, repaired


def load_examples(examples_dir: Path) -> list[Example]:
    """Load the official examples for :data:`OUR_MESSAGES`, repairing the known defects.

    Raises ``ValueError`` when a listed defect is no longer present, so a changed
    example is noticed instead of silently mutated.
    """
    examples = []
    for message in OUR_MESSAGES:
        name = f"JW{message}"
        raw = (examples_dir / f"{name}.xml").read_bytes()
        root = parse_bytes(raw)
        repair = REPAIRS.get(message)
        if repair is not None and repair.apply(root) == 0:
            raise ValueError(f"{name}: expected defect not found ({repair.description})")
        examples.append(Example(name, message, raw, root))
    return examples


# --------------------------------------------------------------------------- helpers


def _elements(root: etree._Element) -> list[etree._Element]:
    """All elements of the tree in document order (comments and PIs left out)."""
    return [e for e in root.iter() if isinstance(e.tag, str)]


def element_path(element: etree._Element) -> str:
    """Readable path of ``element`` below the root, e.g. ``Client/Relaties/Relatie[2]/Soort``.

    Local names only; a 1-based index is added where a name repeats among siblings.
    The root itself is ``/``.
    """
    steps: list[str] = []
    node = element
    while (parent := node.getparent()) is not None:
        same = [s for s in parent if s.tag == node.tag]
        name = etree.QName(node).localname
        steps.append(f"{name}[{same.index(node) + 1}]" if len(same) > 1 else name)
        node = parent
    return "/".join(reversed(steps)) or "/"


def _clone_at(root: etree._Element, index: int) -> tuple[etree._Element, etree._Element]:
    """Deep-copy the tree and return the copy plus its element at document position ``index``."""
    clone = copy.deepcopy(root)
    return clone, _elements(clone)[index]


def _remove(element: etree._Element) -> None:
    """Remove ``element`` from its parent, keeping the text around it intact."""
    parent = element.getparent()
    if parent is None:
        raise ValueError("cannot remove the root element")
    previous = element.getprevious()
    if element.tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _is_leaf(element: etree._Element) -> bool:
    return not any(isinstance(child.tag, str) for child in element)


def _child(parent: etree._Element, ns: str, *names: str) -> etree._Element:
    """The descendant reached through ``names`` (all in namespace ``ns``); it must exist."""
    found = parent.find("/".join(f"{{{ns}}}{name}" for name in names))
    if found is None:
        raise ValueError(f"{'/'.join(names)} not found")
    return found


# --------------------------------------------------------------------------- structure


def drop_each_element(root: etree._Element, message: str) -> Iterator[Mutation]:
    """Remove each element (with its subtree) in turn: probes minOccurs."""
    for index, element in enumerate(_elements(root)[1:], start=1):
        clone, target = _clone_at(root, index)
        _remove(target)
        yield f"drop[{element_path(element)}]", serialise(clone)


def duplicate_each_element(root: etree._Element, message: str) -> Iterator[Mutation]:
    """Repeat each element right after itself: probes maxOccurs."""
    for index, element in enumerate(_elements(root)[1:], start=1):
        clone, target = _clone_at(root, index)
        target.addnext(copy.deepcopy(target))
        yield f"duplicate[{element_path(element)}]", serialise(clone)


def swap_adjacent_siblings(root: etree._Element, message: str) -> Iterator[Mutation]:
    """Swap each pair of adjacent sibling elements with different names: probes order."""
    elements = _elements(root)
    position = {e: i for i, e in enumerate(elements)}
    for parent in elements:
        children = [c for c in parent if isinstance(c.tag, str)]
        for first, second in itertools.pairwise(children):
            if first.tag == second.tag:
                continue
            clone = copy.deepcopy(root)
            cloned = _elements(clone)
            cloned[position[first]].addprevious(cloned[position[second]])
            yield f"swap[{element_path(first)}<->{etree.QName(second).localname}]", serialise(clone)


def insert_unknown_content(root: etree._Element, message: str) -> Iterator[Mutation]:
    """Add undeclared content to each element that has child elements.

    Per container: an unknown element in the message namespace as last and as first
    child, an element from a foreign namespace, an unknown attribute and non-blank
    text (element-only content allows whitespace only).
    """
    ns = message_ns(message)
    for index, element in enumerate(_elements(root)):
        if _is_leaf(element):
            continue
        path = element_path(element)

        clone, target = _clone_at(root, index)
        etree.SubElement(target, f"{{{ns}}}Onbekend").text = "1"
        yield f"extra-last[{path}]", serialise(clone)

        clone, target = _clone_at(root, index)
        extra = etree.Element(f"{{{ns}}}Onbekend")
        extra.text = "1"
        target.insert(0, extra)
        yield f"extra-first[{path}]", serialise(clone)

        clone, target = _clone_at(root, index)
        etree.SubElement(target, f"{{{FOREIGN_NS}}}Extra").text = "1"
        yield f"extra-foreign[{path}]", serialise(clone)

        clone, target = _clone_at(root, index)
        target.set("onbekend", "1")
        yield f"extra-attribute[{path}]", serialise(clone)

        clone, target = _clone_at(root, index)
        target.text = "X" + (target.text or "")
        yield f"text-in-container[{path}]", serialise(clone)


# --------------------------------------------------------------------------- leaf values


def _leaf_values(original: str) -> Iterator[tuple[str, str]]:
    """Replacement texts for a leaf, as ``(label, value)``; some depend on the original."""
    digits = original.strip()
    yield "empty", ""
    yield "whitespace", "  \t "
    yield "long300", "A" * 300
    yield "X", "X"
    yield "minus-one", "-1"
    yield "decimal", "1.5"
    yield "impossible-date", "2023-02-30"
    yield "valid-date", "2024-02-29"
    yield "date-with-zone", "2024-02-29Z"
    yield "time", "12:30:00"
    yield "too-many-digits", digits + "0" if digits.isdigit() else "9" * 21
    yield "leading-zero", "0" + digits if digits.isdigit() else "0" + original
    yield "plus-sign", "+" + digits if digits.isdigit() else "+1"
    yield "zero", "0"
    for bound in ("99", "99999", "99999999", "999999999", "999999999999"):
        yield f"max-{len(bound)}-nines", bound
        yield f"beyond-{len(bound)}-nines", str(int(bound) + 1)
    yield "padded", f" {original} "
    yield "embedded-newline", f"{original}\n{original}"
    yield "unknown-code-99", "99"
    yield "unknown-code-ZZ", "ZZ"
    yield "unknown-code-00", "00"


def replace_leaf_values(root: etree._Element, message: str) -> Iterator[Mutation]:
    """Give each leaf element each replacement value of :func:`_leaf_values` in turn."""
    for index, element in enumerate(_elements(root)):
        if index == 0 or not _is_leaf(element):
            continue
        original = element.text or ""
        path = element_path(element)
        for label, value in _leaf_values(original):
            if value == original:
                continue
            clone, target = _clone_at(root, index)
            target.text = value
            yield f"value[{path}]={label}", serialise(clone)


# --------------------------------------------------------------------------- header


def wrong_header_values(root: etree._Element, message: str) -> Iterator[Mutation]:
    """Another message's BerichtCode, and wrong or non-canonical version numbers."""
    ns = message_ns(message)
    fields: dict[str, list[tuple[str, str]]] = {
        "BerichtCode": [
            *((f"code-of-{other}", code) for other, code in BERICHT_CODES.items()
              if other != message),
            ("leading-zero", "0" + BERICHT_CODES[message]),
        ],
        "BerichtVersie": [("2", "2"), ("4", "4"), ("03", "03"), ("+3", "+3"), ("3.0", "3.0")],
        "BerichtSubversie": [("1", "1"), ("3", "3"), ("02", "02"), ("+2", "+2"), ("2.0", "2.0")],
    }  # fmt: skip
    for field, values in fields.items():
        for label, value in values:
            clone = copy.deepcopy(root)
            _child(clone, ns, "Header", field).text = value
            yield f"header[{field}]={label}", serialise(clone)


# --------------------------------------------------------------------------- namespaces


def wrong_namespaces(root: etree._Element, message: str) -> Iterator[Mutation]:
    """Move the message (or basisschema) elements to another namespace.

    Variants: the 3_1 release of the same message, the namespaces of two other
    messages (the first and the last other one), the 3_1 basisschema, no namespace at
    all, and only the root element moved.
    """
    ns = message_ns(message)
    original = serialise(root)
    others = [m for m in OUR_MESSAGES if m != message]
    replacements = {
        f"ns-{OLD_RELEASE}": (ns, message_ns(message, OLD_RELEASE)),
        f"ns-of-{others[0]}": (ns, message_ns(others[0])),
        f"ns-of-{others[-1]}": (ns, message_ns(others[-1])),
        f"basis-ns-{OLD_RELEASE}": (basis_ns(), basis_ns(OLD_RELEASE)),
    }
    for label, (old, new) in replacements.items():
        # Namespace URIs occur only in declarations, so a textual swap is exact.
        yield label, original.replace(old.encode(), new.encode())

    clone = copy.deepcopy(root)
    for element in _elements(clone):
        if etree.QName(element).namespace == ns:
            element.tag = etree.QName(element).localname
    etree.cleanup_namespaces(clone)
    yield "no-namespace", serialise(clone)

    clone = copy.deepcopy(root)
    clone.tag = etree.QName(message_ns(message, OLD_RELEASE), "Bericht").text
    yield f"root-only-ns-{OLD_RELEASE}", serialise(clone)


OPERATORS: tuple[Operator, ...] = (
    drop_each_element,
    duplicate_each_element,
    swap_adjacent_siblings,
    insert_unknown_content,
    replace_leaf_values,
    wrong_header_values,
    wrong_namespaces,
)


def mutate(example: Example) -> Iterator[Case]:
    """The example itself, its unrepaired original if it was repaired, and all mutations."""
    yield Case(f"{example.name}:base", example.message, serialise(example.root))
    if example.message in REPAIRS:
        yield Case(f"{example.name}:unrepaired-original", example.message, example.raw)
    for operator in OPERATORS:
        for case_id, xml in operator(example.root, example.message):
            yield Case(f"{example.name}:{case_id}", example.message, xml)


def all_cases(examples_dir: Path) -> list[Case]:
    """Every case for every example of :data:`OUR_MESSAGES`; ids are checked to be unique."""
    cases = [case for example in load_examples(examples_dir) for case in mutate(example)]
    duplicates = [cid for cid, n in Counter(c.case_id for c in cases).items() if n > 1]
    if duplicates:
        raise ValueError(f"duplicate case ids: {duplicates[:10]}")
    return cases
