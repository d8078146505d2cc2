"""A job that raises, crashes its worker or exhausts memory fails alone; the rest keep going."""

from __future__ import annotations

import os

from tests.scheduler.conftest import sfx


def test_a_job_that_raises_fails_alone_with_its_error_recorded(make_scheduler, fake_model):
    fake_model("fake-a")
    s = make_scheduler(cpu_workers=1)
    bad, good = s.submit("sfx", "fake-a", sfx("raise")), s.submit("sfx", "fake-a", sfx("fine"))
    bad, good = s.wait([bad.id, good.id], timeout=20)
    assert bad.state == "failed" and bad.error == "RuntimeError: the fake model was asked to fail"
    assert good.state == "done"


def test_a_native_crash_kills_only_its_worker_and_later_jobs_run(make_scheduler, fake_model):
    fake_model("fake-a")
    s = make_scheduler(cpu_workers=1)
    crash = s.submit("sfx", "fake-a", sfx("abort"))
    died = s.submit("sfx", "fake-a", sfx("exit"))
    after = s.submit("sfx", "fake-a", sfx("after"))
    crash, died, after = s.wait([crash.id, died.id, after.id], timeout=30)
    assert crash.state == "failed" and "worker process died (signal SIGABRT)" in crash.error
    assert died.state == "failed" and "exit code 3" in died.error
    assert after.state == "done"
    assert all(w["pid"] != os.getpid() for w in s.stats()["workers"])


def test_a_job_allocating_past_the_worker_memory_limit_fails_alone(make_scheduler, fake_model):
    fake_model("fake-a")
    s = make_scheduler(cpu_workers=1, worker_memory_limit_mb=1024)
    hog = s.submit("sfx", "fake-a", sfx("allocate 4096"))
    after = s.submit("sfx", "fake-a", sfx("after"))
    hog, after = s.wait([hog.id, after.id], timeout=30)
    assert hog.state == "failed" and hog.error.startswith("MemoryError")
    assert after.state == "done"


def test_a_bad_request_is_refused_at_submit_with_a_one_line_error(make_scheduler):
    import pytest

    from pipelines.base import RequestError

    s = make_scheduler()
    with pytest.raises(RequestError, match="prompt is empty"):
        s.submit("sfx", None, {"prompt": "  "})
    with pytest.raises(RequestError, match="unknown field 'colour'"):
        s.submit("sfx", None, {"prompt": "x", "colour": "red"})
    with pytest.raises(RequestError, match="unknown sfx engine 'nope'"):
        s.submit("sfx", "nope", {"prompt": "x"})
    with pytest.raises(ValueError, match="unknown priority"):
        s.submit("sfx", None, {"prompt": "x"}, priority="urgent")


def test_workers_that_cannot_start_fail_the_queue_with_a_clear_error_instead_of_looping(make_scheduler, fake_model):
    fake_model("fake-a")
    s = make_scheduler(cpu_workers=1, worker_memory_limit_mb=8)  # too little memory for Python to start
    job = s.wait([s.submit("sfx", "fake-a", sfx("never")).id], timeout=60)[0]
    assert job.state == "failed" and job.error.startswith("worker processes cannot start")
