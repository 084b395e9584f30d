"""Policy simulator speed: 10 years x 28 parties, monthly, 1,000 Monte Carlo runs.

Runs the design with both a cap and an emergency brake (eu-uk-yes: 27 member
states and the UK, 54 flows, two pools) against the shipped illustrative demand,
and prints the time of the month loop alone and with the per-year, per-pair bands
(what `yms simulate` computes), best and median of several repeats, then the same
for the other two designs. Goal: the whole run (loop and bands) under 2 s on a
2-core machine.

    python benchmarks/simulate.py [--runs 1000] [--years 10] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from yms.schemes.catalogue import shipped
from yms.statistics.domain.outcome import summarise
from yms.statistics.domain.simulation import Design, build_design, simulate
from yms.statistics.services.simulation import (
    DEFAULT_DEMAND,
    DESIGNS,
    demand_path,
    load_demand,
)

GOAL_SECONDS = 2.0


def _times(repeat: int, work: Callable[[], object]) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return times


def _design(scheme_id: str, years: int) -> Design:
    demand = load_demand(demand_path(DEFAULT_DEMAND))
    return build_design(shipped().latest(scheme_id), demand, years=years)


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    design = _design("eu-uk-yes", args.years)
    parties = len({flow.nationality for flow in design.flows} | {f.host for f in design.flows})
    print(
        f"design {design.key}: {parties} parties, {len(design.flows)} flows, "
        f"{len(design.pools)} pools; {args.years} years monthly ({12 * args.years} months), "
        f"{args.runs:,} runs"
    )
    simulate(design, runs=args.runs, seed=1)  # warm-up
    loop = _times(args.repeat, lambda: simulate(design, runs=args.runs, seed=0))
    tally = simulate(design, runs=args.runs, seed=0)
    bands = _times(args.repeat, lambda: summarise(tally))
    whole = _times(args.repeat, lambda: summarise(simulate(design, runs=args.runs, seed=0)))
    print(f"month loop:        best {min(loop):.3f} s, median {statistics.median(loop):.3f} s")
    print(f"bands (summarise): best {min(bands):.3f} s, median {statistics.median(bands):.3f} s")
    print(f"whole run:         best {min(whole):.3f} s, median {statistics.median(whole):.3f} s")
    cells = args.runs * len(design.flows) * 12 * args.years
    print(f"  = {cells / min(whole) / 1e6:.1f} million run-flow-months a second")
    for scheme_id in DESIGNS:
        if scheme_id == design.key.split("@")[0]:
            continue
        other = _design(scheme_id, args.years)
        times = _times(args.repeat, lambda d=other: summarise(simulate(d, runs=args.runs, seed=0)))  # type: ignore[misc]
        print(f"{other.key}: best {min(times):.3f} s, median {statistics.median(times):.3f} s")
    met = statistics.median(whole) < GOAL_SECONDS
    print(
        f"goal: under {GOAL_SECONDS:.0f} s for {args.years} years x {parties} parties x "
        f"{args.runs:,} runs (median) -> {'met' if met else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
