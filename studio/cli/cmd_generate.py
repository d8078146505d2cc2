"""``studio generate KIND "prompt"``: one job through the scheduler, with a progress bar on stderr.

With ``--project`` the files are imported into the project's media (with provenance) and the
project is saved; without, they stay in the user data folder and ``-o`` copies the primary file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

KINDS = ("video", "song", "sfx", "voice", "3d")
KIND_NAMES = {"video": "video shots", "song": "songs", "sfx": "sound effects", "voice": "voice-over", "3d": "3d"}

# flag dest -> (the kind it belongs to, or None for several; the request field)
KIND_FLAGS: dict[str, tuple[tuple[str, ...], str]] = {
    "image": (("video",), "image"), "end_image": (("video",), "end_image"), "fps": (("video",), "fps"),
    "camera": (("video",), "camera"), "bpm": (("song",), "bpm"), "key": (("song",), "key"),
    "extend": (("song", "video"), "extend_from"), "seconds": (("song",), "extend_seconds"),
    "restyle": (("song",), "restyle_from"), "voice": (("voice",), "voice"), "speed": (("voice",), "speed"),
    "views": (("3d",), "num_views"), "views_dir": (("3d",), "views_dir"), "loop": (("sfx",), "loop"),
    "influence": (("sfx",), "prompt_influence"), "duration": (("video", "song", "sfx"), "duration"),
    "variations": (("video", "song", "sfx"), "variations"),
}


def register(subparsers) -> None:
    p = subparsers.add_parser("generate", help="generate one video shot, song, sound effect, voice-over or 3D object",
                              description="Run one generation job (a progress bar on stderr), then print the output "
                              "path(s) and the job's metrics. For 3d the positional argument is the image.")
    p.add_argument("kind", choices=KINDS)
    p.add_argument("prompt", nargs="?", default="", help="what to make (voice: the text to say; 3d: the IMAGE)")
    p.add_argument("--engine", help="engine name (default: the kind's default engine)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--duration", type=float, help="seconds (video, song, sfx)")
    p.add_argument("--variations", type=int, help="how many takes (video, song, sfx)")
    p.add_argument("--project", help="a project folder: the result is imported into its media")
    p.add_argument("-o", "--output", help="copy the primary file here")
    p.add_argument("--priority", choices=("interactive", "batch"), default="interactive")
    p.add_argument("--no-cache", action="store_true", help="generate even if this exact request was made before")
    video = p.add_argument_group("video")
    video.add_argument("--image", help="start image (image-to-video)")
    video.add_argument("--end-image", help="end image")
    video.add_argument("--size", metavar="WxH", help="frame size, e.g. 1280x720")
    video.add_argument("--fps", type=int)
    video.add_argument("--camera", help="static, push-in, pull-out, pan-left, pan-right, tilt-up, tilt-down, orbit, "
                       "handheld")
    song = p.add_argument_group("song")
    song.add_argument("--lyrics", metavar="FILE", help="lyrics with [verse]/[chorus] tags")
    song.add_argument("--bpm", type=float)
    song.add_argument("--key", help='e.g. "A minor"')
    song.add_argument("--extend", metavar="ASSET", help="a previous song (path or asset id) to extend")
    song.add_argument("--seconds", type=float, help="how many seconds to extend by")
    song.add_argument("--restyle", metavar="ASSET", help="a previous song (path or asset id) to restyle")
    voice = p.add_argument_group("voice")
    voice.add_argument("--voice", help="voice name")
    voice.add_argument("--script", metavar="FILE", help="a script file (SPEAKER: line) instead of the prompt")
    voice.add_argument("--speed", type=float)
    obj = p.add_argument_group("3d")
    obj.add_argument("--views", type=int, help="number of orbit views")
    obj.add_argument("--views-dir", metavar="DIR", help="train from a folder of posed views (transforms.json)")
    obj.add_argument("--export", metavar="FILE", help="copy the mesh here (e.g. model.glb)")
    sfx = p.add_argument_group("sfx")
    sfx.add_argument("--loop", action="store_true", default=None, help="make it loop seamlessly")
    sfx.add_argument("--influence", type=float, help="prompt influence 0..1")
    p.set_defaults(func=run_generate)


def request_fields(args: argparse.Namespace, project_dir: Path | None = None, project: Any = None) -> dict[str, Any]:
    """The request's fields from the command line; a flag meant for another kind is an error."""
    kind = args.kind
    fields: dict[str, Any] = {"seed": args.seed}
    if kind == "3d":
        if args.prompt:
            fields["image"] = _path(args.prompt, project_dir, project)
    else:
        fields["prompt"] = args.prompt
    for dest, (kinds, name) in KIND_FLAGS.items():
        value = getattr(args, dest, None)
        if value is None:
            continue
        if kind not in kinds:
            flag = "--" + dest.replace("_", "-")
            raise SystemExit(f"studio: error: {flag} is for {' and '.join(KIND_NAMES[k] for k in kinds)}, not {kind}")
        if name in ("image", "end_image", "extend_from", "restyle_from", "views_dir"):
            value = _path(value, project_dir, project)
        fields[name] = value
    if args.size:
        if kind != "video":
            raise SystemExit("studio: error: --size is for video shots")
        try:
            width, height = (int(v) for v in args.size.lower().split("x"))
        except ValueError:
            raise SystemExit(f"studio: error: --size must look like 1280x720, got {args.size!r}") from None
        fields.update(width=width, height=height)
    if args.lyrics:
        if kind != "song":
            raise SystemExit("studio: error: --lyrics is for songs")
        fields["lyrics"] = _read(args.lyrics)
    if args.script:
        if kind != "voice":
            raise SystemExit("studio: error: --script is for voice-over")
        fields["prompt"] = _read(args.script)
    return fields


