"""Melodies that fit lyrics: one note per syllable (a melisma at some phrase ends), stressed
syllables on strong beats, stepwise contours, phrase ends on chord tones.

Times are in beats from the start of the line; pitches are MIDI numbers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from pipelines.song.theory import Chord, Key, scale_pitches

MAX_STRETCH = 2.2  # a sung syllable lasts at most this many times its spoken length (the line's last one aside)


@dataclass(frozen=True)
class SungNote:
    """One note of a sung line: which word and syllable of the line it carries (-1: instrumental)."""

    pitch: int
    start: float  # beats from the start of the song once placed
    length: float  # beats
    word: int = -1
    syllable: int = -1

    def moved(self, beats: float) -> SungNote:
        return SungNote(self.pitch, self.start + beats, self.length, self.word, self.syllable)


def _slot_strength(slot: int, per_beat: int, beats_per_bar: int, sub: int) -> int:
    """3 on the downbeat, 2 on the mid-bar beat, 1 on other beats, 0 off the beat (``sub`` slots per grid step)."""
    per_bar = per_beat * beats_per_bar * sub
    step = slot
    if step % per_bar == 0:
        return 3
    if beats_per_bar == 4 and step % (per_bar // 2) == 0:
        return 2
    return 1 if step % (per_beat * sub) == 0 else 0


def place_syllables(
    stresses: list[int],
    beats: float,
    beats_per_bar: int,
    rng: random.Random,
    eighths_per_beat: int = 2,
    spoken: list[float] | None = None,
) -> tuple[list[float], float]:
    """Onsets (beats) for each syllable inside a line of ``beats`` beats, and the slot size used.

    A dynamic programme chooses increasing grid slots that put stressed syllables on beats and follow the
    line's spoken rhythm (``spoken``: each syllable's spoken length in beats; long syllables get long
    notes, in proportion, quantised to the grid, never more than MAX_STRETCH times slower than spoken, the
    last note held for what is left) or, without it, spread the words evenly, leaving the last two beats
    for the held note and a breath.
    """
    n = len(stresses)
    avail_beats = max(1.0, beats - 2.0)
    sub = 1
    slots = int(avail_beats * eighths_per_beat)
    if n > slots * 0.8:
        sub, slots = 2, int(avail_beats * eighths_per_beat * 2)
    slots = max(slots, n)
    ideal = min(4.0 * sub, max(1.0, slots / n))
    noise = [[rng.random() * 0.6 for _ in range(slots)] for _ in range(n)]
    # the gap before syllable i is the length of syllable i - 1: spoken lengths (beats) scaled to the same total,
    # but never sung more than MAX_STRETCH times slower than spoken (slow songs hold the last note instead)
    if spoken is not None and len(spoken) == n and n > 1 and sum(spoken[:-1]) > 0:
        step_beats = 1.0 / (eighths_per_beat * sub)
        scale = min(ideal * (n - 1) / sum(spoken[:-1]), MAX_STRETCH / step_beats)
        gap_ideal = [ideal] + [max(1.0, d * scale) for d in spoken[:-1]]
    else:
        gap_ideal = [ideal] * n

    def local(i: int, s: int) -> float:
        w = _slot_strength(s, eighths_per_beat, beats_per_bar, sub)
        c = (2 - min(w, 2)) * 2.0 if stresses[i] else (1.0 if w == 3 and i > 0 else 0.0)
        if i == 0:
            c += 0.5 * s / sub  # start near the line's beginning
        return c + noise[i][s]

    inf = float("inf")
    cost = [[inf] * slots for _ in range(n)]
    back = [[-1] * slots for _ in range(n)]
    for s in range(slots - n + 1):
        cost[0][s] = local(0, s)
    max_gap = int(3 * max(gap_ideal)) + 1
    for i in range(1, n):
        want = gap_ideal[i]
        for s in range(i, slots - (n - 1 - i)):
            best, arg = inf, -1
            for g in range(1, min(max_gap, s) + 1):
                prev = cost[i - 1][s - g]
                if prev == inf:
                    continue
                c = prev + 0.35 * (g - want) ** 2 / sub
                if c < best:
                    best, arg = c, s - g
            if arg >= 0:
                cost[i][s] = best + local(i, s)
                back[i][s] = arg
    # the line's last syllable is drawn to where the (capped) spoken rhythm ends, at most the last slot: a slow
    # song holds its last note longer rather than stretching every syllable to fill the line
    target = min(slots - 1, round(sum(gap_ideal[1:]))) if spoken is not None else slots - 1
    end = min(range(slots), key=lambda s: cost[n - 1][s] + 0.3 * abs(target - s) / sub)
    picks = [end]
    for i in range(n - 1, 0, -1):
        picks.append(back[i][picks[-1]])
    picks.reverse()
    step = 1.0 / (eighths_per_beat * sub)
    return [p * step for p in picks], step


def _contour(shape: int, x: float) -> float:
    """Height 0..1 along the phrase for one of four shapes: arch, fall, rise-and-settle, wave."""
    if shape == 0:
        return 1 - abs(2 * x - 1)
    if shape == 1:
        return 1 - 0.8 * x
    if shape == 2:
        return min(1.0, 1.6 * x) * (1 - 0.4 * x * x)
    return 0.5 + 0.4 * (1 if int(x * 3) % 2 == 0 else -1) * (1 - x)


def vocal_range(key: Key, speaking: float | None = None) -> tuple[int, int, int]:
    """(low, tonic, high) MIDI pitches for the voice: without ``speaking`` the tonic is between A3 and G#4;
    with the voice's median speaking pitch (MIDI) the tonic is the nearest one to a few semitones above it,
    and the melody stays within an octave and a half around it (where a re-pitched voice still sounds like
    itself)."""
    if speaking is None:
        tonic = 57 + (key.tonic - 57) % 12
    else:
        aim = int(round(speaking)) + 3
        tonic = aim - ((aim - key.tonic) % 12)
        if aim - tonic > 6:
            tonic += 12
    return tonic - 4, tonic, tonic + 9


def melody_pitches(
    onsets: list[float],
    strong: list[bool],
    chord_at,
    key: Key,
    rng: random.Random,
    final_root: bool,
    speaking: float | None = None,
) -> list[int]:
    """A pitch per onset: chord tones on strong syllables, scale steps between, following a contour."""
    low, tonic, high = vocal_range(key, speaking)
    pool = scale_pitches(key, low, high)
    shape = rng.randrange(4)
    lift = rng.choice((2, 4, 5, 7))
    pitches: list[int] = []
    n = len(onsets)
    for i, t in enumerate(onsets):
        ch: Chord = chord_at(t)
        x = i / max(1, n - 1)
        target = tonic - 2 + _contour(shape, x) * lift + (rng.random() - 0.5) * 2
        last = i == n - 1
        if last or strong[i]:
            cands = [p for p in pool if p % 12 in ch.pitch_classes[:3]]
            if last and final_root:
                cands = [p for p in cands if p % 12 == ch.root] or cands
        else:
            cands = pool
        prev = pitches[-1] if pitches else None

        def score(p: int, target: float = target, prev: int | None = prev, weak: bool = not strong[i]) -> float:
            s = abs(p - target)
            if prev is not None:
                leap = abs(p - prev)
                s += 0.6 * leap + (6 if leap > 7 else 0) + (0.8 if leap == 0 and weak else 0)
            return s + rng.random() * 0.8

        pitches.append(min(cands, key=score))
    return pitches


def sing_line(
    stresses: list[int],
    beats: float,
    beats_per_bar: int,
    chord_at,
    key: Key,
    rng: random.Random,
    final_root: bool,
    eighths_per_beat: int = 2,
    melisma: bool = True,
    spoken: list[float] | None = None,
    speaking: float | None = None,
) -> list[SungNote]:
    """Notes for one sung line: onsets, pitches and lengths, with syllable indices in line order.

    ``chord_at(beat)`` gives the chord under a beat of the line. The last syllable is held to near
    the end of the line; a short line may end on a two-note melisma.
    """
    onsets, step = place_syllables(stresses, beats, beats_per_bar, rng, eighths_per_beat, spoken)
    strong = [
        bool(s) or abs(t - round(t)) < 1e-9 and int(round(t)) % beats_per_bar == 0
        for s, t in zip(stresses, onsets, strict=True)
    ]
    pitches = melody_pitches(onsets, strong, chord_at, key, rng, final_root, speaking)
    notes = []
    for i, (t, p) in enumerate(zip(onsets, pitches, strict=True)):
        if i + 1 < len(onsets):
            length = onsets[i + 1] - t
        else:
            length = max(step * 2, min(3.0, beats - 1.0 - t))
        notes.append(SungNote(p, t, length, -1, i))
    if melisma and len(notes) <= 8 and notes[-1].length >= 2.0 and rng.random() < 0.5:
        last = notes.pop()
        half = max(0.5, round(last.length / 2 * 2) / 2)
        ch = chord_at(last.start)
        pool = scale_pitches(key, last.pitch - 3, last.pitch + 3)
        upper = min((p for p in pool if p > last.pitch), default=last.pitch)
        first = upper if upper % 12 in key.scale and ch.root % 12 != upper % 12 else last.pitch
        notes += [
            SungNote(first, last.start, half, -1, last.syllable),
            SungNote(last.pitch, last.start + half, last.length - half, -1, last.syllable),
        ]
    return notes


def label_words(notes: list[SungNote], syllables_per_word: list[int]) -> list[SungNote]:
    """Fill in each note's word index and syllable-within-word from the line's syllable index."""
    owner = [(w, k) for w, n in enumerate(syllables_per_word) for k in range(n)]
    return [SungNote(n.pitch, n.start, n.length, owner[n.syllable][0], owner[n.syllable][1]) for n in notes]


def instrumental_stresses(rng: random.Random, beats: float) -> list[int]:
    """A syllable-like rhythm for a wordless phrase (an instrument's melody)."""
    n = max(3, min(int(beats * 1.2), 4 + rng.randrange(int(beats))))
    return [1 if i % 2 == 0 else 0 for i in range(n)]
