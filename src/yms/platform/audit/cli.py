"""`yms audit verify|export`: prove the audit chain, or hand it over for others to prove.

Exit codes as the ballot commands: 0 the chain holds; 1 a link is broken (the
message names the first); 2 the input cannot be used.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="Verify and export the hash-chained audit log.", no_args_is_help=True)


@app.command("verify")
def verify(
    file: Annotated[
        Path | None,
        typer.Option("--file", help="Check an export (JSON lines) instead of the database."),
    ] = None,
) -> None:
    """Recompute every link of the chain; exit 1 naming the first that breaks."""
    from yms.platform.audit import log  # noqa: PLC0415 - keep `yms --help` fast
    from yms.platform.audit.chain import walk  # noqa: PLC0415
    from yms.platform.cli import EXIT_MISMATCH, fail, service_context  # noqa: PLC0415

    if file is None:
        report = log.verify(service_context().database)
        where = "the database"
    else:
        try:
            with file.open(encoding="utf-8") as lines:
                report = walk(log.read_export(iter(lines)))
        except OSError as error:
            fail(f"cannot read {file}: {error.strerror}")
        except ValueError as error:
            fail(f"{file}: {error}")
        where = str(file)
    if not report.intact:
        fail(
            f"{where}: audit chain broken at event {report.broken_at}: {report.reason}",
            code=EXIT_MISMATCH,
        )
    print(f"{where}: {report.events:,} events, chain intact; head {report.head}")  # noqa: T201


@app.command("export")
def export(
    out: Annotated[
        Path | None, typer.Option("--out", help="Where to write (default: standard output).")
    ] = None,
) -> None:
    """Write every event with its hashes as JSON lines, for anyone to re-check."""
    import sys  # noqa: PLC0415

    from yms.platform.audit import log  # noqa: PLC0415
    from yms.platform.cli import fail, service_context  # noqa: PLC0415

    database = service_context().database
    if out is None:
        log.export(database, sys.stdout)
        return
    try:
        with out.open("w", encoding="utf-8") as handle:
            count = log.export(database, handle)
    except OSError as error:
        fail(f"cannot write {out}: {error.strerror}")
    print(f"{out}: {count:,} events", file=sys.stderr)  # noqa: T201 - a note, not the output
