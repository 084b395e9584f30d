"""The chance steps of the simulation, two ways: Monte Carlo draws, or expected values.

Every step works on whole people in ``(runs, flows)`` integer arrays:

* `arrivals`: people entering a ballot (or applying) in one step of a year;
* `thin`: how many of a count take a path with a given probability (accept an
  invitation, are refused, extend);
* `select`: who is chosen when a pool's places (or its brake) are fewer than the
  people waiting, drawn as one pool across its nationalities.

`Random` draws them (Poisson, binomial, multivariate hypergeometric); a draw
whose variance is at least `NORMAL_FROM` takes the normal approximation instead
(rounded to whole people, kept within what is possible), which is several times
faster; its skew there is at most a third, and a year's figure adds twelve months
of draws, most over many nationalities. `Expected`
takes expected values, rounded to whole people by one stated rule, computed in
integers so a hand calculation reproduces them exactly:

* a yearly number of entries D is first rounded to whole people, halves up; the
  entries of step t of T are ``r(D*(t+1)/T) - r(D*t/T)``, with ``r`` rounding
  halves up, so the steps of a year add up to D exactly;
* ``thin(n, p)`` is ``n*p`` rounded halves up, with p taken to 6 decimal places;
* ``select`` shares the places among the pool's nationalities in proportion to
  those waiting by largest remainders (Hamilton's method): each gets the whole
  part of its share, and the places left go one each to the largest fractional
  parts, ties to the nationality listed first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

Counts = NDArray[np.int64]

_MILLION = 1_000_000
#: Variance from which a draw takes the normal approximation (the textbook n p (1 - p) >= 10).
NORMAL_FROM = 10.0


class Pools(Protocol):
    """Which pool each flow is in (flows ordered by pool) and its place within the pool."""

    @property
    def pool_of(self) -> NDArray[np.intp]:
        """The pool of each flow: ``(flows,)``."""

    @property
    def slot(self) -> NDArray[np.intp]:
        """Each flow's position within its pool: ``(flows,)``."""

    @property
    def starts(self) -> NDArray[np.intp]:
        """The first flow of each pool: ``(pools,)``."""

    @property
    def width(self) -> int:
        """A power of two at least as large as the largest pool."""


def pool_sum(counts: Counts, pools: Pools) -> Counts:
    """``(runs, flows)`` summed within each pool: ``(runs, pools)``."""
    return np.add.reduceat(counts, pools.starts, axis=1)


def _half_up(numerator: Counts, denominator: int) -> Counts:
    return (2 * numerator + denominator) // (2 * denominator)


class Draws(Protocol):
    """The chance steps the engine takes (see the module's doc)."""

    runs: int

    def arrivals(self, yearly: NDArray[np.float64], step: int, steps: int) -> Counts:
        """Arrivals in step `step` of `steps` in a year, for each flow's yearly expectation."""
        ...

    def thin(self, counts: Counts, rate: float) -> Counts:
        """How many of `counts` take a path of probability `rate`."""
        ...

    def select(self, counts: Counts, capacity: Counts, pools: Pools) -> Counts:
        """Up to `capacity` (runs, pools) chosen from `counts` (runs, flows), pool by pool."""
        ...


class Expected:
    """Expected values with the rounding rule in the module's doc: one run, no chance."""

    runs = 1

    def arrivals(self, yearly: NDArray[np.float64], step: int, steps: int) -> Counts:
        """Whole-people steps that add up to the yearly number rounded halves up."""
        whole = np.floor(yearly + 0.5).astype(np.int64)
        upto = _half_up(whole * (step + 1), steps) - _half_up(whole * step, steps)
        return upto[np.newaxis, :]

    def thin(self, counts: Counts, rate: float) -> Counts:
        """``counts * rate``, halves up, with `rate` in millionths."""
        millionths = round(rate * _MILLION)
        return _half_up(counts * millionths, _MILLION)

    def select(self, counts: Counts, capacity: Counts, pools: Pools) -> Counts:
        """Hamilton's largest remainders within each pool where the places are too few."""
        totals = pool_sum(counts, pools)
        cap = np.minimum(capacity, totals)
        total_f = totals[:, pools.pool_of]
        cap_f = cap[:, pools.pool_of]
        safe = np.maximum(total_f, 1)
        share = counts * cap_f
        base = share // safe
        remainder = share % safe
        left = cap - pool_sum(base, pools)  # places still to give, per pool
        runs, flows = counts.shape
        run_index = np.repeat(np.arange(runs), flows)
        pool_index = np.tile(pools.pool_of, runs)
        order = np.lexsort(
            (np.tile(np.arange(flows), runs), -remainder.ravel(), pool_index, run_index)
        )
        # Sorted, each (run, pool) group is contiguous from run * flows + its first flow.
        group_start = run_index[order] * flows + pools.starts[pool_index[order]]
        rank = np.empty(runs * flows, dtype=np.int64)
        rank[order] = np.arange(runs * flows) - group_start
        extra = rank.reshape(runs, flows) < left[:, pools.pool_of]
        return np.where(total_f > capacity[:, pools.pool_of], base + extra, counts)


