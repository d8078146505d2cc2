"""Natural and floating subjects as sprites: sailing ship, hot air balloon, volcano, geyser, candle,
campfire, jellyfish, fish and trees. Same conventions as ``subjects_built``."""

from __future__ import annotations

import numpy as np

from pipelines.video.pen import Pen

ENVELOPE_COLOURS = [
    ((214, 40, 40), (250, 200, 40)),
    ((40, 90, 200), (245, 245, 240)),
    ((240, 120, 30), (120, 30, 140)),
    ((30, 150, 90), (250, 220, 60)),
]


def draw_ship(p: Pen) -> None:
    """A two-masted schooner under full sail, bow to the right (box about 1.2:1)."""
    hull, sail, rope = (70, 44, 30), (240, 232, 210), (60, 50, 40)
    p.poly([(0.02, 0.8), (0.9, 0.8), (1.0, 0.72), (0.86, 0.95), (0.12, 0.95)], hull)
    p.rect(0.08, 0.79, 0.92, 0.82, (150, 120, 60))
    p.shade_columns(0.02, 1.0, 0.8, 0.96, lit=0.6)
    for mx, top in ((0.36, 0.04), (0.64, 0.0)):
        p.line([(mx, top), (mx, 0.8)], (60, 40, 30), 0.014)
        # gaff-rigged main sail and topsail, slightly bellied
        p.poly([(mx - 0.02, 0.16 + top), (mx - 0.25, 0.2 + top), (mx - 0.28, 0.74), (mx - 0.02, 0.74)], sail)
        p.poly([(mx - 0.02, top + 0.02), (mx - 0.2, 0.15 + top), (mx - 0.02, 0.15 + top)], sail)
    p.poly([(0.66, 0.1), (0.98, 0.7), (0.66, 0.7)], sail)  # jibs
    p.poly([(0.66, 0.2), (0.88, 0.7), (0.7, 0.7)], (225, 216, 190))
    p.shade_columns(0.05, 0.7, 0.0, 0.76, lit=0.8)
    p.line([(0.64, 0.0), (1.0, 0.72)], rope, 0.004)
    p.line([(0.36, 0.04), (0.64, 0.0)], rope, 0.004)
    p.line([(0.36, 0.04), (0.02, 0.78)], rope, 0.003)
    p.poly([(0.64, 0.0), (0.72, 0.02), (0.64, 0.04)], (180, 30, 30))
    for x in np.arange(0.2, 0.8, 0.08):
        p.ellipse(x, 0.85, x + 0.025, 0.875, (30, 20, 14))


def draw_balloon(p: Pen, colours=ENVELOPE_COLOURS[0], burner: bool = False) -> None:
    """A hot air balloon: a striped, shaded envelope, a skirt, ropes and a wicker basket (box about 0.8:1)."""
    cx, cy, r, bottom = 0.5, 0.36, 0.34, 0.8

    def half_width(y: float) -> float:
        if y <= cy:
            return 1.35 * r * float(np.sqrt(max(0.0, 1 - ((y - cy) / r) ** 2)))
        u = (y - cy) / (bottom - cy)
        return 1.35 * r * (1 - u) ** 0.8 * (1 - 0.1 * u) + 0.07 * u

    ys = np.linspace(cy - r, bottom, 48)
    outline = [(cx - half_width(y), y) for y in ys] + [(cx + half_width(y), y) for y in ys[::-1]]
    p.poly(outline, colours[0])
    gores = 10
    for g in range(0, gores, 2):
        a0, a1 = -np.pi / 2 + np.pi * g / gores, -np.pi / 2 + np.pi * (g + 1) / gores
        pts = [(cx + half_width(y) * np.sin(a0), y) for y in ys] + [
            (cx + half_width(y) * np.sin(a1), y) for y in ys[::-1]
        ]
        p.poly(pts, colours[1])
    p.shade_columns(cx - 1.35 * r, cx + 1.35 * r, 0.0, bottom, lit=0.4)
    p.rect(0.43, bottom - 0.01, 0.57, bottom + 0.02, (90, 70, 50))
    for x0, x1 in ((0.43, 0.44), (0.57, 0.56)):
        p.line([(x0, bottom + 0.02), (x1, 0.9)], (60, 50, 40), 0.006)
    p.rect(0.43, 0.9, 0.57, 1.0, (150, 105, 60))
    for y in (0.93, 0.965):
        p.line([(0.43, y), (0.57, y)], (110, 75, 40), 0.005)
    if burner:
        p.poly([(0.47, 0.84), (0.5, 0.76), (0.53, 0.84)], (255, 190, 80), emit=True)


