"""Draw and verify speed for 10,000,000 entry refs, against a plain baseline.

Generates N canonical entry refs into a file, then measures:

* in this process: the draw (read and parse the file, sort, digest, rank and
  order, write the record) and the verification (read the record, recompute
  every field), each the best of a few runs after a warm-up, which compiles
  the numba kernels;
* as a fresh `yms ballot draw-file` / `yms ballot verify` process: wall time
  and peak memory (the child's maximum resident set size), as an operator or
  auditor would see them, import and compilation cache loading included;
* the baseline, in this same run: a plain `hashlib` loop over the refs computing
  ``sha256(draw_seed || ref)``, then a NumPy argsort of each digest's first 8 bytes.

Peak memory is the child's own ``ru_maxrss`` from `os.wait4`, not
``getrusage(RUSAGE_CHILDREN)``: the latter is the largest of all children waited
for so far, so the second command would report the first one's peak if larger.

Goal: draw and verify each under 5 s and 2 GB, at most half the baseline.

    python benchmarks/draw.py [--refs 10000000]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from yms.ballot.fast import draw as bulk_draw
from yms.ballot.fast import record as bulk_record
from yms.ballot.fast import refs as refcol
from yms.ballot.fast.sha256 import engine

OPERATOR_SEED = "5eed" * 16
BEACON = "beac04" * 8
GOAL_SECONDS = 5.0
GOAL_BYTES = 2 * 1024**3


def generate(path: Path, count: int) -> None:
    """Write `count` distinct canonical refs, one per line, in random order."""
    rng = np.random.default_rng(2026)
    keys = np.unique(rng.integers(0, 2**60, size=int(count * 1.01), dtype=np.uint64))
    keys = keys[rng.permutation(len(keys))[:count]]
    refs = refcol._decode(keys)  # noqa: SLF001 - the fastest way to spell many refs
    rows = np.empty((count, 15), dtype=np.uint8)
    rows[:, :14] = refcol.matrix(refs)
    rows[:, 14] = ord("\n")
    path.write_bytes(rows.tobytes())


def best(runs: int, work: Callable[[], object]) -> float:
    """The fastest of `runs` timed calls."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def draw_in_process(refs_path: Path, record_path: Path) -> None:
    """Everything `draw-file` does, without the process around it."""
    refs = refcol.from_lines(refs_path.read_bytes())
    seed, beacon = bytes.fromhex(OPERATOR_SEED), bytes.fromhex(BEACON)
    result = bulk_draw.run_draw(refs, operator_seed=seed, beacon=beacon)
    header = bulk_record.header_of(
        result, window="bench", places=44_000, operator_seed=seed, beacon=beacon
    )
    with record_path.open("wb") as out:
        bulk_record.write_record(out, header, result.sorted_refs, result.order)


def verify_in_process(record_path: Path) -> None:
    """Everything `verify` does, without the process around it."""
    record = bulk_record.read_record(record_path.read_bytes())
    if bulk_record.first_mismatch(record) is not None:
        raise SystemExit("the benchmark's own record does not verify")


def baseline(refs_path: Path, seed: bytes) -> None:
    """A plain hashlib loop over the refs, then an argsort of each digest's first 8 bytes."""
    refs = refs_path.read_bytes().split()
    sha256 = hashlib.sha256
    firsts = np.fromiter(
        (int.from_bytes(sha256(seed + ref).digest()[:8], "big") for ref in refs),
        dtype=np.uint64,
        count=len(refs),
    )
    np.argsort(firsts)


def in_child(args: list[str]) -> tuple[float, int]:
    """Wall time and peak memory (bytes) of `yms ARGS` as its own process."""
    start = time.perf_counter()
    child = subprocess.Popen(  # noqa: S603 - our own command
        [sys.executable, "-m", "yms", *args], stdout=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(child.pid, 0)  # this child's own resource usage
    elapsed = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"yms {args[0]} {args[1]} failed with exit {child.returncode}")
    return elapsed, usage.ru_maxrss * 1024  # KiB on Linux


def table(rows: list[tuple[str, float, float | None]], base: float) -> None:
    """Print the figures: seconds, ratio to the baseline, and peak memory where measured."""
    width = max(len(name) for name, _, _ in rows)
    print(f"{'':<{width}}  {'seconds':>8}  {'/ baseline':>10}  {'peak memory':>11}")
    for name, seconds, peak in rows:
        memory = f"{peak / 2**30:.2f} GiB" if peak is not None else "-"
        print(f"{name:<{width}}  {seconds:>8.2f}  {seconds / base:>9.2f}x  {memory:>11}")


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--refs", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        refs_path, record_path = Path(folder) / "refs.txt", Path(folder) / "record.json"
        generate(refs_path, args.refs)
        print(f"{args.refs:,} canonical refs; SHA-256 engine: {engine()}; best of {args.runs}")
        draw_in_process(refs_path, record_path)  # warm-up: compiles (or loads) the kernels
        drawn = best(args.runs, lambda: draw_in_process(refs_path, record_path))
        verified = best(args.runs, lambda: verify_in_process(record_path))
        seed = bulk_record.read_record(record_path.read_bytes()).header.draw_seed
        base = best(1, lambda: baseline(refs_path, bytes.fromhex(seed)))
        draw_wall, draw_peak = in_child(
            ["ballot", "draw-file", "--refs", str(refs_path), "--places", "44000",
             "--operator-seed", OPERATOR_SEED, "--beacon", BEACON, "--window", "bench",
             "--out", str(record_path), "--quiet"]
        )  # fmt: skip
        verify_wall, verify_peak = in_child(["ballot", "verify", str(record_path), "--quiet"])
        size = record_path.stat().st_size
    print(f"record: {size / 1e6:,.0f} MB")
    table(
        [
            ("baseline: hashlib loop + argsort", base, None),
            ("draw, in process", drawn, None),
            ("verify, in process", verified, None),
            ("yms ballot draw-file, own process", draw_wall, draw_peak),
            ("yms ballot verify, own process", verify_wall, verify_peak),
        ],
        base,
    )
    met = (
        max(drawn, verified) < GOAL_SECONDS
        and max(draw_peak, verify_peak) < GOAL_BYTES
        and max(drawn, verified) <= base / 2
    )
    print(
        f"goal: each under 5 s and 2 GB, at most half the baseline -> {'met' if met else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
