"""Run the benchmarks: `make bench` (all) or `make bench B=sfx` (those whose name contains "sfx").

Each benchmark is a script `tests/bench/bench_*.py` run in its own process, so one's imports
and threads don't colour another's figures. Each prints its figures; RESULTS.md keeps the latest.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path


def main() -> int:
    only = os.environ.get("B", "")
    here = Path(__file__).resolve().parent
    scripts = sorted(p for p in here.glob("bench_*.py") if only in p.stem)
    failed = []
    for script in scripts:
        print(f"== {script.stem}", flush=True)
        t0 = time.perf_counter()
        code = subprocess.call([sys.executable, "-m", f"tests.bench.{script.stem}"], cwd=here.parent.parent)
        print(f"== {script.stem}: exit {code} in {time.perf_counter() - t0:.1f} s", flush=True)
        if code:
            failed.append(script.stem)
    if failed:
        print("failed: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
