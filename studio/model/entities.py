"""The project model: plain dataclasses, no Qt, no torch, no I/O.

Project -> timelines -> tracks -> clips (gaps are the spaces between clips; ``Track.items``
yields them explicitly); assets are the media files clips point at; markers sit on a timeline.
Every time is integer frames at the timeline's rate (see ``studio.model.time``).
Serialisation, validation and schema versions live in ``studio.io``; edits in ``studio.edit``.
"""

from __future__ import annotations

import functools
import math
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal

from studio.model.time import SAMPLE_RATE, TimeRange

TrackKind = Literal["video", "audio"]
Fit = Literal["fit", "fill", "stretch", "explicit"]


@functools.lru_cache(maxsize=1024)
def _frames_in(seconds: Fraction, rate: Fraction) -> int:
    return round(Fraction(seconds) * rate)


def new_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


@dataclass
class Asset:
    """A media file inside the project's ``media/`` folder (path relative to the project).

    ``kind``: "video", "audio", "image", "mesh", "other". Probed facts are cached here so a
    project opens without decoding media. Generated assets carry their provenance.
    """

    id: str
    name: str
    path: str
    kind: str
    duration_seconds: Fraction | None = None  # None for stills (they last as long as the clip)
    width: int | None = None
    height: int | None = None
    frame_rate: Fraction | None = None
    sample_rate: int | None = None
    channels: int | None = None
    has_audio: bool = False
    provenance: dict[str, Any] | None = None
    related: dict[str, str] = field(default_factory=dict)  # role -> asset id (stems, captions, midi, poster)
    source_url: str | None = None  # where an imported file came from (kept for relinking a missing file)

    MEDIA_KINDS = ("video", "audio", "image")

    @property
    def is_media(self) -> bool:
        """True for files a clip can show or play (video, audio, image)."""
        return self.kind in self.MEDIA_KINDS

    @property
    def display_name(self) -> str:
        """What the creator calls it: a generated asset's prompt (its file name is a hash), else its name."""
        prompt = str((self.provenance or {}).get("prompt") or "").strip()
        return " ".join(prompt.split())[:60] if prompt else self.name

    @property
    def has_sound(self) -> bool:
        return self.kind == "audio" or (self.kind == "video" and self.has_audio)

    def duration_frames(self, rate: Fraction) -> int | None:
        """The source's length in whole frames at ``rate`` (nearest frame); None for stills and unknowns."""
        if self.duration_seconds is None or self.kind == "image":
            return None
        return _frames_in(self.duration_seconds, rate)


@dataclass
class Title:
    """Text drawn over the picture. Rendered literally (no markup, no filter syntax)."""

    text: str
    font_size: int = 64
    color: str = "#ffffff"
    position: str = "center"  # "center", "top", "bottom", "lower-third"
    background: str | None = None  # e.g. "#00000080" for a box behind the text


@dataclass
class Recipe:
    """A generation request stored on a clip instead of (or before) a media file."""

    kind: str
    engine: str | None
    request: dict[str, Any]


KEYFRAMED = {  # what can change over time, and its range; x, y and scale are the clip's transform
    "opacity": (0.0, 1.0),
    "gain_db": (-96.0, 24.0),
    "pan": (-1.0, 1.0),
    "x": (-10.0, 10.0),
    "y": (-10.0, 10.0),
    "scale": (0.001, 100.0),
}
TRANSFORM_KEYFRAMED = ("x", "y", "scale")  # keyframed names that live on ``Clip.transform``
Curve = Literal["linear", "ease"]


@dataclass(frozen=True)
class Keyframe:
    """A property's value at one frame of the clip's source (so trims and splits never move it); between two
    keyframes the value follows the first one's curve: "linear", or "ease" (smoothstep: slow out, slow in)."""

    frame: int
    value: float
    curve: Curve = "linear"


def keyframed_value(keys: list[Keyframe], source_frame: float, default: float) -> float:
    """The value at ``source_frame`` (fractional for audio samples): held before the first keyframe and after the
    last, interpolated between; ``default`` when there are none. ``keys`` sorted by frame."""
    if not keys:
        return default
    if source_frame <= keys[0].frame:
        return keys[0].value
    for a, b in zip(keys, keys[1:], strict=False):
        if source_frame < b.frame:
            t = (source_frame - a.frame) / (b.frame - a.frame)
            if a.curve == "ease":
                t = t * t * (3 - 2 * t)
            return a.value + (b.value - a.value) * t
    return keys[-1].value


