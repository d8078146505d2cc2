"""One-shot events as a sound designer cuts them: the event a moment after the start, then its natural tail
(echoes off buildings and hills outdoors, the room's reverberation, debris settling) filling the clip;
repeats only when the prompt counts them. Shots, slams, breaking glass, thuds, punches, crashes, pops.

Shots and slams are noise bursts shaped by measured-style envelopes (crack + body + tail); the echo train
is a set of discrete reflections, each later one quieter and darker (air and distance), over a diffuse decay.
Returns (voice.samples,) float64.
"""

from __future__ import annotations

import numpy as np

from pipelines.sfx.synth.core import Voice, band_noise, decay, lowpass, modal, noise, place, regular_times
from pipelines.sfx.synth.impacts import MATERIALS, creak, strike

LEAD_IN = 0.7  # s before the first event: room for the attack, as library one-shots are cut


def event_times(v: Voice, interval: float, default: list[float] | None = None) -> list[float]:
    """When the events happen: ``count`` of them if the prompt gave one, else ``default`` (one, early)."""
    if v.count:
        return list(regular_times(v, interval, LEAD_IN))
    return default if default is not None else [LEAD_IN]


def echo_tail(
    v: Voice,
    dry: np.ndarray,
    seconds: float,
    reflections: int = 8,
    first: float = 0.08,
    diffuse: float = 0.25,
    darken: float = 1.0,
    smear: float = 0.0,
) -> np.ndarray:
    """``dry`` followed by its echoes: ``reflections`` copies between ``first`` s and 80 % of ``seconds``,
    each quieter and darker with delay, over a diffuse noise decay of ``seconds`` (RT60). (len(dry) + tail,)."""
    n = len(dry) + int(seconds * v.rate)
    out = np.zeros(n)
    out[: len(dry)] = dry
    level = float(np.sqrt(np.mean(dry**2)))
    for d in np.sort(v.rng.uniform(first, max(first * 1.5, seconds * 0.8), reflections)):
        gain = 0.6 * (first / d) ** 0.6 * v.rng.uniform(0.5, 1.0)
        cutoff = 2 ** (round(np.log2(4000 / (1 + 2 * d * darken)) * 4) / 4)  # quarter-octave steps: cached designs
        place(out, lowpass(dry, cutoff, v.rate), int(d * v.rate), gain)
        if smear:  # a far reflection arrives spread out (many surfaces): a short rolling burst
            m = int((0.15 + 0.25 * d) * v.rate)
            roll = band_noise(v, m, 60, 3000 / (1 + d * darken)) * decay(m, v.rate, 0.15 + 0.25 * d, 0.01)
            place(out, roll, int(d * v.rate), gain * level * smear)
    level *= diffuse
    out += band_noise(v, n, None, 2500) * decay(n, v.rate, seconds, 0.03) * level
    return out


def gunshot(v: Voice) -> np.ndarray:
    """Gunshots: a sharp muzzle crack, a boomy body and its echoes rolling back off the surroundings;
    once unless counted (``auto`` fires bursts of eight rounds a second apart)."""
    out = np.zeros(v.samples)
    auto = v.params.get("auto")
    times = (
        [t for b in np.arange(LEAD_IN, v.seconds, 1.6 / v.speed) for t in b + np.arange(8) * 0.1]
        if auto
        else event_times(v, 0.8)
    )
    for t in times:
        n = int(0.5 * v.rate)
        crack = noise(v, n) * decay(n, v.rate, 0.008, 0.00005) * 6
        body = band_noise(v, n, 120 / v.size**0.5, 2500) * decay(n, v.rate, 0.12 * v.size, 0.0005) * 4
        boom = band_noise(v, n, None, 220) * decay(n, v.rate, 0.25 * v.size, 0.002) * 8
        shot = crack + body + boom
        if not auto:
            shot = echo_tail(v, shot, min(4.0, max(v.seconds - t, 0.5)), 9, smear=3.0)
        place(out, shot, int(t * v.rate), v.rng.uniform(0.85, 1.0))
    return out


def door_open_close(v: Voice) -> np.ndarray:
    """A door opening then closing: a latch click, a short creak and a closing thud."""
    out = creak(Voice(v.rng, v.rate, v.samples, v.size, v.speed * 1.6, None, v.material, v.intensity, v.jitter))
    latch = strike(v, "metal", 1800, 0.15, 0.8)
    place(out, latch, int(0.02 * v.rate), 0.5)
    close = door_slam(Voice(v.rng, v.rate, int(min(v.seconds, 1.5) * v.rate), v.size * 0.8))
    place(out, close, int((min(v.seconds - 1.0, 1.4 / v.speed) - LEAD_IN) * v.rate), 0.4)
    return out


