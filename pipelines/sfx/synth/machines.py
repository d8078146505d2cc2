"""Engines, vehicles, aircraft, trains, sirens, alarms, phones and power tools.

Engines are firing pulses at the crank rate through body resonances; sirens and alarms are
swept or gated tones; tools are motors (harmonic whines) under load. Returns (voice.samples,).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.signal import lfilter

from pipelines.sfx.synth.core import (
    TABLE_SIZE,
    Voice,
    band_noise,
    bandpass,
    cycles,
    decay,
    harmonics,
    lowpass,
    noise,
    pink,
    place,
    regular_times,
    smooth_random,
    tone,
)


@lru_cache(maxsize=16)
def _pulse_table(width: float) -> np.ndarray:
    """One cycle of a firing pulse (a sin**2 bump over the first ``width`` of the cycle, then rest), (TABLE_SIZE,)."""
    frac = np.arange(TABLE_SIZE) / TABLE_SIZE
    return np.where(frac < width, np.sin(np.pi * frac / width) ** 2, 0.0)


def pulse_train(v: Voice, rate_hz: np.ndarray | float, width: float = 0.3) -> np.ndarray:
    """Periodic pulses at a (possibly time-varying) rate (samples,): the combustion strokes of an engine.
    Read from a one-cycle table, several times cheaper than evaluating the pulse shape per sample."""
    turns = cycles(rate_hz, v.samples, v.rate)
    return _pulse_table(width)[(turns * TABLE_SIZE).astype(np.int64) & (TABLE_SIZE - 1)]


def firing(v: Voice, rate_hz: np.ndarray, width: float = 0.3, spread: float = 0.35) -> tuple[np.ndarray, np.ndarray]:
    """Combustion strokes at a time-varying rate (samples,): each firing its own strength (``spread``) and
    a puff of exhaust noise with it, so an engine is heard as a machine, not a steady synthesizer tone.
    Returns (pressure pulses, exhaust noise), both (samples,)."""
    phase = cycles(rate_hz, v.samples, v.rate)
    cycle = phase.astype(np.int64)
    strength = np.clip(1 + spread * v.rng.standard_normal(int(cycle[-1]) + 2), 0.2, None) if len(cycle) else [1.0]
    pulses = _pulse_table(width)[(phase * TABLE_SIZE).astype(np.int64) & (TABLE_SIZE - 1)] * np.asarray(strength)[cycle]
    return pulses, noise(v) * pulses


def engine(v: Voice) -> np.ndarray:
    """A combustion engine: firing pulses at ``rpm`` through exhaust resonances. ``rev`` blips the throttle
    every 2.2 s: the revs climb in a third of a second and fall back over about a second, and the engine
    grows louder and the exhaust rasps harder while the throttle is open (a load change, not a pitch sweep)."""
    n = v.samples
    t = np.arange(n) / v.rate
    rpm = v.params.get("rpm", 900) / v.size**0.5 * v.intensity
    cylinders = v.params.get("cylinders", 4)
    fire_hz = rpm / 60 * cylinders / 2
    curve, throttle = np.ones(n), np.zeros(n)
    if v.params.get("rev"):
        phase = (t - 0.3) % (2.2 / v.speed)
        opening = np.clip(phase / 0.35, 0, 1) ** 1.5
        closing = np.exp(-np.clip(phase - 0.35, 0, None) / 0.45)
        throttle = np.where(phase < 0.35, opening, closing) * (t >= 0.3)
        curve = 1 + 1.8 * throttle
    fire_hz = fire_hz * curve * (1 + 0.01 * smooth_random(v, 3.0, depth=1.0))
    pulses = pulse_train(v, fire_hz, 0.35) * (1 + 0.2 * lowpass(noise(v), 60, v.rate)) * (1 + 0.6 * noise(v))
    body = lowpass(pulses, 900 * v.params.get("bright", 1.0), v.rate, 2) * 2
    body += 0.3 * bandpass(pulses, 1200, 3500, v.rate) * curve
    if v.params.get("rev"):  # exhaust rasp: noise gated by each firing, stronger with the throttle open
        body += bandpass(noise(v) * pulses, 400, 5000, v.rate) * (0.3 + throttle)
    rumble = lowpass(noise(v), 200, v.rate) * 0.3
    return (body - np.mean(body)) * (1 + 0.6 * throttle) + rumble


def car_pass(v: Voice) -> np.ndarray:
    """A car passing by: the engine's firing (each stroke its own strength, as in any real engine) and the tyres'
    roar, swelling and fading as 1/distance (spherical spreading) with a Doppler drop in pitch; at speed the
    engine carries over the tyres."""
    n = v.samples
    t = np.arange(n) / v.rate
    centre, speed = min(v.seconds / 2, 3.0), v.vary(25.0) * v.speed  # metres per second
    x = (t - centre) * speed
    dist = np.sqrt(x**2 + 9.0)
    doppler = 1 / (1 + (x / dist) * speed / 343)
    fire_hz = 2200 / 60 * 2 * doppler / v.size**0.5
    pulses, _ = firing(v, fire_hz, 0.35, 0.3)
    body = lowpass(pulses, 800, v.rate)
    tyres = bandpass(pink(v), 300, 3000, v.rate)
    mix = body / (float(np.std(body)) + 1e-12) + 0.3 * tyres / (float(np.std(tyres)) + 1e-12)
    return mix * (4.0 / dist)


def jet(v: Voice) -> np.ndarray:
    """A jet aircraft: a broad low roar, a tearing mid band and a turbine whine (the fan's blade-pass tone and
    its harmonics, clearly above the roar) whose pitch drops by Doppler as it passes slowly overhead."""
    n = v.samples
    t = np.arange(n) / v.rate
    span = max(v.seconds, 1e-3)
    swell = 0.4 + 0.6 * np.sin(np.pi * np.clip(t / span, 0, 1)) ** 2
    roar = lowpass(pink(v), 700 / v.size**0.5, v.rate, 2) * 2.0
    tear = bandpass(noise(v), 800, 3000, v.rate) * 0.25 * smooth_random(v, 4.0, depth=0.6)
    blade_hz = 1600 * (1 - 0.1 * np.tanh(4 * (t / span - 0.5)))  # approaching, overhead, going away
    whine = harmonics(blade_hz, n, v.rate, [0.5, 1.0, 0.3, 0.2]) * 0.12
    return (roar + tear + whine) * swell


def propeller(v: Voice) -> np.ndarray:
    """A propeller plane: a buzzing blade-rate drone with engine harmonics."""
    n = v.samples
    t = np.arange(n) / v.rate
    f = 90 / v.size**0.5 * (1 + 0.02 * np.sin(2 * np.pi * 0.2 * t))
    drone = harmonics(f, n, v.rate, [1, 0.8, 0.6, 0.5, 0.4, 0.3, 0.25, 0.2, 0.15, 0.1])
    return drone * 0.5 + lowpass(pink(v), 1000, v.rate) * 0.4


def helicopter(v: Voice) -> np.ndarray:
    """A helicopter: rotor blade slaps about five times a second over a turbine whine."""
    slaps = pulse_train(v, 5.5 * v.speed / v.size**0.3, 0.25)
    thump = lowpass(noise(v) * slaps, 400, v.rate) * 3 + bandpass(noise(v) * slaps, 500, 2000, v.rate) * 0.8
    whine = tone(np.full(v.samples, 1900.0), v.samples, v.rate) * 0.02
    return thump + whine + lowpass(pink(v), 300, v.rate) * 0.3


def _resonate(x: np.ndarray, modes: list[tuple[float, float, float]], rate: int) -> np.ndarray:
    """``x`` through parallel two-pole resonances [(Hz, bandwidth Hz, gain), ...] of unit peak gain, (samples,)."""
    out = np.zeros_like(x)
    for f, bw, a in modes:
        r = np.exp(-np.pi * bw / rate)
        w = 2 * np.pi * f / rate
        out += a * lfilter([1 - r], [1, -2 * r * np.cos(w), r * r], x)
    return out


def train(v: Voice) -> np.ndarray:
    """A train passing: rolling noise (rail roughness exciting the wheels' and rails' broad resonances, 650 Hz
    to 3.7 kHz) that swells as each bogie rolls by, a low body rumble, and the clickety-clack of each bogie's
    two axles over the rail joints, ringing the same wheels, one car every ``car`` seconds."""
    n = v.samples
    t = np.arange(n) / v.rate
    scale = v.rng.uniform(0.9, 1.1) / v.size**0.3
    modes = [(f * scale, f * 0.15, a) for f, a in ((650, 1.0), (1100, 0.8), (1800, 0.5), (2600, 0.35), (3700, 0.2))]
    car = v.params.get("car", 1.6) / v.speed
    first = v.rng.uniform(0, car)
    bogies = np.zeros(n)
    for centre in np.concatenate([np.arange(first, v.seconds + car, car) + dt for dt in (0.0, car * 0.78)]):
        lo, hi = np.searchsorted(t, [centre - 0.5 * car, centre + 0.5 * car])
        bogies[lo:hi] += np.exp(-0.5 * ((t[lo:hi] - centre) / (0.12 * car)) ** 2)
    rough = (0.6 + 0.4 * bogies / (bogies.max() + 1e-9)) * smooth_random(v, 3.0, depth=0.6)
    roll = _resonate(noise(v) * rough, modes, v.rate)
    level = float(np.std(roll)) + 1e-12
    rumble = lowpass(pink(v), 180, v.rate) * 0.5 * level / 0.3
    clacks = np.zeros(n)
    m = int(0.06 * v.rate)
    for t0 in np.arange(first, v.seconds, car):
        for dt in (0.0, 0.11, car * 0.78, car * 0.78 + 0.11):  # a bogie's two axles, then the next bogie's
            hit = band_noise(v, m, 200, 4000) * decay(m, v.rate, 0.04, 0.0005)
            place(clacks, hit, int((t0 + dt + v.rng.normal(0, 0.004)) * v.rate), v.rng.uniform(0.6, 1.0))
    clacks = _resonate(clacks, modes, v.rate) + lowpass(clacks, 250, v.rate) * 2
    out = roll + rumble + clacks * level / (float(np.std(clacks)) + 1e-12) * 0.5
    if v.params.get("horn"):
        out += train_horn(Voice(v.rng, v.rate, v.samples, v.size)) * 0.7
    return out


def train_horn(v: Voice) -> np.ndarray:
    """A train horn or steam whistle: a breathy major chord (1 : 1.26 : 1.5) that scoops up to pitch as the
    steam or air arrives, held for a second or so, twice unless counted."""
    out = np.zeros(v.samples)
    f = 500 / v.size**0.3
    for t in regular_times(v, 2.2) if v.count else [0.1, 2.0]:
        n = int(min(1.5, v.seconds - t) * v.rate)
        if n <= int(0.1 * v.rate):
            continue
        k = np.arange(n) / v.rate
        scoop = 1 - 0.06 * np.exp(-k / 0.08)
        chord = sum(harmonics(f * r * scoop, n, v.rate, [1 / h for h in range(1, 12)]) for r in (1.0, 1.26, 1.5))
        chord += band_noise(v, n, 500, 6000) * float(np.std(chord)) * 2  # the rush of steam through the bell
        env = np.minimum(1, k / 0.05) * np.minimum(1, (n - np.arange(n)) / (0.2 * v.rate))
        place(out, chord * env, int(t * v.rate))
    return out


def siren(v: Voice) -> np.ndarray:
    """An emergency siren: a wail sweeping 600-1400 Hz, or ``pattern`` "hilo" (two-tone) or "yelp" (fast)."""
    n = v.samples
    t = np.arange(n) / v.rate
    pattern = v.params.get("pattern", "wail")
    if pattern == "hilo":
        f = np.where((t * 0.9 * v.speed) % 1.0 < 0.5, 960.0, 770.0)
        f = lowpass(f, 30, v.rate, 1)
    elif pattern == "yelp":
        f = 700 + 700 * ((t * 3.0 * v.speed) % 1.0)
    else:
        f = 1000 + 400 * np.sin(2 * np.pi * 0.2 * v.speed * t - np.pi / 2)
    return harmonics(f / v.size**0.2, n, v.rate, [1, 0.35, 0.2, 0.1, 0.06])


def alarm(v: Voice) -> np.ndarray:
    """An alarm: ``style`` "beep" (alarm clock, 4 fast beeps per second), "bell" (fire bell) or "smoke"."""
    n = v.samples
    t = np.arange(n) / v.rate
    style = v.params.get("style", "beep")
    if style == "bell":
        out = np.zeros(n)
        for s in np.arange(0.02, v.seconds, 1 / 18):
            m = int(0.06 * v.rate)
            ring = sum(np.sin(2 * np.pi * f * np.arange(m) / v.rate) * a for f, a in ((1250, 1), (3400, 0.5)))
            place(out, ring * decay(m, v.rate, 0.05), int(s * v.rate))
        return out
    if style == "smoke":
        gate = ((t % 1.5) < 0.5).astype(float)
        return tone(3100.0, n, v.rate) * gate
    gate = ((t * 8 * v.speed) % 2 < 1) & ((t * v.speed) % 1.0 < 0.5)
    return harmonics(np.full(n, 2000.0), n, v.rate, [1, 0, 0.3, 0, 0.1]) * gate


def phone_ring(v: Voice) -> np.ndarray:
    """A telephone ringing: ``style`` "bell" (two bells hammered 20 times a second) or "digital" (a trill)."""
    n = v.samples
    t = np.arange(n) / v.rate
    cadence = ((t * v.speed) % 3.0 < 1.6).astype(float)
    if v.params.get("style") == "digital":
        f = np.where((t * 16) % 1.0 < 0.5, 1400.0, 1800.0)
        return tone(f, n, v.rate) * cadence
    out = np.zeros(n)
    for s in np.arange(0.02, v.seconds, 1 / 20):
        if cadence[min(int(s * v.rate), n - 1)]:
            m = int(0.08 * v.rate)
            k = np.arange(m) / v.rate
            ring = (np.sin(2 * np.pi * 1100 * k) + 0.6 * np.sin(2 * np.pi * 2900 * k)) * decay(m, v.rate, 0.08)
            place(out, ring, int(s * v.rate))
    return out


def motor(v: Voice) -> np.ndarray:
    """An electric motor tool (drill, blender, vacuum, fan): a harmonic whine over airflow noise.

    Params: ``hz`` (motor pitch), ``air`` (noise amount), ``load`` (pitch dips under load), ``hum`` (whine
    level), ``soft_air`` (the airflow as dark pink noise under this cutoff, Hz), ``grind`` (brush and gear noise), ``rough`` (the whine beaten at half the rotation rate by
    gear mesh and commutator: a tool, not a tone), ``bursts`` (trigger pulled and released: the motor spins
    up and down, its pitch with it).
    """
    n = v.samples
    t = np.arange(n) / v.rate
    hz = v.params.get("hz", 300) / v.size**0.4
    f = hz * (1 - v.params.get("load", 0.0) * smooth_random(v, 0.7, depth=0.5) * 0.2)
    f = f * (1 + 0.004 * smooth_random(v, 8.0, depth=2.0))  # brushes and bearings: the speed never sits still
    gate = None
    if v.params.get("bursts"):
        trigger = np.clip(np.sin(2 * np.pi * t / 2.5 * v.speed) * 3 + 1.5, 0, 1)
        gate = lowpass(trigger, 3, v.rate, 1)  # the rotor's inertia: a fraction of a second to spin up or down
        f = f * (0.35 + 0.65 * gate)
    whine = harmonics(f, n, v.rate, [1, 0.6, 0.45, 0.3, 0.25, 0.2, 0.15, 0.1])
    if v.params.get("rough"):
        whine *= 1 + v.params["rough"] * harmonics(f / 2, n, v.rate, [1.0])
    # gear and brush noise chopped at the rotation rate: rough and mechanical rather than a pure tone
    rotation = 0.5 + 0.5 * harmonics(f, n, v.rate, [1.0, 0.5])
    grind = bandpass(noise(v), 1500, 9000, v.rate) * rotation * v.params.get("grind", 1.0)
    soft = v.params.get("soft_air")
    air = bandpass(noise(v), 300, 8000, v.rate) * (0.0 if soft else v.params.get("air", 0.3) * 3)
    if v.params.get("blade_hz"):  # a fan's blades swish past: the airflow pulses at the blade rate
        air = lowpass(air, 2500, v.rate) * (1 + 0.5 * np.sin(2 * np.pi * v.params["blade_hz"] * t))
    out = whine * v.params.get("hum", 0.3) + air + grind * 0.6
    if soft:  # a fan's airflow: soft, dark pink noise pulsing at the blade rate, not the hiss of a nozzle
        swish = 1 + 0.4 * np.sin(2 * np.pi * v.params.get("blade_hz", 7.0) * t)
        out += lowpass(pink(v), soft, v.rate) * v.params.get("air", 0.3) * swish
    return out * gate if gate is not None else out


def chainsaw(v: Voice) -> np.ndarray:
    """A chainsaw: a two-stroke engine blipped from idle (about 55 firings a second) to full throttle (170)
    for each cut: a third of a second up, a second held, a fast drop; the raspy chain and the exhaust sound
    with the throttle open."""
    n = v.samples
    t = np.arange(n) / v.rate
    phase = (t - 0.2) % (2.0 / v.speed)
    held = np.where(phase < 1.3, 1.0, np.exp(-(phase - 1.3) / 0.2))
    throttle = lowpass(np.where(phase < 0.3, phase / 0.3, held) * (t >= 0.2), 8, v.rate, 1)
    hz = v.params.get("hz", 55) * (1 + 2.1 * throttle) * (1 + 0.02 * smooth_random(v, 6.0))
    pulses, exhaust = firing(v, hz, 0.25, 0.15)
    body = lowpass(pulses, 1500, v.rate) * 2 + 0.5 * bandpass(exhaust, 800, 6000, v.rate) * (0.4 + throttle)
    body += bandpass(noise(v), 2000, 8000, v.rate) * throttle * v.params.get("chain", 1.0)
    return (body - np.mean(body)) * (0.6 + 0.6 * throttle)


def small_engine(v: Voice) -> np.ndarray:
    """A small single-cylinder engine under load (lawn mower, generator): about ``hz`` uneven firings a
    second whose rate sags as the load (grass, a bump) comes and goes, exhaust puffs, the metal deck
    rattling with each firing and the blade's whoosh."""
    load = smooth_random(v, 0.8, depth=1.0)
    f = v.params.get("hz", 30.0) / v.size**0.5 * (1 - 0.15 * (load - 1)) * (1 + 0.01 * smooth_random(v, 8.0))
    pulses, exhaust = firing(v, f, 0.3, 0.25)
    body = lowpass(pulses, 700, v.rate) * 2 + bandpass(exhaust, 500, 5000, v.rate) * 0.8
    deck = bandpass(noise(v), 1500, 6000, v.rate) * pulses * 0.5
    whoosh = bandpass(noise(v), 200, 2000, v.rate) * 0.2 * load
    return body - np.mean(body) + deck + whoosh


