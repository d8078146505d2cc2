"""Turn a Scene into layers (back to front) and screen effects: the art direction of the draft engine.

Subjects are placed where a director would frame them (the main one large, on a third), standing
on ground at their own depth so parallax never makes them slide.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np

from pipelines.video import effects
from pipelines.video import subjects_nature as nature
from pipelines.video.backdrops import Canvas, clouds, ground, ridge, sky, water
from pipelines.video.compose import Layer, rgba_from
from pipelines.video.noise import fbm, gradient, rng, smoothstep
from pipelines.video.palette import grade
from pipelines.video.pen import Pen
from pipelines.video.scene import Scene


@dataclass
class Staging:
    """Everything needed to render a shot: layers back to front, then overlays on the frame."""

    layers: list[Layer]
    overlays: list[effects.Overlay] = field(default_factory=list)
    focus_depth: float = 3.0
    soft: int = 0  # layers[:soft] are far and soft-edged: rendered at half resolution, then enlarged


def sprite(c: Canvas, name: str, rgba: np.ndarray, depth: float, x_frac: float, base_y: float, **kw) -> Layer:
    """A sprite layer whose bottom centre stands at (``x_frac`` of the width, ``base_y`` screen rows)."""
    rgba = np.ascontiguousarray(rgba)
    if c.style:
        rgb = grade(rgba[..., :3].astype(np.float32), c.style)
        rgba = rgba_from(rgb, rgba[..., 3] / 255)
    h, w = rgba.shape[:2]
    return Layer(name, rgba, depth, origin=(x_frac * c.width - w / 2, base_y - h), **kw)


def _animated_sprite(
    c: Canvas,
    name: str,
    size: tuple[int, int],
    depth: float,
    x_frac: float,
    base_y: float,
    draw,
    fps_cache: float = 12.0,
    glow: float = 0.0,
    **kw,
) -> Layer:
    """A sprite redrawn over time by ``draw(pen, t)`` (flames, jellyfish, sails), cached at ``fps_cache``
    steps per second and cross-faded between steps so motion stays smooth."""
    cache: dict[int, np.ndarray] = {}

    def at_step(k: int) -> np.ndarray:
        if k not in cache:
            if len(cache) > 64:
                cache.clear()
            pen = Pen(*size)
            draw(pen, k / fps_cache)
            rgba = pen.finish(glow=glow)
            if c.style:
                rgba = rgba_from(grade(rgba[..., :3].astype(np.float32), c.style), rgba[..., 3] / 255)
            cache[k] = rgba
        return cache[k]

    def animate(t: float) -> np.ndarray:
        k = int(math.floor(t * fps_cache))
        f = t * fps_cache - k
        a, b = at_step(k), at_step(k + 1)
        return cv2.addWeighted(a, 1 - f, b, f, 0) if f > 1e-3 else a

    first = at_step(0)
    layer = sprite(c, name, first, depth, x_frac, base_y, animate=animate, **kw)
    layer.box = (0, 0, size[0], size[1])
    return layer


def backdrop(c: Canvas, s: Scene) -> list[Layer]:
    """The environment's far-to-near planes (no subjects)."""
    env = s.environment
    night = s.time_of_day == "night"
    out: list[Layer] = []
    if env == "underwater":
        deep = "jellyfish" in s.subjects
        rgb = gradient(
            c.ch,
            c.cw,
            [(0, (20, 90, 130)), (0.5, (6, 36, 70)), (1, (2, 10, 26))]
            if deep
            else [(0, (40, 140, 170)), (0.5, (12, 70, 110)), (1, (4, 24, 50))],
        )
        out.append(c.layer("sea", rgb, np.ones((c.ch, c.cw), np.float32), math.inf))
        if deep:  # open water: jellyfish are seen against the dark, with no shafts (they read as curtains)
            return out
        out.append(_god_rays(c))
        out.append(ridge(c, "reef-far", 6, 0.25, 0.25, (40, 80, 100), 0.5, sharp=False))
        out.append(ground(c, "seabed", 1.6, 0.22, (190, 170, 120), texture="sand"))
        return out
    if env == "interior":
        rgb = gradient(c.ch, c.cw, [(0, (22, 16, 14)), (0.6, (46, 32, 26)), (1, (30, 20, 16))])
        out.append(c.layer("wall", rgb, np.ones((c.ch, c.cw), np.float32), math.inf))
        out.append(ground(c, "table", 1.5, 0.12, (120, 76, 44), roll=0.0, texture="wood"))
        return out
    out.append(sky(c, s.sky, env))
    if env == "space":
        out.append(_planet(c))
        return out
    if "clouds" in s.sky or "storm" in s.sky or (not night and env not in ("desert",)):
        out.append(clouds(c, "storm" in s.sky, night, 0.45 if "clouds" in s.sky else 0.56))
    if env in ("coast", "lake"):
        if env == "lake":
            far = ridge(c, "mountains-far", 12, 0.0, 0.3, (110, 120, 140), 0.45, snow=0.7, reach=0.02)
            sea, glints = water(c, 3.0, calm=True)
            out += [far, sea, _reflection(c, far), glints]
        else:
            out.append(ridge(c, "headland", 14, 0.0, 0.06, (90, 100, 96), 0.55, sharp=False, cell=0.6, reach=0.02))
            out += water(c, 3.0)
        out.append(
            ground(
                c,
                "shore",
                1.3,
                0.34,
                (120, 110, 96) if env == "coast" else (70, 100, 60),
                roll=0.05,
                texture="rock" if env == "coast" else "grass",
            )
        )
    elif env == "mountains":
        out.append(ridge(c, "peaks", 16, 0.0, 0.42, (120, 124, 140), 0.4, snow=0.55))
        out.append(ridge(c, "ridges", 7, 0.06, 0.26, (80, 96, 80), 0.22, snow=0.85))
        out.append(ground(c, "valley", 1.6, 0.18, (88, 130, 60)))
    elif env == "desert":
        out.append(ridge(c, "mesas", 14, 0.0, 0.16, (190, 120, 80), 0.35, sharp=False, cell=0.35))
        out.append(ridge(c, "dunes", 5, 0.08, 0.12, (220, 170, 110), 0.1, sharp=False, cell=0.5, texture=0.1))
        out.append(ground(c, "sand", 1.6, 0.2, (226, 186, 130), texture="sand"))
    elif env == "forest":
        out.append(ridge(c, "hills-far", 14, 0.0, 0.14, (60, 90, 80), 0.45, sharp=False))
        out += _tree_row(c, 6, 0.04, 0.22, 24, "row-far", 0.35)
        out += _tree_row(c, 3, 0.12, 0.36, 12, "row-near", 0.12)
        out.append(ground(c, "forest-floor", 1.6, 0.26, (70, 90, 50)))
    elif env == "snowfield":
        out.append(ridge(c, "ice-peaks", 14, 0.0, 0.3, (200, 210, 228), 0.35, snow=0.2))
        out.append(ridge(c, "drifts", 5, 0.06, 0.1, (230, 236, 245), 0.12, sharp=False, cell=0.5, texture=0.1))
        out.append(ground(c, "snow", 1.6, 0.18, (240, 244, 250), texture="snow"))
    elif env == "city":
        out.append(_skyline(c, 9, 0.32, "skyline-far", 0.4, night or s.time_of_day == "dusk"))
        out.append(_skyline(c, 4, 0.22, "skyline-near", 0.1, night or s.time_of_day == "dusk"))
        out.append(ground(c, "street", 1.6, 0.3, (70, 70, 74), roll=0.0, texture="rock"))
    else:  # meadow, farmland
        out.append(ridge(c, "hills-far", 14, 0.0, 0.12, (90, 120, 110), 0.45, sharp=False))
        out.append(ridge(c, "hills", 5, 0.06, 0.12, (110, 150, 70), 0.12, sharp=False, cell=0.6))
        out.append(
            ground(
                c,
                "fields" if env == "farmland" else "meadow",
                1.6,
                0.22,
                (150, 140, 70) if env == "farmland" else (96, 150, 60),
                texture="fields" if env == "farmland" else "grass",
            )
        )
    return out


