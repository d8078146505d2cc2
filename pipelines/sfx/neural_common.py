"""What the neural sound-effect backends share: finding safetensors weights offline, per-variation
torch generators, and turning model output into the request's WAV files. torch is imported only inside
functions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from pipelines.base import CancelToken, OutputFile, ProgressFn
from pipelines.weights import find_weights as shared_find_weights


def find_weights(folder_name: str, repo_id: str, display: str, model_dir: str | Path | None = None) -> Path:
    """The diffusers folder for ``repo_id`` (see ``pipelines.weights.find_weights``)."""
    return shared_find_weights(folder_name, repo_id, display=display, model_dir=model_dir)


def torch_dtype(name: str | None, device: str) -> Any:
    import torch

    if name is None:
        return torch.bfloat16 if device.startswith("cuda") else torch.float32
    return {
        "bfloat16": torch.bfloat16,
        "bf16": torch.bfloat16,
        "float16": torch.float16,
        "fp16": torch.float16,
        "float32": torch.float32,
        "fp32": torch.float32,
    }[name]


def default_device() -> str:
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def generators(seeds: list[int]) -> list[Any]:
    """One CPU torch generator per variation, so each variation's noise depends only on its own seed."""
    import torch

    return [torch.Generator(device="cpu").manual_seed(int(s) % 2**63) for s in seeds]


def step_callback(progress: ProgressFn, cancel: CancelToken, steps: int, label: str):
    """A diffusers ``callback(step, timestep, latents)`` that reports progress and honours cancel."""

    def callback(step: int, timestep: Any, latents: Any) -> None:
        cancel.check()
        progress(0.05 + 0.85 * (step + 1) / max(steps, 1), f"{label}: step {step + 1}/{steps}")

    return callback


def write_variations(
    audios: np.ndarray, model_rate: int, request: Any, output_dir: Path, stem: str, preroll_s: float = 0.0
) -> list[OutputFile]:
    """``audios`` (variations, channels, samples) at ``model_rate`` -> one WAV per variation at the request's
    rate and channel count (24-bit), trimmed to the duration, loop-seamed if asked. Atomic writes."""
    import soundfile
    from scipy.signal import resample_poly

    from pipelines.sfx.mix import make_seamless

    files, written = [], []
    rate = request.sample_rate
    g = np.gcd(int(model_rate), int(rate))
    try:
        for v, audio in enumerate(audios):
            x = np.asarray(audio, dtype=np.float64)
            x = x[None] if x.ndim == 1 else x  # (channels, samples)
            if model_rate != rate:
                x = resample_poly(x, rate // g, model_rate // g, axis=1)
            x = x.T  # (samples, channels)
            x = np.repeat(x, 2, axis=1) if (request.stereo and x.shape[1] == 1) else x
            x = x.mean(axis=1, keepdims=True) if not request.stereo else x[:, :2]
            preroll = int(round(preroll_s * rate))
            x = x[: int(round(request.duration * rate)) + preroll]
            if request.loop and preroll:
                x = make_seamless(x, preroll)
            peak = float(np.max(np.abs(x))) if x.size else 0.0
            if peak > 0.99:
                x = x * (0.99 / peak)
            path = output_dir / (f"{stem}.wav" if v == 0 else f"{stem}-v{v + 1}.wav")
            tmp = path.with_suffix(".tmp.wav")
            soundfile.write(tmp, x.astype(np.float32), rate, subtype="PCM_24")
            tmp.replace(path)
            written.append(path)
            files.append(OutputFile(path, "audio" if v == 0 else f"audio:{v + 1}"))
    except BaseException:
        for p in written:
            p.unlink(missing_ok=True)
        raise
    return files