def saw(v: Voice) -> np.ndarray:
    """A hand saw: rasping back-and-forth strokes of bright filtered noise."""
    n = v.samples
    t = np.arange(n) / v.rate
    stroke = np.abs(np.sin(np.pi * t * 1.6 * v.speed)) ** 0.7
    teeth = 1 + 0.8 * np.sin(2 * np.pi * (180 + 60 * stroke) * t)
    return bandpass(noise(v), 1500, 7000, v.rate) * stroke * teeth


def jackhammer(v: Voice) -> np.ndarray:
    """A jackhammer: the pneumatic piston drives the steel bit into concrete about 18 times a second, in runs
    of one to two and a half seconds while the operator leans on it. Every blow is different: a crunch of
    the bit biting concrete (0.8-8 kHz, 30 ms) over the thud the slab takes, each at its own strength; after
    each blow the spent air blasts out of the exhaust port; the compressor drones behind."""
    n = v.samples
    blows_hz = v.params.get("blows", 18.0) * v.speed / v.size**0.3
    t, runs = 0.05, []
    while t < v.seconds:
        run = v.rng.uniform(1.2, 2.5)
        k = np.arange(int(run * blows_hz)) / blows_hz
        runs.append(t + k + v.rng.normal(0, 0.003, len(k)))
        t += run + v.rng.uniform(0.15, 0.4)
    times = np.concatenate(runs)
    times = times[(times >= 0) & (times < v.seconds - 0.05)]
    m = int(0.045 * v.rate)
    blows, port = np.zeros(n), np.zeros(n)
    crunch, thud = decay(m, v.rate, 0.03, 0.0003), decay(m, v.rate, 0.04, 0.001) * 2
    open_s, open_n = 0.3 / blows_hz, int(0.4 / blows_hz * v.rate)
    for s in times:
        hit = band_noise(v, m, 800, 8000) * crunch + band_noise(v, m, None, 300) * thud
        place(blows, hit, int(s * v.rate), v.rng.uniform(0.6, 1.0))
        place(port, np.ones(open_n), int((s + open_s) * v.rate))
    level = float(np.std(blows))
    exhaust = bandpass(noise(v), 1000, 9000, v.rate) * lowpass(port, 80, v.rate) * 0.3
    drone = lowpass(pink(v), 250, v.rate) * 0.3
    return blows + (exhaust + drone) * level


