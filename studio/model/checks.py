"""Rules every valid model obeys, shared by the edit operations and the project loader.

Each check returns the first problem as ``(field, message)`` (field relative to the object checked,
e.g. ``("source_range", "duration must be > 0")``) or None, so callers can prefix their own path.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

from studio.model.entities import (
    KEYFRAMED,
    SPEED_RANGE,
    TRANSITION_KINDS,
    Asset,
    Clip,
    Marker,
    Project,
    Timeline,
    Track,
    Transition,
)

FITS = ("fit", "fill", "stretch", "explicit")
TRACK_KINDS = ("video", "audio")
TITLE_POSITIONS = ("center", "top", "bottom", "lower-third")
GAIN_DB_RANGE = (-96.0, 24.0)
Problem = tuple[str, str] | None


def is_frame_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_finite_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def is_color(value: Any) -> bool:
    """'#rrggbb' or '#rrggbbaa'."""
    if not isinstance(value, str) or not value.startswith("#") or len(value) not in (7, 9):
        return False
    return all(ch in "0123456789abcdefABCDEF" for ch in value[1:])


def _number_problem(name: str, value: Any, lo: float, hi: float) -> Problem:
    if not is_finite_number(value):
        return name, f"must be a finite number, got {value!r}"
    if not lo <= value <= hi:
        return name, f"must be between {lo:g} and {hi:g}, got {value!r}"
    return None


def source_range_problem(clip: Clip, asset: Asset | None, rate: Any) -> Problem:
    """The clip's source range: whole frames, duration > 0, start >= 0, inside the asset's length."""
    sr = clip.source_range
    if not is_frame_count(sr.start) or not is_frame_count(sr.duration):
        return "source_range", f"start and duration must be whole frames, got {sr.start!r}, {sr.duration!r}"
    if sr.duration <= 0:
        return "source_range", f"duration must be > 0, got {sr.duration}"
    if sr.start < 0:
        return "source_range", f"start must be >= 0, got {sr.start}"
    length = asset.duration_frames(rate) if asset is not None else None
    if asset is not None and length is not None and sr.end > length:
        return "source_range", (f"ends at frame {sr.end}, past the end of its source {asset.name!r} ({length} frames)")
    return None


def speed_problem(clip: Clip) -> Problem:
    """Speed is a finite number from 0.25x to 4x, reverse a yes/no, and the clip lasts at least one frame."""
    lo, hi = SPEED_RANGE
    if not is_finite_number(clip.speed):
        return "speed", f"must be a number from {lo:g} to {hi:g}, got {clip.speed!r}"
    if not lo <= clip.speed <= hi:
        return "speed", f"must be between {lo:g}x and {hi:g}x, got {clip.speed:g}x"
    if not isinstance(clip.reverse, bool):
        return "reverse", f"must be true or false, got {clip.reverse!r}"
    if clip.source_range.duration > 0 and clip.duration < 1:
        return "speed", (
            f"at {clip.speed:g}x its {clip.source_range.duration} source frame(s) last under one frame; "
            "use more of the source or a slower speed"
        )
    return None


def keyframes_problem(clip: Clip) -> Problem:
    """Keyframes only on properties that change over time, sorted by frame, one per frame, values in range."""
    for name, keys in clip.keyframes.items():
        if name not in KEYFRAMED:
            return f"keyframes.{name}", f"cannot change over time; keyframes work on {', '.join(KEYFRAMED)}"
        lo, hi = KEYFRAMED[name]
        for i, k in enumerate(keys):
            where = f"keyframes.{name}[{i}]"
            if not is_frame_count(k.frame):
                return where, f"frame must be a whole number, got {k.frame!r}"
            if i and k.frame <= keys[i - 1].frame:
                return where, "keyframes must be in frame order, one per frame"
            if isinstance(k.value, bool) or not isinstance(k.value, (int, float)) or not lo <= k.value <= hi:
                return where, f"{name} must be between {lo:g} and {hi:g}, got {k.value!r}"
            if k.curve not in ("linear", "ease"):
                return where, f"curve must be linear or ease, got {k.curve!r}"
    return None


def clip_problem(clip: Clip, track_kind: str, assets: dict[str, Asset], rate: Any) -> Problem:
    """Everything about one clip that can be wrong on a track of ``track_kind``."""
    if not isinstance(clip.name, str):
        return "name", "must be text"
    if not is_frame_count(clip.position) or clip.position < 0:
        return "position", f"must be a whole frame >= 0, got {clip.position!r}"
    if clip.asset_id is None and clip.title is None and clip.recipe is None:
        return "asset", "a clip needs an asset, a title or a recipe"
    if clip.title is not None and clip.asset_id is not None:
        return "title", "a title clip cannot also show an asset"
    asset = None
    if clip.asset_id is not None:
        asset = assets.get(clip.asset_id)
        if asset is None:
            return "asset", f"unknown asset {clip.asset_id!r}"
        if not asset.is_media:
            return "asset", f"{asset.name!r} is a {asset.kind} file, not video, audio or an image"
        if track_kind == "audio" and not asset.has_sound:
            return "asset", f"{asset.name!r} has no sound to put on an audio track"
        if track_kind == "video" and asset.kind == "audio":
            return "asset", f"{asset.name!r} is audio; put it on an audio track"
    problem = keyframes_problem(clip)
    if problem:
        return problem
    for i, take in enumerate(clip.takes):
        if take.asset_id is not None and take.asset_id not in assets:
            return f"takes[{i}].asset", f"unknown asset {take.asset_id!r}"
    if clip.title is not None and track_kind != "video":
        return "title", "titles belong on video tracks"
    problem = source_range_problem(clip, asset, rate) or speed_problem(clip)
    if problem:
        return problem
    for name, value in (
        ("video_fade_in", clip.video_fade_in),
        ("video_fade_out", clip.video_fade_out),
        ("audio_fade_in", clip.audio_fade_in),
        ("audio_fade_out", clip.audio_fade_out),
    ):
        if not is_frame_count(value) or value < 0:
            return name, f"must be a whole number of frames >= 0, got {value!r}"
    if clip.video_fade_in + clip.video_fade_out > clip.duration:
        return "video_fade_out", f"fades ({clip.video_fade_in} + {clip.video_fade_out}) are longer than the clip"
    if clip.audio_fade_in + clip.audio_fade_out > clip.duration:
        return "audio_fade_out", f"fades ({clip.audio_fade_in} + {clip.audio_fade_out}) are longer than the clip"
    if clip.fit not in FITS:
        return "fit", f"must be one of {', '.join(FITS)}, got {clip.fit!r}"
    if not isinstance(clip.enabled, bool):
        return "enabled", "must be true or false"
    for problem in (
        _number_problem("opacity", clip.opacity, 0.0, 1.0),
        _number_problem("gain_db", clip.gain_db, *GAIN_DB_RANGE),
        _number_problem("pan", clip.pan, -1.0, 1.0),
        _number_problem("transform.x", clip.transform.x, -10.0, 10.0),
        _number_problem("transform.y", clip.transform.y, -10.0, 10.0),
        _number_problem("transform.scale", clip.transform.scale, 0.001, 100.0),
    ):
        if problem:
            return problem
    if clip.title is not None:
        return title_problem(clip.title)
    return None


def title_problem(title: Any) -> Problem:
    if not isinstance(title.text, str) or not title.text.strip():
        return "title.text", "must be non-empty text"
    if not is_frame_count(title.font_size) or not 4 <= title.font_size <= 1000:
        return "title.font_size", f"must be a whole number from 4 to 1000, got {title.font_size!r}"
    if not is_color(title.color):
        return "title.color", f"must be a colour like '#ffffff', got {title.color!r}"
    if title.background is not None and not is_color(title.background):
        return "title.background", f"must be a colour like '#00000080', got {title.background!r}"
    if title.position not in TITLE_POSITIONS:
        return "title.position", f"must be one of {', '.join(TITLE_POSITIONS)}, got {title.position!r}"
    return None


def overlap_problem(track: Track) -> Problem:
    """Clips on a track must not overlap (checked in time order)."""
    ordered = sorted(track.clips, key=lambda c: c.position)
    for before, after in itertools.pairwise(ordered):
        if after.position < before.end:
            return "clips", (
                f"clip {after.name or after.id!r} at frame {after.position} overlaps "
                f"clip {before.name or before.id!r} (ends at frame {before.end}) on track {track.name!r}"
            )
    return None


MAX_TRANSITION_FRAMES = 100_000


def transition_room(track: Track, from_clip: Clip, to_clip: Clip, transition_id: str | None = None) -> int:
    """The longest transition that fits at the cut between ``from_clip`` and ``to_clip``: half of it before the
    cut must fit inside ``from_clip`` beside the transition at its other end, half after inside ``to_clip``."""
    into_from = next((t for t in track.transitions if t.to_clip == from_clip.id and t.id != transition_id), None)
    out_of_to = next((t for t in track.transitions if t.from_clip == to_clip.id and t.id != transition_id), None)
    before = from_clip.duration - (into_from.out_offset if into_from else 0)
    after = to_clip.duration - (out_of_to.in_offset if out_of_to else 0)
    return max(0, min(2 * before + 1, 2 * after, MAX_TRANSITION_FRAMES))


def transitions_problem(track: Track) -> Problem:
    """Each transition sits at a cut between two clips of its track, one per cut, and fits inside both clips."""
    clips = {c.id: c for c in track.clips}
    seen: set[tuple[str, str]] = set()
    ids: set[str] = set()
    for i, t in enumerate(track.transitions):
        where = f"transitions[{i}]"
        if not isinstance(t.id, str) or not t.id or t.id in ids:
            return f"{where}.id", f"must be a unique non-empty id, got {t.id!r}"
        ids.add(t.id)
        if t.kind not in TRANSITION_KINDS:
            return f"{where}.kind", f"must be one of {', '.join(TRANSITION_KINDS)}, got {t.kind!r}"
        if track.kind == "audio" and t.kind != "dissolve":
            return f"{where}.kind", f"an audio track only crossfades (dissolve), got {t.kind!r}"
        if not is_frame_count(t.duration) or not 1 <= t.duration <= MAX_TRANSITION_FRAMES:
            return (
                f"{where}.duration",
                f"must be a whole number of frames from 1 to {MAX_TRANSITION_FRAMES}, got {t.duration!r}",
            )
        a, b = clips.get(t.from_clip), clips.get(t.to_clip)
        if a is None or b is None:
            missing = t.from_clip if a is None else t.to_clip
            return where, f"names clip {missing!r}, which is not on track {track.name!r}"
        if a.end != b.position:
            return where, (
                f"is not at a cut: clip {a.name or a.id!r} ends at frame {a.end} but clip {b.name or b.id!r} "
                f"starts at frame {b.position}"
            )
        if (a.id, b.id) in seen:
            return where, f"a second transition at the cut at frame {a.end}"
        seen.add((a.id, b.id))
        room = transition_room(track, a, b, t.id)
        if t.duration > room:
            return f"{where}.duration", (
                f"{t.duration} frames is longer than clips {a.name or a.id!r} and {b.name or b.id!r} allow "
                f"({room} frames at most)"
            )
    return None


KIND_WORDS = {"dissolve": "dissolve", "dip_to_black": "dip to black", "wipe": "wipe"}


def describe_transition(track: Track, transition: Transition) -> str:
    """How the creator names it: "dissolve" on a picture track, "crossfade" on a sound track."""
    return "crossfade" if track.kind == "audio" else KIND_WORDS.get(transition.kind, transition.kind)


def handle_notes(project: Project, track: Track, transition: Transition) -> list[str]:
    """Where a clip's source has less media past its trim than the transition needs (the render holds its edge
    frame there, or plays silence): one line per short side, empty when both sides have enough."""
    tl = next(t for t in project.timelines if track in t.tracks)
    notes = []
    needs = (transition.out_offset, transition.in_offset)
    if transition.kind == "dip_to_black":  # each picture shows only on its own side of the black midpoint
        needs = (transition.duration % 2, 0)
    for clip_id, need, after in ((transition.from_clip, needs[0], True), (transition.to_clip, needs[1], False)):
        clip = track.clip(clip_id)
        asset = project.assets.get(clip.asset_id) if clip.asset_id else None
        length = asset.duration_frames(tl.rate) if asset is not None else None
        if asset is None or length is None:
            continue  # a still, a title or a recipe: as long as needed
        before, beyond = clip.room(length)
        have = beyond if after else before
        assert have is not None
        if have < need:
            side = "after its end" if after else "before its start"
            hold = "holds its last frame" if after else "holds its first frame"
            verb = "plays silence" if track.kind == "audio" else hold
            notes.append(
                f"clip {repr(clip.name or clip.id)} has {max(0, have)} of {need} frames {side}; the {describe_transition(track, transition)} {verb} for the rest"
            )
    return notes


def marker_problem(marker: Marker) -> Problem:
    if not is_frame_count(marker.frame) or marker.frame < 0:
        return "frame", f"must be a whole frame >= 0, got {marker.frame!r}"
    if not is_color(marker.color):
        return "color", f"must be a colour like '#ffcc00', got {marker.color!r}"
    return None


def timeline_problem(timeline: Timeline, assets: dict[str, Asset]) -> Problem:
    """The first problem anywhere in a timeline, with a path like ``tracks[1].clips[0].pan``."""
    for ti, track in enumerate(timeline.tracks):
        if track.kind not in TRACK_KINDS:
            return f"tracks[{ti}].kind", f"must be video or audio, got {track.kind!r}"
        for ci, clip in enumerate(track.clips):
            problem = clip_problem(clip, track.kind, assets, timeline.rate)
            if problem:
                return f"tracks[{ti}].clips[{ci}].{problem[0]}", problem[1]
        problem = overlap_problem(track) or transitions_problem(track)
        if problem:
            return f"tracks[{ti}].{problem[0]}", problem[1]
    for mi, marker in enumerate(timeline.markers):
        problem = marker_problem(marker)
        if problem:
            return f"markers[{mi}].{problem[0]}", problem[1]
    return None
