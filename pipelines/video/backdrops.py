"""Sky, clouds and terrain layers for each environment, built once per shot as RGBA planes.

All layers share one canvas: the frame plus a margin on every side (so camera moves never show an
edge), in rest screen coordinates, with the horizon at ``canvas.horizon``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from pipelines.video.compose import Layer, rgba_from
from pipelines.video.events import surf_level, wave_breaks
from pipelines.video.noise import fbm, gradient, ridge_profile, rng, smoothstep
from pipelines.video.palette import Light, aerial, grade

MARGIN = (0.13, 0.12)  # canvas margin as a fraction of the frame width and height, each side


@dataclass
class Canvas:
    """Frame size, margins and the shot's look; layers are (ch, cw) arrays placed at (-mx, -my)."""

    width: int
    height: int
    seed: int
    light: Light
    style: str
    horizon_frac: float = 0.58

    @property
    def mx(self) -> int:
        return int(self.width * MARGIN[0])

    @property
    def my(self) -> int:
        return int(self.height * MARGIN[1])

    @property
    def cw(self) -> int:
        return self.width + 2 * self.mx

    @property
    def ch(self) -> int:
        return self.height + 2 * self.my

    @property
    def horizon(self) -> int:
        """The horizon row in canvas pixels."""
        return self.my + int(self.height * self.horizon_frac)

    def layer(self, name: str, rgb: np.ndarray, alpha: np.ndarray, depth: float, **kw) -> Layer:
        """A canvas-sized layer from float colour (ch, cw, 3) and alpha (ch, cw), graded for the style."""
        return Layer(name, rgba_from(grade(rgb, self.style), alpha), depth, origin=(-self.mx, -self.my), **kw)


def ground_mask(profile_y: np.ndarray, ch: int) -> np.ndarray:
    """Alpha (ch, cw) that is 1 below the per-column height ``profile_y`` (cw,), anti-aliased over a pixel."""
    ys = np.arange(ch, dtype=np.float32)[:, None]
    return np.clip(ys - profile_y[None, :] + 0.5, 0, 1)


def sky(c: Canvas, elements: list[str], environment: str) -> Layer:
    """The opaque sky at infinity: gradient by time of day, sun or moon with glow, stars, aurora, nebula."""
    lt = c.light
    hz = c.horizon / c.ch
    rgb = gradient(c.ch, c.cw, [(0.0, lt.sky[0]), (hz * 0.6, lt.sky[1]), (hz, lt.sky[2]), (1.0, lt.sky[2])])
    ys, xs = np.mgrid[0 : c.ch, 0 : c.cw].astype(np.float32)
    if environment == "space":
        rgb[:] = (4, 5, 12)
        neb = fbm(c.ch, c.cw, c.cw / 3, c.seed, "nebula", 6)
        neb2 = fbm(c.ch, c.cw, c.cw / 5, c.seed, "nebula2", 5)
        glow = smoothstep(0.45, 0.8, neb)[..., None]
        rgb += glow * (np.array([120, 40, 150], np.float32) * neb2[..., None] + np.array([20, 60, 130], np.float32))
    sun_y = c.horizon - lt.sun_height * c.height * 0.55
    sun_x = c.cw * 0.66
    if lt.sun_height > -0.5 and environment not in ("underwater", "space", "interior"):
        d = np.hypot(xs - sun_x, ys - sun_y) / c.height
        sun = np.array(lt.sun, np.float32)
        rgb += (np.exp(-d * 4.0) * 0.55)[..., None] * (sun - rgb * 0.5)
        rgb = np.where((d < 0.045)[..., None], sun * 1.05 + 10, rgb)
    if (lt.moon or "moon" in elements) and environment not in ("underwater", "interior"):
        mx_, my_ = c.cw * 0.28, c.my + c.height * 0.2
        d = np.hypot(xs - mx_, ys - my_) / c.height
        craters = fbm(c.ch, c.cw, 12, c.seed, "moon", 3)
        disc = smoothstep(0.052, 0.048, d)[..., None]
        moon = np.array([232, 232, 220], np.float32) * (0.85 + 0.2 * craters[..., None])
        rgb = rgb * (1 - disc) + moon * disc + (np.exp(-d * 9) * 70)[..., None] * (1 - disc)
    if lt.stars or "stars" in elements or environment == "space":
        gen = rng(c.seed, "stars")
        n = int(c.cw * c.ch / 900)
        sx = gen.integers(0, c.cw, n)
        sy = gen.integers(0, max(c.horizon, 2), n) if environment != "space" else gen.integers(0, c.ch, n)
        bright = gen.random(n) ** 3 * 200 + 55
        star = np.zeros((c.ch, c.cw), np.float32)
        np.maximum.at(star, (sy, sx), bright.astype(np.float32))
        star = cv2.GaussianBlur(star, (0, 0), 0.7) * 3
        fade = smoothstep(c.horizon, c.horizon * 0.5, ys) if environment != "space" else 1.0
        rgb += (star * fade)[..., None]
    if "aurora" in elements:
        wave = fbm(1, c.cw, c.cw / 4, c.seed, "aurora", 4)[0] * c.height * 0.25
        top = c.my + c.height * 0.08 + wave
        band = np.exp(-np.maximum(ys - top[None, :], 0) / (c.height * 0.12)) * smoothstep(-20, 10, ys - top[None, :])
        curtain = fbm(1, c.cw, 18, c.seed, "curtain", 3)[0][None, :] * 0.7 + 0.3
        rgb += (band * curtain)[..., None] * np.array([40, 230, 140], np.float32)
    return c.layer("sky", rgb, np.ones((c.ch, c.cw), np.float32), math.inf)


