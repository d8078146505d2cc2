"""Captions on the timeline: title clips on a track named "Captions..." become sidecar cues.

The same clips are burned into the picture by the compositor; this gives them as (start, end, text)
in seconds from the start of a render, for SRT / WebVTT files beside the output.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

from studio.model import Timeline
from timedtext import Cue, to_srt, to_vtt


def caption_cues(timeline: Timeline, start: int = 0, end: int | None = None) -> list[tuple[float, float, str]]:
    """Cues (start s, end s, text) of the title clips on caption tracks within frames [start, end)."""
    end = timeline.duration if end is None or end < 0 else end  # -1: to the end, as render ranges say
    cues = []
    for track in timeline.tracks:
        if track.kind != "video" or track.muted or not track.name.lower().startswith("caption"):
            continue
        for clip in track.clips:
            if clip.title is None or not clip.enabled or clip.end <= start or clip.position >= end:
                continue
            a, b = max(clip.position, start) - start, min(clip.end, end) - start
            cues.append((float(Fraction(a) / timeline.rate), float(Fraction(b) / timeline.rate), clip.title.text))
    return sorted(cues)


def write_caption_sidecars(timeline: Any, out: Path, frame_range: tuple[int, int] | None = None) -> list[Path]:
    """Write OUT.srt and OUT.vtt from the timeline's caption tracks (nothing when it has none)."""
    start, end = frame_range if frame_range is not None else (0, None)
    cues = [Cue(a, b, text) for a, b, text in caption_cues(timeline, start, end)]
    if not cues:
        return []
    written = []
    for suffix, text in ((".srt", to_srt(cues)), (".vtt", to_vtt(cues))):
        path = out.with_suffix(suffix)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
