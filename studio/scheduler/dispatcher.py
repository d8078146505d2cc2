"""How jobs reach workers and how workers' reports come back: the Scheduler's engine room.

``Dispatcher`` is a mixin of ``Scheduler`` (same lock, same state): picking work for idle workers
(``placement``), making room under the memory budget, starting workers, and turning each worker
message ("loading", "running", "progress", "done", "failed", "idle", or its death) into job states,
journal writes and events. Every method here runs with the scheduler's lock held.
"""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path
from typing import Any

from pipelines.base import GenerationResult, OutputFile
from studio.scheduler import placement
from studio.scheduler.events import JobEvent
from studio.scheduler.jobs import PRIORITIES, Job
from studio.scheduler.workers import WorkerProcess, probe_cuda_devices

QUIET_ERRORS = {"RequestError", "WeightsMissingError", "GenerationError"}  # their message says it all


class Dispatcher:
    """Dispatch and worker messages; mixed into ``Scheduler``, whose attributes it uses."""

    _lock: Any
    _jobs: dict[str, Job]
    _specs: dict
    _journal_of: dict
    _queues: dict[str, list[tuple[int, str]]]
    _workers: list[WorkerProcess]
    _observers: Any
    _remote: Any
    _closed: bool
    _start_failures: dict[str, int]

    # ------------------------------------------------------------------ dispatch
    def _pool_of(self, job: Job) -> str | None:
        """"cpu" or "cuda"; None while the GPUs are being counted."""
        if self._specs[job.id].device != "cuda":
            return "cpu"
        if self._gpus is None:
            self._gpus = -1
            threading.Thread(target=self._count_gpus, daemon=True, name="scheduler-gpu-probe").start()
        if self._gpus < 0:
            return None
        return "cuda" if self._gpus > 0 else "cpu"

    def _count_gpus(self) -> None:
        count = probe_cuda_devices()
        with self._lock:
            self._gpus = count
            for i in range(count):
                self._workers.append(WorkerProcess(f"gpu{i}", "cuda", self._on_message, self._on_exit,
                                                   cuda_device=i))
            self._dispatch()

    def _dispatch(self) -> None:
        """Give idle workers work; start CPU workers (up to the pool size) while jobs wait. Lock held."""
        if self._closed:
            return
        if self._remote is not None:
            for priority in PRIORITIES:
                for _, job_id in list(self._queues[priority]):
                    self._send_remote(self._jobs[job_id])
            return
        for worker in list(self._workers):
            if worker.ready and worker.alive and not worker.busy:
                self._fill(worker)
        cpu = [w for w in self._workers if w.pool == "cpu" and w.alive]
        if len(cpu) >= self.cpu_workers:
            return
        idle = sum(1 for w in cpu if not w.busy)
        waiting = sum(1 for q in self._queues.values() for _, i in q if self._pool_of(self._jobs[i]) == "cpu")
        for _ in range(min(waiting - idle, self.cpu_workers - len(cpu))):
            self._workers.append(WorkerProcess(f"cpu{next(self._names)}", "cpu", self._on_message, self._on_exit,
                                               memory_limit_mb=self.worker_memory_limit_mb))

    def _fill(self, worker: WorkerProcess) -> None:
        pool_workers = [w for w in self._workers if w.pool == worker.pool and w.alive]
        budget = self.budgets[worker.pool] or 0
        while True:
            queues = [(self._jobs[i] for _, i in list(self._queues[p]) if self._pool_of(self._jobs[i]) == worker.pool)
                      for p in PRIORITIES]
            free = budget - sum(sum(w.resident.values()) for w in pool_workers)
            batch = placement.choose_jobs(worker, queues, pool_workers, self._key, self._memory,
                                          lambda j: self._specs[j.id].supports_batching, free,
                                          self.reorder_window, self.max_batch, self._skips)
            if not batch:
                return
            runnable = []
            for job in batch:
                self._dequeue(job)
                if self._cancelled_elsewhere(job):  # asked from another process (studio jobs cancel)
                    job.cancel_requested = True
                    self._finish(job, "cancelled")
                elif not (self.use_cache and job.cache_key in self._done_keys and self._finish_from_cache(job)):
                    runnable.append(job)
            if runnable:
                self._run_on(worker, runnable, pool_workers, budget)
                return

    def _run_on(self, worker: WorkerProcess, jobs: list[Job], pool_workers: list[WorkerProcess],
                budget: int) -> None:
        spec = self._specs[jobs[0].id]
        key = spec.model_key
        evict: list[str] = []
        if key not in worker.resident:
            for holder, old in placement.make_room(worker, spec.memory_mb, pool_workers, budget):
                holder.resident.pop(old, None)
                if holder is worker:
                    evict.append(old)
                else:
                    holder.send("evict", [old])
            worker.resident[key] = spec.memory_mb
        worker.resident.move_to_end(key)
        worker.last_used[key] = time.monotonic()
        worker.mark_busy(jobs, key)
        payload = []
        for job in jobs:
            job.metrics.worker = worker.name
            job.metrics.batch_size = len(jobs)
            partial = self._journal_of[job.id].place.partial / job.id
            shutil.rmtree(partial, ignore_errors=True)
            payload.append({"id": job.id, "request": job.request, "partial": str(partial)})
        worker.send("run", {"spec": spec.to_dict(), "jobs": payload, "evict": evict})

    def _cancelled_elsewhere(self, job: Job) -> bool:
        """Cheap unless the journal changed under us: then read which unfinished jobs were flagged."""
        journal = self._journal_of[job.id]
        flags = self._cancel_flags.setdefault(journal.place.root, set())
        if journal.changed_elsewhere():
            flags.update(j.id for j in journal.jobs() if j.cancel_requested and not j.finished)
        return job.id in flags

    def _key(self, job: Job) -> str:
        return self._specs[job.id].model_key

    def _memory(self, job: Job) -> int:
        return self._specs[job.id].memory_mb

    def _worker_running(self, job: Job) -> WorkerProcess | None:
        return next((w for w in self._workers if any(j is job for j in w.batch)), None)

    def _kill_if_still_running(self, worker: WorkerProcess, job: Job) -> None:
        with self._lock:
            if not job.finished and any(j is job for j in worker.batch):
                worker.kill()  # the engine ignored the cancel; its exit handler marks the job cancelled

    # ------------------------------------------------------------------ worker messages
    def _on_message(self, worker: WorkerProcess, message: tuple) -> None:
        with self._lock:
            if self._closed:  # shutting down: jobs in flight stay unfinished in the journal, resumed next time
                return
            kind = message[0]
            if kind == "ready":
                worker.ready, worker.info = True, message[1]
                self._start_failures[worker.pool] = 0
                if worker.pool == "cuda" and self.budgets["cuda"] is None:
                    self.budgets["cuda"] = int(message[1].get("free_mb", 0) * 0.9)
                self._dispatch()
            elif kind in ("loading", "running"):
                for job in self._batch_jobs(worker, message[1]):
                    self._set_state(job, kind)
            elif kind == "loaded":
                self._loads += 1
                for job in worker.batch:
                    job.metrics.load_s = round(message[2], 4)
            elif kind == "progress":
                for job in self._batch_jobs(worker, message[1]):
                    self._observers.emit(JobEvent("progress", job, message[2], message[3], message[4]))
                if time.monotonic() - worker.checked_cancel > 0.25:  # a cancel from another process
                    worker.checked_cancel = time.monotonic()
                    for job in self._batch_jobs(worker, message[1]):
                        if self._cancelled_elsewhere(job):
                            self.cancel(job.id)
            elif kind == "done":
                self._on_done(worker, message[1], message[2], message[3])
            elif kind == "failed":
                _, job_id, error_type, text, _detail, oom = message
                if oom and worker.batch_key:
                    worker.resident.pop(worker.batch_key, None)
                job = self._jobs.get(job_id)
                if job is not None and not job.finished:
                    self._discard_partial(job)
                    if error_type == "Cancelled" or job.cancel_requested:
                        self._finish(job, "cancelled")
                    else:
                        self._finish(job, "failed", text if error_type in QUIET_ERRORS else f"{error_type}: {text}")
            elif kind == "idle":
                worker.mark_idle()
                self._dispatch()

    def _batch_jobs(self, worker: WorkerProcess, ids: list[str]) -> list[Job]:
        return [j for j in worker.batch if j.id in ids and not j.finished]

    def _on_done(self, worker: WorkerProcess, job_id: str, result: dict[str, Any], run_s: float) -> None:
        job = self._jobs.get(job_id)
        if job is None or job.finished:
            return
        if job.cancel_requested:  # cancelled while batched with others: drop its result
            self._discard_partial(job)
            self._finish(job, "cancelled")
            return
        final = self._keep_result(job, GenerationResult.from_dict(result))
        job.result = final
        job.metrics.run_s = round(run_s, 4)
        job.metrics.set_output(final.metrics)
        self._done_keys.add(job.cache_key)
        self._finish(job, "done", cache=True)  # the job and its cache entry in one transaction

    def _keep_result(self, job: Job, result: GenerationResult) -> GenerationResult:
        """Move a finished job's folder from partial/ into outputs/ (whole, by rename) and repoint its files."""
        place = self._journal_of[job.id].place
        partial = place.partial / job.id
        final = place.outputs / job.kind / f"{job.request_hash[:16]}-{job.engine}"
        final.parent.mkdir(parents=True, exist_ok=True)
        if final.exists():
            shutil.rmtree(final)
        partial.replace(final)
        files = [OutputFile(final / Path(f.path).relative_to(partial), f.role) for f in result.files]
        return GenerationResult(files, result.provenance, result.metrics)

    def _discard_partial(self, job: Job) -> None:
        shutil.rmtree(self._journal_of[job.id].place.partial / job.id, ignore_errors=True)

    def _on_exit(self, worker: WorkerProcess, returncode: int) -> None:
        with self._lock:
            if worker in self._workers:
                self._workers.remove(worker)
            if self._closed:
                return
            for job in worker.batch:
                if job.finished:
                    continue
                self._discard_partial(job)
                if job.cancel_requested:
                    self._finish(job, "cancelled")
                else:
                    self._finish(job, "failed", f"the worker process died ({_describe_exit(returncode)}) "
                                                f"while running this job; other jobs are unaffected")
            worker.batch = []
            if not worker.ready:  # it died starting up: after 3 in a row, fail its pool's queue instead of looping
                self._start_failures[worker.pool] = self._start_failures.get(worker.pool, 0) + 1
                if self._start_failures[worker.pool] >= 3:
                    self._start_failures[worker.pool] = 0
                    for _, job_id in [e for q in self._queues.values() for e in q]:
                        job = self._jobs[job_id]
                        if self._pool_of(job) == worker.pool:
                            self._dequeue(job)
                            self._finish(job, "failed", f"worker processes cannot start "
                                                        f"({_describe_exit(returncode)}); see the messages on stderr")
            self._dispatch()

    # ------------------------------------------------------------------ Ray
    def _send_remote(self, job: Job) -> None:
        self._dequeue(job)
        if self.use_cache and self._finish_from_cache(job):
            return
        self._set_state(job, "running")
        partial = self._journal_of[job.id].place.partial / job.id
        self._remote.submit(job.id, self._specs[job.id], job.request, partial)  # type: ignore[union-attr]

    def _on_remote_done(self, job_id: str, result: dict[str, Any], run_s: float, load_s: float) -> None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is not None:
                job.metrics.load_s = round(load_s, 4)
                self._loads += 1
                self._on_done(_NO_WORKER, job_id, result, run_s)

    def _on_remote_failed(self, job_id: str, error_type: str, text: str) -> None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is not None and not job.finished:
                self._discard_partial(job)
                cancelled = error_type in ("Cancelled", "TaskCancelledError") or job.cancel_requested
                self._finish(job, "cancelled" if cancelled else "failed", None if cancelled else text)


_NO_WORKER: Any = None


def _describe_exit(returncode: int) -> str:
    if returncode < 0:
        import signal

        try:
            return f"signal {signal.Signals(-returncode).name}"
        except ValueError:
            return f"signal {-returncode}"
    return f"exit code {returncode}"
