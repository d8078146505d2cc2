"""Primitive, exactly invertible changes to a Project, and the ``Edit`` that groups them.

Objects are addressed by id, never by Python reference, so an edit replays on any copy of the
model. Every change stores deep copies of the old and new values; applying a change and then its
inverse leaves a model equal to the one before. Clips stay sorted by position, markers by frame.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from studio.model.entities import Clip, Marker, Project, Timeline, Track


class EditError(ValueError):
    """An edit cannot be made (overlap, locked track, out-of-range trim, ...). One line, creator's words."""


class ModelIndex:
    """Id -> object lookups for one pass of changes over a project (built once per apply)."""

    def __init__(self, project: Project):
        self.project = project
        self.timelines: dict[str, Timeline] = {}
        self.tracks: dict[str, tuple[Timeline, Track]] = {}
        self.clips: dict[str, tuple[Track, Clip]] = {}
        self.markers: dict[str, tuple[Timeline, Marker]] = {}
        self.touched: dict[int, Track] = {}
        self.touched_marker_lists: dict[int, Timeline] = {}
        for tl in project.timelines:
            self.timelines[tl.id] = tl
            for m in tl.markers:
                self.markers[m.id] = (tl, m)
            for t in tl.tracks:
                self.tracks[t.id] = (tl, t)
                for c in t.clips:
                    self.clips[c.id] = (t, c)

    def target(self, kind: str, target_id: str) -> Any:
        """The object a SetField names: kind is "clip", "track", "timeline", "marker" or "asset"."""
        try:
            if kind == "clip":
                return self.clips[target_id][1]
            if kind == "track":
                return self.tracks[target_id][1]
            if kind == "timeline":
                return self.timelines[target_id]
            if kind == "marker":
                return self.markers[target_id][1]
            if kind == "asset":
                return self.project.assets[target_id]
        except KeyError:
            raise EditError(f"no {kind} with id {target_id!r} in this project") from None
        raise EditError(f"cannot edit a {kind!r}")

    def finish(self) -> None:
        """Restore the orderings the model promises (clips by position, markers by frame)."""
        for track in self.touched.values():
            track.clips.sort(key=lambda c: c.position)
        for tl in self.touched_marker_lists.values():
            tl.markers.sort(key=lambda m: (m.frame, m.id))


@dataclass(frozen=True)
class SetField:
    """Set ``name`` on the object (kind, target_id) from ``old`` to ``new``."""

    kind: str
    target_id: str
    name: str
    old: Any
    new: Any

    def apply(self, index: ModelIndex) -> None:
        obj = index.target(self.kind, self.target_id)
        setattr(obj, self.name, copy.deepcopy(self.new))
        if self.kind == "clip" and self.name == "position":
            track = index.clips[self.target_id][0]
            index.touched[id(track)] = track
        if self.kind == "marker" and self.name == "frame":
            tl = index.markers[self.target_id][0]
            index.touched_marker_lists[id(tl)] = tl

    def inverse(self) -> SetField:
        return SetField(self.kind, self.target_id, self.name, self.new, self.old)


@dataclass(frozen=True)
class ShiftClips:
    """Move many clips of one track by ``delta`` frames (ripple)."""

    track_id: str
    clip_ids: tuple[str, ...]
    delta: int

    def apply(self, index: ModelIndex) -> None:
        found = [index.clips[clip_id] for clip_id in self.clip_ids]  # all looked up before any moves
        for track, clip in found:
            clip.position += self.delta
            index.touched[id(track)] = track

    def inverse(self) -> ShiftClips:
        return ShiftClips(self.track_id, self.clip_ids, -self.delta)


@dataclass(frozen=True)
class AddClip:
    track_id: str
    clip: Clip

    def apply(self, index: ModelIndex) -> None:
        track = index.tracks[self.track_id][1]
        clip = copy.deepcopy(self.clip)
        track.clips.append(clip)
        index.clips[clip.id] = (track, clip)
        index.touched[id(track)] = track

    def inverse(self) -> RemoveClip:
        return RemoveClip(self.track_id, self.clip)


@dataclass(frozen=True)
class RemoveClip:
    track_id: str
    clip: Clip

    def apply(self, index: ModelIndex) -> None:
        track, clip = index.clips.pop(self.clip.id)
        track.clips.remove(clip)

    def inverse(self) -> AddClip:
        return AddClip(self.track_id, self.clip)


@dataclass(frozen=True)
class AddTrack:
    timeline_id: str
    index: int
    track: Track

    def apply(self, index: ModelIndex) -> None:
        tl = index.timelines[self.timeline_id]
        track = copy.deepcopy(self.track)
        tl.tracks.insert(self.index, track)
        index.tracks[track.id] = (tl, track)
        for c in track.clips:
            index.clips[c.id] = (track, c)

    def inverse(self) -> RemoveTrack:
        return RemoveTrack(self.timeline_id, self.index, self.track)


@dataclass(frozen=True)
class RemoveTrack:
    timeline_id: str
    index: int
    track: Track

    def apply(self, index: ModelIndex) -> None:
        tl, track = index.tracks.pop(self.track.id)
        tl.tracks.remove(track)
        for c in track.clips:
            index.clips.pop(c.id, None)
        index.touched.pop(id(track), None)

    def inverse(self) -> AddTrack:
        return AddTrack(self.timeline_id, self.index, self.track)


@dataclass(frozen=True)
class AddMarker:
    timeline_id: str
    marker: Marker

    def apply(self, index: ModelIndex) -> None:
        tl = index.timelines[self.timeline_id]
        marker = copy.deepcopy(self.marker)
        tl.markers.append(marker)
        index.markers[marker.id] = (tl, marker)
        index.touched_marker_lists[id(tl)] = tl

    def inverse(self) -> RemoveMarker:
        return RemoveMarker(self.timeline_id, self.marker)


@dataclass(frozen=True)
class RemoveMarker:
    timeline_id: str
    marker: Marker

    def apply(self, index: ModelIndex) -> None:
        tl, marker = index.markers.pop(self.marker.id)
        tl.markers.remove(marker)

    def inverse(self) -> AddMarker:
        return AddMarker(self.timeline_id, self.marker)


Change = SetField | ShiftClips | AddClip | RemoveClip | AddTrack | RemoveTrack | AddMarker | RemoveMarker


@dataclass(frozen=True)
class Edit:
    """One undoable step: a name for the Edit menu and the changes, in the order they apply."""

    text: str
    changes: tuple[Change, ...]

    def apply(self, project: Project) -> None:
        _run(project, list(self.changes), self.text)

    def revert(self, project: Project) -> None:
        _run(project, [change.inverse() for change in reversed(self.changes)], f"Undo {self.text}")

    def __bool__(self) -> bool:
        return bool(self.changes)


def _run(project: Project, changes: list[Change], text: str) -> None:
    """Apply ``changes`` all or nothing: an edit that no longer fits the project is rolled back."""
    index = ModelIndex(project)
    done: list[Change] = []
    try:
        for change in changes:
            change.apply(index)
            done.append(change)
    except (KeyError, ValueError) as exc:
        for change in reversed(done):
            change.inverse().apply(index)
        index.finish()
        raise EditError(f"{text}: the project no longer matches this edit (missing {exc})") from None
    index.finish()
