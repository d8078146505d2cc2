"""Light and colour: a palette per time of day and a grade per style, applied to layers once per shot."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class Light:
    """How a time of day lights the scene. Colours are sRGB 0..255; ``ambient`` multiplies lit surfaces."""

    sky: tuple[RGB, RGB, RGB]  # zenith, middle, horizon
    sun: RGB
    sun_height: float  # 0 = horizon, 1 = top of the frame; below 0: not visible
    ambient: tuple[float, float, float]
    haze: RGB  # aerial perspective: far layers fade toward this
    water: tuple[RGB, RGB]  # deep, near horizon
    stars: bool = False
    moon: bool = False
    brightness: float = 1.0


LIGHTS: dict[str, Light] = {
    "dawn": Light(
        ((58, 74, 128), (196, 140, 160), (255, 190, 140)),
        (255, 214, 170),
        0.12,
        (0.95, 0.82, 0.80),
        (214, 170, 170),
        ((40, 60, 96), (200, 150, 150)),
        brightness=0.85,
    ),
    "day": Light(
        ((52, 110, 200), (110, 165, 225), (190, 215, 235)),
        (255, 250, 230),
        0.8,
        (1.0, 1.0, 1.0),
        (175, 200, 222),
        ((22, 74, 118), (120, 170, 200)),
    ),
    "golden hour": Light(
        ((70, 100, 160), (230, 170, 110), (255, 200, 120)),
        (255, 220, 150),
        0.18,
        (1.05, 0.88, 0.68),
        (230, 180, 130),
        ((40, 60, 90), (235, 170, 100)),
    ),
    "dusk": Light(
        ((28, 30, 78), (130, 70, 120), (250, 130, 80)),
        (255, 150, 90),
        0.04,
        (0.62, 0.52, 0.62),
        (150, 96, 120),
        ((18, 24, 52), (190, 100, 90)),
        stars=False,
        brightness=0.7,
    ),
    "night": Light(
        ((6, 10, 26), (14, 24, 52), (34, 48, 82)),
        (230, 235, 255),
        -1.0,
        (0.30, 0.36, 0.52),
        (32, 42, 70),
        ((6, 12, 26), (30, 44, 72)),
        stars=True,
        moon=True,
        brightness=0.45,
    ),
}


def shade(rgb: RGB, light: Light, factor: float = 1.0) -> RGB:
    """A surface colour under ``light`` (ambient multiply), scaled by ``factor`` for shadowed sides."""
    return tuple(int(np.clip(c * a * factor, 0, 255)) for c, a in zip(rgb, light.ambient, strict=False))  # type: ignore[return-value]


def aerial(rgb: np.ndarray | RGB, light: Light, distance: float) -> np.ndarray:
    """Fade a colour toward the haze by ``distance`` (0 = near, 1 = lost in haze); float32 (..., 3)."""
    rgb = np.asarray(rgb, np.float32)
    return rgb * (1 - distance) + np.asarray(light.haze, np.float32) * distance


def grade(rgb: np.ndarray, style: str) -> np.ndarray:
    """Apply a style's colour grade to float32 (..., 3) 0..255 colours; returns float32 0..255."""
    if not style:
        return rgb
    luma = rgb @ np.array([0.299, 0.587, 0.114], np.float32)
    if style == "noir":
        y = np.clip((255 * (luma[..., None] / 255) ** 0.7 - 128) * 1.3 + 128, 0, 255)  # lift shadows, then contrast
        return np.broadcast_to(y, rgb.shape).astype(np.float32) * np.array([1.0, 0.99, 0.95], np.float32)
    if style == "neon":
        sat = luma[..., None] + (rgb - luma[..., None]) * 1.6
        tint = np.array([1.12, 0.78, 1.18], np.float32)
        return np.clip(sat * tint * 0.9 + np.array([10, 0, 22], np.float32), 0, 255)
    if style == "pastel":
        soft = luma[..., None] + (rgb - luma[..., None]) * 0.55
        return np.clip(soft * 0.7 + np.array([82, 74, 86], np.float32), 0, 255)
    if style == "watercolour":
        soft = luma[..., None] + (rgb - luma[..., None]) * 0.8
        quant = np.round(soft / 24) * 24
        return np.clip((soft * 0.5 + quant * 0.5) * 0.78 + np.array([60, 56, 48], np.float32), 0, 255)
    return rgb
