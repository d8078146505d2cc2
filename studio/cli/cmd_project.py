"""``studio new``, ``studio info`` and ``studio recover``: make, inspect and rescue a project folder."""

from __future__ import annotations

import argparse

from studio.cli.output import Output, add_output_options


def register(subparsers) -> None:
    new = subparsers.add_parser(
        "new",
        help="create a project folder",
        description="Create a project folder with a video track and an audio track.",
    )
    new.add_argument("path", help="the folder to create, e.g. MyFilm.studio")
    new.add_argument("--name", help="the project's name (default: from the folder name)")
    new.add_argument("--rate", default="24", help="frame rate: 24, 25, 30, 29.97, 30000/1001 ... (default 24)")
    new.add_argument("--size", default="1920x1080", help="picture size WIDTHxHEIGHT (default 1920x1080)")
    new.set_defaults(func=run_new)

    info = subparsers.add_parser(
        "info",
        help="show a project's timeline",
        description="Print the timeline: tracks, clips, durations, and any missing media.",
    )
    info.add_argument("project", help="the project folder")
    add_output_options(info)
    info.set_defaults(func=run_info)

    recover = subparsers.add_parser(
        "recover",
        help="restore the newest autosave",
        description="Replace "
        "project.json with the newest autosave written after it (the old file is kept "
        "in autosave/).",
    )
    recover.add_argument("project", help="the project folder")
    recover.set_defaults(func=run_recover)


def parse_size(text: str) -> tuple[int, int]:
    width, sep, height = text.lower().partition("x")
    if (
        not sep
        or not width.isdigit()
        or not height.isdigit()
        or not 16 <= int(width) <= 8192
        or not 16 <= int(height) <= 8192
    ):
        raise SystemExit(f"studio: error: size {text!r} must look like 1920x1080 (16 to 8192 pixels each way)")
    return int(width), int(height)


def run_new(args: argparse.Namespace) -> int:
    from studio.io import create_project
    from studio.model.time import parse_rate

    width, height = parse_size(args.size)
    try:
        rate = parse_rate(args.rate)
    except (ValueError, ZeroDivisionError):
        raise SystemExit(
            f"studio: error: frame rate {args.rate!r} is not a number like 24, 29.97 or 30000/1001"
        ) from None
    project = create_project(args.path, args.name, rate=rate, width=width, height=height)
    print(f"created {project.name!r} in {args.path} ({width}x{height}, {_rate_text(rate)} fps)")
    return 0


def _rate_text(rate) -> str:
    return str(rate.numerator) if rate.denominator == 1 else f"{float(rate):.3f}"


def run_info(args: argparse.Namespace) -> int:
    from studio.io import load_project, missing_media
    from studio.io.paths import project_dir_of
    from studio.model import timecode

    out = Output(args, "info")
    folder = project_dir_of(args.project)
    project = load_project(folder)
    missing = missing_media(project, folder)
    pending = [
        c for tl in project.timelines for t in tl.tracks for c in t.clips if c.recipe is not None and c.asset_id is None
    ]
    if out.json:
        return out.done(info_document(project, folder, missing, pending))
    out.say(f"project {project.name!r}  ({folder})")
    for tl in project.timelines:
        out.say(
            f"timeline {tl.name!r}: {tl.width}x{tl.height}, {_rate_text(tl.rate)} fps, {tl.sample_rate} Hz, "
            f"{timecode(tl.duration, tl.rate)} ({float(tl.duration / tl.rate):.2f} s)"
        )
        if not tl.tracks:
            out.say("  (no tracks)")
        for track in tl.tracks:
            flags = "".join(f" [{f}]" for f in ("muted", "solo", "locked") if getattr(track, f))
            out.say(
                f"  {track.name} ({track.kind}) {len(track.clips)} clip{'s' * (len(track.clips) != 1)}, "
                f"ends {timecode(track.end, tl.rate)}{flags}"
            )
            for clip in sorted(track.clips, key=lambda c: c.position):
                out.say(
                    f"    {timecode(clip.position, tl.rate)}-{timecode(clip.end, tl.rate)} "
                    f"{float(clip.duration / tl.rate):6.2f} s  {clip.name}: {_source_text(project, clip)}"
                    f"{'' if clip.enabled else ' [disabled]'}"
                )
    if missing:
        out.say("missing media: " + ", ".join(a.path for a in missing))
    if pending:
        out.say(f"not generated yet: {', '.join(c.name for c in pending)} (studio render generates them)")
    if not missing and not pending:
        out.say("all media present")
    return out.done()


