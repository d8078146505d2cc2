"""People: applause (a few near clappers in their own rhythm over a dense far field), one person clapping,
crowd chatter (many formant-shaped voices with jittered pitch and syllable rhythm) and cheering.

Hand claps are short noise bursts through a cupped-hand resonance (0.7-2 kHz, each person their own);
voices are glottal pulse trains with pitch jitter through vowel formants, so nothing is a steady tone.
Returns (voice.samples,) float64.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.signal import lfilter, oaconvolve

from pipelines.sfx.synth.core import Voice, band_noise, bandpass, decay, harmonics, highpass, lowpass, pink, place
from pipelines.sfx.synth.nature import grains


def clap_kernel(v: Voice, resonance: float, seconds: float = 0.02) -> np.ndarray:
    """One hand clap: a noise burst (1 ms attack, ~8 ms decay) ringing the cupped-hand cavity at ``resonance`` Hz."""
    n = int(seconds * v.rate)
    burst = band_noise(v, n, 300, 9000) * decay(n, v.rate, 0.012, 0.0004)
    w = 2 * np.pi * resonance / v.rate
    r = np.exp(-np.pi * resonance / 3 / v.rate)  # Q about 3: the cupped palm's pop, short of a ring
    ring = lfilter([1 - r], [1, -2 * r * np.cos(w), r * r], burst)
    return burst + ring * 1.5


def applause(v: Voice) -> np.ndarray:
    """Applause: a dense granular cluster of hand claps. Each person claps 2-5 times a second in their own
    rhythm, and every clap is a 1 ms noise burst ringing that person's own cupped-hand cavity (1-3 kHz; no
    two people's hands alike), of widely varied loudness (near hands stand out of the blur); the hall's
    diffuse wash of all the claps fills the gaps, as in any recording of an audience."""
    people = max(1, int(v.params.get("people", 40) * v.intensity))
    kernels = [clap_kernel(v, f, 0.04) for f in np.exp(v.rng.uniform(np.log(1000), np.log(3000), people))]
    times, amps, which = [], [], []
    for person in range(people):
        rate = v.rng.uniform(2.0, 5.0) * v.speed
        n = int(v.seconds * rate) + 1
        t = v.rng.uniform(0, 1 / rate) + np.arange(n) / rate + v.rng.normal(0, 0.012, n)
        times.append(t)
        amps.append(np.full(n, np.exp(v.rng.normal(0, 0.7))) * v.rng.uniform(0.7, 1.0, n))
        which.append(np.full(n, person))
    t_all = np.concatenate(times)
    keep = (t_all >= 0) & (t_all < v.seconds - 0.05)
    claps = grains(v, t_all[keep], kernels, np.concatenate(amps)[keep], np.concatenate(which)[keep])
    wash = bandpass(pink(v), 800, 6000, v.rate) * float(np.std(claps)) * 0.8
    return highpass(claps + wash, 400, v.rate)


def clapping(v: Voice) -> np.ndarray:
    """One person clapping: steady sharp claps, about three a second (or ``count``)."""
    out = np.zeros(v.samples)
    kernel_f = v.rng.uniform(900, 1500)
    period = 0.33 / v.speed
    times = 0.05 + period * np.arange(v.count) if v.count else np.arange(0.05, v.seconds, period)
    for t in times + v.rng.normal(0, 0.01, len(times)):
        place(
            out,
            clap_kernel(v, kernel_f * v.rng.uniform(0.95, 1.05), 0.05),
            int(max(t, 0) * v.rate),
            v.rng.uniform(0.8, 1.0),
        )
    return out


VOWELS = [
    [(730, 90), (1090, 110), (2440, 170)],
    [(270, 60), (2290, 200), (3010, 250)],
    [(530, 80), (1840, 150), (2480, 200)],
    [(570, 80), (840, 100), (2410, 170)],
    [(440, 70), (1020, 110), (2240, 170)],
    [(300, 60), (870, 90), (2240, 170)],
    [(660, 90), (1720, 150), (2410, 170)],
]


def _formant_bank(x: np.ndarray, formants: list[tuple[float, float]], rate: int) -> np.ndarray:
    out = np.zeros_like(x)
    for centre, bw in formants:
        r = np.exp(-np.pi * bw / rate)
        w = 2 * np.pi * centre / rate
        out += lfilter([1 - r], [1, -2 * r * np.cos(w), r * r], x)
    return out


def talker(v: Voice, samples: int, f0: float, loud: float = 1.0, shout: bool = False) -> np.ndarray:
    """One person talking (or shouting): syllables of a jittered glottal pulse train through changing vowels,
    with breaths and pauses, (samples,)."""
    out = np.zeros(samples)
    t = v.rng.uniform(0, 0.4)
    while t < samples / v.rate:
        syl = v.rng.uniform(0.12, 0.28) * (2.5 if shout else 1.0)
        n = int(syl * v.rate)
        k = np.arange(n) / v.rate
        contour = (
            f0 * (1 + v.rng.uniform(-0.15, 0.2) * k / syl) * (1 + 0.02 * v.rng.standard_normal(n).cumsum() / np.sqrt(n))
        )
        phase = np.cumsum(contour) / v.rate
        pulses = np.diff(np.floor(phase), prepend=0.0) * (1 + 0.1 * v.rng.standard_normal(n))  # glottal clicks
        source = lfilter([1.0], [1.0, -0.96], pulses) + 0.04 * v.rng.standard_normal(n)  # tilted, breathy
        vowel = VOWELS[int(v.rng.integers(len(VOWELS)))]
        voiced = _formant_bank(source, vowel, v.rate)
        env = np.sin(np.pi * np.minimum(k / syl, 1.0)) ** (0.5 if shout else 0.8)
        place(out, voiced * env, int(t * v.rate), loud * v.rng.uniform(0.5, 1.0))
        t += syl + v.rng.uniform(0.02, 0.12) + (v.rng.uniform(0.3, 0.9) if v.rng.random() < 0.12 else 0.0)
    return out


def crowd(v: Voice) -> np.ndarray:
    """A crowd talking: a few nearby talkers over many blurred ones, plus room murmur."""
    voices = int(v.params.get("voices", 14))
    out = np.zeros(v.samples)
    for i in range(voices):
        f0 = v.rng.uniform(95, 135) if v.rng.random() < 0.5 else v.rng.uniform(170, 250)
        near = i < 3
        out += talker(v, v.samples, f0, 1.0 if near else 0.35)
    return highpass(out, 120, v.rate) + 0.02 * bandpass(pink(v), 200, 3000, v.rate) * np.std(out) * 20


@lru_cache(maxsize=4)
def _venue(rate: int) -> np.ndarray:
    """A venue's reverberation: 1.5 s of exponentially decaying noise, highs above 4 kHz absorbed, unit
    energy, fixed seed (the same request gives the same bytes), (samples,)."""
    n = int(1.5 * rate)
    ir = np.random.default_rng(7).standard_normal(n) * np.exp(-6.9 * np.arange(n) / rate / 1.5)
    ir = lowpass(ir, 4000, rate)
    return ir / float(np.sqrt(np.sum(ir**2)))


def _unit(x: np.ndarray) -> np.ndarray:
    return x / (float(np.std(x)) + 1e-12)


def cheering(v: Voice) -> np.ndarray:
    """A crowd cheering (a goal, the end of a song): a hundred people whooping and yelling at once ("woo!",
    "yeah!"), each voice at its own raised pitch (400-900 Hz, where a shouted rounded vowel carries nearly all
    its energy in the fundamental) gliding up and falling back over a third of a second to a second, with a
    little breath; hundreds of unsynchronised glides sum to a voiced roar with no common pitch or pulse. The
    venue's reverberation carries them, and the crowd claps."""
    out = np.zeros(v.samples)
    for _ in range(int(100 * v.intensity)):
        start = v.rng.uniform(-0.3, v.seconds)
        m = int(v.rng.uniform(0.3, 1.2) / v.speed * v.rate)
        k = np.arange(m) / m
        f0 = np.exp(v.rng.uniform(np.log(400), np.log(900))) / v.size**0.3
        glide = (
            f0 * (1 + 0.4 * np.sin(0.8 * np.pi * k) - 0.2 * k) * (1 + 0.01 * np.sin(2 * np.pi * 5.5 * k * m / v.rate))
        )
        whoop = harmonics(glide, m, v.rate, [1 / h**2 for h in range(1, 10)], phase=v.rng.uniform(0, 2 * np.pi))
        whoop += 0.1 * band_noise(v, m, 500, 5000)
        place(out, whoop * np.sin(np.pi * k) ** 0.5, int(start * v.rate), v.rng.uniform(0.2, 1.0))
    hall = oaconvolve(out, _venue(v.rate))[: v.samples]
    voices = 0.8 * _unit(out) + 0.2 * _unit(hall)
    return _unit(voices) + 0.6 * _unit(applause(v))


RECIPES = {"applause": applause, "clapping": clapping, "crowd": crowd, "cheering": cheering}
