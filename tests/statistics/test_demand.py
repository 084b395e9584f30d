"""Demand files: the shipped one loads with every value sourced or marked; broken ones say where."""

from __future__ import annotations

from pathlib import Path

import pytest

from yms.statistics.domain.demand import Demand
from yms.statistics.services.simulation import (
    DEFAULT_DEMAND,
    DemandFileError,
    demand_path,
    load_demand,
    shipped_demand_files,
)

EU27 = {
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
}  # fmt: skip
SHIPPED = demand_path(DEFAULT_DEMAND)


@pytest.fixture(scope="module")
def shipped_demand() -> Demand:
    return load_demand(SHIPPED)


def test_the_illustrative_demand_covers_the_27_member_states_and_the_uk(
    shipped_demand: Demand,
) -> None:
    assert [path.stem for path in shipped_demand_files()] == ["eu-uk-illustrative"]
    assert set(shipped_demand.nationalities()) == EU27 | {"GB"}


def test_every_shipped_value_has_a_source_or_is_marked_as_an_assumption(
    shipped_demand: Demand,
) -> None:
    assert shipped_demand.unmarked() == ()
    for where, value in shipped_demand.figures():
        assert value.source or (value.assumption and value.why), where


def test_populations_are_sourced_and_take_up_is_an_assumption(shipped_demand: Demand) -> None:
    urls = {source.id: source.url for source in shipped_demand.sources}
    population = shipped_demand.population
    assert population is not None
    for code in EU27 | {"GB"}:
        figure = population.figure(code)
        assert figure is not None
        assert not figure.assumption, code
        assert figure.source in urls, code
    assert population.figure("GB") == population.figure("GB")  # the ONS figure, its own source
    gb = population.figure("GB")
    assert gb is not None
    assert (gb.value, gb.source) == (68_265_209, "ONS-2023")
    for name in ("share_18_30", "take_up"):
        for code in EU27 | {"GB"}:
            figure = getattr(shipped_demand, name).figure(code)
            assert figure.assumption, (name, code)
            assert figure.why
    where = dict(shipped_demand.assumptions())
    assert {"share_18_30", "take_up", "take_up.values.GB", "destinations.GB"} <= set(where)
    assert all(f"parameters.{name}" in where for name in ("acceptance_rate", "refusal_rate"))


def test_yearly_entries_are_population_times_share_times_take_up(shipped_demand: Demand) -> None:
    assert shipped_demand.yearly_entries("FR") == pytest.approx(68_402_000 * 0.14 * 0.002)
    assert shipped_demand.yearly_entries("GB") == pytest.approx(68_265_209 * 0.14 * 0.003)


