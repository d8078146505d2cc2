"""A video track with transitions: its clips alternate between two players (A and B roll, as an editor's
two source decks did), each clip stretched into the media past its cut, and inside a transition's window
the two pictures are mixed into one layer: a dissolve, a dip to black (black at the cut) or a wipe that
reveals the incoming clip from the left.

The mix works on premultiplied pictures over the whole frame, so letterboxed or part-transparent clips
mix their coverage too and the tracks under them show through as they would at a plain cut.
"""

from __future__ import annotations

import numpy as np

from studio.model import Clip, Track
from studio.render.compositor import Layer, TrackPlayer
from studio.render.plan import RenderPlan
from studio.render.transitions import Window, reach, stretched, windows


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
    keys = (outgoing.key if outgoing else None, incoming.key if incoming else None)
    key = ("transition", window.transition.id, keys, round(t * 4096))
    if cover.min() >= 1.0:
        return Layer(key, (colour + 0.5).astype(np.uint8), (0, 0))
    rgb = colour / np.maximum(cover, np.float32(1e-6))
    return Layer(key, (np.clip(rgb, 0, 255) + 0.5).astype(np.uint8), (0, 0), mask=np.clip(cover, 0.0, 1.0))
