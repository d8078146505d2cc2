"""Voice-over scripts: ``NARRATOR: ...`` speaker lines, ``[pause 500ms]`` and ``*emphasis*``.

Plain text is a script with one unnamed speaker. A speaker label is a line starting with a name in
capitals (letters, digits, spaces, ``_`` or ``-``; at most 32 characters) followed by a colon.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.base import RequestError

MAX_PAUSE_S = 10.0
_SPEAKER = re.compile(r"^\s*([A-Z][A-Z0-9 _\-]{0,31})\s*:\s*(.*)$")
_PAUSE = re.compile(r"\[\s*pause(?:\s+([0-9]*\.?[0-9]+)\s*(ms|s)?)?\s*\]", re.IGNORECASE)
_EMPHASIS = re.compile(r"\*([^*\s][^*]*?)\*")
_CUE = re.compile(r"\[[^\[\]\n]{1,40}\]")


@dataclass(frozen=True)
class Spoken:
    """A stretch of text said by one speaker (``None`` for plain text); ``emphasis`` indexes its words."""

    speaker: str | None
    text: str
    emphasis: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Pause:
    """Silence between spoken parts, in seconds."""

    seconds: float


def parse(text: str, speakers: bool = True) -> list[Spoken | Pause]:
    """Split a script into spoken parts and pauses, in order. ``speakers=False`` reads no speaker labels."""
    parts: list[Spoken | Pause] = []
    speaker: str | None = None
    for raw in text.splitlines():
        match = _SPEAKER.match(raw) if speakers else None
        if match:
            speaker, raw = match.group(1).strip(), match.group(2)
        pos = 0
        for pause in _PAUSE.finditer(raw):
            _add_spoken(parts, speaker, raw[pos : pause.start()])
            parts.append(Pause(_pause_seconds(pause)))
            pos = pause.end()
        _add_spoken(parts, speaker, raw[pos:])
    return _merge(parts)


def _pause_seconds(match: re.Match) -> float:
    if match.group(1) is None:
        return 0.5
    value = float(match.group(1))
    seconds = value / 1000 if (match.group(2) or "ms").lower() == "ms" else value
    if seconds > MAX_PAUSE_S:
        raise RequestError(f"pause {match.group(0)} is over {MAX_PAUSE_S:g} s; split the voice-over instead")
    return seconds


def _add_spoken(parts: list[Spoken | Pause], speaker: str | None, text: str) -> None:
    """Strip ``*emphasis*`` markers from text, remembering which words they covered."""
    if not text.strip():
        return
    emphasis: set[int] = set()
    plain, pos = [], 0
    for match in _EMPHASIS.finditer(text):
        plain.append(text[pos : match.start()])
        before = len("".join(plain).split()) if "".join(plain).strip() else 0
        joins_previous = bool(plain[-1]) and not plain[-1][-1].isspace() and before > 0
        first = before - 1 if joins_previous else before
        count = len(match.group(1).split())
        emphasis.update(range(first, first + count))
        plain.append(match.group(1))
        pos = match.end()
    plain.append(text[pos:])
    parts.append(Spoken(speaker, " ".join("".join(plain).split()), frozenset(emphasis)))


def _merge(parts: list[Spoken | Pause]) -> list[Spoken | Pause]:
    """Join consecutive lines of the same speaker (so a sentence may run over a line break)."""
    out: list[Spoken | Pause] = []
    for part in parts:
        prev = out[-1] if out else None
        if isinstance(part, Spoken) and isinstance(prev, Spoken) and prev.speaker == part.speaker:
            offset = len(prev.text.split())
            out[-1] = Spoken(
                part.speaker, f"{prev.text} {part.text}", prev.emphasis | frozenset(i + offset for i in part.emphasis)
            )
        elif isinstance(part, Pause) and isinstance(prev, Pause):
            out[-1] = Pause(min(MAX_PAUSE_S, prev.seconds + part.seconds))
        else:
            out.append(part)
    return out


def drop_cues(text: str) -> tuple[str, list[str]]:
    """Remove bracketed cues other than pauses (``[laughs]``, ``[verse]``): (text without them, the cues)."""
    cues = [m.group(0) for m in _CUE.finditer(text) if not _PAUSE.fullmatch(m.group(0))]
    return _CUE.sub(lambda m: m.group(0) if _PAUSE.fullmatch(m.group(0)) else " ", text), cues


def speaker_names(parts: list[Spoken | Pause]) -> list[str]:
    """Named speakers in order of first appearance."""
    names: list[str] = []
    for p in parts:
        if isinstance(p, Spoken) and p.speaker and p.speaker not in names:
            names.append(p.speaker)
    return names
