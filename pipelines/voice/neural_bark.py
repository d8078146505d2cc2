"""Bark (suno/bark, MIT) through transformers: speech with non-verbal cues such as ``[laughs]`` or ``[sighs]``.

Weights are never downloaded: a folder ``<models>/bark`` (or ``bark-small``) holding a transformers
export (``config.json``, ``model.safetensors``, tokenizer files, optional speaker presets) or the
Hugging Face cache (``suno/bark-small``, ``suno/bark``) with ``local_files_only=True``. Pickle
checkpoints are refused. Bark gives no word timings: they are estimated from each sentence's voiced
span, split by characters, and labelled as estimates in the provenance.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from pipelines.base import (
    CancelToken,
    GenerationError,
    GenerationResult,
    Generator,
    ProgressFn,
    Request,
    WeightsMissingError,
)
from pipelines.voice import output, script
from pipelines.voice import text as textlib
from pipelines.voice.kokoro_model import models_dir
from pipelines.voice.request import VoiceRequest
from pipelines.voice.speech import SENTENCE_GAP_S, WordTiming

HUB_IDS = ("suno/bark-small", "suno/bark")
MAX_SENTENCE_WORDS = 30  # Bark speaks about 13 s per generation


def find_weights() -> Path:
    """The folder with Bark's config and safetensors weights; WeightsMissingError says where to put them."""
    for name in ("bark", "bark-small"):
        folder = models_dir() / name
        if (folder / "config.json").is_file():
            return _check_safetensors(folder)
    try:
        from huggingface_hub import snapshot_download

        for repo in HUB_IDS:
            try:
                return _check_safetensors(Path(snapshot_download(repo, local_files_only=True)))
            except WeightsMissingError:
                raise
            except Exception:  # noqa: BLE001 - not in the cache: try the next id
                continue
    except ModuleNotFoundError:
        pass
    raise WeightsMissingError(
        f"Bark weights are not on this machine: put a transformers export of suno/bark-small "
        f"(config.json, model.safetensors, tokenizer files) in {models_dir() / 'bark'}"
    )


def _check_safetensors(folder: Path) -> Path:
    if not any(folder.glob("*.safetensors")):
        raise WeightsMissingError(
            f"Bark in {folder} has no .safetensors weights (pickle checkpoints are refused); "
            f"convert it with transformers' save_pretrained(safe_serialization=True)"
        )
    return folder


def estimate_word_times(
    words: list[textlib.Word], samples: np.ndarray, rate: int, offset: float, speaker: str | None
) -> list[WordTiming]:
    """Spread words over the voiced part of ``samples`` (float32 (n,)) in proportion to their letters."""
    frame = max(1, rate // 100)
    n = len(samples) // frame
    rms = np.sqrt((samples[: n * frame].reshape(n, frame) ** 2).mean(axis=1)) if n else np.zeros(0)
    loud = np.nonzero(rms > 0.05 * (rms.max() if len(rms) else 1.0))[0]
    start = loud[0] * frame / rate if len(loud) else 0.0
    end = (loud[-1] + 1) * frame / rate if len(loud) else len(samples) / rate
    weights = np.array([max(1, sum(ch.isalnum() for ch in w.spoken)) for w in words], float)
    edges = start + (end - start) * np.concatenate([[0], np.cumsum(weights) / weights.sum()])
    return [
        WordTiming(w.text, round(offset + a, 3), round(offset + b, 3), "", speaker)
        for w, a, b in zip(words, edges[:-1], edges[1:], strict=True)
    ]


class BarkVoice(Generator):
    """Bark text-to-speech. Options: ``model`` and ``processor`` (already built, e.g. tiny ones in tests),
    ``device`` ("cuda" or "cpu"), ``max_new_tokens`` (semantic tokens per sentence)."""

    kind = "voice"
    engine = "bark"
    version = "1"
    device = "cuda"
    neural = True
    max_duration_s = 600.0

    def load(self) -> None:
        import torch
        from transformers import BarkModel, BarkProcessor

        self.torch = torch
        model, processor = self.options.get("model"), self.options.get("processor")
        if model is None:
            folder = find_weights()
            processor = BarkProcessor.from_pretrained(str(folder), local_files_only=True)
            model = BarkModel.from_pretrained(str(folder), local_files_only=True, use_safetensors=True)
            self.model_name = folder.name
        else:
            self.model_name = "in-memory"
        want = self.options.get("device") or ("cuda" if torch.cuda.is_available() else "cpu")
        self.model = model.to(want).eval()
        self.processor = processor
        self.run_device = want
        self.loaded = True

    def unload(self) -> None:
        self.model = self.processor = None
        self.loaded = False

    def _say(self, sentence: str, preset: str | None, seed: int) -> np.ndarray:
        """float32 audio (n,) for one sentence; the seed makes a take repeatable on one device."""
        torch = self.torch
        inputs = self.processor(sentence, voice_preset=preset)
        inputs = {k: (v.to(self.run_device) if hasattr(v, "to") else v) for k, v in inputs.items()}
        torch.manual_seed(seed)
        with torch.inference_mode():
            audio = self.model.generate(
                **inputs,
                do_sample=True,
                semantic_max_new_tokens=self.options.get("max_new_tokens", 768),
                pad_token_id=self.processor.tokenizer.pad_token_id,
            )
        return audio.detach().float().cpu().numpy().reshape(-1).astype(np.float32)

    def generate(
        self, request: Request, progress: ProgressFn, cancel: CancelToken, output_dir: Path
    ) -> GenerationResult:
        assert isinstance(request, VoiceRequest)
        # 1. Check inputs; speakers map to Bark presets ("v2/en_speaker_6") or none
        cleaned, notes = textlib.clean(request.prompt)
        textlib.check_speakable(cleaned)
        parts = script.parse(cleaned)
        presets = {"": request.voice or None, **{k: v for k, v in request.speakers}}
        rate = int(getattr(self.model.generation_config, "sample_rate", 24_000))
        # 2. One generation per sentence (Bark's window is about 13 s), seeded per sentence
        pieces: list[np.ndarray] = []
        words: list[WordTiming] = []
        at, count = 0.0, 0
        for part in parts:
            cancel.check()
            if isinstance(part, script.Pause):
                pieces.append(np.zeros(int(part.seconds * rate), np.float32))
                at += part.seconds
                continue
            for chunk in textlib.plan_chunks(textlib.words(part.text), None, MAX_SENTENCE_WORDS):
                cancel.check()
                audio = self._say(
                    " ".join(w.spoken for w in chunk),
                    presets.get(part.speaker or "", presets[""]),
                    request.seed + count,
                )
                count += 1
                words += estimate_word_times(chunk, audio, rate, at, part.speaker)
                audio = np.concatenate([audio, np.zeros(int(SENTENCE_GAP_S * rate), np.float32)])
                pieces.append(audio)
                at += len(audio) / rate
                progress(min(0.95, count / (count + 1)), f"spoke {len(words)} words", preview=(audio, rate))
        if not words:
            raise GenerationError("Bark produced no speech for this text")
        # 3. Write the take
        files = output.write_take(
            output_dir,
            f"voice-{request.content_hash()[:10]}",
            np.concatenate(pieces),
            rate,
            request.sample_rate,
            words,
            {k: v or "default" for k, v in presets.items()},
        )
        provenance: dict[str, Any] = {
            "model_id": f"suno/bark ({self.model_name})",
            "device": self.run_device,
            "word_timings": "estimated from voiced spans (Bark gives none)",
            "notes": notes,
            "licence": "Bark MIT",
        }
        return GenerationResult(files, provenance, {"audio_seconds": round(at, 3)})