def _read(path: str) -> str:
    try:
        return Path(path).expanduser().read_text(encoding="utf-8")
    except OSError as exc:
        raise SystemExit(f"studio: error: cannot read {path}: {exc.strerror or exc}") from None


def _path(value: str, project_dir: Path | None, project: Any) -> str:
    """An absolute path; with a project, an asset id names that asset's file."""
    if project is not None and value in project.assets:
        return str(project_dir / project.assets[value].path)
    path = Path(value).expanduser().absolute()
    if not path.exists():
        raise SystemExit(f"studio: error: not found: {value}")
    return str(path)


def run_generate(args: argparse.Namespace) -> int:
    import shutil

    from pipelines import registry
    from pipelines.base import GenerationError
    from studio.cli.progress import ProgressBar
    from studio.scheduler.scheduler import Scheduler

    project_dir = project = None
    if args.project:
        from studio.io import load_project
        from studio.io.paths import project_dir_of

        project_dir = project_dir_of(args.project)
        project = load_project(project_dir)
    request = registry.make_request(args.kind, **request_fields(args, project_dir, project))
    spec = registry.spec(args.kind, args.engine)
    bar = ProgressBar(f"{args.kind}/{spec.engine}")
    with Scheduler(project_dir, resume=False) as scheduler:
        scheduler.subscribe(lambda e: bar(e.fraction, e.message) if e.type == "progress"
                            else bar(1.0, "done") if e.job.state == "done" else None)
        job = scheduler.submit(args.kind, spec.engine, request, priority=args.priority, project_dir=project_dir,
                               use_cache=not args.no_cache)
        try:
            scheduler.wait([job.id])
        except KeyboardInterrupt:
            scheduler.cancel(job.id)
            raise
        finally:
            bar.close()
    if job.state != "done" or job.result is None:
        raise GenerationError(f"{args.kind} job {job.id} {job.state}: {job.error or 'no result'}")
    result = job.result
    if spec.test:
        print(f"studio: note: {spec.engine} is a TEST engine ({spec.description})", file=sys.stderr)
    if project is not None:
        _import_into(project_dir, project, result)
    else:
        for f in result.files:
            print(f"{f.role}: {f.path}")
    if args.output:
        shutil.copyfile(result.primary.path, Path(args.output).expanduser())
        print(f"wrote {args.output}")
    if args.export:
        mesh = result.file("mesh.glb") or result.primary
        shutil.copyfile(mesh.path, Path(args.export).expanduser())
        print(f"wrote {args.export}")
    print(job.summary())
    return 0


def _import_into(project_dir: Path, project: Any, result: Any) -> None:
    """Import the primary file (and linked extras: stems, captions, MIDI) into the project and save it."""
    from studio.io import import_media, save_project

    asset = import_media(project_dir, project, result.primary.path, provenance=result.provenance)
    for extra in result.files[1:]:
        kind = None if Path(extra.path).suffix.lower() in {".wav", ".flac", ".mp4", ".png", ".glb", ".obj",
                                                          ".ply"} else "other"
        asset.related[extra.role] = import_media(project_dir, project, extra.path, provenance=result.provenance,
                                                 kind=kind).id
    save_project(project, project_dir)
    print(f"{asset.id}: {project_dir / asset.path}")
