"""The local inference scheduler: one object that the GUI, the CLI and renders submit jobs to.

    scheduler = Scheduler(project_dir)            # resumes that project's unfinished jobs
    job = scheduler.submit("sfx", None, request, priority="interactive")
    scheduler.subscribe(on_event)                 # state changes and progress, pushed
    scheduler.wait([job.id]); scheduler.shutdown()

The scheduler owns the jobs and their life: states, events, the result cache, and turning worker
reports into states. The parts it composes each own their state: ``JobQueue`` (queue.py) what waits and
in which order, ``WorkerPool`` (pool.py) the worker processes and the models resident in them,
``JournalSet`` (journals.py) the SQLite journals jobs are recorded in, and ``RayExecutor``
(ray_backend.py) a cluster when one is used. Results are cached on (kind, engine, version, request hash);
every state change is journaled, so a crashed or killed host resumes unfinished jobs and never redoes
finished ones.
"""

from __future__ import annotations

import collections
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Self

from pipelines import registry
from pipelines.base import GenerationResult, Request, RequestError
from pipelines.registry import EngineSpec
from studio.scheduler.events import JobEvent, Observer, Observers
from studio.scheduler.jobs import PRIORITIES, Job, JobMetrics, check_priority, new_job_id
from studio.scheduler.journal import Journal
from studio.scheduler.journals import JournalSet
from studio.scheduler.paths import DONE_MARK
from studio.scheduler.pool import WorkerPool
from studio.scheduler.queue import JobQueue
from studio.scheduler.worker_handle import WorkerProcess, describe_exit

QUIET_ERRORS = {"RequestError", "WeightsMissingError", "GenerationError"}  # their message says it all
RESUMES_AFTER_INTERRUPTION = 1  # a job whose process died runs once more; interrupted again, it fails


