"""Where the data that ships with ijw lives: schemas, rule packs, migrations.

In a source checkout the folders sit at the top of the repository; in an
installed wheel they are copied to ``ijw/_data``. Every other module asks here.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CANDIDATES = (_PACKAGE / "_data", _PACKAGE.parent)

#: Environment variable naming an external schema directory (official release XSDs).
SCHEMA_DIR_ENV = "IJW_SCHEMA_DIR"


def data_dir(name: str) -> Path:
    """Return the shipped data folder ``name`` (``schemas``, ``rules`` or ``migrations``)."""
    for base in _CANDIDATES:
        path = base / name
        if path.is_dir():
            return path
    raise FileNotFoundError(f"ijw data folder {name!r} is missing from this installation")


def schemas_dir() -> Path:
    """The folder that holds one sub-folder of XSDs per release."""
    return data_dir("schemas")


def rules_dir() -> Path:
    """The folder with the shipped policy packs (TOML)."""
    return data_dir("rules")


def migrations_dir() -> Path:
    """The Alembic script folder."""
    return data_dir("migrations")
