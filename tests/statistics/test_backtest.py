"""The UK scheme against the record: the published figures, and the backtest on them."""

from __future__ import annotations

from pathlib import Path

import pytest

from yms.schemes.catalogue import shipped
from yms.statistics.domain.backtest import ALL, Backtest, Published, backtest
from yms.statistics.services.simulation import (
    DemandFileError,
    load_published,
    published_file,
    run_backtest,
)


@pytest.fixture(scope="module")
def published() -> Published:
    return load_published()


def test_every_published_figure_has_a_source(published: Published) -> None:
    urls = {source.id: source.url for source in published.sources}
    assert all(url.startswith("https://") for url in urls.values())
    for where, figure in published.figures():
        assert figure.source in urls or figure.source.startswith("https://"), where
    assert published.not_found  # what was looked for and not found is said


def test_the_2024_figures_are_those_published(published: Published) -> None:
    series = published.series()
    assert {code: by_year[2024].visas for code, by_year in series.items() if 2024 in by_year} == {
        "AU": 9754,
        "NZ": 4304,
        "CA": 3060,
    }
    assert published.total_series()[2024].visas == 24437
    assert series["AU"][2023].approximate
    assert published.places()[("AU", 2025)] == 42000
    assert published.places()[("AU", 2020)] == 30000


@pytest.fixture(scope="module")
def result(published: Published) -> Backtest:
    return backtest(shipped().latest("uk-yms"), published, runs=200, seed=0)


def test_series_with_two_years_are_calibrated_on_the_first_and_tested_on_the_second(
    result: Backtest,
) -> None:
    rows = {row.nationality: row for row in result.rows}
    assert set(rows) == {"AU", "NZ", ALL}
    assert result.one_year_only == ("CA",)
    for row in rows.values():
        assert row.calibrated_on == (2023,)
        assert row.year == 2024
        # Calibrated demand reproduces the calibration year (expected values, whole people).
        assert row.simulated == pytest.approx(row.published_then, abs=1)
        assert row.low <= row.simulated <= row.high
    # Applications needed for 9,900 grants with 5% refused: about 9,900 / 0.95.
    assert rows["AU"].applications_per_year == pytest.approx(9900 / 0.95, rel=0.01)
    assert rows["AU"].error == pytest.approx(9900 - 9754, abs=1)
    assert rows["NZ"].error == pytest.approx(5300 - 4304, abs=1)
    assert rows[ALL].error == pytest.approx(23000 - 24437, abs=1)
    assert rows["NZ"].error_share == pytest.approx(996 / 4304, abs=0.001)


def test_the_service_backtests_the_shipped_figures() -> None:
    assert published_file().is_file()
    found = run_backtest("uk-yms", runs=50, seed=1)
    assert [row.nationality for row in found.rows] == ["AU", "NZ", ALL]
    assert 0 < found.mean_absolute_share < 1


def test_a_broken_published_file_names_the_field(tmp_path: Path) -> None:
    text = published_file().read_text(encoding="utf-8").replace("visas = 9754", "visas = -1")
    path = tmp_path / "uk-yms.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DemandFileError, match=r"uk-yms\.toml: visas_issued\[2\]\.visas: must be"):
        load_published(path)
