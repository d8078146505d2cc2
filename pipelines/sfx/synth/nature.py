"""Weather, water and fire: filtered-noise beds plus granular drops, bubbles and crackles.

Each recipe takes a ``Voice`` and returns mono float64 of shape (voice.samples,).
"""

from __future__ import annotations

import numpy as np
from scipy.signal import sosfilt

from pipelines.sfx.synth.core import (
    Voice,
    band_noise,
    bandpass,
    decay,
    highpass,
    lowpass,
    modal,
    noise,
    pink,
    place,
    poisson_times,
    smooth_random,
)


def grains(
    v: Voice,
    times: np.ndarray,
    kernels: list[np.ndarray],
    amps: np.ndarray | None = None,
    which: np.ndarray | None = None,
) -> np.ndarray:
    """Scatter copies of a few short ``kernels`` at ``times`` (s), each with its own amplitude and kernel
    (``which``, random if not given), in one pass, (samples,)."""
    if len(times) == 0:
        return np.zeros(v.samples)
    amps = amps if amps is not None else v.rng.uniform(0.3, 1.0, len(times))
    width = max(len(k) for k in kernels)
    bank = np.zeros((len(kernels), width))
    for i, k in enumerate(kernels):
        bank[i, : len(k)] = k
    which = which if which is not None else v.rng.integers(0, len(kernels), len(times))
    starts = np.minimum((times * v.rate).astype(np.int64), v.samples - 1)
    positions = (starts[:, None] + np.arange(width)[None, :]).ravel()  # (events * width,)
    weights = (amps[:, None] * bank[which]).ravel()
    return np.bincount(positions, weights, minlength=v.samples + width)[: v.samples]


def bubble(v: Voice, freq: float, seconds: float = 0.03, rise: float = 0.6) -> np.ndarray:
    """A water-drop or bubble blip: a sine gliding upward as it decays (Minnaert resonance)."""
    n = int(seconds * v.rate)
    t = np.arange(n) / v.rate
    f = freq * (1 + rise * t / seconds)
    return np.sin(2 * np.pi * np.cumsum(f) / v.rate) * decay(n, v.rate, seconds, 0.0005)


def drippers(
    v: Voice, sources: int, low: float, high: float, seconds: float, rate_lo: float, rate_hi: float, kernel=None
) -> np.ndarray:
    """Many independent sources each ticking at its own slightly irregular rate (drops off edges, patter),
    which reads as rain far better than uniform random grains, (samples,)."""
    kernels, all_times, all_amps, owner = [], [], [], []
    for i in range(sources):
        if kernel is None:
            f = v.rng.uniform(low, high)
            n = int(seconds * 4 * v.rate)
            kernels.append(band_noise(v, n, f * 0.5, f * 2.0) * decay(n, v.rate, seconds, 0.0002))
        else:
            kernels.append(kernel(v))
        rate = v.rng.uniform(rate_lo, rate_hi) * v.speed
        t = np.arange(v.rng.uniform(0, 0.3), v.seconds, 1 / rate)
        all_times.append(np.clip(t + v.rng.normal(0, 0.01, len(t)), 0, max(v.seconds - 0.01, 0)))
        all_amps.append(v.rng.uniform(0.5, 1.0, len(t)) * v.rng.uniform(0.3, 1))
        owner.append(np.full(len(t), i))
    if not kernels:
        return np.zeros(v.samples)
    return grains(v, np.concatenate(all_times), kernels, np.concatenate(all_amps), np.concatenate(owner))


def rain(v: Voice) -> np.ndarray:
    """Rain: patter from many drip sources over a soft hiss; ``surface`` is "" (ground), "tin", "window"
    or "leaves"; ``heavy`` scales the density."""
    surface = v.params.get("surface", "")
    heavy = v.params.get("heavy", 1.0) * v.intensity
    sources = int(40 * heavy)
    bed = 0.15 * bandpass(pink(v), 1000, 8000, v.rate) * smooth_random(v, 0.3, depth=0.3)  # the far drops: a hiss
    if surface == "tin":

        def ping(vv: Voice) -> np.ndarray:
            f = vv.rng.uniform(1500, 3500)
            return modal(vv, [f, f * 2.32, f * 3.7], [0.05, 0.03, 0.02], [1, 0.6, 0.3], 0.06)

        return drippers(v, sources, 1500, 4000, 0.004, 5, 8) + 0.25 * drippers(v, 8, 0, 0, 0, 2, 4, ping) + bed
    if surface == "window":
        return drippers(v, sources, 2000, 5000, 0.003, 4, 8) + 0.7 * bed
    if surface == "leaves":
        return drippers(v, sources, 800, 3000, 0.008, 4, 7) + bed
    return drippers(v, sources, 1500, 4000, 0.004, 5, 8) + bed


