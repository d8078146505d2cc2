"""Keys, scales, chords and genre-idiomatic chord progressions.

Pitches are MIDI numbers (60 = middle C); pitch classes are 0..11 with C = 0. A chord is written
as a roman numeral relative to the key's tonic ("I", "vi", "bVII", "ii7", "V7", "IVmaj7").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.base import RequestError

NOTE_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
_LETTER = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
SCALES = {
    "major": (0, 2, 4, 5, 7, 9, 11),
    "minor": (0, 2, 3, 5, 7, 8, 10),
    "dorian": (0, 2, 3, 5, 7, 9, 10),
    "mixolydian": (0, 2, 4, 5, 7, 9, 10),
}
_MAJOR = SCALES["major"]
_ROMAN = {"i": 0, "ii": 1, "iii": 2, "iv": 3, "v": 4, "vi": 5, "vii": 6}
_QUALITY = {
    "maj": (0, 4, 7),
    "min": (0, 3, 7),
    "dim": (0, 3, 6),
    "7": (0, 4, 7, 10),
    "maj7": (0, 4, 7, 11),
    "m7": (0, 3, 7, 10),
    "m7b5": (0, 3, 6, 10),
    "sus2": (0, 2, 7),
    "sus4": (0, 5, 7),
    "add9": (0, 4, 7, 14),
    "madd9": (0, 3, 7, 14),
}


def pitch_class(name: str) -> int:
    """'F#' -> 6, 'Bb' -> 10; raises RequestError for anything that is not a note name."""
    m = re.fullmatch(r"\s*([A-Ga-g])\s*(#|b|♯|♭)?\s*", name)
    if not m:
        raise RequestError(f"unknown note {name.strip()!r}: use A to G with an optional # or b")
    pc = _LETTER[m.group(1).upper()]
    return (pc + {"#": 1, "♯": 1, "b": -1, "♭": -1}.get(m.group(2) or "", 0)) % 12


@dataclass(frozen=True)
class Key:
    """A tonic pitch class and a mode ("major", "minor", "dorian", "mixolydian")."""

    tonic: int
    mode: str

    @property
    def scale(self) -> tuple[int, ...]:
        """The seven pitch classes of the key, tonic first."""
        return tuple((self.tonic + i) % 12 for i in SCALES[self.mode])

    @property
    def name(self) -> str:
        return f"{NOTE_NAMES[self.tonic]} {self.mode}"

    def transposed_to(self, other: Key) -> int:
        """Semitones (-6..5) that move this key's tonic onto the other's."""
        return (other.tonic - self.tonic + 6) % 12 - 6


def parse_key(text: str) -> Key:
    """'A minor', 'F# major', 'Bbm', 'D dorian' -> Key; a clear error for 'H# major'."""
    m = re.fullmatch(r"\s*([A-Za-z])\s*(#|b|♯|♭)?\s*(major|maj|minor|min|m|dorian|mixolydian)?\s*", text)
    if not m or m.group(1).upper() not in _LETTER:
        raise RequestError(
            f"unknown key {text.strip()!r}: write a note A to G, an optional # or b, "
            "and major or minor (e.g. 'F# minor')"
        )
    mode = {"maj": "major", "min": "minor", "m": "minor", None: "major"}.get(m.group(3), m.group(3))
    return Key(pitch_class(m.group(1) + (m.group(2) or "")), mode)


@dataclass(frozen=True)
class Chord:
    """A chord as a root pitch class, its interval pattern and the numeral it came from."""

    root: int
    intervals: tuple[int, ...]
    numeral: str

    @property
    def pitch_classes(self) -> tuple[int, ...]:
        return tuple((self.root + i) % 12 for i in self.intervals)

    def symbol(self) -> str:
        names = {
            (0, 4, 7): "",
            (0, 3, 7): "m",
            (0, 3, 6): "dim",
            (0, 4, 7, 10): "7",
            (0, 4, 7, 11): "maj7",
            (0, 3, 7, 10): "m7",
            (0, 3, 6, 10): "m7b5",
            (0, 2, 7): "sus2",
            (0, 5, 7): "sus4",
            (0, 4, 7, 14): "add9",
            (0, 3, 7, 14): "madd9",
        }
        return NOTE_NAMES[self.root] + names.get(self.intervals, "")


def chord(numeral: str, key: Key) -> Chord:
    """Resolve a roman numeral in a key: 'bVII' in C major -> Bb major; 'ii7' -> D minor 7."""
    m = re.fullmatch(r"(b|#)?([ivIV]+)(maj7|m7b5|7|sus2|sus4|add9|dim|°)?", numeral)
    if not m or m.group(2).lower() not in _ROMAN:
        raise ValueError(f"bad roman numeral {numeral!r}")
    degree = _ROMAN[m.group(2).lower()]
    root = (key.tonic + _MAJOR[degree] + {"b": -1, "#": 1}.get(m.group(1) or "", 0)) % 12
    upper = m.group(2).isupper()
    suffix = m.group(3) or ""
    if suffix in ("dim", "°"):
        intervals = _QUALITY["dim"] if not upper else _QUALITY["m7b5"]
    elif suffix == "7":
        intervals = _QUALITY["7"] if upper else _QUALITY["m7"]
    elif suffix == "add9":
        intervals = _QUALITY["add9"] if upper else _QUALITY["madd9"]
    elif suffix:
        intervals = _QUALITY[suffix]
    else:
        intervals = _QUALITY["maj"] if upper else _QUALITY["min"]
    return Chord(root, intervals, numeral)


def scale_pitches(key: Key, low: int, high: int) -> list[int]:
    """All MIDI pitches of the key's scale within [low, high]."""
    return [p for p in range(low, high + 1) if p % 12 in key.scale]


def nearest_voicing(ch: Chord, previous: list[int] | None, low: int = 52, high: int = 72) -> list[int]:
    """Close-position voicing of ``ch`` (3-4 notes within [low, high]) nearest the previous voicing."""
    pcs = ch.pitch_classes
    candidates = []
    for base in range(low, low + 12):
        if base % 12 not in pcs:
            continue
        notes, p = [base], base
        for pc in pcs[1:] if base % 12 == pcs[0] else [q for q in pcs if q != base % 12]:
            p = p + ((pc - p) % 12 or 12)
            notes.append(p)
        notes.sort()
        if notes[-1] <= high:
            candidates.append(notes)
    if not candidates:
        candidates = [[low + (pc - low) % 12 for pc in pcs]]
    if not previous:
        return min(candidates, key=lambda v: abs(sum(v) / len(v) - (low + high) / 2))
    centre = sum(previous) / len(previous)
    return min(candidates, key=lambda v: (abs(sum(v) / len(v) - centre), v))


@dataclass(frozen=True)
class Note:
    pitch: int
    start: float  # beats
    length: float  # beats
    velocity: int
