"""Mixing: per-stem level, pan and EQ, the accompaniment ducked in the vocal's band while words are sung,
reverb, bus compression, limiting, -14 LUFS.

Stems come in as float32 (samples, 2) at 48 kHz (the vocal stem mono (samples,)). The returned stems are
each stem as it sounds in the master (its EQ, ducking, reverb and the master's gain envelope), so the
stems sum to the master: a DAW user who loads them hears the song.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TARGET_LUFS = -14.0
CEILING_DB = -1.0
REVERB_STEM = "reverb"
DUCK_DB = 6.0  # the accompaniment's vocal band is this much lower while words are sung


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
    "vocals": StemSettings(7.5, 0.0, 90.0, 0.15, presence_db=3.0),  # up front (measured: +6 dB took the
    # mix's word error rate from 0.44 to 0.37 on bench_song_quality), little reverb on the words
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


def vocal_activity(vocals: np.ndarray, sample_rate: int) -> np.ndarray:
    """0..1 per sample: how much a word is being sung (10 ms RMS against the stem's loud level, with a 20 ms
    attack and 200 ms release so the ducking opens before a word and closes gently after it)."""
    from scipy.ndimage import maximum_filter1d, uniform_filter1d

    mono = vocals.mean(axis=1) if vocals.ndim == 2 else vocals
    block = max(1, sample_rate // 100)
    n = len(mono) // block
    if n == 0:
        return np.zeros(len(mono), np.float32)
    rms = np.sqrt((mono[: n * block].reshape(n, block) ** 2).mean(axis=1))
    loud = np.percentile(rms[rms > 0], 90) if (rms > 0).any() else 0.0
    if loud <= 0:
        return np.zeros(len(mono), np.float32)
    on = np.clip(rms / (0.1 * loud), 0.0, 1.0)  # -20 dB under the stem's loud level counts as singing
    on = maximum_filter1d(on, 1 + 2 * 10, origin=-5)  # hold 200 ms, open 50 ms early
    on = uniform_filter1d(on, 3)  # soften the edges over 30 ms
    return np.interp(np.arange(len(mono)), np.arange(n) * block + block / 2, on).astype(np.float32)


def duck_vocal_band(audio: np.ndarray, activity: np.ndarray, sample_rate: int, depth_db: float = DUCK_DB) -> np.ndarray:
    """Lower the vocal's band (400 Hz - 4.5 kHz) of an accompaniment stem (samples, 2) by ``depth_db`` while
    words are sung; zero-phase band split, so where nothing is sung the stem is unchanged."""
    from scipy.signal import butter, sosfiltfilt

    if not activity.any():
        return audio
    sos = butter(2, [400.0, 4500.0], btype="bandpass", fs=sample_rate, output="sos")
    band = sosfiltfilt(sos, audio, axis=0).astype(np.float32)
    cut = np.float32(1 - 10 ** (-depth_db / 20)) * activity[: len(audio)]
    return (audio - band * cut[:, None]).astype(np.float32)


def bus_gain(
    audio: np.ndarray,
    sample_rate: int,
    threshold_db: float = -16.0,
    ratio: float = 2.5,
    attack_ms: float = 15.0,
    release_ms: float = 150.0,
) -> np.ndarray:
    """The bus compressor's gain per sample for (samples, 2): peak level per 1 ms block, gain computed above
    the threshold, smoothed with attack and release. Returned rather than applied so that every stem can get
    the very gain the master got (the stems then sum to the master)."""
    block = max(1, sample_rate // 1000)
    n = -(-len(audio) // block)
    padded = np.zeros((n * block, audio.shape[1]), np.float32)
    padded[: len(audio)] = audio
    level = 20 * np.log10(np.maximum(np.abs(padded).reshape(n, -1).max(axis=1), 1e-9))
    target = -np.maximum(0.0, level - threshold_db) * (1 - 1 / ratio)  # dB, <= 0
    att = np.exp(-1.0 / max(1e-3, attack_ms))  # per 1 ms block
    rel = np.exp(-1.0 / max(1e-3, release_ms))
    smooth = np.empty(n)
    g = 0.0
    for i, t in enumerate(target.tolist()):
        g = att * g + (1 - att) * t if t < g else rel * g + (1 - rel) * t
        smooth[i] = g
    gain = 10 ** (smooth / 20)
    return np.interp(np.arange(len(audio)), np.arange(n) * block + block / 2, gain).astype(np.float32)


def peak_gain(audio: np.ndarray, sample_rate: int, ceiling_db: float = CEILING_DB) -> np.ndarray:
    """The look-ahead limiter's gain per sample (see :func:`limit_peaks`)."""
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    ceiling = 10 ** (ceiling_db / 20)
    need = np.minimum(1.0, ceiling / np.maximum(np.abs(audio).max(axis=1), 1e-9))
    w = max(1, int(0.005 * sample_rate))
    return np.minimum(uniform_filter1d(minimum_filter1d(need, 2 * w + 1), w), need).astype(np.float32)


def _summed(stems, length: int) -> np.ndarray:
    """The sum of (length, 2) float32 stems, added in place (no stacked copy of them all)."""
    total = np.zeros((length, 2), np.float32)
    for a in stems:
        total += a
    return total


def mix(stems: dict[str, np.ndarray], sample_rate: int) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Mix stems into the master (samples, 2) at -14 LUFS; returns (master, stems as heard in the master plus
    the shared reverb's return as the stem ``reverb``).

    Every step after the per-stem EQ is either linear per stem (the vocal-band ducking) or one gain envelope
    computed on the sum and applied to every stem (bus compressor, loudness, limiter), so the returned stems
    add up to the master. The reverb is its own stem, as a DAW's effect return: the other stems stay dry."""
    from pedalboard import HighShelfFilter, Pedalboard, Reverb

    processed = {name: process_stem(name, audio, sample_rate) for name, audio in stems.items()}
    length = max(len(a) for a in processed.values())
    for name, a in processed.items():
        if len(a) < length:
            processed[name] = np.pad(a, ((0, length - len(a)), (0, 0)))
    if "vocals" in processed:
        activity = vocal_activity(processed["vocals"], sample_rate)
        for name in processed:
            if name != "vocals":
                processed[name] = duck_vocal_band(processed[name], activity, sample_rate)
    send = np.zeros((length, 2), np.float32)
    for name, a in processed.items():
        if SETTINGS[name].reverb_send:
            send += a * np.float32(SETTINGS[name].reverb_send)
    reverb = Pedalboard(
        [
            Reverb(room_size=0.45, damping=0.5, wet_level=1.0, dry_level=0.0, width=1.0),
            HighShelfFilter(cutoff_frequency_hz=6000.0, gain_db=-4.0),
        ]
    )
    processed[REVERB_STEM] = reverb(np.ascontiguousarray(send.T), sample_rate).T.astype(np.float32)
    total = _summed(processed.values(), length)
    envelope = bus_gain(total, sample_rate)
    compressed = total * envelope[:, None]
    envelope *= np.float32(loudness_gain(compressed, sample_rate))
    envelope *= peak_gain(total * envelope[:, None], sample_rate)
    stems_out = {name: a * envelope[:, None] for name, a in processed.items()}
    master = _summed(stems_out.values(), length)
    ceiling = np.float32(10 ** (CEILING_DB / 20))
    return np.ascontiguousarray(np.clip(master, -ceiling, ceiling), np.float32), stems_out
