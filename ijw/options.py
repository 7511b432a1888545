"""Command-line options shared by every command module (one definition each)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

DbOption = Annotated[
    str | None,
    typer.Option("--db", envvar="IJW_DATABASE_URL",
                 help="Database URL (default: SQLite file ijw.db in the current folder)."),
]

PathsArgument = Annotated[
    list[Path],
    typer.Argument(help="Message files or folders (recursive).", metavar="PATH"),
]
