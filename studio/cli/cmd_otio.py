"""``studio export-otio`` and ``studio import-otio``: timelines in and out as OpenTimelineIO."""

from __future__ import annotations

import argparse
import sys

from studio.cli.output import Output, add_output_options


def register(subparsers) -> None:
    export = subparsers.add_parser(
        "export-otio",
        help="write the timeline for another editor (.otio, .otioz, .otiod, .xml, .fcpxml, .edl)",
        description="Write the project's timeline for other editors. The suffix picks the format: .otio "
        "(DaVinci Resolve, Kdenlive 25.04+), .otioz or .otiod (a zip or folder holding the media too), "
        ".xml (FCP 7 XML, what Premiere imports), .fcpxml (Final Cut Pro X), .edl (CMX 3600, the picture cut). "
        "Crossfades and fades are written as dissolves.",
    )
    export.add_argument("project", help="the project folder")
    export.add_argument("-o", "--output", required=True, help="the file to write")
    export.add_argument(
        "--relative",
        action="store_true",
        help="media URLs relative to the written file (default: absolute file:// URLs)",
    )
    add_output_options(export)
    export.set_defaults(func=run_export)

    imp = subparsers.add_parser(
        "import-otio",
        help="make a project from an editor's timeline (.otio, .otioz, .otiod, .xml, .edl ...)",
        description="Create a project folder at PATH from a timeline file, copying in its media. Fails, leaving "
        "nothing behind, when media files are missing, unless --allow-missing.",
    )
    imp.add_argument("otio", help="the timeline file to read")
    imp.add_argument("path", help="the project folder to create")
    imp.add_argument(
        "--allow-missing",
        action="store_true",
        help="create the project even when media files are missing (relink them later)",
    )
    add_output_options(imp)
    imp.set_defaults(func=run_import)


def run_export(args: argparse.Namespace) -> int:
    from studio.io import load_project
    from studio.io.otio_io import export_otio
    from studio.io.paths import project_dir_of

    out = Output(args, "export-otio")
    folder = project_dir_of(args.project)
    project = load_project(folder)
    warnings: list[str] = []
    path = export_otio(project, folder, args.output, relative=args.relative, warnings=warnings)
    for line in warnings:
        out.warn(line)
    clips = sum(len(t.clips) for t in project.timeline.tracks) if project.timelines else 0
    out.say(f"wrote {args.output} ({clips} clips)")
    return out.done({"output": str(path), "clips": clips, "warnings": warnings})


def run_import(args: argparse.Namespace) -> int:
    from studio.io.otio_io import MissingMediaError, import_otio

    out = Output(args, "import-otio")
    warnings: list[str] = []
    try:
        project = import_otio(args.otio, args.path, warnings=warnings, allow_missing=args.allow_missing)
    except MissingMediaError as exc:
        if not out.json:
            for url in exc.missing:
                print(f"missing: {url}", file=sys.stderr)
        raise
    for line in warnings:
        out.warn(line)
    clips = sum(len(t.clips) for tl in project.timelines for t in tl.tracks)
    out.say(f"created {project.name!r} in {args.path} from {args.otio} ({clips} clips)")
    missing = [a.source_url for a in project.assets.values() if a.id.startswith("asset_missing_")]
    return out.done(
        {
            "project": str(args.path),
            "name": project.name,
            "clips": clips,
            "warnings": warnings,
            "missing_media": missing,
        }
    )
