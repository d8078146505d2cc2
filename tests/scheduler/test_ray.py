"""The Ray path, run on a local Ray cluster the tests start (2 CPUs): the same jobs give the same bytes
as the local scheduler, a Ray worker killed mid-job fails only that job and it is retried, and the
results land in the project's journal."""

from __future__ import annotations

import hashlib
import os
import signal

import pytest

from tests.scheduler.conftest import lines, sfx, wait_until

ray = pytest.importorskip("ray", reason="install the test extra: pip install -e '.[test]'")


@pytest.fixture(scope="module")
def ray_cluster():
    """A local cluster of 2 CPUs for this module (workers inherit PYTHONPATH, so they import this checkout)."""
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield
    ray.shutdown()


def _digest(job) -> dict[str, str]:
    return {f.role: hashlib.sha256(f.path.read_bytes()).hexdigest() for f in job.result.files}


@pytest.mark.slow
def test_ray_jobs_give_the_same_bytes_as_the_local_scheduler(ray_cluster, make_scheduler):
    jobs = [
        ("sfx", "test-tone", sfx("tone 0")),
        ("sfx", "draft", sfx("door knock")),
        ("voice", "test-tone", {"prompt": "hello there"}),
    ]
    local = make_scheduler(use_cache=False)
    on_ray = make_scheduler(use_cache=False, ray_address="local")
    mine = local.wait([local.submit(*j).id for j in jobs], timeout=240)
    theirs = on_ray.wait([on_ray.submit(*j).id for j in jobs], timeout=240)
    assert [j.state for j in theirs] == ["done"] * len(jobs), [j.error for j in theirs]
    assert [_digest(j) for j in theirs] == [_digest(j) for j in mine]
    assert all(j.result.provenance["engine"] == engine for j, (_, engine, _) in zip(theirs, jobs, strict=True))


@pytest.mark.slow
def test_a_ray_worker_killed_mid_job_fails_only_that_job_and_it_is_retried(
    ray_cluster, make_scheduler, fake_model, tmp_path
):
    fake_model("fake-slow")
    s = make_scheduler(ray_address="local")
    slow = s.submit("sfx", "fake-slow", sfx("sleep 4"))
    others = [s.submit("sfx", "test-tone", sfx(f"tone {i}")) for i in range(3)]
    loads = tmp_path / "loads.log"
    wait_until(lambda: len(lines(loads)) == 1, timeout=120)
    first_pid = int(lines(loads)[0].split()[1])
    assert first_pid != os.getpid()  # a Ray worker process, not this one
    os.kill(first_pid, signal.SIGKILL)
    done = s.wait([slow.id] + [j.id for j in others], timeout=240)
    assert [j.state for j in done] == ["done"] * 4, [j.error for j in done]
    assert len(lines(loads)) == 2 and int(lines(loads)[1].split()[1]) != first_pid  # retried on a new worker
    assert len(lines(tmp_path / "runs.log")) == 1  # and run to the end once


@pytest.mark.slow
def test_a_ray_job_whose_worker_dies_twice_fails_alone_with_a_message(
    ray_cluster, make_scheduler, fake_model, tmp_path
):
    fake_model("fake-dies")
    s = make_scheduler(ray_address="local")
    dies = s.submit("sfx", "fake-dies", sfx("exit"))  # os._exit in the Ray worker, on the retry too
    fine = s.submit("sfx", "test-tone", sfx("tone 9"))
    dying, ok = s.wait([dies.id, fine.id], timeout=240)
    assert (dying.state, ok.state) == ("failed", "done")
    assert dying.error and "\n" not in dying.error
    assert len(lines(tmp_path / "loads.log")) == 2  # the first try and one retry


@pytest.mark.slow
def test_ray_results_land_in_the_project_journal(ray_cluster, make_scheduler, tmp_path):
    from studio.scheduler.journal import Journal
    from studio.scheduler.paths import JobPlace

    project = tmp_path / "film.studio"
    project.mkdir()
    s = make_scheduler(ray_address="local")
    job = s.wait([s.submit("sfx", "test-tone", sfx("tone p"), project_dir=project).id], timeout=240)[0]
    assert job.state == "done" and project in job.result.primary.path.parents
    s.shutdown()
    journal = Journal(JobPlace.for_project(project))
    try:
        rows = {j.id: j for j in journal.jobs()}
        assert rows[job.id].state == "done"
        assert journal.cached(job.cache_key) is not None
    finally:
        journal.close()
    again = make_scheduler()  # a local scheduler on the same project finds the Ray result at once
    hit = again.submit("sfx", "test-tone", sfx("tone p"), project_dir=project)
    assert hit.metrics.cache_hit and hit.result.primary.path == job.result.primary.path
