"""Layers, the camera and the per-frame compositor of the 2.5D scene renderer.

Layers are RGBA images (built once per shot) placed at a depth; the camera turns a time into
one affine transform per depth (parallax: near layers move and grow more), and the compositor
warps only each layer's visible box and alpha-composites it over the frame. Everything per frame
is OpenCV/Pillow C code, so a 1280x720 frame costs a few milliseconds.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image

from pipelines.video.noise import rng

# An animation hook: (t seconds, layer) -> new RGBA content of the same shape, or None to keep the base.
Animate = Callable[[float], np.ndarray]
# A motion hook: t seconds -> (dx, dy) extra offset in the layer's own pixels (a ship bobbing, a balloon rising).
Motion = Callable[[float], tuple[float, float]]


@dataclass
class Layer:
    """One plane of the scene: ``rgba`` uint8 (h, w, 4), straight alpha, whose pixel (0, 0) sits at ``origin``
    in rest screen coordinates. ``depth`` 1 is the nearest plane; ``math.inf`` never moves (the sky)."""

    name: str
    rgba: np.ndarray
    depth: float
    origin: tuple[float, float] = (0.0, 0.0)
    drift: tuple[float, float] = (0.0, 0.0)  # px/s in layer pixels (clouds, fog)
    wrap: bool = False  # tile horizontally (for drifting layers)
    animate: Animate | None = None
    motion: Motion | None = None
    box: tuple[int, int, int, int] = field(default=(0, 0, 0, 0))  # x0, y0, x1, y1 of non-transparent pixels
    scale: float = 1.0  # canvas pixels per layer pixel (slow-varying layers are stored smaller)

    def __post_init__(self) -> None:
        if self.rgba.dtype != np.uint8 or self.rgba.ndim != 3 or self.rgba.shape[2] != 4:
            raise ValueError(f"layer {self.name!r} must be uint8 (h, w, 4), got {self.rgba.dtype} {self.rgba.shape}")
        if self.box == (0, 0, 0, 0):
            alpha = self.rgba[..., 3]
            rows = np.flatnonzero(alpha.max(axis=1))
            cols = np.flatnonzero(alpha.max(axis=0))
            if rows.size:
                self.box = (int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1)
            if self.wrap:
                self.box = (0, self.box[1], self.rgba.shape[1], self.box[3])


CAMERA_REACH = (0.14, 0.12)  # how far (fraction of width, height) a full-speed move travels over a shot


@dataclass
class Camera:
    """A camera move over a shot of ``duration`` seconds on a ``width`` x ``height`` frame.

    ``at(t, depth)`` gives the 2x3 affine matrix from rest screen coordinates to the frame. Conventions
    (checked by the quality bench): pan-left moves the picture right, tilt-up moves it down, push-in
    enlarges it, pull-out shrinks it.
    """

    move: str
    width: int
    height: int
    duration: float
    speed: float = 1.0
    focus_depth: float = 3.0  # the subject's depth: orbit turns around it
    seed: int = 0

    def __post_init__(self) -> None:
        gen = rng(self.seed, "handheld")
        self._shake = gen.random((3, 4)) * 2 * math.pi  # phases for x, y, roll

    def ease(self, t: float) -> float:
        x = min(max(t / max(self.duration, 1e-6), 0.0), 1.0)
        return x * x * (3 - 2 * x) * 0.5 + x * 0.5  # starts moving at once, settles gently

    def at(self, t: float, depth: float) -> np.ndarray:
        e = self.ease(t)
        w, h = self.width, self.height
        inv = 0.0 if math.isinf(depth) else 1.0 / depth
        reach_x, reach_y = CAMERA_REACH[0] * w * self.speed, CAMERA_REACH[1] * h * self.speed
        scale, dx, dy, roll = 1.0, 0.0, 0.0, 0.0
        move = self.move
        if move in ("push-in", "pull-out"):
            travel = 0.22 * self.speed * (e if move == "push-in" else 1 - e)
            scale = (1 + 0.10 * travel / 0.22) / max(1 - travel * inv, 0.3)
        elif move in ("pan-left", "pan-right"):
            sign = 1.0 if move == "pan-left" else -1.0
            dx = sign * reach_x * (e - 0.5) * (0.45 + 0.55 * inv)
        elif move in ("tilt-up", "tilt-down"):
            sign = 1.0 if move == "tilt-up" else -1.0
            dy = sign * reach_y * (e - 0.5) * (0.6 + 0.4 * inv)
        elif move == "orbit":
            dx = reach_x * 1.6 * (e - 0.5) * (inv - 1.0 / self.focus_depth) * self.focus_depth * 0.5
            scale = 1.0 + 0.03 * math.sin(math.pi * e) * inv
        elif move == "handheld":
            p = self._shake
            amp = 0.006 * w * self.speed
            dx = amp * (
                math.sin(1.3 * t + p[0, 0]) + 0.5 * math.sin(2.9 * t + p[0, 1]) + 0.25 * math.sin(6.1 * t + p[0, 2])
            )
            dy = amp * (
                math.sin(1.1 * t + p[1, 0]) + 0.5 * math.sin(3.3 * t + p[1, 1]) + 0.25 * math.sin(5.3 * t + p[1, 2])
            )
            roll = 0.25 * (math.sin(0.9 * t + p[2, 0]) + 0.4 * math.sin(2.3 * t + p[2, 1]))
        # every layer is built with a margin, so scale never drops below 1 at rest framing
        cx, cy = w / 2, h / 2
        a = math.radians(roll)
        ca, sa = math.cos(a) * scale, math.sin(a) * scale
        if move == "handheld":
            ca, sa = ca * 1.03, sa * 1.03  # crop in a little so the shake never shows an edge
        return np.array([[ca, -sa, cx + dx - ca * cx + sa * cy], [sa, ca, cy + dy - sa * cx - ca * cy]], np.float64)


def layer_matrix(camera: Camera, layer: Layer, t: float) -> np.ndarray:
    """The 2x3 matrix from the layer's own pixels to the frame at time ``t``."""
    ox, oy = layer.origin
    if layer.motion is not None:
        mx, my = layer.motion(t)
        ox, oy = ox + mx, oy + my
    if layer.drift != (0.0, 0.0) and not layer.wrap:
        ox, oy = ox + layer.drift[0] * t, oy + layer.drift[1] * t
    cam = camera.at(t, layer.depth)
    shift = np.array([[layer.scale, 0, ox], [0, layer.scale, oy], [0, 0, 1]], np.float64)
    return cam @ shift


