"""User-facing sentences kept as English templates plus parameters.

The domain writes no finished prose: it returns a `Message`, and each front end
(command line, web page, API) renders it in the reader's language. Templates are
marked with `N_` so Babel extracts them into the translation catalogue.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


def N_(template: str) -> str:  # noqa: N802 - the conventional gettext_noop name
    """Mark a template for translation without translating it here."""
    return template


def _untranslated(template: str) -> str:
    return template


def _as_is(value: object) -> object:
    return value


@dataclass(frozen=True, slots=True)
class Message:
    """A sentence for a person: an English template and the values it names."""

    template: str
    params: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))

    def render(
        self,
        translate: Callable[[str], str] = _untranslated,
        *,
        show: Callable[[object], object] = _as_is,
    ) -> str:
        """Return the sentence, translated by `translate` and filled in.

        `show` turns each value into what the reader sees (a page writes a date
        as "25 November 2026"); by default values are shown as they are.
        """
        params = {name: show(value) for name, value in self.params.items()}
        return translate(self.template).format_map(params)

    def __str__(self) -> str:
        return self.render()


def message(template: str, /, **params: object) -> Message:
    """Build a `Message` from a marked template and its values."""
    return Message(template, MappingProxyType(params))
