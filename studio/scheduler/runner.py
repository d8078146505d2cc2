"""The render path's runner: generate a list of (kind, engine, request) jobs through the scheduler."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipelines.base import GenerationError, GenerationResult, Request

RenderJob = tuple[str, "str | None", Request]


def scheduler_runner(project_dir: str | Path, scheduler: Any = None,
                     progress: Callable[[float, str], None] | None = None
                     ) -> Callable[[list[RenderJob]], list[GenerationResult]]:
    """A runner that submits all jobs at once (they run in parallel on the worker pool), waits, and
    returns the results in order; it raises a GenerationError naming the first failed job.

    Without ``scheduler`` it starts one for ``project_dir`` and shuts it down afterwards; pass the
    GUI's scheduler to share its workers and resident models. Results are cached in the project's
    journal, so a re-render after a failure regenerates only what failed.
    """

    def run(jobs: list[RenderJob]) -> list[GenerationResult]:
        from studio.scheduler.scheduler import Scheduler

        own = scheduler is None
        sched = Scheduler(project_dir) if own else scheduler
        unsubscribe = None
        try:
            submitted = [sched.submit(kind, engine, request, priority="batch", project_dir=project_dir)
                         for kind, engine, request in jobs]
            if progress is not None:
                fractions = {job.id: 0.0 for job in submitted}

                def on_event(event: Any) -> None:
                    if event.job.id not in fractions:
                        return
                    if event.type == "progress" and event.fraction is not None:
                        fractions[event.job.id] = event.fraction
                    elif event.job.finished:
                        fractions[event.job.id] = 1.0
                    done = sum(1 for f in fractions.values() if f >= 1.0)
                    progress(sum(fractions.values()) / len(fractions), f"generating: {done}/{len(fractions)} done")

                unsubscribe = sched.subscribe(on_event)
            finished = sched.wait([job.id for job in submitted])
        finally:
            if unsubscribe is not None:
                unsubscribe()
            if own:
                sched.shutdown()
        for i, job in enumerate(finished):
            if job.state != "done" or job.result is None:
                prompt = str(job.request.get("prompt", ""))[:60]
                raise GenerationError(f"job {i + 1} of {len(jobs)} ({job.kind}/{job.engine} {prompt!r}) "
                                      f"{job.state}: {job.error or 'no result'}")
        return [job.result for job in finished]

    return run
