"""The state machine every feature's states use: moves as data, and nothing else."""

from __future__ import annotations

from enum import StrEnum

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yms.applications.domain.states import APPLICATION, PAYMENT, ApplicationState, PaymentState
from yms.ballot.domain.states import INVITATION, WINDOW, InvitationState, WindowState
from yms.kernel.states import IllegalTransitionError, StateMachine


class Light(StrEnum):
    RED = "red"
    GREEN = "green"
    AMBER = "amber"


TRAFFIC = StateMachine(
    "a light", {Light.RED: {Light.GREEN}, Light.GREEN: {Light.AMBER}, Light.AMBER: {Light.RED}}
)


def test_a_listed_move_is_allowed_and_any_other_raises() -> None:
    assert TRAFFIC.move(Light.RED, Light.GREEN) is Light.GREEN
    with pytest.raises(IllegalTransitionError, match="a light cannot go from red to amber"):
        TRAFFIC.move(Light.RED, Light.AMBER)
    with pytest.raises(IllegalTransitionError):
        TRAFFIC.move(Light.RED, Light.RED)  # standing still is not a move either


def test_a_move_to_a_state_without_an_entry_is_refused_when_the_machine_is_made() -> None:
    with pytest.raises(ValueError, match="no entry of its own"):
        StateMachine("a light", {Light.RED: {Light.GREEN}})


MACHINES = [
    (APPLICATION, ApplicationState),
    (PAYMENT, PaymentState),
    (INVITATION, InvitationState),
    (WINDOW, WindowState),
]


@pytest.mark.parametrize(("machine", "states"), MACHINES)
def test_every_state_has_an_entry(machine: StateMachine[StrEnum], states: type[StrEnum]) -> None:
    assert set(machine.moves) == set(states)


@pytest.mark.parametrize(("machine", "states"), MACHINES)
def test_final_states_go_nowhere_and_others_somewhere(
    machine: StateMachine[StrEnum], states: type[StrEnum]
) -> None:
    finals = {state for state in states if machine.is_final(state)}
    assert finals, "every life ends somewhere"
    for state in set(states) - finals:
        assert machine.moves[state]


def test_the_scheme_rules_as_data() -> None:
    # What the services rely on, spelled out: a withdrawn application never comes back,
    # an answered invitation is never answered again, a drawn window is never re-drawn.
    assert APPLICATION.is_final(ApplicationState.WITHDRAWN)
    assert APPLICATION.allows(ApplicationState.SUBMITTED, ApplicationState.WITHDRAWN)
    assert not APPLICATION.allows(ApplicationState.SUBMITTED, ApplicationState.DRAFT)
    for answered in (InvitationState.ACCEPTED, InvitationState.DECLINED, InvitationState.EXPIRED):
        assert INVITATION.is_final(answered)
    assert WINDOW.is_final(WindowState.DRAWN)
    assert not WINDOW.allows(WindowState.OPEN, WindowState.CLOSED)  # not before its time is up


@given(st.data())
def test_random_walks_only_ever_take_listed_moves(data: st.DataObject) -> None:
    machine, states = data.draw(st.sampled_from(MACHINES))
    state = data.draw(st.sampled_from(list(states)))
    for _ in range(data.draw(st.integers(0, 20))):
        target = data.draw(st.sampled_from(list(states)))
        try:
            moved = machine.move(state, target)
        except IllegalTransitionError:
            assert target not in machine.moves[state]
            continue
        assert target in machine.moves[state]
        state = moved
