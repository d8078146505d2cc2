"""The arrangement: chords per bar, sung melody, bass, comping, pads, lead and drums by section.

Everything is in beats (floats) from the song's start and seeded from one integer, so the same
request composes the same notes. ``compose(plan, sections, seed)`` returns an ``Arrangement``.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from pipelines.song.form import Line
from pipelines.song.melody import SungNote, instrumental_stresses, label_words, sing_line
from pipelines.song.plan import PlacedSection, SongPlan, bars_per_line
from pipelines.song.theory import Chord, Note, chord


@dataclass
class Track:
    """One instrument: its stem ("drums", "bass", "harmony", "lead"), GM program and notes."""

    stem: str
    name: str
    program: int
    notes: list[Note] = field(default_factory=list)
    drum: bool = False  # program is then a bank-128 kit


@dataclass
class SungLine:
    """A lyric line placed on the melody: ``notes`` carry word and syllable indices into ``line``."""

    line: Line
    section: str
    notes: list[SungNote]

    @property
    def start(self) -> float:
        return self.notes[0].start

    @property
    def end(self) -> float:
        return self.notes[-1].start + self.notes[-1].length


@dataclass(frozen=True)
class Singer:
    """What the melody needs to know of the voice: each line's spoken syllable lengths (seconds) and its
    median speaking pitch (MIDI; None: unknown)."""

    syllable_seconds: Callable[[Line], list[float]]
    speaking_pitch: float | None = None


@dataclass
class Arrangement:
    plan: SongPlan
    sections: list[PlacedSection]
    chords: list[Chord]  # one per bar
    progressions: dict[str, str]  # section kind -> roman numerals
    tracks: list[Track]
    vocals: list[SungLine]

    @property
    def bars(self) -> int:
        return len(self.chords)

    @property
    def beats(self) -> float:
        return self.bars * self.plan.beats_per_bar

    def seconds(self, beat: float) -> float:
        return beat * 60.0 / self.plan.bpm


def choose_progressions(plan: SongPlan, rng: random.Random, variation: int = 0) -> dict[str, str]:
    """A progression per section kind; the chorus differs from the verse where the genre allows,
    and each variation starts from a different progression."""
    table = list(plan.style.minor if plan.key.mode == "minor" else plan.style.major)
    rng.shuffle(table)
    table = table[variation % len(table) :] + table[: variation % len(table)]
    verse = table[0]
    chorus = table[1 % len(table)]
    bridge = table[2 % len(table)]
    return {
        "intro": chorus,
        "verse": verse,
        "pre-chorus": bridge,
        "chorus": chorus,
        "bridge": bridge,
        "solo": chorus,
        "break": verse,
        "outro": chorus,
    }


def lay_chords(plan: SongPlan, sections: list[PlacedSection], progressions: dict[str, str]) -> list[Chord]:
    """One chord per bar; at fast tempos each chord lasts two bars. The song ends on the tonic."""
    hold = 2 if bars_per_line(plan) == 4 else 1
    out: list[Chord] = []
    for ps in sections:
        numerals = progressions[ps.kind].split()
        for i in range(ps.bars):
            out.append(chord(numerals[(i // hold) % len(numerals)], plan.key))
    if out:
        tonic = "i" if plan.key.mode == "minor" else "I"
        out[-1] = chord(tonic + ("7" if plan.style.seventh and plan.key.mode == "minor" else ""), plan.key)
    return out


def _compose_vocals(
    plan: SongPlan, sections: list[PlacedSection], chords: list[Chord], seed: int, singer: Singer | None = None
) -> list[SungLine]:
    bpb = plan.beats_per_bar
    per_line = bars_per_line(plan)
    eighths = 3 if plan.meter == "6/8" else 2
    out = []
    for ps in sections:
        for li, line in enumerate(ps.section.lines):
            bar0 = ps.start_bar + li * per_line
            if bar0 >= ps.start_bar + ps.bars:
                break
            stresses = line.stresses()
            # the same words in the same kind of section get the same tune (choruses repeat their melody)
            under = [chords[min(bar0 + b, len(chords) - 1)].numeral for b in range(per_line)]
            rng = random.Random(f"{seed}|{ps.kind}|{li}|{stresses}|{under}")

            def chord_at(beat: float, bar0: int = bar0) -> Chord:
                return chords[min(len(chords) - 1, bar0 + int(beat // bpb))]

            final_root = li == len(ps.section.lines) - 1
            spb = plan.bar_seconds / bpb
            spoken = [d / spb for d in singer.syllable_seconds(line)] if singer is not None else None
            notes = sing_line(
                stresses,
                per_line * bpb,
                bpb,
                chord_at,
                plan.key,
                rng,
                final_root,
                eighths,
                spoken=spoken,
                speaking=singer.speaking_pitch if singer is not None else None,
            )
            notes = label_words(notes, [w.syllables for w in line.words])
            out.append(SungLine(line, ps.kind, [n.moved(bar0 * bpb) for n in notes]))
    return out


def _lead_phrases(
    plan: SongPlan, sections: list[PlacedSection], chords: list[Chord], seed: int, instrumental: bool
) -> list[Note]:
    """The lead instrument's melody: in intros, solos and outros, and everywhere in an instrumental."""
    bpb, per_line = plan.beats_per_bar, bars_per_line(plan)
    eighths = 3 if plan.meter == "6/8" else 2
    notes: list[Note] = []
    for ps in sections:
        if not (instrumental or ps.kind in ("intro", "solo", "outro")) or ps.kind == "break":
            continue
        for k in range(0, ps.bars, per_line):
            bar0 = ps.start_bar + k
            span = min(per_line, ps.start_bar + ps.bars - bar0)
            if span < 1 or (ps.kind == "outro" and k + span >= ps.bars and k > 0):
                continue
            rng = random.Random(f"{seed}|lead|{ps.kind}|{k % (2 * per_line)}")

            def chord_at(beat: float, bar0: int = bar0) -> Chord:
                return chords[min(len(chords) - 1, bar0 + int(beat // bpb))]

            stresses = instrumental_stresses(rng, span * bpb - 2)
            phrase = sing_line(stresses, span * bpb, bpb, chord_at, plan.key, rng, True, eighths, melisma=False)
            vel = 92 if ps.kind in ("chorus", "solo") else 78
            notes += [
                Note(n.pitch + 12 * (plan.lead in (73, 56, 40, 80, 81)), n.start + bar0 * bpb, n.length * 0.95, vel)
                for n in phrase
            ]
    return notes


def compose(
    plan: SongPlan,
    sections: list[PlacedSection],
    seed: int,
    progressions: dict[str, str] | None = None,
    melody: list[SungLine] | None = None,
    variation: int = 0,
    base_seed: int | None = None,
    singer: Singer | None = None,
) -> Arrangement:
    """Compose the whole arrangement. ``progressions`` and ``melody`` are given when restyling; the
    progressions come from ``base_seed`` (the request's) turned by ``variation`` so variations differ.
    ``singer`` (the voice that will sing) lets each line's spoken rhythm shape its melody's rhythm and
    keeps the melody where that voice sings well."""
    from pipelines.song.parts import bass_part, comp_part, drum_part, pad_part

    rng = random.Random(f"{seed if base_seed is None else base_seed}|progressions")
    progressions = progressions or choose_progressions(plan, rng, variation)
    chords = lay_chords(plan, sections, progressions)
    vocals = melody if melody is not None else _compose_vocals(plan, sections, chords, seed, singer)
    instrumental = not vocals
    tracks = [
        Track("drums", "Drums", plan.style.kit, drum_part(plan, sections, seed), drum=True),
        Track("bass", "Bass", plan.bass, bass_part(plan, sections, chords, seed)),
        Track("harmony", "Chords", plan.harmony, comp_part(plan, sections, chords, seed)),
    ]
    if plan.style.pad is not None and plan.style.pad != plan.harmony:
        tracks.append(Track("harmony", "Pad", plan.style.pad, pad_part(plan, sections, chords)))
    tracks.append(Track("lead", "Lead", plan.lead, _lead_phrases(plan, sections, chords, seed, instrumental)))
    return Arrangement(plan, sections, chords, progressions, tracks, vocals)
