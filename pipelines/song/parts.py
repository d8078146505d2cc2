"""Accompaniment parts in the genre's idiom: drums (with fills at section changes), bass, comping, pads.

Each function returns a list of ``compose.Note`` in beats from the song's start.
"""

from __future__ import annotations

import random

from pipelines.song import styles as st
from pipelines.song.plan import PlacedSection, SongPlan
from pipelines.song.theory import Chord, Note, nearest_voicing

ENERGY = {
    "intro": 0.6,
    "verse": 0.75,
    "pre-chorus": 0.85,
    "chorus": 1.0,
    "bridge": 0.7,
    "solo": 1.0,
    "break": 0.5,
    "outro": 0.6,
}


def _note(pitch: int, start: float, length: float, velocity: float):
    return Note(int(pitch), round(start, 6), round(length, 6), int(max(1, min(127, round(velocity)))))


def swung(beat: float, swing: float) -> float:
    """Delay off-beat eighths by up to a triplet (swing 1.0 puts them at 2/3 of the beat)."""
    half = beat * 2
    if swing and abs(half - round(half)) < 1e-6 and int(round(half)) % 2 == 1:
        return beat + swing / 6.0
    return beat


SLOW_PULSE_BPM = 90  # below this a listener (and a beat tracker) hears off-beat eighths as the beat


def _patterns(plan: SongPlan) -> dict[int, str]:
    if plan.meter == "3/4":
        pats = st.WALTZ
    elif plan.meter == "6/8":
        return st.SIX_EIGHT
    else:
        pats = plan.style.drums
    return quarter_pulse(pats) if plan.bpm < SLOW_PULSE_BPM else pats


