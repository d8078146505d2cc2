"""Which queued jobs a free worker runs next, and which resident models make room (pure decisions).

Order: interactive before batch; first in, first out within a priority, with one exception that saves
model loads: a worker may run a later job (within ``window`` places) for a model it already holds.
A job passed over ``window`` times runs next regardless, so nothing starves; ``window=1`` is strict FIFO.
A model already resident in a busy worker is not loaded again elsewhere unless it fits in the free
budget without evicting anything (a replica for parallelism); otherwise the job waits for that worker.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from studio.scheduler.worker_handle import WorkerProcess


def choose_jobs(
    worker: WorkerProcess,
    queues: Sequence[Iterable[Any]],
    pool_workers: Sequence[WorkerProcess],
    key_of: Callable[[Any], str],
    memory_of: Callable[[Any], int],
    batchable: Callable[[Any], bool],
    free_mb: int,
    window: int,
    max_batch: int,
    skips: dict[str, int],
) -> list[Any]:
    """The jobs (one, or a batch for one model) ``worker`` should run next; [] to stay idle.

    ``queues``: per priority, highest first, the queued jobs this worker's pool can run, oldest first
    (iterables, read only as far as needed).
    """
    for queue in queues:
        jobs = iter(queue)
        candidates = list(itertools.islice(jobs, max(1, window)))
        if not candidates:
            continue
        chosen = _pick(worker, candidates, pool_workers, key_of, memory_of, free_mb, window, skips)
        if chosen is None:
            return []
        for job in candidates:
            if job is chosen:
                break
            skips[job.id] = skips.get(job.id, 0) + 1
        batch = [chosen]
        if batchable(chosen):
            key = key_of(chosen)
            # one batch is one kind: a model shared by two kinds (Stable Audio) still runs sfx and songs apart
            same = (
                j
                for j in itertools.chain(candidates, jobs)
                if j is not chosen and key_of(j) == key and getattr(j, "kind", None) == getattr(chosen, "kind", None)
            )
            batch += list(itertools.islice(same, max_batch - 1))
        return batch
    return []


def _pick(
    worker: WorkerProcess,
    candidates: list[Any],
    pool_workers: Sequence[WorkerProcess],
    key_of: Callable[[Any], str],
    memory_of: Callable[[Any], int],
    free_mb: int,
    window: int,
    skips: dict[str, int],
) -> Any | None:
    head = candidates[0]
    if window > 1 and skips.get(head.id, 0) >= window:  # passed over long enough: it goes next
        if key_of(head) in worker.resident or _may_load(worker, head, pool_workers, key_of, memory_of, free_mb):
            return head
        return None
    for job in candidates:  # affinity: a model this worker already holds
        if key_of(job) in worker.resident:
            return job
    for job in candidates:
        if _may_load(worker, job, pool_workers, key_of, memory_of, free_mb):
            return job
    return None


def _may_load(
    worker: WorkerProcess,
    job: Any,
    pool_workers: Sequence[WorkerProcess],
    key_of: Callable[[Any], str],
    memory_of: Callable[[Any], int],
    free_mb: int,
) -> bool:
    key = key_of(job)
    holders = [w for w in pool_workers if w is not worker and w.alive and key in w.resident]
    if not holders:
        return True
    if any(not w.busy for w in holders):
        return False  # an idle holder will take it
    return memory_of(job) <= free_mb  # a replica only if it fits without evicting


def make_room(
    worker: WorkerProcess, need_mb: int, pool_workers: Sequence[WorkerProcess], budget_mb: int
) -> list[tuple[WorkerProcess, str]]:
    """Least-recently-used models to evict (from any worker of the pool) so ``need_mb`` fits the budget.

    Models in use by a running batch are never chosen; if the rest cannot make enough room the job
    still runs (the budget is an estimate; a real exhaustion fails that job alone).
    """
    used = sum(sum(w.resident.values()) for w in pool_workers)
    evictable = sorted(
        (
            (w.last_used.get(k, 0.0), id(w), w, k)
            for w in pool_workers
            for k in w.resident
            if not (w.busy and w.batch_key == k)
        ),
        key=lambda t: (t[0], t[1]),
    )
    out: list[tuple[WorkerProcess, str]] = []
    for _, _, w, key in evictable:
        if used + need_mb <= budget_mb:
            break
        used -= w.resident[key]
        out.append((w, key))
    return out
