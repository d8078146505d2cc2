"""Where a track's transitions happen and what each clip plays for them.

A transition of ``duration`` frames at a cut runs over the window [cut - in_offset, cut + out_offset): the outgoing
clip plays on past its trimmed end into the media after it, the incoming clip starts early with the media before
its trimmed start. ``stretched`` makes that copy of a clip, clamped to the media its source has; the rest of the
window holds the edge frame (picture) or is silent (sound). Progress through a window goes 0 -> 1: frame ``f``
is at ``(f - start) / duration``, so the cut frame of an even-length transition is exactly half way.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass

import numpy as np

from studio.model import Clip, Project, TimeRange, Track
from studio.model.entities import Transition


@dataclass(frozen=True)
class Window:
    """One transition placed on the timeline: frames [start, end), ``cut`` where its clips meet."""

    transition: Transition
    start: int
    cut: int
    end: int

    def progress(self, frame: int) -> float:
        return (frame - self.start) / (self.end - self.start)


def windows(track: Track, clips: list[Clip]) -> list[Window]:
    """The transitions whose two clips both take part (enabled, in range), in time order."""
    by_id = {c.id: c for c in clips}
    out = []
    for t in track.transitions:
        a, b = by_id.get(t.from_clip), by_id.get(t.to_clip)
        if a is not None and b is not None and a.end == b.position:
            out.append(Window(t, a.end - t.in_offset, a.end, a.end + t.out_offset))
    return sorted(out, key=lambda w: w.cut)


def reach(track: Track) -> dict[str, tuple[int, int]]:
    """Clip id -> (frames it plays before its position, frames after its end) for the track's transitions."""
    out: dict[str, tuple[int, int]] = {}
    for t in track.transitions:
        lead, tail = out.get(t.to_clip, (0, 0))
        out[t.to_clip] = (t.in_offset, tail)
        lead, tail = out.get(t.from_clip, (0, 0))
        out[t.from_clip] = (lead, t.out_offset)
    return out


def stretched(project: Project, clip: Clip, lead: int, tail: int, rate, missing: set[str]) -> Clip:
    """A copy of ``clip`` starting ``lead`` frames early and ending ``tail`` frames late, as far as its source has
    media (stills, titles and missing media last as long as needed); the fade on a transition's side is dropped."""
    out = copy.deepcopy(clip)
    asset = project.assets.get(clip.asset_id) if clip.asset_id else None
    length = asset.duration_frames(rate) if asset is not None and clip.id not in missing else None
    before, after = clip.room(length)
    head_room = lead if before is None else max(0, min(lead, before))
    tail_room = tail if after is None else max(0, min(tail, after))
    sr = clip.source_range
    if clip.speed == 1.0 and not clip.reverse:
        out.position = clip.position - head_room
        out.source_range = TimeRange(sr.start - head_room, clip.duration + head_room + tail_room)
    else:  # a retimed clip: extend its source by the source frames those timeline frames play, then line it up
        head_src, tail_src = math.ceil(head_room * clip.speed), math.ceil(tail_room * clip.speed)
        if length is not None:  # what the rounding up may not take past the source's ends
            head_src = min(head_src, length - sr.end if clip.reverse else sr.start)
            tail_src = min(tail_src, sr.start if clip.reverse else length - sr.end)
        below, above = (tail_src, head_src) if clip.reverse else (head_src, tail_src)
        out.source_range = TimeRange(sr.start - below, sr.duration + below + above)
        out.position = clip.position - out.cut_offset(sr.end if clip.reverse else sr.start)
    if lead:
        out.video_fade_in = out.audio_fade_in = 0
    if tail:
        out.video_fade_out = out.audio_fade_out = 0
    return out


def equal_power(window: Window, first: int, count: int, rate, sample_rate: int, incoming: bool) -> np.ndarray:
    """The crossfade gain (count,) for timeline samples [first, first + count): cos(t pi/2) falling for the
    outgoing clip, sin(t pi/2) rising for the incoming one, so the summed power stays level; 1 or 0 outside."""
    from studio.model import frames_to_samples

    start = frames_to_samples(window.start, rate, sample_rate)
    end = frames_to_samples(window.end, rate, sample_rate)
    t = np.clip((np.arange(first, first + count, dtype=np.float64) - start) / max(1, end - start), 0.0, 1.0)
    gain = np.sin(t * math.pi / 2) if incoming else np.cos(t * math.pi / 2)
    return gain.astype(np.float32)
