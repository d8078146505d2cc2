"""Kills (make soak): `studio make` of a 12-job storyboard killed with SIGKILL at a random point, 20 times,
then run again to the end; no request may be generated twice and none lost. Also the scheduler-level
kill loop of tests/scheduler/test_resume_after_kill.py at 20 trials."""

from __future__ import annotations

import json
import os
import random
import time
from collections import Counter
from pathlib import Path

from tests.scheduler.test_resume_after_kill import kill_and_rerun
from tests.soak.helpers import KILL_BOARD, run_studio, start_studio

TRIALS = int(os.environ.get("SOAK_TRIALS", "20"))


def _journal_rows(project: Path):
    from studio.scheduler.journal import Journal
    from studio.scheduler.paths import JobPlace

    journal = Journal(JobPlace.for_project(project))
    try:
        return journal.jobs()
    finally:
        journal.close()


def test_kill_make_at_random_points_runs_nothing_twice_and_loses_nothing(tmp_path):
    rng = random.Random(13)
    board = tmp_path / "board.md"
    board.write_text(KILL_BOARD.format(seed=1))
    # how long one whole make takes here, to spread the kills over it
    full = run_studio("make", str(board), "-o", str(tmp_path / "full.mp4"), "--preset", "draft-360p", timeout=900)
    assert full.returncode == 0, full.stderr[-2000:]
    figures = Counter()
    for trial in range(TRIALS):
        out = tmp_path / f"film{trial}.mp4"
        project = tmp_path / f"film{trial}.studio"
        proc = start_studio("make", str(board), "-o", str(out), "--preset", "draft-360p")
        delay = rng.uniform(0.5, full.seconds)
        time.sleep(delay)
        proc.kill()
        proc.communicate()
        rerun = run_studio("make", str(board), "-o", str(out), "--preset", "draft-360p", timeout=900)
        figures["trials"] += 1
        if rerun.returncode != 0:
            figures["rerun_failed"] += 1
            print(f"trial {trial}: the rerun failed: {rerun.stderr.strip().splitlines()[-1:]}")
            continue
        rows = _journal_rows(project)
        ran = Counter(j.cache_key for j in rows if j.state == "done" and not j.metrics.cache_hit)
        figures["run_twice"] += sum(n - 1 for n in ran.values() if n > 1)
        done = {j.cache_key for j in rows if j.state == "done"}
        planned = {j.cache_key for j in rows}
        figures["lost"] += len(planned - done)
        figures["unfinished_rows"] += sum(1 for j in rows if not j.finished)
        figures["rows"] += len(rows)
        data = json.loads((project / "project.json").read_text())
        clips = sum(len(t["clips"]) for tl in data["timelines"] for t in tl["tracks"])
        figures["projects_short_of_12_clips"] += clips < 12
        print(
            f"trial {trial}: killed at {delay:.1f} s of {full.seconds:.1f} s; {len(rows)} rows, "
            f"{len(ran)} requests generated, {clips} clips"
        )
    print(f"SOAK kill-make: {dict(figures)} (one whole make {full.seconds:.1f} s)")
    assert figures["run_twice"] == 0 and figures["lost"] == 0 and figures["rerun_failed"] == 0, dict(figures)
    assert figures["unfinished_rows"] == 0 and figures["projects_short_of_12_clips"] == 0, dict(figures)


def test_kill_the_scheduler_host_20_times(tmp_path):
    figures = kill_and_rerun(tmp_path, trials=TRIALS, jobs=12, seed=21, max_delay=3.0)
    print(f"SOAK kill-host: {figures}")
    assert figures["run_twice"] == 0 and figures["lost"] == 0 and figures["submitted_twice"] == 0, figures
