"""Building the retour of a received heenbericht (IV028, OP065; brief section 2.1).

The content depends on what the checks found:

* nothing: the header only, without RetourCodes (received and accepted);
* a level-2 finding (bericht inhoud): the header only, with 0001;
* level-3/4 findings in the header: the header only, with those codes;
* level-3/4 findings in the client's data: 0200 on the header, and the client
  echoed with every class copied; each class that carries RetourCodes gets
  the failed rules' codes, or 0200 when it has no finding.

An XSD failure gets no retour at all; the operator is told instead.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from pydantic import BaseModel

from ijw.errors import Level, SchemaError
from ijw.messages import Message, message_class, shape_of
from ijw.messages.r3_2.codelists import RetourCode
from ijw.messages.r3_2.common import XsdVersie
from ijw.rules import Loc
from ijw.schemas import SchemaSet
from ijw.schemas import load as load_schemas
from ijw.writing import schema_versie
from ijw.xmlmap import NESTED, WRAPPED_NESTED, Child, Shape

_BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

OK = RetourCode.R0200
REJECTED = RetourCode.R0001


def retour_identificatie(heen_sha256: str) -> str:
    """A deterministic IdentificatieRetour (12 characters) for the heenbericht's bytes.

    Derived from the content hash, so a re-run after a crash makes the same
    retour, and two different heenberichten practically never share one.
    """
    return message_identificatie("retour", heen_sha256)


def message_identificatie(kind: str, sha256: str) -> str:
    """A deterministic identification (12 characters) of a ``kind`` of answer to these bytes."""
    digest = hashlib.sha256(f"{kind}:{sha256}".encode()).digest()
    # The first 12 characters of the digest's base32 form (RFC 4648) are its first 60
    # bits, five at a time; taken straight from an integer, as base64.b32encode would
    # give them but without encoding all 32 bytes in Python.
    bits = int.from_bytes(digest[:8], "big") >> 4
    return "".join(_BASE32[(bits >> shift) & 31] for shift in range(55, -1, -5))


def retour_versions(retour: type[Message], schemas: SchemaSet) -> XsdVersie:
    """The XsdVersieRetour of a ``retour`` we write, from its schema's appinfo (IV034).

    Raises :class:`~ijw.errors.SchemaError` when the schema does not carry both
    versions: a retour must state the schema it was written against, and a made-up
    number would tell the provider something untrue.
    """
    stamp = schema_versie(retour.namespace, schemas)
    if stamp is None:
        raise SchemaError(
            f"the schema of {retour.message_type} in {schemas.folder} has no "
            "BasisschemaXsdVersie/BerichtXsdVersie appinfo, so XsdVersieRetour cannot be "
            "filled (IV034)")
    return stamp


def _class_paths(shape: Shape, prefix: Loc = ()) -> set[Loc]:
    """Every model location of a class that carries ``retour_codes``."""
    paths: set[Loc] = set()
    if "retour_codes" in shape.model.model_fields:
        paths.add(prefix)
    for child in shape.order:
        if child.kind == NESTED and child.shape is not None:
            paths |= _class_paths(child.shape, (*prefix, child.field))
        elif child.kind == WRAPPED_NESTED and child.shape is not None:
            for path in _class_paths(child.shape, (*prefix, child.field, 0)):
                paths.add(path)
    return paths


def _owner(loc: Loc, classes: set[Loc]) -> Loc:
    """The deepest class (with RetourCodes) containing ``loc``; indexes generalised."""
    best: Loc = ()
    for end in range(len(loc) + 1):
        candidate = tuple(0 if isinstance(p, int) else p for p in loc[:end])
        if candidate in classes:
            best = loc[:end]
    return best


def _stamp(
    data: dict[str, Any], shape: Shape, codes: dict[Loc, list[RetourCode]], here: Loc
) -> None:
    if "retour_codes" in shape.model.model_fields:
        data["retour_codes"] = codes.get(here) or [OK]
    for child in shape.order:
        value = data.get(child.field)
        if value is None or child.shape is None:
            continue
        if isinstance(value, BaseModel):
            continue  # a part of the heenbericht's header, taken as it is: no RetourCodes
        if child.kind == NESTED:
            _stamp(value, child.shape, codes, (*here, child.field))
        elif child.kind == WRAPPED_NESTED:
            for i, item in enumerate(value):
                _stamp(item, child.shape, codes, (*here, child.field, i))


def build_retour(
    heen: Message,
    findings: Iterable[tuple[Level, RetourCode, Loc]],
    *,
    heen_sha256: str,
    today: date,
    schemas: SchemaSet | None = None,
) -> Message:
    """The retour model for ``heen`` given its findings (level, retourcode, location)."""
    if heen.retour_type is None:
        raise ValueError(f"{heen.message_type} has no retour")
    retour_cls = message_class(heen.retour_type)
    stamp = retour_versions(retour_cls, schemas or load_schemas())
    found = list(findings)
    # The heenbericht's header, field by field: its parts are frozen models that the
    # retour's header takes as they are (pydantic does not validate an instance again).
    heen_header: Any = heen.header  # type: ignore[attr-defined]
    header: dict[str, Any] = dict(heen_header)
    header.update(
        bericht_code=retour_cls.code,
        identificatie_retour=retour_identificatie(heen_sha256),
        dagtekening_retour=today,
        xsd_versie_retour=stamp,
    )
    data: dict[str, Any] = {"header": header}
    if any(level is Level.CONTENT for level, _, _ in found):
        header["retour_codes"] = [REJECTED]
        return retour_cls.model_validate(data)
    header_codes = _unique(code for _, code, loc in found if loc[:1] == ("header",))
    body_hits = [(code, loc) for _, code, loc in found if loc[:1] != ("header",)]
    if body_hits:
        shape = shape_of(retour_cls)
        classes = _class_paths(shape)
        per_class: dict[Loc, list[RetourCode]] = defaultdict(list)
        for code, loc in body_hits:
            owner = _owner(loc, classes)
            if code not in per_class[owner]:
                per_class[owner].append(code)
        body_field = loc_root(body_hits[0][1])
        body = heen.model_dump(include={body_field})
        data.update(body)
        _stamp(data, shape, per_class, ())
        data["header"] = header
        header["retour_codes"] = header_codes or [OK]
    elif header_codes:
        header["retour_codes"] = header_codes
    return retour_cls.model_validate(data)


def loc_root(loc: Loc) -> str:
    """The top-level body field a location is in (``client``, ``antwoord``)."""
    return str(loc[0])


def _unique(codes: Iterable[RetourCode]) -> list[RetourCode]:
    out: list[RetourCode] = []
    for code in codes:
        if code not in out:
            out.append(code)
    return out


#: Per shape (by identity: shapes live as long as their model), see _coded_children.
_CODED: dict[int, tuple[Shape, tuple[Child, ...]]] = {}


def _coded_children(shape: Shape) -> tuple[Child, ...]:
    """The nested children of ``shape`` with a class that carries RetourCodes below them."""
    found = _CODED.get(id(shape))
    if found is None:
        children = tuple(child for child in shape.order
                         if child.shape is not None and _class_paths(child.shape))
        found = _CODED[id(shape)] = (shape, children)  # kept, so the id stays the shape's
    return found[1]


def class_codes(retour: Message) -> list[tuple[str, int, str]]:
    """Every (class path, position, code) in a retour, for the store and for tests.

    Paths use element names: ``Header``, ``Client``, ``Client/AangevraagdProduct[2]``.
    """
    out: list[tuple[str, int, str]] = []

    def walk(model: Any, shape: Shape, path: str) -> None:
        for position, code in enumerate(getattr(model, "retour_codes", ())):
            out.append((path, position, code.value))
        for child in _coded_children(shape):
            value = getattr(model, child.field)
            if value is None or child.shape is None:
                continue
            name = child.tag.split("}")[-1]
            if child.kind == NESTED:
                walk(value, child.shape, f"{path}/{name}" if path else name)
            elif child.kind == WRAPPED_NESTED:
                item = (child.item_tag or "").split("}")[-1]
                for i, element in enumerate(value):
                    walk(element, child.shape, f"{path}/{item}[{i + 1}]")

    walk(retour, shape_of(type(retour)), "")
    return out
