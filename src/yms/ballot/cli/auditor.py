"""`yms ballot draw-file` and `yms ballot verify`: the draw with no database, for auditors."""

from __future__ import annotations

import re
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from yms.platform.cli import EXIT_MISMATCH, fail

_HEX = re.compile(r"^(?:[0-9a-fA-F]{2})+\Z")
_WINDOW = re.compile(r"^[A-Za-z0-9._:-]{1,100}\Z")

DRAW_STEPS = ("read", "sort", "digest", "rank", "write")
VERIFY_STEPS = ("read", "seed_commitment", "entry_refs", "entries_digest", "draw_seed", "order")


@contextmanager
def _steps(total: int, *, quiet: bool):  # type: ignore[no-untyped-def]
    """A progress bar on standard error, one tick per step."""
    from rich.console import Console  # noqa: PLC0415 - commands import what they use
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn  # noqa: PLC0415

    console = Console(stderr=True)
    progress = Progress(
        TextColumn("{task.description:<16}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=console,
        # A bar is for people: not in a script's captured output, where it leaves a stray line.
        disable=quiet or not console.is_terminal,
        transient=True,
    )
    with progress:
        task = progress.add_task("starting", total=total)

        def advance(description: str) -> None:
            progress.update(task, advance=1, description=description)

        yield advance


def _hex_option(name: str, value: str) -> bytes:
    if not _HEX.match(value):
        fail(f"{name} must be an even number of hex digits")
    return bytes.fromhex(value)


def draw_file(
    refs: Annotated[Path, typer.Option("--refs", help="File of entry references, one per line.")],
    places: Annotated[int, typer.Option("--places", help="Places in the first round.")],
    operator_seed: Annotated[str, typer.Option("--operator-seed", help="Operator seed, hex.")],
    beacon: Annotated[str, typer.Option("--beacon", help="Beacon value, hex.")],
    window: Annotated[str, typer.Option("--window", help="Ballot window id.")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the record (JSON).")],
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar.")] = False,
) -> None:
    """Run the draw over a file of references and write the published record."""
    from yms.ballot.fast import draw as bulk_draw  # noqa: PLC0415 - keep `yms --help` fast
    from yms.ballot.fast import record as bulk_record  # noqa: PLC0415
    from yms.ballot.fast import refs as refcol  # noqa: PLC0415

    seed = _hex_option("--operator-seed", operator_seed)
    beacon_bytes = _hex_option("--beacon", beacon)
    if places < 1:
        fail("--places must be at least 1")
    if not _WINDOW.match(window):
        fail("--window must be letters, digits and . _ : - (at most 100)")
    with _steps(len(DRAW_STEPS), quiet=quiet) as step:
        try:
            data = refs.read_bytes()
        except OSError as error:
            fail(f"cannot read {refs}: {error.strerror}")
        step("sorting")
        try:
            entry_refs = refcol.from_lines(data)
            del data
            result = bulk_draw.run_draw(entry_refs, operator_seed=seed, beacon=beacon_bytes)
        except refcol.RefsError as error:
            fail(f"{refs}: {error}")
        step("writing")
        header = bulk_record.header_of(
            result, window=window, places=places, operator_seed=seed, beacon=beacon_bytes
        )
        try:
            with out.open("wb") as handle:
                bulk_record.write_record(handle, header, result.sorted_refs, result.order)
        except OSError as error:
            fail(f"cannot write {out}: {error.strerror}")
        step("done")


def verify(
    record: Annotated[Path, typer.Argument(metavar="RECORD.json", help="A published draw record.")],
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar.")] = False,
) -> None:
    """Recompute every field of a draw record from the others.

    Exit 0 if all match; exit 1 naming the first field that does not; exit 2 if the
    record cannot be read.
    """
    from yms.ballot.domain.record import RecordError  # noqa: PLC0415
    from yms.ballot.fast import record as bulk_record  # noqa: PLC0415 - keep `yms --help` fast

    with _steps(len(VERIFY_STEPS), quiet=quiet) as step:
        try:
            parsed = bulk_record.read_record(record.read_bytes())
        except OSError as error:
            fail(f"cannot read {record}: {error.strerror}")
        except RecordError as error:
            fail(f"{record}: {error}")
        step("checking")
        mismatch = bulk_record.first_mismatch(parsed, on_check=step)
    if mismatch is not None:
        fail(f"{record}: {mismatch} does not match", code=EXIT_MISMATCH)
    entries = len(parsed.entry_refs)
    print(f"{record}: all fields match ({entries:,} entries, {parsed.header.places:,} places)")  # noqa: T201
