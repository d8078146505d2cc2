"""``studio render``: a project's timeline to a file, headless, generating recipe clips first."""

from __future__ import annotations

import argparse

from studio.cli.output import Output, add_output_options


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "render",
        help="render a project to MP4 (or WAV)",
        description="Render the project's "
        "timeline headless. Recipe clips without media are generated first (and the project "
        "saved). A progress bar goes to stderr; one summary line to stdout.",
    )
    p.add_argument("project", help="the project folder")
    p.add_argument("-o", "--output", required=True, help="the file to write, e.g. film.mp4 (audio-wav: .wav)")
    p.add_argument("--preset", default="web-1080p", help="web-1080p (default), web-720p, draft-360p or audio-wav")
    p.add_argument(
        "--range",
        metavar="START-END",
        help="render part of the timeline: seconds (2-7.5), MM:SS, "
        "HH:MM:SS or HH:MM:SS:FF; either side may be left out",
    )
    p.add_argument("--allow-missing", action="store_true", help="render missing media as black/silence")
    p.add_argument(
        "--captions",
        action="store_true",
        help="also write OUT.srt and OUT.vtt from the caption tracks (title clips on a track named Captions)",
    )
    p.add_argument("--no-generate", action="store_true", help="do not generate recipe clips (they count as missing)")
    p.add_argument(
        "--ray", metavar="ADDRESS", help="generate recipe clips on a Ray cluster: auto, ray://HOST:10001, or local"
    )
    add_output_options(p, progress=True)
    p.set_defaults(func=run_render)


def run_render(args: argparse.Namespace) -> int:
    from pathlib import Path

    from studio.io import load_project
    from studio.io.paths import project_dir_of
    from studio.produce import recipe_clips, run_recipes
    from studio.render import get_preset, render_timeline
    from studio.render.plan import parse_range
    from studio.render.render import check_output

    out = Output(args, "render")
    folder = project_dir_of(args.project)
    project = load_project(folder)
    preset = get_preset(args.preset)
    if not project.timelines:
        raise SystemExit("studio: error: the project has no timeline")
    frame_range = parse_range(args.range, project.timeline.rate) if args.range else None
    check_output(Path(args.output).expanduser().absolute(), preset)  # before any slow generation
    made: list = []
    if recipe_clips(project) and not args.no_generate:
        bar = out.progress("generate")
        scheduler = None
        if args.ray:
            from studio.scheduler import Scheduler

            scheduler = Scheduler(folder, ray_address=args.ray)
        try:
            project, made = run_recipes(folder, progress=bar, scheduler=scheduler)
        finally:
            bar.close()
            if scheduler is not None:
                scheduler.shutdown()
        if not out.quiet and not out.json:
            print(f"generated {len(made)} recipe clip{'s' * (len(made) != 1)} into {folder / 'media'}", file=out.stderr)
    bar = out.progress("render")
    try:
        summary = render_timeline(
            project,
            folder,
            args.output,
            preset=preset,
            frame_range=frame_range,
            allow_missing=args.allow_missing,
            progress=bar,
        )
    finally:
        bar.close()
    for warning in summary.warnings:
        out.warn(warning)
    out.say(summary.line())
    written: list = []
    if args.captions and preset.video:
        from studio.render.captions import write_caption_sidecars

        written = write_caption_sidecars(project.timeline, summary.path, frame_range)
        out.say("captions: " + (", ".join(str(p) for p in written) if written else "none on the timeline"))
    return out.done(
        {
            "output": str(summary.path),
            "preset": summary.preset,
            "frames": summary.frames,
            "seconds": float(summary.seconds),
            "size": list(summary.size) if summary.size else None,
            "bytes": summary.bytes,
            "elapsed_s": round(summary.elapsed, 3),
            "loudness_lufs": round(summary.loudness_lufs, 2),
            "warnings": summary.warnings,
            "generated_assets": [a.id for a in made],
            "captions": [str(p) for p in written],
        }
    )
