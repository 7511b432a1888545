"""The one exception hierarchy of ijw and the finding value.

A *finding* is something wrong with a message: the file, line and element it
concerns, a human message, and where the standard defines one, the rule and
retourcode. Findings are values; exceptions carry them when a caller asked for
the strict (raising) form of an operation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class Level(StrEnum):
    """The control level at which a finding was made (brief, section 2.1)."""

    #: Not a message, not readable, or not safe to read.
    INPUT = "input"
    #: XSD validation (berichtformaat): no retour is produced.
    XSD = "xsd"
    #: Content of the message on its own (bericht inhoud): retourcode 0001.
    CONTENT = "content"
    #: Compared with earlier messages (berichtoverstijgend).
    CROSS_MESSAGE = "cross-message"
    #: Against an outside source: system date, CBS list, product list.
    EXTERNAL = "external"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem with a message.

    ``message`` never contains a full BSN; every producer masks it.
    """

    level: Level
    message: str
    file: str | None = None
    line: int | None = None
    path: str | None = None
    rule: str | None = None
    code: str | None = None

    def location(self) -> str:
        """``file:line`` (or whatever of it is known)."""
        where = self.file or "<input>"
        return f"{where}:{self.line}" if self.line else where

    def render(self) -> str:
        """One line for a terminal: ``file:line: [code] message (path)``."""
        tag = self.code or self.rule or self.level.value
        tail = f" ({self.path})" if self.path else ""
        return f"{self.location()}: [{tag}] {self.message}{tail}"


class IjwError(Exception):
    """Base of every error ijw raises on purpose."""

    default_message = "ijw error"

    def __init__(self, message: str | None = None, *, file: str | None = None) -> None:
        self.message = message or self.default_message
        self.file = file
        super().__init__(self.message if file is None else f"{file}: {self.message}")


class ConfigurationError(IjwError):
    """A setting, option or data file is wrong or missing (exit code 2)."""

    default_message = "configuration error"


class SchemaError(ConfigurationError):
    """A schema folder cannot be loaded."""

    default_message = "schema folder cannot be loaded"


class InvalidMessageError(IjwError):
    """A message failed reading, XSD validation or a content check."""

    default_message = "invalid message"

    def __init__(self, findings: Sequence[Finding], *, file: str | None = None) -> None:
        self.findings = tuple(findings)
        first = self.findings[0].render() if self.findings else self.default_message
        super().__init__(first, file=None)
        self.file = file


class StoreError(IjwError):
    """The database is unreachable or refused an operation (exit code 3)."""

    default_message = "database error"


class ImportInterruptedError(IjwError):
    """A run stopped on request (a signal) between two batches; the next run completes it.

    What was committed stays; ``done`` files of ``total`` were processed. ``signal``
    is set by whoever caught the signal (the command line exits with 128 + it).
    """

    default_message = "interrupted"

    def __init__(self, done: int = 0, total: int = 0, *, signal: int | None = None) -> None:
        self.done, self.total, self.signal = done, total, signal
        super().__init__(f"interrupted after {done} of {total} files; run again to finish")