def info_document(project, folder, missing, pending) -> dict:
    """``studio info --json``: the project, its timelines, tracks, clips and assets (fields in the README)."""
    from studio.model import timecode

    missing_ids = {a.id for a in missing}

    def seconds(frames, rate) -> float:
        return round(float(frames / rate), 4)

    def source(clip) -> dict:
        if clip.asset_id is not None:
            return {"type": "asset", "asset_id": clip.asset_id}
        if clip.title is not None:
            return {"type": "title", "text": clip.title.text}
        if clip.recipe is not None:
            return {
                "type": "recipe",
                "kind": clip.recipe.kind,
                "engine": clip.recipe.engine,
                "prompt": str(clip.recipe.request.get("prompt", "")),
            }
        return {"type": "empty"}

    timelines = []
    for tl in project.timelines:
        tracks = [
            {
                "id": t.id,
                "name": t.name,
                "kind": t.kind,
                "muted": t.muted,
                "solo": t.solo,
                "locked": t.locked,
                "duck_under": t.duck_under,
                "duck_db": t.duck_db,
                "end_frame": t.end,
                "clips": [
                    {
                        "id": c.id,
                        "name": c.name,
                        "enabled": c.enabled,
                        "position": c.position,
                        "duration": c.duration,
                        "end": c.end,
                        "source_start": c.source_range.start,
                        "start_seconds": seconds(c.position, tl.rate),
                        "duration_seconds": seconds(c.duration, tl.rate),
                        "source": source(c),
                    }
                    for c in sorted(t.clips, key=lambda c: c.position)
                ],
            }
            for t in tl.tracks
        ]
        timelines.append(
            {
                "id": tl.id,
                "name": tl.name,
                "width": tl.width,
                "height": tl.height,
                "rate": str(tl.rate),
                "fps": round(float(tl.rate), 6),
                "sample_rate": tl.sample_rate,
                "duration_frames": tl.duration,
                "duration_seconds": seconds(tl.duration, tl.rate),
                "timecode": timecode(tl.duration, tl.rate),
                "tracks": tracks,
                "markers": [{"id": m.id, "frame": m.frame, "name": m.name, "color": m.color} for m in tl.markers],
            }
        )
    assets = [
        {
            "id": a.id,
            "name": a.name,
            "path": a.path,
            "kind": a.kind,
            "duration_seconds": None if a.duration_seconds is None else round(float(a.duration_seconds), 4),
            "engine": (a.provenance or {}).get("engine"),
            "related": a.related,
            "missing": a.id in missing_ids,
        }
        for a in project.assets.values()
    ]
    return {
        "project": {"name": project.name, "path": str(folder)},
        "timelines": timelines,
        "assets": assets,
        "missing_media": [a.path for a in missing],
        "not_generated": [{"clip_id": c.id, "name": c.name} for c in pending],
    }


def _source_text(project, clip) -> str:
    if clip.asset_id is not None:
        asset = project.assets.get(clip.asset_id)
        if asset is None:
            return f"unknown asset {clip.asset_id}"
        made = (asset.provenance or {}).get("engine")
        return f"{asset.kind} {asset.path}" + (f" (made by {made})" if made else "")
    if clip.title is not None:
        first = clip.title.text.splitlines()[0] if clip.title.text else ""
        return f"title {first!r}"
    if clip.recipe is not None:
        prompt = str(clip.recipe.request.get("prompt", ""))
        return f"{clip.recipe.kind} recipe ({clip.recipe.engine or 'default engine'}) {prompt[:60]!r}, not generated"
    return "empty"


def run_recover(args: argparse.Namespace) -> int:
    from studio.io import newest_autosave, recover
    from studio.io.paths import project_dir_of

    folder = project_dir_of(args.project)
    source = newest_autosave(folder)
    project = recover(folder)
    used = f" from {source.name}" if source is not None else ""
    print(f"recovered {project.name!r}{used}; the previous project.json is kept in {folder / 'autosave'}")
    return 0
