"""Takes: the versions of a clip's media. Keep a new version (a variation, or an upgrade from a draft engine to a
neural one), switch between them, drop one; each is one undoable edit that keeps the clip's place, trims, fades
and properties.

    stack.push(add_take(project, clip_id, asset_id, recipe, "ltx-video seed 0"))   # shows it; the old one is a take
    stack.push(switch_take(project, clip_id, 0))                                     # swap with takes[0]
    stack.push(remove_take(project, clip_id, 0))
"""

from __future__ import annotations

import copy

from studio.edit.changes import Change, Edit, EditError, SetField
from studio.edit.operations import _clamp_fades, _find_clip, _label, _make, _reshape
from studio.model.entities import Clip, Project, Recipe, Take


def version_name(project: Project, asset_id: str | None, recipe: Recipe | None) -> str:
    """How a version reads in a list of takes: "draft seed 7", else the asset's name, else the recipe's engine."""
    asset = project.assets.get(asset_id) if asset_id else None
    made = (asset.provenance if asset is not None else None) or {}
    request = recipe.request if recipe is not None else {}
    engine = made.get("engine") or (recipe.engine if recipe is not None else None)
    seed = made.get("seed", request.get("seed"))
    if engine:
        return f"{engine} seed {seed}" if seed is not None else str(engine)
    return asset.display_name if asset is not None else "take"


def clip_recipe(project: Project, clip: Clip) -> Recipe | None:
    """The recipe that made (or will make) the media the clip shows: its generated asset's provenance (kind,
    engine, request fields), else the clip's own recipe; None for imported media and titles."""
    asset = project.assets.get(clip.asset_id) if clip.asset_id else None
    made = (asset.provenance if asset is not None else None) or {}
    if made.get("kind") and isinstance(made.get("params"), dict):
        return Recipe(str(made["kind"]), made.get("engine"), dict(made["params"]))
    return copy.deepcopy(clip.recipe)


def find_clip_by_name(project: Project, name_or_id: str) -> Clip:
    """A clip by id, or by a name only one clip has (what a creator types on the command line)."""
    clips = [c for tl in project.timelines for t in tl.tracks for c in t.clips]
    for clip in clips:
        if clip.id == name_or_id:
            return clip
    named = [c for c in clips if c.name == name_or_id]
    if len(named) == 1:
        return named[0]
    if named:
        raise EditError(
            f"{len(named)} clips are named {name_or_id!r}; give the clip's id: {', '.join(c.id for c in named)}"
        )
    raise EditError(f"no clip with id or name {name_or_id!r} in this project")


def current_take(project: Project, clip: Clip) -> Take:
    """The version the clip shows now, as a Take (what it becomes when another version is shown)."""
    return Take(clip.asset_id, copy.deepcopy(clip.recipe), version_name(project, clip.asset_id, clip.recipe))


def _show(project: Project, clip: Clip, take: Take, takes: list[Take], text: str) -> Edit:
    """Changes that make ``clip`` show ``take`` with ``takes`` as its other versions, keeping its place and trims
    (a shorter version shortens the clip's source range to what exists, keeping its start where it can)."""
    if take.asset_id is None and take.recipe is None:
        raise EditError(f"{text}: that take has neither media nor a recipe")
    changes: list[Change] = []
    asset = project.assets.get(take.asset_id) if take.asset_id else None
    if take.asset_id is not None and asset is None:
        raise EditError(f"{text}: no asset with id {take.asset_id!r} in this project")
    tl = project.find_clip(clip.id)[0]
    length = asset.duration_frames(tl.rate) if asset is not None else None
    if length is not None and clip.source_range.end > length:
        if length < 1:
            raise EditError(f"{text}: the new version has no frames")
        shorter = copy.deepcopy(clip)
        frames = min(clip.source_range.duration, length)  # source frames (the clip may play at another speed)
        start = min(clip.source_range.start, length - frames)  # keep the trim's start unless it runs past the end
        shorter.source_range = type(clip.source_range)(start, frames)
        _clamp_fades(shorter, clip)
        changes += _reshape(clip, shorter)
    for name, new in (("asset_id", take.asset_id), ("recipe", take.recipe), ("takes", takes)):
        old = getattr(clip, name)
        if old != new:
            changes.append(SetField("clip", clip.id, name, copy.deepcopy(old), copy.deepcopy(new)))
    return _make(project, text, changes)


def add_take(
    project: Project,
    clip_id: str,
    asset_id: str | None,
    recipe: Recipe | None = None,
    name: str = "",
    show: bool = True,
) -> Edit:
    """Keep a new version of the clip's media. With ``show`` (upgrade in place, a new variation) the clip shows
    it now and what it showed becomes a take; otherwise the new version waits in the clip's takes."""
    _, _, clip = _find_clip(project, clip_id)
    take = Take(asset_id, copy.deepcopy(recipe), name or version_name(project, asset_id, recipe))
    if not show:
        return _make(
            project,
            f"Add take {take.name!r} to {_label(clip)}",
            [SetField("clip", clip.id, "takes", copy.deepcopy(clip.takes), clip.takes + [take])],
        )
    takes = [current_take(project, clip), *copy.deepcopy(clip.takes)]
    return _show(project, clip, take, takes, f"New take {take.name!r} of {_label(clip)}")


def switch_take(project: Project, clip_id: str, index: int) -> Edit:
    """Show ``clip.takes[index]``; what the clip showed takes its place in the list."""
    _, _, clip = _find_clip(project, clip_id)
    if not 0 <= index < len(clip.takes):
        raise EditError(f"{_label(clip)} has {len(clip.takes)} other take(s); there is no take {index + 1}")
    takes = copy.deepcopy(clip.takes)
    chosen = takes[index]
    takes[index] = current_take(project, clip)
    return _show(project, clip, chosen, takes, f"Switch {_label(clip)} to take {chosen.name!r}")


def remove_take(project: Project, clip_id: str, index: int) -> Edit:
    """Forget one of the clip's other versions (its media stays in the project's bin)."""
    _, _, clip = _find_clip(project, clip_id)
    if not 0 <= index < len(clip.takes):
        raise EditError(f"{_label(clip)} has {len(clip.takes)} other take(s); there is no take {index + 1}")
    takes = copy.deepcopy(clip.takes)
    gone = takes.pop(index)
    return _make(
        project,
        f"Remove take {gone.name!r} of {_label(clip)}",
        [SetField("clip", clip.id, "takes", copy.deepcopy(clip.takes), takes)],
    )
