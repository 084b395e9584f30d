"""Run the `yms` command: in-process for speed, or as a real process for exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from typer.testing import CliRunner

from yms.cli.app import app


@dataclass(frozen=True)
class Ran:
    code: int
    stdout: str
    stderr: str


Yms = Callable[..., Ran]


@pytest.fixture
def yms() -> Yms:
    """Run `yms ARGS` in this process, with `input` on standard input."""
    runner = CliRunner(env={"COLUMNS": "200"})  # wide enough that tables do not wrap

    def run(*args: str, input: str | None = None) -> Ran:  # noqa: A002 - CliRunner's name
        result = runner.invoke(app, list(args), input=input)
        return Ran(result.exit_code, result.stdout, result.stderr)

    return run


@pytest.fixture
def yms_process() -> Yms:
    """Run `yms ARGS` as its own process, exactly as a person or a script would."""

    def run(*args: str, input: str | None = None) -> Ran:  # noqa: A002 - as subprocess names it
        done = subprocess.run(  # noqa: S603 - our own command, fixed arguments
            [sys.executable, "-m", "yms", *args],
            input=input,
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
            env={**os.environ, "COLUMNS": "200"},
        )
        return Ran(done.returncode, done.stdout, done.stderr)

    return run
