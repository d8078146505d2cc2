"""Animal calls by source-filter synthesis: a pitched, gliding source (harmonics or a glottal buzz)
shaped by formant resonances; birds and insects by FM chirps and pulse trains. Returns (voice.samples,).
"""

from __future__ import annotations

import numpy as np

from pipelines.sfx.synth.core import (
    Voice,
    band_noise,
    bandpass,
    decay,
    harmonics,
    highpass,
    lowpass,
    noise,
    pink,
    place,
    regular_times,
    smooth_random,
    tone,
)


def call(
    v: Voice,
    f0: np.ndarray,
    formants: list[tuple[float, float]],
    breath: float = 0.1,
    partials: int = 24,
    tilt: float = 1.0,
) -> np.ndarray:
    """A voiced call: harmonics of the pitch contour ``f0`` (samples,) whose amplitudes follow
    ``formants`` [(centre Hz, bandwidth Hz), ...] measured at each harmonic's mean frequency."""
    mean_f0 = float(np.mean(f0))
    amps = []
    for k in range(1, partials + 1):
        fk = k * mean_f0
        gain = sum(1.0 / (1.0 + ((fk - c) / (bw / 2)) ** 2) for c, bw in formants)
        amps.append(gain / k ** (0.5 * tilt))
    n = len(f0)
    voiced = harmonics(f0, n, v.rate, amps)
    if breath:
        voiced += breath * band_noise(v, n, formants[0][0] * 0.7, formants[-1][0] * 1.3) * 3
    return voiced


def contour(n: int, points: list[float]) -> np.ndarray:
    """A smooth curve through ``points`` spread evenly over ``n`` samples."""
    return np.interp(np.linspace(0, len(points) - 1, n), np.arange(len(points)), points)


def envelope(n: int, rate: int, attack: float, release: float) -> np.ndarray:
    env = np.ones(n)
    a, r = min(n, max(1, int(attack * rate))), min(n, max(1, int(release * rate)))
    env[:a] = np.linspace(0, 1, a)
    env[n - r :] *= np.linspace(1, 0, r)
    return env


def dog_bark(v: Voice) -> np.ndarray:
    """A dog barking: short bright "woof"s with a falling pitch, in groups of two to four."""
    out = np.zeros(v.samples)
    times: list[float] = []
    if v.count:  # counted barks come after a breath (as a one-shot is cut), a big dog's more slowly
        times = list(0.7 + v.vary(0.28) * v.size**0.5 / v.speed * np.arange(v.count))
    else:
        t = 0.05
        while t < v.seconds:
            group = int(v.rng.integers(2, 5))
            times += [t + i * v.vary(0.28) / v.speed for i in range(group)]
            t += group * 0.28 / v.speed + v.rng.uniform(0.4, 0.9)
    scale = v.size**0.5
    for t in times:
        n = int(v.vary(0.13) * scale * v.rate)
        f0 = contour(n, [420, 480, 380, 280]) / scale * v.vary(1.0) * (1 + 0.03 * v.rng.standard_normal(n))
        bark = call(v, f0, [(700 / scale, 300), (1500 / scale, 500), (2600, 700)], breath=0.1, partials=25, tilt=0.0)
        place(out, bark * envelope(n, v.rate, 0.004, 0.05), int(t * v.rate), v.rng.uniform(0.8, 1.0))
    return out


