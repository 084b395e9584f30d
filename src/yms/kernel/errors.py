"""Errors a service reports to whichever interface called it."""

from __future__ import annotations

from collections.abc import Sequence

from yms.kernel.validation import FieldProblem


class InvalidInputError(ValueError):
    """The input cannot be used; `problems` says what is wrong with which field."""

    def __init__(self, problems: Sequence[FieldProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(str(problem) for problem in self.problems))


class NotFoundError(LookupError):
    """The thing asked for does not exist (or the person asking may not know it does)."""


class RefusedError(Exception):
    """The request is well formed but the rules refuse it; the message says why, plainly."""
