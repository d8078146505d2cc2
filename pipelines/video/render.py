"""Render a staged shot frame by frame into an MP4 and a poster PNG."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from pipelines.base import CancelToken, ProgressFn
from pipelines.video.compose import Camera, composite
from pipelines.video.encode import VideoWriter
from pipelines.video.layout import Staging

PREVIEW_EVERY = 12  # frames between preview images sent with progress
PREVIEW_WIDTH = 192


def render_frame(staging: Staging, camera: Camera, t: float) -> Image.Image:
    """One RGBA frame at time ``t`` seconds: layers back to front, then overlays."""
    w, h = camera.width, camera.height
    if staging.soft:
        back = Image.new("RGBA", ((w + 1) // 2, (h + 1) // 2), (0, 0, 0, 255))
        for layer in staging.layers[: staging.soft]:
            composite(back, layer, camera, t, 0.5)
        big = cv2.resize(np.asarray(back), (back.width * 2, back.height * 2), interpolation=cv2.INTER_LINEAR)
        frame = Image.fromarray(np.ascontiguousarray(big[:h, :w]), "RGBA")
    else:
        frame = Image.new("RGBA", (w, h), (0, 0, 0, 255))
    for layer in staging.layers[staging.soft :]:
        composite(frame, layer, camera, t)
    for overlay in staging.overlays:
        overlay(frame, t)
    return frame


def frame_count(duration: float, fps: int) -> int:
    return max(1, int(round(duration * fps)))


def render_shot(
    staging: Staging,
    camera: Camera,
    fps: int,
    duration: float,
    video: Path,
    poster: Path,
    progress: ProgressFn,
    cancel: CancelToken,
    span: tuple[float, float] = (0.0, 1.0),
    post: Callable[[Image.Image, float], Image.Image] | None = None,
) -> int:
    """Render every frame into ``video`` (H.264 MP4) and the middle frame into ``poster``; returns the frame count.

    ``span`` maps this shot's progress into the job's (variations share one bar); ``post`` may
    replace each frame (the end-image dissolve).
    """
    n = frame_count(duration, fps)
    poster_index = n // 2
    lo, hi = span
    with VideoWriter(video, camera.width, camera.height, fps) as out:
        for i in range(n):
            cancel.check()
            t = i / fps
            frame = render_frame(staging, camera, t)
            if post is not None:
                frame = post(frame, t)
            out.write(frame.tobytes())
            if i == poster_index:
                tmp = poster.with_name(f".{poster.name}.part")
                frame.convert("RGB").save(tmp, format="PNG")
                tmp.replace(poster)
            if i % PREVIEW_EVERY == 0 or i == n - 1:
                preview_h = max(2, int(round(PREVIEW_WIDTH * camera.height / camera.width)))
                small = np.asarray(frame.convert("RGB").resize((PREVIEW_WIDTH, preview_h)))  # (ph, 192, 3)
                progress(lo + (hi - lo) * (i + 1) / n, f"frame {i + 1}/{n}", small)
    return n
