"""Interface, sci-fi and cartoon sounds by FM and additive tones; blasts, shots, whooshes and crowds.

Returns mono float64 of shape (voice.samples,).
"""

from __future__ import annotations

import numpy as np

from pipelines.sfx.synth.core import (
    Voice,
    band_noise,
    bandpass,
    decay,
    harmonics,
    lowpass,
    noise,
    pink,
    place,
    regular_times,
    tone,
)
from pipelines.sfx.synth.nature import grains


def _hits(v: Voice, default: list[float], interval: float) -> list[float]:
    return list(regular_times(v, interval)) if v.count else default


def click(v: Voice) -> np.ndarray:
    """A UI click or button press: a tiny bright tick."""
    out = np.zeros(v.samples)
    for t in _hits(v, [0.05], 0.3):
        n = int(0.02 * v.rate)
        tick = tone(np.full(n, 3500 / v.size), n, v.rate) * decay(n, v.rate, 0.01, 0.0003)
        place(out, tick + 0.5 * band_noise(v, n, 3000, None) * decay(n, v.rate, 0.003), int(t * v.rate))
    return out


def beep(v: Voice) -> np.ndarray:
    """Beeps: clean sine tones of 150 ms at 1 kHz, repeated once a second (or ``count`` times)."""
    out = np.zeros(v.samples)
    f = v.params.get("hz", 1000) / v.size**0.5
    for t in regular_times(v, v.params.get("interval", 1.0)):
        n = int(v.params.get("length", 0.15) * v.rate)
        env = np.minimum(1, np.minimum(np.arange(n), n - np.arange(n)) / (0.005 * v.rate))
        place(out, tone(np.full(n, f), n, v.rate) * env, int(t * v.rate))
    return out


def chime(v: Voice) -> np.ndarray:
    """A notification chime: two or three rising FM-bell notes."""
    out = np.zeros(v.samples)
    notes = v.params.get("notes", [880.0, 1318.5])
    for i, f in enumerate(notes):
        n = int(min(v.seconds, 1.2) * v.rate)
        k = np.arange(n) / v.rate
        index = 2.0 * np.exp(-k * 6)
        bell = np.sin(2 * np.pi * f * k + index * np.sin(2 * np.pi * f * 3.5 * k)) * decay(n, v.rate, 1.0, 0.002)
        place(out, bell, int((0.05 + i * 0.13 / v.speed) * v.rate), 0.8)
    return out


def error_buzz(v: Voice) -> np.ndarray:
    """An error buzzer: a harsh low square-ish tone, twice."""
    out = np.zeros(v.samples)
    for t in _hits(v, [0.05, 0.3], 0.3):
        n = int(0.2 * v.rate)
        place(
            out, harmonics(np.full(n, 150.0), n, v.rate, [1 / k if k % 2 else 0 for k in range(1, 30)]), int(t * v.rate)
        )
    return out


def laser(v: Voice) -> np.ndarray:
    """A laser zap: a fast exponential downward FM sweep with a metallic ring, once or ``count`` times."""
    out = np.zeros(v.samples)
    for t in _hits(v, [0.05], 0.35):
        n = int(0.25 * v.size * v.rate)
        k = np.arange(n) / v.rate
        f = 2500 * np.exp(-k * 12 / v.size) / v.size**0.3 + 150
        zap = np.sin(2 * np.pi * np.cumsum(f) / v.rate + 3 * np.sin(2 * np.pi * np.cumsum(f * 1.5) / v.rate))
        place(out, zap * decay(n, v.rate, 0.25 * v.size, 0.001), int(t * v.rate))
    return out


def power_up(v: Voice) -> np.ndarray:
    """A power-up: a rising sweep with a fast arpeggio shimmer."""
    n = int(min(v.seconds, 1.2 / v.speed) * v.rate)
    k = np.arange(n) / v.rate
    f = 300 * 2 ** (3 * k / (n / v.rate)) * (1 + 0.25 * ((k * 16) % 1 > 0.5))
    out = np.zeros(v.samples)
    place(out, harmonics(f, n, v.rate, [1, 0.4, 0.2]) * np.minimum(1, (n - np.arange(n)) / (0.1 * v.rate)), 0)
    return out


def teleport(v: Voice) -> np.ndarray:
    """A teleport or magic shimmer: rising FM tones with tremolo and bright noise that swells and fades."""
    n = v.samples
    k = np.arange(n) / v.rate
    length = min(v.seconds, 2.0)
    shape = np.sin(np.pi * np.clip(k / length, 0, 1))
    f = 400 + 1600 * np.clip(k / length, 0, 1)
    sparkle = sum(np.sin(2 * np.pi * np.cumsum(f * r) / v.rate) for r in (1.0, 1.5, 2.01)) * (
        0.6 + 0.4 * np.sin(2 * np.pi * 20 * k)
    )
    return (sparkle + 0.8 * bandpass(noise(v), 3000, 9000, v.rate)) * shape


def spaceship(v: Voice) -> np.ndarray:
    """A spaceship engine hum: detuned low drones with a slow phasing pulse."""
    n = v.samples
    k = np.arange(n) / v.rate
    drone = sum(harmonics(np.full(n, f / v.size**0.5), n, v.rate, [1, 0.5, 0.3, 0.2]) for f in (55, 55.7, 110.4))
    return drone * (0.7 + 0.3 * np.sin(2 * np.pi * 0.5 * k)) + 0.2 * lowpass(pink(v), 500, v.rate)


