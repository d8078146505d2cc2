"""Captions from word timings: cues of a readable length, written as SRT and WebVTT.

``cues`` is also what the timeline uses to lay a voice clip's captions on a title track.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pipelines.voice.text import SENTENCE_END

MAX_CUE_CHARS = 42  # one subtitle line, as broadcasters use
MAX_CUE_SECONDS = 6.0
BREAK_AT_SILENCE_S = 0.6


@dataclass(frozen=True)
class Cue:
    """One caption: text shown from ``start`` to ``end`` seconds; ``speaker`` when the script names one."""

    start: float
    end: float
    text: str
    speaker: str | None = None


def cues(words: Sequence[Any]) -> list[Cue]:
    """Group timed words (``word``, ``start``, ``end``, ``speaker``) into cues: a new cue at a sentence end,
    a speaker change, a long silence, or when the line would pass 42 characters or 6 seconds."""
    out: list[Cue] = []
    group: list[Any] = []

    def flush() -> None:
        if group:
            out.append(Cue(group[0].start, group[-1].end, " ".join(w.word for w in group), group[0].speaker))
            group.clear()

    for w in words:
        if group:
            text = " ".join(x.word for x in group) + " " + w.word
            if (w.speaker != group[0].speaker or w.start - group[-1].end > BREAK_AT_SILENCE_S
                    or len(text) > MAX_CUE_CHARS or w.end - group[0].start > MAX_CUE_SECONDS):
                flush()
        group.append(w)
        if SENTENCE_END.search(w.word):
            flush()
    flush()
    return out


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


def words_json(words: Sequence[Any], sample_rate: int, voices: dict[str, str]) -> str:
    """Word timings as JSON: {"sample_rate", "voices", "words": [{"word", "start", "end", "phonemes", "speaker"}]}."""
    return json.dumps({"sample_rate": sample_rate, "voices": voices,
                       "words": [{"word": w.word, "start": w.start, "end": w.end,
                                  "phonemes": getattr(w, "phonemes", ""), "speaker": w.speaker} for w in words]},
                      ensure_ascii=False, indent=1)


def cue_frames(items: Sequence[Cue], fps: Any) -> list[tuple[int, int, str]]:
    """Cues as (first frame, end frame exclusive, text) at a timeline rate (a Fraction such as 24 or 30000/1001),
    for laying captions on a title track; every cue lasts at least one frame."""
    from fractions import Fraction

    rate = Fraction(fps)
    out = []
    for c in items:
        a = int(round(Fraction(c.start).limit_denominator(100_000) * rate))
        b = max(a + 1, int(round(Fraction(c.end).limit_denominator(100_000) * rate)))
        out.append((a, b, f"{c.speaker}: {c.text}" if c.speaker else c.text))
    return out