def draw_volcano(p: Pen, gen: np.random.Generator) -> None:
    """A steep ash cone with a glowing crater and lava rivers down its flanks (box about 2:1)."""
    rock, ash = (88, 70, 62), (60, 52, 50)
    left = [(x, 1.0 - (1 - abs(x - 0.5) / 0.5) ** 0.6 * 0.86) for x in np.linspace(0.0, 0.44, 30)]
    right = [(x, 1.0 - (1 - abs(x - 0.5) / 0.5) ** 0.6 * 0.86) for x in np.linspace(0.56, 1.0, 30)]
    cone = left + [(0.47, 0.16), (0.53, 0.16)] + right
    p.poly(cone + [(1.0, 1.0), (0.0, 1.0)], rock)
    p.shade_columns(0.0, 1.0, 0.0, 1.0, lit=0.7)
    for _ in range(14):
        x = 0.1 + 0.8 * gen.random()
        y = 1.0 - (1 - abs(x - 0.5) / 0.5) ** 0.6 * 0.86 + 0.03
        p.line([(x, y), (x + (x - 0.5) * 0.2, min(1.0, y + 0.3))], ash, 0.01)
    p.ellipse(0.44, 0.12, 0.56, 0.19, (255, 120, 30), emit=True)
    for _ in range(4):
        x, y = 0.5 + (gen.random() - 0.5) * 0.06, 0.17
        pts = [(x, y)]
        for _ in range(12):
            x += (x - 0.5) * 0.12 + (gen.random() - 0.5) * 0.03 + (0.02 if x > 0.5 else -0.02)
            y += 0.05 + gen.random() * 0.02
            pts.append((x, min(y, 1.0)))
        p.line(pts, (255, 100, 20), 0.012, emit=True)


def draw_geyser_pool(p: Pen) -> None:
    """A sinter mound with a steaming pool at the vent (box about 3:1); the column is animated separately."""
    p.ellipse(0.0, 0.35, 1.0, 1.0, (196, 186, 160))
    p.ellipse(0.15, 0.42, 0.85, 0.85, (210, 200, 175))
    p.ellipse(0.32, 0.45, 0.68, 0.7, (70, 150, 175))
    p.ellipse(0.38, 0.48, 0.62, 0.64, (120, 200, 215))


def draw_candle(p: Pen) -> None:
    """A pillar candle on a holder with a wick; the flame is animated separately (box about 1:2.6)."""
    p.ellipse(0.05, 0.9, 0.95, 1.0, (150, 120, 60))
    p.rect(0.25, 0.3, 0.75, 0.95, (236, 226, 200))
    p.shade_columns(0.25, 0.75, 0.3, 0.95, lit=0.4)
    p.ellipse(0.25, 0.27, 0.75, 0.33, (246, 238, 214))
    p.poly([(0.3, 0.31), (0.33, 0.45), (0.36, 0.32)], (240, 232, 206))
    p.line([(0.5, 0.3), (0.5, 0.24)], (30, 24, 20), 0.02)


def draw_flame(p: Pen, t: float, phase: float = 0.0) -> None:
    """A teardrop flame that sways gently over time (box about 1:2); drawn emissive."""
    sway = 0.05 * np.sin(7.0 * t + phase) + 0.03 * np.sin(13.0 * t + 2 * phase)
    height = 0.95 + 0.04 * np.sin(11.0 * t + phase)
    outer = [
        (0.5 + 0.3 * np.sin(a) * (1 - y) ** 0.2 + sway * y, 1 - y * height)
        for a, y in zip(np.linspace(0, np.pi, 30), np.linspace(0, 1, 30), strict=False)
    ]
    left = [
        (0.5 - 0.3 * np.sin(a) * (1 - y) ** 0.2 + sway * y, 1 - y * height)
        for a, y in zip(np.linspace(0, np.pi, 30)[::-1], np.linspace(0, 1, 30)[::-1], strict=False)
    ]
    p.poly(outer + left, (255, 150, 40), emit=True)
    p.poly([(x * 0.6 + 0.2, 1 - (1 - y) * 0.7) for x, y in outer + left], (255, 236, 150), emit=True)


def draw_logs(p: Pen) -> None:
    """Crossed logs and a ring of stones for a campfire (box about 2:1)."""
    for x in np.linspace(0.05, 0.95, 9):
        p.ellipse(x - 0.06, 0.8, x + 0.06, 1.0, (110, 106, 100))
    p.poly([(0.1, 0.75), (0.85, 0.55), (0.9, 0.68), (0.15, 0.88)], (90, 56, 32))
    p.poly([(0.15, 0.55), (0.9, 0.75), (0.85, 0.88), (0.1, 0.68)], (110, 70, 40))
    p.ellipse(0.35, 0.62, 0.65, 0.8, (255, 110, 30), emit=True)


