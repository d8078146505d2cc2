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
    "dr.": "Doctor",
    "mr.": "Mister",
    "mrs.": "Missus",
    "ms.": "Miz",
    "st.": "Saint",
    "vs.": "versus",
    "etc.": "etcetera",
    "e.g.": "for example",
    "i.e.": "that is",
    "jr.": "Junior",
    "sr.": "Senior",
    "prof.": "Professor",
    "no.": "number",
    "approx.": "approximately",
    "mt.": "Mount",
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
        raise RequestError(
            f"text is {len(text):,} characters; the limit is {MAX_TEXT_CHARS:,} (split it into several voice clips)"
        )
    kept, skipped = [], {}
    for ch in unicodedata.normalize("NFC", text):
        cat = unicodedata.category(ch)
        if ch in "\n\t" or cat.startswith(_KEEP_CATEGORIES):
            kept.append(" " if ch == "\t" else ch)
        elif ch not in "\ufe0f\u200d":  # emoji presentation selectors and joiners belong to the emoji
            name = unicodedata.name(ch, "") or f"control code U+{ord(ch):04X}"
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
        if low == abbr or (low.startswith(abbr) and not low[len(abbr) :].strip(".,;:!?")):
            return full + token[len(abbr) :]
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
                out[-1] = Word(
                    f"{last.text} {token}" if token in "—–-" else last.text + token,
                    last.spoken + ("," if token in "—–-" else token),
                    last.emphasis,
                )
            else:
                pending += token
            continue
        out.append(Word(pending + token, _spoken(token), i in emphasis))
        pending = ""
    return out


def plan_chunks(line: list[Word], first_words: int | None, max_words: int = 40) -> list[list[Word]]:
    """Group one speaker's words into synthesis chunks at sentence ends (phrase ends in long sentences).

    With ``first_words`` the first chunk is short (the first sentence or phrase if it has at most
    ``first_words + 2`` words, else the first ``first_words`` words) so audio starts early; later
    chunks hold whole sentences, up to a limit that doubles from ``2 * first_words`` to ``max_words``.
    """
    chunks: list[list[Word]] = []
    rest = list(line)
    if first_words and rest:
        first = _first_piece(rest, first_words)
        chunks.append(first)
        rest = rest[len(first) :]
    limit = min(max_words, 2 * first_words) if first_words else max_words
    current: list[Word] = []
    for piece in (p for sentence in _sentences(rest) for p in _split_long(sentence, max_words)):
        if current and len(current) + len(piece) > limit:
            chunks.append(current)
            current = []
            limit = min(max_words, limit * 2)
        current = current + piece
    if current:
        chunks.append(current)
    return chunks


def _sentences(words: list[Word]) -> list[list[Word]]:
    out: list[list[Word]] = [[]]
    for w in words:
        out[-1].append(w)
        if w.ends_sentence:
            out.append([])
    return [s for s in out if s]


def _first_piece(words: list[Word], size: int) -> list[Word]:
    for ends in (lambda w: w.ends_sentence, lambda w: w.ends_phrase):
        end = next((i for i, w in enumerate(words) if ends(w)), None)
        if end is not None and end + 1 <= size + 2:
            return words[: end + 1]
    return words[:size]


def _split_long(sentence: list[Word], limit: int) -> list[list[Word]]:
    """A sentence as one piece, or cut at phrase ends (then every ``limit`` words) when it is too long."""
    if len(sentence) <= limit:
        return [sentence]
    phrases: list[list[Word]] = [[]]
    for w in sentence:
        phrases[-1].append(w)
        if w.ends_phrase:
            phrases.append([])
    pieces: list[list[Word]] = []
    for phrase in (p for p in phrases if p):
        pieces += [phrase[i : i + limit] for i in range(0, len(phrase), limit)]
    # join phrases back while they fit, so a sentence is cut as few times as possible
    joined: list[list[Word]] = []
    for piece in pieces:
        if joined and len(joined[-1]) + len(piece) <= limit:
            joined[-1] = joined[-1] + piece
        else:
            joined.append(piece)
    return joined
