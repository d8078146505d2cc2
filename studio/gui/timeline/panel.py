"""The timeline dock: a small toolbar, the track headers and the timeline view side by side."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolBar, QVBoxLayout, QWidget

from studio import edit
from studio.gui.media_cache import MediaCache
from studio.gui.session import ProjectSession
from studio.gui.timeline.headers import TrackHeaders
from studio.gui.timeline.scene import TimelineScene
from studio.gui.timeline.view import TimelineView
from studio.model import timecode


class TimelinePanel(QWidget):
    """Tracks, clips, ruler and playhead of the session's main timeline."""

    def __init__(self, session: ProjectSession, media_cache: MediaCache, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.scene = TimelineScene(session, media_cache, self)
        self.view = TimelineView(self.scene, self)
        self.headers = TrackHeaders(session, self.scene.layout, self)
        bar = QToolBar(self)
        bar.setObjectName("timelineBar")
        bar.addAction("+ Video track", lambda: session.push(lambda: edit.add_track(session.project, "video")))
        bar.addAction("+ Audio track", lambda: session.push(lambda: edit.add_track(session.project, "audio")))
        bar.addSeparator()
        bar.addAction("Split", session.split_at_playhead)
        bar.addAction("Ripple delete", lambda: session.delete_selection(ripple=True))
        bar.addAction("Marker", self.add_marker)
        bar.addSeparator()
        bar.addAction("−", lambda: self.view.zoom_by(0.8))
        bar.addAction("+", lambda: self.view.zoom_by(1.25))
        bar.addAction("Fit", self.view.zoom_to_fit)
        self.timecode = QLabel()
        self.timecode.setObjectName("timelineTimecode")
        bar.addWidget(self.timecode)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.headers)
        row.addWidget(self.view, 1)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addWidget(bar)
        box.addLayout(row, 1)
        self.view.verticalScrollBar().valueChanged.connect(self.headers.reposition)
        session.changed.connect(self.refresh)
        session.selection_changed.connect(self.scene.refresh_selection)
        session.playhead_changed.connect(self._show_time)
        session.assets_changed.connect(lambda: self.scene.update())
        session.job_event.connect(self._repaint_placeholders)
        self.refresh()

    def sizeHint(self) -> QSize:
        return QSize(1100, 400)  # the main window gives the timeline this much room at first

    def refresh(self, event: str = "") -> None:
        self.scene.sync()
        self.headers.rebuild()
        self.headers.reposition(self.view.verticalScrollBar().value())
        self._show_time(self.session.playhead)
        self.view.viewport().update()

    def _repaint_placeholders(self, _event=None) -> None:
        """A job moved on: redraw the placeholder clips (progress bars, failures)."""
        for clip_id in {*self.session.progress, *self.session.failed}:
            item = self.scene.items_by_id.get(clip_id)
            if item is not None:
                item.update()

    def add_marker(self) -> None:
        self.session.push(
            lambda: edit.add_marker(
                self.session.project, self.session.playhead, f"M{len(self.session.timeline.markers) + 1}"
            )
        )

    def _show_time(self, frame: int) -> None:
        rate = self.session.rate
        self.timecode.setText(f"  {timecode(frame, rate)}  /  {timecode(self.session.timeline.duration, rate)}")
