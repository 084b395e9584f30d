"""Scheme files: the shipped ones load; a broken one says which file, which field, what."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from yms.schemes.catalogue import (
    SchemeFileError,
    UnknownSchemeError,
    load_catalogue,
    load_scheme_file,
    parse_scheme,
    shipped,
    shipped_files,
)
from yms.schemes.domain.scheme import SchemeStatus

UK_FILE = next(p for p in shipped_files() if p.parent.name == "uk-yms")
UK_TEXT = UK_FILE.read_text(encoding="utf-8")


def test_the_three_schemes_ship_with_their_ids() -> None:
    assert shipped().ids() == ["eu-uk-2024", "eu-uk-yes", "uk-yms"]


def test_every_shipped_file_sits_at_id_slash_version() -> None:
    for path in shipped_files():
        scheme = load_scheme_file(path)
        assert (scheme.id, scheme.version) == (path.parent.name, path.stem)


def test_shipped_schemes_have_the_status_their_source_gives() -> None:
    statuses = {s.id: s.status for s in shipped().schemes}
    assert statuses == {
        "uk-yms": SchemeStatus.IN_FORCE,
        "eu-uk-2024": SchemeStatus.PROPOSED,
        "eu-uk-yes": SchemeStatus.PROPOSED,
    }


def _broken(old: str, new: str) -> str:
    assert old in UK_TEXT, old
    return UK_TEXT.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "field", "problem"),
    [
        pytest.param(
            "years = 30\n",
            'years = "thirty"\n',
            "defaults.requirements.age_maximum.years",
            "whole number",
            id="wrong-type-in-defaults",
        ),
        pytest.param(
            "requirements.age_maximum.years = 35\n\n[arrangements.extension]",
            'requirements.age_maximum.years = "35"\n\n[arrangements.extension]',
            "arrangements[0].requirements.age_maximum.years",
            "whole number",
            id="wrong-type-in-a-group",
        ),
        pytest.param(
            'tested_on = "application_date"',
            'tested_on = "birthday"',
            "defaults.requirements.age_maximum.tested_on",
            "'birthday' is not one of",
            id="unknown-choice",
        ),
        pytest.param(
            'amount = "2530.00"',
            "amount = 2530.5",
            "defaults.requirements.funds.amount",
            "not as floating-point numbers",
            id="float-money",
        ),
        pytest.param(
            'nationalities = ["JP", "MC"]',
            'nationalities = ["JP", "XX"]',
            "arrangements[2].nationalities[1]",
            "unknown country code 'XX'",
            id="unknown-country",
        ),
        pytest.param(
            "[defaults.requirements.no_children_under_18]",
            "[defaults.requirements.no_children_under_eighteen]",
            "defaults.requirements.no_children_under_eighteen",
            "unknown field",
            id="misspelt-key",
        ),
        pytest.param(
            "places = 42000",
            "places = 0",
            "allocations[1]",
            "at least 1",
            id="no-places",
        ),
        pytest.param(
            'nationalities = ["AU"]\nhosts = ["GB"]',
            'nationalities = ["FR"]\nhosts = ["GB"]',
            "",
            "unknown arrangement FR-GB",
            id="allocation-for-nobody",
        ),
        pytest.param(
            'source = "FEE-2026"',
            'source = "NOWHERE"',
            "",
            "source 'NOWHERE' is neither a URL nor the id",
            id="dangling-source",
        ),
        pytest.param(
            'ballot = true\ninvitation_expiry_days = 90\nrule = "YMS 4.3"\nsource = "BALLOT-2025"',
            'rule = "YMS 4.3"\nsource = "BALLOT-2025"',
            "",
            "requires an invitation",
            id="invitation-without-ballot",
        ),
        pytest.param(
            'leap_day_birthday = "1 March"',
            'leap_day_birthday = "29 February"',
            "leap_day_birthday",
            "is not one of",
            id="leap-day-convention",
        ),
        pytest.param(
            "[parties]\nGB",
            "[parties\nGB",
            "",
            "not valid TOML",
            id="not-toml",
        ),
    ],
)
def test_a_broken_file_names_the_file_the_field_and_the_problem(
    old: str, new: str, field: str, problem: str
) -> None:
    with pytest.raises(SchemeFileError) as raised:
        parse_scheme(_broken(old, new), file="uk-yms/2025-11-25.toml")
    error = raised.value
    assert error.file == "uk-yms/2025-11-25.toml"
    assert error.field == field
    assert problem in error.problem
    assert str(error).startswith("uk-yms/2025-11-25.toml")


def test_a_file_in_the_wrong_place_is_refused(tmp_path: Path) -> None:
    misplaced = tmp_path / "uk-yms" / "2024-01-01.toml"
    misplaced.parent.mkdir()
    misplaced.write_text(UK_TEXT, encoding="utf-8")
    with pytest.raises(SchemeFileError, match=r"belongs at uk-yms/2025-11-25\.toml"):
        load_scheme_file(misplaced)


def test_a_group_names_host_or_hosts_not_both() -> None:
    text = _broken('nationalities = ["KR"]\n', 'nationalities = ["KR"]\nhosts = ["GB"]\n')
    with pytest.raises(SchemeFileError, match="either host or hosts") as raised:
        parse_scheme(text, file="f.toml")
    assert raised.value.field == "arrangements[1]"


def test_a_default_table_can_be_removed_by_a_group() -> None:
    text = _broken(
        'nationalities = ["JP", "MC"]\n',
        'nationalities = ["JP", "MC"]\nrequirements.funds = false\n',
    )
    scheme = parse_scheme(text, file="f.toml")
    japan = scheme.arrangement("JP-GB")
    assert japan is not None
    assert japan.requirements.funds is None
    korea = scheme.arrangement("KR-GB")
    assert korea is not None
    assert korea.requirements.funds is not None


def _write_version(root: Path, version: str, effective_from: str) -> None:
    text = UK_TEXT.replace('version = "2025-11-25"', f'version = "{version}"').replace(
        "effective_from = 2025-11-25", f"effective_from = {effective_from}"
    )
    path = root / "uk-yms" / f"{version}.toml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_the_version_in_force_is_chosen_by_date(tmp_path: Path) -> None:
    _write_version(tmp_path, "2025-11-25", "2025-11-25")
    _write_version(tmp_path, "2026-04-09", "2026-04-09")
    catalogue = load_catalogue(tmp_path.glob("*/*.toml"))
    assert catalogue.in_force("uk-yms", date(2026, 4, 8)).version == "2025-11-25"
    assert catalogue.in_force("uk-yms", date(2026, 4, 9)).version == "2026-04-09"
    assert catalogue.latest("uk-yms").version == "2026-04-09"
    assert catalogue.get("uk-yms", "2025-11-25").effective_from == date(2025, 11, 25)
    with pytest.raises(UnknownSchemeError, match="no version in force on 2025-11-24"):
        catalogue.in_force("uk-yms", date(2025, 11, 24))
    with pytest.raises(UnknownSchemeError, match="no version '2020-01-01'"):
        catalogue.get("uk-yms", "2020-01-01")
    with pytest.raises(UnknownSchemeError, match="known: uk-yms"):
        catalogue.versions("nope")