class Random:
    """Monte Carlo draws from one seeded generator: the same seed gives the same draws."""

    def __init__(self, runs: int, seed: int) -> None:
        self.runs = runs
        self._rng = np.random.default_rng(seed)

    def arrivals(self, yearly: NDArray[np.float64], step: int, steps: int) -> Counts:  # noqa: ARG002 - every step alike
        """Poisson arrivals with mean ``yearly / steps`` in each run."""
        mean: NDArray[np.float64] = np.broadcast_to(yearly / steps, (self.runs, yearly.shape[0]))
        drawn = self._draw(mean, mean, lambda at: self._rng.poisson(mean.ravel()[at]))
        return np.maximum(drawn, 0)

    def thin(self, counts: Counts, rate: float) -> Counts:
        """Binomial: each of `counts` independently with probability `rate`."""
        if rate <= 0 or rate >= 1:
            return counts.copy() if rate >= 1 else np.zeros_like(counts)
        mean = np.multiply(counts, rate, dtype=np.float64)
        drawn = self._draw(
            mean, mean * (1 - rate), lambda at: self._rng.binomial(counts.ravel()[at], rate)
        )
        return np.clip(drawn, 0, counts)

    def _draw(
        self,
        mean: NDArray[np.float64],
        variance: NDArray[np.float64],
        exact: Callable[[NDArray[np.intp]], Counts],
    ) -> Counts:
        """Exact draws where the variance is small; the normal approximation, rounded, where not.

        The caller keeps the result within its bounds.
        """
        flat_mean, flat_variance = mean.ravel(), variance.ravel()
        drawn = np.zeros(flat_mean.size, dtype=np.int64)
        if not flat_mean.any():  # a month with nothing to draw
            return drawn.reshape(mean.shape)
        large = flat_variance >= NORMAL_FROM
        small = np.flatnonzero((flat_mean > 0) & ~large)
        if small.size:
            drawn[small] = exact(small)
        at = np.flatnonzero(large)
        if at.size:
            spread = np.sqrt(flat_variance[at]) * self._rng.standard_normal(at.size)
            drawn[at] = np.rint(flat_mean[at] + spread).astype(np.int64)
        return drawn.reshape(mean.shape)

    def _split(self, good: Counts, bad: Counts, take: Counts) -> Counts:
        """How many of `take` drawn without replacement from ``good + bad`` are good."""
        total = good + bad
        share = good / np.maximum(total, 1)
        mean = take * share
        variance = mean * (1 - share) * (total - take) / np.maximum(total - 1, 1)
        drawn = self._draw(
            mean,
            variance,
            lambda at: self._rng.hypergeometric(
                good.ravel()[at], bad.ravel()[at], take.ravel()[at]
            ),
        )
        return np.clip(drawn, np.maximum(take - bad, 0), np.minimum(take, good))

    def select(self, counts: Counts, capacity: Counts, pools: Pools) -> Counts:
        """A multivariate hypergeometric draw per pool where the places are too few.

        The pool's waiting people are chosen at random without replacement, as one
        ballot draws them: halving the pool's nationalities level by level, each
        level one vectorised hypergeometric draw for every run and pool at once.
        """
        totals = pool_sum(counts, pools)
        short_run, short_pool = np.nonzero(totals > capacity)
        if short_run.size == 0:
            return counts
        runs = counts.shape[0]
        padded = np.zeros((runs, totals.shape[1], pools.width), dtype=np.int64)
        padded[:, pools.pool_of, pools.slot] = counts
        waiting = padded[short_run, short_pool]  # (short, width)
        take = capacity[short_run, short_pool][:, np.newaxis]  # draws per node
        width = pools.width
        while width > 1:
            halves = waiting.reshape(waiting.shape[0], -1, 2, width // 2).sum(axis=3)
            left = self._split(halves[..., 0], halves[..., 1], take)
            take = np.stack((left, take - left), axis=-1).reshape(waiting.shape[0], -1)
            width //= 2
        padded[short_run, short_pool] = take
        return padded[:, pools.pool_of, pools.slot]
