"""A small dialog to change a transition: its kind and its duration (frames, shown in seconds too), or delete it.

OK applies both as one undo step; a duration longer than the clips allow is shortened, and the edit says so.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QSpinBox, QWidget

from studio import edit
from studio.edit.transitions import find_transition
from studio.model.checks import KIND_WORDS, MAX_TRANSITION_FRAMES, transition_room


class TransitionEditor(QDialog):
    """Edits transition ``transition_id`` of ``session``'s project through its undo stack."""

    def __init__(self, session: Any, transition_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("transitionEditor")
        self.session, self.transition_id = session, transition_id
        _, track, t = find_transition(session.project, transition_id)
        self.track = track
        a, b = track.clip(t.from_clip), track.clip(t.to_clip)
        self.setWindowTitle(f"Transition at frame {a.end}")
        form = QFormLayout(self)
        self.kind = QComboBox()
        self.kind.setObjectName("transitionKind")
        kinds = ["dissolve"] if track.kind == "audio" else list(KIND_WORDS)
        for kind in kinds:
            self.kind.addItem("crossfade" if track.kind == "audio" else KIND_WORDS[kind], kind)
        self.kind.setCurrentIndex(kinds.index(t.kind) if t.kind in kinds else 0)
        form.addRow("Kind", self.kind)
        self.duration = QSpinBox()
        self.duration.setObjectName("transitionDuration")
        room = transition_room(track, a, b, t.id)
        self.duration.setRange(1, max(1, min(room, MAX_TRANSITION_FRAMES)))
        self.duration.setValue(t.duration)
        self.duration.setSuffix(" frames")
        self.seconds = QLabel()
        self.duration.valueChanged.connect(self._show_seconds)
        self._show_seconds(t.duration)
        form.addRow("Duration", self.duration)
        form.addRow("", self.seconds)
        form.addRow("", QLabel(f"between {a.name or a.id!r} and {b.name or b.id!r}; at most {room} frames fit"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.delete_button = buttons.addButton("Delete", QDialogButtonBox.ButtonRole.DestructiveRole)
        self.delete_button.setObjectName("deleteTransition")
        self.delete_button.clicked.connect(self.delete)
        buttons.accepted.connect(self.apply)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _show_seconds(self, frames: int) -> None:
        self.seconds.setText(f"{frames / float(self.session.rate):.2f} s, half before the cut and half after")

    def apply(self) -> None:
        """Push the change (one undo step) and close; nothing changed just closes."""
        _, _, t = find_transition(self.session.project, self.transition_id)
        kind, duration = self.kind.currentData(), self.duration.value()
        if (kind, duration) != (t.kind, t.duration):
            self.session.push(lambda: edit.set_transition(self.session.project, t.id, kind=kind, duration=duration))
        self.accept()

    def delete(self) -> None:
        self.session.push(lambda: edit.remove_transition(self.session.project, self.transition_id))
        self.accept()
