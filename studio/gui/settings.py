"""Settings kept with QSettings: models folder, device, memory budget, soundfont, voices folder, recent
projects. ``apply_environment`` hands them to the engines (which read environment variables) before the
scheduler starts its workers."""

from __future__ import annotations

import os
from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

DEFAULTS: dict[str, Any] = {
    "models_dir": "",
    "device": "auto",
    "memory_budget_mb": 0,
    "soundfont": "",
    "voices_dir": "",
}
MAX_RECENT = 8


class _Remembered:
    """A small mapping view of one QSettings group: ``get(key, default)`` and ``[key] = value``."""

    def __init__(self, store: QSettings, group: str):
        self.store, self.group = store, group

    def get(self, key: str, default: Any = None) -> Any:
        return self.store.value(f"{self.group}/{key}", default)

    def __setitem__(self, key: str, value: Any) -> None:
        self.store.setValue(f"{self.group}/{key}", value)


class Settings:
    """Typed access to the app's QSettings (organisation "Studio", application "Studio")."""

    def __init__(self, store: QSettings | None = None):
        self.store = store or QSettings("Studio", "Studio")

    def get(self, key: str) -> Any:
        default = DEFAULTS[key]
        value = self.store.value(key, default)
        return int(value or 0) if isinstance(default, int) else str(value or "")

    def set(self, key: str, value: Any) -> None:
        self.store.setValue(key, value)

    def recent(self) -> list[str]:
        value = self.store.value("recent", [])
        return [value] if isinstance(value, str) else list(value or [])

    def add_recent(self, path: str) -> None:
        items = [path] + [p for p in self.recent() if p != path]
        self.store.setValue("recent", items[:MAX_RECENT])

    @property
    def render_choices(self) -> _Remembered:
        """The render dialog's last preset (and other choices), kept between dialogs and sessions."""
        return _Remembered(self.store, "render")

    def project_view(self, folder: str) -> dict[str, Any]:
        """How the window last showed the project in ``folder``: docks ("layout", bytes), "zoom", "scroll",
        "playhead"; empty for a project never opened here."""
        import hashlib

        key = "views/" + hashlib.sha1(str(folder).encode()).hexdigest()[:16]
        value = self.store.value(key)
        return dict(value) if isinstance(value, dict) else {}

    def set_project_view(self, folder: str, view: dict[str, Any]) -> None:
        import hashlib

        self.store.setValue("views/" + hashlib.sha1(str(folder).encode()).hexdigest()[:16], view)

    def scheduler_options(self) -> dict[str, Any]:
        budget = self.get("memory_budget_mb")
        return {"memory_budget_mb": budget} if budget else {}

    def apply_environment(self) -> None:
        """Engines read these variables; set them before worker processes start."""
        for key, env in (
            ("models_dir", "STUDIO_MODELS_DIR"),
            ("soundfont", "STUDIO_SOUNDFONT"),
            ("voices_dir", "STUDIO_VOICES_DIR"),
        ):
            if self.get(key):
                os.environ[env] = self.get(key)
        if self.get("device") == "cpu":
            os.environ["CUDA_VISIBLE_DEVICES"] = ""


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.settings = settings
        form = QFormLayout(self)
        self.edits: dict[str, Any] = {}
        for key, label, folder in (
            ("models_dir", "Models folder", True),
            ("soundfont", "SoundFont (.sf2)", False),
            ("voices_dir", "Voices folder", True),
        ):
            edit = QLineEdit(settings.get(key))
            edit.setPlaceholderText("default")
            browse = QPushButton("...")
            browse.clicked.connect(
                lambda _=False, e=edit, f=folder: (
                    e.setText(QFileDialog.getExistingDirectory(self) if f else QFileDialog.getOpenFileName(self)[0])
                    or None
                )
            )
            row = QHBoxLayout()
            row.addWidget(edit, 1)
            row.addWidget(browse)
            form.addRow(label, row)
            self.edits[key] = edit
        self.device = QComboBox()
        self.device.addItems(["auto", "cpu", "cuda"])
        self.device.setCurrentText(settings.get("device"))
        form.addRow("Device", self.device)
        self.budget = QSpinBox()
        self.budget.setRange(0, 1_000_000)
        self.budget.setSuffix(" MB")
        self.budget.setSpecialValueText("automatic (half the free memory)")
        self.budget.setValue(settings.get("memory_budget_mb"))
        form.addRow("Memory budget", self.budget)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def save(self) -> None:
        for key, edit in self.edits.items():
            self.settings.set(key, edit.text().strip())
        self.settings.set("device", self.device.currentText())
        self.settings.set("memory_budget_mb", self.budget.value())
        self.settings.apply_environment()
        self.accept()
