"""What the neural song backends share: finding local weights (never downloading, safetensors only),
the song's musical metadata from the prompt, and writing variations as 48 kHz stereo WAVs.

torch is imported inside functions only, so importing this module stays cheap.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from pipelines.base import CancelToken, OutputFile
from pipelines.weights import find_weights, models_dir  # noqa: F401  (the neural_* modules import them here)

SAMPLE_RATE = 48_000


def load_pipeline(pipeline_class: Any, folder: str | Path, half: str = "bfloat16") -> Any:
    """A diffusers pipeline from a local folder (safetensors only), in ``half`` precision on CUDA and float32
    on the CPU, progress bar off (the engine reports progress itself)."""
    import torch

    cuda = torch.cuda.is_available()
    pipe = pipeline_class.from_pretrained(
        folder, torch_dtype=getattr(torch, half) if cuda else torch.float32, use_safetensors=True, local_files_only=True
    )
    pipe.to("cuda" if cuda else "cpu")
    pipe.set_progress_bar_config(disable=True)
    return pipe


def song_metadata(request: Any) -> dict[str, Any]:
    """Tempo, key and meter as the draft engine understands the prompt (neural models take them as text)."""
    from pipelines.song.plan import understand

    plan = understand(request.prompt or "pop", request.seed, request.bpm, request.key, request.time_signature)
    return {"genre": plan.style.name, "bpm": int(round(plan.bpm)), "key": plan.key.name, "time_signature": plan.meter}


def default_duration(request: Any, bpm: float) -> float:
    """The request's duration, or one derived from the lyrics (two 4/4 bars per line plus intro and outro)."""
    if request.duration is not None:
        return float(request.duration)
    lines = [ln for ln in request.lyrics.splitlines() if ln.strip() and not ln.strip().startswith("[")]
    return float(min(240.0, max(30.0, (len(lines) * 2 + 8) * 4 * 60.0 / bpm)))


def to_stereo_48k(audio: np.ndarray, rate: int) -> np.ndarray:
    """(channels, samples) or (samples,) at ``rate`` -> (samples, 2) float32 at 48 kHz."""
    from math import gcd

    a = np.asarray(audio, np.float32)
    a = a[None] if a.ndim == 1 else a
    if a.shape[0] == 1:
        a = np.concatenate([a, a])
    a = a[:2].T
    if rate != SAMPLE_RATE:
        from scipy.signal import resample_poly

        g = gcd(rate, SAMPLE_RATE)
        a = resample_poly(a, SAMPLE_RATE // g, rate // g, axis=0)
    return np.clip(a, -1.0, 1.0).astype(np.float32)


def fit_length(audio: np.ndarray, seconds: float) -> np.ndarray:
    """Trim or zero-pad (samples, 2) 48 kHz audio to exactly ``seconds`` (models round to their latent frames)."""
    n = int(round(seconds * SAMPLE_RATE))
    if len(audio) >= n:
        return audio[:n]
    return np.concatenate([audio, np.zeros((n - len(audio), audio.shape[1]), audio.dtype)])


def write_variations(audios: list[np.ndarray], output_dir: Path, name: str, cancel: CancelToken) -> list[OutputFile]:
    """Write (samples, 2) arrays as ``audio``, ``audio:2``, ... atomically (temporary file, then rename)."""
    import soundfile

    cancel.check()
    files = []
    for v, audio in enumerate(audios):
        path = output_dir / (f"{name}-v{v + 1}.wav" if v else f"{name}.wav")
        tmp = Path(tempfile.mkstemp(dir=output_dir, prefix=".", suffix=".wav")[1])
        soundfile.write(tmp, audio, SAMPLE_RATE, subtype="PCM_24", format="WAV")
        os.replace(tmp, path)
        files.append(OutputFile(path, "audio" + (f":{v + 1}" if v else "")))
    return files


def step_callback(progress: Any, cancel: CancelToken, steps: int, base: float, span: float):
    """A diffusers ``callback_on_step_end`` that reports progress and stops on cancel."""

    def on_step(pipe: Any, step: int, timestep: Any, kwargs: dict) -> dict:
        cancel.check()
        progress(base + span * (step + 1) / steps, f"step {step + 1} of {steps}")
        return kwargs

    return on_step