RECIPES = {"door_open_close": door_open_close, "gunshot": gunshot}


def room_tail(v: Voice, dry: np.ndarray, seconds: float = 0.9) -> np.ndarray:
    """``dry`` in a furnished room: dense early reflections within 30 ms, then a short diffuse decay."""
    return echo_tail(v, dry, seconds, 14, 0.008, diffuse=0.5, darken=3.0)


def door_slam(v: Voice) -> np.ndarray:
    """A door slamming shut: the heavy thud of the slab hitting the frame, the wooden panel's boom, the latch
    clacking home and the frame rattling, then the room answering; once unless counted. A concept may set
    ``scale`` (a cupboard door is a small slab: higher, shorter), ``panel`` (its material when the prompt
    names none) and ``aftermath`` (what happens after the slam: see ``aftermath``)."""
    if "scale" in v.params or "panel" in v.params:
        material = v.material or v.params.get("panel", "")
        return door_slam(
            Voice(
                v.rng,
                v.rate,
                v.samples,
                v.size * v.params.get("scale", 1.0),
                v.speed,
                v.count,
                material,
                v.intensity,
                v.jitter,
                {"aftermath": v.params.get("aftermath", "")},
            )
        )
    out = np.zeros(v.samples)
    after = v.params.get("aftermath", "")
    for t in event_times(v, 1.6):
        n = int(1.2 * v.rate)
        thud = band_noise(v, n, 60, 300 / v.size**0.3) * decay(n, v.rate, 0.12 * v.size**0.5, 0.001) * 3
        panel = strike(v, v.material if v.material in MATERIALS else "wood", 170, n / v.rate, 0.8) * 3
        slap = band_noise(v, n, 500, 5000) * decay(n, v.rate, 0.04, 0.0003) * 2.5
        latch = np.zeros(n)  # the latch: a hard, dry metal clack (short modes, no ring)
        m = int(0.03 * v.rate)
        place(latch, band_noise(v, m, 1500, 7000) * decay(m, v.rate, 0.015, 0.0002), int(0.015 * v.rate), 1.5)
        rattle = band_noise(v, n, 1200, 6000) * decay(n, v.rate, 0.25) * (v.rng.random(n) < 0.02) * 3
        dry = thud + panel + slap + latch + rattle
        if after:
            dry = np.concatenate([dry, np.zeros(n)])
            dry += aftermath(v, after, len(dry))
        place(out, room_tail(v, dry, min(1.2, v.seconds)), int(t * v.rate))
    return out


def aftermath(v: Voice, kind: str, n: int) -> np.ndarray:
    """What follows a slam, (n,): "bounce", a light door (a cupboard's) bouncing off its frame and falling to again,
    two knocks quieter by half; "car", a car door's latch catching in two stages (clunk-clunk), the body's low boom
    and its trim buzzing."""
    out = np.zeros(n)
    if kind == "bounce":
        for lo, hi, g in ((0.1, 0.16, 0.7), (0.24, 0.34, 0.35)):  # the door bounces off the frame and falls to again
            at = int(v.rng.uniform(lo, hi) * v.rate)
            m = int(0.3 * v.rate)
            tap = strike(v, "wood", v.rng.uniform(250, 350), 0.3, 0.8) + band_noise(v, m, 80, 400) * decay(
                m, v.rate, 0.06
            )
            place(out, tap, at, g)
    elif kind == "car":
        for at, g in ((0.03, 1.0), (v.rng.uniform(0.08, 0.12), 0.7)):  # the two-stage latch: clunk-clunk
            m = int(0.06 * v.rate)
            clunk = strike(v, "metal", v.rng.uniform(700, 1100), 0.06, 0.6) * decay(m, v.rate, 0.03)
            place(out, clunk + band_noise(v, m, 300, 3000) * decay(m, v.rate, 0.02, 0.0005), int(at * v.rate), g)
        m = int(0.8 * v.rate)
        body = modal(v, [v.rng.uniform(55, 75), 110, 170], [0.5, 0.35, 0.25], [1.0, 0.6, 0.4], 0.8) * 2
        buzz = band_noise(v, m, 800, 4000) * decay(m, v.rate, 0.4) * (v.rng.random(m) < 0.03) * 2
        place(out, body + buzz, int(0.02 * v.rate))
    return out


