"""Every 301 and 319 the engine writes itself passes every rule for its type.

The engine writes two kinds of outgoing messages: the continuity year-end
JW301s (:func:`ijw.policy.api.export_spic_301s`) and the SPIC-lock JW319s
(:func:`ijw.policy.api.answer_spic_317s`), here over the demo continuity
scenario (``fixtures/continuity/``, imported as :mod:`tests.test_continuity`
does). Each file is read back with the level-2 rules, then judged by the
level-3 and level-4 rules against the store as the aanbieder's answer would
find it: the 301s against the scenario store (the export does not store
them), each 319 against a copy taken before the 319s were stored (they would
otherwise meet themselves, TR056). No rule may find anything.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import time
from pathlib import Path

import pytest
from sqlalchemy import Engine

from ijw.errors import Finding, Level
from ijw.messages import Message
from ijw.policy import api as policy
from ijw.reading import read
from ijw.rules import RULES, rules_for, to_finding
from ijw.store import db
from ijw.store.context import StoreContext
from tests.test_continuity import PACK, TODAY, load_scenario

AT = time(10, 0)


@pytest.fixture(scope="module")
def scenario_db(tmp_path_factory: pytest.TempPathFactory, _sqlite_template: Path) -> Path:
    """The continuity scenario imported once; each test works on a copy."""
    folder = tmp_path_factory.mktemp("outgoing")
    path = folder / "ijw.db"
    shutil.copyfile(_sqlite_template, path)
    load_scenario(f"sqlite+pysqlite:///{path}", folder / "outbox").dispose()
    return path


def _engine(scenario_db: Path, folder: Path) -> Iterator[Engine]:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "ijw.db"
    shutil.copyfile(scenario_db, path)
    engine = db.make_engine(f"sqlite+pysqlite:///{path}")
    yield engine
    engine.dispose()


@pytest.fixture
def store(scenario_db: Path, tmp_path: Path) -> Iterator[Engine]:
    yield from _engine(scenario_db, tmp_path / "store")


@pytest.fixture
def pristine(scenario_db: Path, tmp_path: Path) -> Iterator[Engine]:
    """A second copy of the scenario store, left as it was imported."""
    yield from _engine(scenario_db, tmp_path / "pristine")


def findings(path: Path, judge: Engine) -> tuple[Message, list[Finding]]:
    """The message in ``path`` and what every rule for its type finds in it."""
    result = read(path)
    assert result.message is not None, [f.render() for f in result.findings]
    message = result.message
    found = list(result.findings)  # XSD and level 2
    with judge.connect() as conn:
        ctx = StoreContext(conn, TODAY)
        for level in (Level.CROSS_MESSAGE, Level.EXTERNAL):
            for rule in rules_for(message.message_type, level):
                found += [to_finding(rule, hit, message, None, str(path))
                          for hit in rule.check(message, ctx)]
    return message, found


def test_every_year_end_301_passes_every_rule(store: Engine, tmp_path: Path) -> None:
    paths = policy.export_spic_301s(store, PACK, tmp_path / "out", today=TODAY, at=AT)
    assert paths  # how many is tests/test_continuity.py's concern
    for path in paths:
        message, found = findings(path, store)
        assert message.message_type == "JW301"
        assert found == [], [f.render() for f in found]


def test_every_spic_lock_319_passes_every_rule(store: Engine, pristine: Engine,
                                                tmp_path: Path) -> None:
    paths = policy.answer_spic_317s(store, PACK, tmp_path / "out", TODAY)
    assert paths
    for path in paths:
        message, found = findings(path, pristine)
        assert message.message_type == "JW319"
        assert found == [], [f.render() for f in found]


def test_the_outgoing_types_have_rules_at_every_level() -> None:
    """The judgement above means something: both types meet rules at levels 2, 3 and 4."""
    for kind in ("JW301", "JW319"):
        for level in (Level.CONTENT, Level.CROSS_MESSAGE, Level.EXTERNAL):
            assert rules_for(kind, level), (kind, level)
    assert {"TR006", "TR061", "TR302", "CS050", "CS318", "CD005", "CD007", "CD009", "CD025",
            "CD034", "CS089"} <= {r.code for r in rules_for("JW301", Level.CONTENT)}
    assert all(code in RULES for code in ("CD085", "CD086", "TR377", "TR409"))
