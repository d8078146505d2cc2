"""Render tracks through a General MIDI SoundFont with tinysoundfont, one stem at a time.

The default font is ``TimGM6mb.sf2`` inside the pretty_midi wheel; a creator's own .sf2 comes
from the ``soundfont`` option or the ``STUDIO_SOUNDFONT`` environment variable.
"""

from __future__ import annotations

import functools
import importlib.resources
import os
from pathlib import Path

import numpy as np

from pipelines.base import RequestError

SAMPLE_RATE = 48_000
DRUM_RING_S = 0.8
BLOCK = 64  # tinysoundfont renders in 64-sample blocks; events are quantised to 1.3 ms


def soundfont_path(option: str | None = None) -> Path:
    """The SoundFont to use: the option, then $STUDIO_SOUNDFONT, then the GM font shipped with pretty_midi."""
    chosen = option or os.environ.get("STUDIO_SOUNDFONT")
    if chosen:
        path = Path(chosen).expanduser()
        if not path.is_file():
            raise RequestError(f"SoundFont {str(path)!r} does not exist (set STUDIO_SOUNDFONT to a .sf2 file)")
        return path
    return Path(str(importlib.resources.files("pretty_midi") / "TimGM6mb.sf2"))


@functools.lru_cache(maxsize=2)
def _font_bytes(path: str) -> bytes:
    return Path(path).read_bytes()


def render_tracks(
    tracks: list, seconds_per_beat: float, total_seconds: float, font: Path, sample_rate: int = SAMPLE_RATE
) -> np.ndarray:
    """Render ``tracks`` (all of one stem) into one stereo buffer, shape (samples, 2) float32.

    Each track gets its own MIDI channel; drum tracks use the kit as a bank-128 preset.
    """
    import tinysoundfont

    synth = tinysoundfont.Synth(samplerate=sample_rate, gain=-3.0)
    sfid = synth.sfload(_font_bytes(str(font)))
    events: list[tuple[int, int, int, int, int]] = []  # (sample, order, channel, key, velocity); order: offs first
    melodic = iter(c for c in range(16) if c != 9)
    for track in tracks:
        chan = 9 if track.drum else next(melodic)
        try:
            synth.program_select(chan, sfid, 128 if track.drum else 0, track.program, is_drums=track.drum)
        except RuntimeError:
            synth.program_select(chan, sfid, 128 if track.drum else 0, 0, is_drums=track.drum)
        next_hit: dict[int, int] = {}  # a drum's ring is cut at its next hit on the same key
        for n in sorted(track.notes, key=lambda n: -n.start):
            on = int(round(n.start * seconds_per_beat * sample_rate))
            off = int(round((n.start + n.length) * seconds_per_beat * sample_rate))
            if track.drum:  # drum hits ring a while whatever their written length (some kit samples loop)
                off = min(
                    on + int(max(n.length * seconds_per_beat, DRUM_RING_S) * sample_rate),
                    next_hit.get(n.pitch, 1 << 62),
                )
                next_hit[n.pitch] = on
            events.append((on, 1, chan, n.pitch, n.velocity))
            events.append((max(on + 1, off), 0, chan, n.pitch, 0))
    events.sort()
    total = int(round(total_seconds * sample_rate))
    total += (-total) % BLOCK
    out = np.zeros((total, 2), dtype=np.float32)
    pos = 0
    for sample, _, chan, key, vel in events:
        sample = min(sample - sample % BLOCK, total)
        if sample > pos:
            synth.generate(sample - pos, buffer=memoryview(out[pos:sample]).cast("B"))
            pos = sample
        if vel:
            synth.noteon(chan, key, vel)
        else:
            synth.noteoff(chan, key)
    if pos < total:
        synth.generate(total - pos, buffer=memoryview(out[pos:total]).cast("B"))
    return out[: int(round(total_seconds * sample_rate))]
