"""``studio takes`` and ``studio upgrade``: the versions (takes) of a clip's media, headless.

    studio takes Film.studio "Lighthouse"                  # list them; * marks the one shown
    studio takes Film.studio "Lighthouse" --use 2          # show take 2 (the shown one becomes a take)
    studio takes Film.studio "Lighthouse" --new            # generate a new take (next seed) and show it
    studio upgrade Film.studio "Lighthouse" --engine ltx-video   # regenerate in place with another engine

The same edits as the window's (``studio.edit.add_take`` / ``switch_take``): the clip keeps its position, trims,
fades and properties. Writes happen under the project's write lock, after re-reading the project.
"""

from __future__ import annotations

import argparse


def register(subparsers) -> None:
    takes = subparsers.add_parser(
        "takes",
        help="list, switch or add a clip's takes",
        description="List the "
        "versions of a clip's media, show another one (--use), drop one (--remove), or "
        "generate a new one with the next seed (--new).",
    )
    takes.add_argument("project", help="the project folder")
    takes.add_argument("clip", help="the clip's id, or its name if no other clip has it")
    what = takes.add_mutually_exclusive_group()
    what.add_argument("--use", type=int, metavar="N", help="show take N (as listed); the shown media becomes a take")
    what.add_argument("--remove", type=int, metavar="N", help="forget take N (its media stays in the project)")
    what.add_argument("--new", action="store_true", help="generate a new take with the next seed and show it")
    takes.set_defaults(func=run_takes)

    upgrade = subparsers.add_parser(
        "upgrade",
        help="regenerate a clip in place with another engine",
        description="Generate a clip's media again with another engine (or another "
        "seed) and show it in place: position, trims, fades and properties stay, and "
        "the old media stays as a take.",
    )
    upgrade.add_argument("project", help="the project folder")
    upgrade.add_argument("clip", help="the clip's id, or its name if no other clip has it")
    upgrade.add_argument("--engine", help="the engine to use (default: the one that made it)")
    upgrade.add_argument("--seed", type=int, help="the seed (default: the same seed)")
    upgrade.add_argument(
        "--keep-shown", action="store_true", help="add the new version as a take; keep showing the current one"
    )
    upgrade.set_defaults(func=run_upgrade)


def _open(folder: str):
    from studio.io import load_project
    from studio.io.paths import project_dir_of

    path = project_dir_of(folder)
    return path, load_project(path)


def run_takes(args: argparse.Namespace) -> int:
    from studio.edit import EditError, remove_take, switch_take
    from studio.edit.takes import clip_recipe, find_clip_by_name

    folder, project = _open(args.project)
    clip = find_clip_by_name(project, args.clip)
    if args.new:
        recipe = clip_recipe(project, clip)
        if recipe is None:
            raise EditError(f"clip {clip.name!r} was not generated: there is no recipe to make a new take from")
        request = dict(recipe.request)
        request["seed"] = int(request.get("seed") or 0) + 1
        return _generate_take(folder, clip.id, recipe.kind, recipe.engine, request, show=True)
    if args.use is not None or args.remove is not None:
        number = args.use if args.use is not None else args.remove
        change = switch_take if args.use is not None else remove_take
        return _write(folder, "studio takes", clip.id, lambda p: change(p, clip.id, number - 1))
    _print_takes(project, clip)
    return 0


def run_upgrade(args: argparse.Namespace) -> int:
    from studio.edit import EditError
    from studio.edit.takes import clip_recipe, find_clip_by_name

    folder, project = _open(args.project)
    clip = find_clip_by_name(project, args.clip)
    recipe = clip_recipe(project, clip)
    if recipe is None:
        raise EditError(f"clip {clip.name!r} was not generated (imported media or a title): nothing to upgrade")
    request = dict(recipe.request)
    if args.seed is not None:
        request["seed"] = args.seed
    return _generate_take(folder, clip.id, recipe.kind, args.engine or recipe.engine, request, show=not args.keep_shown)


def _generate_take(folder, clip_id: str, kind: str, engine: str | None, fields: dict, show: bool) -> int:
    import sys

    from pipelines import registry
    from studio.edit import add_take
    from studio.model import Recipe
    from studio.produce import import_result, run_job

    request = registry.make_request(kind, **fields)
    spec = registry.spec(kind, engine)
    print(f"generating {kind}/{spec.engine} for the clip…", file=sys.stderr)
    job = run_job(kind, spec.engine, request, folder)
    recipe = Recipe(kind, spec.engine, request.to_dict())

    def made(project):
        asset = import_result(folder, project, job.result)
        return add_take(project, clip_id, asset.id, recipe, show=show)

    return _write(folder, "studio upgrade", clip_id, made)


def _write(folder, command: str, clip_id: str, make_edit) -> int:
    """Re-read the project under its write lock, apply the edit ``make_edit(project)`` returns, save."""
    from studio.io import load_project, save_project
    from studio.io.lock import ProjectLock

    with ProjectLock(folder, command):
        project = load_project(folder)
        change = make_edit(project)
        change.apply(project)
        save_project(project, folder)
    print(change.text)
    _print_takes(project, project.find_clip(clip_id)[2])
    return 0


def _print_takes(project, clip) -> None:
    from studio.edit.takes import version_name

    shown = version_name(project, clip.asset_id, clip.recipe)
    print(f"{clip.name!r} ({clip.id}): {len(clip.takes) + 1} version(s)")
    print(f"  * {shown}" + ("" if clip.asset_id else "  (not generated yet)"))
    for i, take in enumerate(clip.takes, start=1):
        print(f"  {i}: {take.name}" + ("" if take.asset_id else "  (not generated yet)"))
