"""Built-in TEST engines: trivial, deterministic generators that write real files.

They exist so the scheduler, the CLI and the render path can be exercised before (and without)
the real media engines: "test-tone" (a sine tone WAV for sfx, song and voice), "test-pattern"
(moving colour bars as an H.264 MP4) and "test-cube" (a unit cube GLB). They are listed after the
real engines of each kind. ``FakeModel`` stands in for a neural model in scheduler tests and
benchmarks (slow load, slow steps, load counting, and on request a crash). Nothing heavy is
imported at module level.
"""

from __future__ import annotations

import hashlib
import os
import time
import wave
from pathlib import Path
from typing import Any

from pipelines.base import CancelToken, GenerationResult, Generator, OutputFile, ProgressFn, Request, RequestError
from pipelines.spec import EngineSpec

TEST_ENGINES: list[EngineSpec] = [
    EngineSpec(
        "sfx",
        "test-tone",
        "pipelines.testing:TestToneSfx",
        test=True,
        memory_mb=8,
        description="TEST engine: a sine tone, not a sound effect",
    ),
    EngineSpec(
        "song",
        "test-tone",
        "pipelines.testing:TestToneSong",
        test=True,
        memory_mb=8,
        description="TEST engine: a sine tone, not a song",
    ),
    EngineSpec(
        "voice",
        "test-tone",
        "pipelines.testing:TestToneVoice",
        test=True,
        memory_mb=8,
        description="TEST engine: a sine tone, not speech",
    ),
    EngineSpec(
        "video",
        "test-pattern",
        "pipelines.testing:TestPattern",
        test=True,
        memory_mb=32,
        description="TEST engine: moving colour bars, not a video shot",
    ),
    EngineSpec(
        "3d",
        "test-cube",
        "pipelines.testing:TestCube",
        test=True,
        memory_mb=16,
        description="TEST engine: a unit cube, not your object",
    ),
]


def _pitch(request: Request) -> float:
    """A stable tone frequency (Hz) from the request's hash: different prompts sound different."""
    return 220.0 * 2 ** (int(request.content_hash()[:4], 16) % 24 / 12)


