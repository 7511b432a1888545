"""The query side of the library: typed answers from a store the demo inbox filled."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ijw import api
from tests import synth
from tests.conftest import FIXTURES


def test_queries_after_the_demo_import(db_url: str, tmp_path: Path) -> None:
    api.import_paths([FIXTURES / "demo"], gemeente="0363", outbox=tmp_path / "out",
                     database_url=db_url, today=date(2026, 11, 24))
    engine = api.open_store(db_url)
    try:
        rejected = api.messages(engine, outcome="rejected")
        assert {m.message_type for m in rejected} == {"JW315", "JW305"}
        sent = api.messages(engine, message_type="jw316", limit=1000)
        assert len(sent) == 8 and all(m.direction == "out" for m in sent)
        codes = {code for m in sent for _, code in m.retourcodes}
        assert {"9056", "8848"} <= codes

        client = synth.bsn(0)
        [allocation] = api.allocations(engine, bsn=client)
        assert allocation.toewijzing_nummer == 100_000
        assert allocation.aanbieder == synth.AANBIEDERS[0]
        assert allocation.referentie_aanbieder == "REF00000000"
        overview = api.client_overview(engine, client)
        assert [r[1] for r in overview.requested] == ["REF00000000"]
        assert [(c.kind, c.status, c.deleted) for c in overview.care] == [
            ("start", "1", False), ("stop", "1", False)]
        assert api.allocations(engine, aanbieder="00000000") == []
    finally:
        engine.dispose()
