"""Transitions at cuts: add, change and remove them, and keep them valid while clips move.

A transition is held by its track (``Track.transitions``); every edit here is one ``SetField`` of that list, so
undo restores it exactly. A duration longer than the two clips allow is shortened to the longest that fits, and the
edit's text says so; a source with too little media past its trim is not an error (the render holds its edge
frame), but ``handle_notes`` (re-exported from the model checks) names it so the creator can see why a transition freezes.
"""

from __future__ import annotations

import copy

from studio.edit.changes import Edit, EditError, SetField
from studio.model.checks import KIND_WORDS, TRANSITION_KINDS, handle_notes, transition_room
from studio.model.checks import describe_transition as describe
from studio.model.entities import Clip, Project, Timeline, Track, Transition, new_id

__all__ = ["add_transition", "handle_notes", "kept_valid", "remove_transition", "set_transition"]
DEFAULT_SECONDS = 1  # a new transition lasts a second unless the creator says otherwise


def find_transition(project: Project, transition_id: str) -> tuple[Timeline, Track, Transition]:
    for tl in project.timelines:
        for track in tl.tracks:
            for t in track.transitions:
                if t.id == transition_id:
                    return tl, track, t
    raise EditError(f"no transition with id {transition_id!r} in this project")


def _name(clip: Clip) -> str:
    return repr(clip.name or clip.id)


def _checked(track: Track, kind: str, duration: object) -> None:
    if track.locked:
        raise EditError(f"track {track.name!r} is locked")
    if kind not in TRANSITION_KINDS:
        raise EditError(f"a transition is one of {', '.join(TRANSITION_KINDS)}, got {kind!r}")
    if track.kind == "audio" and kind != "dissolve":
        raise EditError(f"an audio track only crossfades; {KIND_WORDS[kind]} is for pictures")
    if isinstance(duration, bool) or not isinstance(duration, int) or duration < 1:
        raise EditError(f"a transition lasts at least 1 frame, got {duration!r}")


def _fitted(track: Track, a: Clip, b: Clip, duration: int, transition_id: str | None) -> tuple[int, str]:
    """``duration`` clamped to what the clips allow, and a note saying so (empty when it fitted)."""
    room = transition_room(track, a, b, transition_id)
    if room < 1:
        raise EditError(f"clips {_name(a)} and {_name(b)} are too short for a transition at frame {a.end}")
    if duration <= room:
        return duration, ""
    return room, f" (shortened to {room} frames: the clips allow no more)"


def add_transition(project: Project, clip_id: str, kind: str = "dissolve", duration: int | None = None) -> Edit:
    """A transition at the end of clip ``clip_id`` into the clip that starts where it ends on the same track.

    ``duration`` in frames (default one second), centred on the cut and shortened to fit the clips."""
    try:
        tl, track, a = project.find_clip(clip_id)
    except KeyError:
        raise EditError(f"no clip with id {clip_id!r} in this project") from None
    duration = round(tl.rate * DEFAULT_SECONDS) if duration is None else duration
    _checked(track, kind, duration)
    b = next((c for c in track.clips if c.position == a.end and c.id != a.id), None)
    if b is None:
        raise EditError(f"clip {_name(a)} is not at a cut: no clip starts where it ends (frame {a.end})")
    if track.transitions_of(a.id)[1] is not None:
        raise EditError(f"there is already a transition at the cut at frame {a.end}; change or delete it")
    duration, note = _fitted(track, a, b, duration, None)
    new = Transition(new_id("transition"), kind, duration, a.id, b.id)
    text = f"Add {describe(track, new)} between {_name(a)} and {_name(b)}{note}"
    return Edit(text, (_set(track, [*track.transitions, new]),))


def set_transition(
    project: Project, transition_id: str, *, kind: str | None = None, duration: int | None = None
) -> Edit:
    """Change a transition's kind and/or duration (shortened to fit the clips, as when adding)."""
    _, track, old = find_transition(project, transition_id)
    new = copy.deepcopy(old)
    new.kind = old.kind if kind is None else kind
    new.duration = old.duration if duration is None else duration
    _checked(track, new.kind, new.duration)
    a, b = track.clip(old.from_clip), track.clip(old.to_clip)
    new.duration, note = _fitted(track, a, b, new.duration, old.id)
    if new == old:
        raise EditError(f"the {describe(track, old)} is already {KIND_WORDS[new.kind]}, {new.duration} frames")
    what = "duration" if new.kind == old.kind else "kind" if new.duration == old.duration else "transition"
    text = f"Set {what} of the {describe(track, old)} at frame {a.end}{note}"
    return Edit(text, (_set(track, [new if t.id == old.id else t for t in track.transitions]),))


def remove_transition(project: Project, transition_id: str) -> Edit:
    _, track, old = find_transition(project, transition_id)
    if track.locked:
        raise EditError(f"track {track.name!r} is locked")
    a = track.clip(old.from_clip)
    return Edit(
        f"Delete the {describe(track, old)} at frame {a.end}",
        (_set(track, [t for t in track.transitions if t.id != old.id]),),
    )


def _set(track: Track, transitions: list[Transition]) -> SetField:
    return SetField("track", track.id, "transitions", copy.deepcopy(track.transitions), copy.deepcopy(transitions))


def kept_valid(track: Track) -> list[Transition]:
    """The track's transitions after its clips changed: each one follows its cut (to whichever clip now ends or
    starts there, as after a split), is shortened to fit, or is dropped when its cut is gone."""
    by_id = {c.id: c for c in track.clips}
    out: list[Transition] = []
    cuts: set[int] = set()
    for old in track.transitions:
        t = copy.deepcopy(old)
        a, b = by_id.get(t.from_clip), by_id.get(t.to_clip)
        if a is None or b is None or a.end != b.position:
            if b is not None:
                a = next((c for c in track.clips if c.end == b.position and c.id != b.id), None)
            elif a is not None:
                b = next((c for c in track.clips if c.position == a.end and c.id != a.id), None)
            if a is None or b is None or a.end != b.position:
                continue
            t.from_clip, t.to_clip = a.id, b.id
        if a.end in cuts:
            continue
        cuts.add(a.end)
        out.append(t)
    kept = Track(track.id, track.kind, track.name, track.clips, transitions=out)
    for t in sorted(out, key=lambda t: by_id[t.from_clip].end):
        room = transition_room(kept, by_id[t.from_clip], by_id[t.to_clip], t.id)
        if t.duration > room:
            t.duration = room
    kept.transitions = [t for t in out if t.duration >= 1]
    return kept.transitions


def follow_up(project: Project, track_ids: list[str]) -> list[SetField]:
    """The changes that keep these tracks' transitions valid (for an edit already applied to ``project``)."""
    changes = []
    for track_id in dict.fromkeys(track_ids):
        try:
            track = project.find_track(track_id)[1]
        except KeyError:
            continue
        if track.transitions:
            new = kept_valid(track)
            if new != track.transitions:
                changes.append(_set(track, new))
    return changes
