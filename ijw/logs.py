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
                payload[key] = scrub(str(value)) if isinstance(value, str) else value
        return json.dumps(payload, ensure_ascii=False, default=str)


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
