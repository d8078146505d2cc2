"""Stage a scene: backdrop, subjects placed and animated, weather and effects, in render order."""

from __future__ import annotations

import math

import numpy as np

from pipelines.video import effects
from pipelines.video import subjects_built as built
from pipelines.video import subjects_nature as nature
from pipelines.video.backdrops import Canvas
from pipelines.video.compose import Camera, Layer, rgba_from
from pipelines.video.layout import Staging, _animated_sprite, backdrop, sprite
from pipelines.video.noise import fbm, rng, smoothstep
from pipelines.video.palette import LIGHTS
from pipelines.video.pen import Pen
from pipelines.video.scene import Scene


def stage(scene: Scene, width: int, height: int, duration: float, seed: int) -> tuple[Staging, Camera]:
    """Build every layer and overlay of ``scene`` for a ``width`` x ``height`` shot."""
    light = LIGHTS[scene.time_of_day]
    if scene.style == "neon" and scene.time_of_day in ("day", "golden hour"):
        light = LIGHTS["dusk"]
    c = Canvas(
        width,
        height,
        seed,
        light,
        scene.style,
        horizon_frac=0.5 if scene.environment in ("mountains", "space") else 0.58,
    )
    layers = backdrop(c, scene)
    overlays: list[effects.Overlay] = []
    camera = Camera(scene.camera, width, height, duration, scene.camera_speed, 3.0, seed)
    dark = scene.time_of_day in ("night", "dusk") or scene.environment == "interior"
    # subjects go before the nearest ground plane unless they stand on it; never behind the backdrop itself
    near_index = len(layers) - 1 if len(layers) > 1 else len(layers)
    subject_layers: list[Layer] = []
    for rank, name in enumerate(scene.subjects):
        main = rank == 0
        x = 0.6 if main else (0.26 if rank == 1 else 0.82)
        scale = 1.0 if main else 0.55
        made, extra = _subject(c, scene, name, x, scale, dark, camera, duration)
        subject_layers += made
        overlays += extra
    layers[near_index:near_index] = [layer for layer in subject_layers if layer.depth > 1.3]
    layers += [layer for layer in subject_layers if layer.depth <= 1.3]
    if "fog" in scene.weather:
        layers.append(_fog(c))
    if "rain" in scene.weather:
        overlays.append(effects.rain(width, height, seed, "storm" in scene.sky))
    if "snow" in scene.weather:
        overlays.append(effects.snow(width, height, seed))
    if "lightning" in scene.weather or "storm" in scene.sky:
        overlays.append(effects.lightning(width, height, seed, duration))
    if scene.environment == "underwater" and "jellyfish" not in scene.subjects:
        overlays.append(effects.glowing_dots(width, height, seed, "bubbles"))
    if scene.title:
        overlays.append(effects.title(width, height, scene.title, duration))
    soft = near_index if scene.environment not in ("interior",) else 1
    first_subject = next((i for i, layer in enumerate(layers) if layer in subject_layers), len(layers))
    return Staging(layers, overlays, 3.0, soft=min(soft, first_subject)), camera


def _ground_at(
    c: Canvas, name: str, depth: float, x: float, top_y: float, width_frac: float, colour, rocky: bool = False
) -> Layer:
    """A hill or cliff the subject stands on, at the subject's own depth (so it never slides over the ground):
    a flat-topped crown at ``top_y`` whose flanks fall away with a noisy edge."""
    w = int(c.width * width_frac)
    h = int(c.height * 1.15 - top_y) + c.my
    xs = np.linspace(-1, 1, w, dtype=np.float32)
    edge = fbm(1, w, w / 10, c.seed, name + "-edge", 4)[0] - 0.5
    drop = np.clip(np.abs(xs) - 0.35, 0, None) / 0.65  # 0 on the crown, 1 at the sides
    prof = (drop ** (1.4 if rocky else 2.0)) * h * (0.9 if rocky else 0.6) + edge * c.height * (
        0.05 if rocky else 0.015
    )
    ys = np.arange(h, dtype=np.float32)[:, None]
    alpha = np.clip(ys - prof[None, :] + 0.5, 0, 1)
    n = fbm(h, w, c.height * (0.02 if rocky else 0.04), c.seed, name, 4)
    shade = 0.7 + 0.45 * n[..., None]
    if rocky:
        shade = shade * (0.75 + 0.35 * np.clip(1 - drop, 0, 1))[None, :, None]
    rgb = np.asarray(colour, np.float32) * np.asarray(c.light.ambient, np.float32) * shade
    if rocky:  # grass on the crown
        crown = smoothstep(0.05 * c.height, 0.0, ys - prof[None, :]) * (drop < 0.5)[None, :]
        rgb = (
            rgb * (1 - crown[..., None])
            + np.array([80, 120, 60], np.float32) * np.asarray(c.light.ambient) * crown[..., None] * shade
        )
    return sprite(c, name, rgba_from(rgb, alpha), depth, x, top_y + h)


