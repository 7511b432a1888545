"""Logging for the command line: human text or one JSON object per line (for cron).

Log records carry structured fields in ``extra``; nothing ijw logs contains a
full BSN (messages are scrubbed as a last line of defence).
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

from ijw.privacy import scrub

_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "event", ...fields}`` per line."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": scrub(record.getMessage()),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                payload[key] = _clean(value)
        return json.dumps(payload, ensure_ascii=False)


def _clean(value: object) -> object:
    """``value`` as JSON with every long run of digits masked, whatever its type.

    A field may be a number, a list or a path as well as text; a BSN in any of
    them is masked, and what JSON cannot hold becomes its (scrubbed) text.
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        text = str(value)
        masked = scrub(text)
        return value if masked == text else masked
    if isinstance(value, dict):
        return {scrub(str(k)): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_clean(v) for v in value]
    return scrub(str(value))


class TextFormatter(logging.Formatter):
    """``level logger: event key=value ...``."""

    def format(self, record: logging.LogRecord) -> str:
        fields = " ".join(
            f"{k}={v}" for k, v in record.__dict__.items()
            if k not in _STANDARD and not k.startswith("_")
        )
        return scrub(f"{record.levelname.lower()} {record.name}: {record.getMessage()} {fields}")


def configure(fmt: str = "text", level: str = "warning") -> None:
    """Send ijw's logs to stderr in ``fmt`` (text or json) from ``level`` up."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    logger = logging.getLogger("ijw")
    logger.handlers[:] = [handler]
    logger.setLevel(level.upper())
    logger.propagate = False
