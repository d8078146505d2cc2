"""The ffmpeg process that encodes the rendered frames and the mix into the output file."""

from __future__ import annotations

import collections
import subprocess
import threading
from fractions import Fraction
from pathlib import Path

import ffmpeg
import imageio_ffmpeg

from studio.render.presets import Preset

SD_MAX_HEIGHT = 576  # pictures up to PAL height are SD (BT.601); taller ones are HD (BT.709)


def colour_standard(height: int) -> dict[str, str]:
    """How RGB frames of ``height`` lines become YUV: the conversion matrix for ffmpeg's scaler and the
    primaries, transfer and matrix tags written into the stream, so players decode with the same matrix."""
    if height > SD_MAX_HEIGHT:
        return {"matrix": "bt709", "primaries": "bt709", "transfer": "bt709", "space": "bt709"}
    return {"matrix": "bt601", "primaries": "smpte170m", "transfer": "smpte170m", "space": "smpte170m"}


class Encoder:
    """Runs ffmpeg (through ffmpeg-python) reading raw rgb24 frames of ``size`` on stdin (video
    presets) and the float WAV mix with ``gain_db`` applied, writing ``out_path`` in the preset's format."""

    def __init__(
        self, preset: Preset, out_path: Path, wav_path: Path, gain_db: float, size: tuple[int, int], rate: Fraction
    ):
        audio = ffmpeg.input(str(wav_path)).audio.filter("volume", f"{gain_db:.6f}dB")
        if preset.video:
            colour = colour_standard(size[1])
            video = (
                ffmpeg.input(
                    "pipe:",
                    format="rawvideo",
                    pix_fmt="rgb24",
                    s=f"{size[0]}x{size[1]}",
                    framerate=f"{rate.numerator}/{rate.denominator}",
                )
                .filter("scale", out_color_matrix=colour["matrix"], out_range="tv")
                .filter("format", "yuv420p")
                .filter(
                    "setparams",
                    color_primaries=colour["primaries"],
                    color_trc=colour["transfer"],
                    colorspace=colour["space"],
                    range="tv",
                )
            )
            out = ffmpeg.output(
                video,
                audio,
                str(out_path),
                format=preset.container,
                vcodec=preset.video_codec,
                pix_fmt="yuv420p",
                preset=preset.x264_preset,
                crf=preset.crf,
                color_primaries=colour["primaries"],
                color_trc=colour["transfer"],
                colorspace=colour["space"],
                color_range="tv",
                acodec=preset.audio_codec,
                audio_bitrate=preset.audio_bitrate,
                ar=48_000,
                movflags="+faststart",
            )
        else:
            out = ffmpeg.output(audio, str(out_path), format=preset.container, acodec=preset.audio_codec, ar=48_000)
        out = out.global_args("-nostdin", "-hide_banner", "-loglevel", "error").overwrite_output()
        self.process: subprocess.Popen = out.run_async(
            cmd=imageio_ffmpeg.get_ffmpeg_exe(), pipe_stdin=preset.video, pipe_stderr=True
        )
        self.messages: collections.deque[str] = collections.deque(maxlen=20)
        self._drain = threading.Thread(target=self._read_messages, name="ffmpeg messages", daemon=True)
        self._drain.start()

    def _read_messages(self) -> None:
        for line in iter(self.process.stderr.readline, b""):
            text = line.decode(errors="replace").strip()
            if text:
                self.messages.append(text)

    def write(self, frame) -> None:
        """Send one frame, an array (H, W, 3) uint8."""
        self.process.stdin.write(frame.data if frame.flags.c_contiguous else frame.tobytes())

    def finish(self) -> tuple[int, str]:
        """Close the input and wait: (exit code, the last message ffmpeg printed)."""
        if self.process.stdin is not None and not self.process.stdin.closed:
            try:
                self.process.stdin.close()
            except BrokenPipeError:
                pass
        code = self.process.wait()
        self._drain.join(timeout=5)
        return code, (self.messages[-1] if self.messages else "")

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        try:
            self.finish()
        except OSError:
            pass


def replace_audio(path: Path, wav_path: Path, gain_db: float, preset: Preset) -> None:
    """Encode the audio of ``path`` again from ``wav_path`` at ``gain_db``, copying its video as it is."""
    import os

    tmp = path.with_name(f".audio-{path.name}")
    audio = ffmpeg.input(str(wav_path)).audio.filter("volume", f"{gain_db:.6f}dB")
    streams = [ffmpeg.input(str(path)).video, audio] if preset.video else [audio]
    options = {"vcodec": "copy", "movflags": "+faststart"} if preset.video else {}
    if preset.audio_bitrate:
        options["audio_bitrate"] = preset.audio_bitrate
    out = ffmpeg.output(*streams, str(tmp), format=preset.container, acodec=preset.audio_codec, ar=48_000, **options)
    args = (
        out.global_args("-nostdin", "-hide_banner", "-loglevel", "error")
        .overwrite_output()
        .compile(cmd=imageio_ffmpeg.get_ffmpeg_exe())
    )
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tmp.unlink(missing_ok=True)
        lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
        from studio.render.errors import RenderError

        raise RenderError(f"ffmpeg failed re-encoding the audio ({lines[-1] if lines else done.returncode})")
    os.replace(tmp, path)
