"""The local inference scheduler: one object that the GUI, the CLI and renders submit jobs to.

    scheduler = Scheduler(project_dir)            # resumes that project's unfinished jobs
    job = scheduler.submit("sfx", None, request, priority="interactive")
    scheduler.subscribe(on_event)                 # state changes and progress, pushed
    scheduler.wait([job.id]); scheduler.shutdown()

Engines run in worker processes (see ``workers.py``): a pool of CPU workers (one per core) and, when
a CUDA job arrives and torch (asked in a child process) sees GPUs, one worker per GPU. Models stay
resident inside workers under a memory budget per pool, evicted least-recently-used. Results are
cached on (kind, engine, version, request hash); the queue and every state change are journaled in
SQLite, so a crashed or killed host resumes unfinished jobs and never redoes finished ones.
"""

from __future__ import annotations

import bisect
import collections
import itertools
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Self

from pipelines import registry
from pipelines.base import Request, RequestError
from pipelines.registry import EngineSpec
from studio.scheduler.dispatcher import Dispatcher
from studio.scheduler.events import JobEvent, Observer, Observers
from studio.scheduler.jobs import PRIORITIES, Job, JobMetrics, check_priority, new_job_id
from studio.scheduler.journal import Journal, JournalBusy
from studio.scheduler.paths import JobPlace
from studio.scheduler.workers import WorkerProcess, available_memory_mb, cpu_worker_count


