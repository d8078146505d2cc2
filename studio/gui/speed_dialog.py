"""Clip speed controls: a speed spin box (0.25x to 4x) with a list of presets and a Reverse checkbox, used by the
inspector; and the "Speed…" dialog of the clip menu, which can also ripple later clips to make room."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from studio import edit
from studio.edit.speed import SPEED_PRESETS, speed_text
from studio.model.entities import SPEED_RANGE


class SpeedControls(QWidget):
    """Speed and direction of one clip; ``chosen(speed, reverse)`` when the creator changes either."""

    chosen = Signal(float, bool)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.speed = QDoubleSpinBox()
        self.speed.setObjectName("inspector_speed")
        self.speed.setRange(*SPEED_RANGE)
        self.speed.setDecimals(2)
        self.speed.setSingleStep(0.25)
        self.speed.setSuffix("x")
        self.speed.setKeyboardTracking(False)
        self.speed.setToolTip("Play the clip faster or slower (its length follows; sound keeps its pitch)")
        self.presets = QComboBox()
        self.presets.setObjectName("inspector_speed_presets")
        self.presets.addItem("Presets", None)
        for value in SPEED_PRESETS:
            self.presets.addItem(speed_text(value), value)
        self.reverse = QCheckBox("Reverse")
        self.reverse.setObjectName("inspector_reverse")
        self.reverse.setToolTip("Play the clip backwards, sound included")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.speed, 1)
        row.addWidget(self.presets)
        row.addWidget(self.reverse)
        self._loading = False
        self.speed.valueChanged.connect(lambda _: self._changed())
        self.reverse.toggled.connect(lambda _: self._changed())
        self.presets.activated.connect(self._preset)

    def show_clip(self, clip: Any) -> None:
        """Show ``clip``'s speed and direction without sending a change."""
        self._loading = True
        self.speed.setValue(clip.speed)
        self.reverse.setChecked(clip.reverse)
        self.presets.setCurrentIndex(0)
        self._loading = False

    def _preset(self, row: int) -> None:
        value = self.presets.itemData(row)
        if value is not None:
            self.speed.setValue(value)  # sends the change unless it is the speed already
        self.presets.setCurrentIndex(0)

    def _changed(self) -> None:
        if not self._loading:
            self.chosen.emit(round(self.speed.value(), 2), self.reverse.isChecked())


class SpeedDialog(QDialog):
    """Speed, direction and whether later clips on the track move to make room (ripple)."""

    def __init__(self, clip: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("speedDialog")
        self.setWindowTitle(f"Speed of {clip.name or clip.id}")
        self.controls = SpeedControls(self)
        self.controls.show_clip(clip)
        self.ripple = QCheckBox("Ripple: move later clips on the track to make room")
        self.ripple.setObjectName("speed_ripple")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addWidget(QLabel("Speed (0.25x to 4x; sound keeps its pitch)"))
        box.addWidget(self.controls)
        box.addWidget(self.ripple)
        box.addWidget(buttons)
        self.setWindowModality(Qt.WindowModality.ApplicationModal)

    def apply(self, session: Any, clip_id: str) -> bool:
        """Push the chosen speed as one undoable edit; a refused one is shown in the status bar."""
        speed, reverse = round(self.controls.speed.value(), 2), self.controls.reverse.isChecked()
        return session.push(
            lambda: edit.set_speed(session.project, clip_id, speed, reverse=reverse, ripple=self.ripple.isChecked())
        )


def ask_speed(session: Any, clip_id: str, parent: QWidget) -> None:
    """The clip menu's "Speed…": ask, then apply."""
    clip = session.project.find_clip(clip_id)[2]
    dialog = SpeedDialog(clip, parent)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        dialog.apply(session, clip_id)