def composite(frame: Image.Image, layer: Layer, camera: Camera, t: float, frame_scale: float = 1.0) -> None:
    """Warp the visible box of ``layer`` for time ``t`` and alpha-composite it onto ``frame`` (RGBA) in place.

    ``frame_scale`` < 1 renders into a smaller frame (the soft background pass)."""
    rgba = layer.animate(t) if layer.animate is not None else layer.rgba
    m = layer_matrix(camera, layer, t)
    if frame_scale != 1.0:
        m = m * frame_scale
    x0, y0, x1, y1 = layer.box
    if x1 <= x0 or y1 <= y0:
        return
    w, h = frame.size
    if layer.wrap:
        shift = (layer.drift[0] * t) % rgba.shape[1]
        m = m @ np.array([[1, 0, -shift], [0, 1, 0], [0, 0, 1]], np.float64) if shift else m
        lw = rgba.shape[1]
        corners = np.array([[0, y0, 1], [lw, y0, 1], [0, y1, 1], [lw, y1, 1]], np.float64)
    else:
        corners = np.array([[x0, y0, 1], [x1, y0, 1], [x0, y1, 1], [x1, y1, 1]], np.float64)
    pts = corners @ m.T  # (4, 2)
    dx0 = max(int(math.floor(pts[:, 0].min())) - 1, 0) if not layer.wrap else 0
    dx1 = min(int(math.ceil(pts[:, 0].max())) + 1, w) if not layer.wrap else w
    dy0 = max(int(math.floor(pts[:, 1].min())) - 1, 0)
    dy1 = min(int(math.ceil(pts[:, 1].max())) + 1, h)
    if dx1 <= dx0 or dy1 <= dy0:
        return
    m = m.copy()
    m[0, 2] -= dx0
    m[1, 2] -= dy0
    border = cv2.BORDER_WRAP if layer.wrap else cv2.BORDER_CONSTANT
    warped = cv2.warpAffine(
        rgba, m, (dx1 - dx0, dy1 - dy0), flags=cv2.INTER_LINEAR, borderMode=border, borderValue=(0, 0, 0, 0)
    )
    frame.alpha_composite(
        Image.frombuffer("RGBA", (dx1 - dx0, dy1 - dy0), warped, "raw", "RGBA", 0, 1), dest=(dx0, dy0)
    )


def rgba_from(rgb: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """Pack float 0..255 colour (h, w, 3) and float 0..1 alpha (h, w) into uint8 (h, w, 4)."""
    out = np.empty(rgb.shape[:2] + (4,), np.uint8)
    out[..., :3] = np.clip(rgb, 0, 255)
    out[..., 3] = np.clip(alpha * 255, 0, 255)
    return out
