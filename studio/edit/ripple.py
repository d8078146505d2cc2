"""Ripple delete across all unlocked tracks (Kdenlive's and Shotcut's "ripple all tracks"): deleting clips closes
their gap on every unlocked track, so what follows stays in sync. One undoable edit.

    stack.push(ripple_delete_across_tracks(project, ["clip_a"]))

Where a clip on another unlocked track lies across the gap, closing it would cut that clip: the edit is refused,
naming the clip (lock its track, or delete or move it first). Locked tracks keep their clips where they are; the
timeline's markers close up with the cut.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable

from studio.edit.changes import Change, Edit, EditError, RemoveClip, SetField, ShiftClips
from studio.edit.operations import _find_clip, _label, _make
from studio.model.entities import Marker, Project


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or touching [start, end) spans joined, in time order."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def ripple_delete_across_tracks(project: Project, clip_ids: Iterable[str]) -> Edit:
    """Remove ``clip_ids`` and close the time they covered on every unlocked track of their timeline."""
    ids = list(dict.fromkeys(clip_ids))
    if not ids:
        raise EditError("Ripple delete across tracks: no clip given")
    found = [_find_clip(project, clip_id) for clip_id in ids]
    timeline = found[0][0]
    if any(tl is not timeline for tl, _, _ in found):
        raise EditError("Ripple delete across tracks: the clips are on different timelines")
    gaps = _merged([(clip.position, clip.end) for _, _, clip in found])
    text = f"Ripple delete {_label(found[0][2])}" if len(found) == 1 else f"Ripple delete {len(found)} clips"
    text += " across tracks"
    changes: list[Change] = [RemoveClip(track.id, copy.deepcopy(clip)) for _, track, clip in found]
    removed = set(ids)
    for track in timeline.tracks:
        if track.locked:
            continue
        by_shift: dict[int, list[str]] = {}
        for clip in track.clips:
            if clip.id in removed:
                continue
            for start, end in gaps:
                if clip.position < end and clip.end > start:
                    raise EditError(
                        f"{text}: clip {_label(clip)} on track {track.name!r} lies across the gap "
                        f"(frames {start} to {end}) and would be cut; lock its track or move it first"
                    )
            shift = sum(end - start for start, end in gaps if end <= clip.position)
            if shift:
                by_shift.setdefault(shift, []).append(clip.id)
        changes += [ShiftClips(track.id, tuple(clip_ids), -shift) for shift, clip_ids in sorted(by_shift.items())]
    changes += _markers_follow(timeline.markers, gaps)
    return _make(project, text, changes)


def _markers_follow(markers: list[Marker], gaps: list[tuple[int, int]]) -> list[Change]:
    """Markers mark moments of the cut, so they close up with it: one after a gap moves back by the gap, one
    inside a gap goes to where the gap closed."""
    changes: list[Change] = []
    for marker in markers:
        new = marker.frame
        for start, end in gaps:  # compared with the frame as it was
            if marker.frame >= end:
                new -= end - start
            elif marker.frame > start:
                new -= marker.frame - start
        if new != marker.frame:
            changes.append(SetField("marker", marker.id, "frame", marker.frame, new))
    return changes
