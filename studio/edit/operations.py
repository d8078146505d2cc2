"""Edit operations as pure functions: each reads the project, validates, and returns an ``Edit``.

No operation mutates the project it is given (a trial apply is always reverted); apply the result
with ``UndoStack.push(edit)`` (or ``edit.apply(project)``). Times are integer frames at the
timeline's rate. Bad edits raise ``EditError`` with one line naming the problem.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable
from typing import Any, Literal

from studio.edit.changes import (
    AddClip,
    AddMarker,
    AddTrack,
    Change,
    Edit,
    EditError,
    RemoveClip,
    RemoveMarker,
    RemoveTrack,
    SetField,
    ShiftClips,
)
from studio.edit.transitions import follow_up
from studio.model.checks import (
    clip_problem,
    is_color,
    is_frame_count,
    marker_problem,
    overlap_problem,
    transitions_problem,
)
from studio.model.entities import Clip, Marker, Project, Recipe, Title, Track, Transform, new_id
from studio.model.time import TimeRange

Snap = Literal["nearest", "before", "after"]
_BEFORE: tuple[Snap, Snap] = ("nearest", "before")  # a piece left of a cut ends at or before it
_AFTER: tuple[Snap, Snap] = ("after", "nearest")  # a piece right of a cut starts at or after it

CLIP_PROPERTIES = (
    "name",
    "enabled",
    "opacity",
    "fit",
    "transform",
    "video_fade_in",
    "video_fade_out",
    "gain_db",
    "pan",
    "audio_fade_in",
    "audio_fade_out",
    "title",
    "recipe",
    "asset_id",
)
TRACK_PROPERTIES = ("name", "muted", "solo", "locked", "height", "duck_under", "duck_db")
MARKER_PROPERTIES = ("name", "color", "frame")
TIMELINE_PROPERTIES = ("name",)


# ----------------------------------------------------------------------------------------------
# helpers


def _label(clip: Clip) -> str:
    return repr(clip.name or clip.id)


def _find_clip(project: Project, clip_id: str) -> tuple[Any, Track, Clip]:
    try:
        return project.find_clip(clip_id)
    except KeyError:
        raise EditError(f"no clip with id {clip_id!r} in this project") from None


def _find_track(project: Project, track_id: str) -> tuple[Any, Track]:
    try:
        return project.find_track(track_id)
    except KeyError:
        raise EditError(f"no track with id {track_id!r} in this project") from None


def _frame(name: str, value: Any, minimum: int = 0) -> int:
    if not is_frame_count(value):
        raise EditError(f"{name} must be a whole frame number, got {value!r}")
    if value < minimum:
        raise EditError(f"{name} must be >= {minimum}, got {value}")
    return value


def _resized(
    clip: Clip,
    start: int,
    end: int,
    *,
    keep_fade_in: bool = True,
    keep_fade_out: bool = True,
    new_id_: str | None = None,
    snap: tuple[Snap, Snap] = ("nearest", "nearest"),
) -> Clip:
    """A copy of ``clip`` occupying timeline frames [start, end), its source moved to match; fades clamped.

    On a clip played at another speed the two cuts land where a source frame starts (``Clip.source_cut``, snapped
    as ``snap`` says), so the copy may sit a frame off [start, end) at speeds under 1x; pieces cut at the same frame
    always meet exactly."""
    out = copy.deepcopy(clip)
    out.id = new_id_ or clip.id
    head = clip.source_cut(start - clip.position, snap[0])
    tail = clip.source_cut(end - clip.position, snap[1])
    lo, hi = min(head, tail), max(head, tail)
    out.source_range = TimeRange(lo, hi - lo)
    out.position = clip.position + clip.cut_offset(head)
    _clamp_fades(out, clip, keep_fade_in, keep_fade_out)
    return out


def _clamp_fades(out: Clip, clip: Clip, keep_fade_in: bool = True, keep_fade_out: bool = True) -> None:
    """Give ``out`` the fades of ``clip`` that fit its length (fades are timeline frames)."""
    length = max(0, out.duration)
    for prefix in ("video", "audio"):
        fade_in = min(getattr(clip, f"{prefix}_fade_in"), length) if keep_fade_in else 0
        fade_out = min(getattr(clip, f"{prefix}_fade_out"), length - fade_in) if keep_fade_out else 0
        setattr(out, f"{prefix}_fade_in", fade_in)
        setattr(out, f"{prefix}_fade_out", fade_out)


def _reshape(old: Clip, new: Clip) -> list[Change]:
    """SetField changes turning ``old`` into ``new`` (same id), for the fields a resize touches."""
    names = ("position", "source_range", "video_fade_in", "video_fade_out", "audio_fade_in", "audio_fade_out")
    return [
        SetField("clip", old.id, n, getattr(old, n), getattr(new, n))
        for n in names
        if getattr(old, n) != getattr(new, n)
    ]


def _touched_tracks(project: Project, changes: Iterable[Change]) -> list[Track]:
    ids: list[str] = []
    for ch in changes:
        if isinstance(ch, (AddClip, RemoveClip, ShiftClips)):
            ids.append(ch.track_id)
        elif isinstance(ch, SetField) and ch.kind == "clip":
            ids.append(project.find_clip(ch.target_id)[1].id)
        elif isinstance(ch, RemoveTrack):
            ids.append(ch.track.id)
    seen: dict[str, Track] = {}
    for track_id in ids:
        if track_id not in seen:
            try:
                seen[track_id] = project.find_track(track_id)[1]
            except KeyError:  # a track added by this very edit
                continue
    return list(seen.values())


def _make(project: Project, text: str, changes: list[Change]) -> Edit:
    """Validate ``changes`` by applying them to the project and reverting; return the Edit."""
    if not changes:
        raise EditError(f"{text}: nothing to change")
    touched = _touched_tracks(project, changes)
    for track in touched:
        if track.locked:
            raise EditError(f"{text}: track {track.name!r} is locked")
    edit = Edit(text, tuple(changes))
    edit.apply(project)
    try:
        track_ids = [t.id for t in touched] + _added_track_ids(changes)
        fixes = Edit(text, tuple(follow_up(project, track_ids)))  # transitions follow their cuts, or go
        fixes.apply(project)
        try:
            problem = _first_problem(project, track_ids)
        finally:
            fixes.revert(project)
    finally:
        edit.revert(project)
    if problem:
        raise EditError(f"{text}: {problem}")
    return Edit(text, edit.changes + fixes.changes) if fixes else edit


def _added_track_ids(changes: Iterable[Change]) -> list[str]:
    return [ch.track.id for ch in changes if isinstance(ch, AddTrack)]


def _first_problem(project: Project, track_ids: list[str]) -> str | None:
    for track_id in track_ids:
        try:
            tl, track = project.find_track(track_id)
        except KeyError:
            continue  # removed by this edit
        for clip in track.clips:
            problem = clip_problem(clip, track.kind, project.assets, tl.rate)
            if problem:
                return f"clip {_label(clip)} {problem[0]} {problem[1]}"
        problem = overlap_problem(track) or transitions_problem(track)
        if problem:
            return problem[1]
    return None


# ----------------------------------------------------------------------------------------------
# tracks


def add_track(
    project: Project,
    kind: str,
    name: str | None = None,
    *,
    index: int | None = None,
    timeline_id: str | None = None,
    track_id: str | None = None,
) -> Edit:
    """A new empty track; appended (drawn on top) unless ``index`` is given."""
    if kind not in ("video", "audio"):
        raise EditError(f"track kind must be video or audio, got {kind!r}")
    tl = project.find_timeline(timeline_id) if timeline_id else project.timeline
    if name is None:
        prefix = "V" if kind == "video" else "A"
        taken = {t.name for t in tl.tracks}
        name = next(f"{prefix}{n}" for n in range(1, len(taken) + 2) if f"{prefix}{n}" not in taken)
    position = len(tl.tracks) if index is None else index
    if not is_frame_count(position) or not 0 <= position <= len(tl.tracks):
        raise EditError(f"track index must be 0 to {len(tl.tracks)}, got {index!r}")
    track = Track(id=track_id or new_id("track"), kind=kind, name=name)  # type: ignore[arg-type]
    return _make(project, f"Add track {name}", [AddTrack(tl.id, position, track)])


def remove_track(project: Project, track_id: str) -> Edit:
    tl, track = _find_track(project, track_id)
    return _make(project, f"Remove track {track.name}", [RemoveTrack(tl.id, tl.tracks.index(track), track)])


# ----------------------------------------------------------------------------------------------
# clips


def _check_new_clip(project: Project, clip: Clip) -> None:
    if not isinstance(clip, Clip):
        raise EditError(f"expected a Clip, got {type(clip).__name__}")
    try:
        project.find_clip(clip.id)
    except KeyError:
        return
    raise EditError(f"a clip with id {clip.id!r} is already in the project")


def add_clip(project: Project, track_id: str, clip: Clip) -> Edit:
    """Place ``clip`` at ``clip.position``; refused if it would overlap another clip."""
    _find_track(project, track_id)
    _check_new_clip(project, clip)
    _frame("position", clip.position)
    return _make(project, f"Add clip {_label(clip)}", [AddClip(track_id, copy.deepcopy(clip))])


def remove_clip(project: Project, clip_id: str) -> Edit:
    """Lift a clip off its track, leaving a gap."""
    _, track, clip = _find_clip(project, clip_id)
    return _make(project, f"Remove clip {_label(clip)}", [RemoveClip(track.id, copy.deepcopy(clip))])


def _split_changes(clip: Clip, at: int) -> tuple[list[Change], Clip, str]:
    left = _resized(clip, clip.position, at, keep_fade_out=False)
    right = _resized(clip, at, clip.end, keep_fade_in=False, new_id_=new_id("clip"))
    if left.duration < 1 or right.duration < 1:
        raise EditError(
            f"Split {_label(clip)}: at {clip.speed:g}x no source frame starts near frame {at}; "
            f"split it at least {math.ceil(1 / clip.speed)} frames from its ends"
        )
    return _reshape(clip, left), right, right.id


def insert(project: Project, track_id: str, clip: Clip, at: int) -> Edit:
    """Insert ``clip`` at frame ``at``, pushing later clips right (a clip under ``at`` is split)."""
    _, track = _find_track(project, track_id)
    _frame("insert frame", at)
    _check_new_clip(project, clip)
    new = copy.deepcopy(clip)
    new.position = at
    changes: list[Change] = []
    later = [c.id for c in track.clips if c.position >= at]
    for c in track.clips:
        if c.position < at < c.end:
            split, right, right_id = _split_changes(c, at)
            changes += split + [AddClip(track.id, right)]
            later.append(right_id)
    if later:
        changes.append(ShiftClips(track.id, tuple(later), new.duration))
    changes.append(AddClip(track.id, new))
    return _make(project, f"Insert {_label(new)}", changes)


def overwrite(project: Project, track_id: str, clip: Clip, at: int) -> Edit:
    """Put ``clip`` at frame ``at``, replacing whatever is under it on the track."""
    _, track = _find_track(project, track_id)
    _frame("overwrite frame", at)
    _check_new_clip(project, clip)
    new = copy.deepcopy(clip)
    new.position = at
    start, end = at, at + new.duration
    changes: list[Change] = []
    for c in track.clips:
        if c.end <= start or c.position >= end:
            continue
        if start <= c.position and c.end <= end:
            changes.append(RemoveClip(track.id, copy.deepcopy(c)))
        elif c.position < start and c.end > end:
            changes += _reshape(c, _resized(c, c.position, start, keep_fade_out=False, snap=_BEFORE))
            right = _resized(c, end, c.end, keep_fade_in=False, new_id_=new_id("clip"), snap=_AFTER)
            changes.append(AddClip(track.id, right))
        elif c.position < start:
            changes += _reshape(c, _resized(c, c.position, start, keep_fade_out=False, snap=_BEFORE))
        else:
            changes += _reshape(c, _resized(c, end, c.end, keep_fade_in=False, snap=_AFTER))
    changes.append(AddClip(track.id, new))
    return _make(project, f"Overwrite with {_label(new)}", changes)


def move(project: Project, clip_id: str, position: int, track_id: str | None = None) -> Edit:
    """Move a clip to ``position`` on its own track or on ``track_id`` (a track of the same kind)."""
    _, track, clip = _find_clip(project, clip_id)
    _frame("position", position)
    if track_id is None or track_id == track.id:
        if position == clip.position:
            raise EditError(f"Move {_label(clip)}: it is already at frame {position}")
        return _make(project, f"Move {_label(clip)}", [SetField("clip", clip.id, "position", clip.position, position)])
    _, target = _find_track(project, track_id)
    if target.kind != track.kind:
        raise EditError(f"Move {_label(clip)}: cannot move a clip from a {track.kind} track to a {target.kind} track")
    moved = copy.deepcopy(clip)
    moved.position = position
    return _make(
        project,
        f"Move {_label(clip)} to {target.name}",
        [RemoveClip(track.id, copy.deepcopy(clip)), AddClip(target.id, moved)],
    )


def move_clips(project: Project, positions: dict[str, int], text: str = "Move clips") -> Edit:
    """Move several clips at once, each along its own track, to ``positions[clip_id]``; checked only where
    they all land, so a group move never collides with itself on the way."""
    changes: list[Change] = []
    for clip_id, position in positions.items():
        _, _, clip = _find_clip(project, clip_id)
        _frame("position", position)
        if position != clip.position:
            changes.append(SetField("clip", clip.id, "position", clip.position, position))
    return _make(project, text, changes)


def trim_head(project: Project, clip_id: str, to: int) -> Edit:
    """Drag the clip's start to timeline frame ``to`` (its end stays put; the source moves with it)."""
    _, _, clip = _find_clip(project, clip_id)
    _frame("trim frame", to)
    if to >= clip.end:
        raise EditError(f"Trim {_label(clip)}: the start must stay before its end (frame {clip.end}), got {to}")
    trimmed = _resized(clip, to, clip.end)
    _check_source_room(project, clip, trimmed, to)
    if trimmed.duration < 1:
        raise EditError(f"Trim {_label(clip)}: at {clip.speed:g}x it cannot be shorter than one source frame")
    changes = _reshape(clip, trimmed)
    return _make(project, f"Trim start of {_label(clip)}", changes)


