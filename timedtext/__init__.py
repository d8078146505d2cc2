"""Timed text: caption cues and their SubRip (SRT) and WebVTT forms.

A neutral, dependency-free package: the voice engine (``pipelines``) writes captions beside its speech,
and the render (``studio.render``) writes them beside a film, and neither layer may import the other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Cue", "to_srt", "to_vtt"]


@dataclass(frozen=True)
class Cue:
    """One caption: text shown from ``start`` to ``end`` seconds; ``speaker`` when the script names one."""

    start: float
    end: float
    text: str
    speaker: str | None = None


def _clock(seconds: float, sep: str) -> str:
    ms = max(0, int(round(seconds * 1000)))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def to_srt(items: Sequence[Cue]) -> str:
    """SubRip text: numbered blocks, ``HH:MM:SS,mmm --> HH:MM:SS,mmm``."""
    blocks = []
    for i, c in enumerate(items, 1):
        text = f"{c.speaker}: {c.text}" if c.speaker else c.text
        blocks.append(f"{i}\n{_clock(c.start, ',')} --> {_clock(c.end, ',')}\n{text}\n")
    return "\n".join(blocks)


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_vtt(items: Sequence[Cue]) -> str:
    """WebVTT text; speakers as voice spans (``<v ANNA>``)."""
    blocks = ["WEBVTT\n"]
    for c in items:
        text = _vtt_escape(c.text)
        if c.speaker:
            text = f"<v {_vtt_escape(c.speaker)}>{text}"
        blocks.append(f"{_clock(c.start, '.')} --> {_clock(c.end, '.')}\n{text}\n")
    return "\n".join(blocks)
