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


@dataclass(frozen=True, slots=True)
class Message:
    """A sentence for a person: an English template and the values it names."""

    template: str
    params: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))

    def render(self, translate: Callable[[str], str] = _untranslated) -> str:
        """Return the sentence, translated by `translate` and filled in."""
        return translate(self.template).format_map(dict(self.params))

    def __str__(self) -> str:
        return self.render()


def message(template: str, /, **params: object) -> Message:
    """Build a `Message` from a marked template and its values."""
    return Message(template, MappingProxyType(params))
