"""Stream frames into an H.264 MP4 through ffmpeg (the binary from imageio-ffmpeg), one frame at a time.

The file is written under a temporary name and renamed when complete, so a cancelled or failed
shot never leaves a half-written MP4 behind. Encoding flags are fixed (bitexact, no metadata),
so the same frames give the same bytes.
"""

from __future__ import annotations

import os
import queue
import threading
from pathlib import Path

import ffmpeg
import imageio_ffmpeg

from pipelines.base import GenerationError


class VideoWriter:
    """``with VideoWriter(path, w, h, fps) as out: out.write(rgba_bytes)``; frames are RGBA, w*h*4 bytes each.

    A writer thread feeds ffmpeg's pipe, so the caller renders the next frame while this one encodes.
    """

    def __init__(self, path: str | Path, width: int, height: int, fps: int, crf: int = 20, preset: str = "superfast"):
        self.path = Path(path)
        self.tmp = self.path.with_name(f".{self.path.stem}.part.mp4")
        self.size = width * height * 4
        stream = ffmpeg.input("pipe:", format="rawvideo", pix_fmt="rgba", s=f"{width}x{height}", framerate=fps)
        stream = ffmpeg.output(
            stream,
            str(self.tmp),
            vcodec="libx264",
            pix_fmt="yuv420p",
            crf=crf,
            preset=preset,
            movflags="+faststart",
            map_metadata=-1,
            fflags="+bitexact",
            **{"flags:v": "+bitexact", "x264-params": "threads=2"},
        )
        self._proc = ffmpeg.run_async(
            stream.overwrite_output(),
            cmd=imageio_ffmpeg.get_ffmpeg_exe(),
            pipe_stdin=True,
            pipe_stderr=True,
            quiet=True,
        )
        self._queue: queue.Queue = queue.Queue(maxsize=3)
        self._error: BaseException | None = None
        self._stderr = b""
        self._thread = threading.Thread(target=self._pump, daemon=True)
        self._thread.start()
        self._drain = threading.Thread(target=self._read_stderr, daemon=True)
        self._drain.start()
        self.frames = 0

    def _read_stderr(self) -> None:
        self._stderr = self._proc.stderr.read()

    def _pump(self) -> None:
        try:
            while True:
                data = self._queue.get()
                if data is None:
                    break
                self._proc.stdin.write(data)
        except BaseException as exc:  # broken pipe: ffmpeg died; reported on close
            self._error = exc

    def write(self, rgba: bytes) -> None:
        if len(rgba) != self.size:
            raise ValueError(f"frame has {len(rgba)} bytes, expected {self.size}")
        if self._error is not None:
            raise GenerationError(f"ffmpeg stopped: {self._tail()}")
        self._queue.put(rgba)
        self.frames += 1

    def _tail(self) -> str:
        lines = self._stderr.decode(errors="replace").strip().splitlines()
        return lines[-1] if lines else "no message"

    def close(self) -> Path:
        """Finish the file and move it into place; returns its path."""
        self._queue.put(None)
        self._thread.join()
        try:
            self._proc.stdin.close()
        except OSError:
            pass
        code = self._proc.wait()
        self._drain.join()
        if code != 0 or self._error is not None:
            self.tmp.unlink(missing_ok=True)
            raise GenerationError(f"ffmpeg failed encoding {self.path.name}: {self._tail()}")
        os.replace(self.tmp, self.path)
        return self.path

    def abort(self) -> None:
        """Stop ffmpeg and remove the partial file."""
        try:
            self._proc.kill()
        except OSError:
            pass
        while True:  # make room for the stop marker even if the pump is stuck on a dead pipe
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break
        self._queue.put(None)
        self._thread.join(timeout=2)
        self._proc.wait()
        self.tmp.unlink(missing_ok=True)

    def __enter__(self) -> VideoWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()