def trim_tail(project: Project, clip_id: str, to: int) -> Edit:
    """Drag the clip's end to timeline frame ``to`` (exclusive); its start stays put."""
    _, _, clip = _find_clip(project, clip_id)
    _frame("trim frame", to)
    if to <= clip.position:
        raise EditError(f"Trim {_label(clip)}: the end must stay after its start (frame {clip.position}), got {to}")
    trimmed = _resized(clip, clip.position, to)
    _check_source_room(project, clip, trimmed, to)
    if trimmed.duration < 1:
        raise EditError(f"Trim {_label(clip)}: at {clip.speed:g}x it cannot be shorter than one source frame")
    changes = _reshape(clip, trimmed)
    return _make(project, f"Trim end of {_label(clip)}", changes)


def _check_source_room(project: Project, clip: Clip, trimmed: Clip, to: int) -> None:
    """Refuse a trim that would extend the clip past either end of its source (counted in source frames)."""
    tl = project.find_clip(clip.id)[0]
    sr, new = clip.source_range, trimmed.source_range
    if new.start < 0:
        raise EditError(
            f"Trim {_label(clip)}: only {sr.start} frames of source before its start, cannot extend to frame {to}"
        )
    asset = project.assets.get(clip.asset_id) if clip.asset_id else None
    length = asset.duration_frames(tl.rate) if asset else None
    if length is not None and new.end > length:
        raise EditError(
            f"Trim {_label(clip)}: only {length - sr.end} more frames of source after its end, cannot extend to frame {to}"
        )


