"""Every technical rule, passing and failing, through ``ijw import`` (``fixtures/rules/``).

``fixtures/rules/manifest.toml`` lists per rule a ``pass`` and a ``fail`` case:
a folder with setup messages and one message under test, the system date and
gemeente to import with, the expected outcome of the message under test and
the RetourCodes of its retour (or, for a 301/319, the rule codes of its
findings). Each case is imported into an empty store; the retour must validate
against our schemas and carry exactly the expected codes. Regenerate the
fixtures with ``python fixtures/rules/make.py``.
"""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from ijw import api
from ijw.importing import FileOutcome
from ijw.messages import lookup
from ijw.retours import class_codes
from ijw.rules import RULES
from ijw.schemas import SchemaSet
from tests.conftest import FIXTURES, GOLDEN, OUR_SCHEMAS, assert_golden

RULE_FIXTURES = FIXTURES / "rules"
CASES: list[dict[str, Any]] = tomllib.loads(
    (RULE_FIXTURES / "manifest.toml").read_text(encoding="utf-8"))["case"]
#: The fail cases also run on PostgreSQL (kept to a few, for speed).
POSTGRES_RULES = ("TR019", "TR056", "TR074", "TR314", "TR338", "TR347", "TR389")


def _param(case: dict[str, Any]) -> Any:
    marks = [pytest.mark.xfail(reason=case["xfail"], strict=True)] if "xfail" in case else []
    return pytest.param(case, id=f"{case['rule']}-{case['case']}", marks=marks)


@pytest.fixture(scope="module")
def our_schemas() -> SchemaSet:
    return api.schema_set(OUR_SCHEMAS)


def _import(case: dict[str, Any], url: str, outbox: Path) -> FileOutcome:
    """Import the case's folder; the outcome of the file under test (setup files checked)."""
    today = case["today"]
    assert isinstance(today, date)
    summary = api.import_paths([RULE_FIXTURES / case["dir"]], gemeente=case["gemeente"],
                               outbox=outbox, database_url=url, today=today)
    by_name = {Path(f.file).name: f for f in summary.files}
    assert case["file"] in by_name, sorted(by_name)
    for name, outcome in by_name.items():
        if name != case["file"]:
            assert outcome.outcome in ("accepted", "registered"), (
                f"setup file {name}: {outcome.outcome} {[f.rule for f in outcome.findings]}")
    return by_name[case["file"]]


def _check(case: dict[str, Any], outcome: FileOutcome, outbox: Path, schemas: SchemaSet
           ) -> None:
    rules = sorted(f.rule or f.code or "" for f in outcome.findings)
    assert outcome.outcome == case["outcome"], rules
    # A pass case finds nothing; a fail case finds only the rule it is about.
    assert set(rules) == ({case["rule"]} if case["case"] == "fail" else set()), rules
    if "findings" in case:  # a 301 or 319: registered or rejected, never a retour
        assert outcome.retour_file is None
        assert rules == sorted(case["findings"])
        return
    assert outcome.retour_file is not None
    path = outbox / outcome.retour_file
    root = etree.parse(str(path)).getroot()
    found = lookup(etree.QName(root).namespace or "")
    assert found is not None
    validator = schemas.validator(found[1].namespace)
    assert validator.validate(root), validator.error_log
    retour = api.parse(path, schemas=schemas)
    assert retour.message_type == found[1].message_type
    got = [[where, code] for where, _, code in class_codes(retour)]
    assert got == case["retourcodes"], rules
    assert_golden(f"retours/{case['rule']}-{case['case']}.xml", path.read_bytes())


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_rule_case(case: dict[str, Any], tmp_path: Path, our_schemas: SchemaSet) -> None:
    outbox = tmp_path / "outbox"
    outcome = _import(case, f"sqlite+pysqlite:///{tmp_path / 'ijw.db'}", outbox)
    _check(case, outcome, outbox, our_schemas)


@pytest.mark.parametrize(
    "db_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
@pytest.mark.parametrize("case", [
    _param(c) for c in CASES if c["case"] == "fail" and c["rule"] in POSTGRES_RULES])
def test_fail_case_on_postgres(case: dict[str, Any], db_url: str, tmp_path: Path,
                               our_schemas: SchemaSet) -> None:
    outbox = tmp_path / "outbox"
    _check(case, _import(case, db_url, outbox), outbox, our_schemas)


def test_every_rule_has_a_pass_and_a_fail_case() -> None:
    have = sorted((c["rule"], c["case"]) for c in CASES)
    want = sorted((code, kind) for code in RULES for kind in ("pass", "fail"))
    assert have == want


def test_every_golden_retour_belongs_to_a_case() -> None:
    """A retour case has its golden file, and no golden file outlives its case."""
    cases = {f"{c['rule']}-{c['case']}.xml" for c in CASES if "retourcodes" in c}
    assert {p.name for p in (GOLDEN / "retours").iterdir()} == cases


def test_manifest_matches_the_folders() -> None:
    for case in CASES:
        folder = RULE_FIXTURES / case["dir"]
        names = sorted(p.name for p in folder.iterdir())
        assert case["file"] in names, folder
        assert case["file"] == names[-1] and "under-test" in case["file"], folder
        assert all("-setup-" in n for n in names[:-1]), folder
        assert ("findings" in case) != ("retourcodes" in case), case
    assert {p.name for p in RULE_FIXTURES.iterdir() if p.is_dir()} == set(RULES)
