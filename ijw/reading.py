"""Reading a message: hardened parsing, detection, XSD validation, the model.

:func:`read` never raises for bad input: it returns a :class:`ReadResult`
whose ``findings`` say what is wrong, with file, line and element path.
:func:`parse` is the strict form and raises :class:`~ijw.errors.InvalidMessageError`.

The parser refuses DTDs, never expands entities, never touches the network
and refuses input over a size limit. Validation uses lxml's XMLSchema on the
hot path; xmlschema is only used off it (see :mod:`ijw.explain`).
"""

from __future__ import annotations

import errno
import functools
import hashlib
import os
import re
import stat
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from pydantic import ValidationError

from ijw import messages
from ijw.errors import ConfigurationError, Finding, InvalidMessageError, Level
from ijw.limits import DEFAULT_MAX_BYTES, MAX_BYTES_ENV
from ijw.messages import IJW_NAMESPACE, Message, shape_of
from ijw.privacy import scrub
from ijw.schemas import SchemaSet
from ijw.schemas import load as load_schemas
from ijw.xmlmap import (
    Shape,
    UntrustedError,
    element_to_dict,
    element_to_model,
    locate,
    plain_document,
)

Source = bytes | str | os.PathLike[str]

_BOM_UTF8 = b"\xef\xbb\xbf"
_BOMS_OTHER = (b"\xff\xfe", b"\xfe\xff")
_DECLARED_ENCODING = re.compile(rb"^<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_ELEMENT_START = re.compile(rb"<[A-Za-z_]")
_CLARK = re.compile(r"\{([^}]*)\}(\w+)")
_PREFIX = re.compile(r"(?<=/)\w+:")
_local = threading.local()


@dataclass(frozen=True, slots=True)
class ReadResult:
    """What reading one message gave: a model, findings, or both."""

    file: str
    message_type: str | None = None
    message: Message | None = None
    findings: tuple[Finding, ...] = ()
    #: The bytes read; ``None`` when the file could not be read (or was over the limit).
    data: bytes | None = field(default=None, repr=False)

    @property
    def sha256(self) -> str:
        """Hex SHA-256 of the bytes read, or ``""`` when none were.

        Computed when asked: a reader that does not keep the digest does not pay for it.
        """
        return "" if self.data is None else hashlib.sha256(self.data).hexdigest()

    @property
    def valid(self) -> bool:
        """True when the message was read and no finding was made."""
        return self.message is not None and not self.findings

    @property
    def level(self) -> Level | None:
        """The lowest control level that failed (input, XSD, content), if any."""
        order = list(Level)
        return min((f.level for f in self.findings), key=order.index, default=None)


def max_bytes_default() -> int:
    """The size limit: ``IJW_MAX_BYTES`` or :data:`~ijw.limits.DEFAULT_MAX_BYTES`."""
    return _max_bytes(os.environ.get(MAX_BYTES_ENV))


@functools.lru_cache(maxsize=4)
def _max_bytes(value: str | None) -> int:
    """``IJW_MAX_BYTES``'s value as a number (cached: read asks on every message)."""
    if not value:
        return DEFAULT_MAX_BYTES
    if not value.isdigit() or int(value) < 1:
        raise ConfigurationError(f"{MAX_BYTES_ENV}={value!r} is not a number of bytes")
    return int(value)


def _parser(plain: bool = False) -> etree.XMLParser:
    """This thread's hardened parser; ``plain``: the one that drops blank text.

    A plain document (see :func:`~ijw.xmlmap.plain_document`: no comment,
    processing instruction, CDATA or DTD) has text in its leaves only, and
    libxml2 keeps a leaf's text even when it is all blanks. What that parser
    drops is the indentation between elements, which no XSD verdict and no
    model depends on, and parsing and validating get cheaper without it.
    """
    name = "plain_parser" if plain else "parser"
    parser: etree.XMLParser | None = getattr(_local, name, None)
    if parser is None:
        parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
            collect_ids=False,
            remove_blank_text=plain,
        )
        setattr(_local, name, parser)
    return parser


def _shorten(text: str, prefixes: dict[str, str]) -> str:
    """Readable, BSN-free error text: Clark names become ``prefix:Name``."""

    def name(match: re.Match[str]) -> str:
        prefix = prefixes.get(match.group(1))
        return f"{prefix}:{match.group(2)}" if prefix else match.group(2)

    return scrub(_CLARK.sub(name, text)).strip()


def _finding(level: Level, message: str, file: str, **kw: object) -> Finding:
    return Finding(level, message, file, **kw)  # type: ignore[arg-type]


