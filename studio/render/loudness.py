"""Integrated loudness (ITU-R BS.1770, as pyloudnorm measures it) and true peak, measured block by
block so a long mix is never held in memory. The K-weighting filters are pyloudnorm's own."""

from __future__ import annotations

import math

import numpy as np
import pyloudnorm
from scipy.signal import lfilter, lfilter_zi, resample_poly


class KWeightedSteps:
    """The K-weighted signal (pyloudnorm's filters: a high shelf, then a high pass) of a stream fed block by block,
    the filters' state carried across blocks, cut into 100 ms steps. Shared by the render's meter and the GUI's."""

    def __init__(self, sample_rate: int, channels: int):
        meter = pyloudnorm.Meter(sample_rate)
        self.stages = [(f.b, f.a, f.passband_gain) for f in meter._filters.values()]
        self.state = [[lfilter_zi(b, a) * 0.0 for _ in range(channels)] for b, a, _ in self.stages]
        self.channels = channels
        self.step = round(0.1 * sample_rate)
        self.carry = np.zeros((0, channels))  # weighted samples of the step not yet whole

    def add(self, block: np.ndarray) -> np.ndarray:
        """``block``: float (n, channels). Returns the sum of squares per channel of each step it completed:
        (steps, channels)."""
        weighted = np.array(block, np.float64).reshape(len(block), self.channels)
        for s, (b, a, gain) in enumerate(self.stages):
            for ch in range(self.channels):
                weighted[:, ch], self.state[s][ch] = lfilter(b, a, weighted[:, ch], zi=self.state[s][ch])
                weighted[:, ch] *= gain
        data = np.concatenate([self.carry, weighted]) if len(self.carry) else weighted
        whole = len(data) // self.step * self.step
        self.carry = data[whole:]
        return np.square(data[:whole]).reshape(-1, self.step, self.channels).sum(axis=1)


class LoudnessMeter:
    """Feed stereo or mono float blocks (n, channels) in order; read ``integrated()`` (LUFS, -inf for
    silence) and ``true_peak_db()`` (dBTP, 4x oversampled) at the end."""

    def __init__(self, sample_rate: int, channels: int):
        self.rate, self.channels = sample_rate, channels
        self.weighted = KWeightedSteps(sample_rate, channels)
        self.step = self.weighted.step  # a gating block is 4 steps (400 ms, 75% overlap)
        self.step_energy: list[np.ndarray] = []  # per step: sum of squares per channel
        self.samples = 0
        self.peak = 0.0
        self.peak_tail = np.zeros((0, channels))

    def add(self, block: np.ndarray) -> None:
        block = np.asarray(block, np.float64).reshape(len(block), self.channels)
        self.samples += len(block)
        self._measure_peak(block)
        self.step_energy.extend(self.weighted.add(block))

    def _measure_peak(self, block: np.ndarray) -> None:
        # 4x oversampling with a little of the previous block as context, so joins are not missed
        context = self.peak_tail
        data = np.concatenate([context, block]) if len(context) else block
        if len(data) >= 8:
            up = resample_poly(data, 4, 1, axis=0)
            self.peak = max(self.peak, float(np.abs(up[len(context) * 4 :]).max(initial=0.0)))
        self.peak = max(self.peak, float(np.abs(block).max(initial=0.0)))
        self.peak_tail = data[-64:]

    def integrated(self) -> float:
        """Gated integrated loudness in LUFS (pyloudnorm's algorithm); -inf for silence or < 400 ms."""
        steps = np.array(self.step_energy).reshape(-1, self.channels)
        if len(steps) < 4:
            return -math.inf
        window = 4 * self.step
        z = (steps[:-3] + steps[1:-2] + steps[2:-1] + steps[3:]) / window  # (blocks, channels) mean squares
        gains = np.array([1.0, 1.0, 1.0, 1.41, 1.41][: self.channels])
        with np.errstate(divide="ignore"):
            block_loudness = -0.691 + 10 * np.log10((z * gains).sum(axis=1))
        above = z[block_loudness >= -70.0]
        if not len(above):
            return -math.inf
        relative = -0.691 + 10 * np.log10((above.mean(axis=0) * gains).sum()) - 10.0
        gated = z[(block_loudness > relative) & (block_loudness > -70.0)]
        if not len(gated):
            return -math.inf
        return float(-0.691 + 10 * np.log10((gated.mean(axis=0) * gains).sum()))

    def true_peak_db(self) -> float:
        return 20 * math.log10(self.peak) if self.peak > 0 else -math.inf


def normalising_gain(loudness: float, peak_db: float, target_lufs: float, ceiling_db: float) -> tuple[float, bool]:
    """The gain in dB that brings ``loudness`` to ``target_lufs`` without the true peak passing
    ``ceiling_db``; and whether the ceiling limited it (the mix then ends up quieter than the target)."""
    if not math.isfinite(loudness):
        return 0.0, False
    gain = target_lufs - loudness
    if math.isfinite(peak_db) and peak_db + gain > ceiling_db:
        return ceiling_db - peak_db, True
    return gain, False


def measure_encoded(path: str, ffmpeg_exe: str | None = None) -> tuple[float, float]:
    """(integrated LUFS, true peak dBTP) of the audio in an encoded file, as ffmpeg's ``ebur128`` filter
    with ``peak=true`` measures it after decoding (what a player or a platform's meter will see)."""
    import re
    import subprocess

    if ffmpeg_exe is None:
        import imageio_ffmpeg

        ffmpeg_exe = imageio_ffmpeg.get_ffmpeg_exe()
    out = subprocess.run(
        [
            ffmpeg_exe,
            "-nostdin",
            "-hide_banner",
            "-nostats",
            "-i",
            str(path),
            "-map",
            "0:a:0",
            "-af",
            "ebur128=peak=true",
            "-f",
            "null",
            "-",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    summary = out.stderr[out.stderr.rfind("Summary:") :]
    loud = re.search(r"I:\s+(-?[\d.]+|-inf) LUFS", summary)
    peak = re.search(r"True peak:\s+Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    if out.returncode != 0 or loud is None or peak is None:
        lines = [ln for ln in out.stderr.splitlines() if ln.strip()]
        raise ValueError(f"cannot measure the loudness of {path}: {lines[-1] if lines else 'no output'}")
    return float(loud.group(1)), float(peak.group(1))
