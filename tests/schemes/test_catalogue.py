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


def test_the_five_schemes_ship_with_their_ids() -> None:
    assert shipped().ids() == ["eu-uk-2024", "eu-uk-brake", "eu-uk-cap", "eu-uk-yes", "uk-yms"]


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
        "eu-uk-cap": SchemeStatus.PROPOSED,
        "eu-uk-brake": SchemeStatus.PROPOSED,
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


# --- a version based on another ------------------------------------------------------------

YES_FILE = next(p for p in shipped_files() if p.parent.name == "eu-uk-yes")

DERIVED = """
id = "eu-uk-test"
version = "2026-01-01"
title = "A variant"
effective_from = 2026-01-01

[based_on]
scheme = "eu-uk-yes@2025-05-19"
replace = ["allocations", "defaults.extension"]

[[sources]]
id = "NEW"
title = "A new source"
url = "https://example.org/new"

[[allocations]]
id = "eu-to-uk-2027"
title = "Union citizens to the UK, 2027"
year = 2027
places = 1000
nationalities = ["FR"]
hosts = ["GB"]
ballot = true
invitation_expiry_days = 30
source = "NEW"
"""


def _derived(tmp_path: Path, text: str = DERIVED) -> Path:
    base = tmp_path / "eu-uk-yes" / "2025-05-19.toml"
    base.parent.mkdir(exist_ok=True)
    base.write_text(YES_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    path = tmp_path / "eu-uk-test" / "2026-01-01.toml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_version_based_on_another_replaces_only_the_named_tables(tmp_path: Path) -> None:
    scheme = load_scheme_file(_derived(tmp_path))
    base = shipped().latest("eu-uk-yes")
    assert (scheme.key, scheme.title) == ("eu-uk-test@2026-01-01", "A variant")
    assert scheme.status is base.status
    assert scheme.parties == base.parties
    assert [a.id for a in scheme.allocations] == ["eu-to-uk-2027"]
    assert scheme.allocations[0].places == 1000
    france = scheme.arrangement("FR-GB")
    assert france is not None
    assert france.extension is None  # removed: named in replace, absent here
    assert france.leave == base.arrangements[0].leave
    assert france.requirements.declarations == base.arrangements[0].requirements.declarations
    assert [s.id for s in scheme.sources] == [*(s.id for s in base.sources), "NEW"]


def test_the_shipped_designs_differ_from_the_capped_variant_only_as_they_say() -> None:
    catalogue = shipped()
    yes, cap, brake = (catalogue.latest(i) for i in ("eu-uk-yes", "eu-uk-cap", "eu-uk-brake"))
    for variant in (cap, brake):
        assert variant.parties == yes.parties
        assert variant.status is SchemeStatus.PROPOSED
        assert {a.id for a in variant.arrangements} == {a.id for a in yes.arrangements}
    french = {s.id: s.arrangement("FR-GB") for s in (yes, cap, brake)}
    assert all(french.values())
    assert french["eu-uk-cap"].extension is None  # type: ignore[union-attr]
    assert french["eu-uk-brake"].extension == french["eu-uk-yes"].extension  # type: ignore[union-attr]
    assert french["eu-uk-brake"].requirements.invitation is None  # type: ignore[union-attr]
    assert {(a.places, a.ballot, a.emergency_brake) for a in cap.allocations} == {
        (45000, True, None)
    }
    for allocation in brake.allocations:
        assert (allocation.places, allocation.ballot) == ("uncapped", False)
        assert allocation.emergency_brake is not None
        assert allocation.emergency_brake.threshold == 4400
        assert allocation.emergency_brake.assumption
    assert cap.extension_rule is None


_REPLACE = 'replace = ["allocations", "defaults.extension"]'
_BASE = 'scheme = "eu-uk-yes@2025-05-19"'
BROKEN_DERIVED = {
    "no-base": (
        _BASE, _BASE.replace("2025-05-19", "2020-01-01"), "based_on.scheme",
        "no scheme file for eu-uk-yes@2020-01-01",
    ),
    "no-version": (_BASE, 'scheme = "eu-uk-yes"', "based_on.scheme", "as \"ID@VERSION\""),
    "table-not-named": (
        _REPLACE, 'replace = ["defaults.extension"]', "allocations",
        "changes tables only by based_on.replace",
    ),
    "nothing-to-replace": (
        _REPLACE, 'replace = ["allocations", "defaults.nothing"]', "based_on.replace[1]",
        "neither this file nor eu-uk-yes@2025-05-19 has defaults.nothing",
    ),
    "source-twice": ('id = "NEW"', 'id = "TBC 2025"', "sources[0].id", "already has this source"),
    "no-id": ('id = "eu-uk-test"\n', "", "id", "gives its own"),
    "unknown-field": ("[based_on]\n", "[based_on]\nmerge = true\n", "based_on.merge", "unknown"),
}  # fmt: skip


@pytest.mark.parametrize(
    ("old", "new", "field", "problem"), BROKEN_DERIVED.values(), ids=BROKEN_DERIVED.keys()
)
def test_a_broken_derived_file_names_the_field(
    tmp_path: Path, old: str, new: str, field: str, problem: str
) -> None:
    assert old in DERIVED
    with pytest.raises(SchemeFileError) as raised:
        load_scheme_file(_derived(tmp_path, DERIVED.replace(old, new)))
    assert (raised.value.file, raised.value.field) == ("eu-uk-test/2026-01-01.toml", field)
    assert problem in raised.value.problem


def test_a_base_based_on_another_is_refused(tmp_path: Path) -> None:
    path = _derived(tmp_path)
    chained = DERIVED.replace('id = "eu-uk-test"', 'id = "eu-uk-more"').replace(
        "eu-uk-yes@2025-05-19", "eu-uk-test@2026-01-01"
    )
    more = tmp_path / "eu-uk-more" / "2026-01-01.toml"
    more.parent.mkdir()
    more.write_text(chained, encoding="utf-8")
    assert load_scheme_file(path).id == "eu-uk-test"
    with pytest.raises(SchemeFileError, match="is itself based on another version"):
        load_scheme_file(more)


def test_based_on_needs_a_way_to_read_the_base() -> None:
    with pytest.raises(SchemeFileError, match="cannot be read from here"):
        parse_scheme(DERIVED, file="f.toml")
    with pytest.raises(SchemeFileError, match="must be a table"):
        parse_scheme(
            'id = "x"\nversion = "2026-01-01"\nbased_on = "eu-uk-yes@2025-05-19"', file="f.toml"
        )