def split(project: Project, clip_id: str, at: int) -> Edit:
    """Cut one clip in two at timeline frame ``at``; the right part gets a new id."""
    _, track, clip = _find_clip(project, clip_id)
    _frame("split frame", at)
    if not clip.position < at < clip.end:
        raise EditError(
            f"Split {_label(clip)}: frame {at} is not inside the clip (frames {clip.position} to {clip.end - 1})"
        )
    changes, right, _ = _split_changes(clip, at)
    return _make(project, f"Split {_label(clip)}", changes + [AddClip(track.id, right)])


def split_at_playhead(
    project: Project, frame: int, track_ids: Iterable[str] | None = None, timeline_id: str | None = None
) -> Edit:
    """Split every clip under the playhead on the given tracks (default: all unlocked tracks)."""
    _frame("playhead", frame)
    tl = project.find_timeline(timeline_id) if timeline_id else project.timeline
    wanted = set(track_ids) if track_ids is not None else None
    changes: list[Change] = []
    for track in tl.tracks:
        if (wanted is None and track.locked) or (wanted is not None and track.id not in wanted):
            continue
        for clip in track.clips:
            if clip.position < frame < clip.end:
                split_changes, right, _ = _split_changes(clip, frame)
                changes += split_changes + [AddClip(track.id, right)]
    if not changes:
        raise EditError(f"Split: no clip under the playhead at frame {frame}")
    return _make(project, f"Split at frame {frame}", changes)