class TestTone(Generator):
    """TEST engine: a sine tone with short fades, as a 16-bit WAV."""

    engine = "test-tone"
    version = "1"

    def seconds(self, request: Request) -> float:
        return float(getattr(request, "duration", None) or 4.0)

    def generate(
        self, request: Request, progress: ProgressFn, cancel: CancelToken, output_dir: Path
    ) -> GenerationResult:
        import numpy as np

        # 1. Check inputs
        rate = int(getattr(request, "sample_rate", 48_000))
        seconds = self.seconds(request)
        n = round(seconds * rate)
        # 2. Synthesise in 0.25 s chunks, checking for cancel between them
        freq = _pitch(request)
        chunk = rate // 4
        audio = np.empty(n, dtype=np.float32)  # (samples,)
        for start in range(0, n, chunk):
            cancel.check()
            t = np.arange(start, min(n, start + chunk)) / rate
            audio[start : start + len(t)] = 0.3 * np.sin(2 * np.pi * freq * t)
            progress(min(1.0, (start + chunk) / n), "tone")
        fade = min(n // 2, rate // 50)
        if fade:
            ramp = np.linspace(0.0, 1.0, fade, dtype=np.float32)
            audio[:fade] *= ramp
            audio[-fade:] *= ramp[::-1]
        # 3. Write the WAV (written whole, then renamed, so nothing half-written is left)
        path = output_dir / f"test-tone-{self.kind}.wav"
        tmp = path.with_suffix(".part")
        pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2")
        with wave.open(str(tmp), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(rate)
            w.writeframes(pcm.tobytes())
        os.replace(tmp, path)
        return GenerationResult(
            [OutputFile(path, "audio")],
            {"test_engine": True, "frequency_hz": round(freq, 3)},
            {"audio_seconds": n / rate},
        )


class TestToneSfx(TestTone):
    kind = "sfx"


class TestToneSong(TestTone):
    kind = "song"

    def seconds(self, request: Request) -> float:
        return float(getattr(request, "duration", None) or 8.0)


class TestToneVoice(TestTone):
    kind = "voice"

    def seconds(self, request: Request) -> float:
        speed = float(getattr(request, "speed", 1.0))
        return max(0.5, 0.35 * len(request.prompt.split()) / speed)


class TestPattern(Generator):
    """TEST engine: colour bars sliding one bar per second, encoded as H.264 MP4 (single-threaded: same bytes)."""

    kind = "video"
    engine = "test-pattern"
    version = "1"

    def generate(
        self, request: Request, progress: ProgressFn, cancel: CancelToken, output_dir: Path
    ) -> GenerationResult:
        import imageio_ffmpeg
        import numpy as np

        fps, w, h = request.fps, request.width, request.height  # type: ignore[attr-defined]
        frames = round(request.duration * fps)  # type: ignore[attr-defined]
        bars = np.array(
            [[192, 192, 192], [192, 192, 0], [0, 192, 192], [0, 192, 0], [192, 0, 192], [192, 0, 0], [0, 0, 192]],
            dtype=np.uint8,
        )  # (7, 3) RGB
        columns = np.arange(w) * 7 // w  # (w,) bar index per column
        path = output_dir / "test-pattern.mp4"
        tmp = output_dir / "test-pattern.part.mp4"
        writer = imageio_ffmpeg.write_frames(
            str(tmp),
            (w, h),
            fps=fps,
            codec="libx264",
            macro_block_size=2,
            output_params=["-threads", "1", "-preset", "veryfast"],
            ffmpeg_log_level="error",
        )
        writer.send(None)
        try:
            for i in range(frames):
                cancel.check()
                shift = i * 7 // fps
                frame = np.broadcast_to(bars[(columns + shift) % 7][None], (h, w, 3))  # (h, w, 3) uint8
                writer.send(np.ascontiguousarray(frame))
                if i % 6 == 0:
                    progress(i / frames, f"frame {i + 1}/{frames}")
        except BaseException:
            writer.close()
            tmp.unlink(missing_ok=True)
            raise
        writer.close()
        os.replace(tmp, path)
        return GenerationResult([OutputFile(path, "video")], {"test_engine": True}, {"frames": frames})


class TestCube(Generator):
    """TEST engine: a unit cube as GLB (+Y up, centred), whatever the image shows."""

    kind = "3d"
    engine = "test-cube"
    version = "1"

    def generate(
        self, request: Request, progress: ProgressFn, cancel: CancelToken, output_dir: Path
    ) -> GenerationResult:
        import trimesh

        image = getattr(request, "image", "")
        if image and not Path(image).is_file():
            raise RequestError(f"image not found: {image}")
        cancel.check()
        mesh = trimesh.creation.box(extents=(1.0, 1.0, 1.0))
        path = output_dir / "test-cube.glb"
        path.write_bytes(mesh.export(file_type="glb"))
        progress(1.0, "cube")
        return GenerationResult([OutputFile(path, "mesh.glb")], {"test_engine": True}, {"faces": len(mesh.faces)})


class FakeModel(Generator):
    """A stand-in for a neural model, for scheduler tests and benchmarks.

    Options: ``kind`` (default "sfx"), ``engine``, ``load_seconds`` (sleep in ``load``), ``step_seconds``,
    ``steps``, ``gpu_mb`` (device memory held while loaded, on a CUDA worker), ``load_log`` / ``run_log`` (files that get one line per load / per finished job, so a
    test can count them across processes). The prompt can ask for trouble: "raise", "abort" (native
    crash), "exit" (worker dies), "allocate N" (N MiB), "sleep S" (S seconds in small steps, checking
    for cancel), or "hang S" (S seconds without checking).
    """

    kind = "sfx"
    engine = "fake-model"
    supports_batching = False

    def __init__(self, **options: Any):
        super().__init__(**options)
        self.kind = options.get("kind", "sfx")  # type: ignore[misc]
        self.engine = options.get("engine", "fake-model")  # type: ignore[misc]
        self.supports_batching = bool(options.get("batching", False))  # type: ignore[misc]
        self.batches: list[int] = []

    def load(self) -> None:
        time.sleep(float(self.options.get("load_seconds", 0.0)))
        if self.options.get("gpu_mb") and self.options.get("device") == "cuda":  # real device memory while resident
            import torch

            self.weights = torch.empty(int(self.options["gpu_mb"]) * 2**20, dtype=torch.uint8, device="cuda")
        if self.options.get("load_log"):
            with open(self.options["load_log"], "a") as f:
                f.write(f"{self.engine} {os.getpid()}\n")
        super().load()

    def unload(self) -> None:
        self.weights = None
        super().unload()

    def generate_batch(self, requests, progress, cancel, output_dirs):  # type: ignore[override]
        self.batches.append(len(requests))
        return super().generate_batch(requests, progress, cancel, output_dirs)

    def generate(
        self, request: Request, progress: ProgressFn, cancel: CancelToken, output_dir: Path
    ) -> GenerationResult:
        words = request.prompt.split()
        command = words[0] if words else ""
        seconds = float(self.options.get("step_seconds", 0.0)) * int(self.options.get("steps", 1))
        if command == "raise":
            raise RuntimeError("the fake model was asked to fail")
        if command == "abort":
            os.abort()
        if command == "exit":
            os._exit(3)
        if command == "allocate":
            block = bytearray(int(words[1]) * 2**20)  # MemoryError past the worker's limit
            block[::4096] = b"\1" * len(block[::4096])
        if command == "sleep":
            seconds = float(words[1])
        if command == "hang":  # one long step that never checks for cancel (like a stuck native call)
            time.sleep(float(words[1]))
        steps = max(1, int(seconds / 0.02))
        for i in range(steps):
            cancel.check()
            if seconds:
                time.sleep(seconds / steps)
            progress((i + 1) / steps, "step")
        path = output_dir / "fake.txt"
        digest = hashlib.sha256(f"{self.engine}:{request.content_hash()}".encode()).hexdigest()
        path.write_text(digest + "\n")
        if self.options.get("run_log"):
            with open(self.options["run_log"], "a") as f:
                f.write(f"{request.prompt}\n")
        return GenerationResult(
            [OutputFile(path, "text")],
            {"batch": len(self.batches) and self.batches[-1]},
            {"audio_seconds": float(getattr(request, "duration", 0.0) or 0.0)},
        )
