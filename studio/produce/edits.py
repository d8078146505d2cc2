"""A result on the timeline, as undoable Edits: the GUI pushes them on its undo stack, headless code applies them.

- ``place_recipe``: a placeholder clip holding the request, standing in until the media exists.
- ``attach_media``: point a (recipe) clip at its generated media, shortening it if the media is shorter.
- ``place_result``: a new clip of a generated asset; a video with its own sound (LTX-2) also gets an
  audio clip of that sound at the same frame.
Nothing here changes the project it is given; the returned Edit does, when applied.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

from studio import edit
from studio.edit import Edit, EditError
from studio.model import Asset, Clip, Project, Recipe, TimeRange, Track, new_id

AUDIO_KINDS = ("sfx", "song", "voice")
LINKED_AUDIO_ROLE = "audio"  # a video result's own synchronised sound (LTX-2)


def track_kind_for(kind: str) -> str:
    """The track kind a media kind's clips go on: "audio" for sfx, song and voice, else "video"."""
    return "audio" if kind in AUDIO_KINDS else "video"


def estimate_seconds(kind: str, fields: dict[str, Any]) -> float:
    """How long a placeholder clip should be before the media exists (the real length replaces it)."""
    if fields.get("duration"):
        return float(fields["duration"])
    if kind == "voice":
        return max(1.0, len(str(fields.get("prompt", "")).split()) / 2.5)
    if kind == "3d":
        return float(fields.get("turntable_seconds") or 4.0)
    return 8.0


def combine(project: Project, text: str, steps: Sequence[Callable[[], Edit]]) -> Edit:
    """One Edit from several operations, each built against the project as the earlier ones left it.

    Each step is applied while the next is built, then all are reverted: the project is unchanged."""
    made: list[Edit] = []
    try:
        for step in steps:
            e = step()
            e.apply(project)
            made.append(e)
    finally:
        for e in reversed(made):
            e.revert(project)
    return Edit(text, tuple(ch for e in made for ch in e.changes))


def _fits(track: Track, position: int, length: int) -> bool:
    return not any(c.position < position + length and position < c.end for c in track.clips)


def free_spot(tracks: Sequence[Track], position: int, length: int) -> tuple[Track, int] | None:
    """The first track with room at ``position``, else the first track's end; None without tracks."""
    for track in tracks:
        if _fits(track, position, length):
            return track, position
    return (tracks[0], tracks[0].end) if tracks else None


def place_recipe(
    project: Project, kind: str, engine: str | None, request: dict[str, Any], position: int, name: str | None = None
) -> tuple[Edit, str]:
    """A placeholder clip for a job, on the first unlocked track of its kind with room at ``position``
    (else at the end of the first). Returns the Edit and the new clip's id; EditError without a track."""
    tl = project.timeline
    track_kind = track_kind_for(kind)
    tracks = [t for t in tl.tracks if t.kind == track_kind and not t.locked]
    length = max(1, round(Fraction(estimate_seconds(kind, request)).limit_denominator(1000) * tl.rate))
    spot = free_spot(tracks, max(0, position), length)
    if spot is None:
        raise EditError(f"no unlocked {track_kind} track to place the {kind} on")
    track, at = spot
    label = name or str(request.get("prompt") or Path(str(request.get("image", kind))).stem)[:40] or kind
    clip = Clip(
        id=new_id("clip"),
        name=label,
        position=at,
        source_range=TimeRange(0, length),
        recipe=Recipe(kind, engine, dict(request)),
    )
    return edit.add_clip(project, track.id, clip), clip.id


def attach_media(project: Project, clip_id: str, asset: Asset) -> Edit:
    """Point a clip (a recipe placeholder, or a clip being upgraded) at ``asset``; a file shorter than the
    clip asked for shortens it (engines round lengths to whole frames or bars), so it never runs past its media."""
    tl, _, clip = project.find_clip(clip_id)
    if asset.id not in project.assets:
        raise EditError(f"asset {asset.id} is not in the project: import it first")
    steps: list[Callable[[], Edit]] = []
    available = None if asset.kind == "image" else asset.duration_frames(tl.rate)
    if available is not None and clip.source_range.end > available:
        keep = max(1, available - clip.source_range.start)
        steps.append(lambda: edit.trim_tail(project, clip_id, clip.position + keep))
    steps.append(lambda: edit.set_property(project, clip_id, "asset_id", asset.id))
    return combine(project, f"Generated {clip.name!r}", steps)


