"""Track headers beside the timeline: name, mute, solo, lock, and a menu for height and removal."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLineEdit, QMenu, QToolButton, QVBoxLayout, QWidget

from studio import edit
from studio.gui.session import ProjectSession
from studio.gui.timeline.layout import RULER_HEIGHT, TimelineLayout, track_is_silent

HEADER_WIDTH = 170


class TrackHeader(QFrame):
    """One track's controls; every change is an undoable ``set_property`` edit."""

    def __init__(self, session: ProjectSession, track, parent: QWidget):
        super().__init__(parent)
        self.session, self.track_id = session, track.id
        self.setObjectName("trackHeader")
        self.setProperty("kind", track.kind)
        box = QVBoxLayout(self)
        box.setContentsMargins(6, 3, 4, 3)
        box.setSpacing(2)
        self.name = QLineEdit(track.name)
        self.name.setFrame(False)
        self.name.editingFinished.connect(self._rename)
        box.addWidget(self.name)
        buttons = QHBoxLayout()
        buttons.setSpacing(2)
        self.toggles = {}
        for prop, label, tip in (("muted", "M", "mute"), ("solo", "S", "solo"), ("locked", "L", "lock")):
            b = QToolButton(text=label, checkable=True, checked=getattr(track, prop))
            b.setToolTip(f"{tip} {track.name}")
            b.setObjectName(f"toggle_{prop}")
            b.setFixedSize(22, 18)
            b.toggled.connect(lambda on, p=prop: self._set(p, on))
            buttons.addWidget(b)
            self.toggles[prop] = b
        buttons.addStretch(1)
        more = QToolButton(text="⋯")
        more.setObjectName("trackMenu")
        more.setToolTip(f"{track.name}: height, remove")
        more.setFixedSize(26, 18)  # the style's arrow and padding must not squeeze the label to "."
        more.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        more.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0; }")
        menu = QMenu(more)
        menu.addAction("Taller", lambda: self._resize(+20))
        menu.addAction("Shorter", lambda: self._resize(-20))
        menu.addSeparator()
        menu.addAction("Remove track", lambda: session.push(lambda: edit.remove_track(session.project, self.track_id)))
        more.setMenu(menu)
        buttons.addWidget(more)
        self.menu_button = more
        box.addLayout(buttons)
        box.addStretch(1)
        silent = track_is_silent(session.timeline, track)
        self.setProperty("silent", silent)
        if silent:
            self.name.setStyleSheet("color: #6b707a;")
            self.setToolTip(f"{track.name} is silent: " + ("muted" if track.muted else "another track is soloed"))

    def _track(self):
        return self.session.project.find_track(self.track_id)[1]

    def _rename(self) -> None:
        if self.name.text().strip() and self.name.text() != self._track().name:
            self.session.push(lambda: edit.set_property(self.session.project, self.track_id, "name", self.name.text()))

    def _set(self, prop: str, on: bool) -> None:
        if getattr(self._track(), prop) != on:
            self.session.push(lambda: edit.set_property(self.session.project, self.track_id, prop, on))

    def _resize(self, delta: int) -> None:
        height = min(300, max(30, self._track().height + delta))
        self.session.push(lambda: edit.set_property(self.session.project, self.track_id, "height", height))


class TrackHeaders(QWidget):
    """A column of TrackHeader widgets that scrolls vertically with the timeline view."""

    def __init__(self, session: ProjectSession, layout: TimelineLayout, parent: QWidget | None = None):
        super().__init__(parent)
        self.session, self.layout_ = session, layout
        self.setFixedWidth(HEADER_WIDTH)
        self.headers: list[TrackHeader] = []
        self.offset = 0
        self._shown: tuple = ()  # what the headers show, per track; the same after an edit: nothing is rebuilt

    def rebuild(self) -> None:
        """Headers for the tracks as they are now; kept as they are when no track's name, kind, toggles or silence
        changed (building eight headers cost ~10 ms of the GUI thread, and this runs after every edit)."""
        timeline = self.session.timeline
        shown = tuple(
            (t.id, t.kind, t.name, t.muted, t.solo, t.locked, track_is_silent(timeline, t))
            for t in (row.track for row in self.layout_.rows)
        )
        if shown == self._shown and len(self.headers) == len(shown):
            self.reposition()
            return
        for h in self.headers:
            h.deleteLater()
        self.headers = [TrackHeader(self.session, row.track, self) for row in self.layout_.rows]
        self._shown = shown
        self.reposition()
        for h in self.headers:
            h.show()

    def reposition(self, offset: int | None = None) -> None:
        self.offset = self.offset if offset is None else offset
        for header, row in zip(self.headers, self.layout_.rows, strict=False):
            header.setGeometry(0, round(row.top) - self.offset, HEADER_WIDTH, round(row.height) - 1)
            header.setVisible(row.top - self.offset >= RULER_HEIGHT - 2)

    def sizeHint(self):
        size = super().sizeHint()
        size.setHeight(int(self.layout_.height))
        return size