def dog_growl(v: Voice) -> np.ndarray:
    """A dog growling: phrases of one to two seconds (one breath each) with short pauses to breathe in; a low,
    rough voice (about 110 Hz, its pitch jittering, swelling a little mid-phrase) through a dog's formants,
    its loudness fluttering irregularly (the vocal folds rattle; a steady flutter is heard as an engine)."""
    out = np.zeros(v.samples)
    t = 0.1
    while t < v.seconds - 0.3:
        phrase = v.rng.uniform(1.0, 2.0)
        n = int(min(phrase, v.seconds - t) * v.rate)
        k = np.arange(n) / v.rate
        jitter = 1 + 0.08 * (smooth_random(v, 15.0, n, depth=1.0) - 1)
        f0 = 110 / v.size**0.5 * jitter * (1 + 0.1 * np.sin(np.pi * k / (n / v.rate)))
        growl = call(v, f0, [(500, 400), (1500, 600), (2500, 800)], breath=0.8, partials=40, tilt=0.5)
        flutter = smooth_random(v, 30.0, n, depth=1.6)
        place(out, growl * flutter * envelope(n, v.rate, 0.08, 0.2), int(t * v.rate))
        t += phrase + v.rng.uniform(0.3, 0.6)
    return out


def cat_meow(v: Voice) -> np.ndarray:
    """A cat meowing: "mi-aow" with a rising then falling pitch and an opening vowel."""
    out = np.zeros(v.samples)
    for t in regular_times(v, 1.6) if v.count else np.arange(0.05, v.seconds, v.vary(1.8) / v.speed):
        length = v.vary(0.7) * v.size**0.3
        n = int(length * v.rate)
        base = v.vary(550) / v.size**0.5
        f0 = contour(n, [base * 0.9, base * 1.2, base * 1.25, base * 1.0, base * 0.75])
        # the vowel opens from "ee" to "aa" to "oo": render three formant sets and cross-fade
        parts = [
            call(v, f0, fm, breath=0.05, partials=16)
            for fm in ([(400, 200), (2200, 400)], [(900, 300), (1500, 400)], [(500, 200), (900, 300)])
        ]
        w = np.linspace(0, 2, n)
        mix = (
            parts[0] * np.clip(1 - w, 0, 1) + parts[1] * np.clip(1 - abs(w - 1), 0, 1) + parts[2] * np.clip(w - 1, 0, 1)
        )
        place(out, mix * envelope(n, v.rate, 0.05, 0.2), int(t * v.rate))
    return out


def birds(v: Voice) -> np.ndarray:
    """Birdsong: phrases of quick FM chirps and trills between 2 and 6 kHz from a few birds."""
    out = np.zeros(v.samples)
    for _bird in range(int(v.params.get("birds", 3))):
        pitch = v.rng.uniform(2500, 4500) / v.size**0.3
        t = v.rng.uniform(0, 0.8)
        while t < v.seconds:
            notes = int(v.rng.integers(3, 9))
            for _note in range(notes):
                length = v.rng.uniform(0.04, 0.12)
                n = int(length * v.rate)
                f = contour(
                    n,
                    [pitch * v.rng.uniform(0.8, 1.2), pitch * v.rng.uniform(1.0, 1.6), pitch * v.rng.uniform(0.7, 1.1)],
                )
                f = f * (1 + 0.08 * np.sin(2 * np.pi * v.rng.uniform(30, 80) * np.arange(n) / v.rate))
                chirp = (tone(f, n, v.rate) + 0.2 * tone(2 * f, n, v.rate)) * np.hanning(n)
                place(out, chirp, int(t * v.rate), v.rng.uniform(0.4, 1.0))
                t += length + v.rng.uniform(0.01, 0.06)
            t += v.rng.uniform(0.8, 2.5) / v.speed
    return out


def crow(v: Voice) -> np.ndarray:
    """Crows cawing: harsh nasal "caw"s around 600 Hz, in twos and threes."""
    out = np.zeros(v.samples)
    t = 0.05
    while t < v.seconds:
        for _ in range(int(v.rng.integers(2, 4))):
            n = int(0.35 * v.rate)
            f0 = contour(n, [520, 600, 560, 480]) / v.size**0.3
            caw = call(v, f0, [(1200, 400), (1900, 500), (3000, 700)], breath=0.3, partials=20, tilt=0.3)
            place(out, caw * envelope(n, v.rate, 0.02, 0.12), int(t * v.rate))
            t += 0.5
        t += v.rng.uniform(1.0, 2.0) / v.speed
    return out


