"""Video tracks composited into frames, later tracks over earlier ones.

Each frame is described by a key (which picture each track shows, at which opacity); a frame
whose key equals the previous one is not composited again. Stills and titles are drawn once per
clip; a full-frame opaque layer hides everything under it, so nothing under it is blended.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from dataclasses import dataclass, replace

import numpy as np
from PIL import Image

from studio.model import Clip, Track
from studio.model.entities import TRANSFORM_KEYFRAMED, Transform
from studio.render.errors import RenderError
from studio.render.plan import Placement, RenderPlan, place
from studio.render.sources import RetimedVideoReader, VideoReader, clip_video_reader, probe
from studio.render.titles import draw_title
from studio.render.transitions import Window, reach, stretched, windows


@dataclass
class Layer:
    """One track's picture at one frame: ``rgb`` (h, w, 3) uint8 at ``at`` on the frame, with an
    optional per-pixel ``mask`` (h, w, 1) float32 in 0..1, times the scalar ``alpha``. ``owned``: the
    pixels are a fresh decoded frame that nothing else will read, so they may be drawn on in place."""

    key: Hashable
    rgb: np.ndarray
    at: tuple[int, int]
    mask: np.ndarray | None = None
    alpha: float = 1.0
    owned: bool = False
    _fixed: tuple[np.ndarray, np.ndarray] | None = None  # (rgb * mask, 1 - mask) in 1/256 steps, uint16

    def hides_below(self, width: int, height: int) -> bool:
        return self.mask is None and self.alpha >= 1.0 and self.at == (0, 0) and self.rgb.shape[:2] == (height, width)

    def fixed_point(self) -> tuple[np.ndarray, np.ndarray]:
        """The masked picture premultiplied, and what is left of the picture below, as uint16 x256."""
        if self._fixed is None:
            premul = (self.rgb * self.mask * 256 + 0.5).astype(np.uint16)
            keep = (256 - self.mask * 256 + 0.5).astype(np.uint16)
            self._fixed = (premul, keep)
        return self._fixed


def fade_alpha(clip: Clip, local: int) -> float:
    """Opacity at clip-local frame ``local``: linear fades from 0 at the first frame of a fade-in
    and to 0 at the last frame of a fade-out, times the clip's opacity."""
    a = min(1.0, max(0.0, float(clip.value_at("opacity", local) if clip.keyframes else clip.opacity)))
    if clip.video_fade_in > 0 and local < clip.video_fade_in:
        a *= local / clip.video_fade_in
    if clip.video_fade_out > 0 and local >= clip.duration - clip.video_fade_out:
        a *= max(0, clip.duration - 1 - local) / clip.video_fade_out
    return a


def blend(frame: np.ndarray, layer: Layer) -> None:
    """Draw ``layer`` over ``frame`` (H, W, 3) uint8 in place, touching only the layer's region.

    Integer arithmetic in 1/256 steps (uint16) where it can: about 3x faster than float32 and
    within one level of it; float32 only for a masked layer part-way through a fade."""
    x, y = layer.at
    h, w = layer.rgb.shape[:2]
    region = frame[y : y + h, x : x + w]
    if layer.mask is None:
        if layer.alpha >= 1.0:
            region[...] = layer.rgb
            return
        a = int(layer.alpha * 256 + 0.5)
        mixed = layer.rgb.astype(np.uint16)
        mixed *= a
        below = region.astype(np.uint16)
        below *= 256 - a
        mixed += below
        mixed >>= 8
        region[...] = mixed
    elif layer.alpha >= 1.0:
        premul, keep = layer.fixed_point()
        mixed = region * keep  # uint8 x uint16 -> uint16, (h, w, 3)
        mixed += premul
        mixed >>= 8
        region[...] = mixed
    else:
        under = region.astype(np.float32)
        under += (layer.rgb.astype(np.float32) - under) * (layer.mask * np.float32(layer.alpha))
        under += 0.5
        region[...] = under.astype(np.uint8)


