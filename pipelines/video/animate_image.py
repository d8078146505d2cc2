"""Image-to-video in the draft engine: the camera moves over a still with parallax between a
foreground and a background (split by GrabCut), plus ambient motion where the picture shows water
(shimmer) or sky (drifting clouds). It cannot invent motion of objects (a walking figure stays
still), and the provenance says what it found and did.
"""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, UnidentifiedImageError

from pipelines.base import RequestError
from pipelines.video.compose import Camera, Layer
from pipelines.video.layout import Staging
from pipelines.video.noise import fbm
from pipelines.video.scene import Scene

MAX_IMAGE_PIXELS = 40_000_000  # larger inputs are refused before decoding (decompression bombs)
MARGIN = 0.14


def load_image(path: str | Path, what: str = "start image") -> Image.Image:
    """Open an image safely: refuse non-images, truncated files and huge or bomb images with one clear line."""
    path = Path(path)
    if not path.is_file():
        raise RequestError(f"{what} {str(path)!r} does not exist")
    try:
        with Image.open(path) as im:
            w, h = im.size
            if w * h > MAX_IMAGE_PIXELS:
                raise RequestError(f"{what} {path.name} is {w}x{h} pixels; the limit is {MAX_IMAGE_PIXELS:,} pixels")
            im.load()
            return im.convert("RGB")
    except RequestError:
        raise
    except Image.DecompressionBombError as exc:
        raise RequestError(
            f"{what} {path.name} is too large to open safely (a decompression bomb? the limit is "
            f"{MAX_IMAGE_PIXELS:,} pixels): {exc}"
        ) from None
    except UnidentifiedImageError:
        raise RequestError(f"{what} {path.name} is not an image Pillow can read") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise RequestError(f"{what} {path.name} is damaged or truncated: {exc}") from None


def last_frame(video: str | Path) -> Image.Image:
    """The last frame of an earlier shot (for ``extend_from``)."""
    import imageio_ffmpeg

    try:
        reader = imageio_ffmpeg.read_frames(str(video))
        meta = next(reader)
        w, h = meta["size"]
        last = None
        for data in reader:
            last = data
    except (RuntimeError, OSError, StopIteration) as exc:
        raise RequestError(f"cannot continue from {Path(video).name}: it is not a readable video ({exc})") from None
    if last is None:
        raise RequestError(f"cannot continue from {Path(video).name}: it has no frames")
    return Image.frombytes("RGB", (w, h), bytes(last))


def load_start_image(request) -> Image.Image:
    if request.extend_from:
        return last_frame(request.extend_from)
    return load_image(request.image)


def _cover(image: Image.Image, w: int, h: int) -> np.ndarray:
    """Scale and centre-crop ``image`` to cover (h, w); returns uint8 (h, w, 3)."""
    s = max(w / image.width, h / image.height)
    im = image.resize((max(w, round(image.width * s)), max(h, round(image.height * s))), Image.LANCZOS)
    x0, y0 = (im.width - w) // 2, (im.height - h) // 2
    return np.asarray(im.crop((x0, y0, x0 + w, y0 + h)))


