"""The XSD registry: schema files found in a folder, keyed by target namespace.

A :class:`SchemaSet` scans a folder (recursively) for ``*.xsd`` files and maps
each target namespace to its file, so the shipped schemas, the official
release XSDs and a later release all load the same way. Schemas compile on
first use and are cached; reading their files is hardened like any input.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lxml import etree

from ijw import resources
from ijw.errors import SchemaError

XS = "http://www.w3.org/2001/XMLSchema"


@dataclass(frozen=True, slots=True)
class XsdVersions:
    """The versions a schema declares in its appinfo (IV034)."""

    basisschema: str | None
    bericht: str | None
    basisschema_min: str | None = None
    basisschema_max: str | None = None
    bericht_min: str | None = None
    bericht_max: str | None = None


def _schema_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )


def _appinfo(root: etree._Element, local: str) -> str | None:
    for element in root.iterfind(f"{{{XS}}}annotation/{{{XS}}}appinfo/*"):
        if isinstance(element.tag, str) and etree.QName(element).localname == local:
            return (element.text or "").strip() or None
    return None


class SchemaSet:
    """The schemas of one folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        shipped = resources.schemas_dir().resolve()
        #: True for the XSDs shipped with ijw, whose structure the message models mirror
        #: exactly (tests check it); reading builds models from them without pydantic.
        self.shipped = folder.resolve() == shipped or shipped in folder.resolve().parents
        if not folder.is_dir():
            raise SchemaError(f"schema folder {folder} does not exist")
        self._files: dict[str, Path] = {}
        self._versions: dict[str, XsdVersions] = {}
        for path in sorted(folder.rglob("*.xsd")):
            try:
                root = etree.parse(str(path), _schema_parser()).getroot()
            except etree.XMLSyntaxError as exc:
                raise SchemaError(f"{path}: not a readable XSD ({exc})") from exc
            namespace = root.get("targetNamespace")
            if namespace is None:
                continue
            self._files.setdefault(namespace, path)
            self._versions.setdefault(
                namespace,
                XsdVersions(
                    basisschema=_appinfo(root, "BasisschemaXsdVersie"),
                    bericht=_appinfo(root, "BerichtXsdVersie"),
                    basisschema_min=_appinfo(root, "BasisschemaXsdMinVersie"),
                    basisschema_max=_appinfo(root, "BasisschemaXsdMaxVersie"),
                    bericht_min=_appinfo(root, "BerichtXsdMinVersie"),
                    bericht_max=_appinfo(root, "BerichtXsdMaxVersie"),
                ),
            )
        if not self._files:
            raise SchemaError(f"no XSD files in schema folder {folder}")
        self._compiled: dict[str, etree.XMLSchema] = {}
        self._lock = threading.Lock()

    def namespaces(self) -> list[str]:
        """Every target namespace in the folder."""
        return sorted(self._files)

    def has(self, namespace: str) -> bool:
        """True when the folder has a schema for ``namespace``."""
        return namespace in self._files

    def path(self, namespace: str) -> Path:
        """The XSD file of ``namespace``."""
        try:
            return self._files[namespace]
        except KeyError:
            raise SchemaError(f"no schema for namespace {namespace} in {self.folder}") from None

    def versions(self, namespace: str) -> XsdVersions:
        """The appinfo versions of the schema of ``namespace``."""
        self.path(namespace)
        return self._versions[namespace]

    def validator(self, namespace: str) -> etree.XMLSchema:
        """The compiled schema for ``namespace`` (compiled once, then cached)."""
        schema = self._compiled.get(namespace)
        if schema is not None:
            return schema
        with self._lock:
            schema = self._compiled.get(namespace)
            if schema is None:
                path = self.path(namespace)
                try:
                    schema = etree.XMLSchema(etree.parse(str(path), _schema_parser()))
                except (etree.XMLSchemaParseError, etree.XMLSyntaxError) as exc:
                    raise SchemaError(f"{path}: schema does not compile ({exc})") from exc
                self._compiled[namespace] = schema
        return schema


def load(folder: Path | None = None) -> SchemaSet:
    """The schema set of ``folder``; by default ``IJW_SCHEMA_DIR`` or the shipped schemas.

    The default follows ``IJW_SCHEMA_DIR`` as it is at the call. Each folder is
    read once per process and its schemas compiled on first use.
    """
    if folder is None:
        return _default(os.environ.get(resources.SCHEMA_DIR_ENV) or None)
    return _folder(folder)


@cache
def _default(environment: str | None) -> SchemaSet:
    return _folder(Path(environment) if environment else resources.schemas_dir())


@cache
def _folder(folder: Path) -> SchemaSet:
    return SchemaSet(folder.resolve())
