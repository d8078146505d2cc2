"""A tiny sound-effect engine for recipe tests: a real WAV tone whose pitch comes from the prompt."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile

from pipelines.base import CancelToken, GenerationResult, Generator, OutputFile, ProgressFn, Request


class TinyTone(Generator):
    kind = "sfx"
    engine = "tiny-tone"
    calls = 0

    def generate(
        self, request: Request, progress: ProgressFn, cancel: CancelToken, output_dir: Path
    ) -> GenerationResult:
        TinyTone.calls += 1
        rate = 48_000
        t = np.arange(int(request.duration * rate)) / rate
        freq = 200 + len(request.prompt) * 10
        path = output_dir / "tone.wav"
        soundfile.write(path, 0.3 * np.sin(2 * np.pi * freq * t), rate)
        progress(1.0, "done")
        return GenerationResult([OutputFile(path, "audio")], {"understood": f"{freq} Hz"}, {"audio_seconds": 1.0})