def load_bytes(source: Source, name: str | None, max_bytes: int) -> tuple[str, bytes | Finding]:
    """The bytes of ``source`` and its display name, or an input finding."""
    if isinstance(source, bytes):
        label = name or "<bytes>"
        if len(source) > max_bytes:
            return label, _finding(
                Level.INPUT, f"file is {len(source)} bytes, over the limit of {max_bytes}", label
            )
        return label, source
    label = name or os.fspath(source)
    try:
        size, data = _read_file(source, max_bytes)
    except OSError as exc:
        why = exc.strerror or str(exc)
        link = Path(source)
        if link.is_symlink() and not link.exists():
            why = f"dangling symbolic link (to {link.readlink()})"
        return label, _finding(Level.INPUT, f"cannot read file: {why}", label)
    if size > max_bytes:
        return label, _finding(
            Level.INPUT, f"file is {size} bytes, over the limit of {max_bytes}", label
        )
    if len(data) > max_bytes:
        return label, _finding(Level.INPUT, f"file grew over the limit of {max_bytes}", label)
    return label, data


def _read_file(path: str | os.PathLike[str], max_bytes: int) -> tuple[int, bytes]:
    """The size ``fstat`` saw, and the file's bytes (nothing when over ``max_bytes``).

    Plain ``os`` calls, no file object. The size bounds the first read, so a file
    over the limit costs no memory; a file that grows after ``fstat`` is read on up
    to one byte over the limit, which the caller refuses.
    """
    # Non-blocking, so a FIFO does not wait for a writer; it is refused just below.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise OSError(errno.EINVAL, "not a regular file (a FIFO, socket or device)")
        size = status.st_size
        if size > max_bytes:
            return size, b""
        data = os.read(fd, size + 1)
        if len(data) <= size:
            return size, data
        chunks = [data]
        total = len(data)
        while total <= max_bytes:
            chunk = os.read(fd, max_bytes + 1 - total)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        return size, b"".join(chunks)
    finally:
        os.close(fd)


def _precheck(data: bytes, label: str) -> Finding | None:
    if not data or data.isspace():
        return _finding(Level.INPUT, "file is empty", label)
    if data.startswith(_BOM_UTF8):
        return _finding(
            Level.INPUT, "UTF-8 byte order mark is not allowed (UTF-8 without BOM, OP192)",
            label, line=1, rule="OP192",
        )
    if data.startswith(_BOMS_OTHER):
        return _finding(Level.INPUT, "file is UTF-16, the standard requires UTF-8", label, line=1)
    doctype = data.find(b"<!DOCTYPE") if b"!" in data else -1
    if doctype >= 0 and _ELEMENT_START.search(data, 0, doctype) is None:
        line = data.count(b"\n", 0, doctype) + 1
        return _finding(Level.INPUT, "a DOCTYPE/DTD is not allowed in a message", label, line=line)
    declared = _DECLARED_ENCODING.match(data)
    if declared and declared.group(1).lower() not in (b"utf-8", b"utf8"):
        enc = declared.group(1).decode("ascii")
        return _finding(
            Level.INPUT, f"declared encoding {enc!r}; the standard requires UTF-8", label, line=1
        )
    return None


def _xml_findings(
    log: etree._ListErrorLog, label: str, level: Level, prefixes: dict[str, str]
) -> list[Finding]:
    out = []
    for entry in log:
        path = _PREFIX.sub("", entry.path).lstrip("/") if entry.path else None
        out.append(
            _finding(level, _shorten(entry.message, prefixes), label, line=entry.line or None,
                     path=path)
        )
    return out


def _has_doctype(root: etree._Element) -> bool:
    docinfo = root.getroottree().docinfo
    return bool(getattr(docinfo, "doctype", "")) or docinfo.internalDTD is not None


def _detect(root: etree._Element, label: str) -> type[Message] | Finding:
    tag = root.tag
    known = messages.by_root_tag(tag) if isinstance(tag, str) else None
    if known is not None:
        return known
    if not isinstance(tag, str) or not tag.startswith("{"):
        return _finding(
            Level.INPUT, f"not an iJw message: root element {tag!s} has no namespace", label,
            line=root.sourceline,
        )
    qname = etree.QName(root)
    found = messages.lookup(qname.namespace or "")
    if found is not None:
        return found[1]
    match = IJW_NAMESPACE.match(qname.namespace or "")
    supported = ", ".join(r.name for r in messages.RELEASES)
    if match is None:
        return _finding(
            Level.INPUT, f"not an iJw message: unknown namespace {qname.namespace}", label,
            line=root.sourceline,
        )
    release, kind = match.groups()
    if all(r.key != release for r in messages.RELEASES):
        return _finding(
            Level.INPUT,
            f"iJw release {release.replace('_', '.')} is not supported (supported: {supported})",
            label, line=root.sourceline,
        )
    return _finding(
        Level.INPUT, f"message {kind.upper()} is not handled by this engine", label,
        line=root.sourceline,
    )


