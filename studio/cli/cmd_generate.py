"""``studio generate KIND ...``: one job through the scheduler, with a progress bar on stderr.

Each kind is its own sub-command with its own options (``studio generate 3d --help`` shows only 3D's).
With ``--project`` the result (every file: stems, MIDI, captions, meshes...) goes into the project's media
through ``studio.produce``, under the project's write lock; ``-o`` writes the primary file there and each
sidecar beside it (``song.wav``, ``song-stem-vocals.wav``, ``song.mid``, ``song.lrc``).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from studio.cli.output import Output, add_output_options, job_document


@dataclass(frozen=True)
class Flag:
    """One kind-specific option and the request field it sets."""

    flag: str
    field: str
    help: str
    type: Any = None
    path: bool = False  # a file the creator points at: must exist; with --project an asset id names its file
    metavar: str | None = None
    choices: tuple[str, ...] | None = None
    store_true: bool = False


_DURATION = Flag("--duration", "duration", "seconds", float)
_VARIATIONS = Flag("--variations", "variations", "how many takes", int)

KIND_FLAGS: dict[str, list[Flag]] = {
    "video": [
        _DURATION,
        _VARIATIONS,
        Flag("--image", "image", "start image (image-to-video)", path=True, metavar="IMAGE"),
        Flag("--end-image", "end_image", "end image", path=True, metavar="IMAGE"),
        Flag("--fps", "fps", "frames per second", int),
        Flag(
            "--camera", "camera", "static, push-in, pull-out, pan-left, pan-right, tilt-up, tilt-down, orbit, handheld"
        ),
        Flag("--extend", "extend_from", "a previous shot (path or asset id) to continue", path=True, metavar="ASSET"),
    ],
    "song": [
        _DURATION,
        _VARIATIONS,
        Flag("--bpm", "bpm", "tempo in beats per minute", float),
        Flag("--key", "key", 'e.g. "A minor"'),
        Flag("--extend", "extend_from", "a previous song (path or asset id) to extend", path=True, metavar="ASSET"),
        Flag("--seconds", "extend_seconds", "how many seconds to extend by", float),
        Flag("--restyle", "restyle_from", "a previous song (path or asset id) to restyle", path=True, metavar="ASSET"),
    ],
    "sfx": [
        _DURATION,
        _VARIATIONS,
        Flag("--loop", "loop", "make it loop seamlessly", store_true=True),
        Flag("--influence", "prompt_influence", "prompt influence 0..1", float),
        Flag(
            "--for-shot",
            "for_shot",
            "a shot made by Studio's draft video engine (path or asset id): the effects "
            "follow its events and last as long as the shot",
            path=True,
            metavar="SHOT",
        ),
    ],
    "voice": [
        Flag("--voice", "voice", "voice name (see `studio voices`)"),
        Flag("--speed", "speed", "speaking speed, 1 = normal", float),
    ],
    "3d": [
        Flag("--views", "num_views", "number of orbit views", int, metavar="N"),
        Flag(
            "--quality",
            "quality",
            "training budget and mesh detail (default standard)",
            choices=("draft", "standard", "high"),
        ),
        Flag(
            "--steps",
            "nerf_steps",
            "most NeRF steps; 0 = the quality's budget (it stops early at its target)",
            int,
            metavar="N",
        ),
        Flag("--size", "turntable_size", "turntable video size in pixels (even)", int, metavar="PX"),
        Flag("--faces", "mesh_faces", "mesh detail in faces (default 20000)", int, metavar="N"),
        Flag("--texture", "texture", "also bake a UV texture into the GLB", store_true=True),
        Flag(
            "--height",
            "height",
            "object height in metres (0: 0.3 m for a photo; a views folder keeps its frame)",
            float,
            metavar="M",
        ),
        Flag(
            "--views-dir",
            "views_dir",
            "train from a folder of posed views (NeRF-synthetic transforms.json)",
            path=True,
            metavar="DIR",
        ),
    ],
}
KIND_HELP = {
    "video": ("a video shot", 'studio generate video "a lighthouse at dusk, slow push-in" --duration 5'),
    "song": (
        "a song, with sung vocals when lyrics are given",
        'studio generate song "warm indie folk" --lyrics lyrics.txt -o song.wav',
    ),
    "sfx": ("a sound effect", 'studio generate sfx "heavy wooden door creaks open" --duration 4'),
    "voice": ("a voice-over", 'studio generate voice "Every evening, the keeper climbed the hill."'),
    "3d": (
        "a 3D object from an image (orbit views, a NeRF, a mesh and a turntable)",
        "studio generate 3d toy.png --export toy.glb -o turntable.mp4",
    ),
}
KINDS = tuple(KIND_FLAGS)


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "generate",
        help="generate one video shot, song, sound effect, voice-over or 3D object",
        description="Run one generation job (a progress bar on stderr), then print the output "
        "path(s) and the job's metrics. `studio generate KIND --help` lists KIND's options.",
    )
    kinds = p.add_subparsers(dest="kind", metavar="KIND", required=True, title="kinds")
    for kind, flags in KIND_FLAGS.items():
        what, example = KIND_HELP[kind]
        k = kinds.add_parser(kind, help=what, description=f"Generate {what}.", epilog=f"example: {example}")
        if kind == "3d":
            k.add_argument("prompt", nargs="?", default="", metavar="IMAGE", help="the image to turn into 3D")
        else:
            k.add_argument(
                "prompt",
                nargs="?",
                default="",
                metavar="TEXT" if kind == "voice" else "PROMPT",
                help="the text to say" if kind == "voice" else "what to make",
            )
        common = k.add_argument_group("every kind")
        common.add_argument("--engine", help="engine name (default: the kind's default engine)")
        common.add_argument("--seed", type=int, default=0)
        common.add_argument("--project", help="a project folder: the result is imported into its media")
        common.add_argument(
            "-o", "--output", help="write the result here, and each extra file (stems, MIDI, captions, ...) beside it"
        )
        common.add_argument("--priority", choices=("interactive", "batch"), default="interactive")
        common.add_argument(
            "--ray", metavar="ADDRESS", help="run the job on a Ray cluster: auto, ray://HOST:10001, or local"
        )
        common.add_argument(
            "--no-cache", action="store_true", help="generate even if this exact request was made before"
        )
        own = k.add_argument_group(f"{kind} options")
        for f in flags:
            kwargs: dict[str, Any] = {"dest": f.field, "help": f.help}
            if f.store_true:
                kwargs.update(action="store_true", default=None)
            else:
                kwargs.update(type=f.type, metavar=f.metavar, choices=f.choices)
            own.add_argument(f.flag, **kwargs)
        if kind == "video":
            own.add_argument("--size", metavar="WxH", help="frame size, e.g. 1280x720")
        if kind == "song":
            own.add_argument("--lyrics", metavar="FILE", help="lyrics with [verse]/[chorus] tags")
        if kind == "voice":
            own.add_argument("--script", metavar="FILE", help="a script file (SPEAKER: line) instead of the text")
        if kind == "3d":
            own.add_argument("--export", metavar="FILE", help="write the mesh here too: .glb, .obj or .ply")
        add_output_options(k, progress=True)
        k.set_defaults(func=run_generate)


def request_fields(args: argparse.Namespace, project_dir: Path | None = None, project: Any = None) -> dict[str, Any]:
    """The request's fields from the command line."""
    kind = args.kind
    fields: dict[str, Any] = {"seed": args.seed}
    if kind == "3d":
        if args.prompt:
            fields["image"] = _path(args.prompt, project_dir, project)
    else:
        fields["prompt"] = args.prompt
    for f in KIND_FLAGS[kind]:
        value = getattr(args, f.field, None)
        if value is not None:
            fields[f.field] = _path(value, project_dir, project) if f.path else value
    if getattr(args, "size", None):
        try:
            width, height = (int(v) for v in args.size.lower().split("x"))
        except ValueError:
            raise SystemExit(f"studio: error: --size must look like 1280x720, got {args.size!r}") from None
        fields.update(width=width, height=height)
    if getattr(args, "lyrics", None):
        fields["lyrics"] = _read(args.lyrics)
    if getattr(args, "script", None):
        fields["prompt"] = _read(args.script)
    return fields