def glass_break(v: Voice) -> np.ndarray:
    """Glass shattering: a sharp crack, a burst of high ringing shards, then pieces bouncing and tinkling as
    they settle over a second or two; once unless counted."""

    out = np.zeros(v.samples)
    for t0 in event_times(v, 2.5):
        length = min(v.seconds - t0 + 0.1, 2.5 * v.size)
        n = max(1, int(length * v.rate))
        crack = band_noise(v, n, 1500, None) * decay(n, v.rate, 0.08, 0.0005) * 3
        crash = band_noise(v, n, 800, 9000) * decay(n, v.rate, 0.35, 0.002) * 1.2
        shards = np.zeros(n)
        for s in np.sort(v.rng.exponential(0.35 * v.size, 70)):
            if s < length - 0.1:
                ping = strike(v, "glass", v.rng.uniform(2500, 7500), 0.2, 1.2)
                place(shards, ping, int(s * v.rate), v.rng.uniform(0.2, 1.0) * np.exp(-s / (0.8 * length)))
        place(out, room_tail(v, crack + crash + shards * 1.5, 0.6)[:n], int(t0 * v.rate))
    return out


RECIPES.update({"door_slam": door_slam, "glass_break": glass_break})


def bang(v: Voice) -> np.ndarray:
    """A sharp bang (a balloon bursting, a cap gun, a firecracker): a broadband burst of a few milliseconds with
    a little body, and the room's slap back."""
    out = np.zeros(v.samples)
    for t in event_times(v, 0.6):
        n = int(0.3 * v.rate)
        burst = noise(v, n) * decay(n, v.rate, 0.02, 0.00005) * 5
        body = band_noise(v, n, 150 / v.size**0.5, 3000) * decay(n, v.rate, 0.06 * v.size, 0.0003) * 3
        place(out, echo_tail(v, burst + body, min(1.5, v.seconds), 10, 0.02, diffuse=0.4, smear=1.5), int(t * v.rate))
    return out


