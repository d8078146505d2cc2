"""A transition on the timeline: a box across the cut between two clips, drawn over them as editors draw one
(a cross for a dissolve, a ramp to black for a dip, a split box for a wipe), with a handle at each end that
drags its duration (both ends move together: a transition stays centred on its cut)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QGraphicsRectItem, QStyleOptionGraphicsItem, QWidget

from studio.model import Track, Transition
from studio.model.checks import describe_transition

HANDLE_PIXELS = 6
TOP = 16  # below the clips' name line, so their labels stay readable
FILL = QColor(250, 250, 250, 70)
SELECTED = QColor("#ffd24a")


class TransitionItem(QGraphicsRectItem):
    """Draws one transition; ``duration_preview`` is the duration shown while its handle is dragged."""

    def __init__(self, scene: Any, track: Track, transition: Transition):
        super().__init__()
        self.timeline_scene = scene
        self.track, self.transition = track, transition
        self.cut = 0
        self.duration_preview: int | None = None
        self.setZValue(2)  # over the clips it joins
        self.setPen(Qt.PenStyle.NoPen)
        self.setCacheMode(QGraphicsItem.CacheMode.NoCache)

    @property
    def duration(self) -> int:
        return self.transition.duration if self.duration_preview is None else self.duration_preview

    def sync(self, track: Track, transition: Transition, cut: int, top: float, height: float) -> None:
        self.track, self.transition, self.cut = track, transition, cut
        self.top, self.row_height = top, height
        self.place()

    def place(self) -> None:
        """Position and size from the cut, the duration (or its preview) and the zoom."""
        layout = self.timeline_scene.layout
        middle = self.cut - self.duration // 2 + self.duration / 2  # the frame at its middle (the cut, or half past)
        width = max(2 * HANDLE_PIXELS + 4.0, self.duration * layout.px_per_frame)  # short ones stay grabbable
        left = layout.x(middle) - width / 2
        self.setRect(0, 0, width, max(8.0, self.row_height - TOP - 4))
        self.setPos(left, self.top + TOP)
        self.update()

    def zone(self, local: QPointF) -> str:
        """ "in" or "out" (the duration handle at the left or right end), else "body"."""
        if local.x() <= HANDLE_PIXELS:
            return "in"
        if local.x() >= self.rect().width() - HANDLE_PIXELS:
            return "out"
        return "body"

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        rect = self.rect()
        selected = self.transition.id == self.timeline_scene.selected_transition
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.fillRect(rect, FILL)
        painter.setPen(QPen(QColor("#f4f4f4"), 1.2))
        kind = self.transition.kind
        if kind == "dip_to_black":  # down to black at the cut, then back up
            painter.setBrush(QColor(0, 0, 0, 150))
            painter.drawPolygon(QPolygonF([rect.topLeft(), QPointF(rect.center().x(), rect.bottom()), rect.topRight()]))
        elif kind == "wipe":  # the incoming side grows from the left
            painter.fillRect(
                QRectF(rect.left(), rect.top(), rect.width() / 2, rect.height()), QColor(255, 255, 255, 60)
            )
            painter.drawLine(QPointF(rect.center().x(), rect.top()), QPointF(rect.center().x(), rect.bottom()))
        else:  # a dissolve (or a crossfade): one picture or sound down while the other comes up
            painter.drawLine(rect.topLeft(), rect.bottomRight())
            painter.drawLine(rect.bottomLeft(), rect.topRight())
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(SELECTED if selected else QColor("#d8d8d8"), 2 if selected else 1))
        painter.drawRect(rect.adjusted(0.5, 0.5, -0.5, -0.5))
        for x in (rect.left(), rect.right() - HANDLE_PIXELS):  # the duration handles
            painter.fillRect(QRectF(x + 1, rect.top() + 1, HANDLE_PIXELS - 1, rect.height() - 2), QColor("#eeeeee"))
        if rect.width() > 70 and rect.height() >= 14:
            painter.setPen(QColor("#ffffff"))
            painter.setFont(self.timeline_scene.clip_font)
            label = f"{describe_transition(self.track, self.transition)} {self.duration}f"
            painter.drawText(
                rect.adjusted(HANDLE_PIXELS + 2, 0, -HANDLE_PIXELS - 2, 0), Qt.AlignmentFlag.AlignCenter, label
            )
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
