"""Built subjects as sprites: lighthouse, castle, bridge, barn, windmill, houses, train, rocket.

Each ``draw_*`` takes a pen sized by the caller, draws in unit-box coordinates and returns nothing;
shapes follow what the thing looks like in photographs (a striped tower with a lantern, crenellated
towers, a catenary cable), because an image classifier judges them.
"""

from __future__ import annotations

import numpy as np

from pipelines.video.pen import Pen

WARM = (255, 214, 130)


def draw_lighthouse(p: Pen, lamp_on: bool, stripes=((236, 236, 232), (196, 40, 36))) -> None:
    """Tapered striped tower on rocks, gallery, glazed lantern room and a dark dome (box about 1:3.2)."""
    p.poly([(0.0, 1.0), (0.08, 0.9), (0.3, 0.86), (0.7, 0.87), (0.92, 0.9), (1.0, 1.0)], (70, 66, 62))
    top_w, base_w, top_y, base_y = 0.2, 0.34, 0.2, 0.92
    bands = 7
    for i in range(bands):
        y0 = top_y + (base_y - top_y) * i / bands
        y1 = top_y + (base_y - top_y) * (i + 1) / bands
        w0 = top_w + (base_w - top_w) * i / bands
        w1 = top_w + (base_w - top_w) * (i + 1) / bands
        p.poly([(0.5 - w0, y0), (0.5 + w0, y0), (0.5 + w1, y1), (0.5 - w1, y1)], stripes[i % 2])
    p.shade_columns(0.5 - base_w, 0.5 + base_w, top_y, base_y, lit=0.65)
    p.rect(0.45, 0.84, 0.55, 0.92, (60, 44, 36))  # door
    for y in (0.42, 0.62):
        p.rect(0.47, y, 0.53, y + 0.04, (40, 50, 70))
    p.rect(0.22, 0.185, 0.78, 0.205, (30, 30, 32))  # gallery deck
    for x in np.linspace(0.24, 0.76, 9):
        p.line([(x, 0.16), (x, 0.19)], (30, 30, 32), 0.012)
    p.line([(0.22, 0.16), (0.78, 0.16)], (30, 30, 32), 0.014)
    p.rect(0.33, 0.1, 0.67, 0.185, (255, 236, 170) if lamp_on else (170, 196, 200), emit=lamp_on)
    for x in (0.41, 0.5, 0.59):
        p.line([(x, 0.1), (x, 0.185)], (30, 30, 32), 0.01)
    p.poly(p.arc_points(0.5, 0.1, 0.19, 0.07, 180, 360), (40, 40, 44))
    p.poly([(0.48, 0.035), (0.52, 0.035), (0.5, 0.0)], (40, 40, 44))


