"""The status bar's error line: the last error stays until dismissed (or replaced), elided to the room there
is, with the whole text in its tooltip and a Details button that shows it all."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QSizePolicy, QToolButton, QWidget


class ElidedLabel(QLabel):
    """A one-line label that shows "…" where its text does not fit, never asking for more width."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.full_text = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(40)

    def set_full_text(self, text: str) -> None:
        self.full_text = text
        self.setToolTip(text)
        self._elide()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        self.setText(self.fontMetrics().elidedText(self.full_text, Qt.TextElideMode.ElideRight, max(20, self.width())))


class ErrorLine(QWidget):
    """ "⚠ <error>  [Details] [×]" in the status bar; hidden while there is no error."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("statusError")
        self.label = ElidedLabel(self)
        self.label.setStyleSheet("color: #ff9b93;")
        self.details = QToolButton(self, text="Details")
        self.details.clicked.connect(self.show_details)
        self.dismiss = QToolButton(self, text="×")
        self.dismiss.setToolTip("Dismiss this error")
        self.dismiss.clicked.connect(self.clear)
        box = QHBoxLayout(self)
        box.setContentsMargins(4, 0, 4, 0)
        box.setSpacing(4)
        box.addWidget(self.label, 1)
        box.addWidget(self.details)
        box.addWidget(self.dismiss)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.hide()

    @property
    def text(self) -> str:
        return self.label.full_text

    def show_error(self, text: str) -> None:
        self.label.set_full_text(f"⚠ {' '.join(text.split())}")
        self.show()

    def clear(self) -> None:
        self.label.set_full_text("")
        self.hide()

    def show_details(self) -> None:
        QMessageBox.warning(self.window(), "Studio: error", self.label.full_text)
