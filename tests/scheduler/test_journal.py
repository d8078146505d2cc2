"""The journal: after the scheduler's process is killed mid-run, reopening resumes the unfinished jobs,
loses none and runs none twice; `studio jobs` reads it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from tests.scheduler.conftest import lines, sfx, wait_until

REPO = Path(__file__).resolve().parents[2]

HOST = textwrap.dedent("""
    import json, sys, time
    sys.path.insert(0, {repo!r})
    from pipelines import registry
    from pipelines.registry import EngineSpec
    registry.register(EngineSpec.from_dict(json.loads({spec!r})))
    from studio.scheduler import Scheduler
    s = Scheduler(cpu_workers=1)
    for i in range(6):
        s.submit("sfx", "fake-a", {{"prompt": f"sleep 0.3 #{{i}}", "duration": 1.0}})
    print("submitted", flush=True)
    time.sleep(60)
""")


def test_killing_the_scheduler_mid_run_loses_no_job_and_runs_none_twice(make_scheduler, fake_model, tmp_path):
    spec = fake_model("fake-a")
    script = HOST.format(repo=str(REPO), spec=json.dumps(spec.to_dict()))
    host = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert host.stdout.readline().strip() == "submitted"
        wait_until(lambda: len(lines(tmp_path / "runs.log")) >= 2, timeout=30)
        time.sleep(0.15)  # the third job is half-way through its 0.3 s
        os.kill(host.pid, signal.SIGKILL)
        host.wait(timeout=10)
    finally:
        if host.poll() is None:
            host.kill()
    time.sleep(0.5)  # an orphaned worker would finish its job now (it must not)
    finished_before = lines(tmp_path / "runs.log")
    assert 2 <= len(finished_before) < 6

    s = make_scheduler(cpu_workers=1)  # reopening the same journal resumes
    jobs = s.jobs()
    assert len(jobs) == 6
    s.wait([j.id for j in jobs], timeout=30)
    runs = lines(tmp_path / "runs.log")
    assert sorted(runs) == sorted(f"sleep 0.3 #{i}" for i in range(6))  # each exactly once
    assert runs[: len(finished_before)] == finished_before
    assert all(j.state == "done" for j in s.jobs())
    assert sum(j.attempts for j in s.jobs()) == 6 + 1  # only the interrupted job needed a second attempt


def test_a_second_scheduler_on_a_live_journal_runs_its_own_jobs_and_leaves_the_owners(
    make_scheduler, fake_model, tmp_path
):
    fake_model("fake-a")
    owner = make_scheduler(cpu_workers=1)
    busy = owner.submit("sfx", "fake-a", sfx("sleep 0.5"))
    waiting = owner.submit("sfx", "fake-a", sfx("owner's"))
    guest = make_scheduler(cpu_workers=1)  # e.g. `studio generate` while the GUI runs
    assert {j.id for j in guest.jobs()}.isdisjoint({busy.id, waiting.id})
    mine = guest.wait([guest.submit("sfx", "fake-a", sfx("guest's")).id], timeout=20)[0]
    assert mine.state == "done"
    owner.wait([busy.id, waiting.id], timeout=20)
    assert sorted(lines(tmp_path / "runs.log")) == ["guest's", "owner's", "sleep 0.5"]


def _open_journal_at_once(root: str, barrier, errors) -> None:
    from studio.scheduler.journal import Journal
    from studio.scheduler.paths import JobPlace

    place = JobPlace.for_project(root)
    barrier.wait()
    try:
        Journal(place)
    except Exception as exc:  # noqa: BLE001 - the race's error is what the test reports
        errors.put(f"{type(exc).__name__}: {exc}")


def test_four_processes_opening_a_new_projects_journal_at_once_all_succeed(tmp_path):
    """First use of a project by several processes at once (three `studio generate --project` runs): creating
    the journal raised "database is locked" or a duplicate schema row in about one start in ten."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    errors = ctx.Queue()
    for n in range(40):
        root = tmp_path / f"p{n}"
        root.mkdir()
        barrier = ctx.Barrier(4)
        procs = [ctx.Process(target=_open_journal_at_once, args=(str(root), barrier, errors)) for _ in range(4)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(30)
        assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    found = []
    while not errors.empty():
        found.append(errors.get())
    assert found == []
