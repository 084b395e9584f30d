"""States and the moves allowed between them, as data: one small machine per kind of thing.

A feature's domain declares its machine (`StateMachine({DRAFT: {SUBMITTED, ...}})`);
services ask it before changing a state, so a move the table does not list can
never be written, whatever path the request took.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Generic, TypeVar

S = TypeVar("S", bound=StrEnum)


class IllegalTransitionError(ValueError):
    """A move the machine does not allow, e.g. from withdrawn back to draft."""

    def __init__(self, kind: str, current: StrEnum, target: StrEnum) -> None:
        super().__init__(f"{kind} cannot go from {current.value} to {target.value}")
        self.current = current
        self.target = target


class StateMachine(Generic[S]):
    """The allowed moves between the states of one kind of thing."""

    def __init__(self, kind: str, moves: Mapping[S, Iterable[S]]) -> None:
        self.kind = kind
        self.moves: dict[S, frozenset[S]] = {state: frozenset(to) for state, to in moves.items()}
        states = set(self.moves)
        for targets in self.moves.values():
            if not targets <= states:
                raise ValueError(f"{kind}: a move leads to a state with no entry of its own")

    def allows(self, current: S, target: S) -> bool:
        """Whether `current` may move to `target`."""
        return target in self.moves[current]

    def move(self, current: S, target: S) -> S:
        """`target`, if the move is allowed; raises `IllegalTransitionError` otherwise."""
        if not self.allows(current, target):
            raise IllegalTransitionError(self.kind, current, target)
        return target

    def is_final(self, state: S) -> bool:
        """Whether nothing can follow `state`."""
        return not self.moves[state]
