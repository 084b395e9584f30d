"""How the `yms` command ends: exit codes, and one-line errors on standard error."""

from __future__ import annotations

import sys
from typing import NoReturn

import typer

#: A result was produced (whatever it says).
EXIT_OK = 0
#: A check ran and found a mismatch (e.g. a tampered draw record).
EXIT_MISMATCH = 1
#: The input could not be used (malformed, or naming something that does not exist).
EXIT_BAD_INPUT = 2
#: The input was understood, but the rules refuse it (e.g. a window not yet closed).
EXIT_REFUSED = 3


def fail(reason: str, *, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """Print one line saying what is wrong, on standard error, and exit with `code`."""
    print(f"yms: {reason}", file=sys.stderr)  # noqa: T201 - the command's error channel
    raise typer.Exit(code)
