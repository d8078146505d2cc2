"""The worker processes: how many run, which pool each belongs to, which models each holds resident.

A CPU pool (one worker per core by default) runs draft engines and neural ones without a GPU; when a
CUDA job first arrives, the GPUs are counted in a child process (the host never imports torch) and one
worker per GPU joins a "cuda" pool. Each pool has a memory budget shared by its workers' resident
models, evicted least-recently-used (``placement.make_room``). The scheduler decides *which jobs*
run; this module owns *where*, and the processes themselves.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from pipelines.registry import EngineSpec
from studio.scheduler import placement
from studio.scheduler.worker_handle import WorkerProcess, available_memory_mb, cpu_worker_count, probe_cuda_devices

START_FAILURES_BEFORE_GIVING_UP = 3


class WorkerPool:
    """Worker processes and their residency. The scheduler's lock guards every method but the GPU count."""

    def __init__(
        self,
        on_message: Callable[[WorkerProcess, tuple], None],
        on_exit: Callable[[WorkerProcess, int], None],
        on_gpus_counted: Callable[[int], None],
        *,
        cpu_workers: int | None = None,
        memory_budget_mb: int | None = None,
        gpu_memory_budget_mb: int | None = None,
        worker_memory_limit_mb: int | None = None,
        reorder_window: int = 32,
        max_batch: int = 8,
    ):
        self.workers: list[WorkerProcess] = []
        self.cpu_workers = cpu_workers or cpu_worker_count()
        self.budgets: dict[str, int | None] = {
            "cpu": memory_budget_mb or available_memory_mb() // 2,
            "cuda": gpu_memory_budget_mb,
        }
        self.worker_memory_limit_mb = worker_memory_limit_mb
        self.reorder_window = reorder_window
        self.max_batch = max_batch
        self.loads = 0  # models loaded, over the session
        self._on_message, self._on_exit, self._on_gpus_counted = on_message, on_exit, on_gpus_counted
        self._names = itertools.count(1)
        self._start_failures: dict[str, int] = {}  # pool -> workers in a row that died before "ready"
        self._gpus: int | None = None  # unknown until a CUDA job arrives; -1 while counting

    # ------------------------------------------------------------------ pools
    def pool_of(self, spec: EngineSpec) -> str | None:
        """ "cpu" or "cuda" for a job of ``spec``; None while the GPUs are being counted."""
        if spec.device != "cuda":
            return "cpu"
        if self._gpus is None:
            self._gpus = -1
            threading.Thread(target=self._count_gpus, daemon=True, name="scheduler-gpu-probe").start()
        if self._gpus < 0:
            return None
        return "cuda" if self._gpus > 0 else "cpu"

    def _count_gpus(self) -> None:
        self._on_gpus_counted(probe_cuda_devices())  # the scheduler takes its lock and calls add_gpu_workers

    def add_gpu_workers(self, count: int) -> None:
        self._gpus = count
        for i in range(count):
            self.workers.append(WorkerProcess(f"gpu{i}", "cuda", self._on_message, self._on_exit, cuda_device=i))

    def members(self, pool: str) -> list[WorkerProcess]:
        return [w for w in self.workers if w.pool == pool and w.alive]

    def idle(self) -> list[WorkerProcess]:
        """Workers that are started, alive and free, in the order they were started."""
        return [w for w in self.workers if w.ready and w.alive and not w.busy]

    # ------------------------------------------------------------------ processes
    def _start_cpu_worker(self) -> None:
        self.workers.append(
            WorkerProcess(
                f"cpu{next(self._names)}",
                "cpu",
                self._on_message,
                self._on_exit,
                memory_limit_mb=self.worker_memory_limit_mb,
            )
        )

    def grow(self, waiting_cpu_jobs: int) -> None:
        """Start CPU workers (up to the pool size) for jobs that would otherwise wait."""
        cpu = self.members("cpu")
        idle = sum(1 for w in cpu if not w.busy)
        for _ in range(min(waiting_cpu_jobs - idle, self.cpu_workers - len(cpu))):
            self._start_cpu_worker()

    def start_all(self, wait: Callable[[float], Any], timeout: float) -> None:
        """Start the whole CPU pool and wait (``wait(seconds)`` releases the caller's lock) until it is ready."""
        while len(self.members("cpu")) < self.cpu_workers:
            self._start_cpu_worker()
        deadline = time.monotonic() + timeout
        while not all(w.ready for w in self.workers if w.pool == "cpu"):
            if time.monotonic() > deadline:
                raise TimeoutError("the scheduler's worker processes did not start in time")
            wait(0.05)

    def note_ready(self, worker: WorkerProcess, info: dict[str, Any]) -> None:
        worker.ready, worker.info = True, info
        self._start_failures[worker.pool] = 0
        if worker.pool == "cuda" and self.budgets["cuda"] is None:
            self.budgets["cuda"] = int(info.get("free_mb", 0) * 0.9)

    def remove(self, worker: WorkerProcess) -> bool:
        """Forget an exited worker; True when its pool has now failed to start workers too often in a row."""
        if worker in self.workers:
            self.workers.remove(worker)
        if worker.ready:
            return False
        self._start_failures[worker.pool] = self._start_failures.get(worker.pool, 0) + 1
        if self._start_failures[worker.pool] < START_FAILURES_BEFORE_GIVING_UP:
            return False
        self._start_failures[worker.pool] = 0
        return True

    def stop_all(self, timeout: float) -> None:
        """A busy worker is killed (its job stays unfinished in the journal, resumed next time); idle ones stop."""
        for worker in list(self.workers):
            worker.kill() if worker.busy else worker.stop(timeout)

    # ------------------------------------------------------------------ placement and residency
    def choose(
        self,
        worker: WorkerProcess,
        queues: Sequence[Iterable[Any]],
        key_of: Callable[[Any], str],
        memory_of: Callable[[Any], int],
        batchable: Callable[[Any], bool],
        skips: dict[str, int],
    ) -> list[Any]:
        """The jobs ``worker`` runs next (see ``placement.choose_jobs``); [] to stay idle."""
        members = self.members(worker.pool)
        free = (self.budgets[worker.pool] or 0) - sum(sum(w.resident.values()) for w in members)
        return placement.choose_jobs(
            worker, queues, members, key_of, memory_of, batchable, free, self.reorder_window, self.max_batch, skips
        )

    def load(self, worker: WorkerProcess, spec: EngineSpec, jobs: list[Any]) -> list[str]:
        """Make ``spec``'s model resident in ``worker`` (evicting least-recently-used models elsewhere or there)
        and mark the worker busy with ``jobs``. Returns the keys ``worker`` itself must evict first."""
        key = spec.model_key
        evict: list[str] = []
        if key not in worker.resident:
            budget = self.budgets[worker.pool] or 0
            for holder, old in placement.make_room(worker, spec.memory_mb, self.members(worker.pool), budget):
                holder.resident.pop(old, None)
                if holder is worker:
                    evict.append(old)
                else:
                    holder.send("evict", [old])
            worker.resident[key] = spec.memory_mb
        worker.resident.move_to_end(key)
        worker.last_used[key] = time.monotonic()
        worker.mark_busy(jobs, key)
        return evict

    def running(self, job: Any) -> WorkerProcess | None:
        """The worker running ``job`` now, if any."""
        return next((w for w in self.workers if any(j is job for j in w.batch)), None)

    def stats(self) -> list[dict[str, Any]]:
        return [
            {
                "name": w.name,
                "pool": w.pool,
                "pid": w.pid,
                "busy": w.busy,
                "jobs_run": w.jobs_run,
                "utilisation": round(w.utilisation(), 3),
                "resident": list(w.resident),
            }
            for w in self.workers
        ]