class TrackPlayer:
    """Walks one video track frame by frame, opening each clip's source when it starts and closing
    it when it ends; ``layer(frame)`` is what the track shows there, or None."""

    def __init__(
        self, plan: RenderPlan, track: Track, clips: list[Clip], size: tuple[int, int], scale_flags: str = "bicubic"
    ):
        self.plan, self.track, self.clips, self.size = plan, track, clips, size
        self.scale_flags = scale_flags
        self.index = 0
        self.reader: VideoReader | RetimedVideoReader | None = None
        self.cached: Layer | None = None  # the still, title or black layer of the current clip
        self.cached_clip: str | None = None
        self.moving: MovingPicture | None = None  # the current clip when its position or scale is keyframed

    def layer(self, frame: int) -> Layer | None:
        while self.index < len(self.clips) and self.clips[self.index].end <= frame:
            self._leave_clip()
            self.index += 1
        if self.index >= len(self.clips) or self.clips[self.index].position > frame:
            return None
        clip = self.clips[self.index]
        local = frame - clip.position
        alpha = fade_alpha(clip, local)
        if self.cached_clip != clip.id:
            self._enter_clip(clip, frame)
        if self.moving is not None:
            layer = self.moving.layer(local, alpha > 0.0)
            if layer is None or alpha <= 0.0:
                return None
            return layer if alpha >= 1.0 else Layer(layer.key, layer.rgb, layer.at, layer.mask, alpha, layer.owned)
        if self.reader is not None:
            rgb = self.reader.next_frame()  # always consumed, even when hidden, to stay in step
            layer = Layer((clip.id, local), rgb, self.placement.at, owned=not self.reader.ended)
        elif self.cached is None:
            return None
        else:
            layer = self.cached
        if alpha <= 0.0:
            return None
        if alpha >= 1.0:
            return layer
        return Layer(layer.key, layer.rgb, layer.at, layer.mask, alpha, layer.owned)

    def _enter_clip(self, clip: Clip, frame: int) -> None:
        self._leave_clip()
        self.cached_clip = clip.id
        width, height = self.size
        plan = self.plan
        if clip.id in plan.missing:
            self.cached = Layer(("missing",), np.zeros((height, width, 3), np.uint8), (0, 0))
            return
        if clip.asset_id is None and clip.title is not None:
            self.cached = _title_layer(clip, width, height, height / plan.timeline.height)
            return
        asset = plan.project.assets[clip.asset_id]
        path = plan.files[asset.id]
        if asset.kind in ("image", "video") and any(name in clip.keyframes for name in TRANSFORM_KEYFRAMED):
            self.moving = MovingPicture(plan, clip, path, asset, frame, self.size, self.scale_flags)
            return
        if asset.kind == "image":
            self.cached = _still_layer(clip, path, width, height, plan.timeline.height)
            return
        if asset.kind != "video":
            raise RenderError(
                f"clip {clip.name!r} on video track {self.track.name!r} uses {asset.path}, "
                f"which is {asset.kind}, not a picture"
            )
        source = (asset.width, asset.height)
        if not source[0] or not source[1]:
            info = probe(path)
            source = (info["width"] or 0, info["height"] or 0)
        self.placement = place(clip, source, self.size, plan.timeline.height)
        if not self.placement.visible:
            return
        skip = max(0, frame - clip.position)
        count = min(clip.end, plan.end) - frame
        self.reader = clip_video_reader(path, clip, skip, count, plan.timeline.rate, self.placement, self.scale_flags)

    def _leave_clip(self) -> None:
        if self.reader is not None:
            self.reader.close()
        if self.moving is not None:
            self.moving.close()
        self.reader, self.cached, self.cached_clip, self.moving = None, None, None, None

    def close(self) -> None:
        self._leave_clip()


def transform_at(clip: Clip, local: int) -> Transform:
    """The clip's transform at clip-local frame ``local``, its keyframed parts interpolated."""
    t = clip.transform
    return Transform(*(clip.value_at(n, local) if n in clip.keyframes else getattr(t, n) for n in ("x", "y", "scale")))


