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
CODEC_HEADROOM_DB = 0.5  # a lossy codec's overshoot of the mix's true peak, left free before encoding
DELIVERY_PASSES = 3  # audio re-encodes at most, each further under the ceiling by what the file went over


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
        return f"rendered {self.path}: {length} ({picture}{loud}), {_megabytes(self.bytes)}, took {self.elapsed:.1f} s"


def _megabytes(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{n / 1e3:.0f} kB"


def current_umask() -> int:
    """The process umask, read without changing it where the system allows (os.umask sets it, which
    would race with other threads creating files)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def new_file_mode() -> int:
    """The mode a newly created file gets under the user's umask (0644 with the usual 022)."""
    return 0o666 & ~current_umask()


def check_output(out_path: Path, preset: Preset) -> Path:
    """Refuse a name that does not suit the preset or a place that cannot be written; returns the folder."""
    if out_path.suffix.lower() not in preset.suffixes:
        raise RenderError(
            f"output {out_path.name!r} does not suit preset {preset.name}, which writes "
            f"{' or '.join(preset.suffixes)} files"
        )
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


def render_timeline(
    project: Project,
    project_dir: str | Path,
    out_path: str | Path,
    *,
    preset: str | Preset = DEFAULT_PRESET,
    frame_range: tuple[int, int] | None = None,
    allow_missing: bool = False,
    progress: Progress | None = None,
    cancel: Any = None,
) -> RenderSummary:
    """Render frames [start, end) (end -1 or None range: to the timeline's end) of the project's main
    timeline to ``out_path``. Raises RenderError (one line) for anything the creator must fix;
    the project and its files are only read."""
    from studio.render.mixer import mix_to_wav

    started = time.perf_counter()
    preset = get_preset(preset)
    out_path = Path(out_path).expanduser().absolute()
    plan = make_plan(project, project_dir, frame_range, allow_missing)
    if preset.video:
        _check_titles(plan)
    folder = check_output(out_path, preset)
    size = output_size(preset, plan.timeline.width, plan.timeline.height) if preset.video else None
    report = progress or (lambda fraction, message: None)
    audio_share = 0.08 if preset.video else 1.0
    try:
        partial = tempfile.NamedTemporaryFile(
            dir=folder,
            prefix=f".{out_path.stem}.",  # noqa: SIM115
            suffix=f".partial{out_path.suffix}",
            delete=False,
        )
    except OSError as exc:
        raise RenderError(f"cannot write into {folder}: {exc.strerror or exc}") from None
    partial.close()
    partial_path = Path(partial.name)
    try:
        with tempfile.TemporaryDirectory(prefix="studio-render-") as scratch:
            wav = Path(scratch) / "mix.wav"
            meter = mix_to_wav(
                plan,
                wav,
                progress=lambda f: report(f * audio_share, "mixing audio"),
                cancelled=lambda: _is_cancelled(cancel),
            )
            wav, loudness, gain = _deliver_loudness(
                plan,
                preset,
                partial_path,
                wav,
                meter,
                Path(scratch),
                lambda wav, gain: _encode(plan, preset, partial_path, wav, gain, size, report, audio_share, cancel),
            )
        if partial_path.stat().st_size == 0:
            raise RenderError("ffmpeg wrote an empty file")
        os.chmod(partial_path, new_file_mode())  # the temp file was private (0600); the render is not
        os.replace(partial_path, out_path)
    except BaseException:
        partial_path.unlink(missing_ok=True)
        raise
    report(1.0, "done")
    return RenderSummary(
        out_path,
        preset.name,
        plan.frames if preset.video else 0,
        plan.seconds,
        size,
        out_path.stat().st_size,
        time.perf_counter() - started,
        loudness + gain if math.isfinite(loudness) else loudness,
        gain,
        plan.warnings,
    )


def _normalise(
    mix: Path, meter: Any, target: float, ceiling: float, scratch: Path
) -> tuple[Path, float, float, float, bool]:
    """(wav, loudness, gain, true peak after gain, limited): the gain that brings the mix to ``target`` LUFS
    with its true peak under ``ceiling``; a mix too peaky for that is limited first (a new WAV in ``scratch``)."""
    from studio.render.limiter import limit_to_loudness
    from studio.render.loudness import normalising_gain

    loudness = meter.integrated()
    gain, limited = normalising_gain(loudness, meter.true_peak_db(), target, ceiling)
    if limited:  # the target gain would clip: apply it with the peaks limited, then re-measure
        limited_wav = scratch / f"limited{ceiling:+.2f}.wav"
        meter = limit_to_loudness(mix, limited_wav, loudness, target, ceiling)
        mix, loudness = limited_wav, meter.integrated()
        gain, limited = normalising_gain(loudness, meter.true_peak_db(), target, ceiling)
    return mix, loudness, gain, meter.true_peak_db() + gain, limited


def _deliver_loudness(
    plan, preset: Preset, out: Path, mix: Path, meter: Any, scratch: Path, encode: Callable[[Path, float], None]
) -> tuple[Path, float, float]:
    """Normalise, encode with ``encode(wav, gain)``, then measure the true peak of the encoded file itself
    (ffmpeg's ebur128, peak=true): a lossy codec overshoots the mix's peaks, so while the file is over the
    ceiling the mix is limited further under it and only the audio is encoded again. Returns (wav, loudness, gain)."""
    from studio.render.encoder import replace_audio
    from studio.render.loudness import measure_encoded

    if preset.loudness_lufs is None:
        encode(mix, 0.0)
        return mix, meter.integrated(), 0.0
    lossy = not preset.audio_codec.startswith("pcm_")
    ceiling = preset.true_peak_db - (CODEC_HEADROOM_DB if lossy else 0.0)
    wav, loudness, gain, wav_peak, limited = _normalise(mix, meter, preset.loudness_lufs, ceiling, scratch)
    encode(wav, gain)
    if lossy and math.isfinite(loudness):
        for attempt in range(DELIVERY_PASSES + 1):
            try:
                _, peak = measure_encoded(str(out))
            except ValueError as exc:
                raise RenderError(str(exc)) from None
            if peak <= preset.true_peak_db or attempt == DELIVERY_PASSES:
                break
            ceiling = min(ceiling, wav_peak) - (peak - preset.true_peak_db + 0.1)  # the codec's overshoot, measured
            wav, loudness, gain, wav_peak, limited = _normalise(mix, meter, preset.loudness_lufs, ceiling, scratch)
            replace_audio(out, wav, gain, preset)
        if peak > preset.true_peak_db:
            plan.warnings.append(
                f"the delivered audio peaks at {peak:.1f} dBTP, over the {preset.true_peak_db:g} dBTP ceiling"
            )
    if limited and loudness + gain < preset.loudness_lufs - 0.5:
        plan.warnings.append(
            f"the mix is {loudness + gain:.1f} LUFS, under the {preset.loudness_lufs:g} "
            f"LUFS target, to keep its peaks under {preset.true_peak_db:g} dBTP"
        )
    return wav, loudness, gain


def _check_titles(plan) -> None:
    """Refuse a title too big to draw before any work is done, naming its clip."""
    from studio.render.titles import title_text

    for _, clips in plan.video_tracks:
        for clip in clips:
            if clip.asset_id is None and clip.title is not None:
                try:
                    title_text(clip.title)
                except RenderError as exc:
                    raise RenderError(f"clip {clip.name!r}: {exc}") from None


def _encode(
    plan,
    preset: Preset,
    partial_path: Path,
    wav: Path,
    gain: float,
    size,
    report: Progress,
    audio_share: float,
    cancel: Any,
) -> None:
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


def _feed_frames(plan, preset: Preset, encoder, size, report: Progress, audio_share: float, cancel: Any) -> None:
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
