"""Writing messages: a model becomes UTF-8 XML (no BOM) that validates.

The standard's prefixes are used: the message namespace as ``jwNNN`` and the
basisschema as ``ijw``. XsdVersie (for a heenbericht, and for a 325, which is
not a retour) or XsdVersieRetour (for a retour) is stamped from the appinfo of
the schema in use (IV034).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
from collections.abc import Callable
from pathlib import Path

from lxml import etree

from ijw.errors import Finding, InvalidMessageError, Level
from ijw.messages import Message, release_of, shape_of
from ijw.messages.r3_2.common import XsdVersie
from ijw.privacy import scrub
from ijw.schemas import SchemaSet
from ijw.schemas import load as load_schemas
from ijw.xmlmap import model_to_element


def schema_versie(namespace: str, schemas: SchemaSet) -> XsdVersie | None:
    """The XsdVersie the appinfo of ``namespace``'s schema states, if it states both parts."""
    versions = schemas.versions(namespace)
    if versions.basisschema is None or versions.bericht is None:
        return None
    return XsdVersie(basisschema_xsd_versie=versions.basisschema,
                     bericht_xsd_versie=versions.bericht)


def stamp_versions(message: Message, schemas: SchemaSet | None = None) -> Message:
    """``message`` with its own XsdVersie(Retour) set from the schema appinfo.

    Without that appinfo the message keeps the versions it carries.
    """
    stamp = schema_versie(message.namespace, schemas or load_schemas())
    if stamp is None:
        return message
    header = message.header  # type: ignore[attr-defined]
    field = "xsd_versie_retour" if message.is_retour() else "xsd_versie"
    return message.model_copy(update={"header": header.model_copy(update={field: stamp})})


def to_element(message: Message) -> etree._Element:
    """The ``Bericht`` element of ``message``."""
    release = release_of(type(message))
    nsmap: dict[str | None, str] = {
        release.base_prefix: release.base_namespace,
        release.prefix(type(message)): message.namespace,
    }
    return model_to_element(message, shape_of(type(message)), f"{{{message.namespace}}}Bericht",
                            nsmap)


def write(
    message: Message,
    *,
    stamp: bool = True,
    schemas: SchemaSet | None = None,
    validate: bool = True,
) -> bytes:
    """Serialise ``message``; raises :class:`InvalidMessageError` if it would not validate."""
    schema_set = schemas or load_schemas()
    if stamp:
        message = stamp_versions(message, schema_set)
    root = to_element(message)
    if validate:
        validator = schema_set.validator(message.namespace)
        if not validator.validate(root):
            raise InvalidMessageError(
                [Finding(Level.XSD, scrub(e.message), None, e.line or None, e.path)
                 for e in validator.error_log]  # type: ignore[attr-defined]
            )
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def publish_files(folder: Path, files: list[tuple[str, bytes]]) -> list[bool]:
    """Put each (name, data) in ``folder`` atomically and durably; never overwrite.

    Each file is written under a hidden temporary name (``.name.tmp``), all are
    made durable, then each is linked to its real name, which fails if that name
    exists: a reader polling the folder never sees a half-written file. An
    existing file with the same bytes counts as published (a re-run after a
    crash); one with other bytes is left alone and reported as ``False``.

    Durability costs one ``syncfs`` of the folder's file system for the whole
    list on Linux (one journal commit instead of one per file); elsewhere, or
    if that call fails, each file is fsynced.
    """
    temps = [folder / f".{name}.tmp" for name, _ in files]
    for temp, (_, data) in zip(temps, files, strict=True):
        with temp.open("wb") as handle:
            handle.write(data)
    if len(temps) < 2 or not _syncfs(folder):
        for temp in temps:
            _fsync(temp)
    published = []
    for temp, (name, data) in zip(temps, files, strict=True):
        target = folder / name
        try:
            os.link(temp, target)
            published.append(True)
        except FileExistsError:
            published.append(target.read_bytes() == data)
        temp.unlink()
    _fsync(folder)
    return published


def write_new_file(path: Path, data: bytes) -> bool:
    """Publish one file (see :func:`publish_files`)."""
    return publish_files(path.parent, [(path.name, data)])[0]


def _load_syncfs() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        func = libc.syncfs
    except (OSError, AttributeError):
        return None
    func.argtypes = [ctypes.c_int]
    func.restype = ctypes.c_int
    typed: Callable[[int], int] = func
    return typed


_SYNCFS = _load_syncfs()


def _syncfs(folder: Path) -> bool:
    """Flush every written file of ``folder``'s file system; False when not possible."""
    if _SYNCFS is None:
        return False
    fd = os.open(folder, os.O_RDONLY)
    try:
        return _SYNCFS(fd) == 0
    finally:
        os.close(fd)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
