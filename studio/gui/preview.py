"""The preview player: frames from the render engine's compositor at preview size, cached per edit,
played in time with the mix (space, J/K/L, arrows, I/O), with the current timecode."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QStyle, QVBoxLayout, QWidget

from studio.gui.audio_output import make_audio_output
from studio.gui.media_cache import to_qimage
from studio.gui.meters import AudioMeters, MasterLoudness
from studio.gui.preview_worker import StillRenderer, render_preview_frames
from studio.gui.session import ProjectSession
from studio.model import Project, timecode

PREVIEW_HEIGHT = 270
CHUNK_FRAMES = 48
LEAD_FRAMES = 6  # played first, alone, so the picture starts with the sound instead of a chunk later
AUDIO_SECONDS = 30


def preview_images(frames: dict[int, Any]) -> dict[int, QImage]:
    """The frames as QImages (worker thread: converting a 48-frame chunk took ~0.2 s of the GUI thread);
    repeated frames share one array and so one image."""
    converted: dict[int, QImage] = {}
    out = {}
    for frame, rgb in frames.items():
        key = id(rgb)
        if key not in converted:
            converted[key] = to_qimage(rgb)
        out[frame] = converted[key]
    return out


def render_preview_audio(project: Project, project_dir: Path, start: int, seconds: float) -> Any:
    """The mix from ``start`` for ``seconds`` as float32 (n, 2) at 48 kHz (worker thread)."""
    import tempfile

    import soundfile

    from studio.render.mixer import mix_to_wav
    from studio.render.plan import make_plan

    tl = project.timeline
    end = min(tl.duration, start + round(seconds * tl.rate))
    plan = make_plan(project, project_dir, (start, end), allow_missing=True)
    with tempfile.TemporaryDirectory(prefix="studio-preview-") as scratch:
        wav = Path(scratch) / "mix.wav"
        mix_to_wav(plan, wav)
        data, _ = soundfile.read(wav, dtype="float32", always_2d=True)
    return data if data.shape[1] == 2 else data.repeat(2, axis=1)[:, :2]


class PictureView(QWidget):
    """Draws the current frame letterboxed on black."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.image: QImage | None = None
        self.setMinimumSize(320, 180)

    def sizeHint(self):
        from PySide6.QtCore import QSize

        return QSize(640, 360)

    def show_image(self, image: QImage | None) -> None:
        self.image = image
        self.update()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#0b0c0e"))
        if self.image is not None and not self.image.isNull():
            w, h = self.width(), self.height()
            scale = min(w / self.image.width(), h / self.image.height())
            tw, th = self.image.width() * scale, self.image.height() * scale
            painter.drawImage(QRectF((w - tw) / 2, (h - th) / 2, tw, th), self.image)


