"""The library surface of ijw: the operations, with typed results.

The command line (:mod:`ijw.cli`) is a thin layer over these functions; other
municipal systems call them directly::

    from ijw import api

    report = api.validate(["inbox/"])
    for result in report.files:
        print(result.file, result.valid)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ijw.errors import Finding
from ijw.messages import Message
from ijw.reading import ReadResult, iter_files, parse, read
from ijw.rules import Rule, all_rules
from ijw.schemas import SchemaSet
from ijw.schemas import load as load_schemas
from ijw.writing import write


def finding_json(finding: Finding) -> dict[str, Any]:
    """The JSON form of one finding (``line``, ``path``, ``message``, ``code``)."""
    return {
        "line": finding.line,
        "path": finding.path,
        "message": finding.message,
        "code": finding.code or finding.rule,
    }


def result_json(result: ReadResult) -> dict[str, Any]:
    """The JSON form of one file's validation result."""
    return {
        "file": result.file,
        "valid": result.valid,
        "message_type": result.message_type,
        "errors": [finding_json(f) for f in result.findings],
    }


@dataclass(frozen=True, slots=True)
class ValidationReport:
    """The outcome of validating a set of files."""

    files: tuple[ReadResult, ...]

    @property
    def valid(self) -> bool:
        """True when every file is a valid message."""
        return all(r.valid for r in self.files)

    @property
    def invalid_count(self) -> int:
        """How many files are not valid."""
        return sum(not r.valid for r in self.files)


def schema_set(folder: Path | None = None) -> SchemaSet:
    """The schemas to use: ``folder``, else ``IJW_SCHEMA_DIR``, else the shipped ones."""
    return load_schemas(folder)


def iter_validate(
    paths: Iterable[str | Path],
    *,
    schemas: SchemaSet | None = None,
    max_bytes: int | None = None,
) -> Iterator[ReadResult]:
    """Validate files and folders (recursively), one result per file, as they are read."""
    schema = schemas or schema_set()
    for path in iter_files([Path(p) for p in paths]):
        yield read(path, schemas=schema, max_bytes=max_bytes)


def validate(
    paths: Iterable[str | Path],
    *,
    schemas: SchemaSet | None = None,
    max_bytes: int | None = None,
) -> ValidationReport:
    """Validate files and folders (recursively)."""
    return ValidationReport(tuple(iter_validate(paths, schemas=schemas, max_bytes=max_bytes)))


def rules() -> list[Rule]:
    """Every implemented technical rule."""
    return all_rules()


__all__ = [
    "Message",
    "ReadResult",
    "ValidationReport",
    "finding_json",
    "iter_validate",
    "parse",
    "read",
    "result_json",
    "rules",
    "schema_set",
    "validate",
    "write",
]