def _subject(
    c: Canvas, s: Scene, name: str, x: float, scale: float, dark: bool, camera: Camera, duration: float
) -> tuple[list[Layer], list[effects.Overlay]]:
    """Layers (and overlays) for one subject, sized relative to the frame height."""
    H, W = c.height, c.width
    amb = c.light.ambient
    gen = rng(c.seed, name)
    horizon = H * c.horizon_frac
    depth = 2.6 if scale == 1.0 else 3.4
    layers: list[Layer] = []
    overlays: list[effects.Overlay] = []
    if name == "lighthouse":
        h = int(H * 0.62 * scale)
        pen = Pen(int(h / 3.2), h)
        built.draw_lighthouse(pen, lamp_on=dark)
        base = horizon + H * 0.16
        layers.append(_ground_at(c, "cliff", depth, x, base - H * 0.02, 0.42, (120, 108, 92), rocky=True))
        lh = sprite(c, name, pen.finish(amb, glow=0.05 if dark else 0), depth, x, base + H * 0.01)
        layers.append(lh)
        if dark:
            lamp_x, lamp_y = lh.origin[0] + pen.w / 2, lh.origin[1] + pen.h * 0.14

            def lamp(t: float, lh=lh) -> tuple[float, float]:
                m = camera.at(t, lh.depth)
                return float(m[0, 0] * lamp_x + m[0, 1] * lamp_y + m[0, 2]), float(
                    m[1, 0] * lamp_x + m[1, 1] * lamp_y + m[1, 2]
                )

            overlays.append(effects.beam(W, H, lamp))
    elif name == "castle":
        h = int(H * 0.42 * scale)
        pen = Pen(int(h * 1.6), h)
        built.draw_castle(pen, dark)
        base = horizon + H * 0.12
        layers.append(_ground_at(c, "castle-hill", depth, x, base - H * 0.02, 0.6, (90, 120, 60)))
        layers.append(sprite(c, name, pen.finish(amb, glow=0.02 if dark else 0), depth, x, base + H * 0.01))
    elif name == "sailing ship":
        h = int(H * 0.5 * scale)
        pen = Pen(int(h * 1.2), h)
        nature.draw_ship(pen)
        base = horizon + H * (0.2 if scale == 1.0 else 0.08)
        layers.append(
            sprite(
                c,
                name,
                pen.finish(amb),
                3.0,
                x - 0.05,
                base,
                motion=lambda t: (W * 0.01 * t, H * 0.006 * math.sin(1.6 * t)),
            )
        )
    elif name == "hot air balloon":
        for k, (bx, by, bs) in enumerate(
            ((x, 0.62, 1.0), (0.22, 0.4, 0.45), (0.85, 0.3, 0.3))[: 3 if scale == 1 else 1]
        ):
            h = int(H * 0.55 * scale * bs)
            pen = Pen(int(h * 0.8), h)
            nature.draw_balloon(pen, nature.ENVELOPE_COLOURS[(k + int(gen.integers(4))) % 4], burner=dark)
            rise = H * 0.012 * (1 + k)
            layers.append(
                sprite(
                    c,
                    f"{name}-{k}",
                    pen.finish(amb, glow=0.03 if dark else 0),
                    4.0 + 3 * k,
                    bx,
                    H * by,
                    motion=lambda t, r=rise, k=k: (0.0, -r * t + 3 * math.sin(0.8 * t + k)),
                )
            )
    elif name == "bridge":
        h = int(H * 0.4 * scale)
        pen = Pen(int(h * 4), h)
        built.draw_bridge(pen, dark)
        layers.append(sprite(c, name, pen.finish(amb, glow=0.01 if dark else 0), 4.0, 0.5, horizon + H * 0.06))
    elif name == "train":
        h = int(H * 0.36 * scale)
        pen = Pen(int(h * 4), h)
        built.draw_train(pen, gen)
        base = horizon + H * 0.3
        speed = W * 0.025
        left = W * 0.52 - 0.78 * pen.w - speed * duration / 2  # the engine passes the centre mid-shot
        x_frac = (left + pen.w / 2) / W

        def drive(t: float) -> tuple[float, float]:
            return speed * t, 0.0

        layers.append(_rails(c, 1.25, base))
        layers.append(sprite(c, name, pen.finish(amb), 1.25, x_frac, base, motion=drive))
        chimney_x = (left + 0.9 * pen.w) / W
        layers.append(
            _plume(
                c,
                "train-steam",
                1.25,
                chimney_x,
                base - h * 0.88,
                int(h * 1.2),
                dark,
                steam=True,
                motion=drive,
                lean=0.6,
            )
        )
        overlays.append(effects.glowing_dots(W, H, c.seed, "embers", (0.5, 0.35, 0.7, 0.6)) if dark else _noop)
    elif name in ("barn", "houses", "windmill"):
        base = horizon + H * 0.12
        if name == "barn":
            h = int(H * 0.38 * scale)
            pen = Pen(int(h * 1.3), h)
            built.draw_barn(pen, dark)
        elif name == "houses":
            h = int(H * 0.2 * scale)
            pen = Pen(int(h * 3), h)
            built.draw_houses(pen, dark, gen)
        else:
            h = int(H * 0.5 * scale)
            pen = Pen(int(h * 0.6), h)
            built.draw_windmill_body(pen)
        layers.append(_ground_at(c, f"{name}-hill", depth, x, base - H * 0.02, 0.5, (96, 140, 60)))
        body = sprite(c, name, pen.finish(amb, glow=0.02 if dark else 0), depth, x, base + H * 0.01)
        layers.append(body)
        if name == "windmill":
            size = int(h * 0.9)
            hub_y = base + H * 0.01 - h * 0.74 + size / 2
            layers.append(
                _animated_sprite(
                    c,
                    "windmill-sails",
                    (size, size),
                    depth,
                    x,
                    hub_y,
                    lambda p, t: built.draw_windmill_sails(p, 40 * t),
                    fps_cache=24,
                )
            )
    elif name == "trees":
        for k in range(3 if scale == 1 else 2):
            h = int(H * (0.55 - 0.12 * k) * scale)
            pen = Pen(int(h * 0.9), h)
            nature.draw_broadleaf(pen, gen)
            layers.append(
                sprite(c, f"tree-{k}", pen.finish(amb), 1.6 + k, [0.12, 0.88, 0.7][k], horizon + H * (0.36 - 0.08 * k))
            )
    elif name == "rocket":
        h = int(H * 0.55 * scale)
        pen = Pen(int(h / 4), h)
        built.draw_rocket(pen)
        base = horizon + H * 0.1
        launch = 1.0

        def climb(t: float) -> tuple[float, float]:
            u = max(0.0, t - launch)
            return 0.0, -H * 0.03 * u * u

        layers.append(sprite(c, name, pen.finish(amb), depth, x, base, motion=climb))
        fw = int(h / 4)
        layers.append(
            _animated_sprite(
                c,
                "exhaust",
                (fw, int(fw * 2.2)),
                depth,
                x,
                base - h * 0.08 + fw * 2.2,
                lambda p, t: _exhaust(p, t),
                glow=0.1,
                motion=climb,
            )
        )
    elif name == "candle":
        h = int(H * 0.62 * scale)
        pen = Pen(int(h / 2.6), h)
        nature.draw_candle(pen)
        base = H * 0.86
        layers.append(sprite(c, name, pen.finish(amb if not dark else (0.9, 0.75, 0.6)), 1.5, x, base))
        fh = int(h * 0.22)
        layers.append(
            _animated_sprite(
                c, "flame", (int(fh / 2), fh), 1.5, x, base - h * 0.76, lambda p, t: nature.draw_flame(p, t), glow=0.08
            )
        )
    elif name == "campfire":
        h = int(H * 0.16 * scale)
        pen = Pen(h * 2, h)
        nature.draw_logs(pen)
        base = horizon + H * 0.32
        layers.append(sprite(c, name, pen.finish(amb, glow=0.05), 1.25, x, base))
        for k, off in enumerate((-0.25, 0.0, 0.25)):
            fh = int(h * (1.3 if off == 0 else 0.9))
            layers.append(
                _animated_sprite(
                    c,
                    f"fire-{k}",
                    (int(fh / 1.8), fh),
                    1.25,
                    x + off * h * 2 / W,
                    base - h * 0.25,
                    lambda p, t, k=k: nature.draw_flame(p, t, k * 1.7),
                    glow=0.08,
                )
            )
        overlays.append(
            effects.glowing_dots(W, H, c.seed, "embers", (x - 0.04, (base - h) / H - 0.05, x + 0.04, base / H - 0.1))
        )
    elif name == "volcano":
        h = int(H * 0.5 * scale)
        pen = Pen(int(h * 2.1), h)
        nature.draw_volcano(pen, gen)
        base = horizon + H * 0.08
        layers.append(sprite(c, name, pen.finish(amb, glow=0.03), 6.0, x - 0.05, base))
        layers.append(_plume(c, "ash", 6.0, x - 0.05, base - h * 0.84, h, dark))
    elif name == "geyser":
        h = int(H * 0.12 * scale)
        pen = Pen(h * 3, h)
        nature.draw_geyser_pool(pen)
        base = horizon + H * 0.16
        layers.append(sprite(c, name, pen.finish(amb), depth, x, base))
        layers.append(_plume(c, "steam", depth, x, base - h * 0.45, int(H * 0.62 * scale), dark, steam=True, jet=True))
    elif name == "jellyfish":
        for k, (jx, jy, js) in enumerate(((0.52, 0.8, 1.0), (0.18, 0.45, 0.45), (0.86, 0.36, 0.35))):
            h = int(H * 0.72 * scale * js)
            layers.append(
                _animated_sprite(
                    c,
                    f"jellyfish-{k}",
                    (int(h / 1.6), h),
                    2.5 + k * 2,
                    jx,
                    H * jy,
                    lambda p, t, k=k: nature.draw_jellyfish(p, t, k * 2.1),
                    glow=0.04,
                    fps_cache=8,
                    motion=lambda t, k=k: (0.0, -H * 0.01 * t * (1 + k)),
                )
            )
    elif name == "fish":
        for k in range(7):
            h = int(H * (0.12 + 0.05 * gen.random()) * scale)
            pen = Pen(h * 2, h)
            nature.draw_fish(pen, [(250, 140, 40), (250, 200, 40), (80, 160, 230)][k % 3])
            fy, fx = 0.3 + 0.4 * gen.random(), 0.1 + 0.7 * gen.random()
            speed = W * (0.03 + 0.03 * gen.random())
            layers.append(
                sprite(
                    c,
                    f"fish-{k}",
                    pen.finish(amb),
                    2 + gen.random() * 3,
                    fx,
                    H * fy,
                    motion=lambda t, s=speed, k=k: (s * t, 4 * math.sin(1.3 * t + k)),
                )
            )
    elif name == "birds":
        overlays.append(effects.birds(W, H, c.seed, not dark))
    elif name == "fireflies":
        overlays.append(effects.glowing_dots(W, H, c.seed, "fireflies"))
    return layers, overlays


