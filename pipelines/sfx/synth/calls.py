"""More animal calls by source-filter synthesis (``animals.call``), each with its own pitch contour and breath
so none is heard as a steady synthesizer tone: a pig's grunts and squeals, a horse's whinny.
Returns (voice.samples,) float64."""

from __future__ import annotations

import numpy as np

from pipelines.sfx.synth.animals import call, contour, envelope
from pipelines.sfx.synth.core import Voice, band_noise, place


def _calls(v: Voice, every: tuple[float, float], first: float = 0.1) -> list[float]:
    """Start times: ``count`` calls if given, else one every ``every`` (min, max) s while they fit."""
    if v.count:
        return [first + i * every[0] / v.speed for i in range(v.count)]
    times, t = [], first
    while t < v.seconds - 0.2:
        times.append(t)
        t += v.rng.uniform(*every) / v.speed
    return times


def pig(v: Voice) -> np.ndarray:
    """A pig: runs of short nasal grunts (oink) and now and then a squeal."""
    out = np.zeros(v.samples)
    for t in _calls(v, (0.25, 0.6)):
        if v.rng.random() < 0.15:
            n = int(v.rng.uniform(0.4, 0.8) * v.rate)
            f0 = contour(n, [700, 1100, 1000, 800]) * v.rng.uniform(0.8, 1.2)
            sound = call(v, f0, [(1400, 400), (2800, 600)], breath=0.4, partials=12, tilt=0.5)
        else:
            n = int(v.rng.uniform(0.12, 0.25) * v.rate)
            f0 = contour(n, [130, 160, 110]) * v.rng.uniform(0.8, 1.2) / v.size**0.3
            sound = call(v, f0, [(450, 200), (1300, 300), (2600, 500)], breath=0.6, partials=30, tilt=0.3)
        place(out, sound * envelope(n, v.rate, 0.01, 0.05), int(t * v.rate), v.rng.uniform(0.6, 1.0))
    return out


def neigh(v: Voice) -> np.ndarray:
    """A horse whinnying: a high call that trills (fast pitch and loudness flutter, growing) and falls, ending in
    a snort."""
    out = np.zeros(v.samples)
    for t in _calls(v, (2.5, 3.5)):
        n = int(min(v.seconds - t, v.vary(1.4)) * v.rate)
        if n < int(0.3 * v.rate):
            break
        k = np.arange(n) / v.rate
        f0 = contour(n, [600, 750, 650, 500, 380, 260]) * v.rng.uniform(0.85, 1.15) / v.size**0.3
        f0 *= 1 + 0.12 * np.sin(2 * np.pi * v.rng.uniform(10, 14) * k) * np.linspace(0.3, 1.0, n)
        sound = call(v, f0, [(900, 400), (2000, 600), (3200, 800)], breath=0.8, partials=16, tilt=0.3)
        sound *= 1 + 0.6 * np.sin(2 * np.pi * 12 * k) * np.linspace(0.3, 1.0, n)  # the whinny pulses in loudness too
        place(out, sound * envelope(n, v.rate, 0.05, 0.3), int(t * v.rate))
        m = int(0.3 * v.rate)
        snort = band_noise(v, m, 200, 2000) * envelope(m, v.rate, 0.02, 0.2) * 0.6
        place(out, snort, int((t + n / v.rate + 0.05) * v.rate))
    return out


RECIPES = {"pig": pig, "neigh": neigh}
