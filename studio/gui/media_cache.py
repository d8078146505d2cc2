"""Filmstrip thumbnails and waveform peaks of a project's media, made in the background and kept in memory.

``cache.filmstrip(path)`` returns a list of QImages (or None while they are being made) and
``cache.peaks(path)`` a float32 array (n,) of peak levels per 1/100 s; ``ready`` is emitted when
either arrives, so views repaint.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from studio.gui.workers import BackgroundTasks

THUMB_HEIGHT = 54
FILMSTRIP_FRAMES = 12
PEAKS_PER_SECOND = 100


def _ffmpeg() -> str:
    from studio.io.probe import ffmpeg_exe

    return ffmpeg_exe()


def run_niced(cmd: list[str], timeout: float = 120) -> subprocess.CompletedProcess:
    """``subprocess.run(cmd, capture_output=True)`` with the decoder at a lower CPU priority than the window: a
    project's thumbnails and waveforms are many seconds of ffmpeg, and at the window's priority they took the
    cores from the GUI thread while it loaded and scrubbed."""
    from studio.gui.workers import lower_process_priority

    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as child:
        lower_process_priority(child.pid)
        try:
            out, err = child.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            child.kill()
            raise
    return subprocess.CompletedProcess(cmd, child.returncode, out, err)


def read_filmstrip(
    path: Path, duration: float | None, count: int = FILMSTRIP_FRAMES, height: int = THUMB_HEIGHT
) -> list[Any]:
    """``count`` frames spread over the file as (height, w, 3) uint8 arrays (ffmpeg, worker thread)."""
    import numpy as np

    if path.suffix.lower() in (".png", ".jpg", ".jpeg", ".webp"):
        from PIL import Image

        with Image.open(path) as im:
            im = im.convert("RGB")
            im = im.resize((max(2, round(im.width * height / im.height)), height))
            return [np.asarray(im)]
    rate = f"{count / max(duration or 1.0, 0.05):.6f}"
    cmd = [
        _ffmpeg(),
        "-v",
        "error",
        "-i",
        str(path),
        "-vf",
        f"fps={rate},scale=-2:{height}",
        "-frames:v",
        str(count),
        "-f",
        "rawvideo",
        "-pix_fmt",
        "rgb24",
        "-",
    ]
    probe = run_niced(cmd)
    data = probe.stdout
    if probe.returncode != 0 or not data:
        raise OSError(f"cannot read frames of {path.name}: {probe.stderr.decode(errors='replace')[-200:]}")
    # the width is unknown until decoded: ask for one frame's size from the byte count
    width = _frame_width(path, height)
    frame_bytes = width * height * 3
    n = len(data) // frame_bytes
    frames = np.frombuffer(data[: n * frame_bytes], np.uint8).reshape(n, height, width, 3)
    return list(frames)


def _frame_width(path: Path, height: int) -> int:
    from studio.io.probe import probe_media

    info = probe_media(path)
    if not info.width or not info.height:
        raise OSError(f"{path.name} has no picture")
    w = round(info.width * height / info.height)
    return w + (w % 2)


def read_peaks(path: Path, per_second: int = PEAKS_PER_SECOND) -> Any:
    """Peak level (0..1) of each 1/``per_second`` s of a file's sound, as float32 (n,) (worker thread)."""
    import numpy as np

    rate = 8000
    cmd = [_ffmpeg(), "-v", "error", "-i", str(path), "-vn", "-ac", "1", "-ar", str(rate), "-f", "f32le", "-"]
    probe = run_niced(cmd)
    samples = np.frombuffer(probe.stdout, np.float32)
    step = rate // per_second
    n = len(samples) // step
    if n == 0:
        return np.zeros(0, np.float32)
    return np.abs(samples[: n * step].reshape(n, step)).max(axis=1).clip(0, 1).astype(np.float32)


def to_qimage(rgb: Any) -> QImage:
    """(h, w, 3) uint8 -> a QImage that owns its pixels."""
    h, w, _ = rgb.shape
    rgb = np.ascontiguousarray(rgb)
    return QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()  # copy: the image owns its pixels


class MediaCache(QObject):
    """Thumbnails and waveforms per file, each made once, off the GUI thread."""

    ready = Signal(str)  # the file path whose filmstrip or peaks arrived

    def __init__(self, tasks: BackgroundTasks, parent: QObject | None = None):
        super().__init__(parent)
        self.tasks = tasks
        self._strips: dict[str, list[QImage] | None] = {}
        self._peaks: dict[str, Any] = {}

    def filmstrip(self, path: Path, duration: float | None = None) -> list[QImage] | None:
        key = str(path)
        if key not in self._strips:
            self._strips[key] = None
            self.tasks.run(
                lambda: [to_qimage(f) for f in read_filmstrip(path, duration)],  # converted off the GUI thread
                lambda images: self._got_strip(key, images),
                lambda exc: None,
            )
        return self._strips[key]

    def _got_strip(self, key: str, images: list[QImage]) -> None:
        self._strips[key] = images
        self.ready.emit(key)

    def peaks(self, path: Path) -> Any:
        key = str(path)
        if key not in self._peaks:
            self._peaks[key] = None
            self.tasks.run(lambda: read_peaks(path), lambda p: self._got_peaks(key, p), lambda exc: None)
        return self._peaks[key]

    def _got_peaks(self, key: str, peaks: Any) -> None:
        self._peaks[key] = peaks
        self.ready.emit(key)
