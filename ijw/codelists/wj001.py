"""WJ001: what each retourcode means, in our own words.

The texts ship as ``wj001.csv`` beside this module (``code,betekenis``), one per
code of ``LDT_RetourCode``; a test holds the codes to the official schema and to
every member of :class:`~ijw.messages.r3_2.codelists.RetourCode`.
"""

from __future__ import annotations

import csv
import functools
import io
from importlib import resources

RESOURCE = "wj001.csv"


@functools.cache
def meanings() -> dict[str, str]:
    """Every retourcode with its meaning."""
    text = resources.files("ijw.codelists").joinpath(RESOURCE).read_text(encoding="utf-8")
    return {row["code"]: row["betekenis"] for row in csv.DictReader(io.StringIO(text))}


def meaning(code: str) -> str:
    """The meaning of ``code`` (``"unknown retourcode"`` for a code WJ001 does not have)."""
    return meanings().get(code, "unknown retourcode")


#: The codes of a retour that reject nothing: no remark, not assessed, granted in full.
NOT_A_REJECTION = frozenset({"0200", "0233", "8001"})

__all__ = ["NOT_A_REJECTION", "meaning", "meanings"]
