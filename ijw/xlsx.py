"""Excel workbooks for the exports (``--format xlsx``): typed cells, a usable header.

Each sheet gets its column names as a bold header row, frozen, with an
autofilter over the data; values keep their type (a date is an Excel date
shown as ``yyyy-mm-dd``, a number a number, a boolean a boolean, ``None`` an
empty cell). Rows are streamed (openpyxl's write-only mode), so a large
export does not have to fit in memory. Like the CSV and JSON exports, a
workbook may carry the BSN in full.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell as XlCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

Cell = str | int | float | bool | date | datetime | None

_BOLD = Font(bold=True)
DATE_FORMAT = "yyyy-mm-dd"
#: Excel's limit on a sheet title.
MAX_TITLE = 31


@dataclass(frozen=True, slots=True)
class Sheet:
    """One worksheet: a title, the column names and the rows (streamed once)."""

    title: str
    columns: Sequence[str]
    rows: Iterable[Sequence[Cell]]
    #: Column widths in characters (default: from the header).
    widths: Sequence[int] | None = None


def _cell(sheet: Any, value: Cell) -> Cell | XlCell:
    if isinstance(value, date):
        moment = value if isinstance(value, datetime) else datetime.combine(value, time())
        cell = WriteOnlyCell(sheet, value=moment)
        cell.number_format = DATE_FORMAT
        return cell
    return value


def write_workbook(path: Path, sheets: Sequence[Sheet]) -> Path:
    """Write ``sheets`` to the workbook ``path`` (written whole, then renamed into place)."""
    book = Workbook(write_only=True)
    for spec in sheets:
        sheet: Any = book.create_sheet(spec.title[:MAX_TITLE])
        widths = spec.widths or [max(10, len(c) + 2) for c in spec.columns]
        for i, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = width
        sheet.freeze_panes = "A2"
        header = []
        for name in spec.columns:
            cell = WriteOnlyCell(sheet, value=name)
            cell.font = _BOLD
            header.append(cell)
        sheet.append(header)
        count = 0
        for row in spec.rows:
            sheet.append([_cell(sheet, v) for v in row])
            count += 1
        last = get_column_letter(max(1, len(spec.columns)))
        sheet.auto_filter.ref = f"A1:{last}{count + 1}"
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.tmp")
    book.save(partial)
    partial.replace(path)
    return path
