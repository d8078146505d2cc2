"""Jobs through the scheduler, and one job's result into a project under its write lock.

    results = run_jobs([(kind, engine, request), ...], project_dir)        # in parallel, results in order
    job = run_job("sfx", None, request, folder)                          # one job, waited for
    job, asset = generate_into(folder, "sfx", None, request)              # generate, then import and save

Generation runs without the project's lock (it only writes the job journal and its outputs); the lock is
taken for the short read-import-save that follows, and the project is re-read under it, so a change
another writer saved meanwhile is kept, never overwritten.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pipelines.base import GenerationError, GenerationResult, Request

JobSpec = tuple[str, "str | None", Request]  # (kind, engine or None for the default, request)
Progress = Callable[[float, str], None]


def run_jobs(
    jobs: Sequence[JobSpec],
    project_dir: str | Path | None,
    *,
    scheduler: Any = None,
    progress: Progress | None = None,
    priority: str = "batch",
) -> list[GenerationResult]:
    """Submit every job at once (they run in parallel on the worker pool), wait, and return the results in
    order; a GenerationError names the first job that failed.

    Without ``scheduler`` one is started for ``project_dir`` and shut down afterwards; pass the GUI's to share
    its workers and resident models. Results are cached in the project's journal, so a re-run after a failure
    regenerates only what failed.
    """
    from studio.scheduler import Scheduler

    own = scheduler is None
    sched = Scheduler(project_dir) if own else scheduler
    unsubscribe = None
    try:
        submitted = [
            sched.submit(kind, engine, request, priority=priority, project_dir=project_dir)
            for kind, engine, request in jobs
        ]
        if progress is not None and submitted:
            unsubscribe = sched.subscribe(_overall_progress([j.id for j in submitted], progress))
        finished = sched.wait([job.id for job in submitted])
    finally:
        if unsubscribe is not None:
            unsubscribe()
        if own:
            sched.shutdown()
    for i, job in enumerate(finished):
        if job.state != "done" or job.result is None:
            prompt = str(job.request.get("prompt", ""))[:60]
            raise GenerationError(
                f"job {i + 1} of {len(jobs)} ({job.kind}/{job.engine} {prompt!r}) "
                f"{job.state}: {job.error or 'no result'}"
            )
    return [job.result for job in finished]


def _overall_progress(job_ids: list[str], progress: Progress) -> Callable[[Any], None]:
    """A scheduler observer that reports the mean progress of ``job_ids`` as one bar."""
    fractions = dict.fromkeys(job_ids, 0.0)

    def on_event(event: Any) -> None:
        if event.job.id not in fractions:
            return
        if event.type == "progress" and event.fraction is not None:
            fractions[event.job.id] = max(fractions[event.job.id], float(event.fraction))
        elif event.job.finished:
            fractions[event.job.id] = 1.0
        done = sum(1 for f in fractions.values() if f >= 1.0)
        progress(sum(fractions.values()) / len(fractions), f"generating: {done}/{len(fractions)} done")

    return on_event


def run_job(
    kind: str,
    engine: str | None,
    request: Request,
    project_dir: str | Path | None = None,
    *,
    scheduler: Any = None,
    priority: str = "interactive",
    use_cache: bool = True,
    on_event: Callable[[Any], None] | None = None,
) -> Any:
    """Run one job in the journal of ``project_dir`` (None: the user data folder) and return the finished Job;
    a GenerationError says why it did not finish. Ctrl+C cancels the job."""
    from studio.scheduler import Scheduler

    own = scheduler is None
    sched = Scheduler(project_dir, resume=False) if own else scheduler
    unsubscribe = sched.subscribe(on_event) if on_event is not None else None
    try:
        job = sched.submit(kind, engine, request, priority=priority, project_dir=project_dir, use_cache=use_cache)
        try:
            sched.wait([job.id])
        except KeyboardInterrupt:
            sched.cancel(job.id)
            raise
    finally:
        if unsubscribe is not None:
            unsubscribe()
        if own:
            sched.shutdown()
    if job.state != "done" or job.result is None:
        raise GenerationError(f"{kind} job {job.id} {job.state}: {job.error or 'no result'}")
    return job


def generate_into(
    project_dir: str | Path,
    kind: str,
    engine: str | None,
    request: Request,
    *,
    name: str | None = None,
    command: str = "studio generate",
    **run: Any,
) -> tuple[Any, Any]:
    """Run one job for the project at ``project_dir`` (``run``: run_job's options), then import its result
    (every file) into the project and save it, holding the write lock only for that. Returns (job, asset)."""
    from studio.io.paths import project_dir_of

    folder = project_dir_of(project_dir)
    job = run_job(kind, engine, request, folder, **run)
    return job, merge_result(folder, job.result, name=name, command=command)


def merge_result(
    project_dir: str | Path, result: GenerationResult, *, name: str | None = None, command: str = "studio"
) -> Any:
    """Import ``result`` into the project saved at ``project_dir``: re-read it under the write lock, import,
    save. Returns the primary asset."""
    from studio.io import load_project, save_project
    from studio.io.lock import ProjectLock
    from studio.produce.assets import import_result

    with ProjectLock(project_dir, command):
        project = load_project(project_dir)
        asset = import_result(project_dir, project, result, name=name)
        save_project(project, project_dir)
    return asset