def result_clip(
    project: Project, asset: Asset, position: int, name: str | None = None, seconds: float | None = None
) -> Clip:
    """A clip showing the whole of ``asset`` (a still or a mesh lasts ``seconds``, default 5) at ``position``."""
    rate = project.timeline.rate
    length = asset.duration_frames(rate) if asset.kind not in ("image", "mesh", "other") else None
    if not length:
        length = max(1, round(Fraction(seconds or 5.0).limit_denominator(1000) * rate))
    return Clip(
        id=new_id("clip"),
        name=name or asset.name,
        position=max(0, position),
        source_range=TimeRange(0, length),
        asset_id=asset.id,
    )


def place_result(
    project: Project, asset: Asset, track_id: str | None = None, position: int = 0, name: str | None = None
) -> Edit:
    """A clip of ``asset`` on ``track_id`` (None: the first unlocked track of its kind with room, or a new one).

    A video whose result carried its own synchronised sound (``related["audio"]``) also gets an audio clip
    of it at the same frame and length, in the same Edit, so the two move together through undo."""
    tl = project.timeline
    clip = result_clip(project, asset, position, name)
    track_kind = "audio" if asset.kind == "audio" else "video"
    steps: list[Callable[[], Edit]] = [_on_track(project, track_kind, track_id, clip)]
    sound_id = asset.related.get(LINKED_AUDIO_ROLE) if asset.kind == "video" else None
    if sound_id is not None and sound_id in project.assets:
        sound = Clip(
            id=new_id("clip"),
            name=f"{clip.name} (sound)",
            position=clip.position,
            source_range=TimeRange(
                0, min(clip.duration, project.assets[sound_id].duration_frames(tl.rate) or clip.duration)
            ),
            asset_id=sound_id,
        )
        steps.append(_on_track(project, "audio", None, sound))
    return combine(project, f"Add {clip.name!r}", steps)


def place_shot_sound(project: Project, shot_clip_id: str, asset: Asset) -> Edit:
    """A clip of ``asset`` (sound made from a shot's events, timed like the shot) under the shot clip
    ``shot_clip_id``, playing the same stretch of it the same way (position, trim, speed, direction), on an audio
    track with room."""
    tl, _, shot = project.find_clip(shot_clip_id)
    if asset.id not in project.assets:
        raise EditError(f"asset {asset.id} is not in the project: import it first")
    sr = shot.source_range
    available = asset.duration_frames(tl.rate) or sr.end
    if available < sr.end:
        raise EditError(f"the sound is shorter than the part of {shot.name!r} the clip shows")
    sound = Clip(
        id=new_id("clip"),
        name=f"Sound of {shot.name}"[:60],
        position=shot.position,
        source_range=sr,
        asset_id=asset.id,
        speed=shot.speed,
        reverse=shot.reverse,
    )
    return combine(project, f"Add sound for {shot.name!r}", [_on_track(project, "audio", None, sound)])


def _on_track(project: Project, kind: str, track_id: str | None, clip: Clip) -> Callable[[], Edit]:
    """A step that adds ``clip`` on ``track_id``, or where it fits on a track of ``kind`` (adding one if none has room)."""

    def step() -> Edit:
        if track_id is not None:
            return edit.add_clip(project, track_id, clip)
        tracks = [t for t in project.timeline.tracks if t.kind == kind and not t.locked]
        for track in tracks:
            if _fits(track, clip.position, clip.duration):
                return edit.add_clip(project, track.id, clip)
        new_track = new_id("track")
        return combine(
            project,
            f"Add {clip.name!r}",
            [
                lambda: edit.add_track(project, kind, track_id=new_track),
                lambda: edit.add_clip(project, new_track, clip),
            ],
        )

    return step