def draw_castle(p: Pen, windows_lit: bool) -> None:
    """A curtain wall between four towers, crenellations, conical roofs, a gate and a keep (box about 1.6:1)."""
    stone, dark, roof = (150, 144, 132), (110, 104, 96), (62, 70, 110)

    def merlons(x0, x1, y, h=0.035, n=None):
        n = n or max(3, int((x1 - x0) / 0.03))
        step = (x1 - x0) / n
        for i in range(0, n, 2):
            p.rect(x0 + i * step, y - h, x0 + (i + 1) * step, y, stone)

    p.rect(0.1, 0.45, 0.9, 1.0, stone)  # curtain wall
    merlons(0.1, 0.9, 0.45)
    p.rect(0.35, 0.2, 0.65, 1.0, (160, 154, 142))  # keep
    merlons(0.35, 0.65, 0.2)
    for x0, x1, top in ((0.0, 0.14, 0.28), (0.86, 1.0, 0.28), (0.26, 0.36, 0.33), (0.64, 0.74, 0.33)):
        p.rect(x0, top, x1, 1.0, stone)
        p.shade_columns(x0, x1, top, 1.0, lit=0.7)
        p.poly([(x0 - 0.015, top), (x1 + 0.015, top), ((x0 + x1) / 2, top - 0.2)], roof)
        p.line([((x0 + x1) / 2, top - 0.2), ((x0 + x1) / 2, top - 0.27)], (40, 40, 40), 0.006)
        p.poly(
            [((x0 + x1) / 2, top - 0.27), ((x0 + x1) / 2 + 0.05, top - 0.25), ((x0 + x1) / 2, top - 0.23)],
            (190, 30, 40),
        )
    # block courses
    for y in np.arange(0.5, 1.0, 0.05):
        p.line([(0.1, y), (0.9, y)], dark, 0.003)
    p.poly([(0.44, 1.0), (0.44, 0.8)] + p.arc_points(0.5, 0.8, 0.06, 0.06, 180, 360) + [(0.56, 1.0)], (40, 32, 28))
    window = (255, 200, 110) if windows_lit else (36, 34, 40)
    for x, y in (
        (0.42, 0.3),
        (0.55, 0.3),
        (0.42, 0.55),
        (0.55, 0.55),
        (0.05, 0.5),
        (0.91, 0.5),
        (0.29, 0.6),
        (0.67, 0.6),
    ):
        p.rect(x, y, x + 0.025, y + 0.06, window, emit=windows_lit)


def draw_bridge(p: Pen, lights: bool) -> None:
    """A suspension bridge: two towers, catenary main cables, suspenders and a deck (box about 4:1)."""
    red, deck = (190, 60, 40), (80, 76, 72)
    deck_y = 0.72
    p.rect(0.0, deck_y, 1.0, deck_y + 0.05, deck)
    towers = (0.25, 0.75)
    for tx in towers:
        for off in (-0.012, 0.012):
            p.rect(tx + off - 0.006, 0.0, tx + off + 0.006, 1.0, red)
        for y in (0.05, 0.3, 0.55):
            p.rect(tx - 0.018, y, tx + 0.018, y + 0.025, red)
    xs = np.linspace(0, 1, 121)
    cable = []
    for x in xs:
        if x < towers[0]:
            y = 0.02 + (deck_y - 0.02) * (1 - x / towers[0]) ** 1.6 * 0.9
        elif x > towers[1]:
            y = 0.02 + (deck_y - 0.02) * ((x - towers[1]) / (1 - towers[1])) ** 1.6 * 0.9
        else:
            u = (x - 0.5) / (towers[1] - 0.5)
            y = 0.02 + (deck_y - 0.1) * (1 - u * u)
        cable.append((x, y))
    p.line(cable, red, 0.004)
    for x, y in cable[::3]:
        p.line([(x, y), (x, deck_y)], (170, 70, 50), 0.0015)
    if lights:
        for x in np.linspace(0.02, 0.98, 30):
            p.ellipse(x - 0.003, deck_y - 0.02, x + 0.003, deck_y - 0.005, WARM, emit=True)


def draw_barn(p: Pen, lit: bool) -> None:
    """A red barn with a gambrel roof, white trim and cross-braced doors (box about 1.3:1)."""
    red, trim, roof = (160, 36, 30), (236, 230, 220), (70, 60, 58)
    p.poly([(0.08, 1.0), (0.08, 0.45), (0.5, 0.2), (0.92, 0.45), (0.92, 1.0)], red)
    p.poly(
        [
            (0.03, 0.48),
            (0.2, 0.22),
            (0.5, 0.05),
            (0.8, 0.22),
            (0.97, 0.48),
            (0.92, 0.48),
            (0.78, 0.27),
            (0.5, 0.12),
            (0.22, 0.27),
            (0.08, 0.48),
        ],
        roof,
    )
    p.poly([(0.08, 0.48), (0.22, 0.27), (0.5, 0.12), (0.78, 0.27), (0.92, 0.48)], red)
    for x in np.arange(0.12, 0.9, 0.04):
        p.line([(x, 0.5), (x, 1.0)], (130, 28, 24), 0.004)
    p.rect(0.36, 0.58, 0.64, 1.0, red)
    for a, b in (((0.36, 0.58), (0.64, 1.0)), ((0.64, 0.58), (0.36, 1.0))):
        p.line([a, b], trim, 0.015)
    p.line([(0.36, 0.58), (0.64, 0.58), (0.64, 1.0), (0.36, 1.0), (0.36, 0.58)], trim, 0.015)
    p.rect(0.45, 0.3, 0.55, 0.42, (255, 210, 120) if lit else (40, 30, 28), emit=lit)
    p.line([(0.45, 0.3), (0.55, 0.3), (0.55, 0.42), (0.45, 0.42), (0.45, 0.3)], trim, 0.01)


