"""The generate panel: one form per media kind, built from that kind's request fields, with the engine
choice (the draft engine or an installed neural model) and where the result should go."""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from studio.gui.session import ProjectSession

KIND_TITLES = {"video": "Video", "song": "Song", "sfx": "Sound", "voice": "Voice", "3d": "3D"}
PATH_FIELDS = {"image", "end_image", "extend_from", "restyle_from", "views_dir", "mask"}
TEXT_FIELDS = {"prompt", "lyrics"}
SKIP_FIELDS = {"speakers"}
HIDDEN_FIELDS = {"3d": {"train_size", "nerf_steps", "view_size", "texture_size"}}  # set by the 3D form's quality
CHOICES = {("3d", "quality"): ("draft", "standard", "high")}
LABELS = {
    "prompt": "Prompt",
    "negative_prompt": "Avoid",
    "prompt_influence": "Prompt influence",
    "extend_from": "Continue from",
    "restyle_from": "Restyle song",
    "views_dir": "Posed views folder",
    "bpm": "Tempo (bpm)",
    "turntable_seconds": "Turntable (s)",
    "elevation_deg": "Elevation (°)",
}
LABELS_3D = {
    "image": "Image",
    "quality": "Quality",
    "mesh_faces": "Detail (faces)",
    "num_views": "Views",
    "height": "Height (m, 0 = auto)",
    "texture": "Baked texture",
    "turntable_size": "Turntable size (px)",
}
INT_RANGES = {
    "seed": (0, 2**31 - 1),
    "width": (64, 1920),
    "height": (64, 1920),
    "variations": (1, 4),
    "fps": (1, 120),
    "sample_rate": (24_000, 48_000),
}


def _label(name: str, kind: str) -> str:
    if kind == "voice" and name == "prompt":
        return "Text to say"
    if kind == "3d" and name in LABELS_3D:
        return LABELS_3D[name]
    if name == "extend_from":
        return {"song": "Extend song", "video": "Continue shot"}.get(kind, "Continue from")
    return LABELS.get(name, name.replace("_", " ").capitalize())