def crickets(v: Voice) -> np.ndarray:
    """Crickets: a narrow noisy band near 4.5 kHz (stridulation, not a pure tone) gated into chirps of
    three or four pulses, several insects at once."""
    out = np.zeros(v.samples)
    t_all = np.arange(v.samples) / v.rate
    for _ in range(4):
        fc = v.rng.uniform(4000, 5000) / v.size**0.3
        carrier = bandpass(noise(v), fc * 0.93, fc * 1.07, v.rate)
        pulse_hz, chirp_hz = v.rng.uniform(25, 35), v.rng.uniform(1.5, 3) * v.speed
        pulses = np.sin(np.pi * ((t_all * pulse_hz) % 1.0)) ** 2
        gate = (((t_all * chirp_hz + v.rng.uniform()) % 1.0) < 4 / pulse_hz * chirp_hz).astype(float)
        out += carrier * pulses * gate * v.rng.uniform(0.4, 1.0)
    return out


def buzz(v: Voice) -> np.ndarray:
    """Buzzing insects (bees, a fly, a mosquito): each a wing-beat buzz whose pitch and loudness wander as it
    flies about (Doppler and distance), with the rasp of the wings; a swarm is many of them detuned.
    ``wingbeat`` (Hz) and ``insects`` are params. An insect is heard as its wing tone: bright (harmonics
    falling slowly), its pitch wobbling several times a second as it turns, its distance changing in quick
    darts, the wing rasp well under the tone; a slow swell with a hissing rasp is what a passing car or a
    kettle sounds like instead. A lone insect near the listener also loses its low body (high-passed)."""
    n = v.samples
    insects = int(v.params.get("insects", 1))
    base = v.params.get("wingbeat", 220) / v.size**0.5
    lone = insects == 1
    out = np.zeros(n)
    rasp = bandpass(noise(v), 1500, 7000, v.rate)  # wing rasp: one noise, each insect gates it at its own beat
    for _ in range(insects):
        path = smooth_random(v, 1.5 * v.speed, depth=0.8)  # how near it is: loudness and Doppler follow
        turns = smooth_random(v, 7.0, depth=1.0) - 1.0
        f0 = base * v.rng.uniform(0.9, 1.1) * (1 + 0.1 * (path - 1)) * (1 + 0.08 * turns)
        body = harmonics(f0, n, v.rate, [1 / k**0.55 for k in range(1, 24)])
        wings = np.roll(rasp, int(v.rng.integers(0, n))) * (0.5 + 0.5 * harmonics(f0, n, v.rate, [1.0]))
        out += (body + (0.1 if lone else 0.8) * wings) * np.clip(path, 0.05, None) ** 2 * v.rng.uniform(0.5, 1.0)
    if lone:
        out = highpass(out, 300, v.rate)
    return out + 0.3 * float(np.std(out)) * lowpass(pink(v), 3000, v.rate)  # the place they are heard in


def rooster(v: Voice) -> np.ndarray:
    """A rooster crowing: "cock-a-doodle-doo", four harsh syllables, the last one long."""
    out = np.zeros(v.samples)
    for t0 in regular_times(v, 4.0) if v.count else np.arange(0.05, v.seconds, 4.0 / v.speed):
        t = t0
        for length, pitch in ((0.18, 520), (0.12, 600), (0.22, 700), (0.9, 680)):
            n = int(length * v.rate)
            f0 = contour(n, [pitch * 0.9, pitch * 1.05, pitch]) / v.size**0.3
            syl = call(v, f0, [(1100, 500), (2200, 600), (3300, 800)], breath=0.25, partials=16, tilt=0.4)
            place(out, syl * envelope(n, v.rate, 0.02, 0.06), int(t * v.rate))
            t += length + 0.03
    return out


