"""``studio export-otio`` and ``studio import-otio``: timelines in and out as OpenTimelineIO."""

from __future__ import annotations

import argparse


def register(subparsers) -> None:
    export = subparsers.add_parser("export-otio", help="write the timeline as an OpenTimelineIO file",
                                   description="Write the project's timeline as .otio for other editors.")
    export.add_argument("project", help="the project folder")
    export.add_argument("-o", "--output", required=True, help="the .otio file to write")
    export.set_defaults(func=run_export)

    imp = subparsers.add_parser("import-otio", help="make a project from an OpenTimelineIO file",
                                description="Create a project folder at PATH from an .otio timeline.")
    imp.add_argument("otio", help="the .otio file to read")
    imp.add_argument("path", help="the project folder to create")
    imp.set_defaults(func=run_import)


def run_export(args: argparse.Namespace) -> int:
    from studio.io import load_project
    from studio.io.otio_io import export_otio
    from studio.io.paths import project_dir_of

    folder = project_dir_of(args.project)
    project = load_project(folder)
    export_otio(project, folder, args.output)
    clips = sum(len(t.clips) for t in project.timeline.tracks) if project.timelines else 0
    print(f"wrote {args.output} ({clips} clips)")
    return 0


def run_import(args: argparse.Namespace) -> int:
    from studio.io.otio_io import import_otio

    project = import_otio(args.otio, args.path)
    clips = sum(len(t.clips) for tl in project.timelines for t in tl.tracks)
    print(f"created {project.name!r} in {args.path} from {args.otio} ({clips} clips)")
    return 0
