"""Terminal tables that fit an 80-column screen.

The tables the commands print keep one line per row: the columns have no
borders between them, one space stands between the columns, and when the screen
is too narrow only the one *flexible* column (a free text such as a reason or
a reference) is shortened, ending in ``…``; the others keep their full width.
What does not fit is left to the exports (``--format csv``, ``json``, ``xlsx``),
which every such table names in its footer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich import box
from rich.table import Table
from rich.text import Text

#: The width the tables are designed for.
SCREEN = 80


def compact_table(columns: Sequence[str], rows: Iterable[Sequence[str | Text]], *,
                  flexible: int | None = None, title: str | None = None) -> Table:
    """A borderless table whose cells never wrap; only column ``flexible`` shrinks."""
    kept = [list(r) for r in rows]
    table = Table(title=title, box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False,
                  padding=0)
    for i, name in enumerate(columns):
        width = max([len(name), *(len(str(r[i])) for r in kept)])
        if i == flexible:
            table.add_column(name, no_wrap=True, overflow="ellipsis", min_width=6)
        else:
            table.add_column(name, no_wrap=True, overflow="ellipsis", min_width=width)
    for row in kept:
        table.add_row(*row)
    return table
