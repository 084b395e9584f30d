"""Run the policy simulator: load a scheme and a demand file, simulate, compare, backtest.

Demand files are TOML (``yms/statistics/data/demand/*.toml`` ship with yms) or
CSV, one row per nationality with the columns ``nationality``, ``population``,
``share_18_30``, ``take_up``, ``applicants_per_year`` (give either the last, or
the three before it), and for any of them ``<column>_source`` (a URL) or
``<column>_why`` (marks the value as an assumption, and says why). A CSV file
takes the simulator's default parameters.

Results are typed (`yms.statistics.domain.outcome`): per design, year, flow and
pair, every figure a band (mean, 5th and 95th percentiles over the runs).
"""

from __future__ import annotations

import csv
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from yms.kernel.errors import InvalidInputError, NotFoundError
from yms.kernel.validation import FieldProblem, field_problems
from yms.schemes.catalogue import Catalogue, UnknownSchemeError, shipped
from yms.schemes.domain.scheme import Scheme
from yms.statistics.domain.backtest import Backtest, Published, backtest
from yms.statistics.domain.demand import BLOCKS, Demand, DemandError, Parameters, parse_demand
from yms.statistics.domain.outcome import Outcome, summarise
from yms.statistics.domain.simulation import build_design, simulate

#: The demand file the simulator uses unless told otherwise.
DEFAULT_DEMAND = "eu-uk-illustrative"
#: The three designs on the table: a cap (the UK's position), a brake (the EU's offer), both.
DESIGNS = ("eu-uk-cap", "eu-uk-brake", "eu-uk-yes")
MAX_RUNS = 100_000
MAX_YEARS = 50


class DemandFileError(InvalidInputError):
    """A demand (or published-figures) file that cannot be used: which file, field and problem."""

    def __init__(self, file: str, field: str, problem: str) -> None:
        self.file = file
        self.field = field
        self.problem = problem
        super().__init__([FieldProblem(field, problem)])

    def __str__(self) -> str:
        where = f"{self.file}: {self.field}" if self.field else self.file
        return f"{where}: {self.problem}"


def _data() -> Path:
    return Path(str(resources.files("yms.statistics"))) / "data"


def shipped_demand_files() -> list[Path]:
    """The demand files that ship with yms."""
    return sorted((_data() / "demand").glob("*.toml"))


def published_file(scheme_id: str = "uk-yms") -> Path:
    """The shipped file of published figures for a scheme."""
    return _data() / "published" / f"{scheme_id}.toml"


def demand_path(name: str) -> Path:
    """A demand file by path, or by the name of a shipped one (``eu-uk-illustrative``)."""
    path = Path(name)
    if path.is_file():
        return path
    for shipped_path in shipped_demand_files():
        if name == shipped_path.stem:
            return shipped_path
    names = ", ".join(p.stem for p in shipped_demand_files())
    raise NotFoundError(f"no demand file {name!r}: give a path, or one of: {names}")


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise DemandFileError(path.name, "", f"not valid TOML: {error}") from error
    except (OSError, UnicodeDecodeError) as error:
        raise DemandFileError(path.name, "", f"cannot be read: {error}") from error


def _number(file: str, where: str, text: str) -> float:
    try:
        return float(text.replace(",", "").replace("_", ""))
    except ValueError as error:
        raise DemandFileError(file, where, f"must be a number, not {text!r}") from error


def _csv_demand(path: Path) -> dict[str, Any]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise DemandFileError(path.name, "", f"cannot be read: {error}") from error
    if not rows or "nationality" not in rows[0]:
        raise DemandFileError(path.name, "nationality", "the first row must name the columns")
    known = {
        "nationality",
        *BLOCKS,
        *(f"{b}_source" for b in BLOCKS),
        *(f"{b}_why" for b in BLOCKS),
    }
    unknown = sorted(set(rows[0]) - known)
    if unknown:
        raise DemandFileError(path.name, unknown[0], "unknown column")
    blocks: dict[str, dict[str, Any]] = {}
    for line, row in enumerate(rows, start=2):
        code = (row.get("nationality") or "").strip()
        for block in BLOCKS:
            text = (row.get(block) or "").strip()
            if not text:
                continue
            figure: dict[str, Any] = {"value": _number(path.name, f"line {line}: {block}", text)}
            if source := (row.get(f"{block}_source") or "").strip():
                figure["source"] = source
            if why := (row.get(f"{block}_why") or "").strip():
                figure |= {"assumption": True, "why": why}
            blocks.setdefault(block, {"values": {}})["values"][code] = figure
    return {"title": path.stem, **blocks}


def load_demand(path: Path) -> Demand:
    """Read and validate a demand file (TOML or CSV); errors name the file and the field."""
    raw = _csv_demand(path) if path.suffix.lower() == ".csv" else _read_toml(path)
    try:
        return parse_demand(raw)
    except DemandError as error:
        raise DemandFileError(path.name, error.field, error.problem) from error


