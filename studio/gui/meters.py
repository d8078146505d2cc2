"""Audio meters beside the viewer: each channel's peak (dBFS) and short-term loudness (LUFS, the last 3 s) read
from the samples the audio output is actually playing, and the whole mix's integrated loudness against the render
target (-14 LUFS), measured off the GUI thread a moment after each edit."""

from __future__ import annotations

import math
from collections import deque
from typing import Any

from PySide6.QtCore import QObject, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QLabel, QWidget

SHORT_TERM_S = 3.0  # EBU R128 short-term window
FLOOR_DB = -60.0  # the bottom of the scale
FALL_DB_PER_S = 24.0  # how fast a peak bar falls back (as the EBU/IEC PPM-like meters of editors do)
HOLD_S = 1.5  # how long the peak-hold tick stays before falling
MEASURE_DELAY_MS = 800  # the mix is measured this long after the last edit (a burst of edits measures once)


def _db(value: float) -> float:
    return 20 * math.log10(value) if value > 0 else -math.inf


class ChannelLevels:
    """Peak and K-weighted short-term loudness per channel of a stream fed block by block, in playing order.

    Loudness follows ITU-R BS.1770 (pyloudnorm's K-weighting filters, as the render's meter uses): the mean
    square of the K-weighted signal over the last 3 s, per channel and summed (``short_term_lufs``)."""

    def __init__(self, sample_rate: int, channels: int = 2):
        self.rate, self.channels = sample_rate, channels
        self.reset()

    def reset(self) -> None:
        import numpy as np

        from studio.render.loudness import KWeightedSteps

        self.weighted = KWeightedSteps(self.rate, self.channels)
        self.step = self.weighted.step  # energies are kept per 100 ms
        self.energies: deque = deque(maxlen=round(SHORT_TERM_S * 10))  # each (channels,) mean square of a step
        self.peak = np.zeros(self.channels)  # of the last block added

    def add(self, block: Any) -> None:
        """``block``: float (n, channels) in -1..1, the samples played since the last call."""
        import numpy as np

        block = np.asarray(block, np.float64).reshape(len(block), self.channels)
        self.peak = np.abs(block).max(axis=0) if len(block) else np.zeros(self.channels)
        self.energies.extend(self.weighted.add(block) / self.step)

    def peak_db(self) -> list[float]:
        return [_db(float(p)) for p in self.peak]

    def short_term_lufs(self) -> tuple[list[float], float]:
        """(per channel, all channels) loudness in LUFS over the last 3 s (less just after a start); -inf if silent."""
        import numpy as np

        steps = len(self.energies) * self.step
        carry = self.weighted.carry
        if not steps and not len(carry):
            return [-math.inf] * self.channels, -math.inf
        total = np.sum(np.array(self.energies), axis=0) * self.step if steps else np.zeros(self.channels)
        total += np.square(carry).sum(axis=0)  # the part-step just played counts too (at a start)
        mean = total / (steps + len(carry))  # (channels,)
        with np.errstate(divide="ignore"):
            per = [float(-0.691 + 10 * np.log10(m)) for m in mean]
            both = float(-0.691 + 10 * np.log10(mean.sum()))
        return per, both