def draw_jellyfish(p: Pen, t: float, phase: float, colour=(250, 150, 210)) -> None:
    """A translucent glowing bell that pulses, a scalloped rim, frilly oral arms and fine trailing tentacles
    (box about 1:2); everything is emissive, as jellyfish photographed in the dark sea look."""
    pulse = 1 + 0.07 * np.sin(2.4 * t + phase)
    rx, ry, cy = 0.46 * pulse, 0.26 / pulse, 0.3
    for k in range(8):  # fine tentacles behind the bell, curling
        x0 = 0.5 - rx * 0.9 + k * rx * 1.8 / 7
        pts = [(x0 + 0.09 * s * np.sin(6 * s + 1.7 * t + phase + k), cy + s * 0.62) for s in np.linspace(0, 1, 20)]
        p.line(pts, colour + (90,), 0.006, emit=True)
    for k in range(4):  # oral arms: wide, frilly ribbons
        x0 = 0.5 - 0.12 + k * 0.08
        left = [
            (x0 - 0.03 + 0.07 * s * np.sin(5 * s + 1.2 * t + k), cy + 0.02 + s * 0.36) for s in np.linspace(0, 1, 14)
        ]
        right = [(x + 0.05 + 0.015 * np.sin(20 * y), y) for x, y in left[::-1]]
        p.poly(left + right, (255, 190, 225, 150), emit=True)
    bell = p.arc_points(0.5, cy, rx, ry, 180, 360, 40)
    scallops = [(0.5 + rx * np.cos(a), cy + 0.02 + 0.012 * np.sin(9 * a)) for a in np.linspace(0, np.pi, 30)]
    p.poly(bell + scallops[::-1], colour + (170,), emit=True)
    p.poly(p.arc_points(0.5, cy, rx * 0.82, ry * 0.78, 180, 360, 30), (255, 200, 230, 120), emit=True)
    p.poly(p.arc_points(0.5, cy - 0.01, rx * 0.45, ry * 0.45, 180, 360, 20), (255, 235, 245, 200), emit=True)
    for k in range(4):  # gonads: four bright loops seen through the bell
        a = np.pi * (1.2 + 0.2 * k)
        gx, gy = 0.5 + rx * 0.5 * np.cos(a), cy + ry * 0.5 * np.sin(a)
        p.ellipse(gx - 0.05, gy - 0.03, gx + 0.05, gy + 0.03, (255, 120, 190, 200), emit=True)


def draw_fish(p: Pen, colour=(250, 140, 40)) -> None:
    """A side-on fish facing right (box about 2:1)."""
    p.ellipse(0.15, 0.2, 0.95, 0.8, colour)
    p.poly([(0.22, 0.5), (0.0, 0.15), (0.0, 0.85)], colour)
    p.shade_columns(0.0, 1.0, 0.15, 0.85, lit=0.5)
    p.poly([(0.45, 0.22), (0.62, 0.05), (0.7, 0.25)], tuple(int(c * 0.8) for c in colour))
    p.ellipse(0.78, 0.38, 0.85, 0.48, (20, 20, 20))
    p.line([(0.6, 0.25), (0.6, 0.75)], (255, 255, 255), 0.03)


def draw_conifer(p: Pen, colour=(34, 80, 48)) -> None:
    """A fir tree: stacked jagged tiers on a trunk (box about 1:2.2)."""
    p.rect(0.45, 0.85, 0.55, 1.0, (70, 50, 36))
    for i in range(5):
        top = 0.0 + i * 0.16
        w = 0.18 + i * 0.08
        p.poly(
            [(0.5, top), (0.5 + w, top + 0.26), (0.5 - w, top + 0.26)],
            tuple(int(c * (0.85 + 0.06 * i)) for c in colour),
        )
    p.shade_columns(0.0, 1.0, 0.0, 0.95, lit=0.7)


def draw_broadleaf(p: Pen, gen: np.random.Generator, colour=(60, 110, 50)) -> None:
    """A round-crowned tree: a trunk and a cloud of leafy blobs (box about 1:1.1)."""
    p.poly([(0.45, 1.0), (0.47, 0.5), (0.53, 0.5), (0.55, 1.0)], (80, 58, 40))
    for _ in range(14):
        x, y = 0.2 + gen.random() * 0.6, 0.1 + gen.random() * 0.45
        r = 0.14 + gen.random() * 0.12
        f = 0.8 + gen.random() * 0.4
        p.ellipse(x - r, y - r, x + r, y + r, tuple(int(c * f) for c in colour))
    p.shade_columns(0.0, 1.0, 0.0, 0.8, lit=0.7)