def draw_windmill_body(p: Pen) -> None:
    """A tapered tower mill with a cap (the sails are a separate spinning sprite)."""
    p.poly([(0.3, 1.0), (0.38, 0.25), (0.62, 0.25), (0.7, 1.0)], (200, 190, 170))
    p.shade_columns(0.3, 0.7, 0.25, 1.0, lit=0.65)
    p.poly(p.arc_points(0.5, 0.26, 0.15, 0.1, 180, 360), (90, 60, 50))
    p.rect(0.45, 0.85, 0.55, 1.0, (70, 50, 40))
    p.rect(0.47, 0.5, 0.53, 0.56, (50, 50, 60))


def draw_windmill_sails(p: Pen, angle: float) -> None:
    """Four lattice sails around the hub at ``angle`` degrees (square box, hub in the centre)."""
    for k in range(4):
        a = np.radians(angle + 90 * k)
        d = np.array([np.cos(a), np.sin(a)])
        n = np.array([-d[1], d[0]])
        c = np.array([0.5, 0.5])
        tip, root = c + d * 0.48, c + d * 0.08
        p.line([tuple(c), tuple(tip)], (80, 60, 50), 0.02)
        q = [root, tip, tip + n * 0.09, root + n * 0.09]
        p.poly([tuple(v) for v in q], (230, 225, 210))
        for s in np.linspace(0.15, 0.95, 6):
            a_ = root + (tip - root) * s
            p.line([tuple(a_), tuple(a_ + n * 0.09)], (80, 60, 50), 0.006)
    p.ellipse(0.46, 0.46, 0.54, 0.54, (60, 40, 30))


def draw_houses(p: Pen, lit: bool, gen: np.random.Generator) -> None:
    """A row of cottages with pitched roofs, chimneys and windows (box about 3:1)."""
    x = 0.0
    walls = [(225, 215, 190), (200, 180, 150), (235, 230, 220), (190, 160, 130)]
    while x < 0.95:
        w = 0.12 + gen.random() * 0.08
        h = 0.45 + gen.random() * 0.2
        top = 1.0 - h
        p.rect(x, top, x + w, 1.0, walls[int(gen.integers(len(walls)))])
        p.poly([(x - 0.01, top), (x + w / 2, top - 0.28), (x + w + 0.01, top)], (120, 60, 50))
        p.rect(x + w * 0.7, top - 0.22, x + w * 0.8, top - 0.08, (90, 60, 50))
        for wx in (x + w * 0.2, x + w * 0.6):
            p.rect(
                wx, top + h * 0.25, wx + w * 0.18, top + h * 0.45, (255, 200, 110) if lit else (60, 70, 90), emit=lit
            )
        p.rect(x + w * 0.42, 1.0 - h * 0.35, x + w * 0.58, 1.0, (90, 60, 40))
        x += w + 0.02