class RequestForm(QWidget):
    """Editors for one request class's fields; ``values()`` returns the fields that differ from defaults."""

    submitted = Signal(str)

    def __init__(self, session: ProjectSession, kind: str, parent: QWidget | None = None):
        from pipelines import registry

        super().__init__(parent)
        self.session, self.kind = session, kind
        self.request_class = registry.request_class(kind)
        self.editors: dict[str, tuple[QWidget, Any]] = {}
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.engine = QComboBox()
        self.engine.setObjectName(f"engine_{kind}")
        for spec in registry.engines(kind):
            note = " (TEST)" if spec.test else " (needs weights)" if spec.neural else ""
            self.engine.addItem(f"{spec.engine}{note}", spec.engine)
            self.engine.setItemData(self.engine.count() - 1, spec.description, 3)  # tooltip role
        form.addRow("Engine", self.engine)
        for f in dataclasses.fields(self.request_class):
            if f.name in SKIP_FIELDS or f.name in HIDDEN_FIELDS.get(kind, ()):
                continue
            default = f.default if f.default is not dataclasses.MISSING else None
            editor = (
                self._editor(f.name, default)
                if (kind, f.name) not in CHOICES
                else self._choice(CHOICES[kind, f.name], default)
            )
            if editor is not None:
                editor.setObjectName(f"{kind}_{f.name}")
                form.addRow(_label(f.name, kind), editor if f.name not in PATH_FIELDS else self._with_browse(editor))
                self.editors[f.name] = (editor, default)
        self.at_playhead = QCheckBox("Place at the playhead")
        self.at_playhead.setChecked(True)
        self.at_playhead.setObjectName(f"{kind}_at_playhead")
        self.button = QPushButton(f"Generate {KIND_TITLES[kind].lower()}")
        self.button.setObjectName(f"generate_{kind}")
        self.button.setProperty("accent", True)
        self.button.clicked.connect(self.submit)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setObjectName("formStatus")
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addWidget(self.at_playhead)
        box.addWidget(self.button)
        box.addWidget(self.status)
        box.addStretch(1)

    def _editor(self, name: str, default: Any) -> QWidget | None:
        if name in TEXT_FIELDS:
            editor = QPlainTextEdit(str(default or ""))
            editor.setFixedHeight(64 if name == "prompt" else 90)
            return editor
        if isinstance(default, bool):
            box = QCheckBox()
            box.setChecked(default)
            return box
        if isinstance(default, int):
            spin = QSpinBox()
            spin.setRange(*INT_RANGES.get(name, (0, 1_000_000)))
            spin.setValue(default)
            return spin
        if isinstance(default, float):
            spin = QDoubleSpinBox()
            spin.setRange(-1000.0, 100_000.0)
            spin.setDecimals(2)
            spin.setSingleStep(0.5 if "duration" in name or "seconds" in name else 0.1)
            spin.setValue(default)
            return spin
        if isinstance(default, tuple):
            return None
        edit = QLineEdit("" if default is None else str(default))
        if default is None:
            edit.setPlaceholderText("automatic")
        return edit

    def _choice(self, options: tuple[str, ...], default: Any) -> QComboBox:
        box = QComboBox()
        box.addItems(list(options))
        box.setCurrentText(str(default))
        return box

    def _with_browse(self, edit: QWidget) -> QWidget:
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(edit, 1)
        browse = QPushButton("…")
        browse.setToolTip("Choose a file")
        browse.setFixedWidth(max(32, browse.fontMetrics().horizontalAdvance("…") + 24))  # the style's padding
        folder = edit.objectName().endswith("views_dir")
        browse.clicked.connect(
            lambda: edit.setText(
                QFileDialog.getExistingDirectory(self, "Folder") if folder else QFileDialog.getOpenFileName(self)[0]
            )
        )
        row.addWidget(browse)
        return holder

    def set_values(self, values: dict[str, Any]) -> None:
        for name, value in values.items():
            if name in self.editors:
                editor, _ = self.editors[name]
                if isinstance(editor, QPlainTextEdit):
                    editor.setPlainText(str(value))
                elif isinstance(editor, QCheckBox):
                    editor.setChecked(bool(value))
                elif isinstance(editor, (QSpinBox, QDoubleSpinBox)):
                    editor.setValue(value)
                elif isinstance(editor, QComboBox):
                    editor.setCurrentText(str(value))
                else:
                    editor.setText("" if value is None else str(value))

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, (editor, default) in self.editors.items():
            if isinstance(editor, QPlainTextEdit):
                value: Any = editor.toPlainText()
            elif isinstance(editor, QCheckBox):
                value = editor.isChecked()
            elif isinstance(editor, (QSpinBox, QDoubleSpinBox)):
                value = editor.value()
            elif isinstance(editor, QComboBox):
                value = editor.currentText()
            else:
                text = editor.text().strip()
                value = (float(text) if text else None) if default is None else text
            if value != default:
                out[name] = value
        return out

    def submit(self) -> None:
        """Queue the job; a bad request is shown under the button and nothing is queued."""
        try:
            fields = self.values()
            self.session.generate(
                self.kind,
                self.engine.currentData(),
                fields,
                at_playhead=self.at_playhead.isChecked(),
                on_queued=self._queued,
                on_failed=self._failed,
            )
        except ValueError as exc:  # RequestError is a ValueError; so is a bad number
            return self._failed(" ".join(str(exc).split()))
        self.status.setText("queued; waiting for a worker")
        self.status.setProperty("error", False)

    def _failed(self, message: str) -> None:
        self.status.setText(f"⚠ {message}")
        self.status.setProperty("error", True)

    def _queued(self, job: Any) -> None:
        self.status.setText(f"queued {job.id}")
        self.submitted.emit(job.id)


class GeneratePanel(QWidget):
    """Tabs of request forms, one per media kind."""

    def __init__(self, session: ProjectSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.tabs = QTabWidget(self)
        self.forms: dict[str, RequestForm] = {}
        self.scrolls: dict[str, QScrollArea] = {}
        for kind, title in KIND_TITLES.items():
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            self.tabs.addTab(scroll, title)
            self.scrolls[kind] = scroll
        self.tabs.currentChanged.connect(lambda i: self.form(list(KIND_TITLES)[i]))
        box = QVBoxLayout(self)
        box.setContentsMargins(2, 2, 2, 2)
        box.addWidget(self.tabs)
        self.form("video")

    def form(self, kind: str) -> RequestForm:
        """The form of one kind, built the first time its tab is shown (keeps start-up quick)."""
        if kind not in self.forms:
            self.forms[kind] = RequestForm(self.session, kind)
            self.scrolls[kind].setWidget(self.forms[kind])
        return self.forms[kind]

    def show_kind(self, kind: str, values: dict[str, Any] | None = None, engine: str | None = None) -> RequestForm:
        form = self.form(kind)
        self.tabs.setCurrentIndex(list(KIND_TITLES).index(kind))
        if values:
            form.set_values(values)
        if engine is not None:
            i = form.engine.findData(engine)
            form.engine.setCurrentIndex(max(0, i))
        return form
