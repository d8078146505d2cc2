"""Reading source media through ffmpeg: video frames streamed at their placed size, audio streamed
as float32 samples, and a light probe for files whose facts the project did not record."""

from __future__ import annotations

import queue
import subprocess
import tempfile
import threading
from fractions import Fraction
from pathlib import Path

import ffmpeg
import imageio_ffmpeg
import numpy as np

from studio.model import Clip
from studio.render.errors import RenderError
from studio.render.plan import Placement


def ffmpeg_exe() -> str:
    return imageio_ffmpeg.get_ffmpeg_exe()


def _start(args: list[str], what: str) -> tuple[subprocess.Popen, tempfile.SpooledTemporaryFile]:
    """Run ffmpeg with stdout piped; stderr goes to a temp file so a full pipe can never stall it."""
    err = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the reader's close()
    try:
        proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err, bufsize=0)
    except OSError as exc:
        err.close()
        raise RenderError(f"cannot start ffmpeg to read {what}: {exc}") from None
    return proc, err


def _error_tail(err) -> str:
    err.seek(0)
    lines = [ln for ln in err.read().decode(errors="replace").splitlines() if ln.strip()]
    return lines[-1].strip() if lines else "no message"


class VideoReader:
    """Frames of one clip: ``count`` frames from ``start_seconds`` of ``path`` at ``rate``, scaled and
    cropped to ``placement``; each ``next_frame()`` is a uint8 array (h, w, 3).

    A thread reads ahead a few frames so ffmpeg decodes while the compositor works; at most
    ``AHEAD + 1`` frames are held, never the whole clip.
    """

    AHEAD = 3

    def __init__(
        self,
        path: Path,
        start_seconds: Fraction,
        count: int,
        rate: Fraction,
        placement: Placement,
        name: str = "",
        scale_flags: str = "bicubic",
    ):
        self.path, self.count, self.name = path, count, name or path.name
        (sw, sh), (cx, cy), (w, h) = placement.scaled, placement.crop, placement.size
        self.shape = (h, w, 3)
        self.frame_bytes = w * h * 3
        stream = ffmpeg.input(str(path), ss=f"{float(start_seconds):.6f}") if start_seconds else ffmpeg.input(str(path))
        stream = (
            stream.video.filter("fps", fps=f"{rate.numerator}/{rate.denominator}")
            .filter("scale", sw, sh, flags=scale_flags)
            .filter("crop", w, h, cx, cy)
        )
        out = stream.output("pipe:", format="rawvideo", pix_fmt="rgb24", vframes=count)
        args = out.global_args("-nostdin", "-hide_banner", "-loglevel", "error").compile(cmd=ffmpeg_exe())
        self.proc, self.err = _start(args, str(path))
        self.delivered = 0
        self.ended = False
        self.last: np.ndarray | None = None
        self._queue: queue.Queue = queue.Queue(maxsize=self.AHEAD)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read_ahead, name=f"decode {self.name}", daemon=True)
        self._thread.start()

    def _read_ahead(self) -> None:
        stdout = self.proc.stdout
        while not self._stop.is_set():
            buf = bytearray(self.frame_bytes)
            view, got = memoryview(buf), 0
            while got < self.frame_bytes:
                n = stdout.readinto(view[got:])
                if not n:
                    break
                got += n
            frame = np.frombuffer(buf, np.uint8).reshape(self.shape) if got == self.frame_bytes else None
            while not self._stop.is_set():
                try:
                    self._queue.put(frame, timeout=0.1)
                    break
                except queue.Full:
                    continue
            if frame is None:
                return

    def next_frame(self) -> np.ndarray:
        """The next frame; a source that ends up to two frames early holds its last frame."""
        frame = None if self.ended else self._queue.get()
        if frame is not None:
            self.delivered += 1
            self.last = frame
            return frame
        self.ended = True
        if self.last is None or self.count - self.delivered > 2:
            self.proc.wait()
            message = _error_tail(self.err)
            raise RenderError(
                f"clip {self.name!r}: {self.path.name} gave only {self.delivered} of {self.count} frames ({message})"
            )
        return self.last

    def close(self) -> None:
        self._stop.set()
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self._thread.join(timeout=5)
        self.proc.stdout.close()
        self.err.close()


def clip_video_reader(
    path: Path,
    clip: Clip,
    first: int,
    count: int,
    rate: Fraction,
    placement: Placement,
    scale_flags: str = "bicubic",
) -> VideoReader | RetimedVideoReader:
    """A reader of ``count`` frames of ``clip`` from clip-local frame ``first``: each frame is the source frame the
    clip shows there, through its speed and direction (``Clip.source_frame_at``)."""
    if not clip.is_retimed:
        start = Fraction(clip.source_range.start + first) / rate
        return VideoReader(path, start, count, rate, placement, clip.name, scale_flags)
    frames = [clip.source_frame_at(k) for k in range(first, first + count)]
    return RetimedVideoReader(path, frames, rate, placement, clip.name, scale_flags)


