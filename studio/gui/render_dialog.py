"""The render dialog: preset, output file, progress and cancel; the render runs in the background with
the same engine as ``studio render``."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.gui.session import ProjectSession
from studio.render.presets import PRESETS


@dataclass
class RenderResult:
    """What the render process reported: its one-line summary, frames, file, size and warnings."""

    line: str
    frames: int
    path: str
    bytes: int
    warnings: list[str]
    elapsed: float


def run_render_process(job: dict[str, Any], progress: Any, cancel: threading.Event) -> RenderResult:
    """Render ``job`` in a child process (worker thread); ``progress(fraction, message)``; raises RenderError."""
    import json
    import subprocess

    from studio.gui.render_worker import child_command
    from studio.gui.workers import lower_process_priority
    from studio.render import RenderError

    child = subprocess.Popen(
        child_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1
    )
    lower_process_priority(child.pid)  # its threads and ffmpeg children inherit it

    def watch_cancel() -> None:
        while child.poll() is None:
            if cancel.wait(0.1):
                try:
                    child.stdin.write("cancel\n")
                    child.stdin.flush()
                except OSError:
                    pass
                return

    try:
        child.stdin.write(json.dumps(job) + "\n")
        child.stdin.flush()
        threading.Thread(target=watch_cancel, daemon=True).start()
        result = None
        for line in child.stdout:
            kind, _, rest = line.rstrip("\n").partition(" ")
            if kind == "progress":
                fraction, _, message = rest.partition(" ")
                progress(float(fraction), message)
            elif kind == "done":
                result = RenderResult(**json.loads(rest))
            elif kind == "error":
                raise RenderError(rest)
        child.wait()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    if result is None:
        raise RenderError(
            f"the render process stopped (exit code {child.returncode}): {child.stderr.read().strip()[-300:]}"
        )
    return result


class _Progress(QObject):
    moved = Signal(float, str)


class RenderDialog(QDialog):
    """Pick a preset and a file, render, watch progress; Cancel stops the render and leaves no file.

    The preset and output file chosen last are remembered (``remembered``: a dict kept by the caller, the
    main window's settings) so the next render starts from them."""

    def __init__(self, session: ProjectSession, parent: QWidget | None = None, remembered: Any = None):
        super().__init__(parent)
        self.setWindowTitle("Render")
        self.session = session
        self.remembered = remembered if remembered is not None else {}
        self.preset = QComboBox()
        for name, preset in PRESETS.items():
            self.preset.addItem(f"{name} — {preset.description}", name)
        last = self.preset.findData(self.remembered.get("render_preset", ""))
        if last >= 0:
            self.preset.setCurrentIndex(last)
        self.preset.currentIndexChanged.connect(self._suffix)
        self.preset.currentIndexChanged.connect(lambda _: self._remember("render_preset", self.preset.currentData()))
        default = (session.project_dir.parent if session.project_dir else Path.home()) / f"{session.project.name}.mp4"
        self.output = QLineEdit(str(default))
        self._suffix()
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        self.gaps = QCheckBox("Render with gaps: black picture and silence where media is missing or failed")
        self.gaps.setObjectName("render_gaps")
        out_row = QHBoxLayout()
        out_row.addWidget(self.output, 1)
        out_row.addWidget(browse)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.start_button = QPushButton("Render")
        self.start_button.setProperty("accent", True)
        self.start_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Close")
        self.cancel_button.clicked.connect(self.cancel_or_close)
        form = QFormLayout()
        form.addRow("Preset", self.preset)
        form.addRow("Output", out_row)
        form.addRow("", self.gaps)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.cancel_button)
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addWidget(self.bar)
        box.addWidget(self.status)
        box.addLayout(buttons)
        self._cancel: threading.Event | None = None
        self._progress = _Progress(self)
        self._progress.moved.connect(self._show_progress)
        self.summary: Any = None
        self._shown_at = 0.0
        self.resize(560, 200)

    def _suffix(self) -> None:
        preset = PRESETS[self.preset.currentData()]
        path = Path(self.output.text())
        if path.suffix.lower() not in preset.suffixes:
            self.output.setText(str(path.with_suffix(preset.suffixes[0])))

    def _remember(self, key: str, value: Any) -> None:
        try:
            self.remembered[key] = value
        except TypeError:  # a read-only mapping: nothing to remember into
            pass

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Render to", self.output.text())
        if path:
            self.output.setText(path)

    @property
    def running(self) -> bool:
        return self._cancel is not None

    def start(self) -> None:
        if self.running or self.session.project_dir is None:
            if self.session.project_dir is None:
                self.status.setText("Save the project first: its media lives in the project folder.")
            return
        from studio.io import project_to_dict  # imported at start-up by warm_up(), off the GUI thread

        job = {
            "project": project_to_dict(self.session.project),
            "project_dir": str(self.session.project_dir),
            "out": str(Path(self.output.text()).expanduser()),
            "preset": self.preset.currentData(),
            "allow_missing": self.gaps.isChecked(),
        }
        self._cancel = threading.Event()
        self._reset_bar()
        self.start_button.setEnabled(False)
        self.cancel_button.setText("Cancel")
        self.status.setText("rendering…")
        self.session.tasks.run(
            lambda: run_render_process(job, self._progress.moved.emit, self._cancel), self._done, self._failed
        )

    def _show_progress(self, fraction: float, message: str) -> None:
        now = time.monotonic()
        if now - self._shown_at < 0.1 and fraction < 1.0:  # a repaint per frame would be wasted work
            return
        self._shown_at = now
        self.bar.setValue(round(1000 * fraction))
        self.bar.setFormat(f"{fraction:.0%}  {message}")

    def _reset_bar(self) -> None:
        self.bar.reset()
        self.bar.setFormat("%p%")
        self._shown_at = 0.0

    def _finish(self) -> None:
        self._cancel = None
        self.start_button.setEnabled(True)
        self.cancel_button.setText("Close")

    def _done(self, summary: Any) -> None:
        self._finish()
        self.summary = summary
        self.bar.setValue(1000)
        self.status.setText(summary.line + "".join(f"\n⚠ {w}" for w in summary.warnings))
        self.session.message.emit(summary.line)

    def _failed(self, exc: BaseException) -> None:
        cancelled = self._cancel is not None and self._cancel.is_set()
        self._finish()
        self.summary = None
        self._reset_bar()  # a stale "12% frame 63/1444" would read as a render still going
        text = " ".join(str(exc).split())
        if "missing media" in text and not self.gaps.isChecked():
            text += "\nTick “Render with gaps” to render anyway."
        self.status.setText("Render cancelled; no file was written." if cancelled else f"⚠ {text}")

    def cancel_or_close(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
            self.status.setText("cancelling…")
        else:
            self.accept()
