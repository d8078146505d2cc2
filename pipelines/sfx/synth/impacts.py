"""Struck, broken and stepped-on things by modal synthesis: glass, wood, metal, doors, footsteps, bells, tools.

A struck object rings at its mode frequencies, each decaying at its own rate; ``size`` lowers the
modes and lengthens decays, ``material`` swaps the mode set. Each recipe returns (voice.samples,).
"""

from __future__ import annotations

import numpy as np

from pipelines.sfx.synth.core import (
    Voice,
    band_noise,
    bandpass,
    decay,
    modal,
    place,
    poisson_times,
    regular_times,
)

# Mode ratios, decay (s) at the fundamental and how fast higher modes die, per material.
MATERIALS = {
    "wood": ([1.0, 2.57, 4.2, 6.1], 0.06, 1.6),
    "metal": ([1.0, 2.76, 5.40, 8.93, 13.3], 1.2, 0.7),
    "trinket": ([1.0, 2.76, 5.40, 8.93, 13.3], 1.2, 0.7),  # small metal things (keys, coins, type bars)
    "glass": ([1.0, 2.32, 4.25, 6.63], 0.6, 0.8),
    "plastic": ([1.0, 2.1, 3.9], 0.03, 1.5),
    "stone": ([1.0, 1.9, 3.3, 5.2], 0.03, 1.8),
}


def strike(v: Voice, material: str, freq: float, seconds: float | None = None, bright: float = 1.0) -> np.ndarray:
    """One hit on an object of ``material`` whose lowest mode is ``freq`` Hz: modes plus a contact click."""
    ratios, base_decay, fall = MATERIALS.get(material, MATERIALS["wood"])
    freq = v.vary(freq, 0.5) / v.size**0.7
    d0 = base_decay * v.size**0.8
    if material in ("trinket", "plastic"):  # small, high objects (keys, coins, type bars) are damped fast: a
        d0 *= min(1.0, 600.0 / freq) ** 0.9  # clink, not a tuning fork (bells keep ringing)
    decays = [d0 / (k + 1) ** fall for k in range(len(ratios))]
    amps = [bright**k * v.rng.uniform(0.5, 1.0) / (k + 1) ** 0.5 for k in range(len(ratios))]
    length = seconds if seconds is not None else min(3.0, max(decays) * 1.1 + 0.02)
    body = modal(v, [freq * r for r in ratios], decays, amps, length)
    n = len(body)
    click_n = min(n, int(0.004 * v.rate))
    click = np.zeros(n)
    click[:click_n] = band_noise(v, click_n, 1000, None) * decay(click_n, v.rate, 0.004)
    return body + 0.6 * bright * click


def _material(v: Voice, default: str) -> str:
    return v.material or default


def knock(v: Voice) -> np.ndarray:
    """Knocking on a door: groups of knuckle raps on a wooden panel (three, or ``count``), repeated after
    a pause over long durations unless a count was given."""
    out = np.zeros(v.samples)
    t0, per_group = (0.7 if v.count else 0.05), v.count or 3  # counted knocks after a breath, as one-shots are cut
    while t0 < v.seconds:
        for i in range(per_group):
            base = v.rng.uniform(180, 260) / v.size**0.7
            n = int(0.12 * v.size**0.5 * v.rate)
            ratios = (1, 1.7, 2.9, 4.3) if _material(v, "wood") == "wood" else MATERIALS["metal"][0]
            hit = modal(
                v, [base * r for r in ratios], [0.05 * v.size, 0.03, 0.02, 0.01], [1, 0.6, 0.4, 0.2], n / v.rate
            )
            hit += band_noise(v, n, 300, 3000) * decay(n, v.rate, 0.015, 0.0005) * 0.8
            place(out, hit, int((t0 + i * v.vary(0.22) / v.speed) * v.rate), v.rng.uniform(0.8, 1))
        if v.count:
            break
        t0 += v.rng.uniform(1.2, 1.8) / v.speed + per_group * 0.22
    return out


def creak(v: Voice) -> np.ndarray:
    """A creaking door or floorboard: stick-slip friction pulses through a resonant wooden body."""
    length = min(v.seconds, v.vary(1.8) * v.size / v.speed)
    n = int(length * v.rate)
    t = np.arange(n) / v.rate
    rate_hz = 40 + 40 * np.sin(np.pi * t / length) * v.rng.uniform(0.6, 1.4) + 10 * np.sin(2 * np.pi * 3 * t)
    phase = np.cumsum(rate_hz) / v.rate
    pulses = np.diff(np.floor(phase), prepend=0.0) * v.rng.uniform(0.5, 1.0, n)
    body = (
        bandpass(pulses, 500 / v.size, 900 / v.size, v.rate, 2) * 4
        + bandpass(pulses, 1400 / v.size, 2600 / v.size, v.rate, 2) * 2
    )
    env = np.sin(np.pi * t / length) ** 0.5
    out = np.zeros(v.samples)
    place(out, body * env, int(0.05 * v.rate))
    return out


