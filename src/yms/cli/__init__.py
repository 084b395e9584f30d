"""The `yms` command."""

from yms.cli.app import app, main

__all__ = ["app", "main"]