def _read(path: str) -> str:
    try:
        return Path(path).expanduser().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SystemExit(f"studio: error: cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None


def _path(value: str, project_dir: Path | None, project: Any) -> str:
    """An absolute path; with a project, an asset id names that asset's file."""
    if project is not None and value in project.assets:
        return str(project_dir / project.assets[value].path)
    path = Path(value).expanduser().absolute()
    if not path.exists():
        raise SystemExit(f"studio: error: not found: {value}")
    return str(path)


def run_generate(args: argparse.Namespace) -> int:
    from pipelines import registry
    from studio.produce import copy_outputs, generate_into, run_job

    project_dir = project = None
    if args.project:
        from studio.io import load_project
        from studio.io.paths import project_dir_of

        project_dir = project_dir_of(args.project)
        project = load_project(project_dir)  # fail early on a bad project; re-read under its lock to import
    fields = request_fields(args, project_dir, project)
    if fields.get("for_shot"):  # sound for a shot: its length and events come from the shot
        from pipelines.sfx.for_shot import request_for_shot

        shot = fields.pop("for_shot")
        fields.pop("prompt", None)
        fields.pop("duration", None)
        request = request_for_shot(shot, **fields)
    else:
        request = registry.make_request(args.kind, **fields)
    spec = registry.spec(args.kind, args.engine)
    out = Output(args, "generate")
    bar = out.progress(f"{args.kind}/{spec.engine}")

    def on_event(e: Any) -> None:
        if e.type == "progress":
            bar(e.fraction, e.message)
        elif e.job.state == "done":
            bar(1.0, "done")

    scheduler = None
    if args.ray:
        from studio.scheduler import Scheduler

        scheduler = Scheduler(project_dir, resume=False, ray_address=args.ray)
    try:
        if project_dir is not None:
            job, asset = generate_into(
                project_dir,
                args.kind,
                spec.engine,
                request,
                priority=args.priority,
                use_cache=not args.no_cache,
                on_event=on_event,
                scheduler=scheduler,
            )
        else:
            job, asset = (
                run_job(
                    args.kind,
                    spec.engine,
                    request,
                    priority=args.priority,
                    use_cache=not args.no_cache,
                    on_event=on_event,
                    scheduler=scheduler,
                ),
                None,
            )
    finally:
        bar.close()
        if scheduler is not None:
            scheduler.shutdown()
    result = job.result
    if spec.test:
        out.warn(f"{spec.engine} is a TEST engine ({spec.description})")
    for warning in result.provenance.get("warnings") or []:
        out.warn(str(warning))
    document: dict[str, Any] = {
        "job": job_document(job),
        "files": [{"role": f.role, "path": str(f.path)} for f in result.files],
    }
    if asset is not None:
        out.say(f"{asset.id}: {project_dir / asset.path}")
        document["asset"] = {"id": asset.id, "path": str(project_dir / asset.path), "related": asset.related}
    else:
        for f in result.files:
            out.say(f"{f.role}: {f.path}")
    if args.output:
        document["written"] = [str(p) for p in copy_outputs(result, args.output)]
        for path in document["written"]:
            out.say(f"wrote {path}")
    if getattr(args, "export", None):
        import shutil

        suffix = Path(args.export).suffix.lower().lstrip(".") or "glb"
        mesh = result.file(f"mesh.{suffix}")
        if mesh is None:
            raise SystemExit(f"studio: error: --export: the engine wrote no .{suffix} mesh (try .glb, .obj or .ply)")
        shutil.copyfile(mesh.path, Path(args.export).expanduser())
        document["exported"] = str(Path(args.export).expanduser().absolute())
        out.say(f"wrote {args.export}")
    out.say(job.summary())
    return out.done(document)
