"""Priorities, FIFO order, reprioritising, cancel while queued and while running, retry."""

from __future__ import annotations

import time

from tests.scheduler.conftest import lines, sfx, wait_until


def test_interactive_jobs_run_before_batch_jobs_and_each_priority_is_fifo(make_scheduler, fake_model, tmp_path):
    fake_model("fake-a")
    s = make_scheduler(cpu_workers=1)
    blocker = s.submit("sfx", "fake-a", sfx("sleep 0.4"))
    wait_until(lambda: s.job(blocker.id).state == "running", timeout=20)
    jobs = [
        s.submit("sfx", "fake-a", sfx(p), priority=pr)
        for p, pr in [("b1", "batch"), ("b2", "batch"), ("i1", "interactive"), ("b3", "batch"), ("i2", "interactive")]
    ]
    s.wait([blocker.id] + [j.id for j in jobs], timeout=20)
    assert lines(tmp_path / "runs.log") == ["sleep 0.4", "i1", "i2", "b1", "b2", "b3"]


def test_reprioritized_job_moves_ahead_of_the_batch(make_scheduler, fake_model, tmp_path):
    fake_model("fake-a")
    s = make_scheduler(cpu_workers=1)
    blocker = s.submit("sfx", "fake-a", sfx("sleep 0.4"))
    wait_until(lambda: s.job(blocker.id).state == "running", timeout=20)
    jobs = [s.submit("sfx", "fake-a", sfx(f"b{i}")) for i in range(4)]
    s.reprioritize(jobs[3].id, "interactive")
    s.wait([blocker.id] + [j.id for j in jobs], timeout=20)
    assert lines(tmp_path / "runs.log") == ["sleep 0.4", "b3", "b0", "b1", "b2"]
    assert s.job(jobs[3].id).priority == "interactive"


def test_cancel_while_queued_never_runs_the_job(make_scheduler, fake_model, tmp_path):
    fake_model("fake-a")
    s = make_scheduler(cpu_workers=1)
    blocker = s.submit("sfx", "fake-a", sfx("sleep 0.3"))
    victim = s.submit("sfx", "fake-a", sfx("victim"))
    assert s.cancel(victim.id).state == "cancelled"
    s.wait([blocker.id], timeout=20)
    assert "victim" not in lines(tmp_path / "runs.log")
    assert s.job(victim.id).state == "cancelled"


def test_cancel_while_running_stops_at_the_next_step_and_leaves_no_files(make_scheduler, fake_model, data_dir):
    fake_model("fake-a")
    s = make_scheduler(cpu_workers=1)
    job = s.submit("sfx", "fake-a", sfx("sleep 20"))
    wait_until(lambda: s.job(job.id).state == "running", timeout=20)
    asked = time.monotonic()
    s.cancel(job.id)
    s.wait([job.id], timeout=5)
    stopped_within = time.monotonic() - asked
    assert s.job(job.id).state == "cancelled" and stopped_within < 2.0
    assert not (data_dir / "jobs" / "partial" / job.id).exists()
    after = s.submit("sfx", "fake-a", sfx("after"))  # the same worker serves the next job
    assert s.wait([after.id], timeout=20)[0].state == "done"


def test_cancel_of_an_engine_that_ignores_it_kills_its_worker_after_the_grace(make_scheduler, fake_model):
    fake_model("fake-a")
    s = make_scheduler(cpu_workers=1, cancel_grace_s=0.3)
    job = s.submit("sfx", "fake-a", sfx("hang 30"))  # one long step without a cancel check
    wait_until(lambda: s.job(job.id).state == "running", timeout=20)
    s.cancel(job.id)
    assert s.wait([job.id], timeout=5)[0].state == "cancelled"
    assert s.wait([s.submit("sfx", "fake-a", sfx("next")).id], timeout=20)[0].state == "done"


def test_retry_runs_a_cancelled_job_again_under_the_same_id(make_scheduler, fake_model, tmp_path):
    fake_model("fake-a")
    s = make_scheduler(cpu_workers=1)
    blocker = s.submit("sfx", "fake-a", sfx("sleep 0.2"))
    job = s.submit("sfx", "fake-a", sfx("again"))
    s.cancel(job.id)
    retried = s.retry(job.id)
    assert retried.id == job.id and retried.attempts == 2
    s.wait([blocker.id, job.id], timeout=20)
    assert s.job(job.id).state == "done" and lines(tmp_path / "runs.log")[-1] == "again"