def thunder(v: Voice) -> np.ndarray:
    """Thunder: rolls of rumble (kept above 60 Hz so it is heard on small speakers too) with crackling
    modulation; several claps over long durations; ``storm`` adds rain."""
    n = v.samples
    rumble = lowpass(pink(v), 500 / v.size**0.5, v.rate, 2) * 3
    env = np.zeros(n)
    every = v.vary(7.0) / v.speed
    claps = v.count or max(1, int(v.seconds / every + 0.5))
    for c in range(claps):
        start = 0.1 + c * every
        for s in (0.0, 0.8, 1.7, 2.9):
            place(env, decay(n, v.rate, 3.5 * v.size, 0.2) * v.rng.uniform(0.5, 1), int((start + s) * v.rate))
    out = rumble * env * smooth_random(v, 12.0, depth=1.5) ** 2
    if v.params.get("storm"):
        out = out + 0.5 * rain(v) * np.sqrt(np.mean(out**2)) / 0.05
    return out


def sweep_band(v: Voice, centre: np.ndarray, q: float = 3.0, block: float = 0.04) -> np.ndarray:
    """White noise through a band-pass whose centre (Hz, (samples,)) moves, block by block with carried
    state; centres snap to a 1/24-octave grid so the filter designs are cached."""
    from pipelines.sfx.synth.core import _sos

    x = noise(v)
    out = np.zeros_like(x)
    m = int(block * v.rate)
    zi = np.zeros((1, 2))
    for s in range(0, len(x), m):
        c = float(2 ** (round(np.log2(max(float(centre[s]), 20.0)) * 24) / 24))
        sos = _sos("band", round(c / (1 + 0.5 / q), 1), round(min(c * (1 + 0.5 / q), v.rate * 0.45), 1), v.rate, 1)
        out[s : s + m], zi = sosfilt(sos, x[s : s + m], zi=zi)
    return out


def wind(v: Voice) -> np.ndarray:
    """Wind: noise through a resonance that rises and falls with slow gusts; ``howl`` adds a whistle. Between
    gusts the air never quite stops (a floor of a third of the mean): a clip that happened to fall in a lull
    was heard as silence."""
    gust = 0.35 + 0.65 * smooth_random(v, 0.3 * v.speed, depth=1.4)
    out = sweep_band(v, 300 + 600 * gust, 3.0) * gust + 0.3 * lowpass(pink(v), 500, v.rate) * gust
    if v.params.get("howl"):
        out += 0.6 * sweep_band(v, 500 + 700 * gust, 12.0) * gust**2
    return out


def leaves(v: Voice) -> np.ndarray:
    """Rustling leaves: a breeze carrying bursts of bright crackly rustle in the gusts."""
    breeze = wind(v)
    gust = 0.35 + 0.65 * smooth_random(v, 0.5 * v.speed, depth=1.5)
    grain = highpass(noise(v), 2000, v.rate) * (v.rng.random(v.samples) < 0.05)
    rustle = lowpass(grain, 9000, v.rate) * gust**2
    return breeze + rustle * 3 * float(np.std(breeze)) / (float(np.std(rustle)) + 1e-9) * 0.3


def stream(v: Voice) -> np.ndarray:
    """A babbling stream: dense bubbles over a bright wash."""
    bed = bandpass(pink(v), 500, 6000, v.rate) * smooth_random(v, 2.0, depth=0.6) * 0.25
    # bubbles spread over the whole band on every seed: six low ones in a row read as hooves or an animal
    pitches = np.geomspace(350, 1800, 6) * v.rng.uniform(0.85, 1.15, 6)
    kernels = [bubble(v, f, v.rng.uniform(0.02, 0.06), 1.2) for f in pitches]
    return bed + grains(v, poisson_times(v, 70 * v.intensity * v.speed), kernels) * 0.5


