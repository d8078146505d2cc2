"""Sound for the preview behind a small interface, so tests and machines without a sound device work.

``make_audio_output()`` returns a QAudioSink-based output when QtMultimedia loads and a device exists,
else a ``NullAudioOutput`` that keeps time with the clock (set ``STUDIO_AUDIO=null`` to force it).
Both keep the samples they were given, so the meters read what is actually being heard (``played``).
"""

from __future__ import annotations

import os
import time
from typing import Any


class _PlayedSamples:
    """What an output was given to play, and how far it has got: the meters' source."""

    samples: Any = None  # float32 (n, 2) in -1..1, or None while only the clock runs
    sample_rate = 48_000
    generation = 0  # counts ``start`` calls, so a reader can tell a new buffer from the old one

    def elapsed(self) -> float:
        raise NotImplementedError

    def played(self) -> tuple[int, Any, int]:
        """(generation, samples, how many of them have been played so far); samples None when silent."""
        if self.samples is None:
            return self.generation, None, 0
        return self.generation, self.samples, min(len(self.samples), round(self.elapsed() * self.sample_rate))

    def _keep(self, samples: Any, sample_rate: int) -> None:
        self.samples, self.sample_rate = samples, sample_rate
        self.generation += 1


class NullAudioOutput(_PlayedSamples):
    """Plays nothing; ``elapsed()`` is wall-clock time since ``start`` so pictures still keep time."""

    name = "none"

    def __init__(self) -> None:
        self._t0: float | None = None

    def start(self, samples: Any, sample_rate: int) -> None:
        """``samples``: float32 (n, 2) in -1..1."""
        self._keep(samples, sample_rate)
        self._t0 = time.monotonic()

    def stop(self) -> None:
        self._keep(None, self.sample_rate)
        self._t0 = None

    def elapsed(self) -> float:
        return 0.0 if self._t0 is None else time.monotonic() - self._t0


class QtAudioOutput(_PlayedSamples):
    """Pushes 16-bit stereo PCM to a QAudioSink; time comes from the sink's processed audio."""

    name = "qt"

    def __init__(self) -> None:
        from PySide6.QtCore import QBuffer, QByteArray
        from PySide6.QtMultimedia import QAudioFormat, QAudioSink, QMediaDevices

        self._QBuffer, self._QByteArray, self._QAudioSink = QBuffer, QByteArray, QAudioSink
        self._QAudioFormat, self._devices = QAudioFormat, QMediaDevices
        self._sink = None
        self._buffer = None
        self._t0: float | None = None

    def start(self, samples: Any, sample_rate: int) -> None:
        import numpy as np

        self.stop()
        self._keep(samples, sample_rate)
        self._t0 = time.monotonic()
        if samples is None:  # keep time only, until the mix arrives
            return
        fmt = self._QAudioFormat()
        fmt.setSampleRate(sample_rate)
        fmt.setChannelCount(2)
        fmt.setSampleFormat(self._QAudioFormat.SampleFormat.Int16)
        pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes()
        self._buffer = self._QBuffer()
        self._buffer.setData(self._QByteArray(pcm))
        self._buffer.open(self._QBuffer.OpenModeFlag.ReadOnly)
        self._sink = self._QAudioSink(self._devices.defaultAudioOutput(), fmt)
        self._sink.start(self._buffer)
        self._t0 = time.monotonic()

    def stop(self) -> None:
        if self._sink is not None:
            self._sink.stop()
        self._keep(None, self.sample_rate)
        self._sink = self._buffer = None
        self._t0 = None

    def elapsed(self) -> float:
        if self._sink is None:
            return 0.0 if self._t0 is None else time.monotonic() - self._t0
        processed = self._sink.processedUSecs() / 1e6
        return processed if processed > 0 else time.monotonic() - (self._t0 or time.monotonic())


def make_audio_output() -> NullAudioOutput | QtAudioOutput:
    if os.environ.get("STUDIO_AUDIO", "").lower() == "null" or os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        return NullAudioOutput()
    try:
        from PySide6.QtMultimedia import QMediaDevices

        if QMediaDevices.defaultAudioOutput().isNull():
            return NullAudioOutput()
        return QtAudioOutput()
    except Exception:  # noqa: BLE001 - no QtMultimedia / libpulse: play silently in time
        return NullAudioOutput()
