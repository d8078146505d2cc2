"""Write a finished take: WAV, SRT, WebVTT and word timings, each atomically (temporary file, then rename)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from pipelines.base import OutputFile
from pipelines.voice import captions


def resample(samples: np.ndarray, rate_in: int, rate_out: int) -> np.ndarray:
    """float32 (n,) at ``rate_in`` -> float32 (m,) at ``rate_out`` (polyphase filter, scipy)."""
    if rate_in == rate_out:
        return samples.astype(np.float32)
    from math import gcd

    from scipy.signal import resample_poly

    g = gcd(rate_in, rate_out)
    return resample_poly(samples, rate_out // g, rate_in // g).astype(np.float32)


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def wav_bytes(samples: np.ndarray, sample_rate: int) -> bytes:
    """16-bit PCM mono WAV of float32 samples (n,) in [-1, 1] (clipped)."""
    import io

    import soundfile as sf

    buf = io.BytesIO()
    sf.write(buf, np.clip(samples, -1.0, 1.0), sample_rate, subtype="PCM_16", format="WAV")
    return buf.getvalue()


def write_take(
    output_dir: Path,
    stem: str,
    samples: np.ndarray,
    rate: int,
    out_rate: int,
    words: Sequence[Any],
    voices: dict[str, str],
) -> list[OutputFile]:
    """Files for one take, audio first: ``<stem>.wav`` (at ``out_rate``), ``.srt``, ``.vtt``, ``.words.json``."""
    audio = resample(samples, rate, out_rate)
    items = captions.cues(words)
    files = [
        (output_dir / f"{stem}.wav", "audio", wav_bytes(audio, out_rate)),
        (output_dir / f"{stem}.srt", "captions.srt", captions.to_srt(items).encode()),
        (output_dir / f"{stem}.vtt", "captions.vtt", captions.to_vtt(items).encode()),
        (output_dir / f"{stem}.words.json", "words.json", captions.words_json(words, out_rate, voices).encode()),
    ]
    for path, _, data in files:
        _atomic_write(path, data)
    return [OutputFile(path, role) for path, role, _ in files]
