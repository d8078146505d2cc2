"""What a song request asks for: genre, key, tempo, meter, instruments and the form in bars.

``understand(request)`` reads the prompt's words and the explicit fields (which win) and returns
a ``SongPlan``; ``layout(...)`` turns lyric sections into placed sections with bar counts.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace

from pipelines.base import RequestError
from pipelines.song.form import Section
from pipelines.song.styles import GENRES, INSTRUMENTS, GenreStyle
from pipelines.song.theory import Key, parse_key

METERS = {"4/4": (4, 4), "3/4": (3, 4), "6/8": (2, 6)}  # -> (beats per bar, grid steps per beat)
_MINOR_MOODS = (
    "sad",
    "melanchol",
    "dark",
    "moody",
    "somber",
    "sombre",
    "gloomy",
    "haunting",
    "lonely",
    "tense",
    "mysterious",
    "brooding",
    "heartbreak",
)
_MAJOR_MOODS = ("happy", "bright", "uplifting", "sunny", "joyful", "cheerful", "hopeful", "warm", "summer", "playful")
_SLOW = ("slow", "calm", "gentle", "relaxed", "mellow", "lullaby", "ballad", "soft")
_FAST = ("fast", "energetic", "upbeat", "driving", "intense", "high-energy", "uptempo")


@dataclass(frozen=True)
class SongPlan:
    """The musical decisions taken before composing (all JSON-friendly except ``style``/``key``)."""

    style: GenreStyle
    key: Key
    bpm: float
    meter: str  # "4/4", "3/4", "6/8"
    harmony: int  # GM programs actually used
    lead: int
    bass: int
    labels: tuple[str, ...]  # AudioSet names of the genre and the main instruments
    mood: str = ""

    @property
    def beats_per_bar(self) -> int:
        return METERS[self.meter][0]

    @property
    def steps_per_beat(self) -> int:
        return METERS[self.meter][1]

    @property
    def bar_seconds(self) -> float:
        return self.beats_per_bar * 60.0 / self.bpm

    def describe(self) -> dict:
        return {
            "genre": self.style.name,
            "key": self.key.name,
            "bpm": self.bpm,
            "time_signature": self.meter,
            "instruments": {"harmony": self.harmony, "lead": self.lead, "bass": self.bass},
            "mood": self.mood,
        }


def _seeded(seed: int, *salt: object) -> int:
    return int.from_bytes(hashlib.sha256(repr((seed,) + salt).encode()).digest()[:8], "little")


def find_genre(text: str) -> GenreStyle | None:
    """The genre whose words appear in ``text`` (longest match first), or None."""
    low = " " + re.sub(r"[^a-z0-9&/#\- ]", " ", text.lower()) + " "
    best: tuple[int, GenreStyle] | None = None
    for style in GENRES.values():
        for word in style.words + (style.name,):
            if re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", low) and (best is None or len(word) > best[0]):
                best = (len(word), style)
    return best[1] if best else None


def _prompt_key(text: str) -> Key | None:
    m = re.search(
        r"(?<![A-Za-z])(?:in\s+)?([A-Ha-h])\s*(#|b|♯|♭)?\s*(major|minor|dorian|mixolydian)\b", text, re.IGNORECASE
    )
    if not m:
        return None
    return parse_key(f"{m.group(1).upper()}{m.group(2) or ''} {m.group(3).lower()}")


def _prompt_bpm(text: str) -> float | None:
    m = re.search(r"(\d+(?:\.\d+)?)\s*(?:bpm|beats per minute)\b", text, re.IGNORECASE) or re.search(
        r"\btempo\s*(?:of\s*)?(\d+(?:\.\d+)?)", text, re.IGNORECASE
    )
    return float(m.group(1)) if m else None


def _prompt_meter(text: str) -> str | None:
    m = re.search(r"\b(\d+)\s*/\s*(\d+)\b(?:\s*time)?", text)
    if m:
        return f"{m.group(1)}/{m.group(2)}"
    return "3/4" if re.search(r"\bwaltz\b", text, re.IGNORECASE) else None


def check_meter(meter: str) -> str:
    meter = meter.replace(" ", "")
    if meter not in METERS:
        raise RequestError(f"time signature {meter!r} is not supported; use one of: {', '.join(METERS)}")
    return meter


def understand(
    prompt: str,
    seed: int,
    bpm: float | None = None,
    key: str = "",
    meter: str = "",
    genre_hint: GenreStyle | None = None,
) -> SongPlan:
    """Read the prompt and explicit fields into a plan; the seed settles what neither says."""
    style = find_genre(prompt) or genre_hint or GENRES["pop"]
    low = prompt.lower()
    mood = next((w for w in _MINOR_MOODS + _MAJOR_MOODS if w in low), "")
    if key:
        the_key = parse_key(key)
    else:
        the_key = _prompt_key(prompt)
        if the_key is None:
            mode = "minor" if mood in _MINOR_MOODS else "major" if mood in _MAJOR_MOODS else style.mode
            the_key = Key(_seeded(seed, "tonic") % 12, mode)
    if the_key.mode not in ("major", "minor"):  # modal keys borrow the nearer progression table
        the_key = replace(the_key, mode="minor" if the_key.mode == "dorian" else "major")
    tempo = bpm if bpm is not None else _prompt_bpm(prompt)
    if tempo is None:
        lo, hi = style.bpm
        if any(w in low for w in _SLOW):
            hi = (lo + hi) // 2
        elif any(w in low for w in _FAST):
            lo = (lo + hi) // 2
        tempo = float(lo + _seeded(seed, "bpm") % (hi - lo + 1))
    if not 40 <= tempo <= 240:
        raise RequestError(f"tempo must be between 40 and 240 bpm, got {tempo:g}")
    the_meter = check_meter(meter or _prompt_meter(prompt) or "4/4")
    harmony, lead, labels = style.harmony, style.lead, list(style.labels[:1])
    named = sorted((low.find(w), w) for w in INSTRUMENTS if re.search(rf"\b{re.escape(w)}\b", low))
    taken: set[str] = set()
    for _, word in named:
        program, role, label = INSTRUMENTS[word]
        if role in taken or any(word in other and word != other for _, other in named):
            continue  # first instrument per role wins; "guitar" inside "electric guitar" is the same one
        taken.add(role)
        harmony, lead = (program, lead) if role == "harmony" else (harmony, program)
        labels.append(label)
    labels += [x for x in style.labels[1:] if x not in labels]
    return SongPlan(style, the_key, round(float(tempo), 3), the_meter, harmony, lead, style.bass, tuple(labels), mood)


@dataclass(frozen=True)
class PlacedSection:
    """A section placed on the bar grid."""

    section: Section
    start_bar: int
    bars: int

    @property
    def kind(self) -> str:
        return self.section.kind


def bars_per_line(plan: SongPlan) -> int:
    """Two bars per sung line; four at fast tempos so the words are not rushed."""
    return 4 if plan.bpm >= 150 or (plan.meter == "6/8" and plan.bpm < 60) else 2


INSTRUMENTAL_FORM = (
    ("intro", 4),
    ("verse", 8),
    ("chorus", 8),
    ("verse", 8),
    ("chorus", 8),
    ("bridge", 8),
    ("chorus", 8),
    ("outro", 4),
)


def layout(sections: list[Section], plan: SongPlan, duration: float | None) -> tuple[list[PlacedSection], list[str]]:
    """Bars per section: intro, the lyric sections (a short break after a chorus), outro; fitted to
    ``duration`` by adding solos or dropping trailing sections. Returns (placed sections, warnings)."""
    per_line = bars_per_line(plan)
    body: list[Section] = []
    if not sections:
        body = [Section(kind, (), bars) for kind, bars in INSTRUMENTAL_FORM]
    else:
        if sections[0].kind != "intro":
            body.append(Section("intro", (), 4))
        for i, s in enumerate(sections):
            bars = s.bars or (len(s.lines) * per_line if s.lines else 4)
            body.append(Section(s.kind, s.lines, bars, s.label))
            nxt = sections[i + 1].kind if i + 1 < len(sections) else None
            if s.kind == "chorus" and nxt in ("verse", "bridge"):
                body.append(Section("break", (), 2))
        if sections[-1].kind != "outro":
            body.append(Section("outro", (), 4))
    warnings: list[str] = []
    if duration is not None:
        target = max(2, round(duration / plan.bar_seconds))
        total = sum(s.bars for s in body)
        if total < target:
            outro = body.pop() if body[-1].kind == "outro" else None
            keep, total = (outro.bars if outro else 0), sum(s.bars for s in body)
            while total + keep < target:
                add = min(8, target - keep - total)
                body.append(Section("solo", (), add, "Solo"))
                total += add
            if outro is not None:
                body.append(replace(outro, bars=target - total))
        if sum(s.bars for s in body) > target:
            body = _shorten(body, target, duration, warnings)
        body = [s for s in body if s.bars > 0]
    placed, bar = [], 0
    for s in body:
        placed.append(PlacedSection(s, bar, s.bars))
        bar += s.bars
    return placed, warnings


def _shorten(body: list[Section], target: int, duration: float, warnings: list[str]) -> list[Section]:
    """Fit ``target`` bars: a 2-bar intro and outro, no breaks, sections kept from the start while they
    fit; the outro absorbs what is left over."""
    intro = next((replace(s, bars=2) for s in body[:1] if s.kind == "intro" and not s.lines), None)
    outro = next((replace(s, bars=2) for s in body[-1:] if s.kind == "outro" and not s.lines), None)
    middle = [s for s in body if s.kind != "break" and not (s.kind in ("intro", "outro") and not s.lines)]
    ends = [x for x in (intro, outro) if x is not None]
    if sum(x.bars for x in ends) > target:
        if any(s.lines for s in middle):
            warnings.append(f"no lyrics fit in {duration:g} s: the song is instrumental")
        intro, outro, ends = None, Section("outro", (), target, "Outro"), [Section("outro", (), target)]
        middle = []
    budget = target - sum(x.bars for x in ends)
    kept = []
    for s in middle:
        if s.bars <= budget and len(kept) == middle.index(s):
            kept.append(s)
            budget -= s.bars
        elif s.lines:
            warnings.append(f"the {s.label or s.kind} does not fit in {duration:g} s and was left out")
    if outro is None:
        outro = Section("outro", (), 0, "Outro")
    outro = replace(outro, bars=outro.bars + budget)
    return [x for x in [intro, *kept, outro] if x is not None]
