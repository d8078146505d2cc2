"""Turns a plan of layers into a finished stereo effect: per-layer loudness, distance, muffling and pan;
a shared reverb bus for the space; a limiter; and a seamless loop seam.

Libraries: pyloudnorm measures loudness (ITU-R BS.1770) so layers sit at known levels; pedalboard
runs the hall's reverb (fast, well-tested C++); rooms, bathrooms, caves and the open air around a distant sound
are a convolution (scipy) with a synthetic impulse response, a canyon a few discrete echoes; scipy does the
filters.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.signal import lfilter

from pipelines.sfx.modifiers import Modifiers
from pipelines.sfx.synth import RECIPES, Voice
from pipelines.sfx.synth.core import highpass, lowpass
from pipelines.sfx.vocabulary import Concept

REFERENCE_LUFS = -20.0
CEILING_DB = -1.0
# The noise floor under the loudest 0.4 s: a real recording's place. Struck and fired one-shots are cut cleaner
# (library style); textures, calls and machines sit in an audible place, as field recordings do.
ROOM_TONE_DB = {"one-shot": -50.0, "place": -30.0}
ONE_SHOT_CATEGORIES = {"impacts", "doors", "blasts", "ui", "cartoon", "scifi"}
# Reverb per space: (room size, damping, wet send at distance 0, width)
SPACES = {
    "": (0.0, 0.5, 0.0, 1.0),
    "outdoor": (0.0, 0.5, 0.0, 1.0),
    "room": (0.3, 0.6, 0.25, 0.8),
    "bathroom": (0.45, 0.2, 0.45, 0.8),
    "hall": (0.8, 0.4, 0.5, 1.0),
    "cave": (0.95, 0.3, 0.7, 1.0),
    "canyon": (0.0, 0.5, 0.45, 1.0),
}


# Small and hard spaces by convolution with a synthetic impulse response: (RT60 below 1.5 kHz, RT60 above, s).
# Freeverb's comb filters ring at their own pitches under clicks and ticks (a clock in a room was heard as glass,
# typing as a percussion instrument); a decaying noise response with sparse early reflections has no pitch.
# The hall keeps Freeverb: its long smooth wash suits sustained sounds (bells, organs), and it is cheaper there.
# A furnished room's highs die within 0.15 s (soft surfaces): with 0.25 s a wall clock's ticks rang on as a wood
# block (YAMNet: "Wood block", "Percussion" on 6 seeds in 6; "Tick" 5 in 6 at 0.35 / 0.15).
# "open": a distant sound where no space was named, answered by what stands around (ground, trees, buildings):
# Freeverb's combs turned distant sounds into "Music". Open air has no walls: its answer is short and light (a
# 0.12 send per unit of distance). YAMNet on our set + "in the distance", seeds 0 and 1: Freeverb 159/288 hits, a
# 1.0 s open response at a 0.25 send 212, this one with 6 dB less per unit of distance (was 9) 225.
ROOM_RESPONSES = {"room": (0.35, 0.15), "bathroom": (0.9, 0.6), "cave": (2.4, 1.0), "open": (0.6, 0.3)}
# Open spaces walled by rock answer with a few distinct late echoes, not a wash: (delay s, level) per wall, each
# echo a short scatter off the rock, darker the further it travelled. A canyon's walls stand 60-200 m away.
ECHOES = {"canyon": ((0.38, 0.5), (0.61, 0.35), (0.93, 0.25), (1.27, 0.16))}


@dataclass
class Layer:
    """One concept to render: when it starts (s), its modifiers, and its own random stream."""

    concept: Concept
    modifiers: Modifiers
    start_s: float = 0.0
    seed: int = 0
    pan: float = 0.0


def loudness(x: np.ndarray, rate: int) -> float:
    """Integrated loudness (LUFS) of mono ``x`` measured on every 4th sample for speed (-70 if silent)."""
    import pyloudnorm

    step = 4 if rate >= 32_000 else 1
    y = x[::step]
    if len(y) < int(0.5 * rate / step):
        y = np.pad(y, (0, int(0.5 * rate / step) - len(y)))
    value = pyloudnorm.Meter(rate // step).integrated_loudness(y)
    return float(value) if np.isfinite(value) else -70.0


def render_layer(layer: Layer, rate: int, samples: int, jitter: float) -> np.ndarray:
    """The layer's dry mono signal at its mixing level, placed at its start time: (samples,)."""
    mods, concept = layer.modifiers, layer.concept
    start = min(int(layer.start_s * rate), samples - 1)
    intensity = 10 ** (mods.loudness_db / 40)
    voice = Voice(
        np.random.default_rng(layer.seed),
        rate,
        samples - start,
        size=mods.size,
        speed=mods.speed,
        count=mods.count,
        material=mods.material,
        intensity=intensity,
        jitter=jitter,
        params=dict(concept.params),
    )
    dry = RECIPES[concept.recipe](voice)
    dry = highpass(dry, 25, rate)  # no sub-sonic drift or DC
    gain_db = REFERENCE_LUFS - loudness(dry, rate) + concept.level_db + mods.loudness_db
    gain_db += -6.0 * max(mods.distance, 0.0)  # close is drier (see mix_layers), not louder: +4 dB only hit the limiter
    dry = dry * 10 ** (gain_db / 20)
    if mods.distance > 0:  # air absorbs highs with distance (2.4 kHz at "distant" hid most sounds' identity)
        dry = lowpass(dry, 6000 / (1 + 0.6 * mods.distance), rate)
    if mods.muffled:  # a wall's mass law: 6 dB an octave from 250 Hz, and little above 2 kHz gets through
        dry = lowpass(lowpass(dry, 250, rate, 1), 2000, rate)
    out = np.zeros(samples)
    out[start:] = dry[: samples - start]
    return out


