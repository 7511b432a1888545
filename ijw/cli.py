"""The ``ijw`` command line: a thin typer layer over :mod:`ijw.api`.

Exit codes have fixed meanings: 0 all good; 1 some input was invalid or could
not be processed; 2 usage or configuration error; 3 infrastructure failure
(database unreachable); 4 internal error (a bug: please report it).
"""

from __future__ import annotations

import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ijw import api
from ijw.errors import ConfigurationError, IjwError, StoreError
from ijw.resources import SCHEMA_DIR_ENV

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_INFRA, EXIT_INTERNAL = 0, 1, 2, 3, 4

app = typer.Typer(
    name="ijw",
    help="Process iJw 3.2 (Jeugdwet) messages: validate, import, answer, decide.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class OutputFormat(StrEnum):
    """Output for people (text) or machines (json)."""

    text = "text"
    json = "json"


SchemasOption = Annotated[
    Path | None,
    typer.Option(
        "--schemas",
        envvar=SCHEMA_DIR_ENV,
        help="Folder with the release XSDs to validate against (default: the shipped ones).",
        file_okay=False,
    ),
]


@app.command()
def validate(
    paths: Annotated[list[Path], typer.Argument(help="Message files or folders (recursive).")],
    output: Annotated[
        OutputFormat, typer.Option("--format", help="text, or json: one object per file.")
    ] = OutputFormat.text,
    schemas: SchemasOption = None,
    max_bytes: Annotated[
        int | None, typer.Option("--max-bytes", help="Refuse files larger than this.", min=1)
    ] = None,
) -> None:
    """Validate messages against the XSDs and the standard's content rules.

    Example: ijw validate inbox/ --format json
    """
    for path in paths:
        if not path.exists():
            raise ConfigurationError(f"{path}: no such file or folder")
    schema_set = api.schema_set(schemas)
    files = invalid = 0
    for result in api.iter_validate(paths, schemas=schema_set, max_bytes=max_bytes):
        files += 1
        invalid += not result.valid
        if output is OutputFormat.json:
            typer.echo(json.dumps(api.result_json(result), ensure_ascii=False))
        else:
            for finding in result.findings:
                typer.echo(finding.render())
    if output is OutputFormat.text:
        typer.echo(f"{files} file(s): {files - invalid} valid, {invalid} invalid")
    raise typer.Exit(EXIT_INVALID if invalid else EXIT_OK)


@app.command("rules")
def list_rules() -> None:
    """List every implemented technical rule with its code, retourcode and what it checks.

    Example: ijw rules
    """
    table = Table("rule", "retourcode", "level", "messages", "checks")
    for found in api.rules():
        table.add_row(
            found.code,
            found.retourcode.value,
            found.level.value,
            " ".join(sorted(m.removeprefix("JW") for m in found.messages)),
            found.summary,
        )
    Console(width=max(120, Console().width)).print(table)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``ijw`` console script."""
    err = Console(stderr=True)
    try:
        app(args=argv)  # typer reports usage errors itself, with exit code 2
    except SystemExit:
        raise
    except ConfigurationError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        sys.exit(EXIT_USAGE)
    except StoreError as exc:
        err.print(f"[red]database error:[/red] {exc}", highlight=False)
        sys.exit(EXIT_INFRA)
    except IjwError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        sys.exit(EXIT_USAGE)
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
    except Exception as exc:  # a bug: say so without a traceback unless asked
        if os.environ.get("IJW_DEBUG"):
            raise
        err.print(
            f"[red]internal error:[/red] {type(exc).__name__}. "
            "Set IJW_DEBUG=1 for details and please report it.", highlight=False,
        )
        sys.exit(EXIT_INTERNAL)
