"""Tables for the operator's terminal, in which no id the operator copies back is ever cut.

Rich shortens a cell that does not fit with an ellipsis, and measures a cell by its
words whatever `no_wrap` says. So `show` prints a table that does not fit at its
natural width (the terminal then wraps the long lines; nothing is lost), and id
columns are `no_wrap`, so that a table that fits never breaks an id across lines.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from rich.console import Console, RenderableType
from rich.measure import Measurement
from rich.table import Table

_WIDE = 10_000  # measured without the terminal's limit


def show(renderable: RenderableType) -> None:
    """Print `renderable` on standard output, never narrower than its cells need whole."""
    console = Console()
    needed = Measurement.get(console, console.options.update_width(_WIDE), renderable).maximum
    if needed > console.width:
        console = Console(width=needed)
    console.print(renderable)


def print_json(value: object) -> None:
    """Print `value` as indented JSON (the `--json` style of every command)."""
    print(json.dumps(value, indent=2, ensure_ascii=False))  # noqa: T201 - the command's output


def add_id_column(table: Table, header: str, **options: object) -> None:
    """A column of ids: never wrapped, never shortened."""
    table.add_column(header, no_wrap=True, overflow="fold", **options)  # type: ignore[arg-type]


def facts_table(title: str, rows: Iterable[tuple[str, str]]) -> Table:
    """A two-column table of named values; the values (ids, seeds) are never shortened."""
    table = Table(title=title, title_justify="left", show_header=False)
    table.add_column("field", style="bold", no_wrap=True)
    table.add_column("value", no_wrap=True)
    for field, value in rows:
        table.add_row(field, value)
    return table