def clouds(c: Canvas, storm: bool, night: bool, cover: float = 0.55) -> Layer:
    """A wrapping, drifting cloud deck with lit tops and shaded bellies (a cheap volumetric look)."""
    h = c.horizon
    density = fbm(h, c.cw, c.cw / 5, c.seed, "clouds", 6, wrap_x=True)
    lower = fbm(h, c.cw, c.cw / 5, c.seed, "clouds", 6, wrap_x=True)  # same field, shifted below for shading
    lower = np.roll(lower, 6, axis=0)
    cover = 0.38 if storm else cover
    alpha = smoothstep(cover, cover + 0.18, density) * (0.98 if storm else 0.9)
    ys = np.arange(h, dtype=np.float32)[:, None]
    alpha *= smoothstep(h * 0.98, h * 0.55, ys)
    lit = np.clip((density - lower) * 6 + 0.5, 0, 1)[..., None]
    lt = c.light
    shadow = np.array(lt.sky[1], np.float32) * 0.55 + 30
    bright = np.array(lt.sun if lt.sun_height > 0 else (150, 160, 190), np.float32)
    if storm:
        shadow, bright = shadow * 0.45 + 10, np.array([140, 145, 155], np.float32) * (0.5 if night else 1)
    rgb = shadow * (1 - lit) + bright * lit
    rgb = aerial(rgb, lt, np.clip(ys / h, 0, 1)[..., None] * 0.5)
    full_rgb = np.zeros((c.ch, c.cw, 3), np.float32)
    full_a = np.zeros((c.ch, c.cw), np.float32)
    full_rgb[:h], full_a[:h] = rgb, alpha
    return c.layer("clouds", full_rgb, full_a, 60.0, drift=(c.width * 0.012, 0.0), wrap=True)


