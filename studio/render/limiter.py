"""A look-ahead peak limiter for the final mix, so -14 LUFS and -1 dBTP can both hold.

When the gain that reaches the loudness target would push peaks over the ceiling, the mix is
rewritten with that gain and every peak held under the ceiling: the gain each sample needs is
spread 5 ms either side (look-ahead and release) and smoothed, so only the peaks move. It streams
the float WAV block by block (a 3-hour mix never sits in memory) and re-measures the result.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile
from scipy.ndimage import minimum_filter1d, uniform_filter1d

from studio.render.loudness import LoudnessMeter

BLOCK = 48_000
MARGIN_DB = 0.6  # sample peaks held this far under the true-peak ceiling: inter-sample peaks go above them


def limit_wav(src: Path, dst: Path, gain_db: float, ceiling_db: float, sample_rate: int = 48_000) -> LoudnessMeter:
    """Write ``src`` * gain to ``dst`` with sample peaks under ``ceiling_db - MARGIN_DB``; returns the new meter."""
    ceiling = np.float32(10 ** ((ceiling_db - MARGIN_DB) / 20))
    gain = np.float32(10 ** (gain_db / 20))
    w = max(1, int(0.005 * sample_rate))
    ctx = 2 * w  # samples of context each side that the filters need
    meter = LoudnessMeter(sample_rate, 2)
    with (
        soundfile.SoundFile(str(src)) as f,
        soundfile.SoundFile(str(dst), "w", sample_rate, 2, subtype="FLOAT", format="WAV") as out,
    ):
        before = np.zeros((0, 2), np.float32)  # already written samples kept as left context
        pending = f.read(BLOCK, dtype="float32", always_2d=True) * gain
        while len(pending):
            after = f.read(BLOCK, dtype="float32", always_2d=True) * gain
            window = np.concatenate([before[-ctx:], pending, after[:ctx]])
            need = np.minimum(1.0, ceiling / np.maximum(np.abs(window).max(axis=1), 1e-9))
            smooth = uniform_filter1d(minimum_filter1d(need, 2 * w + 1), w)
            g = np.minimum(smooth, need)[len(before[-ctx:]) : len(before[-ctx:]) + len(pending)]
            block = np.clip(pending * g[:, None], -ceiling, ceiling).astype(np.float32)
            out.write(block)
            meter.add(block)
            before, pending = block, after
    return meter


def limit_to_loudness(
    src: Path,
    dst: Path,
    loudness: float,
    target_lufs: float,
    ceiling_db: float,
    sample_rate: int = 48_000,
    passes: int = 4,
) -> LoudnessMeter:
    """Limit with the gain that reaches ``target_lufs``; limiting lowers loudness a little, so the gain is
    raised by what is still missing and the (source) mix limited again, a few passes at most."""
    gain = target_lufs - loudness
    meter = limit_wav(src, dst, gain, ceiling_db, sample_rate)
    for _ in range(passes - 1):
        missing = target_lufs - meter.integrated()
        if abs(missing) < 0.2:
            break
        gain += missing
        meter = limit_wav(src, dst, gain, ceiling_db, sample_rate)
    return meter