@dataclass
class Take:
    """Another version of a clip's media: the asset it made (None until generated) and the recipe that makes it.

    A clip shows one version (its ``asset_id`` and ``recipe``); its other versions wait in ``Clip.takes``.
    Switching take swaps them; the clip's position, trims, fades and properties stay."""

    asset_id: str | None
    recipe: Recipe | None = None
    name: str = ""  # how the creator tells takes apart: "draft seed 8", "ltx-video"


@dataclass
class Transform:
    x: float = 0.0  # offset from centre as a fraction of the frame width
    y: float = 0.0
    scale: float = 1.0


SPEED_RANGE = (0.25, 4.0)  # slowest and fastest clip speed


@functools.lru_cache(maxsize=256)
def exact_speed(speed: float) -> Fraction:
    """A clip's speed as the simple fraction it stands for (1.5 -> 3/2, 0.33 -> 33/100), so lengths never drift."""
    return Fraction(speed).limit_denominator(1000)


def speed_grid(source_frame: int, speed: Fraction) -> int:
    """The timeline frame (counted from source frame 0) where ``source_frame`` starts when the source plays at
    ``speed``. A clip's length is the distance between the grid points of its two source ends, so the pieces of a
    split always add up to the whole, whatever the speed."""
    return math.floor(Fraction(source_frame) / speed + Fraction(1, 2))