def glass_clink(v: Voice) -> np.ndarray:
    """Glasses clinking (a toast) or a glass tapped: a bright ringing ping, twice unless counted."""
    out = np.zeros(v.samples)
    for t in regular_times(v, 0.9) if v.count else [0.05, 0.35]:
        place(out, strike(v, "glass", v.rng.uniform(1800, 2600), 1.2, 0.8), int(t * v.rate))
    return out


def wood_hit(v: Voice) -> np.ndarray:
    """Wooden thunks (a block, a stick, chopping): hollow, quickly damped knocks."""
    out = np.zeros(v.samples)
    for t in regular_times(v, 0.6) if (v.count or v.seconds > 1.5) else [0.05]:
        place(out, strike(v, _material(v, "wood"), 220, 0.4, 0.8), int(t * v.rate), v.rng.uniform(0.7, 1.0))
    return out


def metal_clang(v: Voice) -> np.ndarray:
    """A metal object struck or dropped: an inharmonic, long ringing clang."""
    out = np.zeros(v.samples)
    for t in regular_times(v, 1.5, 0.7) if v.count else [0.7]:  # after the one-shots' lead-in
        place(out, strike(v, _material(v, "metal"), 420, min(v.seconds, 3.0), 0.9), int(t * v.rate))
    return out


# A tuned church bell's partials relative to its nominal: hum, prime, tierce (minor third), quint, nominal,
# then the upper partials, as measured on cast bronze bells; each mode is a close doublet (the bell is not
# perfectly round), which gives the slow beating "wow" a real bell has.
BELL_RATIOS = [0.5, 1.0, 1.183, 1.506, 2.0, 2.514, 2.662, 3.011, 4.166, 5.433]
BELL_AMPS = [0.5, 0.8, 1.0, 0.5, 1.0, 0.5, 0.4, 0.4, 0.3, 0.2]


def bell(v: Voice) -> np.ndarray:
    """A bell tolling: bronze-bell partials in beating doublets, struck by a clapper (a short metallic
    noise), about every 2.5 s."""
    out = np.zeros(v.samples)
    f = v.vary(600) / v.size**0.3  # a bigger bell is lower, but still a bell, not a piano
    for t in regular_times(v, 2.5):
        freqs = [f * r for r in BELL_RATIOS] + [f * r * 1.003 for r in BELL_RATIOS]
        decays = [6 * v.size / (1 + 0.3 * k) for k in range(len(BELL_RATIOS))] * 2
        body = modal(v, freqs, decays, BELL_AMPS * 2, min(v.seconds, 6.0))
        m = min(len(body), int(0.05 * v.rate))
        body[:m] += 0.5 * band_noise(v, m, 500, 6000) * decay(m, v.rate, 0.03)
        place(out, body, int(t * v.rate))
    return out


def small_bell(v: Voice) -> np.ndarray:
    """A small bright bell (bicycle, shop, hand bell): quick repeated rings."""
    out = np.zeros(v.samples)
    times = (
        regular_times(v, 0.12) if v.count else np.concatenate([0.05 + 0.09 * np.arange(4), 1.2 + 0.09 * np.arange(4)])
    )
    for t in times[times < v.seconds]:
        place(out, strike(v, "metal", v.vary(2600, 0.2), 0.8, 0.6), int(t * v.rate), 0.7)
    return out


