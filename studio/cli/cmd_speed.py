"""``studio speed``: play a clip faster, slower or backwards, headless.

    studio speed Film.studio "Lighthouse"                    # say how it plays now
    studio speed Film.studio "Lighthouse" 2                  # twice as fast: half as long, same start
    studio speed Film.studio "Lighthouse" 0.5 --reverse      # half speed, backwards (--forward turns it round)
    studio speed Film.studio "Lighthouse" 0.5 --ripple       # later clips on its track move to make room

The same edit as the window's (``studio.edit.set_speed``): 0.25x to 4x, sound keeps its pitch; a clip that would
grow over the next one is refused unless --ripple. Written under the project's write lock, after re-reading it.
"""

from __future__ import annotations

import argparse


def register(subparsers) -> None:
    speed = subparsers.add_parser(
        "speed",
        help="play a clip faster, slower or backwards",
        description="Set a clip's speed (0.25 to 4; its length follows and its sound keeps its pitch) and "
        "direction. Without a speed or direction, say how the clip plays now.",
    )
    speed.add_argument("project", help="the project folder")
    speed.add_argument("clip", help="the clip's id, or its name if no other clip has it")
    speed.add_argument("speed", nargs="?", type=float, help="0.25 to 4 (1 = as recorded)")
    way = speed.add_mutually_exclusive_group()
    way.add_argument("--reverse", dest="reverse", action="store_const", const=True, help="play it backwards")
    way.add_argument("--forward", dest="reverse", action="store_const", const=False, help="play it forwards")
    speed.add_argument("--ripple", action="store_true", help="move later clips on the track by the change in length")
    speed.set_defaults(func=run_speed)


def run_speed(args: argparse.Namespace) -> int:
    from studio.edit import set_speed
    from studio.edit.speed import speed_text
    from studio.edit.takes import find_clip_by_name
    from studio.io import load_project, save_project
    from studio.io.lock import ProjectLock
    from studio.io.paths import project_dir_of

    folder = project_dir_of(args.project)
    clip = find_clip_by_name(load_project(folder), args.clip)
    if args.speed is not None or args.reverse is not None:
        with ProjectLock(folder, "studio speed"):
            project = load_project(folder)
            current = project.find_clip(clip.id)[2]
            speed = current.speed if args.speed is None else args.speed
            change = set_speed(project, clip.id, speed, reverse=args.reverse, ripple=args.ripple)
            change.apply(project)
            save_project(project, folder)
            clip = project.find_clip(clip.id)[2]
        print(change.text)
    print(
        f"{clip.name!r} ({clip.id}) plays at {speed_text(clip.speed, clip.reverse)}: frames {clip.position} to {clip.end}"
    )
    return 0