@dataclass
class Clip:
    """A piece of a source placed on a track.

    ``source_range`` is in frames of the timeline's rate into the source. The source plays at ``speed`` (0.25 to
    4; pitch kept for sound) and backwards when ``reverse``; the clip occupies ``[position, end)`` on the timeline
    where its ``duration`` is the source length divided by the speed (to the nearest frame: see ``speed_grid``).
    Fades are timeline frames; keyframes are source frames (see ``source_position``).
    A clip shows an asset, a title, or a recipe (whose asset appears once generated).
    """

    id: str
    name: str
    position: int
    source_range: TimeRange
    asset_id: str | None = None
    title: Title | None = None
    recipe: Recipe | None = None
    enabled: bool = True
    # video
    opacity: float = 1.0
    fit: Fit = "fit"
    transform: Transform = field(default_factory=Transform)
    video_fade_in: int = 0  # frames
    video_fade_out: int = 0
    # audio
    gain_db: float = 0.0
    pan: float = 0.0  # -1 left .. +1 right
    audio_fade_in: int = 0
    audio_fade_out: int = 0
    # versions
    takes: list[Take] = field(default_factory=list)  # the other versions of this clip's media
    # changes over time: property name (one of KEYFRAMED) -> keyframes sorted by frame; they override the value
    keyframes: dict[str, list[Keyframe]] = field(default_factory=dict)
    # playback: 1.0 plays the source as it is; 2.0 twice as fast (half as long); reverse plays it backwards
    speed: float = 1.0
    reverse: bool = False

    def value_at(self, name: str, local: float) -> float:
        """Property ``name`` at clip-local frame ``local`` (keyframes if it has any, else its fixed value)."""
        fixed = getattr(self.transform if name in TRANSFORM_KEYFRAMED else self, name)
        return keyframed_value(self.keyframes.get(name, []), self.source_position(local), fixed)

    @property
    def is_retimed(self) -> bool:
        """True when the clip plays its source at another speed or backwards."""
        return self.speed != 1.0 or self.reverse

    def _speed(self) -> Fraction:
        try:
            return exact_speed(self.speed)
        except (TypeError, ValueError, OverflowError):  # NaN or not a number: the checks name it; stay usable
            return Fraction(1)

    @property
    def duration(self) -> int:
        """Timeline frames the clip lasts."""
        sr = self.source_range
        if self.speed == 1.0:
            return sr.duration
        speed = self._speed()
        return speed_grid(sr.end, speed) - speed_grid(sr.start, speed)

    @property
    def end(self) -> int:
        return self.position + self.duration

    @property
    def timeline_range(self) -> TimeRange:
        return TimeRange(self.position, self.duration)

    def room(self, length: int | None) -> tuple[int | None, int | None]:
        """Timeline frames of media beyond the trims of a ``length``-frame source: (before the clip's first frame,
        after its last), through its speed and direction; None where a source has no end (a still, a title)."""
        if length is None:
            return None, None
        sr = self.source_range
        below, above = max(0, sr.start), max(0, length - sr.end)  # source frames under the start, over the end
        before, after = (above, below) if self.reverse else (below, above)
        if self.speed == 1.0:
            return before, after
        speed = self._speed()
        return math.floor(before / speed), math.floor(after / speed)

    def source_frame_at(self, local: int) -> int:
        """The source frame shown at clip-local timeline frame ``local`` (0 = the clip's first frame)."""
        sr = self.source_range
        step = local if self.speed == 1.0 else math.floor(local * self._speed())
        step = min(max(step, 0), sr.duration - 1)
        return sr.end - 1 - step if self.reverse else sr.start + step

    def source_position(self, local: float) -> float:
        """The (fractional) source frame playing at clip-local time ``local``: where keyframes and sound are read."""
        sr = self.source_range
        step = local if self.speed == 1.0 else local * float(self._speed())
        return sr.end - 1 - step if self.reverse else sr.start + step

    def local_at_source(self, source_frame: float) -> float:
        """The clip-local time where ``source_frame`` plays (inverse of ``source_position``)."""
        sr = self.source_range
        step = sr.end - 1 - source_frame if self.reverse else source_frame - sr.start
        return step if self.speed == 1.0 else step / float(self._speed())

    def cut_offset(self, source_frame: int) -> int:
        """Clip-local timeline frame of a cut made in front of ``source_frame`` (behind it when reversed): the
        head of a piece of this clip starting there (played forwards) or ending there (played backwards)."""
        sr = self.source_range
        if self.speed == 1.0:
            return sr.end - source_frame if self.reverse else source_frame - sr.start
        speed = self._speed()
        if self.reverse:
            return speed_grid(sr.end, speed) - speed_grid(source_frame, speed)
        return speed_grid(source_frame, speed) - speed_grid(sr.start, speed)

    def source_cut(self, local: int, snap: Literal["nearest", "before", "after"] = "nearest") -> int:
        """The source frame where a cut at clip-local timeline frame ``local`` lands (may lie outside the source
        range, for trims that extend the clip). At speeds under 1x a source frame lasts several timeline frames,
        so a cut snaps to the nearest frame where one starts, or to the one at or ``before``/``after`` ``local``."""
        sr = self.source_range
        head, tail = (sr.end, sr.start) if self.reverse else (sr.start, sr.end)
        if local == 0:
            return head
        if local == self.duration:
            return tail
        sign = -1 if self.reverse else 1
        if self.speed == 1.0:
            return head + sign * local
        speed = self._speed()
        guess = head + sign * math.floor(local * speed + Fraction(1, 2))
        reach = math.ceil(speed) + 2
        candidates = sorted(range(guess - reach, guess + reach + 1), key=lambda x: abs(x - guess))
        if snap == "before":
            candidates = [x for x in candidates if self.cut_offset(x) <= local] or candidates
        elif snap == "after":
            candidates = [x for x in candidates if self.cut_offset(x) >= local] or candidates
        return min(candidates, key=lambda x: abs(self.cut_offset(x) - local))


@dataclass
class Gap:
    """Empty time on a track (derived, never stored)."""

    position: int
    duration: int


TRANSITION_KINDS = ("dissolve", "dip_to_black", "wipe")  # an audio track crossfades ("dissolve") only


@dataclass
class Transition:
    """A change from one clip to the next at a cut on one track: ``from_clip`` ends where ``to_clip`` starts.

    Centred on the cut as OpenTimelineIO's transitions are: it starts ``in_offset`` frames before the cut (the
    incoming clip shows media from before its trimmed start) and ends ``out_offset`` frames after it (the outgoing
    clip runs on into media after its trimmed end). Where a source has less media than that, the render holds its
    edge frame (picture) or plays silence (sound). ``kind``: "dissolve" (a crossfade on an audio track),
    "dip_to_black" (the picture fades to black at the cut and back), "wipe" (the next clip revealed left to right).
    """

    id: str
    kind: str
    duration: int  # frames, at least 1
    from_clip: str
    to_clip: str

    @property
    def in_offset(self) -> int:
        return self.duration // 2

    @property
    def out_offset(self) -> int:
        return self.duration - self.duration // 2