def _god_rays(c: Canvas) -> Layer:
    """Shafts of light from the surface that sway slowly (quarter resolution)."""
    h, w = c.ch // 4, c.cw // 4
    n = fbm(1, w * 2, 18, c.seed, "rays", 3, wrap_x=True)[0]
    ys = np.arange(h, dtype=np.float32)[:, None]
    fade = smoothstep(h * 0.9, 0, ys)
    out = np.zeros((h, w, 4), np.uint8)
    out[..., :3] = (170, 230, 240)

    def animate(t: float) -> np.ndarray:
        xs = (np.arange(w)[None, :] + ys * 0.4 + 6 * math.sin(0.3 * t)).astype(int) % (w * 2)
        rays = np.clip((n[xs] - 0.5) * 3, 0, 1) * fade * 0.35
        frame = out.copy()
        frame[..., 3] = (rays * 255).astype(np.uint8)
        return frame

    return Layer("light-rays", out, 20, origin=(-c.mx, -c.my), animate=animate, scale=4.0, box=(0, 0, w, h))


def _planet(c: Canvas) -> Layer:
    """A lit planet with banded clouds, far away."""
    r = int(c.height * 0.28)
    ys, xs = np.mgrid[-r:r, -r:r].astype(np.float32) / r
    d = np.sqrt(xs**2 + ys**2)
    band = fbm(2 * r, 2 * r, r / 3, c.seed, "planet", 4)
    rgb = np.array([70, 110, 190], np.float32) * (0.7 + 0.5 * band[..., None])
    lit = np.clip(0.2 + 0.9 * (0.6 - xs * 0.6 - ys * 0.4), 0.05, 1.1)
    rgb = rgb * lit[..., None]
    alpha = np.clip((1 - d) * r, 0, 1)
    return sprite(c, "planet", rgba_from(rgb, alpha), 30, 0.25, c.height * 0.55)


