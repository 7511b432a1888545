"""``docs/rules.md`` is the registry's rules reference, current (``ijw.rules.reference``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ijw.codelists.wj001 import meaning
from ijw.rules import RULES
from ijw.rules.reference import LEVELS, render

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "rules.md"


def test_docs_rules_md_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/rules.md is not current: run python -m ijw.rules.reference > docs/rules.md")


def test_every_rule_has_a_row_with_its_meaning() -> None:
    text = render()
    for found in RULES.values():
        assert found.level in LEVELS
        assert (f"| {found.code} | {found.retourcode.value}: "
                f"{meaning(found.retourcode.value)}") in text, found.code
    assert "| TR381 | S329: The ProductCode does not belong to the ProductCategorie. |" in text


def test_the_module_prints_the_reference() -> None:
    done = subprocess.run([sys.executable, "-m", "ijw.rules.reference"], cwd=REPO,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == render()
