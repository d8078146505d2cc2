"""The timeline scene: one ClipItem per clip, kept in step with the model after every edit."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QGraphicsScene

from studio.gui.media_cache import MediaCache
from studio.gui.session import ProjectSession
from studio.gui.timeline.items import ClipItem, clip_font
from studio.gui.timeline.layout import TimelineLayout
from studio.gui.timeline.transition_item import TransitionItem

TAIL_SECONDS = 30  # empty room after the last clip


class TimelineScene(QGraphicsScene):
    """Tracks as rows (drawn in the background) and clips as items; ``sync()`` follows the model."""

    def __init__(self, session: ProjectSession, media_cache: MediaCache, parent=None):
        super().__init__(parent)
        self.session = session
        self.media_cache = media_cache
        self.layout = TimelineLayout()
        self.items_by_id: dict[str, ClipItem] = {}
        self.selected_ids: set[str] = set()
        self.transitions_by_id: dict[str, TransitionItem] = {}
        self.selected_transition: str | None = None  # a transition clicked on the timeline (Delete removes it)
        self.clip_font = clip_font()
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)  # every item moves on zoom
        media_cache.ready.connect(self._media_ready)

    @property
    def project_dir(self) -> Path | None:
        return self.session.project_dir

    def sync(self) -> None:
        """Add, remove and reposition items so they match the timeline."""
        timeline = self.session.timeline
        self.layout.update_rows(timeline)
        seen = set()
        for row in self.layout.rows:
            for clip in row.track.clips:
                seen.add(clip.id)
                item = self.items_by_id.get(clip.id)
                if item is None:
                    item = self.items_by_id[clip.id] = ClipItem(self, row.track, clip)
                    self.addItem(item)
                item.sync(row.track, clip, row.top, row.height)
        for gone in set(self.items_by_id) - seen:
            self.removeItem(self.items_by_id.pop(gone))
        self._sync_transitions()
        self.selected_ids = set(self.session.selection)
        self._resize()

    def _sync_transitions(self) -> None:
        seen = set()
        for row in self.layout.rows:
            ends = {c.id: c.end for c in row.track.clips}
            for t in row.track.transitions:
                if t.from_clip not in ends:
                    continue
                seen.add(t.id)
                item = self.transitions_by_id.get(t.id)
                if item is None:
                    item = self.transitions_by_id[t.id] = TransitionItem(self, row.track, t)
                    self.addItem(item)
                item.sync(row.track, t, ends[t.from_clip], row.top, row.height)
        for gone in set(self.transitions_by_id) - seen:
            self.removeItem(self.transitions_by_id.pop(gone))
        if self.selected_transition not in seen:
            self.selected_transition = None

    def select_transition(self, transition_id: str | None) -> None:
        old, self.selected_transition = self.selected_transition, transition_id
        for tid in {old, transition_id} - {None}:
            if tid in self.transitions_by_id:
                self.transitions_by_id[tid].update()

    def relayout(self) -> None:
        """Re-place every item after a zoom (no model change); the hot loop of zooming, kept to two Qt calls."""
        ppf = self.layout.px_per_frame
        items = self.items_by_id
        for row in self.layout.rows:
            top, height = row.top + 1, row.height - 2
            for clip in row.track.clips:
                item = items.get(clip.id)
                if item is not None:
                    width = max(2.0, clip.duration * ppf)  # timeline frames: a retimed clip's differ
                    item.width = width
                    item.setRect(0, 0, width, height)
                    item.setPos(clip.position * ppf, top)
        for transition in self.transitions_by_id.values():
            transition.place()
        self._resize()

    def _resize(self) -> None:
        frames = self.session.timeline.duration + round(TAIL_SECONDS * self.session.rate)
        self.setSceneRect(QRectF(0, 0, self.layout.x(frames), self.layout.height + 40))

    def refresh_selection(self) -> None:
        new = set(self.session.selection)
        for cid in new ^ self.selected_ids:
            if cid in self.items_by_id:
                self.items_by_id[cid].update()
        self.selected_ids = new

    def _media_ready(self, path: str) -> None:
        if self.project_dir is None:
            return
        for item in self.items_by_id.values():
            asset = self.session.project.assets.get(item.clip.asset_id or "")
            if asset is not None and str(self.project_dir / asset.path) == path:
                item.update()

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        painter.fillRect(rect, QColor("#1b1d22"))
        for i, row in enumerate(self.layout.rows):
            band = QRectF(rect.left(), row.top, rect.width(), row.height)
            if band.intersects(rect):
                painter.fillRect(
                    band,
                    QColor("#22252b" if row.track.kind == "video" else "#20262a")
                    if i % 2 == 0
                    else QColor("#25282f" if row.track.kind == "video" else "#232a2e"),
                )
                painter.setPen(QColor("#15171b"))
                painter.drawLine(rect.left(), row.top + row.height - 0.5, rect.right(), row.top + row.height - 0.5)
