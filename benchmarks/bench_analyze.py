"""Time and peak memory of the main job and of a refresh, on the bundled data.

Not a unit test: ``python benchmarks/run.py`` runs it and it rewrites its own
section of docs/performance.md. Targets: the whole study (load, compute, write
the workbook) under 30 s and 1 GiB on the CI machine (2 cores); a refresh of the
written workbook under 30 s.
"""

from __future__ import annotations

import platform
import resource
import tempfile
import time
from pathlib import Path

from _report import write_section

from xlree.book import OpenpyxlBook
from xlree.refresh import refresh
from xlree.workbook import write_study_workbook

REPEATS = 3


def main() -> None:
    analyze, again = [], []
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "study.xlsx"
        for _ in range(REPEATS):
            start = time.perf_counter()
            write_study_workbook(out)
            analyze.append(time.perf_counter() - start)
            start = time.perf_counter()
            book = OpenpyxlBook(out)
            refresh(book)
            book.save()
            again.append(time.perf_counter() - start)
        size = out.stat().st_size
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB -> MiB
    write_section(
        "bench_analyze",
        [
            "## The main job (benchmarks/bench_analyze.py)",
            "",
            f"Best of {REPEATS} runs, Python {platform.python_version()} on "
            f"{platform.machine()}; bundled data, all three analyses.",
            "",
            "| step | seconds | target |",
            "|---|---|---|",
            f"| `xlree analyze` (load, compute, write {size / 1024:,.0f} KiB) "
            f"| {min(analyze):.2f} | < 30 |",
            f"| `xlree refresh` of that workbook | {min(again):.2f} | < 30 |",
            "",
            f"Peak resident memory of the process: {peak:,.0f} MiB (target < 1,024).",
        ],
    )


if __name__ == "__main__":
    main()
