"""Kill and resume: a host killed with SIGKILL at a random point and run again (as `studio make` is)
resumes its journal's jobs without submitting them again, so no request runs twice and none is lost;
a job whose process died is listed as interrupted, resumed once, and failed if it is interrupted again."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.scheduler.conftest import lines

ROOT = Path(__file__).resolve().parents[2]

HOST = """
import sys
from pipelines import registry
from pipelines.registry import EngineSpec
from studio.scheduler import Scheduler

project, log, prompts = sys.argv[1], sys.argv[2], sys.argv[3:]
registry.register(EngineSpec("sfx", "fake-resume", "pipelines.testing:FakeModel", memory_mb=10,
                             options=(("engine", "fake-resume"), ("run_log", log), ("load_log", log + ".loads"))))
scheduler = Scheduler(project, cpu_workers=2)
jobs = [scheduler.submit("sfx", "fake-resume", {"prompt": p, "duration": 1.0}, project_dir=project) for p in prompts]
done = scheduler.wait([j.id for j in jobs])
scheduler.shutdown()
print(" ".join(j.state for j in done))
sys.exit(0 if all(j.state == "done" for j in done) else 1)
"""


def _host(project: Path, log: Path, prompts: list[str]) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "STUDIO_DATA_DIR": str(project.parent / "data")}
    return subprocess.Popen(
        [sys.executable, "-c", HOST, str(project), str(log), *prompts],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _journal_jobs(project: Path):
    from studio.scheduler.journal import Journal
    from studio.scheduler.paths import JobPlace

    journal = Journal(JobPlace.for_project(project))
    try:
        return journal.jobs()
    finally:
        journal.close()


def kill_and_rerun(tmp: Path, trials: int, jobs: int = 12, seed: int = 1, max_delay: float = 4.0) -> dict:
    """``trials`` times: start a host with ``jobs`` jobs, SIGKILL it after a random delay, run it again to the
    end. Counts requests generated to the end more than once (``run_twice``), requests never done (``lost``),
    and requests the killed host left unfinished that got a second job row (``submitted_twice``: resumed and
    submitted again)."""
    rng = random.Random(seed)
    twice = lost = submitted_twice = interrupted = 0
    for trial in range(trials):
        project = tmp / f"trial{trial}"
        project.mkdir(parents=True)
        log = project / "runs.log"
        prompts = [f"sleep 0.{rng.randint(2, 6)} job-{trial}-{i}" for i in range(jobs)]
        first = _host(project, log, prompts)
        time.sleep(rng.uniform(0.2, max_delay))
        first.kill()
        first.communicate()
        left = (
            {j.request["prompt"] for j in _journal_jobs(project) if not j.finished}
            if (project / "jobs" / "journal.sqlite").exists()
            else set()
        )
        interrupted += len(left)
        second = _host(project, log, prompts)
        out, err = second.communicate(timeout=300)
        assert second.returncode == 0, err[-2000:]
        runs = Counter(lines(log))
        twice += sum(1 for n in runs.values() if n > 1)
        rows = _journal_jobs(project)
        done = {
            j.request["prompt"]
            for j in rows
            if j.state == "done" and j.result is not None and j.result.primary.path.is_file()
        }
        lost += sum(1 for p in prompts if p not in done)
        per_prompt = Counter(j.request["prompt"] for j in rows)
        submitted_twice += sum(per_prompt[p] - 1 for p in left)
    return {
        "trials": trials,
        "jobs": jobs,
        "interrupted": interrupted,
        "run_twice": twice,
        "lost": lost,
        "submitted_twice": submitted_twice,
    }


def test_a_killed_host_rerun_resumes_its_jobs_without_running_any_twice_or_losing_one(tmp_path):
    figures = kill_and_rerun(tmp_path, trials=3, jobs=12, seed=5, max_delay=2.5)
    assert figures["interrupted"] > 0, figures  # some kills landed while jobs were unfinished
    assert figures["run_twice"] == 0 and figures["lost"] == 0, figures
    assert figures["submitted_twice"] == 0, figures  # was one per interrupted job: resumed and submitted again


def test_a_job_whose_process_died_is_listed_as_interrupted_then_resumed_once(tmp_path):
    project = tmp_path / "film.studio"
    project.mkdir()
    log = project / "runs.log"
    host = _host(project, log, ["sleep 60 long"])
    deadline = time.monotonic() + 120
    while not (project / "runs.log.loads").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    host.kill()
    host.communicate()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    listing = subprocess.run(
        [sys.executable, "-m", "studio.cli.main", "jobs", "--project", str(project)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert " interrupted " in listing.stdout and " running " not in listing.stdout, listing.stdout
    assert "1 interrupted" in listing.stderr

    # resumed once: killed again while it runs, the next open fails it instead of running it a third time
    again = _host(project, log, ["sleep 60 long"])
    deadline = time.monotonic() + 120
    while len(lines(project / "runs.log.loads")) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    again.kill()
    again.communicate()
    from pipelines import registry
    from pipelines.registry import EngineSpec
    from studio.scheduler import Scheduler

    registry.register(
        EngineSpec(
            "sfx", "fake-resume", "pipelines.testing:FakeModel", memory_mb=10, options=(("engine", "fake-resume"),)
        )
    )
    scheduler = Scheduler(project, cpu_workers=1)
    try:
        (job,) = [j for j in scheduler.jobs() if j.request["prompt"] == "sleep 60 long"]
        assert job.state == "failed" and "interrupted" in job.error and "studio jobs retry" in job.error
    finally:
        scheduler.shutdown()
        registry.unregister("sfx", "fake-resume")
    assert len(lines(project / "runs.log.loads")) == 2


@pytest.mark.parametrize("state", ["queued", "running"])
def test_a_live_guests_unfinished_job_is_not_resumed_by_the_owner(tmp_path, state):
    """Only jobs whose process died are resumed: a job another live studio process runs is left to it."""
    from studio.scheduler import Scheduler
    from studio.scheduler.jobs import Job
    from studio.scheduler.journal import Journal
    from studio.scheduler.paths import JobPlace

    project = tmp_path / "film.studio"
    project.mkdir()
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        journal = Journal(JobPlace.for_project(project))
        job = Job("job_guest", "sfx", "test-tone", "1", {"prompt": "guest", "duration": 1.0}, "h", state=state)
        journal.save(job, writer=sleeper.pid)
        journal.close()
        scheduler = Scheduler(project, cpu_workers=1)
        try:
            assert "job_guest" not in {j.id for j in scheduler.jobs()}  # left to its process, not re-queued
        finally:
            scheduler.shutdown()
        journal = Journal(JobPlace.for_project(project))
        assert journal.job("job_guest").state == state and not journal.interrupted()
        journal.close()
    finally:
        sleeper.kill()
        sleeper.wait()


def test_a_job_its_worker_finished_before_the_host_died_is_adopted_not_run_again(tmp_path):
    """The window between a worker finishing and its host journaling "done": the files and a done mark are
    in the job's partial folder, so the next open takes them as the result instead of generating again."""
    import json

    from studio.scheduler import Scheduler
    from studio.scheduler.jobs import Job
    from studio.scheduler.journal import Journal
    from studio.scheduler.paths import DONE_MARK, JobPlace

    project = tmp_path / "film.studio"
    project.mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    place = JobPlace.for_project(project)
    journal = Journal(place)
    job = Job(
        "job_done_unrecorded", "sfx", "test-tone", "1", {"prompt": "chime", "duration": 1.0}, "abc123", state="running"
    )
    journal.save(job, writer=dead.pid)
    journal.close()
    partial = place.partial / job.id
    partial.mkdir(parents=True)
    (partial / "chime.wav").write_bytes(b"RIFF....WAVE")
    result = {
        "files": [{"path": str(partial / "chime.wav"), "role": "audio"}],
        "provenance": {"engine": "test-tone"},
        "metrics": {},
    }
    (partial / DONE_MARK).write_text(json.dumps({"result": result, "run_s": 0.5}))
    scheduler = Scheduler(project, cpu_workers=1)
    try:
        adopted = scheduler.job(job.id)
        assert adopted.state == "done" and adopted.attempts == 1 and adopted.interrupted == 0
        assert adopted.result.primary.path.read_bytes() == b"RIFF....WAVE"
        assert place.outputs in adopted.result.primary.path.parents  # moved into outputs/ like any result
        assert not (adopted.result.primary.path.parent / DONE_MARK).exists()
    finally:
        scheduler.shutdown()