def waterfall(v: Voice) -> np.ndarray:
    """A waterfall: a loud, steady broadband roar."""
    return lowpass(pink(v), 5000, v.rate) * smooth_random(v, 1.0, depth=0.15)


def waves(v: Voice) -> np.ndarray:
    """Ocean waves: a surge of roar every ``period`` seconds carrying a fizz of foam bubbles."""
    t = np.arange(v.samples) / v.rate
    if "period" in v.params:  # a shot's surf: each surge peaks on a break the picture shows
        period = float(v.params["period"])
        phase = ((t - float(v.params.get("first", 0.0))) / period + 0.25) % 1.0
    else:
        period = v.vary(5.0) / v.speed
        phase = (t / period + 0.7 + 0.1 * v.rng.uniform()) % 1.0
    surge = np.where(phase < 0.25, (phase / 0.25) ** 2, np.exp(-(phase - 0.25) * 4))
    return stream(v) * (0.3 + surge) + 0.5 * lowpass(pink(v), 1200 / v.size**0.5, v.rate) * surge


def drips(v: Voice) -> np.ndarray:
    """Water drips: sparse plinks at an irregular steady rate, each with a small cave-like echo."""
    out = np.zeros(v.samples)
    interval = 0.45 / v.speed
    t, made = 0.05, 0
    while t < v.seconds and (v.count is None or made < v.count):
        made += 1
        drop = bubble(v, v.vary(1200, 2) / v.size**0.5, 0.06, 1.5)
        place(out, drop, int(t * v.rate), v.rng.uniform(0.6, 1.0))
        t += interval * v.rng.uniform(0.6, 1.4)
    trickle = stream(v)
    return out + trickle * 0.15 * float(np.max(np.abs(out)) + 1e-9) / (float(np.max(np.abs(trickle))) + 1e-9)


def pour(v: Voice) -> np.ndarray:
    """Pouring liquid into a vessel: a gurgling stream whose resonance rises as it fills."""
    n = v.samples
    t = np.arange(n) / v.rate
    fill = np.clip(t / max(v.seconds, 1e-3), 0, 1)
    bed = bandpass(noise(v), 300, 3000, v.rate) * 0.3
    res_lo = bandpass(noise(v), 400, 900, v.rate) * (1 - fill)
    res_hi = bandpass(noise(v), 900, 2400, v.rate) * fill
    kernels = [bubble(v, f, 0.02, 0.8) for f in v.rng.uniform(500, 1500, 4)]
    bubbles = grains(v, poisson_times(v, 50), kernels) * 0.4
    body = (bed + res_lo + res_hi + bubbles) * smooth_random(v, 4.0, depth=0.4)
    return body * 0.5 + stream(v) * 2.0


def splash(v: Voice) -> np.ndarray:
    """Something hitting water: a noisy burst, then settling bubbles; ``count`` splashes."""
    out = np.zeros(v.samples)
    times = [0.05] if not v.count else [0.05 + 0.9 * i / v.speed for i in range(v.count)]
    length = min(v.seconds, 1.2 * v.size)
    n = int(length * v.rate)
    for s in times:
        burst = band_noise(v, n, 300 / v.size, 6000) * decay(n, v.rate, 0.5 * v.size, 0.005)
        kernels = [bubble(v, f, 0.04, 1.0) for f in v.rng.uniform(400, 1600, 3)]
        sub = Voice(v.rng, v.rate, n)
        tail = grains(sub, np.sort(v.rng.uniform(0.05, length, 25)), kernels) * decay(n, v.rate, length) * 0.5
        place(out, burst + tail, int(s * v.rate))
    return out


def fire(v: Voice) -> np.ndarray:
    """A fire: crackles with a heavy-tailed (Pareto) spread of loudness over a soft hiss and low roar."""
    kernels = []
    for f in v.rng.uniform(1500, 4000, 6):
        n = int(0.012 * v.rate)
        kernels.append(band_noise(v, n, f * 0.6, f * 1.6) * decay(n, v.rate, 0.008, 0.0003))
    times = poisson_times(v, 120 * v.intensity * v.speed)
    crackle = grains(v, times, kernels, np.minimum(0.1 + 0.3 * v.rng.pareto(1.5, len(times)), 3.0)) * 3
    roar = lowpass(pink(v), 250, v.rate) * smooth_random(v, 1.0, depth=0.8) * 0.1
    return crackle + roar + 0.1 * bandpass(noise(v), 800, 8000, v.rate)