def load_published(path: Path | None = None) -> Published:
    """Read and validate a file of published figures (by default the UK scheme's)."""
    path = path or published_file()
    raw = _read_toml(path)
    try:
        return Published.model_validate(raw)
    except ValidationError as error:
        problem = field_problems(error)[0]
        raise DemandFileError(path.name, problem.path, problem.message) from error


def _scheme(catalogue: Catalogue, scheme_id: str) -> Scheme:
    name, _, version = scheme_id.partition("@")
    try:
        return catalogue.get(name, version) if version else catalogue.latest(name)
    except UnknownSchemeError as error:
        raise NotFoundError(str(error.args[0])) from error


def _check(*, years: int, runs: int) -> None:
    problems = []
    if not 1 <= years <= MAX_YEARS:
        problems.append(FieldProblem("years", f"must be from 1 to {MAX_YEARS}, not {years}"))
    if not 1 <= runs <= MAX_RUNS:
        problems.append(FieldProblem("runs", f"must be from 1 to {MAX_RUNS:,}, not {runs}"))
    if problems:
        raise InvalidInputError(problems)


def run_design(
    scheme_id: str,
    demand: Demand,
    *,
    years: int = 10,
    runs: int = 1000,
    seed: int = 0,
    expected: bool = False,
    start_year: int | None = None,
    catalogue: Catalogue | None = None,
) -> Outcome:
    """Simulate one scheme (``ID`` or ``ID@VERSION``) against `demand`.

    `expected` runs once on expected values (see `yms.statistics.domain.draws`);
    otherwise `runs` Monte Carlo runs from `seed`. Raises `NotFoundError` for an
    unknown scheme and `InvalidInputError` for demand the scheme cannot use.
    """
    _check(years=years, runs=runs)
    scheme = _scheme(catalogue or shipped(), scheme_id)
    try:
        design = build_design(scheme, demand, years=years, start_year=start_year)
    except DemandError as error:
        raise InvalidInputError([FieldProblem(error.field, error.problem)]) from error
    return summarise(simulate(design, runs=runs, seed=seed, expected=expected))


@dataclass(frozen=True, slots=True)
class Comparison:
    """Several designs run against the same demand, runs and seed, side by side."""

    demand: str  # the demand's title
    outcomes: tuple[Outcome, ...]
    assumptions: tuple[tuple[str, str], ...]  # the demand's, (where, why)
    unmarked: tuple[str, ...]  # demand values with neither a source nor an assumption
    runs: int
    seed: int | None  # None: expected values

    @property
    def years(self) -> tuple[int, ...]:
        """Every simulated year of any design."""
        return tuple(sorted({year for outcome in self.outcomes for year in outcome.years}))


def compare(
    scheme_ids: Sequence[str],
    demand: Demand,
    *,
    years: int = 10,
    runs: int = 1000,
    seed: int = 0,
    expected: bool = False,
    start_year: int | None = None,
    catalogue: Catalogue | None = None,
) -> Comparison:
    """Run each scheme against the same demand, runs and seed (common random numbers)."""
    if not scheme_ids:
        raise InvalidInputError([FieldProblem("scheme", "name at least one scheme")])
    outcomes = tuple(
        run_design(
            scheme_id,
            demand,
            years=years,
            runs=runs,
            seed=seed,
            expected=expected,
            start_year=start_year,
            catalogue=catalogue,
        )
        for scheme_id in scheme_ids
    )
    return Comparison(
        demand=demand.title,
        outcomes=outcomes,
        assumptions=demand.assumptions(),
        unmarked=demand.unmarked(),
        runs=1 if expected else runs,
        seed=None if expected else seed,
    )


def compare_files(
    scheme_ids: Sequence[str], demand: str = DEFAULT_DEMAND, **options: Any
) -> Comparison:
    """`compare` with the demand read from a path or a shipped demand's name."""
    return compare(scheme_ids, load_demand(demand_path(demand)), **options)


def run_backtest(
    scheme_id: str = "uk-yms",
    *,
    published: Path | None = None,
    parameters: Parameters | None = None,
    runs: int = 1000,
    seed: int = 0,
    catalogue: Catalogue | None = None,
) -> Backtest:
    """Backtest the simulator on a scheme's published figures (`yms.statistics.domain.backtest`).

    `published` defaults to the figures shipped for the scheme.
    """
    _check(years=1, runs=runs)
    scheme = _scheme(catalogue or shipped(), scheme_id)
    path = published or published_file(scheme.id)
    if not path.is_file():
        raise NotFoundError(f"no published figures for {scheme.id}")
    return backtest(scheme, load_published(path), parameters=parameters, runs=runs, seed=seed)
