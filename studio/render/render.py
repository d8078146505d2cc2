"""``render_timeline``: a project's timeline to a finished file, headless.

The mix is made first (it is fast and its loudness must be known before encoding); then frames
are composited in a worker thread while the main thread feeds them to the encoder, so compositing,
decoding (ffmpeg processes) and encoding (another ffmpeg process) overlap. The output is written
under a temporary name and renamed at the end: a failed render leaves no half file.
"""

from __future__ import annotations

import math
import os
import queue
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from studio.model import Project
from studio.render.errors import RenderError
from studio.render.plan import make_plan
from studio.render.presets import DEFAULT_PRESET, Preset, get_preset, output_size

Progress = Callable[[float, str], None]


@dataclass
class RenderSummary:
    """What a render produced; ``loudness_lufs`` is the mix's loudness after normalisation."""

    path: Path
    preset: str
    frames: int
    seconds: Fraction
    size: tuple[int, int] | None
    bytes: int
    elapsed: float
    loudness_lufs: float
    gain_db: float
    warnings: list[str] = field(default_factory=list)

    def line(self) -> str:
        """One line for the terminal: where, how long, how big, how fast."""
        s = float(self.seconds)
        length = f"{int(s // 3600)}:{int(s // 60 % 60):02d}:{s % 60:06.3f}"
        picture = f"{self.size[0]}x{self.size[1]}, {self.frames} frames, " if self.size else ""
        loud = f"{self.loudness_lufs:.1f} LUFS" if math.isfinite(self.loudness_lufs) else "silent"
        return (f"rendered {self.path}: {length} ({picture}{loud}), {_megabytes(self.bytes)}, "
                f"took {self.elapsed:.1f} s")


