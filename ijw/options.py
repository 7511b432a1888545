"""Command-line options shared by every command module (one definition each)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ijw.limits import MAX_BYTES_ENV
from ijw.resources import SCHEMA_DIR_ENV

DbOption = Annotated[
    str | None,
    typer.Option("--db", envvar="IJW_DATABASE_URL",
                 help="Database URL (default: SQLite file ijw.db in the current folder)."),
]

CreateOption = Annotated[
    bool,
    typer.Option("--create", help="Make the SQLite store's folder if it does not exist "
                 "(without it, a missing folder is an error: a mistyped path)."),
]

PathsArgument = Annotated[
    list[Path],
    typer.Argument(help="Message files or folders (recursive).", metavar="PATH"),
]

SchemasOption = Annotated[
    Path | None,
    typer.Option(
        "--schemas",
        envvar=SCHEMA_DIR_ENV,
        help="Folder with the release XSDs to validate against (default: the shipped ones).",
        file_okay=False,
    ),
]

MaxBytesOption = Annotated[
    int | None,
    typer.Option("--max-bytes", min=1, envvar=MAX_BYTES_ENV,
                 help="Refuse files larger than this (bytes; default 5 MB)."),
]

TodayOption = Annotated[
    str | None,
    typer.Option("--today", envvar="IJW_TODAY",
                 help="The system date to judge by (YYYY-MM-DD)."),
]
