"""The import summary as an Excel workbook (``ijw import --format xlsx --out FILE``).

Sheets: ``files`` (one row per input file: its outcome, whether it was
processed, the retour written and, for a file that needs an operator, the
reason; findings as their rendered lines), ``counts`` (files per message type
and outcome) and ``about`` (the run's totals). Cells are typed: booleans are
booleans and counts numbers. Texts come from the summary, which masks BSNs in
file names and quoted errors as the terminal does.
"""

from __future__ import annotations

from pathlib import Path

from ijw.importing import ImportSummary
from ijw.xlsx import Cell, Sheet, write_workbook

FILE_COLUMNS = ("file", "message_type", "outcome", "processed", "retour_file", "reason",
                "findings")


def write_xlsx(summary: ImportSummary, path: Path) -> Path:
    """Write ``summary`` to the workbook ``path``."""
    files: list[list[Cell]] = [
        [f.file, f.message_type, f.outcome, f.processed, f.retour_file, f.reason,
         "\n".join(x.render() for x in f.findings) or None]
        for f in summary.files]
    counts: list[list[Cell]] = [[kind, outcome, n]
                                for (kind, outcome), n in sorted(summary.counts.items())]
    about: list[tuple[str, Cell]] = [("report", "import"), ("files", len(summary.files)),
                                     ("changed", summary.changed), ("ok", summary.ok),
                                     ("retours_written", summary.retours_written)]
    return write_workbook(path, [
        Sheet("files", FILE_COLUMNS, files, widths=(48, 14, 14, 11, 48, 60, 60)),
        Sheet("counts", ("message_type", "outcome", "files"), counts),
        Sheet("about", ("field", "value"), about, widths=(18, 20)),
    ])