def foreground_mask(rgb: np.ndarray) -> np.ndarray:
    """Soft foreground mask, float32 (h, w) in 0..1, by GrabCut seeded with the centre and lower frame
    as probable foreground and the top border as background (a photo's usual depth layout)."""
    h, w = rgb.shape[:2]
    scale = 320 / max(h, w)
    small = cv2.resize(rgb, (max(8, int(w * scale)), max(8, int(h * scale))), interpolation=cv2.INTER_AREA)
    sh, sw = small.shape[:2]
    mask = np.full((sh, sw), cv2.GC_PR_BGD, np.uint8)
    mask[int(sh * 0.3) :, int(sw * 0.15) : int(sw * 0.85)] = cv2.GC_PR_FGD
    mask[: max(1, sh // 12)] = cv2.GC_BGD
    bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    cv2.setRNGSeed(0)
    try:
        cv2.grabCut(cv2.cvtColor(small, cv2.COLOR_RGB2BGR), mask, None, bgd, fgd, 3, cv2.GC_INIT_WITH_MASK)
    except cv2.error:
        return np.zeros((h, w), np.float32)
    fg = np.isin(mask, (cv2.GC_FGD, cv2.GC_PR_FGD)).astype(np.float32)
    fg = cv2.GaussianBlur(cv2.resize(fg, (w, h), interpolation=cv2.INTER_LINEAR), (0, 0), max(2.0, w / 300))
    return np.clip(fg, 0, 1)


def ambient_regions(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Masks (float32 (h, w)) of likely water (blue, smooth, lower half) and sky (bright or blue, smooth, top)."""
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV).astype(np.float32)
    gray = cv2.GaussianBlur(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32), (0, 0), 1.5)
    texture = cv2.GaussianBlur(np.abs(cv2.Laplacian(gray, cv2.CV_32F)), (0, 0), 5)  # fine-detail energy
    smooth = texture < 6
    h = rgb.shape[0]
    rows = np.arange(h, dtype=np.float32)[:, None] / h
    blue = (hsv[..., 0] > 85) & (hsv[..., 0] < 130) & (hsv[..., 1] > 40)
    water = blue & (rows > 0.5) & (texture < 14)
    sky = (blue | ((hsv[..., 2] > 170) & (hsv[..., 1] < 50))) & smooth & (rows < 0.45)
    clean = [
        cv2.GaussianBlur(
            cv2.morphologyEx(m.astype(np.uint8), cv2.MORPH_OPEN, np.ones((9, 9), np.uint8)).astype(np.float32),
            (0, 0),
            4,
        )
        for m in (water, sky)
    ]
    return clean[0], clean[1]


def stage_image(
    image: Image.Image, scene: Scene, w: int, h: int, duration: float, seed: int
) -> tuple[Staging, Camera, list[str]]:
    """Layers for animating a still: background (with the foreground filled in) far, foreground near."""
    mx, my = int(w * MARGIN), int(h * MARGIN)
    # the picture fills the frame exactly at rest (so an extended shot continues seamlessly); the margin that
    # camera moves may reveal is mirrored picture
    rgb = cv2.copyMakeBorder(_cover(image, w, h), my, my, mx, mx, cv2.BORDER_REFLECT_101)
    water, sky = ambient_regions(rgb)
    fg = foreground_mask(rgb) * (1 - water) * (1 - sky)  # open water and sky are background by nature
    notes = []
    hole = (fg > 0.5).astype(np.uint8) * 255
    back = cv2.inpaint(rgb, cv2.dilate(hole, np.ones((15, 15), np.uint8)), 5, cv2.INPAINT_TELEA) if hole.any() else rgb
    back_rgba = np.dstack([back, np.full(back.shape[:2], 255, np.uint8)])
    layers = [Layer("image-background", back_rgba, 6.0, origin=(-mx, -my))]
    share = float((fg > 0.5).mean())
    notes.append(f"parallax: foreground/background split by GrabCut (foreground {share:.0%} of the picture)")
    if water.mean() > 0.02:
        layers[0].animate = _shimmer(back_rgba, water, seed)
        notes.append(f"ambient motion: water shimmer on {water.mean():.0%} of the picture")
    if sky.mean() > 0.02:
        base_anim = layers[0].animate
        layers[0].animate = _sky_drift(back_rgba, sky, seed, base_anim)
        notes.append(f"ambient motion: drifting sky on {sky.mean():.0%} of the picture")
    if water.mean() <= 0.02 and sky.mean() <= 0.02:
        notes.append("ambient motion: none found (no water or open sky detected)")
    notes.append("cannot animate objects themselves (people, animals, vehicles stay still)")
    if share > 0.01:
        layers.append(Layer("image-foreground", np.dstack([rgb, (fg * 255).astype(np.uint8)]), 1.5, origin=(-mx, -my)))
    camera = Camera(scene.camera, w, h, duration, scene.camera_speed, 3.0, seed)
    return Staging(layers, [], 3.0), camera, notes


def _shimmer(base: np.ndarray, mask: np.ndarray, seed: int):
    """Small moving displacements inside ``mask``: reflections ripple without the water sliding away."""
    h, w = mask.shape
    n1 = fbm(h // 4 + 2, w // 4 + 2, 10, seed, "shimmer1", 3) - 0.5
    n2 = fbm(h // 4 + 2, w // 4 + 2, 16, seed, "shimmer2", 3) - 0.5
    gx, gy = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    amp = mask * 3.0

    def animate(t: float) -> np.ndarray:
        s = 4 * t
        ox = cv2.resize(np.roll(n1, int(s), axis=1), (w, h)) * amp * 2
        oy = cv2.resize(np.roll(n2, int(s * 0.7), axis=0), (w, h)) * amp
        return cv2.remap(
            base, gx + ox * math.cos(t), gy + oy * math.sin(1.3 * t), cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT
        )

    return animate


def _sky_drift(base: np.ndarray, mask: np.ndarray, seed: int, inner=None):
    """Slide the sky region sideways (wrapping) under a feathered mask: clouds drift, the skyline stays."""
    h, w = mask.shape
    m = mask[..., None]

    def animate(t: float) -> np.ndarray:
        src = inner(t) if inner is not None else base
        shift = w * 0.006 * t
        mat = np.float32([[1, 0, shift], [0, 1, 0]])
        moved = cv2.warpAffine(src, mat, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_WRAP)
        return (src * (1 - m) + moved * m).astype(np.uint8)

    return animate


def end_dissolve(path: str, w: int, h: int, duration: float):
    """A frame post-process that dissolves into the end image over the last quarter of the shot."""
    end = Image.fromarray(_cover(load_image(path, "end image"), w, h)).convert("RGBA")
    start = duration * 0.75

    def post(frame: Image.Image, t: float) -> Image.Image:
        if t < start:
            return frame
        return Image.blend(frame, end, min(1.0, (t - start) / max(duration - start, 1e-6)))

    return post
