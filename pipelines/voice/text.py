"""Text to speakable words: drop unsupported characters, expand what espeak-ng misreads, find boundaries.

Each :class:`Word` keeps what the creator wrote (for captions) next to what is spoken, so word
timings and captions always show the original text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from pipelines.base import RequestError

MAX_TEXT_CHARS = 20_000
SENTENCE_END = re.compile(r"[.!?…]+[\"')\]»”’]*$")
PHRASE_END = re.compile(r"[,;:—–]+[\"')\]»”’]*$")
_ABBREVIATIONS = {
    "dr.": "Doctor", "mr.": "Mister", "mrs.": "Missus", "ms.": "Miz", "st.": "Saint", "vs.": "versus",
    "etc.": "etcetera", "e.g.": "for example", "i.e.": "that is", "jr.": "Junior", "sr.": "Senior",
    "prof.": "Professor", "no.": "number", "approx.": "approximately", "mt.": "Mount",
}
# Kept: letters, marks, digits, punctuation, currency and maths symbols, spaces. Dropped: control and
# format codes, emoji and other pictographs, private-use and unassigned code points.
_KEEP_CATEGORIES = ("L", "M", "N", "P", "Sc", "Sm", "Zs")
_YEAR = re.compile(r"^(1[1-9]|20)(\d\d)(s?)([.,;:!?]*)$")


@dataclass(frozen=True)
class Word:
    """One word: ``text`` as written (for captions), ``spoken`` as sent to the phonemizer."""

    text: str
    spoken: str
    emphasis: bool = False

    @property
    def ends_sentence(self) -> bool:
        return bool(SENTENCE_END.search(self.spoken))

    @property
    def ends_phrase(self) -> bool:
        return bool(PHRASE_END.search(self.spoken)) or self.ends_sentence


def clean(text: str) -> tuple[str, list[str]]:
    """Remove characters no voice can say. Returns (clean text, one note per kind of character skipped)."""
    if len(text) > MAX_TEXT_CHARS:
        raise RequestError(f"text is {len(text):,} characters; the limit is {MAX_TEXT_CHARS:,} "
                           "(split it into several voice clips)")
    kept, skipped = [], {}
    for ch in unicodedata.normalize("NFC", text):
        cat = unicodedata.category(ch)
        if ch in "\n\t" or cat.startswith(_KEEP_CATEGORIES):
            kept.append(" " if ch == "\t" else ch)
        elif ch not in "\ufe0f\u200d":  # emoji presentation selectors and joiners belong to the emoji
            name = unicodedata.name(ch, f"U+{ord(ch):04X}")
            skipped[name] = skipped.get(name, 0) + 1
    notes = [f"skipped {n} x {name}" for name, n in skipped.items()]
    return "".join(kept), notes


def check_speakable(text: str) -> None:
    """Raise RequestError when nothing in ``text`` can be spoken (empty, or only punctuation and symbols)."""
    if not text.strip():
        raise RequestError("text is empty: write what the voice should say")
    if not any(ch.isalnum() for ch in text):
        raise RequestError("text has no words to say (only punctuation or symbols)")


def _spoken(token: str) -> str:
    low = token.lower()
    for abbr, full in _ABBREVIATIONS.items():
        if low == abbr or (low.startswith(abbr) and not low[len(abbr):].strip(".,;:!?")):
            return full + token[len(abbr):]
    year = _YEAR.match(token)
    if year and year.group(2) != "00" and not (year.group(1) == "20" and year.group(2).startswith("0")):
        # "1995" -> "19 95" so espeak-ng says "nineteen ninety-five", not "nineteen hundred ninety-five"
        return f"{year.group(1)} {year.group(2)}{year.group(3)}{year.group(4)}"
    return token


def words(text: str, emphasis: set[int] | None = None) -> list[Word]:
    """Split text into words; punctuation-only tokens join the word before them (or after, at the start).

    ``emphasis`` holds indices (into the whitespace-split tokens) of words to stress.
    """
    emphasis = emphasis or set()
    out: list[Word] = []
    pending = ""
    for i, token in enumerate(text.split()):
        if not any(ch.isalnum() for ch in token):
            if out:
                last = out[-1]
                out[-1] = Word(f"{last.text} {token}" if token in "—–-" else last.text + token,
                               last.spoken + ("," if token in "—–-" else token), last.emphasis)
            else:
                pending += token
            continue
        out.append(Word(pending + token, _spoken(token), i in emphasis))
        pending = ""
    return out


def plan_chunks(line: list[Word], first_words: int | None, max_words: int = 40) -> list[list[Word]]:
    """Group one speaker's words into synthesis chunks at sentence, then phrase, then word boundaries.

    When ``first_words`` is given the first chunk is kept short (the first phrase, at most about that many
    words) so audio starts early; later chunks grow (x2 each) up to ``max_words``.
    """
    sentences: list[list[Word]] = [[]]
    for w in line:
        sentences[-1].append(w)
        if w.ends_sentence:
            sentences.append([])
    sentences = [s for s in sentences if s]
    limit = first_words or max_words
    chunks: list[list[Word]] = []
    current: list[Word] = []
    for sentence in sentences:
        for piece in _split_long(sentence, limit):
            if current and len(current) + len(piece) > limit:
                chunks.append(current)
                current = []
                limit = min(max_words, limit * 2)
            current = current + piece
            if first_words and not chunks:
                chunks.append(current)
                current = []
                limit = min(max_words, limit * 2)
    if current:
        chunks.append(current)
    return chunks


def _split_long(sentence: list[Word], limit: int) -> list[list[Word]]:
    """A sentence as one piece, or cut at phrase ends (then every ``limit`` words) when it is too long."""
    if len(sentence) <= max(limit, 6):
        return [sentence]
    phrases: list[list[Word]] = [[]]
    for w in sentence:
        phrases[-1].append(w)
        if w.ends_phrase:
            phrases.append([])
    pieces: list[list[Word]] = []
    for phrase in (p for p in phrases if p):
        step = max(limit, 4)
        pieces += [phrase[i:i + step] for i in range(0, len(phrase), step)]
    # join phrases back while they fit, so a sentence is cut as few times as possible
    joined: list[list[Word]] = []
    for piece in pieces:
        if joined and len(joined[-1]) + len(piece) <= limit:
            joined[-1] = joined[-1] + piece
        else:
            joined.append(piece)
    return joined
