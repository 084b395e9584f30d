"""Jinja templates with every user-facing string marked for translation (Babel gettext)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.support import NullTranslations, Translations
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from yms.kernel.dates import long_date, long_time
from yms.platform.web.field_messages import error_anchor, error_parts

SERVICE_NAME = "Youth mobility"
LOCALES = Path(__file__).parent / "locales"
DEFAULT_LOCALE = "en"


@cache
def translations(locale: str = DEFAULT_LOCALE) -> NullTranslations:
    """The message catalogue for `locale` (English is the source language: no catalogue)."""
    return Translations.load(str(LOCALES), [locale], domain="messages")


@cache
def environment(locale: str = DEFAULT_LOCALE) -> Environment:
    """The template environment for one locale."""
    env = Environment(
        loader=PackageLoader("yms.web", "templates"),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(locale), newstyle=True)  # type: ignore[attr-defined]
    env.globals["service_name"] = SERVICE_NAME
    env.globals["error_anchor"] = error_anchor
    env.globals["error_parts"] = error_parts
    env.filters["long_date"] = long_date
    env.filters["long_time"] = long_time
    return env


def add_globals(values: dict[str, object]) -> None:
    """Make `values` (a feature's state enums and tag mappings, say) known to every template."""
    environment().globals.update(values)