def ridge(
    c: Canvas,
    name: str,
    depth: float,
    base_frac: float,
    height_frac: float,
    colour,
    distance: float,
    sharp: bool = True,
    snow: float = 0.0,
    cell: float = 0.25,
    texture: float = 0.25,
    reach: float = 0.16,
) -> Layer:
    """A silhouette ridge (mountains, hills, dunes) whose foot sits ``base_frac`` of the frame below the horizon.

    It stops ``reach`` of the frame below its foot: nearer planes cover the rest, and an empty band costs nothing."""
    lt = c.light
    prof = ridge_profile(c.cw, c.cw * cell, c.seed, name, sharp=sharp)
    base = c.horizon + base_frac * c.height
    top = base - (0.25 + 0.75 * prof) * height_frac * c.height
    alpha = ground_mask(top, c.ch)
    alpha[int(base + reach * c.height) :] = 0
    ys = np.arange(c.ch, dtype=np.float32)[:, None]
    detail = fbm(c.ch, c.cw, c.height * 0.12, c.seed, name + "-rock", 4, gain=0.45)
    slope = cv2.GaussianBlur(np.gradient(top).reshape(1, -1).astype(np.float32), (0, 0), 6)  # (1, cw)
    faces = cv2.Sobel(detail, cv2.CV_32F, 1, 0, ksize=5) * (c.height * 0.01)  # rock faces turned to the sun
    light_side = np.clip(
        0.82 - np.tanh(slope * 0.5) * 0.22 + np.tanh(faces * 0.4) * texture * 0.5 + (detail - 0.5) * texture * 0.5,
        0.35,
        1.25,
    )
    col = np.asarray(colour, np.float32) * np.asarray(lt.ambient, np.float32)
    rgb = col * light_side[..., None]
    if snow > 0:
        height_above = (base - ys) / max(height_frac * c.height, 1)
        cap = smoothstep(snow, snow + 0.08, height_above + (detail - 0.5) * 0.35) * np.clip(light_side, 0.5, 1.2)
        rgb = (
            rgb * (1 - cap[..., None]) + np.array([235, 240, 250], np.float32) * np.asarray(lt.ambient) * cap[..., None]
        )
    fog_low = np.clip((ys - top[None, :]) / max(base - top.min(), 1), 0, 1)[..., None] * 0.3
    rgb = aerial(rgb, lt, np.clip(distance + fog_low, 0, 0.95))
    return c.layer(name, rgb, alpha, depth)


def ground(
    c: Canvas,
    name: str,
    depth: float,
    top_frac: float,
    colour,
    roll: float = 0.02,
    texture: str = "grass",
    distance: float = 0.0,
) -> Layer:
    """Near ground from ``top_frac`` of the frame below the horizon to the bottom, gently rolling, textured."""
    lt = c.light
    prof = ridge_profile(c.cw, c.cw * 0.5, c.seed, name, sharp=False)
    top = c.horizon + top_frac * c.height - prof * roll * c.height
    alpha = ground_mask(top, c.ch)
    ys = np.arange(c.ch, dtype=np.float32)[:, None]
    n = fbm(c.ch, c.cw, c.height * 0.05, c.seed, name + "-tex", 5)
    col = np.asarray(colour, np.float32)
    if texture == "fields":
        band = np.floor((ys - c.horizon) / (c.height * 0.035) + n * 1.5) % 3
        tints = np.array([[1.0, 1.0, 1.0], [1.25, 1.1, 0.6], [0.8, 0.95, 0.7]], np.float32)
        rgb = col * tints[band.astype(int)] * (0.85 + 0.3 * n[..., None])
    elif texture == "sand":
        ripple = np.sin((ys * 0.9 + n * 40) * 0.35) * 0.06
        rgb = col * (0.9 + 0.2 * n[..., None] + ripple[..., None])
    elif texture == "snow":
        rgb = col * (0.88 + 0.14 * n[..., None])
    else:
        blades = fbm(c.ch, c.cw, 3, c.seed, name + "-blades", 2)
        rgb = col * (0.7 + 0.35 * n[..., None] + 0.25 * (blades[..., None] - 0.5))
    near = smoothstep(c.horizon, c.ch, ys)[..., None]
    rgb = rgb * np.asarray(lt.ambient, np.float32) * (0.8 + 0.25 * near)
    rgb = aerial(rgb, lt, np.clip(distance + (1 - near) * 0.35, 0, 0.9))
    return c.layer(name, rgb, alpha, depth)