class MovingPicture:
    """A video or still clip whose position or scale is keyframed: placed anew on every frame, exactly where a clip
    holding that frame's x, y and scale would be. The source is decoded once, at the largest size the clip reaches
    (at most twice the frame), and each frame's visible part is resampled from it."""

    MAX_OVER_FRAME = 2  # decoding past twice the frame's size would only cost time

    def __init__(self, plan: RenderPlan, clip: Clip, path, asset, frame: int, size: tuple[int, int], scale_flags: str):
        self.clip, self.size, self.timeline_height = clip, size, plan.timeline.height
        self.reader: VideoReader | RetimedVideoReader | None = None
        self.still: Image.Image | None = None
        self._still_layer: tuple[Placement, Layer] | None = None
        if asset.kind == "image":
            try:
                with Image.open(path) as img:
                    img.load()
                    self.still = img.convert("RGBA")
            except (OSError, Image.DecompressionBombError) as exc:
                raise RenderError(f"cannot read the picture {path.name} of clip {clip.name!r}: {exc}") from None
            self.source = self.still.size
            return
        self.source = (asset.width or 0, asset.height or 0)
        if not self.source[0] or not self.source[1]:
            info = probe(path)
            self.source = (info["width"] or 0, info["height"] or 0)
        scales = [k.value for k in clip.keyframes.get("scale", [])] or [clip.transform.scale]
        largest = place(
            replace(clip, transform=Transform(0.0, 0.0, max(scales))), self.source, size, self.timeline_height
        )
        w, h = largest.scaled
        shrink = min(1.0, self.MAX_OVER_FRAME * size[0] / w, self.MAX_OVER_FRAME * size[1] / h)
        w, h = max(2, round(w * shrink)), max(2, round(h * shrink))
        skip = max(0, frame - clip.position)
        count = min(clip.end, plan.end) - frame
        whole = Placement((w, h), (0, 0), (0, 0), (w, h))
        self.reader = clip_video_reader(path, clip, skip, count, plan.timeline.rate, whole, scale_flags)

    def layer(self, local: int, wanted: bool = True) -> Layer | None:
        """The picture at clip-local frame ``local`` (a video frame is read even when not ``wanted``, to stay in
        step), or None where it is off the frame."""
        picture = self.reader.next_frame() if self.reader is not None else None
        if not wanted:
            return None
        placement = place(
            replace(self.clip, transform=transform_at(self.clip, local)), self.source, self.size, self.timeline_height
        )
        if not placement.visible:
            return None
        (sw, sh), (cx, cy), (w, h) = placement.scaled, placement.crop, placement.size
        image = self.still if self.still is not None else Image.fromarray(picture)
        fx, fy = image.width / sw, image.height / sh  # from the placed size back to the decoded picture
        box = (cx * fx, cy * fy, (cx + w) * fx, (cy + h) * fy)
        if self.still is not None:  # held still (before the first keyframe, after the last): resampled once
            if self._still_layer is None or self._still_layer[0] != placement:
                part = np.asarray(image.resize((w, h), Image.Resampling.LANCZOS, box=box))
                self._still_layer = placement, _layer_from_rgba((self.clip.id, "still", placement), part, placement.at)
            return self._still_layer[1]
        part = np.asarray(image.resize((w, h), Image.Resampling.BILINEAR, box=box))  # read-only: never drawn on
        return Layer((self.clip.id, local), part, placement.at)

    def close(self) -> None:
        if self.reader is not None:
            self.reader.close()
            self.reader = None


def _cut(picture: np.ndarray, placement: Placement) -> np.ndarray:
    (cx, cy), (w, h) = placement.crop, placement.size
    return picture[cy : cy + h, cx : cx + w]


def _layer_from_rgba(key: Hashable, rgba: np.ndarray, at: tuple[int, int]) -> Layer:
    rgb = np.ascontiguousarray(rgba[..., :3])
    alpha = rgba[..., 3:4]
    mask = None if alpha.min() == 255 else alpha.astype(np.float32) / np.float32(255)
    return Layer(key, rgb, at, mask)


def _title_layer(clip: Clip, width: int, height: int, scale: float) -> Layer | None:
    rgba, (x, y) = draw_title(clip.title, width, height, scale)
    h, w = rgba.shape[:2]
    placement = Placement(
        (w, h),
        (max(0, -x), max(0, -y)),
        (max(0, x), max(0, y)),
        (max(0, min(width, x + w) - max(0, x)), max(0, min(height, y + h) - max(0, y))),
    )
    if not placement.visible:
        return None
    return _layer_from_rgba((clip.id, "title"), _cut(rgba, placement), placement.at)