def ripple_delete(project: Project, clip_id: str) -> Edit:
    """Remove a clip and close the gap: later clips on its track move left by its length."""
    _, track, clip = _find_clip(project, clip_id)
    later = tuple(c.id for c in track.clips if c.position >= clip.end)
    changes: list[Change] = [RemoveClip(track.id, copy.deepcopy(clip))]
    if later:
        changes.append(ShiftClips(track.id, later, -clip.duration))
    return _make(project, f"Ripple delete {_label(clip)}", changes)


def slip(project: Project, clip_id: str, delta: int) -> Edit:
    """Show a different part of the source in the same place: the source range moves by ``delta`` frames."""
    tl, _, clip = _find_clip(project, clip_id)
    if not is_frame_count(delta) or delta == 0:
        raise EditError(f"Slip {_label(clip)}: delta must be a non-zero whole number of frames, got {delta!r}")
    sr = clip.source_range
    if sr.start + delta < 0:
        raise EditError(f"Slip {_label(clip)}: only {sr.start} frames of source before it, cannot slip by {delta}")
    asset = project.assets.get(clip.asset_id) if clip.asset_id else None
    length = asset.duration_frames(tl.rate) if asset else None
    if length is not None and sr.end + delta > length:
        raise EditError(
            f"Slip {_label(clip)}: only {length - sr.end} frames of source after it, cannot slip by {delta}"
        )
    new = TimeRange(sr.start + delta, sr.duration)
    if clip.speed != 1.0:  # keep its length: at another speed it depends on where the source range sits
        moved = copy.deepcopy(clip)
        for frames in sorted(range(max(1, sr.duration - 4), sr.duration + 5), key=lambda n: abs(n - sr.duration)):
            moved.source_range = TimeRange(sr.start + delta, frames)
            if moved.duration == clip.duration and (length is None or moved.source_range.end <= length):
                new = moved.source_range
                break
    return _make(project, f"Slip {_label(clip)}", [SetField("clip", clip.id, "source_range", sr, new)])