# Footstep surfaces: (sole band low, high Hz; the strike's decay s; the ball of the foot's level after the heel;
# grit: level, band low, high Hz, grains per step and their mean time after the strike s: dust scuffed on a hard
# floor, stones or snow shifting under the weight as it rolls over).
# A shoe's rubber sole is compliant: its contact lasts a few milliseconds, so the strike carries little above
# 1 kHz; what a microphone hears is a dull "tock" of the floor at 200-650 Hz and the faint scrape of the grit
# under the sole. Bright heel clicks, scuffs and grit louder than a whisper were heard as gunshots, cap guns,
# fireworks or an arrow (YAMNet), never as steps; without the grit, steps in a room were heard as knocking.
SURFACES = {
    "concrete": (263, 661, 0.02, 0.42, 0.02, 600, 3000, 50, 0.06),
    "wood": (200, 450, 0.03, 0.5, 0.02, 600, 3000, 50, 0.06),  # floorboards give: lower, a little longer
    "metal": (263, 661, 0.02, 0.42, 0.02, 600, 3000, 50, 0.06),
    "heels": (263, 661, 0.02, 0.42, 0.02, 600, 3000, 50, 0.06),
    "gravel": (250, 550, 0.025, 0.5, 0.03, 600, 3000, 40, 0.12),
    "snow": (250, 550, 0.025, 0.5, 0.07, 300, 1500, 60, 0.12),
    "grass": (250, 550, 0.025, 0.5, 0.03, 800, 3000, 30, 0.12),
}
RUNNING = 1.5  # a pace above this is running: the runner lands on the forefoot, one contact with no roll


def footstep(v: Voice, surface: str, running: bool) -> np.ndarray:
    """One footfall on ``surface`` (0.35 s,): the heel strike, the ball of the foot rolling down 65-95 ms later
    (walking only), and for loose ground a crunch of grains (stones or snow shifting) over 50-150 ms."""
    lo, hi, ring, ball, grit, grit_lo, grit_hi, grains, spread = SURFACES.get(surface, SURFACES["concrete"])
    n = int(0.35 * v.rate)
    step = band_noise(v, n, lo / v.size**0.3, hi / v.size**0.3) * decay(n, v.rate, ring, 0.003)
    if not running:
        roll = band_noise(v, n, lo, hi) * decay(n, v.rate, ring * 0.8, 0.003) * ball
        place(step, roll, int(v.rng.uniform(0.065, 0.095) * v.rate))
    for s in v.rng.gamma(2.0, spread / 2, grains):
        g = int(v.rng.uniform(0.002, 0.01) * v.rate)
        place(
            step,
            band_noise(v, g, grit_lo, grit_hi) * decay(g, v.rate, 0.006, 0.0005),
            int(min(s, 0.3) * v.rate),
            v.rng.uniform(0.1, 1.0) * grit,
        )
    return step


def footsteps(v: Voice) -> np.ndarray:
    """Walking (about 1.8 steps a second) or running (``pace`` above 1.5: about 2.9 a second), left and right feet
    a little unequal, each step a footfall on the ``surface`` param (concrete, wood, metal, heels, gravel, snow,
    grass)."""
    surface = v.params.get("surface", "concrete")
    pace = v.params.get("pace", 1.0)
    step = 0.55 / pace * v.speed**0.5  # a slow walk still takes 1.4 steps a second: the stride shortens too
    out = np.zeros(v.samples)
    for i, t in enumerate(regular_times(v, step, 0.05 + v.rng.uniform(0.0, step), swing=0.04)):
        weight = (1.0 if i % 2 else 0.8) * float(np.exp(v.rng.normal(0.0, 0.15)))
        place(out, footstep(v, surface, pace > RUNNING), int(t * v.rate), weight)
    return out


def hammer(v: Voice) -> np.ndarray:
    """Hammering nails: runs of four to eight blows, two or three a second, then a pause to set the next nail.
    Each blow is the board's thud and wooden knock; while the nail stands proud the steel face also rings its
    free length (a short ping that rises as the nail goes in and the free length shortens); the last blow drives
    it flush: wood only, and harder."""
    out = np.zeros(v.samples)
    t = 0.1 + v.rng.uniform(0.0, 0.2)
    n = int(0.3 * v.rate)
    while t < v.seconds:
        blows = int(v.rng.integers(4, 9))
        ring = v.rng.uniform(1800, 2600)
        for b in range(blows):
            flush = b == blows - 1
            thud = band_noise(v, n, 150, 1500) * decay(n, v.rate, 0.05, 0.0005) * 3
            hit = thud + 0.6 * strike(v, "wood", 200, n / v.rate, 0.7) * (1.5 if flush else 1.0)
            if not flush:
                f = ring * (1 + 0.6 * b / (blows - 1))
                hit += modal(v, [f, f * 2.7, f * 5.4], [0.08, 0.04, 0.02], [1.0, 0.4, 0.2], n / v.rate) * 0.25
                m = int(0.002 * v.rate)
                hit[:m] += band_noise(v, m, 3000, None) * 2
            place(out, hit, int(t * v.rate), v.rng.uniform(0.8, 1.0) * (0.6 if b == 0 else 1.0))  # the first sets it
            t += v.rng.uniform(0.3, 0.45) / v.speed
        t += v.rng.uniform(0.6, 1.2) / v.speed
    return out


