"""Result cache hits, observer events, per-job metrics and aggregates, job serialisation."""

from __future__ import annotations

from pathlib import Path

from studio.scheduler.jobs import Job
from tests.scheduler.conftest import lines, sfx


def test_the_same_request_again_is_a_cache_hit_returning_the_same_files(make_scheduler, fake_model, tmp_path):
    fake_model("fake-a")
    s = make_scheduler()
    first = s.wait([s.submit("sfx", "fake-a", sfx("door")).id], timeout=20)[0]
    again = s.submit("sfx", "fake-a", sfx("door"))
    assert again.state == "done" and again.metrics.cache_hit  # finished inside submit, no worker involved
    assert again.result.primary.path == first.result.primary.path
    assert lines(tmp_path / "runs.log") == ["door"]
    assert s.stats()["cache_hits"] == 1


def test_a_changed_seed_engine_version_or_deleted_file_misses_the_cache(make_scheduler, fake_model, tmp_path):
    fake_model("fake-a")
    s = make_scheduler()
    first = s.wait([s.submit("sfx", "fake-a", sfx("door")).id], timeout=20)[0]
    other_seed = s.wait([s.submit("sfx", "fake-a", sfx("door", seed=1)).id], timeout=20)[0]
    fake_model("fake-a", version="2")
    new_version = s.wait([s.submit("sfx", "fake-a", sfx("door")).id], timeout=20)[0]
    Path(first.result.primary.path).unlink()
    fake_model("fake-a", version="1")
    redone = s.wait([s.submit("sfx", "fake-a", sfx("door")).id], timeout=20)[0]
    assert not any(j.metrics.cache_hit for j in (other_seed, new_version, redone))
    assert len(lines(tmp_path / "runs.log")) == 4 and Path(redone.result.primary.path).is_file()


def test_observers_are_told_each_state_change_and_progress(make_scheduler, fake_model):
    fake_model("fake-a", step_seconds=0.3)
    s = make_scheduler()
    events = []
    unsubscribe = s.subscribe(lambda e: events.append((e.type, e.job.state if e.type == "state" else e.fraction)))
    job = s.wait([s.submit("sfx", "fake-a", sfx("door")).id], timeout=20)[0]
    states = [v for t, v in events if t == "state"]
    assert states == ["queued", "loading", "running", "done"]
    fractions = [v for t, v in events if t == "progress"]
    assert fractions and fractions[-1] == 1.0 and fractions == sorted(fractions)
    unsubscribe()
    count = len(events)
    s.wait([s.submit("sfx", "fake-a", sfx("another")).id], timeout=20)
    assert len(events) == count and job.state == "done"


def test_metrics_record_wait_load_run_and_output_per_second(make_scheduler, fake_model):
    fake_model("fake-a", step_seconds=0.1, load_seconds=0.1)
    s = make_scheduler()
    job = s.wait([s.submit("sfx", "fake-a", sfx("door", duration=2.0)).id], timeout=20)[0]
    m = job.metrics
    assert m.queue_wait_s >= 0 and m.load_s >= 0.1 and m.run_s >= 0.1 and not m.cache_hit
    assert m.output == {"audio_seconds": 2.0}
    assert abs(m.output_per_s["audio_seconds_per_s"] - 2.0 / m.run_s) < 0.01
    stats = s.stats()
    assert stats["jobs"] == {"done": 1} and stats["jobs_per_min"] > 0
    assert 0 < stats["workers"][0]["utilisation"] <= 1


def test_a_job_survives_a_round_trip_through_its_dict(make_scheduler, fake_model):
    fake_model("fake-a")
    s = make_scheduler()
    job = s.wait([s.submit("sfx", "fake-a", sfx("door")).id], timeout=20)[0]
    copy = Job.from_dict(job.to_dict())
    assert copy.to_dict() == job.to_dict() and copy.result.primary.path == job.result.primary.path