def quarter_pulse(patterns: dict[int, str], per_beat: int = 4) -> dict[int, str]:
    """The groove of a slow song made to carry its own tempo: at 72 bpm a hi-hat or tambourine on the
    off-beats sounds like a 144 bpm pulse, so off-beat-only lanes move onto the beats, eighth-note lanes
    accent the beat and ghost the off-beat, and the backbeat (snare, side stick or clap on 2 and 4) is
    accented; kicks and toms keep their syncopation. Patterns are the genre's step strings (``per_beat`` steps to a beat)."""
    out = {}
    backbeat = {st.SNARE, st.SIDE_STICK, st.CLAP}
    cymbals = {st.CLOSED_HAT, st.PEDAL_HAT, st.OPEN_HAT, st.RIDE, st.TAMBOURINE, st.SHAKER}
    for drum, pattern in patterns.items():
        hits = [i for i, ch in enumerate(pattern) if ch != "."]
        on_beat = [i for i in hits if i % per_beat == 0]
        steps = list(pattern)
        if hits and not on_beat and all(i % (per_beat // 2) == 0 for i in hits):
            steps = steps[per_beat // 2 :] + steps[: per_beat // 2]  # off-beats -> beats
        elif drum in cymbals and on_beat and len(hits) > len(on_beat):
            steps = [("o" if i % per_beat == 0 else "g") if ch != "." else ch for i, ch in enumerate(steps)]
        if drum in backbeat:
            steps = ["o" if ch != "." and i % per_beat == 0 else ch for i, ch in enumerate(steps)]
        out[drum] = "".join(steps)
    return out


def drum_part(plan: SongPlan, sections: list[PlacedSection], seed: int) -> list:
    """The genre's groove per bar, thinned in quiet sections, with a fill before each new section."""
    rng = random.Random(f"{seed}|drums")
    bpb, spb = plan.beats_per_bar, plan.steps_per_beat
    step = 1.0 / spb
    pats = _patterns(plan)
    notes = []
    sparse = plan.style.name == "ambient"
    for si, ps in enumerate(sections):
        energy = ENERGY[ps.kind]
        last_section = si == len(sections) - 1
        for b in range(ps.bars):
            bar_start = (ps.start_bar + b) * bpb
            if ps.kind == "outro" and b == ps.bars - 1:
                notes += [_note(st.KICK, bar_start, 1, 110), _note(st.CRASH, bar_start, 2, 105)]
                continue
            fill = not last_section and b == ps.bars - 1 and ps.bars >= 4 and not sparse
            if b == 0 and ps.kind in ("chorus", "solo", "verse", "bridge") and si > 0:
                notes.append(_note(st.CRASH, bar_start, 2, 100 * energy + 10))
            for drum, pattern in pats.items():
                if ps.kind in ("intro", "break") and drum in (st.KICK, st.SNARE, st.CLAP) and b < ps.bars - 2:
                    if not (plan.style.name in ("house", "techno") and drum == st.KICK):
                        continue
                if ps.kind == "bridge" and drum in (st.CLOSED_HAT, st.OPEN_HAT):
                    continue
                if ps.kind == "verse" and drum == st.OPEN_HAT:
                    continue
                for i, ch in enumerate(pattern):
                    if ch == "." or (fill and i * step >= bpb - 2):
                        continue
                    vel = {"o": 112, "x": 92, "g": 45}[ch] * (
                        0.65 if drum in (st.CLOSED_HAT, st.PEDAL_HAT, st.SHAKER) else 1.0
                    )
                    vel = vel * (0.7 + 0.3 * energy) + rng.randint(-6, 6)
                    t = swung(bar_start + i * step, plan.style.swing)
                    notes.append(_note(drum, t, step, vel))
            if fill:
                toms = [st.SNARE, st.SNARE, st.HIGH_TOM, st.HIGH_TOM, st.MID_TOM, st.MID_TOM, st.LOW_TOM, st.FLOOR_TOM]
                count = 8 if spb == 4 else 6
                start = bar_start + bpb - 2
                for k in range(count):
                    drum = toms[k * len(toms) // count] if rng.random() < 0.8 else st.SNARE
                    notes.append(_note(drum, start + k * 2.0 / count, 2.0 / count, 70 + 40 * k / count))
    return notes


def _bass_root(ch: Chord) -> int:
    return 36 + (ch.root - 36) % 12  # C2..B2


def bass_part(plan: SongPlan, sections: list[PlacedSection], chords: list[Chord], seed: int) -> list:
    """A bass line per the genre's style, reaching for the next chord's root at bar ends."""
    rng = random.Random(f"{seed}|bass")
    bpb = plan.beats_per_bar
    style = plan.style.bass_style
    notes = []
    for ps in sections:
        energy = ENERGY[ps.kind]
        if ps.kind == "intro" and plan.style.name not in ("house", "techno", "reggae"):
            continue
        for b in range(ps.bars):
            bar = ps.start_bar + b
            ch = chords[bar]
            nxt = chords[min(bar + 1, len(chords) - 1)]
            r = _bass_root(ch)
            fifth = r + 7 if r + 7 <= 50 else r - 5
            third = r + (ch.intervals[1] if len(ch.intervals) > 1 else 4)
            t0 = bar * bpb
            v = 88 * (0.75 + 0.25 * energy)
            if ps.kind == "outro" and b == ps.bars - 1 or ps.kind == "break":
                notes.append(_note(r, t0, bpb, v))
                continue
            if bpb != 4:
                notes += [
                    _note(r, t0, 1.5 if bpb == 2 else 2, v),
                    _note(fifth, t0 + bpb - 1 + (bpb == 2) * 0.5, 0.9, v * 0.9),
                ]
                continue
            if style == "eighths" and plan.bpm < SLOW_PULSE_BPM:  # a slow song's bass walks in quarters
                for k in range(4):
                    p = r if k < 3 else fifth
                    notes.append(_note(p, t0 + k, 0.9, v - (k % 2) * 8))
            elif style == "eighths":
                for k in range(8):
                    p = r if k < 6 else (fifth if k == 6 else _bass_root(nxt) + (1 if rng.random() < 0.3 else 0))
                    notes.append(_note(p, t0 + k * 0.5, 0.45, v - (k % 2) * 10))
            elif style == "octaves":
                for k in range(4):
                    notes.append(_note(r + 12, t0 + k + 0.5, 0.4, v))
                    if k % 2 == 0:
                        notes.append(_note(r, t0 + k, 0.3, v * 0.8))
            elif style == "walking":
                approach = _bass_root(nxt) + rng.choice((-1, 1, -2))
                line = [r, third if rng.random() < 0.5 else fifth, fifth if rng.random() < 0.5 else r + 12, approach]
                for k, p in enumerate(line):
                    notes.append(_note(p, swung(t0 + k, 0), 0.95, v - 6 * (k % 2)))
            elif style == "reggae":
                for t, p, d in ((0, r, 1.2), (1.5, third, 0.4), (2, fifth, 0.8), (3, r, 0.4), (3.5, r + 12, 0.4)):
                    notes.append(_note(p, t0 + t, d, v))
            elif style == "root-fifth":
                notes += [_note(r, t0, 1.8, v), _note(fifth, t0 + 2, 1.8, v * 0.9)]
            elif style == "sustain":
                notes.append(_note(r, t0, bpb - 0.05, v * 0.85))
            elif style == "syncopated":
                for t, p, d in (
                    (0, r, 1.4),
                    (1.75, r, 0.25),
                    (2.5, fifth if rng.random() < 0.5 else r, 1.0),
                    (3.5, r, 0.4),
                ):
                    notes.append(_note(p, swung(t0 + t, plan.style.swing), d, v))
            else:  # roots
                for k in range(4):
                    notes.append(_note(r, t0 + k, 0.9, v))
    return notes


def comp_part(plan: SongPlan, sections: list[PlacedSection], chords: list[Chord], seed: int) -> list:
    """Chords played the genre's way: block, strummed, arpeggiated, off-beat skanks, stabs or pads."""
    rng = random.Random(f"{seed}|comp")
    bpb = plan.beats_per_bar
    comp = plan.style.comp
    notes, prev = [], None
    for ps in sections:
        energy = ENERGY[ps.kind]
        for b in range(ps.bars):
            bar = ps.start_bar + b
            voicing = nearest_voicing(chords[bar], prev, 52, 72)
            prev = voicing
            t0 = bar * bpb
            v = 72 * (0.7 + 0.3 * energy)
            held = ps.kind == "outro" and b == ps.bars - 1
            mode = "block" if held else comp
            if ps.kind in ("intro", "break", "bridge") and comp in ("stabs", "offbeat") and not held:
                mode = "pad"
            if mode in ("pad", "block") or bpb != 4:
                if mode == "block" and not held and bpb == 4 and plan.style.swing:
                    hits = ((0, 1.4), (swung(1.5, plan.style.swing), 0.4), (2.5, 1.4))
                elif mode == "block" and not held:
                    hits = ((0, 1.9), (2, 1.9)) if bpb == 4 else ((0, bpb - 0.1),)
                else:
                    hits = ((0, bpb * (2 if held else 1) - 0.05),)
                for t, d in hits:
                    for p in voicing:
                        notes.append(_note(p, t0 + t, d, v))
            elif mode == "strum":
                pattern = ((0, 1.0, 1), (1, 0.5, 1), (1.5, 0.5, -1), (2.5, 0.5, -1), (3, 0.5, 1), (3.5, 0.5, -1))
                full = [voicing[0] - 12] + voicing
                up = 0.55 if plan.bpm < SLOW_PULSE_BPM else 0.8  # slow songs: the off-beat upstrokes stay light
                for t, d, direction in pattern:
                    order = full if direction > 0 else full[::-1]
                    t = swung(t, plan.style.swing)
                    for k, p in enumerate(order):
                        notes.append(_note(p, t0 + t + 0.02 * k, d, v * (1.0 if direction > 0 else up)))
            elif mode == "arp":
                for k in range(8):
                    notes.append(_note(voicing[k % len(voicing)], t0 + k * 0.5, 0.5, v))
            elif mode == "offbeat":
                for t in (1, 3):
                    for p in voicing:
                        notes.append(_note(p + 12, t0 + t, 0.3, v))
            elif mode == "stabs":
                for t in (0.5, 1.5, 2.5, 3.5) if rng.random() < 0.5 else (0.5, 1.75, 2.5, 3.5):
                    for p in voicing:
                        notes.append(_note(p, t0 + t, 0.3, v * 0.9))
    return notes


def pad_part(plan: SongPlan, sections: list[PlacedSection], chords: list[Chord]) -> list:
    """A soft sustained layer that joins in choruses, bridges and solos (the arrangement grows)."""
    bpb = plan.beats_per_bar
    notes, prev = [], None
    for ps in sections:
        if ps.kind not in ("chorus", "bridge", "solo", "pre-chorus", "intro", "outro") and plan.style.name not in (
            "ambient",
            "orchestral",
        ):
            continue
        for b in range(ps.bars):
            bar = ps.start_bar + b
            voicing = nearest_voicing(chords[bar], prev, 55, 76)
            prev = voicing
            for p in voicing:
                notes.append(_note(p, bar * bpb, bpb - 0.02, 58))
    return notes