def clink(v: Voice, freq: float, ring: float) -> np.ndarray:
    """One small metal object hitting another: a hard click and a few inharmonic modes that die in ``ring`` s."""
    n = int(min(0.5, ring * 1.5 + 0.01) * v.rate)
    ratios = [1.0, 1.59, 2.14, 2.65, 3.47]  # a thin disc or flat key: dense, inharmonic modes
    hit = modal(
        v,
        [freq * r * v.rng.uniform(0.97, 1.03) for r in ratios],
        [ring / (1 + 0.5 * k) for k in range(5)],
        list(v.rng.uniform(0.3, 1.0, 5)),
        n / v.rate,
    )
    m = min(n, int(0.003 * v.rate))
    hit[:m] += band_noise(v, m, 2000, None) * 1.5
    return hit


def coins(v: Voice) -> np.ndarray:
    """Coins dropped: each lands with a clink, bounces quicker and quieter, spins and rattles down; a handful
    lands at slightly different moments."""
    out = np.zeros(v.samples)
    for c in range(v.count or 6):
        t, gap, amp = 0.2 + c * v.rng.uniform(0.0, 0.12), v.rng.uniform(0.08, 0.15), 1.0
        f = v.rng.uniform(2500, 6000)
        while t < v.seconds and amp > 0.05:
            place(out, clink(v, f * v.rng.uniform(0.9, 1.1), 0.3), int(t * v.rate), amp)
            t, gap, amp = t + gap, gap * 0.75, amp * 0.7
        spin = int(min(0.6, max(v.seconds - t, 0.0)) * v.rate)  # the coin's final wobble: a fast rattle dying out
        if spin > 0:
            k = np.arange(spin) / v.rate
            rattle = (
                band_noise(v, spin, 3000, 9000) * 0.3 + modal(v, [f, f * 1.59], [0.5, 0.3], [1.0, 0.5], spin / v.rate)
            ) * (0.5 + 0.5 * np.sign(np.sin(2 * np.pi * (20 + 60 * k) * k)))
            place(out, rattle * decay(spin, v.rate, 0.6) * 0.3, int(t * v.rate), amp * 3)
    return out


def keys_jingle(v: Voice) -> np.ndarray:
    """A bunch of keys jangling: shakes (about three a second) of many quick, dry clinks of keys on the ring."""
    out = np.zeros(v.samples)
    shake = 0.5 + 0.5 * np.sin(2 * np.pi * 3.0 * v.speed * np.arange(v.samples) / v.rate) ** 2
    for t in poisson_times(v, 60 * v.speed):
        level = shake[min(int(t * v.rate), v.samples - 1)]
        place(out, clink(v, v.rng.uniform(2000, 5000), 0.1), int(t * v.rate), v.rng.uniform(0.2, 1) * level)
    return out


def clock(v: Voice) -> np.ndarray:
    """A ticking clock: short, bright escapement ticks twice a second, tick and tock a little apart in pitch."""
    out = np.zeros(v.samples)
    for i, t in enumerate(regular_times(v, 0.5 * v.size**0.5)):
        n = int(0.03 * v.rate)
        tick = band_noise(v, n, 2000 if i % 2 else 1500, 6000) * decay(n, v.rate, 0.006, 0.0002) * 3
        tick += modal(v, [1800 if i % 2 else 1400, 4100], [0.02, 0.01], [0.3, 0.2], n / v.rate)
        place(out, tick, int(t * v.rate))
    return out


def key_click(v: Voice, pitch: float, click: float = 6.0, ring: float = 0.02, weight: float = 1.0) -> np.ndarray:
    """One key of a keyboard (0.1 s,): the plastic click of the switch (3 ms of bright noise and two quickly damped
    modes near ``pitch`` Hz) over the bottom-out thock of the keycap hitting the plate (low-mid noise); ``weight``
    scales the key's body (a space bar is heavier, a key coming back up lighter)."""
    n = int(0.1 * v.rate)
    x = band_noise(v, n, 1000, 8000) * decay(n, v.rate, 0.003, 0.0002) * click
    f = pitch * v.rng.uniform(0.93, 1.07)
    x += modal(v, [f, f * 1.8], [ring, ring * 0.6], [1.0, 0.5], n / v.rate) * weight
    x += band_noise(v, n, 150, 1500) * decay(n, v.rate, 0.03, 0.001) * weight
    return x


