"""The timeline view: ruler, playhead and markers on top; zoom, scroll, select, drag, trim, fade by mouse.

Mouse gestures only preview on the items; releasing the button pushes one edit to the project's undo
stack (or none, if it was refused), and the scene then redraws from the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPen, QPolygonF, QWheelEvent
from PySide6.QtWidgets import QGraphicsView

from studio import edit
from studio.edit import EditError
from studio.gui.timeline import keyframe_items
from studio.gui.timeline.items import ClipItem
from studio.gui.timeline.layout import RULER_HEIGHT, Snapper, snap_targets
from studio.gui.timeline.scene import TimelineScene
from studio.gui.timeline.transition_tools import TransitionGestures
from studio.model import timecode

ASSET_MIME = "application/x-studio-asset"


@dataclass
class Drag:
    mode: str  # "body", "head", "tail", "fade_in", "fade_out", "scrub", "keyframe"
    item: ClipItem | None
    press: QPointF
    items: list[ClipItem] = field(default_factory=list)
    snapper: Snapper | None = None
    frames: int = 0  # the committed delta / new edge / fade length
    track_id: str | None = None
    moved: bool = False
    key: Any = None  # the KeyHandle a "keyframe" drag moves


class TimelineView(QGraphicsView):
    """Shows a TimelineScene; reports zoom changes so the track headers and rulers follow."""

    zoomed = Signal(float)

    def __init__(self, scene: TimelineScene, parent=None):
        super().__init__(scene, parent)
        self.tscene = scene
        self.session = scene.session
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self.setOptimizationFlags(QGraphicsView.OptimizationFlag.DontSavePainterState)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setAcceptDrops(True)
        self.setMouseTracking(True)
        self._drag: Drag | None = None
        self.menu_actions: dict = {}  # the window's hooks for the clip menu: "properties", "reveal", "new_take"
        self.snapping = True  # View > Snapping; off: drags and drops land exactly where the mouse is
        self._band = QRect()
        self.rubberBandChanged.connect(self._band_changed)
        self._playhead_x: float | None = None  # where the playhead was last drawn (view x)
        self.session.playhead_changed.connect(self._playhead_moved)
        self.transitions = TransitionGestures(self)  # click, drag the duration, menu, Delete, Ctrl+T

    def _playhead_moved(self, frame: int) -> None:
        """Repaint only the ruler and the strips under the old and new playhead (a full repaint of every clip per
        frame was what stalled scrubbing and playback)."""
        port = self.viewport()
        x = frame * self.tscene.layout.px_per_frame - self.horizontalScrollBar().value()
        port.update(QRect(0, 0, port.width(), RULER_HEIGHT))
        for at in (self._playhead_x, x):
            if at is not None:
                port.update(QRect(round(at) - 8, 0, 17, port.height()))
        self._playhead_x = x

    # ------------------------------------------------------------------ zoom and scroll
    def zoom_by(self, factor: float, anchor_x: float | None = None) -> None:
        layout = self.tscene.layout
        anchor_x = self.viewport().width() / 2 if anchor_x is None else anchor_x
        frame_at_anchor = (self.horizontalScrollBar().value() + anchor_x) / layout.px_per_frame
        layout.set_zoom(layout.px_per_frame * factor)
        self.tscene.relayout()
        self.horizontalScrollBar().setValue(round(frame_at_anchor * layout.px_per_frame - anchor_x))
        self.viewport().update()
        self.zoomed.emit(layout.px_per_frame)

    def zoom_to_fit(self) -> None:
        frames = max(1, self.session.timeline.duration)
        self.tscene.layout.set_zoom((self.viewport().width() - 40) / frames)
        self.tscene.relayout()
        self.horizontalScrollBar().setValue(0)
        self.viewport().update()  # the ruler, markers and playhead are drawn over the whole view, not per item
        self.zoomed.emit(self.tscene.layout.px_per_frame)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom_by(1.25 if event.angleDelta().y() > 0 else 0.8, event.position().x())
            event.accept()
            return
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier or abs(event.angleDelta().x()) > 0:
            bar = self.horizontalScrollBar()
            bar.setValue(bar.value() - (event.angleDelta().y() or event.angleDelta().x()))
            event.accept()
            return
        super().wheelEvent(event)

    # ------------------------------------------------------------------ mouse
    def contextMenuEvent(self, event) -> None:
        if self.transitions.context_menu(event):
            return
        item = self._clip_item_at(QPointF(event.pos()))
        if item is None:
            return super().contextMenuEvent(event)
        from studio.gui.timeline.clip_menu import build_clip_menu

        self.clip_menu = build_clip_menu(self.session, item.clip.id, self, self.menu_actions)
        self.clip_menu.popup(event.globalPos())
        event.accept()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if not self.transitions.double_click(event.position()):
            super().mouseDoubleClickEvent(event)

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and self.transitions.takes_key(event):
            return True  # Delete goes to the selected transition, not to the window's Delete (clips)
        return super().event(event)

    def keyPressEvent(self, event) -> None:
        if self.transitions.takes_key(event):
            self.transitions.delete_selected()
            return
        super().keyPressEvent(event)

    def _frame_at(self, view_x: float) -> int:
        return self.tscene.layout.frame(self.mapToScene(round(view_x), 0).x())

    def mousePressEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        if event.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(event)
        if pos.y() < RULER_HEIGHT:
            self._drag = Drag("scrub", None, pos)
            self.session.set_playhead(self._frame_at(pos.x()))
            return
        if self.transitions.press(pos):
            return
        item = self._clip_item_at(pos)
        if item is None:
            if not event.modifiers() & (Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier):
                self.session.select([])
            return super().mousePressEvent(event)  # rubber band
        clip_id = item.clip.id
        selection = list(self.session.selection)
        if event.modifiers() & (Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier):
            selection = [c for c in selection if c != clip_id] if clip_id in selection else selection + [clip_id]
            self.session.select(selection)
            return
        if clip_id not in selection:
            self.session.select([clip_id])
        if item.track.locked:
            return
        handle = keyframe_items.hit_handle(item, item.mapFromScene(self.mapToScene(pos.toPoint())))
        if handle is not None:  # a keyframe diamond: dragged along the clip in time
            self._drag = Drag("keyframe", item, pos, [item], key=handle, frames=handle.local)
            return
        mode = item.zone(item.mapFromScene(self.mapToScene(pos.toPoint())))
        moving = [self.tscene.items_by_id[c] for c in self.session.selection if c in self.tscene.items_by_id]
        exclude = {i.clip.id for i in moving} if mode == "body" else {clip_id}
        snapper = Snapper(
            snap_targets(self.session.timeline, self.session.playhead, exclude),
            self.tscene.layout.px_per_frame,
            self.snapping,
        )
        self._drag = Drag(mode, item, pos, moving if mode == "body" else [item], snapper, track_id=item.track.id)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        drag = self._drag
        pos = event.position()
        if self.transitions.move(pos):
            return
        if drag is None:
            self._update_cursor(pos)
            return super().mouseMoveEvent(event)
        if drag.mode == "scrub":
            self.session.set_playhead(self._frame_at(pos.x()))
            return
        layout = self.tscene.layout
        delta = (pos.x() - drag.press.x()) / layout.px_per_frame
        clip = drag.item.clip
        drag.moved = drag.moved or abs(pos.x() - drag.press.x()) > 2 or abs(pos.y() - drag.press.y()) > 4
        if drag.mode == "body":
            start = drag.snapper.snap_span(clip.position + delta, clip.duration)
            drag.frames = max(-min(i.clip.position for i in drag.items), start - clip.position)
            row = layout.row_at(self.mapToScene(pos.toPoint()).y())
            if row is not None and row.track.kind == drag.item.track.kind and len(drag.items) == 1:
                drag.track_id = row.track.id
            for item in drag.items:
                target = layout.row_of(drag.track_id) if len(drag.items) == 1 else layout.row_of(item.track.id)
                item.setPos(layout.x(item.clip.position + drag.frames), target.top + 1)
            self.viewport().update()  # the snap line follows
        elif drag.mode in ("head", "tail"):
            edge = clip.position + delta if drag.mode == "head" else clip.end + delta
            snapped = drag.snapper.nearest(edge)
            drag.frames = max(0, round(edge) if snapped is None else snapped)
            left = drag.frames if drag.mode == "head" else clip.position
            right = clip.end if drag.mode == "head" else drag.frames
            if right > left:
                drag.item.width = (right - left) * layout.px_per_frame
                drag.item.setRect(0, 0, drag.item.width, drag.item.height)
                drag.item.setPos(layout.x(left), drag.item.pos().y())
            self.viewport().update()  # the snap line follows
        elif drag.mode == "keyframe":
            drag.frames = keyframe_items.dragged_frame(drag.item, drag.key, pos.x() - drag.press.x())
            drag.item.key_preview = (drag.key, drag.frames)
            drag.item.update()
        else:
            name = drag.item.fade_field(drag.mode)
            sign = 1 if drag.mode == "fade_in" else -1
            drag.frames = max(0, min(clip.duration, getattr(clip, name) + round(sign * delta)))
            drag.item.fade_preview = (name, drag.frames)
            drag.item.update()

    @property
    def snap_line(self) -> int | None:
        """The frame a drag is snapped to right now (drawn as a line), or None."""
        drag = self._drag
        return drag.snapper.last if drag is not None and drag.snapper is not None and drag.moved else None

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self.transitions.release():
            return
        drag, self._drag = self._drag, None
        if drag is not None and drag.snapper is not None and drag.snapper.last is not None:
            self.viewport().update()  # take the snap line away
        if drag is None:
            super().mouseReleaseEvent(event)
            if not self._band.isNull():
                self._select_band(event)
            return
        if drag.mode == "keyframe":
            drag.item.key_preview = None
            if drag.moved:
                keyframe_items.move_keys(self.session, drag.item.clip.id, drag.key, drag.frames)
            drag.item.update()
            return
        if drag.mode == "scrub" or not drag.moved:
            return
        clip = drag.item.clip
        drag.item.fade_preview = None
        project = self.session.project
        try:
            if drag.mode == "body" and (drag.frames or drag.track_id != drag.item.track.id):
                items = sorted(drag.items, key=lambda i: i.clip.position, reverse=drag.frames > 0)
                with self.session.transaction(f"Move {len(items)} clip(s)"):
                    for item in items:
                        track = drag.track_id if len(items) == 1 else None
                        self.session.bridge.push(
                            edit.move(project, item.clip.id, item.clip.position + drag.frames, track_id=track)
                        )
            elif drag.mode == "head" and drag.frames != clip.position:
                self.session.bridge.push(edit.trim_head(project, clip.id, drag.frames))
            elif drag.mode == "tail" and drag.frames != clip.end:
                self.session.bridge.push(edit.trim_tail(project, clip.id, drag.frames))
            elif drag.mode.startswith("fade"):
                name = drag.item.fade_field(drag.mode)
                if drag.frames != getattr(clip, name):
                    self.session.bridge.push(edit.set_property(project, clip.id, name, drag.frames))
        except EditError as exc:
            self.session.error.emit(str(exc))
        self.tscene.sync()  # put a refused gesture's items back

    def _clip_item_at(self, pos: QPointF) -> ClipItem | None:
        for item in self.items(pos.toPoint()):
            if isinstance(item, ClipItem):
                return item
        return None

    def _update_cursor(self, pos: QPointF) -> None:
        item = self._clip_item_at(pos) if pos.y() >= RULER_HEIGHT else None
        local = item.mapFromScene(self.mapToScene(pos.toPoint())) if item else None
        zone = ("keyframe" if keyframe_items.hit_handle(item, local) else item.zone(local)) if item else ""
        shape = {
            "head": Qt.CursorShape.SizeHorCursor,
            "tail": Qt.CursorShape.SizeHorCursor,
            "fade_in": Qt.CursorShape.PointingHandCursor,
            "fade_out": Qt.CursorShape.PointingHandCursor,
            "keyframe": Qt.CursorShape.SizeHorCursor,
        }
        self.viewport().setCursor(shape.get(zone, Qt.CursorShape.ArrowCursor))

    def _band_changed(self, rect: QRect, *_) -> None:
        if not rect.isNull():
            self._band = rect

    def _select_band(self, event: QMouseEvent) -> None:
        area = self.mapToScene(self._band).boundingRect()
        self._band = QRect()
        hit = [i.clip.id for i in self.tscene.items(area) if isinstance(i, ClipItem)]
        if event.modifiers() & (Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier):
            hit = list(dict.fromkeys(self.session.selection + hit))
        self.session.select(hit)

    # ------------------------------------------------------------------ drops from the media bin
    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasFormat(ASSET_MIME):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event) -> None:
        if event.mimeData().hasFormat(ASSET_MIME):
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event) -> None:
        if not event.mimeData().hasFormat(ASSET_MIME):
            return super().dropEvent(event)
        asset_id = bytes(event.mimeData().data(ASSET_MIME)).decode()
        pos = event.position()
        scene_pos = self.mapToScene(pos.toPoint())
        row = self.tscene.layout.row_at(scene_pos.y())
        asset = self.session.project.assets.get(asset_id)
        if asset is None or row is None:
            return
        wanted = "audio" if asset.kind == "audio" else "video"
        if row.track.kind != wanted:
            self.session.error.emit(f"{asset.name!r} is {wanted}: drop it on a {wanted} track")
            return
        snapper = Snapper(
            snap_targets(self.session.timeline, self.session.playhead, set()),
            self.tscene.layout.px_per_frame,
            self.snapping,
        )
        frame = self.tscene.layout.frame(scene_pos.x())
        snapped = snapper.nearest(frame)
        self.session.add_asset_clip(asset_id, row.track.id, frame if snapped is None else snapped)
        event.acceptProposedAction()

    # ------------------------------------------------------------------ ruler, markers, playhead
    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        painter.save()
        painter.resetTransform()
        width = self.viewport().width()
        left = self.horizontalScrollBar().value()
        ppf = self.tscene.layout.px_per_frame
        rate = self.session.rate
        painter.fillRect(QRectF(0, 0, width, RULER_HEIGHT), QColor("#2a2d34"))
        step = _ruler_step(ppf, float(rate))
        first = int(left / ppf // step) * step
        painter.setFont(self.tscene.clip_font)
        frame = first
        while frame * ppf - left < width:
            x = frame * ppf - left
            painter.setPen(QColor("#8a8f99"))
            painter.drawLine(QPointF(x, RULER_HEIGHT - 10), QPointF(x, RULER_HEIGHT))
            painter.setPen(QColor("#c9ccd3"))
            painter.drawText(QPointF(x + 3, 12), timecode(int(frame), rate))
            for k in range(1, 5):
                sx = x + k * step * ppf / 5
                painter.setPen(QColor("#5d626b"))
                painter.drawLine(QPointF(sx, RULER_HEIGHT - 4), QPointF(sx, RULER_HEIGHT))
            frame += step
        session = self.session
        if session.in_point is not None or session.out_point is not None:
            a = (session.in_point or 0) * ppf - left
            b = (session.out_point if session.out_point is not None else session.timeline.duration) * ppf - left
            painter.fillRect(QRectF(a, RULER_HEIGHT - 5, max(1.0, b - a), 5), QColor("#4a90d9"))
        for marker in session.timeline.markers:
            x = marker.frame * ppf - left
            painter.setBrush(QColor(marker.color))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawPolygon(QPolygonF([QPointF(x - 5, 14), QPointF(x + 5, 14), QPointF(x, 22)]))
            painter.setPen(QPen(QColor(marker.color), 1, Qt.PenStyle.DotLine))
            painter.drawLine(QPointF(x, RULER_HEIGHT), QPointF(x, self.viewport().height()))
        if self.snap_line is not None:
            sx = self.snap_line * ppf - left
            painter.setPen(QPen(QColor("#5ee0ff"), 1.5, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(sx, RULER_HEIGHT), QPointF(sx, self.viewport().height()))
        x = session.playhead * ppf - left
        self._playhead_x = x
        painter.setPen(QPen(QColor("#ff4d4d"), 1.5))
        painter.drawLine(QPointF(x, 0), QPointF(x, self.viewport().height()))
        painter.setBrush(QColor("#ff4d4d"))
        painter.drawPolygon(QPolygonF([QPointF(x - 6, 0), QPointF(x + 6, 0), QPointF(x, 8)]))
        painter.restore()

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        super().scrollContentsBy(dx, dy)
        if self._playhead_x is not None:
            self._playhead_x += dx  # the blit moved the drawn playhead with the clips
        if dy:  # the ruler stays at the top while the tracks scroll under it (sideways it scrolls with them)
            self.viewport().update()


def _ruler_step(px_per_frame: float, fps: float) -> int:
    """Frames between labelled ticks: a round number of frames or seconds at least ~90 px apart."""
    for step in (1, 2, 5, 10):
        if step * px_per_frame >= 90:
            return step
    for seconds in (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600):
        if seconds * fps * px_per_frame >= 90:
            return round(seconds * fps)
    return round(7200 * fps)
