"""A model shared by two kinds (Stable Audio Open for sound effects and songs) stays resident once, but a batch
holds one kind only: the worker parses a batch's requests with one request class."""

from collections import OrderedDict
from dataclasses import dataclass, field

from studio.scheduler.placement import choose_jobs


@dataclass
class KindJob:
    id: str
    kind: str
    model: str = "audio/stable-audio-open@1"


@dataclass
class Worker:
    resident: OrderedDict = field(default_factory=OrderedDict)
    name: str = "gpu0"


def test_jobs_of_two_kinds_on_one_shared_model_are_batched_apart():
    queue = [KindJob("s1", "sfx"), KindJob("m1", "song"), KindJob("s2", "sfx"), KindJob("m2", "song")]
    worker = Worker(OrderedDict({"audio/stable-audio-open@1": 7000}))
    batch = choose_jobs(worker, [queue], [worker], lambda j: j.model, lambda j: 7000, lambda j: True, 10_000, 32, 8, {})
    assert [j.id for j in batch] == ["s1", "s2"]