class RetimedVideoReader:
    """Frames of a clip played at another speed or backwards: frame k is source frame ``frames[k]`` (frames at the
    timeline's rate). Played forwards, one ffmpeg decodes the span and frames are skipped (faster) or repeated
    (slower); played backwards, the span is decoded in pieces from its end, each at most ``CHUNK_BYTES`` of
    pictures (8 to 240 frames: 240 at 640x360, 32 at 1080p), so one piece is held, never the whole clip (ffmpeg's
    own reverse filter would buffer all of it). Each piece decodes from the keyframe before it: the fewer pieces,
    the less decoded twice."""

    CHUNK_BYTES = 192 << 20

    def __init__(
        self,
        path: Path,
        frames: list[int],
        rate: Fraction,
        placement: Placement,
        name: str = "",
        scale_flags: str = "bicubic",
    ):
        self.path, self.frames, self.rate, self.placement = path, frames, rate, placement
        self.name, self.scale_flags = name or path.name, scale_flags
        self.backwards = len(frames) > 1 and frames[-1] < frames[0]
        self.index = 0
        self.ended = False
        self.reader: VideoReader | None = None
        self.at = 0  # the source frame the forward reader gives next
        self.chunk: dict[int, np.ndarray] = {}  # backwards: source frame -> picture, for the piece being played
        self.kept: tuple[int, np.ndarray] | None = None  # a frame shown again next (slow motion), kept unpainted
        w, h = placement.size
        self.chunk_frames = min(240, max(8, self.CHUNK_BYTES // max(1, w * h * 3)))
        if frames and not self.backwards:
            first, last = frames[0], max(frames)
            self.reader = self._open(first, last - first + 1)
            self.at = first

    def _open(self, first: int, count: int) -> VideoReader:
        start = Fraction(first) / self.rate
        return VideoReader(self.path, start, count, self.rate, self.placement, self.name, self.scale_flags)

    def next_frame(self) -> np.ndarray:
        """The next frame (h, w, 3) uint8; a fresh array each time, which the caller may draw on."""
        want = self.frames[min(self.index, len(self.frames) - 1)]
        self.index += 1
        if self.kept is not None and self.kept[0] == want:
            frame = self.kept[1]
        elif self.backwards:
            frame = self._backwards(want)
        else:
            frame = self._forwards(want)
        again = self.index < len(self.frames) and self.frames[self.index] == want
        self.kept = (want, frame.copy()) if again else None
        return frame

    def _forwards(self, want: int) -> np.ndarray:
        assert self.reader is not None
        while self.at < want:
            self.reader.next_frame()
            self.at += 1
        self.at += 1
        frame = self.reader.next_frame()
        self.ended = self.reader.ended
        return frame if not self.ended else frame.copy()

    def _backwards(self, want: int) -> np.ndarray:
        if want not in self.chunk:
            first = max(self.frames[-1], want - self.chunk_frames + 1)
            reader = self._open(first, want - first + 1)
            try:
                self.chunk = {first + i: reader.next_frame().copy() for i in range(want - first + 1)}
            finally:
                reader.close()
        return self.chunk.pop(want)

    def close(self) -> None:
        if self.reader is not None:
            self.reader.close()
        self.chunk.clear()


class AudioReader:
    """Samples of one clip from ``start_seconds`` of ``path`` at the file's own rate, as float32
    (n, channels) with 1 or 2 channels (more are mixed down to stereo by ffmpeg)."""

    def __init__(self, path: Path, start_seconds: Fraction, sample_rate: int, channels: int):
        self.path, self.sample_rate = path, sample_rate
        self.channels = 1 if channels == 1 else 2
        inp = ffmpeg.input(str(path), ss=f"{float(start_seconds):.6f}") if start_seconds else ffmpeg.input(str(path))
        out = inp.audio.output("pipe:", format="f32le", acodec="pcm_f32le", ac=self.channels, ar=sample_rate)
        args = out.global_args("-nostdin", "-hide_banner", "-loglevel", "error").compile(cmd=ffmpeg_exe())
        self.proc, self.err = _start(args, str(path))
        self.ended = False

    def read(self, n: int) -> np.ndarray:
        """Up to ``n`` samples (fewer only at the end of the file), shape (m, channels)."""
        want = n * 4 * self.channels
        buf = bytearray(want)
        view, got = memoryview(buf), 0
        while got < want and not self.ended:
            k = self.proc.stdout.readinto(view[got:])
            if not k:
                self.ended = True
                break
            got += k
        got -= got % (4 * self.channels)
        return np.frombuffer(buf, np.float32, got // 4).reshape(-1, self.channels)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.proc.stdout.close()
        self.err.close()


def probe(path: Path) -> dict:
    """Picture size and audio rate/channels of ``path`` via ``studio.io.probe``, for assets whose
    facts the project did not record."""
    from studio.io.probe import probe_media

    try:
        info = probe_media(path)
    except Exception as exc:  # noqa: BLE001 - studio.io's error type; keep its one-line message
        raise RenderError(str(exc)) from None
    return {
        "duration": info.duration_seconds,
        "width": info.width,
        "height": info.height,
        "sample_rate": info.sample_rate,
        "channels": info.channels,
    }
