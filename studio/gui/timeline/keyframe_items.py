"""Keyframes drawn on a clip in the timeline, and dragged along it in time.

A clip shows a diamond for each keyframe: its opacity (video) or gain and pan (audio) at the height of the value, on
the line of that value over the clip; the keyframes of its position and scale (x, y, scale) as one diamond per frame
on a lane at the clip's foot. Dragging a diamond moves its keyframe(s) to another frame of the clip, one undo step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF

from studio.edit import EditError
from studio.edit.keyframes import move_keyframe
from studio.model import KEYFRAMED
from studio.model.entities import TRANSFORM_KEYFRAMED

HIT_PIXELS = 6  # a press this close to a diamond grabs it
VALUE_COLOR = QColor("#ffd24a")
MOTION_COLOR = QColor("#5ad1e6")


@dataclass(frozen=True)
class KeyHandle:
    """One diamond: the keyframed properties it stands for, its clip-local frame and where it sits in the item."""

    names: tuple[str, ...]
    local: int
    x: float
    y: float


def value_names(item: Any) -> tuple[str, ...]:
    return ("gain_db", "pan") if item.track.kind == "audio" else ("opacity",)


def _value_y(item: Any, name: str, value: float) -> float:
    lo, hi = KEYFRAMED[name]
    top, height = 16.0, max(1.0, item.height - 20)
    return top + height * (1 - (value - lo) / (hi - lo))


def key_handles(item: Any) -> list[KeyHandle]:
    """Every diamond of the clip shown by ``item`` (a ClipItem), in item coordinates."""
    clip, ppf = item.clip, item.timeline_scene.layout.px_per_frame
    handles = []

    def local_of(k: Any) -> int:  # source frame -> the clip frame showing it, through the clip's speed
        return round(clip.local_at_source(k.frame))

    for name in value_names(item):
        for k in clip.keyframes.get(name, []):
            local = local_of(k)
            if 0 <= local < clip.duration:
                handles.append(KeyHandle((name,), local, local * ppf, _value_y(item, name, k.value)))
    if item.track.kind == "video":
        frames: dict[int, list[str]] = {}
        for name in TRANSFORM_KEYFRAMED:
            for k in clip.keyframes.get(name, []):
                if 0 <= local_of(k) < clip.duration:
                    frames.setdefault(local_of(k), []).append(name)
        lane = max(16.0, item.height - 7)
        handles += [KeyHandle(tuple(names), local, local * ppf, lane) for local, names in sorted(frames.items())]
    return handles


def hit_handle(item: Any, local_point: QPointF) -> KeyHandle | None:
    """The diamond under ``local_point`` (item coordinates), nearest first; None if there is none."""
    near = [
        h
        for h in key_handles(item)
        if abs(h.x - local_point.x()) <= HIT_PIXELS and abs(h.y - local_point.y()) <= HIT_PIXELS
    ]
    return min(near, key=lambda h: abs(h.x - local_point.x()) + abs(h.y - local_point.y()), default=None)


def dragged_frame(item: Any, handle: KeyHandle, dx_pixels: float) -> int:
    """The clip-local frame a diamond dragged by ``dx_pixels`` lands on (inside the clip)."""
    ppf = item.timeline_scene.layout.px_per_frame
    return max(0, min(item.clip.duration - 1, round(handle.local + dx_pixels / ppf)))


def move_keys(session: Any, clip_id: str, handle: KeyHandle, to: int) -> bool:
    """Move the handle's keyframe(s) from ``handle.local`` to ``to``: one undo step, refused edits shown."""
    if to == handle.local:
        return False
    project = session.project
    try:
        with session.transaction(f"Move keyframe to frame {to}"):
            for name in handle.names:
                session.bridge.push(move_keyframe(project, clip_id, name, handle.local, to))
    except EditError as exc:
        session.error.emit(str(exc))
        return False
    return True


def _diamond(painter: QPainter, x: float, y: float, r: float = 4.0) -> None:
    painter.drawPolygon(QPolygonF([QPointF(x, y - r), QPointF(x + r, y), QPointF(x, y + r), QPointF(x - r, y)]))


def draw_keyframes(item: Any, painter: QPainter, dragging: tuple[KeyHandle, int] | None = None) -> None:
    """The value line and diamonds on the clip; ``dragging``: (handle, frame) drawn where the drag has it now."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    clip, ppf = item.clip, item.timeline_scene.layout.px_per_frame
    name = value_names(item)[0]
    if name in clip.keyframes:
        step = max(2, round(item.width / 60))
        points = [
            QPointF(x, _value_y(item, name, clip.value_at(name, x / ppf))) for x in range(0, round(item.width), step)
        ]
        painter.setPen(QPen(VALUE_COLOR, 1.2))
        painter.drawPolyline(points)
    handles = key_handles(item)
    if any(h.names[0] in TRANSFORM_KEYFRAMED for h in handles):
        lane = max(16.0, item.height - 7)
        painter.setPen(QPen(MOTION_COLOR.darker(160), 1))
        painter.drawLine(QPointF(0, lane), QPointF(item.width, lane))
    painter.setPen(QPen(QColor("#222222"), 1))
    selected = clip.id in item.timeline_scene.selected_ids
    for h in handles:
        x = h.x
        if dragging is not None and dragging[0] == h:
            x = dragging[1] * ppf
        painter.setBrush(MOTION_COLOR if h.names[0] in TRANSFORM_KEYFRAMED else VALUE_COLOR)
        _diamond(painter, x, h.y, 5.0 if selected else 4.0)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
