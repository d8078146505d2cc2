"""``studio jobs``: list the journal's jobs with state and metrics; ``cancel ID``; ``retry ID``.

Listing reads the journal only. ``cancel`` of a job another studio process is running sets a flag
that process reads before starting the job and at its next progress report; ``retry`` runs the
job here (it refuses while another studio process owns the journal).
"""

from __future__ import annotations

import argparse

from studio.cli.output import Output, add_output_options, job_document


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "jobs",
        help="list generation jobs; cancel or retry one",
        description="List jobs with their state and metrics (queue wait, load, run time, "
        "output per second, cache hits). `studio jobs cancel ID`, `studio jobs retry ID`.",
    )
    p.add_argument("action", nargs="?", choices=("list", "cancel", "retry"), default="list")
    p.add_argument("job_id", nargs="?", help="the job (for cancel and retry)")
    p.add_argument("--project", help="the project folder (default: jobs run without a project)")
    p.add_argument("--last", type=int, default=50, help="list only the last N jobs (default 50; 0: all)")
    add_output_options(p, progress=True)
    p.set_defaults(func=run_jobs)


def run_jobs(args: argparse.Namespace) -> int:
    from studio.scheduler.journal import Journal
    from studio.scheduler.paths import JobPlace

    out = Output(args, "jobs")
    project_dir = None
    if args.project:
        from studio.io.paths import project_dir_of

        project_dir = project_dir_of(args.project)
    place = JobPlace.for_project(project_dir)
    if not place.journal.exists():
        if args.action != "list":
            raise SystemExit(f"studio: error: no job {args.job_id!r} in {place.root} (no jobs yet)")
        out.say(f"no jobs yet in {place.root}")
        return out.done({"jobs": [], "counts": {}, "cache_hits": 0, "jobs_per_min": None})
    journal = Journal(place)
    try:
        if args.action == "list":
            return _list(out, journal, args.last)
        if not args.job_id:
            raise SystemExit(f"studio: error: say which job to {args.action}: studio jobs {args.action} ID")
        job = journal.job(args.job_id)
        if job is None:
            raise SystemExit(f"studio: error: no job {args.job_id!r} in {place.root}")
        owner = journal.owner_pid()
        if args.action == "cancel":
            return _cancel(out, journal, job, owner)
    finally:
        journal.close()
    return _retry(out, project_dir, args.job_id, owner)


def _list(out: Output, journal, last: int) -> int:
    jobs = journal.jobs(mark_interrupted=True)  # a job whose studio process died shows as interrupted
    shown = jobs[-last:] if last else jobs
    for job in shown:
        out.say(job.summary())
    done = [j for j in jobs if j.state == "done"]
    hits = sum(1 for j in done if j.metrics.cache_hit)
    states: dict[str, int] = {}
    for j in jobs:
        states[j.state] = states.get(j.state, 0) + 1
    span = [j.finished_at for j in done if j.finished_at] + [j.submitted_at for j in done]
    minutes = (max(span) - min(span)) / 60 if len(span) > 1 else 0.0
    rate = f", {len(done) / minutes:.1f} jobs/min" if minutes > 0 else ""
    if not (out.json or out.quiet):
        print(
            f"{len(jobs)} jobs: "
            + ", ".join(f"{n} {s}" for s, n in sorted(states.items()))
            + f"; {hits} cache hits{rate}",
            file=out.stderr,
        )
    return out.done(
        {
            "jobs": [job_document(j) for j in shown],
            "counts": states,
            "cache_hits": hits,
            "jobs_per_min": round(len(done) / minutes, 2) if minutes > 0 else None,
        }
    )


def _cancel(out: Output, journal, job, owner: int | None) -> int:
    if job.finished:
        out.say(f"{job.id} is already {job.state}")
        return out.done({"job": job_document(job), "outcome": "already finished"})
    if owner is not None:
        journal.request_cancel(job.id)
        out.say(f"asked studio process {owner} to cancel {job.id}")
        return out.done({"job": job_document(job), "outcome": "cancel requested", "owner_pid": owner})
    import time

    job.state, job.cancel_requested, job.finished_at = "cancelled", True, time.time()  # nobody is running it
    journal.save(job)
    out.say(f"cancelled {job.id}")
    return out.done({"job": job_document(job), "outcome": "cancelled"})


def _retry(out: Output, project_dir, job_id: str, owner: int | None) -> int:
    from pipelines.base import GenerationError
    from studio.scheduler.scheduler import Scheduler

    if owner is not None:
        raise SystemExit(f"studio: error: studio process {owner} is running these jobs; retry from there")
    bar = out.progress("retry")
    with Scheduler(project_dir, resume=False) as scheduler:
        scheduler.subscribe(
            lambda e: (
                bar(e.fraction, e.message)
                if e.type == "progress"
                else bar(1.0, "done")
                if e.job.state == "done"
                else None
            )
        )
        try:
            job = scheduler.retry(job_id)
        except ValueError as exc:
            raise SystemExit(f"studio: error: {exc}") from None
        try:
            scheduler.wait([job.id])
        finally:
            bar.close()
    if job.state != "done" or job.result is None:
        raise GenerationError(f"job {job.id} {job.state} again: {job.error or 'no result'}")
    for f in job.result.files:
        out.say(f"{f.role}: {f.path}")
    out.say(job.summary())
    return out.done({"job": job_document(job), "outcome": "done"})
