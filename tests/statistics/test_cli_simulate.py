"""`yms simulate`, `yms simulate designs` and `yms simulate backtest`, through Typer's runner."""

from __future__ import annotations

import json
from pathlib import Path

from tests.fixtures.commands import Yms


def test_simulate_prints_each_way_by_year(yms: Yms) -> None:
    ran = yms("simulate", "--scheme", "eu-uk-yes", "--years", "2", "--runs", "40", "--seed", "3")
    assert ran.code == 0, ran.stderr
    for fragment in ("into and out of GB", "eu-uk-yes@2025-05-19", "2027", "2028", "balance"):
        assert fragment in ran.stdout
    assert "40 runs, seed 3" in ran.stdout
    assert "Assumptions in the demand" in ran.stdout


def test_the_same_seed_prints_the_same_and_another_seed_differs(yms: Yms) -> None:
    args = ("simulate", "--scheme", "eu-uk-cap", "--years", "1", "--runs", "30")
    first = yms(*args, "--seed", "5").stdout
    assert first == yms(*args, "--seed", "5").stdout
    assert first != yms(*args, "--seed", "6").stdout


def test_expected_values_are_whole_numbers_with_no_bands(yms: Yms) -> None:
    ran = yms("simulate", "--scheme", "eu-uk-yes", "--years", "1", "--expected", "--pairs")
    assert ran.code == 0, ran.stderr
    assert " to " not in ran.stdout.split("Demand:")[0]
    assert "expected values (one run)" in ran.stdout
    assert "FR → GB" in ran.stdout


def test_the_three_designs_compare_side_by_side(yms: Yms) -> None:
    ran = yms("simulate", "designs", "--years", "2", "--runs", "20", "--json")
    assert ran.code == 0, ran.stderr
    found = json.loads(ran.stdout)
    assert [o["scheme"] for o in found["outcomes"]] == [
        "eu-uk-cap@2025-05-19",
        "eu-uk-brake@2025-05-19",
        "eu-uk-yes@2025-05-19",
    ]
    assert found["years"] == [2027, 2028]
    year = found["outcomes"][0]["total"]["years"][1]
    assert set(year["there"]["grants"]) == {"mean", "low", "high"}
    assert (
        year["balance"]["mean"] == year["there"]["grants"]["mean"] - year["back"]["grants"]["mean"]
    )
    brake = found["outcomes"][1]["total"]["years"][1]
    assert brake["there"]["odds"] is None  # no ballot without a cap


def test_compare_names_other_schemes(yms: Yms) -> None:
    ran = yms(
        "simulate", "--scheme", "eu-uk-cap", "--compare", "eu-uk-brake",
        "--years", "1", "--runs", "10", "--json",
    )  # fmt: skip
    assert ran.code == 0, ran.stderr
    assert len(json.loads(ran.stdout)["outcomes"]) == 2


def test_backtest_prints_the_error_per_nationality(yms: Yms) -> None:
    ran = yms("simulate", "backtest", "--runs", "50")
    assert ran.code == 0, ran.stderr
    for fragment in ("Backtest of uk-yms", "AU", "NZ", "all", "9,754", "4,304", "+996"):
        assert fragment in ran.stdout
    assert "Published for one year only, so not tested: CA." in ran.stdout


def test_an_unknown_scheme_exits_2(yms: Yms) -> None:
    ran = yms("simulate", "--scheme", "nope", "--runs", "5")
    assert ran.code == 2
    assert ran.stderr.startswith("yms: unknown scheme 'nope'")


def test_a_scheme_the_demand_does_not_fit_exits_2(yms: Yms) -> None:
    ran = yms("simulate", "--scheme", "uk-yms", "--runs", "5")
    assert ran.code == 2
    assert "no nationality in the demand is admitted by uk-yms" in ran.stderr


def test_a_broken_demand_file_names_the_file_and_field(yms: Yms, tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text("nationality,applicants_per_year\nFR,-5\n", encoding="utf-8")
    ran = yms("simulate", "--scheme", "eu-uk-yes", "--demand", str(path), "--runs", "5")
    assert ran.code == 2
    assert ran.stderr == (
        "yms: mine.csv: applicants_per_year.values.FR.value: must be at least 0.0, not -5.0\n"
    )


def test_a_csv_demand_runs(yms: Yms, tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(
        "nationality,applicants_per_year,applicants_per_year_why\nFR,5000,a test\nGB,2000,a test\n",
        encoding="utf-8",
    )
    ran = yms(
        "simulate", "--scheme", "eu-uk-yes", "--demand", str(path), "--years", "1", "--expected",
        "--json",
    )  # fmt: skip
    assert ran.code == 0, ran.stderr
    outcome = json.loads(ran.stdout)["outcomes"][0]
    france = next(flow for flow in outcome["flows"] if flow["arrangement_id"] == "FR-GB")
    assert france["years"][0]["entries"]["mean"] == 5000
    assert outcome["notes"] == ["GB's demand split equally between 27 hosts."]
    assert (
        "GB's demand split equally"
        in yms(
            "simulate", "--scheme", "eu-uk-yes", "--demand", str(path), "--years", "1", "--expected"
        ).stdout
    )


def test_missing_scheme_and_bad_numbers_exit_2(yms: Yms) -> None:
    assert yms("simulate").code == 2
    ran = yms("simulate", "--scheme", "eu-uk-yes", "--runs", "0")
    assert ran.code == 2
    assert "runs: must be from 1" in ran.stderr