def cow(v: Voice) -> np.ndarray:
    """A cow mooing: a long low "mooo" whose vowel opens and closes."""
    out = np.zeros(v.samples)
    for t in regular_times(v, 3.5) if v.count else np.arange(0.05, v.seconds, 3.5 / v.speed):
        n = int(min(v.seconds, v.vary(1.6)) * v.rate)
        f0 = contour(n, [110, 150, 145, 120]) / v.size**0.3
        moo = call(v, f0, [(300, 150), (700, 250), (2300, 400)], breath=0.1, partials=40, tilt=0.8)
        place(out, moo * envelope(n, v.rate, 0.15, 0.4), int(t * v.rate))
    return out


def sheep(v: Voice) -> np.ndarray:
    """A sheep or goat bleating: a wavering "baa" with strong vibrato."""
    out = np.zeros(v.samples)
    for t in regular_times(v, 2.0) if v.count else np.arange(0.05, v.seconds, 2.2 / v.speed):
        n = int(0.8 * v.rate)
        f0 = contour(n, [330, 360, 340, 300]) * (1 + 0.08 * np.sin(2 * np.pi * 9 * np.arange(n) / v.rate))
        baa = call(v, f0, [(800, 300), (1300, 400), (2600, 500)], breath=0.15, partials=20)
        place(out, baa * envelope(n, v.rate, 0.05, 0.2), int(t * v.rate))
    return out


def hoot(v: Voice, seconds: float, f: float, tremolo: float = 0.0) -> np.ndarray:
    """One owl note (seconds * rate,): a near-pure, breathy tone at ``f`` Hz that rises quickly into the note,
    sags at its end and wavers like any voice; ``tremolo`` (0..1) quavers its loudness about 15 times a second."""
    n = int(seconds * v.rate)
    k = np.arange(n) / v.rate
    f0 = (
        f
        * (0.95 + 0.05 * np.minimum(1.0, k / 0.06))
        * (1 - 0.06 * np.clip((k - 0.6 * seconds) / (0.4 * seconds), 0, 1))
    )
    f0 = f0 * (1 + 0.05 * (smooth_random(v, 6.0, n) - 1))
    x = harmonics(f0, n, v.rate, [1.0, 0.1, 0.03]) + band_noise(v, n, f * 0.7, f * 3) * 0.3
    env = envelope(n, v.rate, 0.04, 0.35 * seconds)
    if tremolo:
        env = env * (1 - tremolo * 0.5 * (1 + np.sin(2 * np.pi * 15 * k)))
    return x * env


def owl(v: Voice) -> np.ndarray:
    """A tawny owl hooting, "hooo ... hu, hu-hoooo": a first long note, a pause of a couple of seconds, a short
    note and then a long quavering one, all near 400-500 Hz (a bigger owl lower), the whole call every few seconds."""
    out = np.zeros(v.samples)
    f = v.rng.uniform(380, 480) / v.size**0.3
    t0 = 0.3
    while t0 < v.seconds:
        place(out, hoot(v, v.rng.uniform(0.4, 0.6), f), int(t0 * v.rate))
        t = t0 + v.rng.uniform(1.5, 2.5) / v.speed
        place(out, hoot(v, 0.12, f * 0.95), int(t * v.rate), 0.7)
        t += v.rng.uniform(0.3, 0.45)
        place(out, hoot(v, v.rng.uniform(0.9, 1.3), f * 1.02, 0.9), int(t * v.rate))
        t0 = t + v.rng.uniform(2.5, 4.0) / v.speed
    return out


def frog(v: Voice) -> np.ndarray:
    """Frogs croaking: breathy low "ribbit"s pulsed about 15 times a second."""
    out = np.zeros(v.samples)
    for t in np.sort(v.rng.uniform(0, max(v.seconds - 0.3, 0.01), max(1, int(v.seconds * 1.2 * v.speed)))):
        n = int(0.25 * v.rate)
        f0 = np.full(n, v.rng.uniform(180, 300) / v.size**0.5)
        croak = call(v, f0, [(600, 300), (1500, 500)], breath=0.4, partials=20, tilt=0.4)
        gate = np.clip(np.sin(2 * np.pi * 15 * np.arange(n) / v.rate), 0, None) ** 2  # the croak's slow pulses
        place(out, croak * gate * envelope(n, v.rate, 0.01, 0.05), int(t * v.rate))
    return out


