"""Shared fixtures.

Reference material (the official XSDs and examples) is looked up in
``$IJW_SHARED`` or ``../shared`` beside the checkout. Tests that need it skip
with a reason when it is absent; with ``IJW_REQUIRE_SHARED=1`` (set by
``.ci/run``) that absence is a failure instead.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
OUR_SCHEMAS = REPO / "schemas" / "ijw-3.2"


def _shared_root() -> Path:
    return Path(os.environ.get("IJW_SHARED", REPO.parent / "shared")) / "ijw-3.2"


def require_shared() -> Path:
    """Return ``shared/ijw-3.2`` or skip (fail under CI) when it is absent."""
    root = _shared_root()
    if (root / "xsd").is_dir() and (root / "examples").is_dir():
        return root
    reason = f"reference material not found at {root} (set IJW_SHARED)"
    if os.environ.get("IJW_REQUIRE_SHARED") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return require_shared()


@pytest.fixture(scope="session")
def official_xsd_dir(shared_dir: Path) -> Path:
    return shared_dir / "xsd"


@pytest.fixture(scope="session")
def official_examples_dir(shared_dir: Path) -> Path:
    return shared_dir / "examples"
