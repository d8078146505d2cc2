"""Screen-space effects drawn on each frame: particles (rain, snow, fireflies, embers, bubbles, birds),
lightning, a lighthouse beam and the title. Every position is a pure function of (seed, t), so frames
are temporally coherent and a shot renders identically twice."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from pipelines.video.noise import rng

Overlay = Callable[[Image.Image, float], None]  # draws on the RGBA frame at time t (seconds)


def rain(w: int, h: int, seed: int, heavy: bool) -> Overlay:
    """Slanted streaks falling fast; two depth bands (near drops are longer and brighter)."""
    gen = rng(seed, "rain")
    n = 420 if heavy else 220
    x0, y0 = gen.random(n) * w * 1.2, gen.random(n) * h
    near = gen.random(n) < 0.3
    speed = np.where(near, 1.9, 1.1) * h
    length = np.where(near, 0.05, 0.025) * h
    colour = np.where(near[:, None], [[200, 210, 225, 120]], [[180, 190, 210, 70]]).astype(int)

    def draw(frame: Image.Image, t: float) -> None:
        d = ImageDraw.Draw(frame, "RGBA")
        ys = (y0 + speed * t) % (h + length) - length
        xs = (x0 - 0.18 * speed * t) % (w * 1.2) - w * 0.1
        for x, y, ln, c in zip(xs, ys, length, colour, strict=False):
            d.line([(x, y), (x + ln * 0.18, y + ln)], fill=tuple(c), width=1)

    return draw


def snow(w: int, h: int, seed: int) -> Overlay:
    """Flakes drifting down and swaying; near flakes are bigger and faster."""
    gen = rng(seed, "snow")
    n = 320
    x0, y0, size = gen.random(n) * w, gen.random(n) * h, gen.random(n) ** 2 * 3.2 + 1.0
    speed = (0.05 + 0.05 * size) * h
    phase = gen.random(n) * 2 * math.pi

    def draw(frame: Image.Image, t: float) -> None:
        d = ImageDraw.Draw(frame, "RGBA")
        ys = (y0 + speed * t) % (h + 10) - 5
        xs = (x0 + 0.02 * w * np.sin(0.8 * t + phase) + 0.01 * w * t) % w
        for x, y, r in zip(xs, ys, size, strict=False):
            d.ellipse([x - r, y - r, x + r, y + r], fill=(245, 248, 255, 210))

    return draw


def glowing_dots(w: int, h: int, seed: int, kind: str, box: tuple[float, float, float, float] | None = None) -> Overlay:
    """Fireflies (wandering, blinking), embers (rising from ``box``) or bubbles (rising, wobbling)."""
    gen = rng(seed, kind)
    n = {"fireflies": 60, "embers": 40, "bubbles": 50}[kind]
    bx0, by0, bx1, by1 = box or (0.0, 0.45, 1.0, 0.95)
    x0 = (bx0 + gen.random(n) * (bx1 - bx0)) * w
    y0 = (by0 + gen.random(n) * (by1 - by0)) * h
    phase = gen.random(n) * 2 * math.pi
    rate = 0.5 + gen.random(n)

    def draw(frame: Image.Image, t: float) -> None:
        d = ImageDraw.Draw(frame, "RGBA")
        if kind == "fireflies":
            xs = x0 + 0.04 * w * np.sin(0.5 * rate * t + phase)
            ys = y0 + 0.03 * h * np.sin(0.37 * rate * t + 2 * phase)
            level = 0.5 + 0.5 * np.sin(1.5 * rate * t + phase)  # smooth blinking: no frame-to-frame pops
            for x, y, a in zip(xs, ys, level, strict=False):
                d.ellipse([x - 6, y - 6, x + 6, y + 6], fill=(200, 255, 120, int(40 * a)))
                d.ellipse([x - 2, y - 2, x + 2, y + 2], fill=(240, 255, 170, int(230 * a)))
        elif kind == "embers":
            life = (t * rate * 0.4 + phase / (2 * math.pi)) % 1.0
            xs = x0 + 0.03 * w * np.sin(3 * life + phase)
            ys = y0 - life * 0.35 * h
            for x, y, lf in zip(xs, ys, life, strict=False):
                d.ellipse([x - 1.6, y - 1.6, x + 1.6, y + 1.6], fill=(255, 170, 60, int(230 * (1 - lf))))
        else:
            ys = (y0 - 0.12 * h * rate * t) % h
            xs = x0 + 6 * np.sin(2 * t + phase)
            for x, y, r in zip(xs, ys, rate * 3 + 2, strict=False):
                d.ellipse([x - r, y - r, x + r, y + r], outline=(210, 240, 255, 150), width=1)

    return draw


def birds(w: int, h: int, seed: int, dark: bool) -> Overlay:
    """A loose flock crossing the sky with flapping wings."""
    gen = rng(seed, "birds")
    n = 9
    x0, y0 = gen.random(n) * 0.4 * w, (0.12 + gen.random(n) * 0.2) * h
    size = (0.012 + gen.random(n) * 0.01) * w
    phase = gen.random(n) * 2 * math.pi
    colour = (30, 30, 36, 230) if dark else (245, 245, 245, 230)

    def draw(frame: Image.Image, t: float) -> None:
        d = ImageDraw.Draw(frame, "RGBA")
        for i in range(n):
            x = (x0[i] + 0.05 * w * t) % (w * 1.3) - 0.15 * w
            y = y0[i] + 0.01 * h * math.sin(0.7 * t + phase[i])
            flap = math.sin(9 * t + phase[i])
            s = size[i]
            d.line(
                [(x - s, y - s * 0.4 * flap), (x, y + s * 0.15), (x + s, y - s * 0.4 * flap)],
                fill=colour,
                width=max(2, int(s / 5)),
                joint="curve",
            )

    return draw


def _strike_times(gen: np.random.Generator, duration: float) -> list[float]:
    return sorted(float(t) for t in gen.uniform(0.6, max(duration - 0.3, 0.7), max(1, int(duration / 2.5))))


def lightning_strikes(seed: int, duration: float) -> list[float]:
    """When each lightning flash of a shot starts (s): the times ``lightning`` draws them at."""
    return _strike_times(rng(seed, "lightning"), duration)


def lightning(w: int, h: int, seed: int, duration: float) -> Overlay:
    """A few brief strikes: a jagged bolt and a sky flash (the one allowed luminance jump)."""
    gen = rng(seed, "lightning")
    strikes = _strike_times(gen, duration)
    bolts = []
    for _ in strikes:
        x, y, pts = gen.uniform(0.2, 0.8) * w, 0.0, []
        while y < h * 0.55:
            pts.append((x, y))
            x += gen.normal(0, 0.02 * w)
            y += gen.uniform(0.02, 0.06) * h
        bolts.append(pts)

    def draw(frame: Image.Image, t: float) -> None:
        for start, pts in zip(strikes, bolts, strict=False):
            age = t - start
            if 0 <= age < 0.25:
                level = 1 - age / 0.25
                d = ImageDraw.Draw(frame, "RGBA")
                d.rectangle([0, 0, w, h], fill=(220, 225, 255, int(90 * level)))
                d.line(pts, fill=(250, 250, 255, int(255 * level)), width=3)

    return draw


def beam(w: int, h: int, lamp: Callable[[float], tuple[float, float]], period: float = 6.0) -> Overlay:
    """A lighthouse beam sweeping around the lamp; ``lamp(t)`` gives its screen position."""

    def draw(frame: Image.Image, t: float) -> None:
        x, y = lamp(t)
        a = 2 * math.pi * t / period
        reach = 1.4 * w * abs(math.cos(a)) + 30  # foreshortened as it turns toward or away from us
        direction = 1 if math.cos(a) >= 0 else -1
        spread = 0.04 * h + 0.06 * h * abs(math.sin(a))
        d = ImageDraw.Draw(frame, "RGBA")
        for k, frac in enumerate((1.0, 0.6, 0.3)):  # brighter near the lamp, fading with distance
            r, sp = reach * frac, spread * frac
            d.polygon(
                [(x, y - 3), (x + direction * r, y - sp), (x + direction * r, y + sp), (x, y + 3)],
                fill=(255, 240, 190, int((8 + 6 * abs(math.cos(a))) * (1 + k * 0.5))),
            )
        d.ellipse([x - 10, y - 10, x + 10, y + 10], fill=(255, 250, 220, 160))

    return draw


def title(w: int, h: int, text: str, duration: float) -> Overlay:
    """Title text, centred in the lower third, fading in over 0.6 s and out over the last 0.6 s."""
    size = max(16, int(h * 0.08))
    font = ImageFont.load_default(size=size)
    probe = ImageDraw.Draw(Image.new("L", (1, 1)))
    x0, y0, x1, y1 = probe.textbbox((0, 0), text, font=font)
    sprite = Image.new("RGBA", (x1 - x0 + 12, y1 - y0 + 12), (0, 0, 0, 0))
    sd = ImageDraw.Draw(sprite)
    sd.text((6 - x0 + 2, 6 - y0 + 2), text, font=font, fill=(0, 0, 0, 160))
    sd.text((6 - x0, 6 - y0), text, font=font, fill=(250, 248, 240, 255))
    alpha = np.asarray(sprite.getchannel("A")).astype(np.float32)
    pos = ((w - sprite.width) // 2, int(h * 0.72))

    def draw(frame: Image.Image, t: float) -> None:
        level = min(1.0, t / 0.6, max(0.0, (duration - t) / 0.6))
        if level <= 0:
            return
        faded = sprite.copy()
        faded.putalpha(Image.fromarray((alpha * level).astype(np.uint8)))
        frame.alpha_composite(faded, dest=pos)

    return draw