def duck(v: Voice) -> np.ndarray:
    """A duck quacking: nasal, buzzy "quack"s."""
    out = np.zeros(v.samples)
    t = 0.05
    while t < v.seconds:
        n = int(0.25 * v.rate)
        f0 = contour(n, [300, 330, 260])
        quack = call(v, f0, [(1000, 250), (1800, 300), (2800, 500)], breath=0.2, partials=25, tilt=0.2)
        place(out, quack * envelope(n, v.rate, 0.01, 0.1), int(t * v.rate))
        t += v.rng.uniform(0.35, 0.8) / v.speed
    return out


def howl(v: Voice) -> np.ndarray:
    """A wolf howling: a long pure rising then falling tone with slight vibrato and a wavering pitch."""
    out = np.zeros(v.samples)
    for t in np.arange(0.05, v.seconds, 5.0 / v.speed):
        n = int(min(v.seconds - t, 3.0) * v.rate)
        if n < v.rate * 0.3:
            break
        f0 = contour(n, [350, 560, 600, 580, 420]) / v.size**0.3
        f0 = f0 * (1 + 0.015 * np.sin(2 * np.pi * 5 * np.arange(n) / v.rate))
        f0 = f0 * (1 + 0.06 * (smooth_random(v, 8.0, n) - 1))  # a voice wavers: no instrument's steady glide
        # a throat howl is nearly a sine with a breathy edge; six partials read as a sung or played note
        wail = call(v, f0, [(700, 400), (1200, 400)], breath=0.1, partials=3, tilt=2.0)
        place(out, wail * envelope(n, v.rate, 0.3, 0.8), int(t * v.rate))
    return out


def horse(v: Voice) -> np.ndarray:
    """Horse hooves: a clip-clop trot of hollow hoof knocks on a hard road."""
    out = np.zeros(v.samples)
    for i, t in enumerate(regular_times(v, 0.2, swing=0.05)):
        n = int(0.1 * v.rate)
        hit = band_noise(v, n, 600, 3000) * decay(n, v.rate, 0.04, 0.001) * 2
        hit += np.sin(2 * np.pi * v.rng.uniform(500, 900) * np.arange(n) / v.rate) * decay(n, v.rate, 0.05)
        place(out, hit, int(t * v.rate), 1.0 if i % 2 else 0.6)
    return out


def roar(v: Voice) -> np.ndarray:
    """A big cat roaring: one long (about 3 s), loud, rough, low call that swells and falls, its pitch jittering
    and its loudness fluttering irregularly (a rattling throat, not a steady tone), through wide formants."""
    out = np.zeros(v.samples)
    n = int(min(3.0 * v.rng.uniform(0.85, 1.1), v.seconds - 0.1) * v.rate)
    if n <= 0:
        return out
    f0 = contour(n, [120, 180, 170, 100]) / v.size**0.3
    f0 = f0 * (1 + 0.08 * (smooth_random(v, 12.0, n, depth=1.0) - 1))
    growl = call(v, f0, [(500, 300), (1100, 500), (2400, 800)], breath=0.8, partials=40, tilt=0.4)
    growl *= smooth_random(v, 25.0, n, depth=1.2) * envelope(n, v.rate, 0.2, 0.8)
    place(out, highpass(growl, 60, v.rate), int(0.1 * v.rate))
    return out


RECIPES = {
    "dog_bark": dog_bark,
    "dog_growl": dog_growl,
    "cat_meow": cat_meow,
    "birds": birds,
    "crow": crow,
    "crickets": crickets,
    "buzz": buzz,
    "rooster": rooster,
    "cow": cow,
    "sheep": sheep,
    "owl": owl,
    "frog": frog,
    "duck": duck,
    "howl": howl,
    "horse": horse,
    "roar": roar,
}