def _add_room_tone(dry: np.ndarray, rate: int, seed: int, below_db: float) -> None:
    """Add, in place, a quiet dark noise floor ``below_db`` under the loudest 0.4 s of the mix, so gaps
    between events sound like a place (a real recording's floor) rather than digital silence. ``dry``:
    (2, samples). The floor is a 3 s pink-noise loop read cyclically (inaudible this far down), the second
    channel 13 ms later, added slice by slice with no full-length temporaries."""
    window = max(1, int(0.4 * rate))
    frames = max(1, dry.shape[1] // window)
    short_term = (
        np.sqrt(np.mean(dry[0, : frames * window].reshape(frames, window) ** 2, axis=1))
        if dry.shape[1] >= window
        else np.sqrt(np.mean(dry[0] ** 2, keepdims=True))
    )
    level = float(np.max(short_term)) * 10 ** (below_db / 20)
    table = _pink_table(rate)
    start = int(np.random.default_rng(seed ^ 0x5EED).integers(0, len(table)))
    _add_cyclic(dry[0], table, start, level)
    _add_cyclic(dry[1], table, start - int(0.013 * rate), level)


def _add_cyclic(out: np.ndarray, table: np.ndarray, start: int, gain: float) -> None:
    """``out[i] += gain * table[(start + i) % len(table)]`` for every i, in place, one slice at a time."""
    size, i = len(table), 0
    offset = start % size
    while i < len(out):
        n = min(size - offset, len(out) - i)
        out[i : i + n] += gain * table[offset : offset + n]
        i, offset = i + n, 0


@lru_cache(maxsize=4)
def _pink_table(rate: int) -> np.ndarray:
    """Three seconds of unit-RMS pink noise, computed once per rate (the room tone is a slice of it)."""
    pinked = lfilter(
        [0.049922035, -0.095993537, 0.050612699, -0.004408786],
        [1.0, -2.494956002, 2.017265875, -0.522189400],
        np.random.default_rng(0x5EED).random(3 * rate + rate // 2) - 0.5,
    )[rate // 2 :]
    return pinked / float(np.sqrt(np.mean(pinked**2)))


def _add_widened(out: np.ndarray, x: np.ndarray, rate: int, gain: float = 1.0) -> None:
    """Add, in place, a decorrelated copy of ``x`` for the second channel: the same texture 13 ms later
    (wrapping round), which for noise-like beds gives width with no colouration of either channel."""
    k = int(0.013 * rate) % max(len(x), 1)
    if k == 0:
        out += x * gain
        return
    out[k:] += x[:-k] * gain
    out[:k] += x[-k:] * gain


def mix_layers(
    layers: list[Layer],
    rate: int,
    samples: int,
    space: str,
    jitter: float,
    stereo: bool = True,
    progress=None,
    cancel=None,
) -> np.ndarray:
    """Render and mix ``layers`` into (samples, 2) float32 (or (samples, 1) if not stereo).

    Internally channels-first (2, samples), so every channel operation runs on contiguous memory."""
    dry = np.zeros((2, samples))
    send = None
    room, damping, base_send, width = SPACES.get(space, SPACES[""])
    for i, layer in enumerate(layers):
        if cancel is not None:
            cancel.check()
        mono = render_layer(layer, rate, samples, jitter)
        # A bed is widened by a 13 ms copy on the second channel; beds of separate hits (footsteps) are not: the copy
        # doubled each step (a flam, heard as knocking), but they still run through a loop's lead-in as beds do.
        widened = layer.concept.bed and layer.concept.params.get("widen", True)
        if widened and stereo:
            dry[0] += mono
            _add_widened(dry[1], mono, rate)
        else:
            angle = (layer.pan + 1) * np.pi / 4  # constant-power pan
            dry[0] += mono * (np.cos(angle) * np.sqrt(2))
            dry[1] += mono * (np.sin(angle) * np.sqrt(2))
        distance = layer.modifiers.distance
        amount = base_send * (0.5 if distance < 0 else 1.0) + (0.12 * max(distance, 0.0) if space != "outdoor" else 0.0)
        if amount > 0:
            send = np.zeros((2, samples)) if send is None else send
            send[0] += mono * amount
            if widened:
                _add_widened(send[1], mono, rate, amount)
            else:
                send[1] += mono * amount
        if progress is not None:
            progress((i + 1) / (len(layers) + 1), f"rendered {layer.concept.name}")
    one_shots = all(not layer.concept.bed and layer.concept.category in ONE_SHOT_CATEGORIES for layer in layers)
    _add_room_tone(dry, rate, layers[0].seed if layers else 0, ROOM_TONE_DB["one-shot" if one_shots else "place"])
    out = dry.astype(np.float32)
    answer = space or "open"
    if send is not None and (answer in ROOM_RESPONSES or answer in ECHOES):
        from scipy.signal import oaconvolve

        response = room_response(answer, rate) if answer in ROOM_RESPONSES else echo_response(answer, rate)
        out += oaconvolve(send, response, axes=1)[:, :samples].astype(np.float32)
    elif send is not None:
        import pedalboard

        reverb = pedalboard.Reverb(room_size=room or 0.5, damping=damping, wet_level=1.0, dry_level=0.0, width=width)
        out += reverb(send.astype(np.float32), rate)
    out = _limit(out, rate)
    return np.ascontiguousarray(out.T) if stereo else out.mean(axis=0)[:, None]


@lru_cache(maxsize=8)
def room_response(space: str, rate: int) -> np.ndarray:
    """The impulse response of ``space`` (a key of ``ROOM_RESPONSES``), one decorrelated response per channel,
    each of unit energy: (2, samples). Exponentially decaying noise, the highs dying sooner than the lows (air
    and soft surfaces absorb them), a 2 ms gap for the direct path and a dozen early reflections in the first
    40 ms (walls, floor, ceiling). Fixed seed per space: the same request gives the same bytes."""
    rt_low, rt_high = ROOM_RESPONSES[space]
    n = int(rt_low * rate)
    rng = np.random.default_rng(sum(space.encode()) * 7919)
    t = np.arange(n) / rate
    out = np.zeros((2, n))
    for channel in range(2):
        source = rng.standard_normal(n)
        ir = lowpass(source, 1500, rate) * np.exp(-6.9 * t / rt_low) + highpass(source, 1500, rate) * np.exp(
            -6.9 * t / rt_high
        )
        level = float(np.sqrt(np.mean(ir[: int(0.05 * rate)] ** 2)))
        for delay in rng.uniform(0.003, 0.04, 12):
            ir[int(delay * rate)] += float(rng.choice([-1.0, 1.0])) * rng.uniform(1.0, 3.0) * level
        ir[: int(0.002 * rate)] = 0.0
        out[channel] = ir / float(np.sqrt(np.sum(ir**2)))
    return out


@lru_cache(maxsize=4)
def echo_response(space: str, rate: int) -> np.ndarray:
    """The impulse response of an open space walled by rock (a key of ``ECHOES``): (2, samples), silent until the
    first wall answers, then each wall's echo as a 40 ms scatter of decaying noise, low-passed for the air it
    crossed (6 kHz for a near wall, about 2.5 kHz for the far one), each wall heard more from one side. Each
    echo carries its level squared of the send's energy. Fixed seed per space: the same request gives the same bytes."""
    walls = ECHOES[space]
    n = int((walls[-1][0] + 0.1) * rate)
    rng = np.random.default_rng(sum(space.encode()) * 7919)
    out = np.zeros((2, n))
    scatter = int(0.04 * rate)
    shape = np.exp(-np.arange(scatter) / (0.008 * rate))
    for delay, level in walls:
        side = rng.uniform(-0.8, 0.8)
        for channel, weight in enumerate((np.sqrt(1 - side), np.sqrt(1 + side))):
            burst = lowpass(rng.standard_normal(scatter) * shape, 6000 / (1 + 1.2 * delay), rate)
            burst *= level * weight / max(float(np.sqrt(np.sum(burst**2))), 1e-9)
            start = int(delay * rate)
            out[channel, start : start + scatter] += burst
    return out


def _limit(x: np.ndarray, rate: int) -> np.ndarray:
    """A look-ahead peak limiter: where a peak would pass the ceiling, the gain dips smoothly around it
    (a 5 ms minimum filter, then a 2.5 ms average, so the smoothed gain never exceeds what the peak needs).
    ``x``: (channels, samples) float32; returned unchanged if it already fits. Only the stretch from the
    first to the last peak over the ceiling (plus the filters' reach) is processed: the gain is 1 elsewhere."""
    ceiling = 10 ** (CEILING_DB / 20)
    if not x.size:
        return x
    peaks = np.abs(x[0]) if x.shape[0] == 1 else np.maximum(np.abs(x[0]), np.abs(x[1]))  # (samples,)
    for channel in x[2:]:
        np.maximum(peaks, np.abs(channel), out=peaks)
    over = np.flatnonzero(peaks > ceiling)
    if not len(over):
        return x
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    width = max(3, int(0.005 * rate))
    lo, hi = max(0, int(over[0]) - 2 * width), min(x.shape[1], int(over[-1]) + 2 * width + 1)
    need = np.minimum(1.0, ceiling / np.maximum(peaks[lo:hi], 1e-12))
    gain = uniform_filter1d(minimum_filter1d(need, width), width // 2).astype(np.float32)
    x[:, lo:hi] = np.clip(x[:, lo:hi] * gain, -ceiling, ceiling)
    return x


def make_seamless(audio: np.ndarray, preroll: int) -> np.ndarray:
    """Loop seam: ``audio`` (preroll + n, channels) was rendered with ``preroll`` extra samples at the
    start; the result (n, channels) ends by cross-fading (equal power) into that pre-roll, so the last
    sample flows into the first."""
    n = audio.shape[0] - preroll
    out = audio[preroll:].copy()
    if preroll <= 0:
        return out
    t = np.linspace(0.0, 1.0, preroll, dtype=np.float64)[:, None]
    fade_out, fade_in = np.cos(t * np.pi / 2), np.sin(t * np.pi / 2)
    out[n - preroll :] = out[n - preroll :] * fade_out + audio[:preroll] * fade_in
    return out