def typist(v: Voice, pace: float = 1.0):
    """When a typist's keys go down, (time s, is the space bar): words of two to eight keystrokes at about eight
    keys a second (``pace`` stretches the gaps), then the space bar, now and then a pause to think."""
    t = 0.05 + v.rng.uniform(0.0, 0.2)
    while t < v.seconds:
        for _ in range(int(v.rng.integers(2, 9))):
            yield t, False
            t += v.rng.gamma(4.0, 0.028 * pace) / v.speed
        t += v.rng.uniform(0.03, 0.1) / v.speed
        yield t, True
        t += v.rng.gamma(3.0, 0.05) / v.speed
        if v.rng.random() < 0.12:
            t += v.rng.uniform(0.4, 1.0)


def typing(v: Voice) -> np.ndarray:
    """Typing on a computer keyboard: each key going down (click and bottom-out) and coming back up 60-100 ms later
    (a lighter click); the space bar lower and heavier."""
    out = np.zeros(v.samples)
    for t, space in typist(v):
        if space:
            place(out, key_click(v, 800, 7.0, 0.03, 1.5), int(t * v.rate))
            continue
        place(out, key_click(v, 1440), int(t * v.rate), v.rng.uniform(0.6, 1.0))
        up = key_click(v, 1870, 3.0, 0.01, 0.5)
        place(out, up, int((t + v.rng.uniform(0.06, 0.1)) * v.rate), 0.35 * v.rng.uniform(0.6, 1.0))
    return out


def typewriter(v: Voice) -> np.ndarray:
    """A mechanical typewriter: each key throws its type bar against the platen
    (the key's click and thock, and the slap of steel through the ribbon on the rubber platen: bright, 6 ms, no ring),
    then the escapement lets the carriage step on (a small tick 30-40 ms later); every line of 55-75 characters the
    margin bell dings and the carriage is thrown back (its ratchet clattering for 0.4 s). Tuned type bars that rang
    were heard as an electric piano."""
    out = np.zeros(v.samples)
    line, keys = int(v.rng.integers(55, 76)), 0
    for t, space in typist(v):
        at = int(t * v.rate)
        key = key_click(v, 800, 7.0, 0.03, 1.5) if space else key_click(v, 1440)
        key += band_noise(v, len(key), 1500, 5000) * decay(len(key), v.rate, 0.006, 0.0003)
        place(out, key, at, 1.0 if space else v.rng.uniform(0.6, 1.0))
        m = int(0.02 * v.rate)
        tick = band_noise(v, m, 2500, 7000) * decay(m, v.rate, 0.003, 0.0002)
        place(out, tick, at + int(v.rng.uniform(0.03, 0.04) * v.rate), 0.3)
        up = key_click(v, 1870, 3.0, 0.01, 0.5)  # the type bar falling back into the basket
        place(out, up, at + int(v.rng.uniform(0.06, 0.1) * v.rate), 0.35 * v.rng.uniform(0.6, 1.0))
        keys += 1
        if keys == line:  # the margin bell, then the carriage return's ratchet
            place(out, strike(v, "metal", 2800, 0.5, 0.5), at + int(0.15 * v.rate), 0.4)
            for k in range(16):
                place(out, tick, at + int((0.5 + k * 0.025) * v.rate), 0.5)
            keys, line = 0, int(v.rng.integers(55, 76))
    return out


def heartbeat(v: Voice) -> np.ndarray:
    """A heartbeat: a low lub and a softer dub, about 70 beats a minute (faster if fast)."""
    out = np.zeros(v.samples)
    for t in regular_times(v, 0.85):
        for dt, g in ((0.0, 1.0), (0.28, 0.7)):
            n = int(0.15 * v.rate)
            thump = band_noise(v, n, None, 80) * decay(n, v.rate, 0.12, 0.01) * 20
            thump += np.sin(2 * np.pi * 45 * np.arange(n) / v.rate) * decay(n, v.rate, 0.1, 0.01)
            place(out, thump, int((t + dt / v.speed) * v.rate), g)
    return out


RECIPES = {
    "knock": knock,
    "creak": creak,
    "glass_clink": glass_clink,
    "wood_hit": wood_hit,
    "metal_clang": metal_clang,
    "bell": bell,
    "small_bell": small_bell,
    "footsteps": footsteps,
    "hammer": hammer,
    "coins": coins,
    "keys_jingle": keys_jingle,
    "clock": clock,
    "typing": typing,
    "typewriter": typewriter,
    "heartbeat": heartbeat,
}
