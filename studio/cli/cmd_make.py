"""``studio make``: a Markdown storyboard to a finished clip and an editable project."""

from __future__ import annotations

import argparse

from studio.cli.output import Output, add_output_options, job_document


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "make",
        help="turn a storyboard into a finished clip",
        description="Generate every shot, narration line, effect and the music of a Markdown "
        "storyboard through the scheduler, assemble the timeline, and render it. The project "
        "folder is written next to the output (or at --project) for `studio gui`. Running it "
        "again regenerates only what the storyboard changed.",
    )
    p.add_argument("storyboard", help="the storyboard .md file")
    p.add_argument("-o", "--output", help="the file to write, e.g. film.mp4 (not needed with --plan)")
    p.add_argument("--project", help="the project folder (default: OUTPUT with a .studio suffix)")
    p.add_argument("--preset", help="render preset (default: the storyboard's, else web-720p)")
    p.add_argument("--plan", action="store_true", help="list the jobs and the timeline, then stop")
    p.add_argument(
        "--allow-outside", action="store_true", help="let Image: and Object: name files outside the storyboard's folder"
    )
    p.add_argument("--ray", metavar="ADDRESS", help="run the jobs on a Ray cluster: auto, ray://HOST:10001, or local")
    add_output_options(p, progress=True)
    p.set_defaults(func=run_make)


def run_make(args: argparse.Namespace) -> int:
    from studio.storyboard.make import make_film
    from studio.storyboard.parse import load_storyboard

    out = Output(args, "make")
    if not args.plan and not args.output:
        raise SystemExit("studio make: error: give -o OUTPUT (or --plan)")
    if args.plan and not (args.output or args.project):
        raise SystemExit("studio make: error: --plan needs -o OUTPUT or --project to look for cached jobs")
    bar = None if args.plan else out.progress("make")
    try:
        board = load_storyboard(args.storyboard, allow_outside=args.allow_outside)
        report = make_film(
            board,
            args.output,
            project_dir=args.project,
            preset=args.preset,
            plan_only=args.plan,
            progress=bar,
            ray_address=args.ray,
        )
    finally:
        if bar is not None:
            bar.close()
    jobs = [
        {
            "key": r.planned.key,
            "kind": r.planned.kind,
            "cached": r.cached,
            "job": job_document(r.job) if r.job is not None else None,
        }
        for r in report.records
    ]
    if args.plan:
        out.say("\n".join(report.plan_lines()))
        return out.done(
            {"plan": True, "project": str(report.project_dir), "jobs": jobs, "scene_seconds": report.durations}
        )
    if not (out.quiet or out.json):
        for record in report.records:
            print(f"  {record.planned.key:<28} {record.job.summary()}", file=out.stderr)
    for warning in report.warnings:
        out.warn(warning)
    out.say(report.summary())
    out.say(f"project: {report.project_dir}  (open it with: studio gui {report.project_dir})")
    out.say(f"wrote {report.output}" + "".join(f", {p.name}" for p in report.captions))
    return out.done(
        {
            "output": str(report.output),
            "project": str(report.project_dir),
            "jobs": jobs,
            "seconds": report.seconds,
            "kept": report.kept,
            "replaced": report.replaced,
            "captions": [str(p) for p in report.captions],
            "warnings": report.warnings,
        }
    )