# ----------------------------------------------------------------------------------------------
# properties and markers


def _coerce(name: str, value: Any) -> Any:
    if name == "transform" and isinstance(value, dict):
        return Transform(**value)
    if name == "title" and isinstance(value, dict):
        return Title(**value)
    if name == "recipe" and isinstance(value, dict):
        return Recipe(**value)
    return value


def set_property(project: Project, target_id: str, name: str, value: Any) -> Edit:
    """Set one property of a clip, track, marker or timeline (found by id)."""
    target_kind, obj, allowed = _property_target(project, target_id)
    if name not in allowed:
        raise EditError(f"{name!r} is not a {target_kind} property you can set; choose one of: {', '.join(allowed)}")
    value = _coerce(name, value)
    _check_simple_property(target_kind, name, value)
    old = getattr(obj, name)
    if old == value:
        raise EditError(f"{name} is already {value!r}")
    label = obj.name or obj.id
    change = SetField(target_kind, target_id, name, copy.deepcopy(old), copy.deepcopy(value))
    if target_kind == "marker":
        return _make_marker_edit(project, f"Set {name} of marker {label!r}", [change])
    if target_kind in ("track", "timeline"):
        return Edit(f"Set {name} of {target_kind} {label!r}", (change,))
    return _make(project, f"Set {name} of {label!r}", [change])


