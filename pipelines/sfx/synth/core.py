"""Building blocks shared by every synthesis recipe: noise, filters, envelopes, modal banks, event scattering.

Every signal here is mono float64 of shape (samples,) at the render's sample rate ``ctx.rate``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from scipy.signal import butter, lfilter, sosfilt

TABLE_SIZE = 8192  # wavetable length: nearest-sample lookup keeps errors near -70 dB
_SINE = np.sin(2 * np.pi * np.arange(TABLE_SIZE) / TABLE_SIZE)


@dataclass
class Voice:
    """What a recipe needs to render one sound: random source, rate, length and the prompt's modifiers.

    ``size`` scales pitch down and decay up (1 = normal, 2 = large/heavy, 0.5 = small);
    ``speed`` scales event rates and tempo; ``count`` is an explicit number of events or None;
    ``material`` is "", "metal", "wood" or "glass"; ``jitter`` (0..1) widens random variation.
    """

    rng: np.random.Generator
    rate: int
    samples: int
    size: float = 1.0
    speed: float = 1.0
    count: int | None = None
    material: str = ""
    intensity: float = 1.0
    jitter: float = 0.15
    params: dict = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return self.samples / self.rate

    def vary(self, value: float, spread: float = 1.0) -> float:
        """``value`` times a random factor around 1 whose width grows with ``jitter``."""
        return value * float(np.exp(self.rng.normal(0.0, self.jitter * spread)))


@lru_cache(maxsize=256)
def _sos(kind: str, low: float, high: float, rate: int, order: int) -> np.ndarray:
    nyq = rate / 2 * 0.98
    if kind == "band":
        return butter(order, [max(low, 10.0), min(high, nyq)], "bandpass", fs=rate, output="sos")
    cutoff = min(max(low, 10.0), nyq)
    return butter(order, cutoff, kind, fs=rate, output="sos")


def lowpass(x: np.ndarray, cutoff: float, rate: int, order: int = 2) -> np.ndarray:
    return sosfilt(_sos("low", round(cutoff, 1), 0.0, rate, order), x)


def highpass(x: np.ndarray, cutoff: float, rate: int, order: int = 2) -> np.ndarray:
    return sosfilt(_sos("high", round(cutoff, 1), 0.0, rate, order), x)


def bandpass(x: np.ndarray, low: float, high: float, rate: int, order: int = 2) -> np.ndarray:
    return sosfilt(_sos("band", round(low, 1), round(high, 1), rate, order), x)


def _snap(freq: float | None) -> float | None:
    """Round a band edge to a 1/12-octave grid so filtered-noise tables can be shared."""
    return None if freq is None else float(2 ** (round(np.log2(max(freq, 10.0)) * 12) / 12))


@lru_cache(maxsize=256)
def _band_table(low: float | None, high: float | None, rate: int) -> np.ndarray:
    """Two seconds of fixed-seed noise filtered to [low, high] Hz (either may be None), unit RMS."""
    x = (np.random.default_rng(12345).random(2 * rate) - 0.5) * 3.4641016
    if low is not None and high is not None:
        x = bandpass(x, low, high, rate)
    elif low is not None:
        x = highpass(x, low, rate)
    elif high is not None:
        x = lowpass(x, high, rate)
    return x[rate // 10 :]  # drop the filter's start-up; keep the level filtering white noise gives


def band_noise(v: Voice, samples: int, low: float | None, high: float | None) -> np.ndarray:
    """Short band-limited noise, (samples,): a random slice of a shared filtered-noise table, which for
    the thousands of short grains and hits is far cheaper than filtering fresh noise each time.
    Same level as ``bandpass(noise(v, samples), low, high, v.rate)``."""
    table = _band_table(_snap(low), _snap(min(high, v.rate * 0.45)) if high else None, v.rate)
    if samples >= len(table):
        return np.resize(table, samples)
    start = int(v.rng.integers(0, len(table) - samples))
    return table[start : start + samples].copy()


def noise(v: Voice, samples: int | None = None) -> np.ndarray:
    """White noise of unit variance (uniform, which is several times faster than Gaussian), (samples,)."""
    n = samples if samples is not None else v.samples
    return (v.rng.random(n) - 0.5) * 3.4641016


# Paul Kellet's three-pole pinking filter: -3 dB per octave within 0.05 dB over the audio band.
_PINK_B = [0.049922035, -0.095993537, 0.050612699, -0.004408786]
_PINK_A = [1.0, -2.494956002, 2.017265875, -0.522189400]


def pink(v: Voice, samples: int | None = None) -> np.ndarray:
    """Pink (1/f) noise, roughly unit RMS, (samples,)."""
    return lfilter(_PINK_B, _PINK_A, noise(v, samples)) * 8.0


def smooth_random(v: Voice, rate_hz: float, samples: int | None = None, depth: float = 1.0) -> np.ndarray:
    """A slowly wandering control signal around 1.0 (e.g. wind gusts), (samples,)."""
    n = samples if samples is not None else v.samples
    points = max(4, int(n / v.rate * rate_hz) + 4)
    knots = v.rng.standard_normal(points)
    fine = np.interp(np.linspace(0, points - 1, points * 16), np.arange(points), knots)
    fine = np.convolve(fine, np.hanning(17) / np.hanning(17).sum(), mode="same")  # round off the corners
    curve = np.interp(np.linspace(0, len(fine) - 1, n), np.arange(len(fine)), fine)
    curve = curve / (np.std(curve) + 1e-9)
    return np.clip(1.0 + depth * 0.5 * curve, 0.0, None)


def decay(samples: int, rate: int, seconds: float, attack: float = 0.001) -> np.ndarray:
    """Exponential decay to -60 dB after ``seconds`` with a short linear attack, (samples,)."""
    t = np.arange(samples) / rate
    env = np.exp(-6.9 * t / max(seconds, 1e-4))
    a = max(1, int(attack * rate))
    env[:a] *= np.linspace(0, 1, a, endpoint=False)
    return env


def modal(v: Voice, freqs, decays, amps, seconds: float) -> np.ndarray:
    """A bank of damped sinusoids (modal synthesis of a struck object), (samples,).

    ``freqs`` in Hz, ``decays`` in seconds to -60 dB, ``amps`` linear; all length modes.
    """
    n = int(seconds * v.rate)
    impulse = np.zeros(n)
    if n == 0:
        return impulse
    impulse[0] = 1.0
    out = np.zeros(n)
    nyq = v.rate * 0.45
    for f, d, a in zip(freqs, decays, amps, strict=False):
        if f >= nyq:
            continue
        # a two-pole resonator rings as r**t * sin(w t): the same damped sinusoid, far cheaper than sin * exp
        w = 2 * np.pi * f / v.rate
        r = np.exp(-6.9 / (d * v.rate))
        out += lfilter([a * np.sin(w)], [1.0, -2 * r * np.cos(w), r * r], impulse)
    return out


def tone(freq: np.ndarray | float, samples: int, rate: int, phase: float = 0.0) -> np.ndarray:
    """A sine whose frequency may glide (``freq`` scalar or (samples,)), (samples,)."""
    return harmonics(freq, samples, rate, [1.0], phase)


def cycles(freq: np.ndarray | float, samples: int, rate: int) -> np.ndarray:
    """Turns completed by an oscillator at ``freq`` Hz (scalar or (samples,)) after each sample, (samples,)."""
    if np.ndim(freq) == 0:
        return np.arange(1, samples + 1) * (float(freq) / rate)
    return np.cumsum(np.asarray(freq, dtype=np.float64)) / rate


@lru_cache(maxsize=512)
def _table(partials: tuple[tuple[int, float], ...]) -> np.ndarray:
    """One cycle of the sum of harmonics [(k, amplitude), ...], (TABLE_SIZE,)."""
    if partials == ((1, 1.0),):
        return _SINE
    grid = 2 * np.pi * np.arange(TABLE_SIZE) / TABLE_SIZE
    return sum((a * np.sin(k * grid) for k, a in partials), np.zeros(TABLE_SIZE))


def harmonics(freq: np.ndarray | float, samples: int, rate: int, amps, phase: float = 0.0) -> np.ndarray:
    """Additive tone by wavetable: harmonic k has amplitude ``amps[k-1]``; partials that would pass
    0.45 * rate at the highest frequency are dropped. ``freq`` scalar or (samples,)."""
    if samples <= 0:
        return np.zeros(0)
    top = float(np.max(freq))
    keep = [(k, a) for k, a in enumerate(amps, start=1) if a and k * top < rate * 0.45]
    scale = max((abs(float(a)) for _, a in keep), default=1.0) or 1.0
    table = _table(tuple((k, round(float(a) / scale, 2)) for k, a in keep)) * scale  # 1 % steps share tables
    turns = cycles(freq, samples, rate) + phase / (2 * np.pi)
    index = (turns * TABLE_SIZE).astype(np.int64) & (TABLE_SIZE - 1)
    return table[index]


def place(out: np.ndarray, event: np.ndarray, start: int, gain: float = 1.0) -> None:
    """Add ``event`` into ``out`` at sample ``start`` (clipped at both ends), in place."""
    if start >= len(out) or start + len(event) <= 0:
        return
    lo = max(0, -start)
    hi = min(len(event), len(out) - start)
    out[start + lo : start + hi] += gain * event[lo:hi]


def poisson_times(v: Voice, per_second: float, start: float = 0.0) -> np.ndarray:
    """Random event times (s) of a Poisson process over the voice's length."""
    mean = per_second * v.seconds
    count = int(v.rng.poisson(max(mean, 0.0)))
    return np.sort(v.rng.uniform(start, v.seconds, count))


def regular_times(v: Voice, interval: float, first: float = 0.05, swing: float = 0.0) -> np.ndarray:
    """Evenly spaced times (s), ``count`` of them if the prompt gave one, with optional random swing."""
    interval = interval / max(v.speed, 1e-3)
    if v.count:
        times = first + interval * np.arange(v.count)
    else:
        times = np.arange(first, v.seconds, interval)
    if swing:
        times = times + v.rng.normal(0, swing * interval, len(times))
    return np.clip(times, 0, None)


def normalize_peak(x: np.ndarray, peak: float = 1.0) -> np.ndarray:
    m = float(np.max(np.abs(x))) if x.size else 0.0
    return x * (peak / m) if m > 0 else x