class AudioMeters(QWidget):
    """Two bars (L, R): the peak in dBFS with a falling bar and a hold tick, and a white tick at the channel's
    short-term loudness in LUFS; fed from ``audio.played()`` while the preview plays."""

    def __init__(self, audio: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.audio = audio
        self.setObjectName("audioMeters")
        self.setFixedWidth(72)
        self.setToolTip("Peak (dBFS) and short-term loudness (LUFS, white tick) of what is playing")
        self.levels: ChannelLevels | None = None
        self.peak_db = [-math.inf, -math.inf]  # the bars, falling back after a peak
        self.hold_db = [-math.inf, -math.inf]
        self.held_at = [0.0, 0.0]
        self.short_term = [-math.inf, -math.inf]
        self.short_term_all = -math.inf
        self._generation = -1
        self._fed = 0
        self._clock = 0.0
        self.timer = QTimer(self)
        self.timer.setInterval(50)
        self.timer.timeout.connect(self.read)

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        """Playback stopped: the bars drop to the floor."""
        self.timer.stop()
        self.peak_db = [-math.inf, -math.inf]
        self.hold_db = [-math.inf, -math.inf]
        self.short_term = [-math.inf, -math.inf]
        self.short_term_all = -math.inf
        self._generation = -1
        self.update()

    def read(self) -> None:
        """Measure what was played since the last read (a new buffer or a jump back primes 3 s of history)."""
        import time

        generation, samples, played = self.audio.played()
        now = time.monotonic()
        dt, self._clock = (now - self._clock if self._clock else 0.0), now
        if samples is None or not len(samples):
            self._fall([-math.inf, -math.inf], dt, now)
            self.update()
            return
        rate = self.audio.sample_rate
        if self.levels is None or self.levels.rate != rate:
            self.levels = ChannelLevels(rate, 2)
        if generation != self._generation or played < self._fed:
            self.levels.reset()
            self._generation, self._fed = generation, max(0, played - round(SHORT_TERM_S * rate))
        if played > self._fed:
            self.levels.add(samples[self._fed : played])
            recent = samples[max(self._fed, played - rate // 20) : played]  # the peak of the last 50 ms at least
            self._fed = played
            self._fall([_db(float(abs(recent[:, ch]).max())) for ch in range(2)], dt, now)
            self.short_term, self.short_term_all = self.levels.short_term_lufs()
        self.update()

    def _fall(self, peaks: list[float], dt: float, now: float) -> None:
        for ch, peak in enumerate(peaks):
            fallen = self.peak_db[ch] - FALL_DB_PER_S * dt
            self.peak_db[ch] = max(peak, fallen) if math.isfinite(fallen) else peak
            if peak >= self.hold_db[ch] or now - self.held_at[ch] > HOLD_S:
                self.hold_db[ch], self.held_at[ch] = peak, now

    def _y(self, db: float, top: float, height: float) -> float:
        """Where ``db`` sits on the scale: 0 dB at the top, FLOOR_DB at the bottom."""
        db = max(FLOOR_DB, min(0.0, db))
        return top + height * (db / FLOOR_DB)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#15171a"))
        top, bottom = 6.0, self.height() - 20.0
        height = max(1.0, bottom - top)
        bar_w = 14.0
        painter.setFont(self.font())
        for ch in range(2):
            x = 8 + ch * (bar_w + 6)
            painter.fillRect(QRectF(x, top, bar_w, height), QColor("#24272b"))
            peak = self.peak_db[ch]
            if math.isfinite(peak) and peak > FLOOR_DB:
                y = self._y(peak, top, height)
                color = "#e0453a" if peak > -1 else "#e0b43a" if peak > -9 else "#3fbf5f"
                painter.fillRect(QRectF(x, y, bar_w, bottom - y), QColor(color))
            hold = self.hold_db[ch]
            if math.isfinite(hold) and hold > FLOOR_DB:
                painter.fillRect(QRectF(x, self._y(hold, top, height), bar_w, 2), QColor("#ffd24a"))
            loud = self.short_term[ch]
            if math.isfinite(loud) and loud > FLOOR_DB:
                y = self._y(loud, top, height)
                painter.setPen(QPen(QColor("#ffffff"), 2))
                painter.drawLine(int(x - 2), int(y), int(x + bar_w + 2), int(y))
            painter.setPen(QColor("#9aa0a6"))
            painter.drawText(QRectF(x, bottom + 2, bar_w, 16), Qt.AlignmentFlag.AlignCenter, "LR"[ch])
        painter.setPen(QColor("#6f757c"))
        for db in (0, -6, -12, -18, -24, -36, -48):  # scale marks right of the bars
            y = self._y(db, top, height)
            painter.drawLine(46, int(y), 50, int(y))
            painter.drawText(QRectF(51, y - 6, 20, 12), Qt.AlignmentFlag.AlignLeft, str(-db))


class MasterLoudness(QObject):
    """Keeps ``label`` showing the mix's integrated loudness against the render target, e.g. "Mix: -16.2 LUFS
    (target -14)"; remeasured off the GUI thread once the creator pauses after an edit.

    The measurement decodes every audio clip, so it waits for a quiet moment: an edit, a playhead move (a scrub) or
    playback stops a measurement in flight (at its next 1 s block) and the next one starts ``MEASURE_DELAY_MS`` after
    the last of them, never while playing; nothing is measured again while the timeline has not changed."""

    def __init__(self, session: Any, label: QLabel, target_lufs: float = -14.0, parent: QObject | None = None):
        super().__init__(parent or label)
        self.session, self.label, self.target = session, label, target_lufs
        self.label.setObjectName("masterLoudness")
        self.label.setToolTip("Integrated loudness (ITU-R BS.1770) of the whole mix; a render brings it to the target")
        self.loudness: float | None = None
        self.measured_revision: int | None = None
        self.stopped = False  # the window is closing: a measurement in flight stops at its next block
        self.playing = False
        self.interruptions = 0  # a measurement started before the latest interruption stops
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(MEASURE_DELAY_MS)
        self.timer.timeout.connect(self.measure)
        session.changed.connect(lambda _: self.interrupt())
        session.assets_changed.connect(self.interrupt)
        session.playhead_changed.connect(lambda _: self.interrupt())
        self._show_text("Mix: — LUFS", "")
        self.timer.start()

    def _show_text(self, text: str, color: str) -> None:
        style = f"color: {color};" if color else ""
        if self.label.text() != text:
            self.label.setText(text)
        if self.label.styleSheet() != style:  # a restyle costs milliseconds: not on every scrub step
            self.label.setStyleSheet(style)

    def _was(self) -> str:
        return f" (was {self.loudness:.1f} LUFS)" if self.loudness is not None and math.isfinite(self.loudness) else ""

    def _show_stale(self) -> None:
        """The timeline changed since the figure shown: say so (grey) until the next measurement."""
        self._show_text(f"Mix: changed, measured when you pause{self._was()}", "#8a8a8a")

    @property
    def up_to_date(self) -> bool:
        return self.measured_revision == self.session.revision

    def interrupt(self) -> None:
        """The creator is busy: stop a measurement in flight and measure again after a pause (if still needed)."""
        if self.up_to_date:
            return
        self._show_stale()
        self.interruptions += 1
        if not self.playing and not self.stopped:
            self.timer.start()

    def set_playing(self, playing: bool) -> None:
        """The preview plays (nothing is measured, so the pictures and sound get the CPU) or has stopped."""
        self.playing = playing
        if playing:
            self.interruptions += 1
            self.timer.stop()
        elif not self.up_to_date and not self.stopped:
            self.timer.start()

    def measure(self) -> None:
        session = self.session
        if session.project_dir is None or self.stopped or self.playing or self.up_to_date:
            return
        revision, snapshot, folder = session.revision, session.snapshot(), session.project_dir
        started = self.interruptions
        self._show_text("Mix: measuring…" + self._was(), "")

        def overtaken() -> bool:
            return self.stopped or self.interruptions != started or session.revision != revision

        def done(result: tuple[float, float] | None) -> None:
            if session.revision == revision:  # else an edit came since, and its own measurement follows
                self.measured_revision = revision
                self.show_loudness(None if result is None else result[0])

        def failed(exc: BaseException) -> None:
            if not overtaken():
                self._show_text("Mix: cannot measure", "")
                self.label.setToolTip(str(exc))

        from studio.gui.loudness_worker import measure_in_child

        session.tasks.run(lambda: measure_in_child(snapshot, folder, overtaken), done, failed)

    def stop(self) -> None:
        self.stopped = True
        self.timer.stop()

    def show_loudness(self, loudness: float | None) -> None:
        self.loudness = loudness
        target = f"target {self.target:g}"
        if loudness is None:
            self._show_text(f"Mix: empty ({target})", "")
        elif not math.isfinite(loudness):
            self._show_text(f"Mix: silent ({target})", "")
        else:
            off = abs(loudness - self.target)
            color = "#3fbf5f" if off <= 1.0 else "#e0b43a" if off <= 6.0 else "#e0453a"
            self._show_text(f"Mix: {loudness:.1f} LUFS ({target})", color)
