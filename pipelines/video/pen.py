"""A small drawing kit for subject sprites: unit-box coordinates, 3x supersampling (anti-aliasing),
lit surfaces shaded by the time of day and emissive parts (lamps, flames, windows) that stay bright."""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image, ImageDraw

SUPERSAMPLE = 3


class Pen:
    """Draw on a ``width`` x ``height`` sprite with coordinates in 0..1 of the box (y down)."""

    def __init__(self, width: int, height: int):
        self.w, self.h = max(int(width), 4), max(int(height), 4)
        size = (self.w * SUPERSAMPLE, self.h * SUPERSAMPLE)
        self.body = Image.new("RGBA", size, (0, 0, 0, 0))
        self.light = Image.new("RGBA", size, (0, 0, 0, 0))
        self._body = ImageDraw.Draw(self.body)
        self._light = ImageDraw.Draw(self.light)

    def _xy(self, pts):
        sx, sy = self.w * SUPERSAMPLE, self.h * SUPERSAMPLE
        return [(x * sx, y * sy) for x, y in pts]

    def _draw(self, emit: bool) -> ImageDraw.ImageDraw:
        return self._light if emit else self._body

    def poly(self, pts, fill, emit: bool = False) -> None:
        self._draw(emit).polygon(self._xy(pts), fill=_rgba(fill))

    def rect(self, x0, y0, x1, y1, fill, emit: bool = False) -> None:
        self._draw(emit).rectangle(self._xy([(x0, y0), (x1, y1)]), fill=_rgba(fill))

    def ellipse(self, x0, y0, x1, y1, fill, emit: bool = False) -> None:
        self._draw(emit).ellipse(self._xy([(x0, y0), (x1, y1)]), fill=_rgba(fill))

    def line(self, pts, fill, width: float = 0.01, emit: bool = False) -> None:
        px = max(1, int(width * self.w * SUPERSAMPLE))
        self._draw(emit).line(self._xy(pts), fill=_rgba(fill), width=px, joint="curve")

    def arc_points(self, cx, cy, rx, ry, a0, a1, n: int = 24) -> list[tuple[float, float]]:
        t = np.linspace(np.radians(a0), np.radians(a1), n)
        return [(cx + rx * np.cos(a), cy + ry * np.sin(a)) for a in t]

    def shade_columns(self, x0: float, x1: float, y0: float = 0.0, y1: float = 1.0, lit: float = 0.7) -> None:
        """Shade a round body (tower, hull, envelope) across x0..x1: bright toward ``lit`` (0..1), dark at the rim."""
        arr = np.asarray(self.body).astype(np.float32)
        sx, sy = self.w * SUPERSAMPLE, self.h * SUPERSAMPLE
        a, b = int(x0 * sx), max(int(x1 * sx), int(x0 * sx) + 1)
        r0, r1 = int(y0 * sy), int(y1 * sy)
        u = (np.arange(a, b, dtype=np.float32) - a) / (b - a)
        f = 0.55 + 0.6 * np.clip(np.cos((u - lit) * np.pi * 0.9), 0, 1) ** 0.8  # (cols,)
        arr[r0:r1, a:b, :3] *= f[None, :, None]
        self.body = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
        self._body = ImageDraw.Draw(self.body)

    def finish(self, ambient=(1.0, 1.0, 1.0), glow: float = 0.0) -> np.ndarray:
        """The sprite as uint8 (h, w, 4): the body lit by ``ambient``, then emissive parts (with a halo if ``glow``)."""
        size = (self.w, self.h)
        body = cv2.resize(np.asarray(self.body).astype(np.float32), size, interpolation=cv2.INTER_AREA)
        body[..., :3] *= np.asarray(ambient, np.float32)
        emit = cv2.resize(np.asarray(self.light).astype(np.float32), size, interpolation=cv2.INTER_AREA)
        if glow > 0 and emit[..., 3].any():  # the halo is blurred at final size: cheap, and it is soft anyway
            halo = cv2.GaussianBlur(emit, (0, 0), max(glow * self.w, 0.5))
            emit = _over(emit, halo * np.array([1, 1, 1, 0.8], np.float32))
        return np.clip(_over(emit, body), 0, 255).astype(np.uint8)


def _over(top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
    """Straight-alpha 'over' of float (h, w, 4) 0..255 images."""
    ta, ba = top[..., 3:4] / 255, bottom[..., 3:4] / 255
    out_a = ta + ba * (1 - ta)
    rgb = (top[..., :3] * ta + bottom[..., :3] * ba * (1 - ta)) / np.maximum(out_a, 1e-6)
    return np.concatenate([rgb, out_a * 255], axis=-1)


def _rgba(fill) -> tuple[int, int, int, int]:
    fill = tuple(int(max(0, min(255, v))) for v in fill)
    return fill if len(fill) == 4 else fill + (255,)  # type: ignore[return-value]
