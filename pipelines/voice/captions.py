"""Captions from word timings: cues of a readable length, written as SRT and WebVTT.

``cues`` is also what the timeline uses to lay a voice clip's captions on a title track.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from pipelines.voice.text import SENTENCE_END
from timedtext import Cue, to_srt, to_vtt  # noqa: F401  (formatting shared with the render)

MAX_CUE_CHARS = 42  # one subtitle line, as broadcasters use
MAX_CUE_SECONDS = 6.0
BREAK_AT_SILENCE_S = 0.6


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
            if (
                w.speaker != group[0].speaker
                or w.start - group[-1].end > BREAK_AT_SILENCE_S
                or len(text) > MAX_CUE_CHARS
                or w.end - group[0].start > MAX_CUE_SECONDS
            ):
                flush()
        group.append(w)
        if SENTENCE_END.search(w.word):
            flush()
    flush()
    return out


def words_json(words: Sequence[Any], sample_rate: int, voices: dict[str, str]) -> str:
    """Word timings as JSON: {"sample_rate", "voices", "words": [{"word", "start", "end", "phonemes", "speaker"}]}."""
    return json.dumps(
        {
            "sample_rate": sample_rate,
            "voices": voices,
            "words": [
                {
                    "word": w.word,
                    "start": w.start,
                    "end": w.end,
                    "phonemes": getattr(w, "phonemes", ""),
                    "speaker": w.speaker,
                }
                for w in words
            ],
        },
        ensure_ascii=False,
        indent=1,
    )


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
