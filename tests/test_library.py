"""``ijw.api`` as another system calls it: paths, missing input, odd files, typed results."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from ijw import api
from tests.conftest import FIXTURES

DEMO = FIXTURES / "demo"
TODAY = date(2026, 11, 24)


def test_a_single_path_as_text_is_one_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                           ) -> None:
    shutil.copytree(DEMO, tmp_path / "inbox")
    monkeypatch.chdir(tmp_path)
    summary = api.import_paths("inbox/", gemeente="0363", outbox="out",
                               database_url="sqlite:///a.db", today=TODAY)
    listed = api.import_paths([Path("inbox")], gemeente="0363", outbox="out2",
                              database_url="sqlite:///b.db", today=TODAY)
    assert summary.counts == listed.counts  # a property, like ok
    assert summary.counts[("JW315", "accepted")] == 6
    report = api.validate("inbox")
    assert len(report.files) == len(list(DEMO.iterdir()))
    assert len(api.validate(Path("inbox") / "jw315-0.xml").files) == 1


def test_a_missing_path_is_an_error_in_the_library(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(api.ConfigurationError, match="no such file or folder"):
        api.import_paths(missing, gemeente="0363", outbox=tmp_path / "out",
                         database_url=f"sqlite:///{tmp_path}/s.db", today=TODAY)
    assert not (tmp_path / "s.db").exists()
    with pytest.raises(api.ConfigurationError, match="no such file or folder"):
        api.validate([DEMO, str(missing)])
    with pytest.raises(api.ConfigurationError):
        api.iter_validate(str(missing))  # at once, not at the first result
    with pytest.raises(TypeError):
        api.validate([DEMO, 42])  # type: ignore[list-item]


def test_a_dangling_link_and_a_fifo_in_the_inbox_are_reported(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    shutil.copytree(DEMO, inbox)
    (inbox / "gone.xml").symlink_to(tmp_path / "nowhere.xml")
    os.mkfifo(inbox / "pipe.xml")
    summary = api.import_paths(inbox, gemeente="0363", outbox=tmp_path / "out",
                               database_url=f"sqlite:///{tmp_path}/s.db", today=TODAY,
                               move_to=tmp_path / "archive")
    problems = {Path(f.file).name: f.reason or "" for f in summary.files if not f.processed}
    assert "dangling symbolic link" in problems["gone.xml"]
    assert "not a regular file" in problems["pipe.xml"]
    assert not summary.ok
    quarantine = tmp_path / "archive" / "quarantine"
    assert (quarantine / "pipe.xml.reason.txt").is_file()
    assert (quarantine / "gone.xml").is_symlink() and not (inbox / "gone.xml").is_symlink()
    results = {Path(r.file).name: r for r in api.validate(quarantine).files}
    assert not results["gone.xml"].valid and not results["pipe.xml"].valid


def test_parse_results_can_be_narrowed_with_the_exported_classes() -> None:
    message = api.parse(DEMO / "jw315-0.xml")
    assert isinstance(message, api.Jw315) and not isinstance(message, api.Jw301)
    assert message.header.afzender == "99990001"
    for name in ("IjwError", "ConfigurationError", "SchemaError", "InvalidMessageError",
                 "StoreError", "ImportInterruptedError"):
        assert issubclass(getattr(api, name), Exception) and name in api.__all__
    assert issubclass(api.InvalidMessageError, api.IjwError)
    with pytest.raises(api.InvalidMessageError):
        api.parse(b"<not-a-message/>")
