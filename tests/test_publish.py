"""Publishing outbox files: atomic, durable, never overwriting."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ijw import writing
from ijw.writing import publish_files


def test_a_batch_is_published_whole_and_leaves_no_temporaries(tmp_path: Path) -> None:
    files = [(f"retour-{i}.xml", f"<r>{i}</r>".encode()) for i in range(50)]
    assert publish_files(tmp_path, files) == [True] * 50
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(n for n, _ in files)
    assert all((tmp_path / n).read_bytes() == d for n, d in files)


def test_republishing_is_idempotent_and_never_overwrites(tmp_path: Path) -> None:
    publish_files(tmp_path, [("a.xml", b"<a/>"), ("b.xml", b"<b/>")])
    again = publish_files(tmp_path, [("a.xml", b"<a/>"), ("b.xml", b"<other/>")])
    assert again == [True, False]
    assert (tmp_path / "b.xml").read_bytes() == b"<b/>"
    assert not any(p.name.endswith(".tmp") for p in tmp_path.iterdir())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="syncfs is Linux-only")
def test_one_file_system_sync_per_batch_on_linux(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(writing, "_fsync", lambda path: calls.append(path.name))
    publish_files(tmp_path, [(f"{i}.xml", b"<x/>") for i in range(10)])
    assert calls == [tmp_path.name]  # only the folder itself: the files went by one syncfs
    assert writing._syncfs(tmp_path)


def test_without_syncfs_every_file_is_fsynced(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(writing, "_SYNCFS", None)
    monkeypatch.setattr(writing, "_fsync", lambda path: calls.append(path.name))
    publish_files(tmp_path, [(f"{i}.xml", b"<x/>") for i in range(3)])
    assert calls == [".0.xml.tmp", ".1.xml.tmp", ".2.xml.tmp", tmp_path.name]
