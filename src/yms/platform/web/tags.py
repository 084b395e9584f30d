"""Status tags: how a page shows a state, in the GOV.UK Design System's tag component.

Each feature's web module maps its domain states to tags; templates get the
state enums and those mappings as globals, so no template spells a state or
picks a colour itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Colour = Literal[
    "grey", "green", "turquoise", "blue", "light-blue", "purple", "pink", "red", "orange", "yellow"
]


@dataclass(frozen=True, slots=True)
class Tag:
    """A state's label (an English template marked with `N_`) and the tag's colour."""

    label: str
    colour: Colour