def _still_layer(clip: Clip, path, width: int, height: int, timeline_height: int) -> Layer | None:
    try:
        with Image.open(path) as img:
            img.load()
            picture = img.convert("RGBA")
    except OSError as exc:
        raise RenderError(f"cannot read the picture {path.name} of clip {clip.name!r}: {exc}") from None
    except Image.DecompressionBombError:
        raise RenderError(
            f"the picture {path.name} of clip {clip.name!r} is too large to open safely "
            f"(over {2 * (Image.MAX_IMAGE_PIXELS or 0) / 1e6:.0f} megapixels); scale it down"
        ) from None
    placement = place(clip, picture.size, (width, height), timeline_height)
    if not placement.visible:
        return None
    scaled = np.asarray(picture.resize(placement.scaled, Image.Resampling.LANCZOS))
    return _layer_from_rgba((clip.id, "still"), _cut(scaled, placement), placement.at)


class Compositor:
    """Frames [plan.start, plan.end) of the plan's video tracks at ``size`` (width, height);
    ``scale_flags`` is ffmpeg's resize method for source video."""

    def __init__(self, plan: RenderPlan, size: tuple[int, int], scale_flags: str = "bicubic"):
        self.plan, self.size = plan, size
        self.players = [
            (TransitionPlayer if track.transitions else TrackPlayer)(plan, track, clips, size, scale_flags)
            for track, clips in plan.video_tracks
        ]
        self.black = np.zeros((size[1], size[0], 3), np.uint8)
        self.composited = 0  # frames that needed blending (the rest were reused or passed through)

    def frames(self) -> Iterator[np.ndarray]:
        """Each frame (H, W, 3) uint8, in order. A yielded array is never written to afterwards."""
        width, height = self.size
        previous_key, previous = None, self.black
        for frame in range(self.plan.start, self.plan.end):
            layers = [lay for lay in (p.layer(frame) for p in self.players) if lay is not None]
            key = tuple((lay.key, round(lay.alpha * 4096)) for lay in layers)
            if key == previous_key:
                yield previous
                continue
            top = max((i for i, lay in enumerate(layers) if lay.hides_below(width, height)), default=-1)
            base = self.black if top < 0 else layers[top].rgb
            above = layers[top + 1 :]
            if above:
                out = base if top >= 0 and layers[top].owned else base.copy()
                for lay in above:
                    blend(out, lay)
                self.composited += 1
            else:
                out = base
            previous_key, previous = key, out
            yield out

    def close(self) -> None:
        for p in self.players:
            p.close()


# ----------------------------------------------------------------------------------------------
# Transitions. A video track with transitions: its clips alternate between two players (A and B roll, as an editor's
# two source decks did), each clip stretched into the media past its cut, and inside a transition's window
# the two pictures are mixed into one layer: a dissolve, a dip to black (black at the cut) or a wipe that
# reveals the incoming clip from the left.
#
# The mix works on premultiplied pictures over the whole frame, so letterboxed or part-transparent clips
# mix their coverage too and the tracks under them show through as they would at a plain cut.


class TransitionPlayer:
    """Same interface as ``TrackPlayer``: ``layer(frame)`` is what the track shows there, or None."""

    def __init__(
        self, plan: RenderPlan, track: Track, clips: list[Clip], size: tuple[int, int], scale_flags: str = "bicubic"
    ):
        self.plan, self.track, self.size, self.scale_flags = plan, track, size, scale_flags
        self.windows = windows(track, clips)
        reaches = reach(Track(track.id, track.kind, track.name, transitions=[w.transition for w in self.windows]))
        rate, missing = plan.timeline.rate, plan.missing
        self.copies = {
            c.id: stretched(plan.project, c, *reaches.get(c.id, (0, 0)), rate=rate, missing=missing) for c in clips
        }
        self.slot = {c.id: i % 2 for i, c in enumerate(clips)}
        self.players = [
            TrackPlayer(plan, track, [self.copies[c.id] for c in clips if self.slot[c.id] == s], size, scale_flags)
            for s in (0, 1)
        ]
        self.index = 0  # the next window that may hold a frame
        self.holds: dict[tuple[str, str], Layer | None] = {}  # (transition id, side) -> the edge frame it holds

    def layer(self, frame: int) -> Layer | None:
        layers = [p.layer(frame) for p in self.players]  # both always asked, so their readers stay in step
        while self.index < len(self.windows) and self.windows[self.index].end <= frame:
            self.index += 1
        window = self.windows[self.index] if self.index < len(self.windows) else None
        if window is None or frame < window.start:
            return layers[0] if layers[0] is not None else layers[1]
        t = window.transition
        outgoing = layers[self.slot[t.from_clip]] or self._hold(window, t.from_clip, "out")
        incoming = layers[self.slot[t.to_clip]] or self._hold(window, t.to_clip, "in")
        return mix(window, frame, outgoing, incoming, self.size)

    def _hold(self, window: Window, clip_id: str, side: str) -> Layer | None:
        """The outgoing clip's last frame, or the incoming one's first, for the part of a window its source
        has no media for (read once per window with a one-frame player)."""
        key = (window.transition.id, side)
        if key not in self.holds:
            copy = self.copies[clip_id]
            edge = copy.end - 1 if side == "out" else copy.position
            player = TrackPlayer(self.plan, self.track, [copy], self.size, self.scale_flags)
            try:
                held = player.layer(edge)
                if held is not None:
                    held = Layer(held.key, held.rgb.copy(), held.at, held.mask, held.alpha)
            finally:
                player.close()
            self.holds[key] = held
        return self.holds[key]

    def close(self) -> None:
        for p in self.players:
            p.close()