class Scheduler(Dispatcher):
    """Queue, workers, residency, cache and journal. Construct one explicitly and pass it around."""

    def __init__(self, project_dir: str | Path | None = None, *, cpu_workers: int | None = None,
                 memory_budget_mb: int | None = None, gpu_memory_budget_mb: int | None = None,
                 worker_memory_limit_mb: int | None = None, reorder_window: int = 32, max_batch: int = 8,
                 cancel_grace_s: float = 10.0, use_cache: bool = True, resume: bool = True,
                 ray_address: str | None = None):
        self._lock = threading.RLock()
        self._finished = threading.Condition(self._lock)
        self._observers = Observers()
        self._jobs: dict[str, Job] = {}
        self._specs: dict[str, EngineSpec] = {}  # job id -> engine spec
        self._checkers: dict[str, Any] = {}  # unloaded generators, for their request checks
        self._journal_of: dict[str, Journal] = {}  # job id -> its journal
        self._journals: dict[Path, Journal] = {}
        self._journal_by_arg: dict[Any, Journal] = {}  # as passed to attach(), to skip resolving paths per job
        self._cancel_flags: dict[Path, set[str]] = {}  # job ids cancelled from another process, per journal
        self._done_keys: set[str] = set()  # cache keys finished this session (a queued twin may now hit)
        self._queues: dict[str, list[tuple[int, str]]] = {p: [] for p in PRIORITIES}  # (seq, job id), sorted
        self._skips: dict[str, int] = {}
        self._workers: list[WorkerProcess] = []
        self._start_failures: dict[str, int] = {}  # pool -> workers in a row that died before "ready"
        self._names = itertools.count(1)
        self._seq = itertools.count(1)
        self.cpu_workers = cpu_workers or cpu_worker_count()
        self.budgets = {"cpu": memory_budget_mb or available_memory_mb() // 2, "cuda": gpu_memory_budget_mb}
        self.worker_memory_limit_mb = worker_memory_limit_mb
        self.reorder_window = reorder_window
        self.max_batch = max_batch
        self.cancel_grace_s = cancel_grace_s
        self.use_cache = use_cache
        self._gpus: int | None = None  # unknown until a CUDA job arrives
        self._loads = 0
        self._cache_hits = 0
        self._started = time.monotonic()
        self._done_times: list[float] = []
        self._closed = False
        self._remote = None
        if ray_address:
            from studio.scheduler.ray_backend import RayExecutor

            self._remote = RayExecutor(ray_address, self._on_remote_done, self._on_remote_failed)
        self.attach(project_dir, resume=resume)

    # ------------------------------------------------------------------ public API
    def subscribe(self, callback: Observer) -> Any:
        """Call ``callback(JobEvent)`` on every state change and progress report; returns an unsubscribe."""
        return self._observers.subscribe(callback)

    def attach(self, project_dir: str | Path | None, resume: bool = True) -> Journal:
        """Open the journal of a project (None: the user data folder) and resume its unfinished jobs.

        If another live studio process owns that journal (the GUI while `studio generate` runs), this
        scheduler is a guest: it adds and runs its own jobs there but leaves the owner's unfinished ones alone.
        """
        known = self._journal_by_arg.get(project_dir)
        if known is not None:
            return known
        place = JobPlace.for_project(project_dir)
        with self._lock:
            if place.root in self._journals:
                self._journal_by_arg[project_dir] = self._journals[place.root]
                return self._journals[place.root]
            journal = Journal(place)
            try:
                journal.take_ownership()
                owner = True
            except JournalBusy:
                owner = False
            self._journals[place.root] = journal
            self._journal_by_arg[project_dir] = journal
            self._cancel_flags[place.root] = set()
            journal.changed_elsewhere()
            self._seq = itertools.count(max(next(self._seq), journal.next_seq()))  # new jobs after old ones
            for job in journal.jobs():  # known (listable, retryable) even when not resumed
                if not owner and not job.finished:
                    continue  # the owner's job in flight
                self._jobs.setdefault(job.id, job)
                self._journal_of[job.id] = journal
                if resume and not job.finished:
                    self._resume(job)
            self._dispatch()
            return journal

    def submit(self, kind: str, engine: str | None, request: Request | dict[str, Any], priority: str = "batch",
               project_dir: str | Path | None = None, use_cache: bool | None = None) -> Job:
        """Queue a job (or finish it at once from the cache). Raises RequestError for a bad request."""
        check_priority(priority)
        spec = registry.spec(kind, engine)
        if isinstance(request, dict):
            request = registry.make_request(kind, **request)
        if request.KIND != kind:
            raise RequestError(f"a {request.KIND} request cannot go to a {kind} engine")
        if not spec.neural:  # engine limits (max duration, size multiples) before queueing
            checker = self._checkers.get(spec.model_key)
            if checker is None or checker.options != {**dict(spec.options)}:
                checker = self._checkers[spec.model_key] = spec.build()
            checker.check_request(request)
        journal = self.attach(project_dir)
        job = Job(new_job_id(), kind, spec.engine, spec.version, request.to_dict(), request.content_hash(),
                  priority=priority, project_dir=str(journal.place.root) if project_dir is not None else None)
        with self._lock:
            if self._closed:
                raise RuntimeError("the scheduler has been shut down")
            job.seq = next(self._seq)
            self._jobs[job.id] = job
            self._specs[job.id] = spec
            self._journal_of[job.id] = journal
            if (self.use_cache if use_cache is None else use_cache) and self._finish_from_cache(job):
                return job
            self._enqueue(job)
            self._dispatch()
        return job

    def cancel(self, job_id: str) -> Job:
        """Cancel a queued job at once, or a running one at its next step (killed after ``cancel_grace_s``)."""
        with self._lock:
            job = self._job(job_id)
            if job.finished:
                return job
            job.cancel_requested = True
            if job.state == "queued":
                self._dequeue(job)
                self._finish(job, "cancelled")
            elif self._remote is not None:
                self._remote.cancel(job.id)
            else:
                worker = self._worker_running(job)
                if worker is not None:
                    worker.send("cancel", job.id)
                    timer = threading.Timer(self.cancel_grace_s, self._kill_if_still_running, (worker, job))
                    timer.daemon = True
                    timer.start()
            self._journal_of[job.id].save(job)
            return job

    def retry(self, job_id: str) -> Job:
        """Queue a failed or cancelled job again (same id, one more attempt)."""
        with self._lock:
            job = self._job(job_id)
            if job.state not in ("failed", "cancelled"):
                raise ValueError(f"job {job_id} is {job.state}; only failed or cancelled jobs can be retried")
            job.attempts += 1
            job.error, job.result, job.metrics = None, None, JobMetrics()
            job.cancel_requested = False
            job.started_at = job.finished_at = None
            job.submitted_at = time.time()
            job.seq = next(self._seq)
            if job.id not in self._specs:
                self._specs[job.id] = registry.spec(job.kind, job.engine)
            self._enqueue(job)
            self._dispatch()
            return job

    def reprioritize(self, job_id: str, priority: str) -> Job:
        """Move a job to another priority (keeping its place in submission order there)."""
        check_priority(priority)
        with self._lock:
            job = self._job(job_id)
            if job.state == "queued":
                self._dequeue(job)
                job.priority = priority
                bisect.insort(self._queues[priority], (job.seq, job.id))
                self._dispatch()
            else:
                job.priority = priority
            self._journal_of[job.id].save(job)
            self._observers.emit(JobEvent("state", job))
            return job

    def start_workers(self, timeout: float = 30.0) -> None:
        """Start the whole CPU pool now and wait until it is ready (the GUI can warm up at launch)."""
        with self._lock:
            while sum(1 for w in self._workers if w.pool == "cpu" and w.alive) < self.cpu_workers:
                self._workers.append(WorkerProcess(f"cpu{next(self._names)}", "cpu", self._on_message, self._on_exit,
                                                   memory_limit_mb=self.worker_memory_limit_mb))
            deadline = time.monotonic() + timeout
            while not all(w.ready for w in self._workers if w.pool == "cpu"):
                if time.monotonic() > deadline:
                    raise TimeoutError("the scheduler's worker processes did not start in time")
                self._finished.wait(0.05)

    def jobs(self) -> list[Job]:
        """Every job this scheduler knows (from all attached journals), in submission order."""
        with self._lock:
            return sorted(self._jobs.values(), key=lambda j: (j.seq, j.submitted_at))

    def job(self, job_id: str) -> Job:
        with self._lock:
            return self._job(job_id)

    def wait(self, job_ids: Iterable[str] | None = None, timeout: float | None = None) -> list[Job]:
        """Block until the jobs (default: all) are finished; raises TimeoutError naming those still going."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._finished:
            ids = list(job_ids) if job_ids is not None else list(self._jobs)
            pending = collections.deque(ids)
            while True:
                while pending and self._job(pending[0]).finished:  # jobs mostly finish in order: O(1) a wake-up
                    pending.popleft()
                if not pending:
                    return [self._jobs[i] for i in ids]
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    late = [i for i in pending if not self._job(i).finished]
                    raise TimeoutError(f"{len(late)} job(s) still unfinished, e.g. {late[0]}")
                self._finished.wait(left if left is not None else 1.0)

    def stats(self) -> dict[str, Any]:
        """Aggregates: jobs by state, jobs/min over the session, loads, cache hits, per-worker utilisation."""
        with self._lock:
            states: dict[str, int] = {}
            for job in self._jobs.values():
                states[job.state] = states.get(job.state, 0) + 1
            minutes = max(1e-9, time.monotonic() - self._started) / 60
            return {"jobs": states, "jobs_per_min": round(len(self._done_times) / minutes, 2),
                    "model_loads": self._loads, "cache_hits": self._cache_hits,
                    "budgets_mb": dict(self.budgets),
                    "workers": [{"name": w.name, "pool": w.pool, "pid": w.pid, "busy": w.busy,
                                 "jobs_run": w.jobs_run, "utilisation": round(w.utilisation(), 3),
                                 "resident": list(w.resident)} for w in self._workers]}

    def shutdown(self, timeout: float = 2.0) -> None:
        """Stop the workers and close the journals; unfinished jobs stay queued there for next time."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            workers = list(self._workers)
        for worker in workers:  # a busy worker is killed: its job is unfinished in the journal, resumed next time
            worker.kill() if worker.busy else worker.stop(timeout)
        if self._remote is not None:
            self._remote.close()
        with self._lock:
            for journal in self._journals.values():
                journal.close()
            self._finished.notify_all()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()

    # ------------------------------------------------------------------ queue and state
    def _job(self, job_id: str) -> Job:
        if job_id not in self._jobs:
            raise KeyError(f"no job {job_id!r}")
        return self._jobs[job_id]

    def _resume(self, job: Job) -> None:
        """A journaled job that never finished: queue it again (it was interrupted, not done)."""
        try:
            self._specs[job.id] = registry.spec(job.kind, job.engine)
        except RequestError as exc:
            job.state, job.error = "failed", f"cannot resume: {exc}"
            self._journal_of[job.id].save(job)
            return
        job.seq = next(self._seq)
        if job.state != "queued":
            job.attempts += 1
        self._enqueue(job)

    def _enqueue(self, job: Job) -> None:
        job.state = "queued"
        bisect.insort(self._queues[job.priority], (job.seq, job.id))
        self._journal_of[job.id].save(job)
        self._observers.emit(JobEvent("state", job))

    def _dequeue(self, job: Job) -> None:
        queue = self._queues[job.priority]
        i = bisect.bisect_left(queue, (job.seq, job.id))
        if i < len(queue) and queue[i][1] == job.id:
            del queue[i]

    def _set_state(self, job: Job, state: str) -> None:
        job.state = state
        if state in ("loading", "running") and job.started_at is None:
            job.started_at = time.time()
            job.metrics.queue_wait_s = round(job.started_at - job.submitted_at, 4)
        self._journal_of[job.id].save(job)
        self._observers.emit(JobEvent("state", job))

    def _finish(self, job: Job, state: str, error: str | None = None, cache: bool = False) -> None:
        job.state, job.error, job.finished_at = state, error, time.time()
        if state == "done":
            self._done_times.append(time.monotonic())
        self._skips.pop(job.id, None)
        self._journal_of[job.id].save(job, cache_key=job.cache_key if cache else None)
        self._observers.emit(JobEvent("state", job))
        self._finished.notify_all()

    def _finish_from_cache(self, job: Job) -> bool:
        result = self._journal_of[job.id].cached(job.cache_key)
        if result is None:
            return False
        job.result = result
        job.metrics = JobMetrics(queue_wait_s=0.0, run_s=0.0, cache_hit=True)
        job.metrics.output = dict(result.metrics)
        job.started_at = time.time()
        self._cache_hits += 1
        self._finish(job, "done")
        return True