def thud(v: Voice) -> np.ndarray:
    """Something heavy and soft hitting the floor (a body, a sack): a dull low thump, a slap of cloth and a
    short settling shuffle, in the room; once unless counted."""
    out = np.zeros(v.samples)
    for t in event_times(v, 1.2):
        n = int(0.8 * v.rate)
        thump = band_noise(v, n, 40, 250 / v.size**0.3) * decay(n, v.rate, 0.18 * v.size**0.5, 0.002) * 6
        slap = band_noise(v, n, 400, 4000) * decay(n, v.rate, 0.05, 0.001) * 1.5
        settle = np.zeros(n)
        place(settle, band_noise(v, n // 3, 200, 3000) * decay(n // 3, v.rate, 0.15, 0.02) * 0.5, int(0.2 * v.rate))
        place(out, room_tail(v, thump + slap + settle, min(1.0, v.seconds)), int(t * v.rate))
    return out


def punch(v: Voice) -> np.ndarray:
    """A punch landing: the swish of the swing, a hard slap of knuckles on flesh and a low body thump."""
    out = np.zeros(v.samples)
    for t in event_times(v, 0.7):
        n = int(0.5 * v.rate)
        k = np.linspace(0, 1, int(0.15 * v.rate))
        swish = band_noise(v, len(k), 800, 5000) * np.exp(-(((k - 0.8) / 0.25) ** 2)) * 0.4
        place(out, swish, int((t - 0.15) * v.rate))
        slap = band_noise(v, n, 300, 8000) * decay(n, v.rate, 0.035, 0.0003) * 5
        thump = band_noise(v, n, 50, 300) * decay(n, v.rate, 0.12, 0.001) * 6
        place(out, room_tail(v, slap + thump, 0.5), int(t * v.rate))
    return out


def wood_crash(v: Voice) -> np.ndarray:
    """A wooden crate or a chair toppling: a scrape, then a tumble of hollow wooden knocks and a final heavy
    thud, slats rattling after."""

    out = np.zeros(v.samples)
    t0 = event_times(v, 2.0)[0]
    n = int(1.5 * v.rate)
    crash = np.zeros(n)
    for s in np.sort(v.rng.uniform(0.0, 0.45, 6)):
        hit = (
            strike(v, "wood", v.rng.uniform(150, 400), 0.4, 0.9)
            + band_noise(v, int(0.4 * v.rate), 300, 5000) * decay(int(0.4 * v.rate), v.rate, 0.04, 0.0005) * 1.5
        )
        place(crash, hit, int(s * v.rate), v.rng.uniform(0.4, 1.0))
    place(crash, band_noise(v, n // 2, 40, 300) * decay(n // 2, v.rate, 0.2, 0.002) * 5, int(0.45 * v.rate))
    place(out, room_tail(v, crash, min(1.0, v.seconds)), int(t0 * v.rate))
    return out


def car_crash(v: Voice) -> np.ndarray:
    """A car crash: tyres screeching, the crunch of sheet metal folding, glass bursting and debris skittering."""

    out = np.zeros(v.samples)
    skid_s = min(0.9, v.seconds * 0.25)
    m = int(skid_s * v.rate)
    k = np.arange(m) / v.rate
    squeal = (
        np.sin(2 * np.pi * np.cumsum(1400 + 120 * np.sin(2 * np.pi * 7 * k) + 60 * v.rng.standard_normal(m)) / v.rate)
        * np.minimum(1, k / 0.1)
        * 0.3
    )
    place(out, squeal + band_noise(v, m, 1000, 6000) * 0.3, int(0.1 * v.rate))
    t = 0.1 + skid_s
    n = int(2.0 * v.rate)
    crunch = band_noise(v, n, 60, 6000) * decay(n, v.rate, 0.5, 0.002) * 4
    crunch += band_noise(v, n, 30, 200) * decay(n, v.rate, 0.3, 0.002) * 6
    for s in np.sort(v.rng.exponential(0.25, 25)):
        dent = strike(v, "metal", v.rng.uniform(300, 2500), 0.3, 0.8)  # sheet metal buckling: damped, no bell
        place(crunch, dent * decay(len(dent), v.rate, 0.06), int(min(s, 1.8) * v.rate), v.rng.uniform(0.2, 0.8))
    glass = glass_break(Voice(v.rng, v.rate, n, v.size, 1.0, None, "", 1.0, v.jitter))
    place(out, echo_tail(v, crunch + 0.8 * glass, 1.5, 8, 0.05, smear=1.0), int(t * v.rate))
    return out


def chop(v: Voice) -> np.ndarray:
    """Chopping or splitting wood with an axe: a blow about every 1.1 s, each the swish of the swing, the blade biting
    (a dull knock of the log, 180-700 Hz, and its body ringing briefly near 270 Hz), fibres tearing (faint grains over
    70 ms) and, on some blows, the log splitting and its halves dropping onto the ground 0.25-0.5 s later. A wood
    block's bright repeated knock was heard as knocking on a door."""
    out = np.zeros(v.samples)
    n = int(0.6 * v.rate)
    s = int(0.15 * v.rate)
    swing = np.linspace(0.0, 1.0, s) ** 3  # the axe head speeding up until it lands
    for t in regular_times(v, 1.1, 0.5 + v.rng.uniform(0.0, 0.3), swing=0.07):
        place(out, band_noise(v, s, 800, 3000) * swing * 0.28, int((t - 0.15) * v.rate))
        f = v.vary(270, 0.5) / v.size**0.5
        hit = band_noise(v, n, 180 / v.size**0.3, 700 / v.size**0.3) * decay(n, v.rate, 0.075, 0.002)
        hit += 0.37 * modal(v, [f, f * 2.4, f * 4.1], [0.053, 0.032, 0.021], [1.0, 0.5, 0.3], n / v.rate)
        for grain in v.rng.gamma(2.0, 0.037, 46):  # fibres tearing
            g = int(v.rng.uniform(0.002, 0.01) * v.rate)
            fibre = band_noise(v, g, 600, 3000) * decay(g, v.rate, 0.006, 0.0005)
            place(hit, fibre, int(min(grain, 0.5) * v.rate), v.rng.uniform(0.1, 1.0) * 0.042)
        if v.rng.random() < 0.4:  # the log splits: its halves drop onto the ground
            for lo, hi in ((0.25, 0.35), (0.38, 0.5)):
                m = int(0.1 * v.rate)
                half = band_noise(v, m, 150, 450) * decay(m, v.rate, 0.04, 0.003)
                place(hit, half, int(v.rng.uniform(lo, hi) * v.rate), 0.4 * v.rng.uniform(0.6, 1.0))
        place(out, hit, int(t * v.rate), v.rng.uniform(0.8, 1.0))
    return out


RECIPES.update(
    {"bang": bang, "thud": thud, "punch": punch, "wood_crash": wood_crash, "car_crash": car_crash, "chop": chop}
)
