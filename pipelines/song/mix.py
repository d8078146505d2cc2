"""Mixing: per-stem level, pan and EQ, a shared reverb send, bus compression, limiting, -14 LUFS.

Stems come in as float32 (samples, 2) at 48 kHz (the vocal stem mono (samples,)); the returned
stems are the processed dry stems (level, pan, EQ; no reverb) and the master is their sum through
the reverb send, bus compressor and limiter, normalised to -14 LUFS integrated (pyloudnorm).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TARGET_LUFS = -14.0
CEILING_DB = -1.0


@dataclass(frozen=True)
class StemSettings:
    gain_db: float
    pan: float  # -1 left .. +1 right
    highpass_hz: float
    reverb_send: float  # 0..1
    low_shelf_db: float = 0.0
    presence_db: float = 0.0  # a peak around 3 kHz


SETTINGS = {
    "drums": StemSettings(-2.0, 0.0, 30.0, 0.08, low_shelf_db=1.5),
    "bass": StemSettings(-3.0, 0.0, 35.0, 0.0, low_shelf_db=2.0),
    "harmony": StemSettings(-7.0, -0.25, 120.0, 0.25, presence_db=-1.5),
    "lead": StemSettings(-7.0, 0.3, 150.0, 0.3),
    "vocals": StemSettings(0.0, 0.0, 90.0, 0.22, presence_db=3.0),
}


def _pan(stereo: np.ndarray, pan: float) -> np.ndarray:
    """Constant-power pan of a (samples, 2) buffer."""
    angle = (pan + 1) * np.pi / 4
    return stereo * np.array([np.cos(angle), np.sin(angle)], np.float32) * np.sqrt(2)


def process_stem(name: str, audio: np.ndarray, sample_rate: int) -> np.ndarray:
    """Level, EQ and pan for one stem; returns (samples, 2) float32."""
    from pedalboard import HighpassFilter, LowShelfFilter, PeakFilter, Pedalboard

    s = SETTINGS[name]
    stereo = np.stack([audio, audio], axis=1) if audio.ndim == 1 else audio
    board = Pedalboard([HighpassFilter(s.highpass_hz)])
    if s.low_shelf_db:
        board.append(LowShelfFilter(cutoff_frequency_hz=120.0, gain_db=s.low_shelf_db))
    if s.presence_db:
        board.append(PeakFilter(cutoff_frequency_hz=3000.0, gain_db=s.presence_db, q=0.9))
    y = board(np.ascontiguousarray(stereo.T, np.float32), sample_rate).T
    y = y * np.float32(10 ** (s.gain_db / 20))
    return np.ascontiguousarray(_pan(y, s.pan), np.float32)


def loudness_gain(audio: np.ndarray, sample_rate: int, target: float = TARGET_LUFS) -> float:
    """Linear gain that brings ``audio`` (samples, 2) to ``target`` LUFS; 1.0 for silence."""
    import pyloudnorm

    if len(audio) < sample_rate // 2:
        return 1.0
    lufs = pyloudnorm.Meter(sample_rate).integrated_loudness(audio.astype(np.float64))
    if not np.isfinite(lufs):
        return 1.0
    return float(10 ** ((target - lufs) / 20))


def limit_peaks(audio: np.ndarray, sample_rate: int, ceiling_db: float = CEILING_DB) -> np.ndarray:
    """A look-ahead brickwall limiter for (samples, 2): the gain needed under each peak, spread 5 ms
    either side and smoothed, so no sample exceeds the ceiling and nothing else changes."""
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    ceiling = 10 ** (ceiling_db / 20)
    need = np.minimum(1.0, ceiling / np.maximum(np.abs(audio).max(axis=1), 1e-9))
    w = max(1, int(0.005 * sample_rate))
    gain = uniform_filter1d(minimum_filter1d(need, 2 * w + 1), w)
    out = audio * np.minimum(gain, need)[:, None].astype(np.float32)
    return np.clip(out, -ceiling, ceiling).astype(np.float32)


def mix(stems: dict[str, np.ndarray], sample_rate: int) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Mix processed stems into the master (samples, 2) at -14 LUFS; returns (master, processed stems)."""
    from pedalboard import Compressor, HighShelfFilter, Pedalboard, Reverb

    processed = {name: process_stem(name, audio, sample_rate) for name, audio in stems.items()}
    length = max(len(a) for a in processed.values())
    dry = np.zeros((length, 2), np.float32)
    send = np.zeros((length, 2), np.float32)
    for name, audio in processed.items():
        dry[: len(audio)] += audio
        send[: len(audio)] += audio * np.float32(SETTINGS[name].reverb_send)
    reverb = Pedalboard([Reverb(room_size=0.45, damping=0.5, wet_level=1.0, dry_level=0.0, width=1.0),
                         HighShelfFilter(cutoff_frequency_hz=6000.0, gain_db=-4.0)])
    wet = reverb(np.ascontiguousarray(send.T), sample_rate).T
    bus = Pedalboard([Compressor(threshold_db=-16.0, ratio=2.5, attack_ms=15.0, release_ms=150.0)])
    master = bus(np.ascontiguousarray((dry + wet).T), sample_rate).T
    gain = loudness_gain(master, sample_rate)
    master = limit_peaks(master * np.float32(gain), sample_rate)
    # the stems get the same gain as the master so that they line up with it
    stems_out = {name: np.clip(a * np.float32(gain), -1.0, 1.0) for name, a in processed.items()}
    return np.ascontiguousarray(master, np.float32), stems_out