def _noop(frame, t: float) -> None:
    return None


def _rails(c: Canvas, depth: float, base: float) -> Layer:
    """A ballast bed and rails running across the whole canvas under the train."""
    w, h = c.cw, max(6, int(c.height * 0.02))
    rgb = np.zeros((h, w, 3), np.float32)
    rgb[:] = (90, 84, 76)
    rgb[1:3] = (160, 160, 165)
    alpha = np.ones((h, w), np.float32)
    return Layer("rails", rgba_from(rgb * np.asarray(c.light.ambient), alpha), depth, origin=(-c.mx, base - 2))


def _exhaust(p: Pen, t: float) -> None:
    """Rocket exhaust: a flickering flame that grows after ignition."""
    from PIL import Image

    grow = min(1.0, max(0.15, (t - 0.6) * 1.5))
    nature.draw_flame(p, t * 3)
    p.light = p.light.transpose(Image.FLIP_TOP_BOTTOM)  # the flame points down, out of the nozzle
    if grow < 1:
        short = p.light.resize((p.light.width, max(1, int(p.light.height * grow))))
        p.light = Image.new("RGBA", p.light.size, (0, 0, 0, 0))
        p.light.paste(short, (0, 0))


def _plume(
    c: Canvas,
    name: str,
    depth: float,
    x: float,
    vent_y: float,
    height: int,
    dark: bool,
    steam: bool = False,
    jet: bool = False,
    motion=None,
    lean: float = 0.0,
) -> Layer:
    """A billowing column (volcanic ash, geyser jet, engine steam) that rolls upward over time (half resolution).
    ``jet`` adds a bright water core; ``lean`` bends the column back (a moving train)."""
    h, w = height // 2, int(height * 0.9) // 2
    plane = fbm(h * 2, w, w / 3, c.seed, name, 5)
    ys = np.arange(h, dtype=np.float32)[:, None]
    xs = np.arange(w, dtype=np.float32)[None, :]
    u = 1 - ys / h  # 0 at the vent, 1 at the top
    width = (0.12 + 0.38 * u**0.8) * w if not steam else (0.06 + 0.34 * u**0.7) * w
    centre = w / 2 - lean * u**1.5 * w * 0.4
    shape = smoothstep(1.0, 0.6, np.abs(xs - centre) / width)
    core = smoothstep(0.6, 0.0, np.abs(xs - centre) / ((0.04 + 0.1 * u) * w)) * smoothstep(0.85, 0.3, u) if jet else 0.0
    colour = np.array((235, 238, 242) if steam else (90, 84, 82), np.float32) * np.asarray(c.light.ambient)
    base = np.zeros((h, w, 4), np.uint8)
    base[..., :3] = np.clip(colour, 0, 255)
    glow = np.array((255, 110, 40), np.float32)
    low = smoothstep(0.35, 0.0, u)[..., None]

    def animate(t: float) -> np.ndarray:
        shift = (t * h * 0.12) % h
        k = int(shift)
        f = shift - k
        rows = (np.arange(h) + h - k) % (2 * h)
        n = plane[rows] * (1 - f) + plane[(rows - 1) % (2 * h)] * f
        a = np.clip((n - (0.25 if steam else 0.3)) * 3.0, 0, 1) * shape * smoothstep(1.0, 0.7, u)
        a = np.maximum(a, core)
        out = base.copy()
        if not steam and dark:
            out[..., :3] = np.clip(colour * (1 - low) + glow * low * 0.8, 0, 255)
        out[..., 3] = (a * (215 if not steam else 240)).astype(np.uint8)
        return out

    first = animate(0.0)
    return Layer(
        name,
        first,
        depth,
        origin=(x * c.width - w, vent_y - 2 * h),
        animate=animate,
        scale=2.0,
        box=(0, 0, w, h),
        motion=motion,
    )


def _fog(c: Canvas) -> Layer:
    """Low drifting fog banks (quarter resolution, wrapping)."""
    h, w = c.ch // 4, c.cw // 4
    n = fbm(h, w, w / 4, c.seed, "fog", 5, wrap_x=True)
    ys = np.arange(h, dtype=np.float32)[:, None]
    band = smoothstep(c.horizon / 4 - h * 0.25, c.horizon / 4 + h * 0.05, ys)
    alpha = np.clip(0.25 + (n - 0.5) * 1.3, 0, 1) * band * 0.8
    rgb = np.broadcast_to(np.asarray(c.light.haze, np.float32) * 0.5 + 110, (h, w, 3))
    return Layer("fog", rgba_from(rgb, alpha), 2.0, origin=(-c.mx, -c.my), drift=(6.0, 0.0), wrap=True, scale=4.0)
