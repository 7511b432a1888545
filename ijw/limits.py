"""Named limits and defaults, in one place."""

from __future__ import annotations

#: Largest message ijw reads by default (bytes). The standard's organisational
#: limit is 25 MB per file (OP179); real messages are a few kilobytes, so a
#: smaller default keeps a hostile file from costing memory.
DEFAULT_MAX_BYTES = 5 * 1024 * 1024

#: Environment variable that overrides :data:`DEFAULT_MAX_BYTES`.
MAX_BYTES_ENV = "IJW_MAX_BYTES"