def horn(v: Voice) -> np.ndarray:
    """A car horn: a harsh two-tone honk (about 420 and 510 Hz, buzzy), in an impatient short-short-long
    pattern repeated every second or two; ``count`` honks if given."""
    out = np.zeros(v.samples)
    pattern = [(0.3, 0.12)] * v.count if v.count else [(0.25, 0.1), (0.25, 0.1), (0.9, 0.0)]
    t = 0.1
    while t < v.seconds - 0.2:
        for length, gap in pattern:
            m = int(length * v.rate)
            honk = sum(
                harmonics(
                    np.full(m, f * (1 + 0.003 * v.rng.standard_normal())), m, v.rate, [1 / k**0.3 for k in range(1, 30)]
                )
                for f in (420, 510)
            )
            honk += 0.2 * band_noise(v, m, 300, 4000) * float(np.std(honk))
            env = np.minimum(1, np.arange(m) / (0.01 * v.rate)) * np.minimum(1, (m - np.arange(m)) / (0.02 * v.rate))
            place(out, honk * env, int(t * v.rate))
            t += length + gap
        if v.count:
            break
        t += v.rng.uniform(1.0, 2.0)
    return out


RECIPES = {
    "engine": engine,
    "car_pass": car_pass,
    "jet": jet,
    "propeller": propeller,
    "helicopter": helicopter,
    "train": train,
    "train_horn": train_horn,
    "siren": siren,
    "alarm": alarm,
    "phone_ring": phone_ring,
    "motor": motor,
    "chainsaw": chainsaw,
    "small_engine": small_engine,
    "saw": saw,
    "jackhammer": jackhammer,
    "horn": horn,
}
