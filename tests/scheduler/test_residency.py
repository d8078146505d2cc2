"""Resident models are reused, evicted least-recently-used under the budget, and batched."""

from __future__ import annotations

from tests.scheduler.conftest import lines, sfx, wait_until


def test_a_second_job_for_a_resident_model_does_not_reload_it(make_scheduler, fake_model, tmp_path):
    fake_model("fake-a", load_seconds=0.2)
    s = make_scheduler(cpu_workers=1)
    first = s.wait([s.submit("sfx", "fake-a", sfx("one")).id], timeout=20)[0]
    second = s.wait([s.submit("sfx", "fake-a", sfx("two")).id], timeout=20)[0]
    assert len(lines(tmp_path / "loads.log")) == 1
    assert first.metrics.load_s >= 0.2 and second.metrics.load_s == 0.0
    assert s.stats()["model_loads"] == 1


def test_models_are_evicted_least_recently_used_under_the_budget(make_scheduler, fake_model, tmp_path):
    for name in ("fake-a", "fake-b", "fake-c"):
        fake_model(name, memory_mb=100)
    s = make_scheduler(cpu_workers=1, memory_budget_mb=250, reorder_window=1)
    for engine in ("fake-a", "fake-b", "fake-a", "fake-c", "fake-a", "fake-b"):
        s.wait([s.submit("sfx", engine, sfx(f"{engine} {len(lines(tmp_path / 'runs.log'))}")).id], timeout=20)
    # a, b load; a is resident; c evicts b (least recently used); a is resident; b evicts c
    assert [line.split()[0] for line in lines(tmp_path / "loads.log")] == ["fake-a", "fake-b", "fake-c", "fake-b"]
    wait_until(lambda: not s.stats()["workers"][0]["busy"])
    assert sorted(s.stats()["workers"][0]["resident"]) == ["sfx/fake-a@1", "sfx/fake-b@1"]


def test_a_worker_prefers_queued_jobs_for_the_model_it_holds(make_scheduler, fake_model, tmp_path):
    fake_model("fake-a", memory_mb=100)
    fake_model("fake-b", memory_mb=100)
    s = make_scheduler(cpu_workers=1, memory_budget_mb=100)
    blocker = s.submit("sfx", "fake-a", sfx("sleep 0.3"))
    wait_until(lambda: s.job(blocker.id).state == "running", timeout=20)
    jobs = [s.submit("sfx", engine, sfx(f"{engine} {i}")) for i, engine in enumerate(["fake-b", "fake-a"] * 3)]
    s.wait([blocker.id] + [j.id for j in jobs], timeout=20)
    assert [line.split()[0] for line in lines(tmp_path / "loads.log")] == ["fake-a", "fake-b"]


def test_jobs_that_share_a_batching_model_run_as_one_batch(make_scheduler, fake_model):
    fake_model("fake-batch", batching=True)
    s = make_scheduler(cpu_workers=1)
    blocker = s.submit("sfx", "fake-batch", sfx("sleep 0.3"))
    wait_until(lambda: s.job(blocker.id).state == "running", timeout=20)
    jobs = [s.submit("sfx", "fake-batch", sfx(f"take {i}")) for i in range(4)]
    done = s.wait([j.id for j in jobs], timeout=20)
    assert [j.metrics.batch_size for j in done] == [4, 4, 4, 4]
    assert [j.result.provenance["batch"] for j in done] == [4, 4, 4, 4]
    assert len({j.result.primary.path for j in done}) == 4