def _megabytes(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{n / 1e3:.0f} kB"


def check_output(out_path: Path, preset: Preset) -> Path:
    """Refuse a name that does not suit the preset or a place that cannot be written; returns the folder."""
    if out_path.suffix.lower() not in preset.suffixes:
        raise RenderError(f"output {out_path.name!r} does not suit preset {preset.name}, which writes "
                          f"{' or '.join(preset.suffixes)} files")
    if out_path.is_dir():
        raise RenderError(f"output {out_path} is a folder; give a file name")
    folder = out_path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RenderError(f"cannot create the output folder {folder}: {exc.strerror or exc}") from None
    if not os.access(folder, os.W_OK | os.X_OK) or (out_path.exists() and not os.access(out_path, os.W_OK)):
        raise RenderError(f"cannot write {out_path}: permission denied")
    return folder


def _is_cancelled(cancel: Any) -> bool:
    if cancel is None:
        return False
    if hasattr(cancel, "cancelled"):
        return bool(cancel.cancelled)
    return bool(cancel.is_set())


def render_timeline(project: Project, project_dir: str | Path, out_path: str | Path, *,
                    preset: str | Preset = DEFAULT_PRESET, frame_range: tuple[int, int] | None = None,
                    allow_missing: bool = False, progress: Progress | None = None, cancel: Any = None
                    ) -> RenderSummary:
    """Render frames [start, end) (end -1 or None range: to the timeline's end) of the project's main
    timeline to ``out_path``. Raises RenderError (one line) for anything the creator must fix;
    the project and its files are only read."""
    from studio.render.loudness import normalising_gain
    from studio.render.mixer import mix_to_wav

    started = time.perf_counter()
    preset = get_preset(preset)
    out_path = Path(out_path).expanduser().absolute()
    plan = make_plan(project, project_dir, frame_range, allow_missing)
    folder = check_output(out_path, preset)
    size = output_size(preset, plan.timeline.width, plan.timeline.height) if preset.video else None
    report = progress or (lambda fraction, message: None)
    audio_share = 0.08 if preset.video else 1.0
    try:
        partial = tempfile.NamedTemporaryFile(dir=folder, prefix=f".{out_path.stem}.",  # noqa: SIM115
                                              suffix=f".partial{out_path.suffix}", delete=False)
    except OSError as exc:
        raise RenderError(f"cannot write into {folder}: {exc.strerror or exc}") from None
    partial.close()
    partial_path = Path(partial.name)
    try:
        with tempfile.TemporaryDirectory(prefix="studio-render-") as scratch:
            wav = Path(scratch) / "mix.wav"
            meter = mix_to_wav(plan, wav, progress=lambda f: report(f * audio_share, "mixing audio"),
                               cancelled=lambda: _is_cancelled(cancel))
            loudness = meter.integrated()
            gain, limited = (0.0, False)
            if preset.loudness_lufs is not None:
                gain, limited = normalising_gain(loudness, meter.true_peak_db(), preset.loudness_lufs,
                                                 preset.true_peak_db)
                if limited:  # the target gain would clip: apply it with the peaks limited, then re-measure
                    from studio.render.limiter import limit_to_loudness

                    limited_wav = Path(scratch) / "limited.wav"
                    meter = limit_to_loudness(wav, limited_wav, loudness, preset.loudness_lufs, preset.true_peak_db)
                    wav, loudness = limited_wav, meter.integrated()
                    gain, limited = normalising_gain(loudness, meter.true_peak_db(), preset.loudness_lufs,
                                                     preset.true_peak_db)
                if limited and loudness + gain < preset.loudness_lufs - 0.5:
                    plan.warnings.append(f"the mix is {loudness + gain:.1f} LUFS, under the {preset.loudness_lufs:g} "
                                         f"LUFS target, to keep its peaks under {preset.true_peak_db:g} dBTP")
            _encode(plan, preset, partial_path, wav, gain, size, report, audio_share, cancel)
        if partial_path.stat().st_size == 0:
            raise RenderError("ffmpeg wrote an empty file")
        os.chmod(partial_path, 0o666 & ~_umask())  # a temporary file is 0600; a render is an ordinary file
        os.replace(partial_path, out_path)
    except BaseException:
        partial_path.unlink(missing_ok=True)
        raise
    report(1.0, "done")
    return RenderSummary(out_path, preset.name, plan.frames if preset.video else 0, plan.seconds, size,
                         out_path.stat().st_size, time.perf_counter() - started,
                         loudness + gain if math.isfinite(loudness) else loudness, gain, plan.warnings)


def _encode(plan, preset: Preset, partial_path: Path, wav: Path, gain: float, size, report: Progress,
            audio_share: float, cancel: Any) -> None:
    from studio.render.encoder import Encoder

    try:
        encoder = Encoder(preset, partial_path, wav, gain, size or (0, 0), plan.timeline.rate)
    except OSError as exc:
        raise RenderError(f"cannot start ffmpeg: {exc}") from None
    try:
        if preset.video:
            _feed_frames(plan, preset, encoder, size, report, audio_share, cancel)
        code, message = encoder.finish()
    except BrokenPipeError:
        code, message = encoder.finish()
        raise RenderError(f"ffmpeg stopped while encoding: {message or f'exit code {code}'}") from None
    except BaseException:
        encoder.kill()
        raise
    if code != 0:
        raise RenderError(f"ffmpeg failed ({message or f'exit code {code}'})")


def _feed_frames(plan, preset: Preset, encoder, size, report: Progress, audio_share: float,
                 cancel: Any) -> None:
    """Composite in a worker thread; write to the encoder here. At most a few frames wait in between."""
    from studio.render.compositor import Compositor

    frames: queue.Queue = queue.Queue(maxsize=4)
    stop = threading.Event()
    failure: list[BaseException] = []
    compositor = Compositor(plan, size, preset.scale_flags)

    def produce() -> None:
        try:
            for frame in compositor.frames():
                while not stop.is_set():
                    try:
                        frames.put(frame, timeout=0.2)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread, which raises it
            failure.append(exc)
        finally:
            compositor.close()
            frames.put(None)

    worker = threading.Thread(target=produce, name="compositor", daemon=True)
    worker.start()
    total = plan.frames
    done = 0
    try:
        while True:
            frame = frames.get()
            if frame is None:
                break
            if _is_cancelled(cancel):
                raise RenderError("render cancelled")
            encoder.write(frame)
            done += 1
            report(audio_share + (1 - audio_share) * done / total, f"frame {done}/{total}")
    finally:
        stop.set()
        while worker.is_alive():
            try:
                frames.get(timeout=0.1)
            except queue.Empty:
                pass
        worker.join()
    if failure:
        raise failure[0]
    if done != total:
        raise RenderError(f"only {done} of {total} frames were made")


def _umask() -> int:
    """The process's file-creation mask, read without changing it (Linux /proc); 0o022 elsewhere."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022