def _reflection(c: Canvas, far: Layer) -> Layer:
    """A darker, mirrored, slightly blurred copy of the far range in the water (same depth)."""
    h = c.horizon
    above = far.rgba[:h]
    flipped = above[::-1].copy()
    flipped[..., :3] = (flipped[..., :3] * 0.6).astype(np.uint8)
    flipped[..., 3] = (flipped[..., 3] * 0.55).astype(np.uint8)
    flipped = cv2.GaussianBlur(flipped, (0, 0), 1.5)
    out = np.zeros_like(far.rgba)
    n = min(h, c.ch - h)
    out[h : h + n] = flipped[:n]
    return Layer("reflection", out, far.depth, origin=far.origin)


def _tree_row(
    c: Canvas, depth: float, base_frac: float, height_frac: float, count: int, name: str, haze: float
) -> list[Layer]:
    """A band of conifers across the canvas, lightly hazed by distance."""
    gen = rng(c.seed, name)
    th = int(c.height * height_frac)
    tw = int(th / 2.2)
    pen = Pen(tw, th)
    nature.draw_conifer(pen)
    tree = pen.finish(c.light.ambient)
    band = np.zeros((th + 8, c.cw, 4), np.float32)
    for _ in range(count * 2):
        x = int(gen.random() * (c.cw - tw))
        s = 0.7 + gen.random() * 0.3
        t2 = cv2.resize(tree, (max(2, int(tw * s)), max(2, int(th * s))), interpolation=cv2.INTER_AREA)
        y = band.shape[0] - t2.shape[0]
        a = t2[..., 3:4].astype(np.float32) / 255
        region = band[y : y + t2.shape[0], x : x + t2.shape[1]]
        region[..., :3] = region[..., :3] * (1 - a) + t2[..., :3] * a
        region[..., 3:] = np.maximum(region[..., 3:], t2[..., 3:])
    band[..., :3] = band[..., :3] * (1 - haze) + np.asarray(c.light.haze, np.float32) * haze
    base_y = c.height * (c.horizon_frac + base_frac)
    layer = Layer(
        name,
        rgba_from(grade(band[..., :3], c.style), band[..., 3] / 255),
        depth,
        origin=(-c.mx, base_y - band.shape[0]),
    )
    return [layer]


def _skyline(c: Canvas, depth: float, height_frac: float, name: str, haze: float, lit: bool) -> Layer:
    """Rectangular towers with window grids (lit at dusk and night)."""
    gen = rng(c.seed, name)
    rgb = np.zeros((c.ch, c.cw, 3), np.float32)
    alpha = np.zeros((c.ch, c.cw), np.float32)
    base = c.horizon + int(0.05 * c.height)
    x = 0
    win = np.array((255, 210, 130), np.float32)
    while x < c.cw:
        bw = int((0.04 + gen.random() * 0.07) * c.width)
        bh = int((0.3 + gen.random() * 0.7) * height_frac * c.height)
        tone = np.array((70, 76, 90), np.float32) * (0.7 + 0.5 * gen.random()) * np.asarray(c.light.ambient)
        rgb[base - bh : base, x : x + bw] = tone
        alpha[base - bh : base, x : x + bw] = 1
        if lit:
            wy, wx = np.mgrid[base - bh + 6 : base - 4 : 9, x + 4 : min(x + bw - 4, c.cw - 2) : 7]
            on = gen.random(wy.shape) < 0.45
            rgb[wy[on], wx[on]] = win
            rgb[wy[on] + 1, wx[on]] = win
            rgb[wy[on], wx[on] + 1] = win
        x += bw + int(gen.random() * 6)
    rgb = rgb * (1 - haze) + np.asarray(c.light.haze, np.float32) * haze * alpha[..., None]
    return c.layer(name, rgb, alpha, depth)