class PreviewPanel(QWidget):
    """Plays the timeline; the frame cache is dropped whenever the timeline changes."""

    def __init__(self, session: ProjectSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.audio = make_audio_output()
        self.cache: dict[int, QImage] = {}
        self.cache_revision = session.revision
        self._asked: set[int] = set()  # chunk starts being rendered
        self._still_busy = False  # one still frame (scrubbing, stepping) renders at a time ...
        self._still_wanted: int | None = None  # ... and the newest playhead is what renders next
        self.stills = StillRenderer()  # ... in a child process once it has started (the GIL stays the window's)
        self.requests: list[tuple[int, int]] = []  # (start, frames) of every render asked, newest last
        self.speed = 0  # frames per frame-time: 0 paused, 1 play, 2/4 fast, negative reverse
        self._play_from = 0
        self.picture = PictureView(self)
        self.time_label = QLabel("00:00:00:00")
        self.time_label.setObjectName("previewTimecode")
        self.time_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        buttons = QHBoxLayout()
        icons = QStyle.StandardPixmap
        for icon, slot, tip in (
            (icons.SP_MediaSkipBackward, lambda: session.set_playhead(0), "start"),
            (icons.SP_MediaSeekBackward, lambda: self.step(-1), "previous frame (Left)"),
            (icons.SP_MediaPlay, self.toggle_play, "play / pause (Space)"),
            (icons.SP_MediaSeekForward, lambda: self.step(1), "next frame (Right)"),
            (icons.SP_MediaSkipForward, lambda: session.set_playhead(session.timeline.duration), "end"),
        ):
            b = QPushButton(self.style().standardIcon(icon), "")
            b.setToolTip(tip)
            b.setFixedWidth(38)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.clicked.connect(slot)
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.loudness_label = QLabel()
        self.master_loudness = MasterLoudness(session, self.loudness_label)
        buttons.addWidget(self.loudness_label)
        buttons.addSpacing(12)
        buttons.addWidget(self.time_label)
        self.meters = AudioMeters(self.audio, self)  # beside the picture, fed from what the output plays
        screen = QHBoxLayout()
        screen.setSpacing(4)
        screen.addWidget(self.picture, 1)
        screen.addWidget(self.meters)
        box = QVBoxLayout(self)
        box.setContentsMargins(4, 4, 4, 4)
        box.addLayout(screen, 1)
        box.addLayout(buttons)
        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self._tick)
        session.playhead_changed.connect(self._show)
        session.changed.connect(lambda _: self._show(session.playhead))

    # ------------------------------------------------------------------ transport
    @property
    def playing(self) -> bool:
        return self.speed != 0

    def toggle_play(self) -> None:
        self.pause() if self.playing else self.play(1)

    def play(self, speed: int = 1) -> None:
        tl = self.session.timeline
        if tl.duration <= 0:
            return
        if self.session.playhead >= tl.duration - 1 and speed > 0:
            self.session.set_playhead(self.session.in_point or 0)
        self.speed = speed
        self._play_from = self.session.playhead
        self.audio.stop()
        self.audio.start(None, 48_000)  # starts the clock now; the mix follows when ready
        if speed == 1 and self.session.project_dir is not None:
            snapshot, folder, start = self.session.snapshot(), self.session.project_dir, self.session.playhead
            self.session.tasks.run(
                lambda: render_preview_audio(snapshot, folder, start, AUDIO_SECONDS),
                lambda pcm: self._start_sound(pcm, start),
                lambda exc: None,
            )
        self.timer.start(max(5, round(1000 / float(tl.rate) / 2)))
        self.meters.start()
        self.master_loudness.set_playing(True)
        self._show(self.session.playhead)  # ask for the first frames now, not on the first tick that moves

    def _start_sound(self, pcm: Any, start: int) -> None:
        if self.speed == 1 and pcm is not None and len(pcm):
            offset = max(0, round(float((self.session.playhead - start) / self.session.rate) * 48_000))
            self._play_from = self.session.playhead
            self.audio.start(pcm[offset:], 48_000)

    def pause(self) -> None:
        self.speed = 0
        self.timer.stop()
        self.audio.stop()
        self.meters.stop()
        self.master_loudness.set_playing(False)

    def shuttle(self, direction: int) -> None:
        """J/L: play backwards or forwards, faster on each press; K pauses."""
        if direction == 0:
            return self.pause()
        speed = direction if self.speed * direction <= 0 else max(-4, min(4, self.speed * 2))
        self.play(speed)

    def step(self, frames: int) -> None:
        self.pause()
        self.session.set_playhead(self.session.playhead + frames)

    def mark_in(self) -> None:
        self.session.in_point = self.session.playhead
        self.session.playhead_changed.emit(self.session.playhead)

    def mark_out(self) -> None:
        self.session.out_point = self.session.playhead
        self.session.playhead_changed.emit(self.session.playhead)

    def _tick(self) -> None:
        tl = self.session.timeline
        frame = self._play_from + round(self.audio.elapsed() * float(tl.rate) * self.speed)
        end = self.session.out_point if self.session.out_point is not None else tl.duration
        if frame >= end or frame < 0:
            self.pause()
            frame = max(0, min(frame, end - 1))
        self.session.set_playhead(frame)

    # ------------------------------------------------------------------ frames
    def preview_size(self) -> tuple[int, int]:
        tl = self.session.timeline
        h = min(PREVIEW_HEIGHT, tl.height)
        w = max(2, round(tl.width * h / tl.height / 2) * 2)
        return w, h + h % 2

    def _show(self, frame: int) -> None:
        rate = self.session.rate
        self.time_label.setText(f"{timecode(frame, rate)}  /  {timecode(self.session.timeline.duration, rate)}")
        if self.session.revision != self.cache_revision:
            self.cache.clear()
            self._asked.clear()
            self.cache_revision = self.session.revision
        image = self.cache.get(frame)
        if image is not None:
            self.picture.show_image(image)
        if self.playing:
            self._request(frame, lead=True)
            self._request(frame + CHUNK_FRAMES * (1 if self.speed > 0 else -1))
        elif image is None:
            self._request_still(frame)

    def _render(self, start: int, count: int, on_frames, still: bool = False) -> None:
        snapshot, folder, size, revision = (
            self.session.snapshot(),
            self.session.project_dir,
            self.preview_size(),
            self.session.revision,
        )
        self.requests.append((start, count))
        del self.requests[:-200]
        stills = self.stills

        def work() -> dict[int, QImage]:
            if still and stills.ready:
                try:
                    return preview_images(stills.render(snapshot, revision, folder, start, count, size))
                except OSError:  # the child died: this still renders here while a new child starts
                    stills.start_in_background()
            return preview_images(render_preview_frames(snapshot, folder, start, count, size))

        if still and not stills.ready:
            stills.start_in_background()  # the first still (or the one after a crash) renders here meanwhile
        self.session.tasks.run(
            work,
            lambda frames: on_frames(frames, revision),
            lambda exc: self.session.message.emit(f"preview: {exc}"),
        )

    def _request(self, frame: int, lead: bool = False) -> None:
        """Playing: render the chunk around ``frame``; with ``lead``, a few frames from ``frame`` first, alone,
        when the chunk is not there yet (after an edit the picture would otherwise lag a whole chunk)."""
        tl = self.session.timeline
        if self.session.project_dir is None or not 0 <= frame < tl.duration:
            return
        start = frame // CHUNK_FRAMES * CHUNK_FRAMES
        if start in self._asked:
            return
        self._asked.add(start)
        if lead and frame not in self.cache and frame + LEAD_FRAMES < start + CHUNK_FRAMES:
            self._render(frame, LEAD_FRAMES, self._got_frames)
        self._render(start, CHUNK_FRAMES, self._got_frames)

    def _request_still(self, frame: int) -> None:
        """Paused (scrubbing, stepping): one frame, one render at a time, always the newest playhead, so a scrub
        never queues up chunks that delay the frame the creator stopped on."""
        if self.session.project_dir is None or not 0 <= frame < self.session.timeline.duration:
            return
        self._still_wanted = frame
        if self._still_busy:
            return
        self._still_busy = True
        self._render(frame, 1, self._got_still, still=True)

    def _got_still(self, frames: dict[int, Any], revision: int) -> None:
        self._still_busy = False
        self._got_frames(frames, revision)
        wanted, self._still_wanted = self._still_wanted, None
        if wanted is not None and not self.playing and wanted not in self.cache:
            self._request_still(wanted)

    def _got_frames(self, frames: dict[int, Any], revision: int) -> None:
        if revision != self.session.revision:
            return
        self.cache.update(frames)  # QImages made by the worker (a chunk's conversion stalled play's start here)
        if self.session.playhead in self.cache:
            self.picture.show_image(self.cache[self.session.playhead])