def draw_train(p: Pen, gen: np.random.Generator) -> None:
    """A steam locomotive with its tender and one coach, facing right: a long boiler with a smokebox door and
    headlamp, tall chimney, steam dome, a cab, big spoked driving wheels joined by rods (box about 4:1)."""
    black, red, brass, steel = (34, 32, 34), (170, 30, 30), (200, 160, 60), (120, 120, 126)
    p.rect(0.0, 0.35, 0.3, 0.85, (120, 30, 34))  # coach
    p.rect(0.0, 0.3, 0.3, 0.36, (60, 60, 60))
    for wx in np.arange(0.02, 0.28, 0.045):
        p.rect(wx, 0.45, wx + 0.028, 0.6, (230, 210, 160))
    for wx in (0.05, 0.25):
        p.ellipse(wx - 0.025, 0.8, wx + 0.025, 0.98, black)
    p.rect(0.32, 0.42, 0.47, 0.86, black)  # tender
    p.rect(0.32, 0.38, 0.47, 0.44, (50, 40, 30))
    p.rect(0.48, 0.18, 0.6, 0.86, black)  # cab
    p.rect(0.5, 0.27, 0.58, 0.42, (220, 200, 150))
    p.rect(0.47, 0.14, 0.62, 0.2, (70, 24, 24))
    p.rect(0.58, 0.36, 0.95, 0.74, black)  # boiler
    p.shade_columns(0.58, 0.95, 0.36, 0.74, lit=0.25)
    for x in (0.66, 0.76, 0.86):
        p.rect(x, 0.36, x + 0.008, 0.74, brass)
    p.ellipse(0.93, 0.36, 0.99, 0.74, (50, 50, 54))  # smokebox door
    p.ellipse(0.955, 0.5, 0.97, 0.6, steel)
    p.rect(0.88, 0.12, 0.925, 0.37, black)  # chimney
    p.rect(0.873, 0.1, 0.932, 0.15, black)
    p.ellipse(0.74, 0.27, 0.8, 0.38, brass)  # steam dome
    p.ellipse(0.95, 0.28, 0.99, 0.36, (255, 236, 170), emit=True)  # headlamp
    p.poly([(0.95, 0.76), (1.0, 0.98), (0.9, 0.98)], red)  # cow catcher
    p.rect(0.56, 0.74, 0.97, 0.8, (60, 56, 54))  # running board
    for wx in (0.63, 0.73, 0.83):  # driving wheels with spokes
        r = 0.045
        p.ellipse(wx - r, 0.98 - 2 * r * 4 / 4 * 2, wx + r, 0.98, red)
        cx, cy = wx, 0.98 - r * 2
        for a in np.linspace(0, np.pi, 6, endpoint=False):
            dx, dy = np.cos(a) * r * 0.9, np.sin(a) * r * 3.6
            p.line([(cx - dx, cy - dy), (cx + dx, cy + dy)], black, 0.004)
        p.ellipse(cx - 0.01, cy - 0.04, cx + 0.01, cy + 0.04, steel)
    p.line([(0.63, 0.9), (0.83, 0.9)], steel, 0.008)  # coupling rod
    p.ellipse(0.9, 0.9, 0.94, 0.98, red)
    p.rect(0.86, 0.76, 0.96, 0.86, steel)  # cylinder


def draw_rocket(p: Pen) -> None:
    """A white launch rocket with a nose cone, black bands and fins, pointing up (box about 1:4)."""
    white, dark = (236, 236, 232), (40, 40, 44)
    p.rect(0.3, 0.22, 0.7, 0.88, white)
    p.poly([(0.3, 0.22), (0.5, 0.0), (0.7, 0.22)], white)
    p.shade_columns(0.3, 0.7, 0.0, 0.9, lit=0.35)
    for y in (0.3, 0.55, 0.8):
        p.rect(0.3, y, 0.7, y + 0.025, dark)
    p.poly([(0.3, 0.7), (0.05, 0.92), (0.3, 0.88)], dark)
    p.poly([(0.7, 0.7), (0.95, 0.92), (0.7, 0.88)], dark)
    p.poly([(0.36, 0.88), (0.64, 0.88), (0.6, 0.93), (0.4, 0.93)], (90, 90, 96))
    p.ellipse(0.43, 0.12, 0.57, 0.16, (90, 120, 160))
