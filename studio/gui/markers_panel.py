"""The markers dock: the timeline's named markers in time order; double-click (or Enter) jumps the playhead there,
renaming one is an undoable edit, Delete removes it. Next/previous marker move the playhead between them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from studio import edit
from studio.gui.session import ProjectSession
from studio.model import timecode


class MarkersPanel(QWidget):
    """Lists ``session.timeline.markers``; follows every edit."""

    def __init__(self, session: ProjectSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.list = QListWidget(self)
        self.list.setObjectName("markersList")
        self.list.setEditTriggers(
            QAbstractItemView.EditTrigger.EditKeyPressed | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.list.itemActivated.connect(self._jump)
        self.list.itemChanged.connect(self._renamed)
        box = QVBoxLayout(self)
        box.setContentsMargins(2, 2, 2, 2)
        box.addWidget(self.list)
        self._filling = False
        session.changed.connect(lambda _: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        self._filling = True
        self.list.clear()
        rate = self.session.rate
        for marker in sorted(self.session.timeline.markers, key=lambda m: (m.frame, m.id)):
            item = QListWidgetItem(marker.name or f"marker at {timecode(marker.frame, rate)}")
            item.setData(Qt.ItemDataRole.UserRole, marker.id)
            item.setToolTip(f"{timecode(marker.frame, rate)} (double-click to go there, F2 to rename)")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            item.setForeground(Qt.GlobalColor.white)
            self.list.addItem(item)
        self._filling = False

    def _marker(self, item: QListWidgetItem):
        return self.session.project.find_marker(item.data(Qt.ItemDataRole.UserRole))[1]

    def _jump(self, item: QListWidgetItem) -> None:
        self.session.set_playhead(self._marker(item).frame)

    def _renamed(self, item: QListWidgetItem) -> None:
        if self._filling:
            return
        marker = self._marker(item)
        if item.text() != marker.name:
            self.session.push(lambda: edit.set_property(self.session.project, marker.id, "name", item.text()))

    def keyPressEvent(self, event) -> None:
        item = self.list.currentItem()
        if event.key() == Qt.Key.Key_Delete and item is not None:
            self.session.push(lambda: edit.remove_marker(self.session.project, item.data(Qt.ItemDataRole.UserRole)))
            return
        super().keyPressEvent(event)


def step_marker(session: ProjectSession, direction: int) -> bool:
    """Move the playhead to the next (1) or previous (-1) marker; False when there is none that way."""
    frames = sorted({m.frame for m in session.timeline.markers})
    ahead = (
        [f for f in frames if f > session.playhead]
        if direction > 0
        else [f for f in frames if f < session.playhead][::-1]
    )
    if not ahead:
        return False
    session.set_playhead(ahead[0])
    return True
