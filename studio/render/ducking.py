"""Sidechain ducking: a track marked ``duck_under`` (the music bed) is lowered while its key track
(the narration) sounds, as a broadcast mixer would: the key's level is measured in 10 ms hops, speech
holds the dip across the gaps between words, the dip starts a little before the voice (look-ahead),
and the gain moves smoothly (attack 60 ms, release 250 ms) so the bed never clicks or pumps."""

from __future__ import annotations

import numpy as np

HOP = 480  # samples at 48 kHz: 10 ms
THRESHOLD_DB = -45.0  # key level (dBFS, before normalisation) that counts as "speaking"
HOLD_S = 0.35
LOOKAHEAD_S = 0.08
ATTACK_S = 0.06
RELEASE_S = 0.25


def key_levels(voices: list, first: int, last: int, block: int) -> np.ndarray:
    """RMS level in dBFS per hop of the key clips' mono sum over samples [first, last); shape (hops,)."""
    hops = -(-(last - first) // HOP)
    power = np.zeros(hops)
    for at in range(first, last, block):
        mix = np.zeros((min(block, last - at), 2), np.float32)
        for voice in voices:
            if voice.start < at + len(mix) and voice.end > at:
                voice.add_to(mix, at)
        mono = mix.mean(axis=1)
        i0 = (at - first) // HOP
        n = len(mono) // HOP * HOP
        if n:
            power[i0 : i0 + n // HOP] = np.mean(mono[:n].reshape(-1, HOP) ** 2, axis=1)
        if len(mono) > n:
            power[i0 + n // HOP] = np.mean(mono[n:] ** 2)
    for voice in voices:
        voice.close()
    return 10 * np.log10(power + 1e-12)


def gain_curve(levels_db: np.ndarray, duck_db: float) -> np.ndarray:
    """Linear gain per hop, shape (hops,): ``duck_db`` while the key speaks, 0 dB otherwise, smoothed."""
    if not len(levels_db):
        return np.ones(0, np.float32)
    active = (levels_db > THRESHOLD_DB).astype(np.float64)
    hold = int(HOLD_S * 48_000 / HOP)
    ahead = int(LOOKAHEAD_S * 48_000 / HOP)
    # widen each active stretch by the hold time after it and the look-ahead before it:
    # widened[i] = max(active[i - hold .. i + ahead])
    window = np.convolve(active, np.ones(hold + ahead + 1), mode="full")
    widened = (window[ahead : ahead + len(active)] > 0).astype(np.float64)
    target = widened * duck_db
    attack = np.exp(-1 / (ATTACK_S * 48_000 / HOP))  # one-pole coefficients per hop
    release = np.exp(-1 / (RELEASE_S * 48_000 / HOP))
    smoothed = np.empty_like(target)
    level = 0.0
    for i, goal in enumerate(target):  # ~100 hops a second: a plain loop is cheap
        coeff = attack if goal < level else release
        level = goal + (level - goal) * coeff
        smoothed[i] = level
    return (10 ** (smoothed / 20)).astype(np.float32)


def block_gain(curve: np.ndarray, offset: int, count: int) -> np.ndarray:
    """Per-sample gain, shape (count,), for samples [offset, offset + count) from the start of the curve."""
    t = (np.arange(offset, offset + count) / HOP) - 0.5
    return np.interp(t, np.arange(len(curve)), curve).astype(np.float32)
