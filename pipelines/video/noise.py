"""Deterministic noise fields for procedural textures: value-noise fBm built by upsampling seeded grids.

Every field is a pure function of (seed, shape, scale), so a shot renders the same bytes each time
and frames never flicker from re-seeding.
"""

from __future__ import annotations

import cv2
import numpy as np


def rng(seed: int, salt: str) -> np.random.Generator:
    """A generator keyed by the shot seed and a name, so adding one element never shifts another's noise."""
    mix = np.frombuffer(salt.encode().ljust(8, b"\0")[:8], np.uint64)[0]
    return np.random.default_rng([seed & 0xFFFFFFFF, seed >> 32, int(mix) & 0xFFFFFFFF, len(salt)])


def value_noise(h: int, w: int, cell: float, gen: np.random.Generator, wrap_x: bool = False) -> np.ndarray:
    """Smooth noise in [0, 1], float32 (h, w), with features about ``cell`` pixels wide; tiles in x if ``wrap_x``."""
    gh = max(2, int(np.ceil(h / cell)) + 2)
    gw = max(2, int(np.ceil(w / cell)) + 2)
    grid = gen.random((gh, gw), dtype=np.float32)
    if wrap_x:
        gw = max(2, int(round(w / cell)))
        grid = grid[:, :gw]
        grid = np.concatenate([grid[:, -1:], grid, grid[:, :2]], axis=1)  # wrap for the cubic kernel
        big = cv2.resize(grid, (int((gw + 3) * w / gw), int(gh * cell)), interpolation=cv2.INTER_CUBIC)
        start = int(w / gw)
        return np.clip(big[:h, start : start + w], 0, 1)
    big = cv2.resize(grid, (int(gw * cell), int(gh * cell)), interpolation=cv2.INTER_CUBIC)
    return np.clip(big[:h, :w], 0, 1)


def fbm(
    h: int, w: int, cell: float, seed: int, salt: str, octaves: int = 5, gain: float = 0.5, wrap_x: bool = False
) -> np.ndarray:
    """Fractal value noise in [0, 1], float32 (h, w): ``octaves`` layers, each half the cell size."""
    gen = rng(seed, salt)
    total = np.zeros((h, w), np.float32)
    amp, norm = 1.0, 0.0
    for _ in range(octaves):
        if cell < 1.5:
            break
        total += amp * value_noise(h, w, cell, gen, wrap_x)
        norm += amp
        amp *= gain
        cell /= 2
    return total / max(norm, 1e-6)


def ridge_profile(w: int, cell: float, seed: int, salt: str, octaves: int = 6, sharp: bool = True) -> np.ndarray:
    """A 1-D height profile in [0, 1], float32 (w,), for mountain ridges and hills; ``sharp`` folds it into peaks."""
    gen = rng(seed, salt)
    total = np.zeros(w, np.float32)
    amp, norm = 1.0, 0.0
    for i in range(octaves):
        n = max(2, int(w / cell) + 3)
        pts = gen.random(n).astype(np.float32)
        if sharp and i < 3:
            pts = 1 - np.abs(pts * 2 - 1)
        xs = np.arange(w, dtype=np.float32) / cell
        total += amp * np.interp(xs, np.arange(n), pts).astype(np.float32)
        norm += amp
        amp *= 0.5
        cell /= 2.2
        if cell < 2:
            break
    out = total / norm
    out = cv2.GaussianBlur(out.reshape(1, -1), (0, 0), 1.2).reshape(-1)
    return (out - out.min()) / max(float(out.max() - out.min()), 1e-6)


def smoothstep(edge0: float, edge1: float, x: np.ndarray) -> np.ndarray:
    """Hermite ramp from 0 at ``edge0`` to 1 at ``edge1`` (either order), float32."""
    t = np.clip((x - edge0) / (edge1 - edge0), 0, 1)
    return (t * t * (3 - 2 * t)).astype(np.float32)


def gradient(h: int, w: int, stops: list[tuple[float, tuple[int, int, int]]]) -> np.ndarray:
    """A vertical colour gradient, float32 (h, w, 3) in 0..255, through ``(position 0..1, rgb)`` stops."""
    pos = np.array([p for p, _ in stops], np.float32)
    cols = np.array([c for _, c in stops], np.float32)
    ys = np.linspace(0, 1, h, dtype=np.float32)
    column = np.stack([np.interp(ys, pos, cols[:, i]) for i in range(3)], axis=-1)  # (h, 3)
    return np.broadcast_to(column[:, None, :], (h, w, 3)).copy()
