"""Every user-facing string is marked for Babel; English is the source language, so complete."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

ROOT = Path(__file__).resolve().parents[2]


def extracted() -> set[str]:
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    keywords = {**DEFAULT_KEYWORDS, "N_": None}  # N_: marked where defined, translated later
    return {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=keywords
        )
    }


def test_templates_python_and_domain_messages_are_extracted() -> None:
    messages = extracted()
    assert len(messages) > 300
    for sample in (
        "Check if you can apply",  # a template
        "There is a problem",  # a component macro
        "Select the scheme you want to check",  # the web layer's Python
        "Enter {name}",  # a field reader
        "Nationality not given.",  # an eligibility detail from the domain
    ):
        assert sample in messages, sample


def test_no_template_prints_an_unmarked_sentence() -> None:
    # A crude but useful net: text between tags in templates goes through _().
    bare = re.compile(r">\s*([A-Z][a-z]+(?: [a-z]+){2,}[.?]?)\s*<")
    offenders = [
        f"{path.name}: {match}"
        for path in (ROOT / "src/yms/web/templates").rglob("*.html")
        for match in bare.findall(path.read_text())
    ]
    assert offenders == []