def boiling(v: Voice) -> np.ndarray:
    """A rolling boil (a pot, a kettle): about 200 small vapour bubbles a second burst at the surface, each a
    short upward-gliding blip (Minnaert resonance, 500 Hz-3 kHz: small bubbles, spread over the band), over
    the churning wash of the water, which surges as the convection rolls, a faint low rumble of bubbles
    collapsing at the element, and the steam's hiss."""
    pitches = np.geomspace(500, 3000, 10) * v.rng.uniform(0.85, 1.15, 10)
    kernels = [bubble(v, f, v.rng.uniform(0.01, 0.03), 1.5) for f in pitches]
    surge = smooth_random(v, 4.0, depth=0.8)
    times = poisson_times(v, 200 * v.intensity * v.speed)
    pops = grains(v, times, kernels, v.rng.uniform(0.3, 1.0, len(times)) * surge[(times * v.rate).astype(int)])
    wash = bandpass(pink(v), 300, 5000, v.rate) * surge
    rumble = lowpass(pink(v), 300, v.rate) * surge
    hiss = bandpass(noise(v), 2500, 9000, v.rate)
    unit = [x / (float(np.std(x)) + 1e-12) for x in (pops, wash, rumble, hiss)]
    return unit[0] + 0.8 * unit[1] + 0.15 * unit[2] + 0.4 * unit[3]


def thunder_clap(v: Voice) -> np.ndarray:
    """One thunderclap that starts at sample 0 (sound for a shot: it lands where the picture says):
    a sharp crack for a near strike, then rolling rumble. ``distance_m`` (param) darkens and softens it."""
    distance = float(v.params.get("distance_m", 800.0))
    near = float(np.clip(1.0 - distance / 1500.0, 0.0, 1.0))
    n = v.samples
    length = min(n, int(v.vary(4.0) * v.rate))
    rumble = lowpass(pink(v, length), 250 + 500 * near, v.rate, 2) * 3
    rolls = decay(length, v.rate, 3.0 * v.size, 0.012)
    for s in np.sort(v.rng.uniform(0.4, 2.2, 3)):
        place(rolls, decay(length, v.rate, 2.0, 0.15) * v.rng.uniform(0.3, 0.7), int(s * v.rate))
    flutter = np.maximum(
        smooth_random(v, 10.0, length, depth=1.2) ** 2, 2.0 * np.exp(-np.arange(length) / (0.3 * v.rate))
    )  # the first roll comes with the crack
    crack_n = min(length, int(0.25 * v.rate))
    crack = np.zeros(length)
    crack[:crack_n] = (
        band_noise(v, crack_n, 400, 6000 if near > 0.5 else 2500) * decay(crack_n, v.rate, 0.18, 0.002) * (3 + 3 * near)
    )
    out = np.zeros(n)
    out[:length] = rumble * rolls * flutter + crack
    return out


def wave_crash(v: Voice) -> np.ndarray:
    """One wave breaking, starting at sample 0: a foamy burst of roar and a hissing, fizzing wash that runs out."""
    n = v.samples
    length = min(n, int(v.vary(3.0) * v.size * v.rate))
    burst = band_noise(v, length, 250, 7000) * decay(length, v.rate, 2.2, 0.03)
    body = lowpass(pink(v, length), 900 / v.size**0.5, v.rate) * decay(length, v.rate, 2.5, 0.05) * 1.5
    sub = Voice(v.rng, v.rate, length)
    kernels = [bubble(v, f, 0.03, 1.0) for f in v.rng.uniform(600, 2400, 4)]
    fizz = grains(sub, np.sort(v.rng.uniform(0.2, length / v.rate, 90)), kernels) * decay(length, v.rate, 2.5) * 0.4
    out = np.zeros(n)
    out[:length] = burst + body + fizz
    return out


RECIPES = {
    "rain": rain,
    "thunder": thunder,
    "wind": wind,
    "leaves": leaves,
    "stream": stream,
    "waterfall": waterfall,
    "waves": waves,
    "drips": drips,
    "pour": pour,
    "splash": splash,
    "fire": fire,
    "boiling": boiling,
    "thunder_clap": thunder_clap,
    "wave_crash": wave_crash,
}
