"""Household and office machines and small chimes: a sewing machine, a printer, wind chimes, sleigh bells.

Machines are a motor's hum plus the mechanism it drives (a needle bar, a print head) as clatter at the
mechanism's rate; chimes are free-free metal tubes (modal ratios 1 : 2.76 : 5.40 : 8.93) struck at random.
Returns (voice.samples,) float64.
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
    modal,
    noise,
    pink,
    place,
    poisson_times,
    smooth_random,
)
from pipelines.sfx.synth.nature import grains


def _unit(x: np.ndarray) -> np.ndarray:
    return x / (float(np.std(x)) + 1e-12)


def sewing_machine(v: Voice) -> np.ndarray:
    """A sewing machine, in runs with short stops as the foot comes off the pedal: each turn of the hand wheel
    (about 12 stitches a second) the needle bar comes down (a low thunk) and the take-up lever clicks; the
    motor hums at twice the mains frequency and whirs, both swelling once a turn with the needle bar's load;
    the hook, feed dogs and linkage tick densely in time with the turn."""
    n = v.samples
    t = np.arange(n) / v.rate
    running = lowpass((np.sin(2 * np.pi * t / 2.2 * v.speed + 1.0) > -0.6).astype(float), 8, v.rate, 1)
    stitch_hz = 12.0 * v.speed
    load = np.cos(2 * np.pi * ((t * stitch_hz) % 1.0))  # the needle bar's stroke, once a turn
    hum = harmonics(np.full(n, 120.0), n, v.rate, [1, 0.8, 0.6, 0.5, 0.4, 0.3, 0.25, 0.2]) * (1 + 0.3 * load)
    whir = bandpass(noise(v), 200, 3000, v.rate) * (0.6 + 0.4 * load)
    m = int(0.008 * v.rate)
    tick = [band_noise(v, m, 1500, 8000) * decay(m, v.rate, 0.004, 0.0002) for _ in range(4)]
    times = poisson_times(v, 150)
    times = times[v.rng.random(len(times)) < 0.5 + 0.5 * np.cos(2 * np.pi * ((times * stitch_hz) % 1.0))]
    ticks = grains(v, times, tick)
    stitches = np.zeros(n)
    m = int(0.03 * v.rate)
    for s in np.arange(0.1, v.seconds, 1 / stitch_hz):
        if running[min(int(s * v.rate), n - 1)] > 0.5:
            click = band_noise(v, m, 1000, 8000) * decay(m, v.rate, 0.012, 0.0003)
            thunk = band_noise(v, m, 150, 900) * decay(m, v.rate, 0.02, 0.001)
            place(stitches, click + thunk, int(s * v.rate), v.rng.uniform(0.7, 1.0))
    return running * (0.3 * _unit(hum) + 0.3 * _unit(whir) + 0.5 * _unit(ticks)) + 2 * _unit(stitches)


def printer(v: Voice) -> np.ndarray:
    """A printer: the print head's carriage sweeps across the page and back (half a second a pass), driven by a
    stepper motor whose step rate (about 1.2 kHz) sings as a buzzy whine that ramps up, cruises and ramps down
    with the carriage, its belt and gears grinding at the tooth rate; a clunk as the carriage stops and
    reverses; between passes the paper-feed motor hums briefly as it advances the page; plastic gears and
    paper guides tick throughout."""
    n = v.samples
    t = np.arange(n) / v.rate
    sweep, feed = 0.5 / v.speed, 0.25 / v.speed
    step_hz = 1200.0 * v.rng.uniform(0.92, 1.08) / v.size**0.3
    phase = t % (sweep + feed)
    passing = phase < sweep
    u = np.clip(phase / sweep, 0, 1)
    speed = lowpass(np.minimum(1, np.minimum(u, 1 - u) / 0.12) * passing, 40, v.rate, 1)  # trapezoid profile
    f = step_hz * np.maximum(speed, 0.05)
    whine = harmonics(f, n, v.rate, [1, 0.5, 0.35, 0.2, 0.15, 0.1]) * np.clip(speed, 0, 1) ** 0.5
    whine *= 1 + 0.5 * harmonics(f / 4, n, v.rate, [1.0])  # a stepper's whole steps: a buzz, not a pure tone
    gears = bandpass(noise(v), 500, 6000, v.rate) * speed * (0.5 + 0.5 * harmonics(f / 8, n, v.rate, [1.0]))
    feeding = lowpass((~passing).astype(float), 30, v.rate, 1)
    feed_hz = 420.0 * v.rng.uniform(0.9, 1.1)
    paper = harmonics(np.full(n, feed_hz), n, v.rate, [1, 0.7, 0.5, 0.3, 0.2]) * 0.5
    paper += bandpass(noise(v), 300, 4000, v.rate) * (0.5 + 0.5 * harmonics(np.full(n, feed_hz / 6), n, v.rate, [1.0]))
    m = int(0.01 * v.rate)
    ticks = grains(v, poisson_times(v, 30), [band_noise(v, m, 2000, 9000) * decay(m, v.rate, 0.004, 0.0002)] * 4)
    out = _unit(whine) + _unit(gears) + 0.5 * _unit(paper * feeding) + 0.3 * _unit(ticks)
    m = int(0.05 * v.rate)
    for s in np.arange(0, v.seconds, sweep + feed):
        for stop in (s, s + sweep):
            place(out, band_noise(v, m, 150, 3000) * decay(m, v.rate, 0.03, 0.0005) * 3, int(stop * v.rate))
    return out


TUBE = [1.0, 2.76, 5.40, 8.93]


def wind_chimes(v: Voice) -> np.ndarray:
    """Wind chimes: metal tubes tuned to a pentatonic set, knocked at random as gusts swing the clapper,
    ringing for seconds, over a light breeze."""
    out = np.zeros(v.samples)
    base = v.rng.uniform(700, 1000) / v.size**0.5
    notes = [base * r for r in (1.0, 1.125, 1.25, 1.5, 1.667, 2.0)]
    gust = smooth_random(v, 0.4, depth=1.5)
    for t in poisson_times(v, 4.0 * v.speed):
        if v.rng.random() > gust[min(int(t * v.rate), v.samples - 1)] * 0.7:
            continue
        f = notes[int(v.rng.integers(len(notes)))]
        freqs = [f * r for r in TUBE] + [f * r * 1.004 for r in TUBE]  # each mode a close pair: the beating shimmer
        ring = modal(v, freqs, [7.0, 3.0, 1.5, 0.8] * 2, [1, 0.6, 0.4, 0.2] * 2, min(4.0, v.seconds))
        place(out, ring, int(t * v.rate), v.rng.uniform(0.3, 1.0))
    return out + 0.02 * bandpass(pink(v), 300, 3000, v.rate) * gust


def sleigh_bells(v: Voice) -> np.ndarray:
    """Sleigh bells: a strap of tiny pellet bells shaken about four times a second. Each shake throws the pellets
    about inside their shells: a dense shower of small metallic hits (each shell ringing briefly at its own
    high, inharmonic modes) that swells on the shake and never quite stops between shakes, with a little
    hiss of the pellets rolling, rather than a tune of clean pings on the beat."""
    n = v.samples
    t = np.arange(n) / v.rate
    period = 0.25 / v.speed
    phase = ((t - v.rng.uniform(0, period)) / period) % 1.0
    shake = 0.5 + 0.5 * np.exp(-phase / 0.25)  # each shake a swell, the strap never still
    shells = [v.rng.uniform(2500, 7000) for _ in range(10)]
    kernels = []
    for f in shells:
        m = int(0.12 * v.rate)
        ring = modal(v, [f, f * 1.47, f * 2.09, f * 2.56], [0.08, 0.06, 0.04, 0.03], [1, 0.7, 0.5, 0.3], m / v.rate)
        ring[: int(0.001 * v.rate)] += band_noise(v, int(0.001 * v.rate), 3000, None) * 0.5
        kernels.append(ring)
    times = poisson_times(v, 300 * v.speed)
    keep = v.rng.random(len(times)) < shake[np.minimum((times * v.rate).astype(int), n - 1)]
    times = times[keep]
    out = np.zeros(n)
    for time in times:
        place(out, kernels[int(v.rng.integers(len(kernels)))], int(time * v.rate), v.rng.uniform(0.2, 1.0))
    hiss = bandpass(noise(v), 3000, 9000, v.rate) * shake * float(np.std(out)) * 0.3
    return out + hiss


RECIPES = {
    "sewing_machine": sewing_machine,
    "printer": printer,
    "wind_chimes": wind_chimes,
    "sleigh_bells": sleigh_bells,
}


def doorbell(v: Voice) -> np.ndarray:
    """A doorbell: "ding-dong", a solenoid striking two tuned metal bars (free-free bar modes 1 : 2.76 : 5.40)
    that ring for a couple of seconds; rung again after a pause over long clips, or ``count`` times."""
    out = np.zeros(v.samples)
    notes = v.params.get("notes", [659.3, 523.3])
    rings = v.count or max(1, int(v.seconds / 3.5))
    for r in range(rings):
        for i, f in enumerate(notes):
            ring = modal(v, [f, f * 2.76, f * 5.40], [2.5, 1.0, 0.4], [1, 0.4, 0.15], min(3.0, v.seconds))
            m = int(0.004 * v.rate)
            ring[:m] += 0.3 * band_noise(v, m, 2000, None)
            place(out, ring, int((0.2 + r * 3.5 + i * 0.6 / v.speed) * v.rate), 0.8)
    return out


def bicycle_bell(v: Voice) -> np.ndarray:
    """A bicycle bell: the thumb lever trills a domed bell (about 15 strikes a second for half a second), twice
    unless counted, each strike ringing on."""
    out = np.zeros(v.samples)
    f = v.vary(2600, 0.2) / v.size**0.5
    for b in range(v.count or 2):
        for s in np.arange(0.0, 0.5, 1 / 15):
            ring = modal(v, [f, f * 1.52, f * 2.61], [1.0, 0.6, 0.4], [1, 0.5, 0.3], min(1.5, v.seconds))
            place(out, ring, int((0.2 + b * 0.9 + s + v.rng.normal(0, 0.005)) * v.rate), v.rng.uniform(0.6, 1.0))
    return out


RECIPES.update({"doorbell": doorbell, "bicycle_bell": bicycle_bell})
