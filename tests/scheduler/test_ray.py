"""The Ray path: the same jobs on a local Ray cluster (skipped when Ray is not installed)."""

from __future__ import annotations

import pytest

from tests.scheduler.conftest import sfx

ray = pytest.importorskip("ray")


@pytest.mark.slow
def test_jobs_submitted_to_ray_finish_with_files_cache_and_isolated_failures(make_scheduler, fake_model):
    ray.init(num_cpus=2, runtime_env=None, include_dashboard=False, log_to_driver=False, configure_logging=False)
    try:
        fake_model("fake-a")
        s = make_scheduler(ray_address="local")
        jobs = [s.submit("sfx", "test-tone", sfx(f"tone {i}")) for i in range(3)]
        bad = s.submit("sfx", "fake-a", sfx("raise"))
        done = s.wait([j.id for j in jobs] + [bad.id], timeout=120)
        assert [j.state for j in done] == ["done", "done", "done", "failed"]
        assert "asked to fail" in done[-1].error
        assert all(j.result.primary.path.is_file() and j.result.provenance["engine"] == "test-tone"
                   for j in done[:3])
        again = s.submit("sfx", "test-tone", sfx("tone 0"))
        assert again.metrics.cache_hit and again.result.primary.path == done[0].result.primary.path
    finally:
        ray.shutdown()
