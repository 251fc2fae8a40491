"""Time ENTROPY_WEIGHTS on 100,000 x 5 cells, as xlwings hands them over.

Not a unit test: run ``python benchmarks/bench_udfs.py`` and it prints the
timings and rewrites its own section of docs/performance.md (between the
markers below), leaving any other section alone.
"""

from __future__ import annotations

import logging
import platform
import time

import numpy as np
from _report import write_section

from xlree import udfs

ROWS, COLUMNS, REPEATS = 100_000, 5, 5


def cells() -> list[list[float]]:
    """Lists of lists of Python floats with a few blanks: what xlwings hands over."""
    rng = np.random.default_rng(2024)
    values = rng.lognormal(mean=3.0, sigma=1.0, size=(ROWS, COLUMNS)).tolist()
    for row in range(0, ROWS, 997):
        values[row][row % COLUMNS] = None
    return values


def best_of(function, *args) -> float:
    timings = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        result = function(*args)
        timings.append(time.perf_counter() - start)
    first = result[0][0]
    if isinstance(first, str) and first.startswith("xlree:"):
        raise SystemExit(first)
    return min(timings)


def main() -> None:
    # The functions log the rows left out for blanks; not what is timed here.
    logging.getLogger("xlree").setLevel(logging.ERROR)
    data = cells()
    weights = best_of(udfs.ENTROPY_WEIGHTS, data)
    scores = best_of(udfs.ENTROPY_SCORES, data)
    write_section(
        "bench_udfs",
        [
            "## Worksheet functions (benchmarks/bench_udfs.py)",
            "",
            f"{ROWS:,} x {COLUMNS} cells handed over as lists of lists of floats "
            "(one blank every 997 rows), best of "
            f"{REPEATS} runs, Python {platform.python_version()} on "
            f"{platform.machine()}:",
            "",
            "| function | seconds |",
            "|---|---|",
            f"| ENTROPY_WEIGHTS | {weights:.3f} |",
            f"| ENTROPY_SCORES | {scores:.3f} |",
            "",
            "The time is Python's alone: reading the range in Excel and writing "
            "the spilled result back are not included.",
        ],
    )


if __name__ == "__main__":
    main()
