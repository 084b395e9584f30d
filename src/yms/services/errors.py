"""Errors a service reports to whichever interface called it."""

from __future__ import annotations

from collections.abc import Sequence

from yms.domain.validation import FieldProblem


class InvalidInputError(ValueError):
    """The input cannot be used; `problems` says what is wrong with which field."""

    def __init__(self, problems: Sequence[FieldProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(str(problem) for problem in self.problems))