def _premultiplied(layer: Layer | None, size: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """The layer over the whole frame as (colour x coverage (H, W, 3), coverage (H, W, 1)), float32."""
    width, height = size
    colour = np.zeros((height, width, 3), np.float32)
    cover = np.zeros((height, width, 1), np.float32)
    if layer is not None:
        x, y = layer.at
        h, w = layer.rgb.shape[:2]
        a = np.ones((h, w, 1), np.float32) if layer.mask is None else layer.mask.astype(np.float32)
        a = a * np.float32(layer.alpha)
        cover[y : y + h, x : x + w] = a
        colour[y : y + h, x : x + w] = layer.rgb.astype(np.float32) * a
    return colour, cover


def mix(window: Window, frame: int, outgoing: Layer | None, incoming: Layer | None, size: tuple[int, int]) -> Layer:
    """One frame of a transition, ``window.progress(frame)`` of the way from ``outgoing`` to ``incoming``."""
    t = window.progress(frame)
    kind = window.transition.kind
    keys = (outgoing.key if outgoing else None, incoming.key if incoming else None)
    key = ("transition", window.transition.id, keys, round(t * 4096))
    width, height = size
    if outgoing is not None and incoming is not None and outgoing.hides_below(width, height):
        if incoming.hides_below(width, height):  # two opaque full frames (the usual case): integer arithmetic
            return Layer(key, _opaque_mix(kind, t, outgoing.rgb, incoming.rgb), (0, 0), owned=True)
    (ca, aa), (cb, ab) = _premultiplied(outgoing, size), _premultiplied(incoming, size)
    if kind == "dip_to_black":  # the outgoing picture darkens to black at the cut, then the incoming one rises
        k = np.float32(abs(1 - 2 * t))
        colour, cover = (ca * k, aa) if t < 0.5 else (cb * k, ab)
    elif kind == "wipe":  # columns left of the edge show the incoming clip
        shown = (np.arange(size[0]) + 0.5 < t * size[0])[None, :, None]
        colour, cover = np.where(shown, cb, ca), np.where(shown, ab, aa)
    else:  # dissolve
        colour = ca * np.float32(1 - t) + cb * np.float32(t)
        cover = aa * np.float32(1 - t) + ab * np.float32(t)
    if cover.min() >= 1.0:
        return Layer(key, (colour + 0.5).astype(np.uint8), (0, 0))
    rgb = colour / np.maximum(cover, np.float32(1e-6))
    return Layer(key, (np.clip(rgb, 0, 255) + 0.5).astype(np.uint8), (0, 0), mask=np.clip(cover, 0.0, 1.0))


def _opaque_mix(kind: str, t: float, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``mix`` for two opaque full-frame pictures (H, W, 3) uint8, in 1/256 steps (within one level of it)."""
    if kind == "wipe":
        out = a.copy()
        edge = int(np.count_nonzero(np.arange(a.shape[1]) + 0.5 < t * a.shape[1]))
        out[:, :edge] = b[:, :edge]
        return out
    if kind == "dip_to_black":
        k = round(abs(1 - 2 * t) * 256)
        out16 = (a if t < 0.5 else b).astype(np.uint16)
        out16 *= k
    else:
        w = round(t * 256)
        out16 = a.astype(np.uint16)
        out16 *= 256 - w
        below = b.astype(np.uint16)
        below *= w
        out16 += below
    out16 += 128
    out16 >>= 8
    return out16.astype(np.uint8)