def _model_findings(
    exc: ValidationError, root: etree._Element, cls: type[Message], label: str
) -> list[Finding]:
    out = []
    errors = exc.errors(include_input=False, include_url=False)
    locs = [tuple(e["loc"]) for e in errors]
    for error in errors:
        loc = tuple(error["loc"])
        if error["type"] == "too_short" and any(
            len(other) > len(loc) and other[: len(loc)] == loc for other in locs
        ):
            continue  # pydantic counts only the items that validated: not a finding of its own
        path, line = locate(root, shape_of(cls), loc)
        out.append(
            _finding(Level.XSD, scrub(error["msg"])[:200], label, line=line, path=path)
        )
    return out


def _trusted_model(root: etree._Element, shape: Shape, plain: bool) -> Message | None:
    """The model built straight from the XSD-valid tree, or ``None`` to let pydantic validate.

    The schema has just checked every facet the model would check again, so the
    model is built without validating, unless the document or a value is unusual
    (see :func:`~ijw.xmlmap.element_to_model`). Only after our own shipped XSDs: an
    operator's schema folder might allow an element the model does not know, which
    the builder would then take for the field in its place.
    """
    if not plain:
        return None
    try:
        model: Message = element_to_model(root, shape)
    except UntrustedError:
        return None
    return model


def read(
    source: Source,
    *,
    name: str | None = None,
    schemas: SchemaSet | None = None,
    max_bytes: int | None = None,
    content_checks: bool = True,
) -> ReadResult:
    """Read, validate and model one message; never raises for bad input."""
    limit = max_bytes if max_bytes is not None else max_bytes_default()
    label, loaded = load_bytes(source, name, limit)
    if isinstance(loaded, Finding):
        return ReadResult(label, findings=(loaded,))
    data = loaded
    problem = _precheck(data, label)
    if problem is not None:
        return ReadResult(label, findings=(problem,), data=data)
    plain = plain_document(data)
    try:
        root = etree.fromstring(data, _parser(plain))
    except etree.XMLSyntaxError as exc:
        text = _shorten(exc.msg or "not well-formed XML", {})
        finding = _finding(Level.INPUT, f"not well-formed XML: {text}", label, line=exc.lineno)
        return ReadResult(label, findings=(finding,), data=data)
    # A DOCTYPE needs "<!", and a plain document has no "!" byte at all: only the
    # others need the tree asked.
    if not plain and _has_doctype(root):
        return ReadResult(label, findings=(
            _finding(Level.INPUT, "a DOCTYPE/DTD is not allowed in a message", label, line=1),
        ), data=data)
    detected = _detect(root, label)
    if isinstance(detected, Finding):
        return ReadResult(label, findings=(detected,), data=data)
    cls = detected
    schema_set = schemas or load_schemas()
    if not schema_set.has(cls.namespace):
        return ReadResult(label, cls.message_type, findings=(
            _finding(Level.INPUT, f"no schema for {cls.message_type} in {schema_set.folder}",
                     label),
        ), data=data)
    validator = schema_set.validator(cls.namespace)
    if not validator.validate(root):
        prefixes = {v: k for k, v in root.nsmap.items() if k}
        findings = _xml_findings(validator.error_log, label, Level.XSD, prefixes)
        return ReadResult(label, cls.message_type, findings=tuple(findings), data=data)
    shape = shape_of(cls)
    model = _trusted_model(root, shape, plain) if schema_set.shipped else None
    try:
        if model is None:
            model = cls.model_validate(element_to_dict(root, shape))
    except ValidationError as exc:
        findings = _model_findings(exc, root, cls, label)
        return ReadResult(label, cls.message_type, findings=tuple(findings), data=data)
    found: tuple[Finding, ...] = ()
    if content_checks:
        from ijw.rules import content_findings

        found = tuple(content_findings(model, root, label))
    return ReadResult(label, cls.message_type, model, found, data)


def parse(source: Source, **kwargs: object) -> Message:
    """Read one message strictly: the model, or :class:`InvalidMessageError` with the findings."""
    result = read(source, **kwargs)  # type: ignore[arg-type]
    if result.message is None or result.findings:
        raise InvalidMessageError(result.findings, file=result.file)
    return result.message


def iter_files(paths: list[Path]) -> Iterator[Path]:
    """Every file under ``paths`` (files as given; folders recursively, sorted).

    Everything that is not a folder is yielded, also a dangling symbolic link
    or a FIFO: reading it then reports why it is no message, rather than the
    file being passed over in silence.
    """
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if not p.is_dir())
        else:
            yield path


__all__ = ["ReadResult", "Source", "iter_files", "load_bytes", "parse", "read"]