def _property_target(project: Project, target_id: str) -> tuple[str, Any, tuple[str, ...]]:
    for finder, kind, allowed in (
        (project.find_clip, "clip", CLIP_PROPERTIES),
        (project.find_track, "track", TRACK_PROPERTIES),
        (project.find_marker, "marker", MARKER_PROPERTIES),
    ):
        try:
            return kind, finder(target_id)[-1], allowed
        except KeyError:
            pass
    try:
        return "timeline", project.find_timeline(target_id), TIMELINE_PROPERTIES
    except KeyError:
        raise EditError(f"nothing with id {target_id!r} in this project") from None


def _check_simple_property(kind: str, name: str, value: Any) -> None:
    if name == "name" and not isinstance(value, str):
        raise EditError(f"name must be text, got {value!r}")
    if name in ("muted", "solo", "locked", "enabled") and not isinstance(value, bool):
        raise EditError(f"{name} must be true or false, got {value!r}")
    if name == "duck_db" and (isinstance(value, bool) or not isinstance(value, (int, float)) or not -60 <= value <= 0):
        raise EditError(f"ducking depth must be -60 to 0 dB, got {value!r}")
    if name == "duck_under" and value is not None and not isinstance(value, str):
        raise EditError(f"duck_under must be an audio track's id or None, got {value!r}")
    if name == "height" and (not is_frame_count(value) or not 20 <= value <= 400):
        raise EditError(f"track height must be 20 to 400 pixels, got {value!r}")
    if kind == "clip" and name == "transform" and not isinstance(value, Transform):
        raise EditError(f"transform must be a Transform or {{x, y, scale}}, got {value!r}")
    if kind == "clip" and name == "title" and value is not None and not isinstance(value, Title):
        raise EditError(f"title must be a Title, got {value!r}")
    if kind == "clip" and name == "recipe" and value is not None and not isinstance(value, Recipe):
        raise EditError(f"recipe must be a Recipe, got {value!r}")


def _make_marker_edit(project: Project, text: str, changes: list[Change]) -> Edit:
    edit = Edit(text, tuple(changes))
    edit.apply(project)
    try:
        problems = [marker_problem(m) for tl in project.timelines for m in tl.markers]
    finally:
        edit.revert(project)
    problem = next((p for p in problems if p), None)
    if problem:
        raise EditError(f"{text}: {problem[0]} {problem[1]}")
    return edit


def add_marker(
    project: Project,
    frame: int,
    name: str = "",
    color: str = "#ffcc00",
    *,
    timeline_id: str | None = None,
    marker_id: str | None = None,
) -> Edit:
    _frame("marker frame", frame)
    if not is_color(color):
        raise EditError(f"marker colour must look like '#ffcc00', got {color!r}")
    tl = project.find_timeline(timeline_id) if timeline_id else project.timeline
    if marker_id is not None and any(m.id == marker_id for t in project.timelines for m in t.markers):
        raise EditError(f"a marker with id {marker_id!r} is already in this project")  # undo would drop the wrong one
    marker = Marker(id=marker_id or new_id("marker"), frame=frame, name=name, color=color)
    return _make_marker_edit(project, f"Add marker at frame {frame}", [AddMarker(tl.id, marker)])


def remove_marker(project: Project, marker_id: str) -> Edit:
    try:
        tl, marker = project.find_marker(marker_id)
    except KeyError:
        raise EditError(f"no marker with id {marker_id!r} in this project") from None
    return Edit(f"Remove marker {marker.name or marker.frame!r}", (RemoveMarker(tl.id, copy.deepcopy(marker)),))
