"""`studio make` on the example storyboard (about 60 s, 8 scenes, sung music, narration, effects) with the
draft engines, from a cold project: total seconds and the split between queue wait, generation and rendering.

    .venv/bin/python -m tests.bench.bench_make [--storyboard assets/examples/lighthouse.md] [--preset web-720p]

Goal (issue 10): the whole clip in at most 3 minutes on the 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from studio.storyboard.make import make_film


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--storyboard", default="assets/examples/lighthouse.md")
    parser.add_argument("--preset", default=None)
    args = parser.parse_args()
    load = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-make-") as scratch:
        out = Path(scratch) / "film.mp4"
        t0 = time.perf_counter()
        report = make_film(args.storyboard, out, preset=args.preset)
        total = time.perf_counter() - t0
        print(report.summary())
        wait = sum(r.metrics()["wait"] for r in report.records)
        gen = sum(r.metrics()["generate"] for r in report.records)
        s = report.seconds
        print(f"\nclip: {float(report.render.seconds):.2f} s; {len(report.records)} jobs ({len(report.ran)} ran)")
        print(
            f"total wall {total:.1f} s = plan {s['plan']:.1f} + generate {s['generate']:.1f} "
            f"+ assemble {s['assemble']:.1f} + render {s['render']:.1f}"
        )
        print(f"summed over jobs: queue wait {wait:.1f} s, generation {gen:.1f} s (jobs overlap on the workers)")
        print(
            f"goal <= 180 s: {'met' if total <= 180 else 'not met'}; load average before/after "
            f"{load[0]:.1f}/{os.getloadavg()[0]:.1f}"
        )


if __name__ == "__main__":
    main()