def robot(v: Voice) -> np.ndarray:
    """Robot chatter: ring-modulated, quickly stepping tones."""
    steps = np.repeat(v.rng.uniform(200, 900, int(v.seconds * 8) + 1), int(v.rate / 8))[: v.samples]
    steps = np.pad(steps, (0, v.samples - len(steps)), mode="edge")
    return tone(steps, v.samples, v.rate) * tone(np.full(v.samples, 73.0), v.samples, v.rate)


def whoosh(v: Voice) -> np.ndarray:
    """A whoosh or swish: band-limited noise whose level and centre swell and pass in about half a second."""
    out = np.zeros(v.samples)
    for t in _hits(v, [0.05], 0.8):
        n = int(min(v.seconds, 0.7 * v.size / v.speed) * v.rate)
        k = np.linspace(0, 1, n)
        env = np.exp(-(((k - 0.55) / 0.2) ** 2))
        low = band_noise(v, n, 200, 1200)
        high = band_noise(v, n, 1200, 6000)
        place(out, (low * (1 - k) + high * k) * env * 3, int(t * v.rate))
    return out


def boing(v: Voice) -> np.ndarray:
    """A cartoon boing: a spring twang whose pitch wobbles and bends as it decays."""
    out = np.zeros(v.samples)
    for t in _hits(v, [0.05], 1.0):
        n = int(min(v.seconds, 1.0) * v.rate)
        k = np.arange(n) / v.rate
        f = 180 / v.size * (1 + 0.5 * np.sin(2 * np.pi * 12 * k) * np.exp(-k * 3)) * (1 + 0.3 * k)
        place(out, harmonics(f, n, v.rate, [1, 0.5, 0.3]) * decay(n, v.rate, 0.9), int(t * v.rate))
    return out


def slide_whistle(v: Voice) -> np.ndarray:
    """A cartoon slide whistle: a breathy pure tone sliding up then down."""
    n = int(min(v.seconds, 1.5) * v.rate)
    k = np.arange(n) / n
    f = 600 + 1400 * np.sin(np.pi * k)
    out = np.zeros(v.samples)
    place(out, (tone(f, n, v.rate) + 0.05 * band_noise(v, n, 2000, None)) * np.sin(np.pi * k) ** 0.3, 0)
    return out


def pop(v: Voice) -> np.ndarray:
    """A pop (bubble, cork, balloon): a very short resonant burst."""
    out = np.zeros(v.samples)
    for t in _hits(v, [0.05], 0.4):
        n = int(0.06 * v.rate)
        p = tone(np.linspace(900, 400, n) / v.size, n, v.rate) * decay(n, v.rate, 0.04, 0.0005)
        place(out, p + band_noise(v, n, None, 3000) * decay(n, v.rate, 0.01), int(t * v.rate))
    return out


def explosion(v: Voice) -> np.ndarray:
    """An explosion: a hard blast, then a long low rumble with debris, scaled by ``size``."""
    out = np.zeros(v.samples)
    for t in _hits(v, [0.05], 3.0):
        length = min(v.seconds - t, 4.0 * v.size**0.5)
        n = max(1, int(length * v.rate))
        blast = band_noise(v, n, None, 2500) * decay(n, v.rate, 0.3, 0.002) * 2
        rumble = band_noise(v, n, None, 450 / v.size**0.3) * decay(n, v.rate, length, 0.01) * 6
        debris = band_noise(v, n, 2000, None) * (v.rng.random(n) < 0.002) * decay(n, v.rate, length * 0.6)
        place(out, blast + rumble + debris * 3, int(t * v.rate))
    return out


def fireworks(v: Voice) -> np.ndarray:
    """Fireworks: whistling rockets that burst with a bang and a crackling shower."""
    out = np.zeros(v.samples)
    t = 0.05
    while t < v.seconds - 0.5:
        rise = v.rng.uniform(0.8, 1.5)
        n = int(rise * v.rate)
        whistle = tone(np.linspace(1200, 2600, n), n, v.rate) * np.linspace(0.05, 0.2, n)
        place(out, whistle, int(t * v.rate))
        boom_at = t + rise
        bang = explosion(Voice(v.rng, v.rate, int(2.0 * v.rate), 0.7))
        place(out, bang, int(boom_at * v.rate), 0.8)
        sub = Voice(v.rng, v.rate, int(1.5 * v.rate))
        kernels = [band_noise(v, 150, 2000, None) * decay(150, v.rate, 0.003)]
        place(out, grains(sub, np.sort(v.rng.uniform(0.1, 1.4, 120)), kernels) * 1.5, int((boom_at + 0.1) * v.rate))
        t = boom_at + v.rng.uniform(0.6, 2.0) / v.speed
    return out


RECIPES = {
    "click": click,
    "beep": beep,
    "chime": chime,
    "error_buzz": error_buzz,
    "laser": laser,
    "power_up": power_up,
    "teleport": teleport,
    "spaceship": spaceship,
    "robot": robot,
    "whoosh": whoosh,
    "boing": boing,
    "slide_whistle": slide_whistle,
    "pop": pop,
    "explosion": explosion,
    "fireworks": fireworks,
}