@dataclass
class Track:
    id: str
    kind: TrackKind
    name: str
    clips: list[Clip] = field(default_factory=list)  # kept sorted by position, never overlapping
    muted: bool = False
    solo: bool = False
    locked: bool = False
    height: int = 60
    duck_under: str | None = None  # an audio track's id: this track is lowered while that one sounds
    duck_db: float = -12.0  # how far it is lowered (sidechain ducking, applied at render)
    transitions: list[Transition] = field(default_factory=list)  # at cuts between this track's clips

    def items(self) -> Iterator[Clip | Gap]:
        """Clips and the gaps between them, in time order, from frame 0."""
        cursor = 0
        for clip in sorted(self.clips, key=lambda c: c.position):
            if clip.position > cursor:
                yield Gap(cursor, clip.position - cursor)
            yield clip
            cursor = max(cursor, clip.end)

    @property
    def end(self) -> int:
        return max((c.end for c in self.clips), default=0)

    def clip(self, clip_id: str) -> Clip:
        for c in self.clips:
            if c.id == clip_id:
                return c
        raise KeyError(clip_id)

    def transition(self, transition_id: str) -> Transition:
        for t in self.transitions:
            if t.id == transition_id:
                return t
        raise KeyError(transition_id)

    def transitions_of(self, clip_id: str) -> tuple[Transition | None, Transition | None]:
        """The transitions into and out of clip ``clip_id`` (None where it has none)."""
        into = next((t for t in self.transitions if t.to_clip == clip_id), None)
        out = next((t for t in self.transitions if t.from_clip == clip_id), None)
        return into, out


@dataclass
class Marker:
    id: str
    frame: int
    name: str = ""
    color: str = "#ffcc00"


@dataclass
class Timeline:
    """Tracks in compositing order: a later video track draws over an earlier one."""

    id: str
    name: str
    rate: Fraction = Fraction(24)
    width: int = 1280
    height: int = 720
    sample_rate: int = SAMPLE_RATE
    tracks: list[Track] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)

    @property
    def duration(self) -> int:
        return max((t.end for t in self.tracks), default=0)

    def track(self, track_id: str) -> Track:
        for t in self.tracks:
            if t.id == track_id:
                return t
        raise KeyError(track_id)

    def find_clip(self, clip_id: str) -> tuple[Track, Clip]:
        for t in self.tracks:
            for c in t.clips:
                if c.id == clip_id:
                    return t, c
        raise KeyError(clip_id)

    def marker(self, marker_id: str) -> Marker:
        for m in self.markers:
            if m.id == marker_id:
                return m
        raise KeyError(marker_id)


@dataclass
class Project:
    name: str
    timelines: list[Timeline] = field(default_factory=list)
    assets: dict[str, Asset] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)  # default engines, render preset, ...

    @property
    def timeline(self) -> Timeline:
        """The main (first) timeline."""
        return self.timelines[0]

    def find_timeline(self, timeline_id: str) -> Timeline:
        for tl in self.timelines:
            if tl.id == timeline_id:
                return tl
        raise KeyError(timeline_id)

    def find_track(self, track_id: str) -> tuple[Timeline, Track]:
        for tl in self.timelines:
            for t in tl.tracks:
                if t.id == track_id:
                    return tl, t
        raise KeyError(track_id)

    def find_clip(self, clip_id: str) -> tuple[Timeline, Track, Clip]:
        for tl in self.timelines:
            for t in tl.tracks:
                for c in t.clips:
                    if c.id == clip_id:
                        return tl, t, c
        raise KeyError(clip_id)

    def find_marker(self, marker_id: str) -> tuple[Timeline, Marker]:
        for tl in self.timelines:
            for m in tl.markers:
                if m.id == marker_id:
                    return tl, m
        raise KeyError(marker_id)
