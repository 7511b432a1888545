"""The exports of continuity, monitor and import: xlsx cell types, golden CSVs, JSON, 80 columns.

The store is the report's demo store (:func:`tests.test_report.build_store`):
the demo inbox, the continuity scenario decided under its pack, declaraties.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine
from typer.testing import CliRunner

from ijw.cli import app
from ijw.store import db
from tests.conftest import FIXTURES, assert_golden
from tests.test_report import PACK, TODAY, build_store

AS_OF = "2024-06-10"
WIDTH = 80


@pytest.fixture(scope="module")
def _exports_sqlite(tmp_path_factory: pytest.TempPathFactory, _sqlite_template: Path) -> Path:
    folder = tmp_path_factory.mktemp("exports")
    path = folder / "ijw.db"
    shutil.copyfile(_sqlite_template, path)
    build_store(f"sqlite+pysqlite:///{path}", folder).dispose()
    return path


@pytest.fixture
def url(_exports_sqlite: Path, tmp_path: Path) -> str:
    path = tmp_path / "ijw.db"
    shutil.copyfile(_exports_sqlite, path)
    return f"sqlite+pysqlite:///{path}"


def run(*args: str, columns: int | None = None) -> tuple[int, str, str]:
    env = {"COLUMNS": str(columns)} if columns else {}
    result = CliRunner().invoke(app, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def continuity(url: str, *args: str, columns: int | None = None) -> tuple[int, str, str]:
    return run("continuity", "--rules", str(PACK), "--db", url, "--today", TODAY.isoformat(),
               *args, columns=columns)


def monitor(url: str, *args: str, columns: int | None = None) -> tuple[int, str, str]:
    return run("monitor", "--db", url, "--as-of", AS_OF, *args, columns=columns)


# --------------------------------------------------------------------------- xlsx


def _sheet_rows(path: Path, sheet: str) -> list[tuple[object, ...]]:
    book = load_workbook(path)
    return [tuple(c.value for c in row) for row in book[sheet].iter_rows()]


def _check_header(path: Path, sheet: str) -> None:
    book = load_workbook(path)
    ws = book[sheet]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{ws.max_row}"
    assert all(c.font.bold for c in ws[1])


def test_continuity_xlsx_has_typed_cells(url: str, tmp_path: Path) -> None:
    out = tmp_path / "c.xlsx"
    code, _, err = continuity(url, "--format", "xlsx", "--out", str(out))
    assert code == 0, err
    _check_header(out, "decisions")
    rows = _sheet_rows(out, "decisions")
    header, data = rows[0], rows[1:]
    col = {name: i for i, name in enumerate(header)}
    assert len(data) == 50
    assert {type(r[col["toewijzingnummer"]]) for r in data} == {int}
    assert {type(r[col["transfer_2025"]]) for r in data} == {bool}
    assert {type(r[col["period_start"]]) for r in data} <= {datetime, type(None)}
    assert any(isinstance(r[col["period_start"]], datetime) for r in data)
    assert {type(r[col["bsn"]]) for r in data} == {str}  # a BSN keeps its leading zero
    book = load_workbook(out)
    dated = next(c for c in book["decisions"]["M"][1:] if c.value is not None)
    assert dated.is_date and dated.number_format == "yyyy-mm-dd"
    about = dict(_sheet_rows(out, "about")[1:])
    assert about["pack"] == "demo-esjh-2024" and len(str(about["pack sha256"])) == 64
    assert about["count total"] == 50


@pytest.mark.parametrize("command", [["continuity", "--rules", str(PACK)], ["monitor"]])
def test_xlsx_needs_out(url: str, command: list[str]) -> None:
    done = subprocess.run([str(Path(sys.executable).parent / "ijw"), *command, "--db", url,
                           "--format", "xlsx"], capture_output=True, text=True, check=False)
    assert done.returncode == 2, done.stderr
    assert "--out" in done.stderr and "Traceback" not in done.stderr


def test_monitor_xlsx_has_typed_cells(url: str, tmp_path: Path) -> None:
    out = tmp_path / "m.xlsx"
    code, _, err = monitor(url, "--all", "--format", "xlsx", "--out", str(out))
    assert code == 0, err
    _check_header(out, "items")
    _check_header(out, "providers")
    rows = _sheet_rows(out, "items")
    col = {name: i for i, name in enumerate(rows[0])}
    data = rows[1:]
    assert data
    assert {type(r[col["received"]]) for r in data} == {datetime}
    assert {type(r[col["interim_late"]]) for r in data} == {bool}
    assert {type(r[col["age"]]) for r in data} == {int}
    providers = _sheet_rows(out, "providers")[1:]
    assert sum(int(str(r[-1])) for r in providers) == len(data)  # --all: every item


def test_import_xlsx_has_typed_cells(tmp_path: Path, _sqlite_template: Path) -> None:
    path = tmp_path / "ijw.db"
    shutil.copyfile(_sqlite_template, path)
    out = tmp_path / "import.xlsx"
    code, _, err = run("import", str(FIXTURES / "demo"), "--gemeente", "0363", "--outbox",
                       str(tmp_path / "outbox"), "--db", f"sqlite+pysqlite:///{path}",
                       "--today", TODAY.isoformat(), "--format", "xlsx", "--out", str(out))
    assert code == 0, err
    _check_header(out, "files")
    rows = _sheet_rows(out, "files")
    col = {name: i for i, name in enumerate(rows[0])}
    assert len(rows) - 1 == len(list((FIXTURES / "demo").glob("*.xml")))
    assert {type(r[col["processed"]]) for r in rows[1:]} == {bool}
    counts = _sheet_rows(out, "counts")[1:]
    assert sum(int(str(r[2])) for r in counts) == len(rows) - 1
    about = dict(_sheet_rows(out, "about")[1:])
    assert about["ok"] is True and about["files"] == len(rows) - 1


# --------------------------------------------------------------------------- CSV


def test_continuity_csv_is_golden(url: str) -> None:
    code, out, err = continuity(url, "--format", "csv")
    assert code == 0, err
    assert_golden("csv/continuity.csv", out.encode("utf-8"))
    code, excel, err = continuity(url, "--format", "csv", "--excel-csv")
    assert code == 0, err
    assert excel.startswith("\ufeff")
    assert_golden("csv/continuity-excel.csv", excel.encode("utf-8"))
    rows = list(csv.reader(io.StringIO(excel.removeprefix("\ufeff")), delimiter=";"))
    plain = list(csv.reader(io.StringIO(out)))
    assert [r[:6] for r in rows] == [r[:6] for r in plain]


def test_monitor_csv_is_golden_with_true_false(url: str, tmp_path: Path) -> None:
    code, out, err = monitor(url, "--all", "--format", "csv")
    assert code == 0, err
    assert_golden("csv/monitor.csv", out.encode("utf-8"))
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["interim_late"] for r in rows} <= {"true", "false"}
    target = tmp_path / "m.csv"
    code, _, err = monitor(url, "--all", "--format", "csv", "--excel-csv", "--out", str(target))
    assert code == 0, err
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert_golden("csv/monitor-excel.csv", data)
    assert next(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))[0] == "status"


# --------------------------------------------------------------------------- JSON


def test_continuity_json_carries_its_metadata(url: str) -> None:
    code, out, err = continuity(url, "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["report"] == "continuity" and doc["gemeente"] == "0363"
    assert doc["as_of"] == TODAY.isoformat()
    assert doc["counts"]["total"] == len(doc["decisions"])
    assert all(isinstance(d["reasons"], list) for d in doc["decisions"])


def test_monitor_json_carries_its_metadata(url: str) -> None:
    code, out, err = monitor(url, "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert (doc["report"], doc["as_of"], doc["gemeenten"]) == ("monitor", AS_OF, ["0363"])
    assert doc["counts"]["total"] == sum(p["total"] for p in doc["providers"])
    assert doc["counts"]["total"] >= len(doc["items"])


# --------------------------------------------------------------------------- 80 columns


#: Lines that name a store or a file stay whole, however long: a path broken over lines
#: cannot be copied.
NAMES_A_PATH = re.compile(r"^(?:store: |(?:rejected|partly|quarantined|invalid|failed) )")


def _fits(text: str) -> None:
    too_wide = [line for line in text.splitlines()
                if len(line) > WIDTH and not NAMES_A_PATH.match(line)]
    assert not too_wide, too_wide


def test_continuity_table_fits_80_columns(url: str, store_bsns: list[str]) -> None:
    code, out, err = continuity(url, columns=WIDTH)
    assert code == 0, err
    _fits(out)
    rows = [line for line in out.splitlines() if line.startswith("*****")]
    assert len(rows) == 50  # one line per decision: nothing wrapped
    assert "--format csv, json or xlsx" in out
    assert not [b for b in store_bsns if b in out]


def test_monitor_table_fits_80_columns(url: str) -> None:
    code, out, _ = monitor(url, "--all", columns=WIDTH)
    assert code == 0
    _fits(out)
    code, doc, _ = monitor(url, "--all", "--format", "json")
    items = json.loads(doc)["items"]
    statuses = ("open", "overdue", "answered_on_time", "answered_late")
    assert len([line for line in out.splitlines() if line.split(" ")[0] in statuses]) == len(
        items)
    assert "--format csv, json or xlsx" in out


def test_import_table_fits_80_columns(tmp_path: Path, _sqlite_template: Path) -> None:
    path = tmp_path / "ijw.db"
    shutil.copyfile(_sqlite_template, path)
    code, out, _ = run("import", str(FIXTURES / "demo"), "--gemeente", "0363", "--outbox",
                       str(tmp_path / "outbox"), "--db", f"sqlite+pysqlite:///{path}",
                       "--today", TODAY.isoformat(), columns=WIDTH)
    assert code == 0
    _fits(out)
    assert "--format json, or xlsx" in out


@pytest.fixture
def store_bsns(url: str) -> list[str]:
    from sqlalchemy import text

    engine: Engine = db.make_engine(url)
    with engine.connect() as conn:
        found = [str(r[0]) for r in conn.execute(text("SELECT bsn FROM client"))]
    engine.dispose()
    return found


def test_dates_in_exports_are_iso(url: str) -> None:
    code, out, _ = monitor(url, "--all", "--format", "csv")
    assert code == 0
    for row in csv.DictReader(io.StringIO(out)):
        date.fromisoformat(row["received"])