def water(c: Canvas, depth: float = 3.0, top_frac: float = 0.0, calm: bool = False) -> list[Layer]:
    """Sea or lake from the horizon down, plus a half-resolution overlay of moving glints and troughs
    (two ripple fields scrolled in perspective)."""
    lt = c.light
    top = c.horizon + int(top_frac * c.height)
    h = c.ch - top
    ys = np.arange(h, dtype=np.float32)[:, None]
    near = (ys / h) ** 0.7
    deep, far = np.asarray(lt.water[0], np.float32), np.asarray(lt.water[1], np.float32)
    base = far * (1 - near[..., None]) + deep * near[..., None]
    base = np.broadcast_to(base, (h, c.cw, 3)).copy()
    xs = np.arange(c.cw, dtype=np.float32)[None, :]
    if lt.sun_height > -0.5:
        path = np.exp(-(((xs - c.cw * 0.66) / (c.width * (0.05 + 0.12 * near))) ** 2)) * (1 - near * 0.7)
        base += path[..., None] * (np.asarray(lt.sun, np.float32) - base) * 0.45
    rgb_full = np.zeros((c.ch, c.cw, 3), np.float32)
    a_full = np.zeros((c.ch, c.cw), np.float32)
    rgb_full[top:] = base
    a_full[top:] = 1.0
    sea = c.layer("water", rgb_full, a_full, depth)
    # ripple textures in water-plane coordinates; screen rows map to plane rows with perspective
    sh, sw = max(h // 2, 4), c.cw // 2
    plane_h = 256
    r1 = fbm(plane_h, 512, 24, c.seed, "ripple1", 3, wrap_x=True)
    r2 = fbm(plane_h, 512, 40, c.seed, "ripple2", 3, wrap_x=True)
    row = np.arange(sh, dtype=np.float32)[:, None] + 1.0
    persp = np.minimum(sh / row, 30.0)  # distance of each screen row; far rows are compressed
    map_y = np.ascontiguousarray(np.broadcast_to(persp * sh * 0.6, (sh, sw)), np.float32)
    map_x = np.ascontiguousarray(
        np.broadcast_to((np.arange(sw, dtype=np.float32)[None, :] - sw / 2) * persp * 0.3, (sh, sw)), np.float32
    )
    amount, speed = (0.35, 8.0) if calm else (0.7, 20.0)
    strength = (np.clip(1.1 - row / sh * 0.6, 0, 1) * smoothstep(0, 6, row) * amount * 4 * 255).astype(np.float32)
    glint = (
        np.asarray(lt.sun if lt.sun_height > -0.5 else (200, 210, 235), np.float32) * 0.6
        + np.asarray(lt.sky[2], np.float32) * 0.4
    )
    overlay = np.zeros((sh, sw, 4), np.uint8)
    overlay[..., :3] = np.clip(glint * 1.1 + 20, 0, 255)
    period, first, _ = wave_breaks(c.seed, 0.0)

    def animate(t: float) -> np.ndarray:
        wrap = cv2.BORDER_WRAP
        a = cv2.remap(r1, map_x + t * speed * 0.3, map_y - t * speed, cv2.INTER_LINEAR, borderMode=wrap)
        b = cv2.remap(r2, map_x - t * speed * 0.2, map_y - t * speed * 0.7, cv2.INTER_LINEAR, borderMode=wrap)
        wave = cv2.add(a, b)  # 0..2, mean about 1
        wave -= 1.12
        wave *= strength if calm else strength * surf_level(t, period, first)  # foam brightens as a wave breaks
        out = overlay.copy()
        out[..., 3] = np.clip(wave, 0, 255)
        return out

    glints = Layer(
        "water-glints", overlay, depth, origin=(-c.mx, top - c.my), animate=animate, scale=2.0, box=(0, 0, sw, sh)
    )
    return [sea, glints]
