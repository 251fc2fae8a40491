"""Run every benchmark and rewrite docs/performance.md: ``python benchmarks/run.py``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

for script in ("bench_udfs.py", "bench_analyze.py"):
    # One process each, so that peak memory is the benchmark's own.
    subprocess.run([sys.executable, str(HERE / script)], check=True)
