"""The pure placement rules: which job a free worker takes, when a replica loads, what gets evicted."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from studio.scheduler.placement import choose_jobs, make_room


@dataclass
class FakeJob:
    id: str
    model: str


@dataclass
class FakeWorker:
    resident: OrderedDict = field(default_factory=OrderedDict)
    last_used: dict = field(default_factory=dict)
    busy: bool = False
    batch_key: str | None = None
    alive: bool = True


def pick(worker, queues, workers=(), window=32, free=10_000, batchable=False, skips=None):
    return [
        j.id
        for j in choose_jobs(
            worker,
            queues,
            [worker, *workers],
            lambda j: j.model,
            lambda j: 100,
            lambda j: batchable,
            free,
            window,
            8,
            {} if skips is None else skips,
        )
    ]


def jobs(*models: str) -> list[FakeJob]:
    return [FakeJob(f"j{i}", m) for i, m in enumerate(models)]


def test_the_highest_priority_queue_goes_first_and_window_one_is_strict_fifo():
    w = FakeWorker(OrderedDict(b=100))
    assert pick(w, [jobs("a"), jobs("b")]) == ["j0"]
    assert pick(w, [[], jobs("a", "b")], window=1) == ["j0"]


def test_a_worker_prefers_the_oldest_job_for_a_model_it_holds():
    w = FakeWorker(OrderedDict(b=100))
    skips: dict = {}
    assert pick(w, [jobs("a", "c", "b", "b")], skips=skips) == ["j2"]
    assert skips == {"j0": 1, "j1": 1}


def test_a_job_passed_over_window_times_runs_next():
    w = FakeWorker(OrderedDict(b=100))
    assert pick(w, [jobs("a", "b")], window=4, skips={"j0": 4}) == ["j0"]


def test_a_model_resident_in_a_busy_worker_loads_again_only_if_it_fits_without_eviction():
    w, holder = FakeWorker(), FakeWorker(OrderedDict(a=100), busy=True, batch_key="a")
    assert pick(w, [jobs("a")], [holder], free=50) == []
    assert pick(w, [jobs("a")], [holder], free=500) == ["j0"]
    idle_holder = FakeWorker(OrderedDict(a=100))
    assert pick(w, [jobs("a", "b")], [idle_holder]) == ["j1"]  # the idle holder takes "a"


def test_a_batching_model_takes_its_queued_jobs_as_one_batch():
    w = FakeWorker(OrderedDict(a=100))
    assert pick(w, [jobs("a", "b", "a", "a")], batchable=True) == ["j0", "j2", "j3"]


def test_eviction_frees_least_recently_used_idle_models_only():
    w = FakeWorker(OrderedDict(a=100, b=100), last_used={"a": 1.0, "b": 2.0})
    other = FakeWorker(OrderedDict(c=100), last_used={"c": 0.5}, busy=True, batch_key="c")
    assert [k for _, k in make_room(w, 100, [w, other], budget_mb=300)] == ["a"]
    assert [k for _, k in make_room(w, 300, [w, other], budget_mb=300)] == ["a", "b"]  # c is running