class Scheduler:
    """Jobs, their states and events, and the result cache. Construct one explicitly and pass it around."""

    def __init__(
        self,
        project_dir: str | Path | None = None,
        *,
        cpu_workers: int | None = None,
        memory_budget_mb: int | None = None,
        gpu_memory_budget_mb: int | None = None,
        worker_memory_limit_mb: int | None = None,
        reorder_window: int = 32,
        max_batch: int = 8,
        cancel_grace_s: float = 10.0,
        use_cache: bool = True,
        resume: bool = True,
        ray_address: str | None = None,
    ):
        self._lock = threading.RLock()
        self._finished = threading.Condition(self._lock)
        self._observers = Observers()
        self._jobs: dict[str, Job] = {}
        self._specs: dict[str, EngineSpec] = {}  # job id -> engine spec
        self._checkers: dict[str, Any] = {}  # unloaded generators, for their request checks
        self._done_keys: set[str] = set()  # cache keys finished this session (a queued twin may now hit)
        self._unfinished: dict[tuple[Path, str], str] = {}  # (journal root, cache key) -> queued or running job
        self._resumed: dict[tuple[Path, str], str] = {}  # the same, for jobs resumed from a journal this session
        self.queue = JobQueue()
        self.journals = JournalSet()
        self.pool = WorkerPool(
            self._on_message,
            self._on_exit,
            self._on_gpus_counted,
            cpu_workers=cpu_workers,
            memory_budget_mb=memory_budget_mb,
            gpu_memory_budget_mb=gpu_memory_budget_mb,
            worker_memory_limit_mb=worker_memory_limit_mb,
            reorder_window=reorder_window,
            max_batch=max_batch,
        )
        self.cancel_grace_s = cancel_grace_s
        self.use_cache = use_cache
        self._cache_hits = 0
        self._started = time.monotonic()
        self._done_times: list[float] = []
        self._closed = False
        self._remote = None
        if ray_address:
            from studio.scheduler.ray_backend import RayExecutor

            self._remote = RayExecutor(ray_address, self._on_remote_done, self._on_remote_failed)
        self.attach(project_dir, resume=resume)

    @property
    def cpu_workers(self) -> int:
        return self.pool.cpu_workers

    @property
    def budgets(self) -> dict[str, int | None]:
        return self.pool.budgets

    # ------------------------------------------------------------------ public API
    def subscribe(self, callback: Observer) -> Any:
        """Call ``callback(JobEvent)`` on every state change and progress report; returns an unsubscribe."""
        return self._observers.subscribe(callback)

    def attach(self, project_dir: str | Path | None, resume: bool = True) -> Journal:
        """Open the journal of a project (None: the user data folder) and resume its unfinished jobs.

        If another live studio process owns that journal (the GUI while `studio generate` runs), this
        scheduler is a guest: it adds and runs its own jobs there but leaves the owner's unfinished ones alone.
        """
        known = self.journals.known(project_dir)
        if known is not None:
            return known
        with self._lock:
            journal, owner = self.journals.open(project_dir)
            if owner is None:
                return journal
            self.queue.continue_after(journal.next_seq())  # new jobs after old ones
            interrupted = journal.interrupted()
            for job in journal.jobs():  # known (listable, retryable) even when not resumed
                if not job.finished and job.id not in interrupted:
                    continue  # a live studio process (the owner or a guest) is running it
                if not job.finished and resume and not journal.claim(job.id, interrupted[job.id]):
                    continue  # another process reopening the journal took it over first
                self._jobs.setdefault(job.id, job)
                self.journals.assign(job, journal)
                if resume and not job.finished:
                    self._resume(job)
            self._dispatch()
            return journal

    def submit(
        self,
        kind: str,
        engine: str | None,
        request: Request | dict[str, Any],
        priority: str = "batch",
        project_dir: str | Path | None = None,
        use_cache: bool | None = None,
    ) -> Job:
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
        job = Job(
            new_job_id(),
            kind,
            spec.engine,
            spec.version,
            request.to_dict(),
            request.content_hash(),
            priority=priority,
            project_dir=str(journal.place.root) if project_dir is not None else None,
        )
        with self._lock:
            if self._closed:
                raise RuntimeError("the scheduler has been shut down")
            twin = self._unfinished.get((journal.place.root, job.cache_key))
            resumed = self._resumed.get((journal.place.root, job.cache_key))
            if twin is None and resumed is not None and self._jobs[resumed].state == "done":
                twin = resumed  # resumed after a kill and already done again (adopted from its worker's files)
            if twin is not None and (self.use_cache if use_cache is None else use_cache):
                # the same request is already queued or running (resumed after a kill, or asked twice): one run
                if PRIORITIES[priority] < PRIORITIES[self._jobs[twin].priority]:
                    self.reprioritize(twin, priority)
                return self._jobs[twin]
            self.queue.stamp(job)
            self._jobs[job.id] = job
            self._specs[job.id] = spec
            self.journals.assign(job, journal)
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
                self.queue.remove(job)
                self._finish(job, "cancelled")
            elif self._remote is not None:
                self._remote.cancel(job.id)
            else:
                worker = self.pool.running(job)
                if worker is not None:
                    worker.send("cancel", job.id)
                    timer = threading.Timer(self.cancel_grace_s, self._kill_if_still_running, (worker, job))
                    timer.daemon = True
                    timer.start()
            self.journals.of(job).save(job)
            return job

    def retry(self, job_id: str) -> Job:
        """Queue a failed or cancelled job again (same id, one more attempt)."""
        with self._lock:
            job = self._job(job_id)
            journal = self.journals.of(job)
            dead = journal.interrupted() if not job.finished else {}
            interrupted = job.id in dead and journal.claim(job.id, dead[job.id])  # its studio process died
            if job.state not in ("failed", "cancelled") and not interrupted:
                raise ValueError(
                    f"job {job_id} is {job.state}; only failed, cancelled or interrupted jobs can be retried"
                )
            job.attempts += 1
            job.interrupted = 0
            job.error, job.result, job.metrics = None, None, JobMetrics()
            job.cancel_requested = False
            job.started_at = job.finished_at = None
            job.submitted_at = time.time()
            self.queue.stamp(job)
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
                self.queue.remove(job)
                job.priority = priority
                self.queue.push(job)
                self._dispatch()
            else:
                job.priority = priority
            self.journals.of(job).save(job)
            self._observers.emit(JobEvent("state", job))
            return job

    def start_workers(self, timeout: float = 30.0) -> None:
        """Start the whole CPU pool now and wait until it is ready (the GUI can warm up at launch)."""
        with self._lock:
            self.pool.start_all(self._finished.wait, timeout)

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
            return {
                "jobs": states,
                "jobs_per_min": round(len(self._done_times) / minutes, 2),
                "model_loads": self.pool.loads,
                "cache_hits": self._cache_hits,
                "budgets_mb": dict(self.pool.budgets),
                "workers": self.pool.stats(),
            }

    def shutdown(self, timeout: float = 2.0) -> None:
        """Stop the workers and close the journals; unfinished jobs stay queued there for next time."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self.pool.stop_all(timeout)
        if self._remote is not None:
            self._remote.close()
        with self._lock:
            self.journals.close_all()
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
        self._resumed[(self.journals.of(job).place.root, job.cache_key)] = job.id
        try:
            self._specs[job.id] = registry.spec(job.kind, job.engine)
        except RequestError as exc:
            job.state, job.error = "failed", f"cannot resume: {exc}"
            self.journals.of(job).save(job)
            return
        self.queue.stamp(job)
        if job.state != "queued" and self._adopt_finished(job):
            return  # it had finished; its process died before recording that
        if job.state != "queued":  # it was loading or running when its process died
            job.interrupted += 1
            if job.interrupted > RESUMES_AFTER_INTERRUPTION:
                self._finish(
                    job,
                    "failed",
                    f"interrupted {job.interrupted} times (the studio process running it "
                    f"was killed); run it again with: studio jobs retry {job.id}",
                )
                return
            job.attempts += 1
        self._enqueue(job)

    def _adopt_finished(self, job: Job) -> bool:
        """Finish an interrupted job from the files its worker completed (``DONE_MARK`` in its partial folder)."""
        import json

        mark = self.journals.partial_dir(job) / DONE_MARK
        try:
            done = json.loads(mark.read_text())
            result = GenerationResult.from_dict(done["result"])
        except (OSError, ValueError, KeyError, TypeError):
            return False
        if not result.files or not all(f.path.exists() for f in result.files):
            return False
        mark.unlink()
        self._on_done(job.id, done["result"], float(done.get("run_s") or 0.0))
        return job.state == "done"

    def _enqueue(self, job: Job) -> None:
        job.state = "queued"
        self._unfinished[(self.journals.of(job).place.root, job.cache_key)] = job.id
        self.queue.push(job)
        self.journals.of(job).save(job)
        self._observers.emit(JobEvent("state", job))

    def _set_state(self, job: Job, state: str) -> None:
        job.state = state
        if state in ("loading", "running") and job.started_at is None:
            job.started_at = time.time()
            job.metrics.queue_wait_s = round(job.started_at - job.submitted_at, 4)
        self.journals.of(job).save(job)
        self._observers.emit(JobEvent("state", job))

    def _finish(self, job: Job, state: str, error: str | None = None, cache: bool = False) -> None:
        job.state, job.error, job.finished_at = state, error, time.time()
        key = (self.journals.of(job).place.root, job.cache_key)
        if self._unfinished.get(key) == job.id:
            del self._unfinished[key]
        if state == "done":
            self._done_times.append(time.monotonic())
        self.queue.forget(job.id)
        self.journals.of(job).save(job, cache_key=job.cache_key if cache else None)
        self._observers.emit(JobEvent("state", job))
        self._finished.notify_all()

    def _finish_from_cache(self, job: Job) -> bool:
        result = self.journals.of(job).cached(job.cache_key)
        if result is None:
            return False
        job.result = result
        job.metrics = JobMetrics(queue_wait_s=0.0, run_s=0.0, cache_hit=True)
        job.metrics.output = dict(result.metrics)
        job.started_at = time.time()
        self._cache_hits += 1
        self._finish(job, "done")
        return True

    # ------------------------------------------------------------------ dispatch (lock held)
    def _pool_of(self, job: Job) -> str | None:
        return self.pool.pool_of(self._specs[job.id])

    def _on_gpus_counted(self, count: int) -> None:
        with self._lock:
            self.pool.add_gpu_workers(count)
            self._dispatch()

    def _dispatch(self) -> None:
        """Give idle workers work; start CPU workers (up to the pool size) while jobs wait."""
        if self._closed:
            return
        if self._remote is not None:
            for job_id in list(self.queue):
                self._send_remote(self._jobs[job_id])
            return
        for worker in self.pool.idle():
            if worker.ready and worker.alive and not worker.busy:  # an earlier fill may have used it
                self._fill(worker)
        if len(self.pool.members("cpu")) < self.pool.cpu_workers:
            self.pool.grow(sum(1 for i in self.queue if self._pool_of(self._jobs[i]) == "cpu"))

    def _fill(self, worker: WorkerProcess) -> None:
        while True:
            lanes = [
                (self._jobs[i] for i in self.queue.lane(p) if self._pool_of(self._jobs[i]) == worker.pool)
                for p in PRIORITIES
            ]
            batch = self.pool.choose(
                worker,
                lanes,
                lambda j: self._specs[j.id].model_key,
                lambda j: self._specs[j.id].memory_mb,
                lambda j: self._specs[j.id].supports_batching,
                self.queue.skips,
            )
            if not batch:
                return
            runnable = []
            for job in batch:
                self.queue.remove(job)
                if self.journals.cancelled_elsewhere(job):  # asked from another process (studio jobs cancel)
                    job.cancel_requested = True
                    self._finish(job, "cancelled")
                elif not (self.use_cache and job.cache_key in self._done_keys and self._finish_from_cache(job)):
                    runnable.append(job)
            if runnable:
                self._run_on(worker, runnable)
                return

    def _run_on(self, worker: WorkerProcess, jobs: list[Job]) -> None:
        spec = self._specs[jobs[0].id]
        evict = self.pool.load(worker, spec, jobs)
        payload = []
        for job in jobs:
            job.metrics.worker = worker.name
            job.metrics.batch_size = len(jobs)
            self.journals.discard_partial(job)
            payload.append({"id": job.id, "request": job.request, "partial": str(self.journals.partial_dir(job))})
        worker.send("run", {"spec": spec.to_dict(), "jobs": payload, "evict": evict})

    def _kill_if_still_running(self, worker: WorkerProcess, job: Job) -> None:
        with self._lock:
            if not job.finished and any(j is job for j in worker.batch):
                worker.kill()  # the engine ignored the cancel; its exit handler marks the job cancelled

    # ------------------------------------------------------------------ worker reports
    def _on_message(self, worker: WorkerProcess, message: tuple) -> None:
        with self._lock:
            if self._closed:  # shutting down: jobs in flight stay unfinished in the journal, resumed next time
                return
            kind = message[0]
            if kind == "ready":
                self.pool.note_ready(worker, message[1])
                self._dispatch()
            elif kind in ("loading", "running"):
                for job in self._batch_jobs(worker, message[1]):
                    self._set_state(job, kind)
            elif kind == "loaded":
                self.pool.loads += 1
                for job in worker.batch:
                    job.metrics.load_s = round(message[2], 4)
            elif kind == "progress":
                for job in self._batch_jobs(worker, message[1]):
                    self._observers.emit(JobEvent("progress", job, message[2], message[3], message[4]))
                if time.monotonic() - worker.checked_cancel > 0.25:  # a cancel from another process
                    worker.checked_cancel = time.monotonic()
                    for job in self._batch_jobs(worker, message[1]):
                        if self.journals.cancelled_elsewhere(job):
                            self.cancel(job.id)
            elif kind == "done":
                self._on_done(message[1], message[2], message[3])
            elif kind == "failed":
                _, job_id, error_type, text, _detail, oom = message
                if oom and worker.batch_key:
                    worker.resident.pop(worker.batch_key, None)
                job = self._jobs.get(job_id)
                if job is not None and not job.finished:
                    self.journals.discard_partial(job)
                    if error_type == "Cancelled" or job.cancel_requested:
                        self._finish(job, "cancelled")
                    else:
                        self._finish(job, "failed", text if error_type in QUIET_ERRORS else f"{error_type}: {text}")
            elif kind == "idle":
                worker.mark_idle()
                self._dispatch()

    def _batch_jobs(self, worker: WorkerProcess, ids: list[str]) -> list[Job]:
        return [j for j in worker.batch if j.id in ids and not j.finished]

    def _on_done(self, job_id: str, result: dict[str, Any], run_s: float) -> None:
        job = self._jobs.get(job_id)
        if job is None or job.finished:
            return
        if job.cancel_requested:  # cancelled while batched with others: drop its result
            self.journals.discard_partial(job)
            self._finish(job, "cancelled")
            return
        (self.journals.partial_dir(job) / DONE_MARK).unlink(missing_ok=True)
        final = self.journals.keep_result(job, GenerationResult.from_dict(result))
        job.result = final
        job.metrics.run_s = round(run_s, 4)
        job.metrics.set_output(final.metrics)
        self._done_keys.add(job.cache_key)
        self._finish(job, "done", cache=True)  # the job and its cache entry in one transaction

    def _on_exit(self, worker: WorkerProcess, returncode: int) -> None:
        with self._lock:
            give_up = self.pool.remove(worker)
            if self._closed:
                return
            for job in worker.batch:
                if job.finished:
                    continue
                self.journals.discard_partial(job)
                if job.cancel_requested:
                    self._finish(job, "cancelled")
                else:
                    self._finish(
                        job,
                        "failed",
                        f"the worker process died ({describe_exit(returncode)}) "
                        f"while running this job; other jobs are unaffected",
                    )
            worker.batch = []
            if give_up:  # workers keep dying as they start: fail that pool's queue instead of looping
                for job_id in list(self.queue):
                    job = self._jobs[job_id]
                    if self._pool_of(job) == worker.pool:
                        self.queue.remove(job)
                        self._finish(
                            job,
                            "failed",
                            f"worker processes cannot start ({describe_exit(returncode)}); see the messages on stderr",
                        )
            self._dispatch()

    # ------------------------------------------------------------------ Ray
    def _send_remote(self, job: Job) -> None:
        self.queue.remove(job)
        if self.use_cache and self._finish_from_cache(job):
            return
        self._set_state(job, "running")
        self._remote.submit(
            job.id,
            self._specs[job.id],
            job.request,  # type: ignore[union-attr]
            self.journals.partial_dir(job),
        )

    def _on_remote_done(self, job_id: str, result: dict[str, Any], run_s: float, load_s: float) -> None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is not None:
                job.metrics.load_s = round(load_s, 4)
                self.pool.loads += 1
                self._on_done(job_id, result, run_s)

    def _on_remote_failed(self, job_id: str, error_type: str, text: str) -> None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is not None and not job.finished:
                self.journals.discard_partial(job)
                cancelled = error_type in ("Cancelled", "TaskCancelledError") or job.cancel_requested
                self._finish(job, "cancelled" if cancelled else "failed", None if cancelled else text)