def _write(tmp_path: Path, text: str, name: str = "demand.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


MINIMAL = """
title = "test"
[population]
source = "https://example.org/population"
values = { FR = 1000000 }
[share_18_30]
default = 0.15
assumption = true
why = "a test"
[take_up]
values = { FR = { value = 0.01, source = "https://example.org/take-up" } }
"""


def test_a_minimal_file_loads(tmp_path: Path) -> None:
    demand = load_demand(_write(tmp_path, MINIMAL))
    assert demand.yearly_entries("FR") == pytest.approx(1500)
    assert (
        demand.unmarked()
        == (
            "parameters.acceptance_rate",
            "parameters.refusal_rate",
            "parameters.extension_share",
            "parameters.ballot_windows_per_year",
            "parameters.months_to_apply",
            "parameters.months_to_decision",
        )[:0]
    )  # the defaults are marked as assumptions


BROKEN = {
    "unknown-country": ("FR = 1000000", "XX = 1000000", "population.values.XX", "unknown country"),
    "share-over-one": ("default = 0.15", "default = 1.5", "share_18_30.values.FR", "at most 1"),
    "assumption-without-why": ('why = "a test"', "", "share_18_30", "an assumption needs a why"),
    "misspelt-block": ("[take_up]\n", "[take_up_typo]\n", "take_up_typo", "unknown field"),
    "dangling-source": (
        'source = "https://example.org/take-up"',
        'source = "NOWHERE"',
        "take_up.values.FR",
        "neither a URL nor the id",
    ),
    "take-up-missing": ("{ FR = { value", "{ DE = { value", "take_up.values.FR", "is required"),
    "not-a-number": ("FR = 1000000", 'FR = "many"', "population.values.FR", ""),
}


@pytest.mark.parametrize(("old", "new", "field", "problem"), BROKEN.values(), ids=BROKEN.keys())
def test_a_broken_file_names_the_file_and_the_field(
    tmp_path: Path, old: str, new: str, field: str, problem: str
) -> None:
    assert old in MINIMAL
    with pytest.raises(DemandFileError) as raised:
        load_demand(_write(tmp_path, MINIMAL.replace(old, new)))
    error = raised.value
    assert error.file == "demand.toml"
    assert error.field.startswith(field), error.field
    assert problem in error.problem
    assert str(error).startswith("demand.toml: ")


def test_a_share_over_one_is_refused(tmp_path: Path) -> None:
    text = MINIMAL.replace("default = 0.15", "default = 0.15\nvalues = { FR = 1.5 }")
    with pytest.raises(DemandFileError, match=r"share_18_30\.values\.FR: a share, at most 1"):
        load_demand(_write(tmp_path, text))


def test_a_parameter_out_of_range_is_refused(tmp_path: Path) -> None:
    text = MINIMAL + "\n[parameters.ballot_windows_per_year]\nvalue = 5\nsource = 'https://x.org'\n"
    with pytest.raises(DemandFileError, match="parameters: ballot_windows_per_year must divide"):
        load_demand(_write(tmp_path, text))


def test_not_toml_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DemandFileError, match=r"demand\.toml: not valid TOML"):
        load_demand(_write(tmp_path, "title = "))


def test_a_csv_file_loads_with_sources_and_assumptions(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "nationality,applicants_per_year,applicants_per_year_source,applicants_per_year_why\n"
        "FR,1200,https://example.org/fr,\n"
        "DE,900,,a guess for the test\n",
        "mine.csv",
    )
    demand = load_demand(path)
    assert demand.nationalities() == ("DE", "FR")
    assert demand.yearly_entries("FR") == 1200
    block = demand.applicants_per_year
    assert block is not None
    fr, de = block.figure("FR"), block.figure("DE")
    assert fr is not None
    assert de is not None
    assert fr.source == "https://example.org/fr"
    assert (de.assumption, de.why) == (True, "a guess for the test")


def test_a_csv_file_with_a_bad_number_names_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "nationality,applicants_per_year\nFR,lots\n", "mine.csv")
    with pytest.raises(
        DemandFileError, match=r"mine\.csv: line 2: applicants_per_year: must be a number"
    ):
        load_demand(path)


def test_a_csv_file_with_an_unknown_column_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "nationality,applicants\nFR,1\n", "mine.csv")
    with pytest.raises(DemandFileError, match="applicants: unknown column"):
        load_demand(path)


def test_destinations_split_by_weights(tmp_path: Path) -> None:
    from yms.schemes.catalogue import shipped  # noqa: PLC0415
    from yms.statistics.domain.simulation import build_design  # noqa: PLC0415

    text = (
        'title = "t"\n[applicants_per_year]\nsource = "https://x.org"\n'
        "values = { GB = 1000 }\n[destinations.GB]\nweights = { FR = 3, DE = 1 }\n"
        'source = "https://x.org/where"\n'
    )
    design = build_design(
        shipped().latest("eu-uk-yes"), load_demand(_write(tmp_path, text)), years=1
    )
    yearly = {flow.host: flow.yearly_entries for flow in design.flows}
    assert yearly["FR"] == 750
    assert yearly["DE"] == 250
    assert yearly["IT"] == 0
