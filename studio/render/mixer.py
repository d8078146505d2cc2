"""Audio tracks mixed into one stereo 48 kHz stream, block by block: each clip is decoded by ffmpeg
at its file's own rate, resampled to 48 kHz with scipy (polyphase), given its gain, pan and fades,
and summed. The mix goes to a float WAV while its loudness and true peak are measured."""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import numpy as np
import soundfile
from scipy.signal import resample_poly

from studio.model import Clip, Track, frames_to_samples
from studio.render.ducking import block_gain, gain_curve, key_levels
from studio.render.errors import RenderError
from studio.render.loudness import LoudnessMeter
from studio.render.plan import RenderPlan
from studio.render.sources import AudioReader, probe
from studio.render.transitions import Window, equal_power, reach, stretched, windows

BLOCK = 48_000  # samples per mixing block (1 s at 48 kHz)


class Resampler:
    """Streams ``reader``'s samples converted from its rate to ``rate``: output block j is computed from
    the input it needs plus ``pad`` samples of context each side, so joins match a one-shot resample."""

    def __init__(self, reader: AudioReader, rate: int):
        self.reader = reader
        ratio = Fraction(rate, reader.sample_rate)
        self.up, self.down = ratio.numerator, ratio.denominator
        half = 10 * max(self.up, self.down) // self.up + 2  # resample_poly's filter half-length in input samples
        self.pad = -(-half // self.down) * self.down
        self.buffer = np.zeros((self.pad, reader.channels), np.float32)  # input from (next start - pad)
        self.pending = np.zeros((0, reader.channels), np.float32)  # output made but not yet handed out
        self.ended = False
        self.done = False

    def read(self, n: int) -> np.ndarray:
        """Up to ``n`` output samples (fewer only when the source has ended), shape (m, channels)."""
        if self.up == self.down == 1:
            return self.reader.read(n)
        while len(self.pending) < n and not self.done:
            self._make(max(n, BLOCK // 4))
        out, self.pending = self.pending[:n], self.pending[n:]
        return out

    def _make(self, n: int) -> None:
        step = -(-n * self.down // self.up)
        step = -(-step // self.down) * self.down  # whole input periods so outputs stay aligned
        need = 2 * self.pad + step - len(self.buffer)
        if need > 0 and not self.ended:
            more = self.reader.read(need)
            self.ended = len(more) < need
            self.buffer = np.concatenate([self.buffer, more])
        if len(self.buffer) < 2 * self.pad + step:  # the source ended: this is the last piece
            self.done = True
            step = len(self.buffer) - self.pad
            if step <= 0:
                return
            self.buffer = np.concatenate([self.buffer, np.zeros((self.pad, self.buffer.shape[1]), np.float32)])
        chunk = self.buffer[: step + 2 * self.pad]
        converted = resample_poly(chunk, self.up, self.down, axis=0).astype(np.float32)
        first = self.pad * self.up // self.down
        made = converted[first : first + -(-step * self.up // self.down)]
        self.pending = np.concatenate([self.pending, made])
        self.buffer = self.buffer[step:]


class StretchedSound:
    """The sound of a clip played at another speed or backwards, ready to hand out: the source span it plays,
    decoded at the mix rate, reversed when the clip plays backwards, and time-stretched by its speed with the pitch
    kept (Rubber Band, through ``pedalboard.time_stretch``). Held whole in memory: about 0.4 MB per second."""

    def __init__(self, reader: AudioReader, samples: np.ndarray):
        self.reader = reader
        self.samples = samples  # (n, channels) float32 at the mix rate
        self.read_at = 0

    def read(self, n: int) -> np.ndarray:
        out = self.samples[self.read_at : self.read_at + n]
        self.read_at += len(out)
        return out


def stretch(samples: np.ndarray, sample_rate: int, speed: float, length: int) -> np.ndarray:
    """``samples`` (n, channels) played ``speed`` times as fast with the pitch kept, exactly ``length`` samples."""
    if speed != 1.0 and len(samples):
        import pedalboard  # Rubber Band; imported only when a clip is retimed

        stretched = pedalboard.time_stretch(np.ascontiguousarray(samples.T), sample_rate, stretch_factor=speed)
        samples = np.ascontiguousarray(stretched.T, dtype=np.float32)
    if len(samples) < length:
        samples = np.concatenate([samples, np.zeros((length - len(samples), samples.shape[1]), np.float32)])
    return samples[:length]


def _stretched(
    clip: Clip, path: Path, source_rate: int, channels: int, local: int, count: int, voice: ClipVoice
) -> StretchedSound:
    """The next ``count`` mix samples of retimed ``clip`` from clip-local sample ``local``."""
    speed = float(clip.speed)
    sample_rate, rate = voice.sample_rate, voice.rate
    span = round(count * speed)  # source samples those mix samples play
    if clip.reverse:  # play back from the source's end: read the span that ends there, then turn it round
        top = Fraction(clip.source_range.end, 1) / rate - Fraction(round(local * speed), sample_rate)
        first = max(Fraction(0), top - Fraction(span, sample_rate))
        span = round((top - first) * sample_rate)
    else:
        first = Fraction(clip.source_range.start, 1) / rate + Fraction(round(local * speed), sample_rate)
    reader = AudioReader(path, first, source_rate, channels)
    resampled = Resampler(reader, sample_rate)
    parts, got = [], 0
    while got < span:
        part = resampled.read(min(BLOCK, span - got))
        if not len(part):
            break
        parts.append(part)
        got += len(part)
    source = np.concatenate(parts) if parts else np.zeros((0, reader.channels), np.float32)
    if clip.reverse:
        source = source[::-1]
    return StretchedSound(reader, stretch(source, sample_rate, speed, count))


def pan_gains(pan: float, channels: int) -> tuple[float, float]:
    """Constant-power pan for mono sources; balance (the far side turned down) for stereo ones."""
    pan = min(1.0, max(-1.0, float(pan)))
    if channels == 1:
        angle = (pan + 1) * math.pi / 4
        return math.cos(angle) * math.sqrt(2), math.sin(angle) * math.sqrt(2)  # centre = unity on both sides
    return (1.0 - max(0.0, pan), 1.0 + min(0.0, pan))


def fade_curve(clip: Clip, first: int, count: int, rate: Fraction, sample_rate: int) -> np.ndarray | None:
    """Gain per sample (count,) for clip-local samples [first, first + count), or None when flat."""
    length = frames_to_samples(clip.duration, rate, sample_rate)
    fade_in = frames_to_samples(clip.audio_fade_in, rate, sample_rate)
    fade_out = frames_to_samples(clip.audio_fade_out, rate, sample_rate)
    if not ((fade_in and first < fade_in) or (fade_out and first + count > length - fade_out)):
        return None
    idx = np.arange(first, first + count, dtype=np.float64)
    curve = np.ones(count)
    if fade_in:
        curve = np.minimum(curve, idx / fade_in)
    if fade_out:
        curve = np.minimum(curve, (length - 1 - idx) / fade_out)
    return np.clip(curve, 0.0, 1.0).astype(np.float32)


class ClipVoice:
    """One audio clip being played: where it sits in samples and its resampled stream."""

    def __init__(self, plan: RenderPlan, clip: Clip, sample_rate: int):
        rate = plan.timeline.rate
        self.clip = clip
        self.start = frames_to_samples(clip.position, rate, sample_rate)
        self.end = frames_to_samples(clip.end, rate, sample_rate)
        self.gain = 10 ** (float(clip.gain_db) / 20)
        self.silent = clip.id in plan.missing
        self.stream: Resampler | StretchedSound | None = None
        self.rate, self.sample_rate, self.plan = rate, sample_rate, plan

    def open(self, at: int) -> None:
        """Start decoding so that the next sample read is timeline sample ``at``."""
        if self.silent:
            return
        asset = self.plan.project.assets[self.clip.asset_id]
        path: Path = self.plan.files[asset.id]
        source_rate, channels = asset.sample_rate, asset.channels
        if not source_rate or not channels:
            info = probe(path)
            source_rate, channels = info["sample_rate"], info["channels"]
        if not source_rate:
            raise RenderError(f"clip {self.clip.name!r}: {path.name} has no sound")
        if self.clip.is_retimed:
            stop = min(self.end, frames_to_samples(self.plan.end, self.rate, self.sample_rate))  # no further than asked
            self.stream = _stretched(self.clip, path, source_rate, channels or 2, at - self.start, stop - at, self)
        else:
            offset = Fraction(self.clip.source_range.start, 1) / self.rate + Fraction(at - self.start, self.sample_rate)
            self.stream = Resampler(AudioReader(path, offset, source_rate, channels or 2), self.sample_rate)
        self.left, self.right = pan_gains(self.clip.pan, self.stream.reader.channels)

    def add_to(self, mix: np.ndarray, at: int) -> None:
        """Add this clip's part of mix samples [at, at + len(mix)) into ``mix`` (n, 2)."""
        lo, hi = max(at, self.start), min(at + len(mix), self.end)
        if hi <= lo or self.silent:
            return
        if self.stream is None:
            self.open(lo)
        samples = self.stream.read(hi - lo)
        n = len(samples)
        if not n:
            return
        local = lo - self.start
        curve = self.shaped(fade_curve(self.clip, local, n, self.rate, self.sample_rate), lo, n)
        dst = mix[lo - at : lo - at + n]
        if "gain_db" in self.clip.keyframes or "pan" in self.clip.keyframes:
            dst += samples * self._moving_gains(local, n, curve)
            return
        scale = self.gain if curve is None else curve[:, None] * np.float32(self.gain)
        dst += samples * scale * np.array([self.left, self.right], np.float32)  # (n, 1|2) -> (n, 2)

    def shaped(self, curve: np.ndarray | None, first: int, count: int) -> np.ndarray | None:
        """The fade curve for timeline samples [first, first + count), shaped by any crossfade (none here)."""
        return curve

    def _moving_gains(self, local: int, n: int, curve: np.ndarray | None) -> np.ndarray:
        """(n, 2) per-sample gains for keyframed gain and pan: each sample's value at its exact (fractional) frame,
        evaluated per 1 ms and interpolated linearly between (well under a frame: 20 to 42 ms)."""
        clip, step = self.clip, max(1, self.sample_rate // 1000)
        at = np.arange(0, n + step, step)  # (m,) sample offsets
        frames = clip.source_range.start + (local + at) * (self.rate / self.sample_rate).__float__()
        gain_db = np.array([clip.value_at("gain_db", f - clip.source_range.start) for f in frames])
        pan = np.array([clip.value_at("pan", f - clip.source_range.start) for f in frames])
        channels = self.stream.reader.channels
        sides = np.array([pan_gains(p, channels) for p in pan])  # (m, 2)
        gains = (10 ** (gain_db / 20))[:, None] * sides  # (m, 2)
        idx = np.arange(n)
        out = np.stack([np.interp(idx, at, gains[:, 0]), np.interp(idx, at, gains[:, 1])], axis=1)
        if curve is not None:
            out *= curve[:, None]
        return out.astype(np.float32)

    def close(self) -> None:
        if self.stream is not None:
            self.stream.reader.close()
            self.stream = None


class CrossfadeVoice(ClipVoice):
    """A clip stretched into the crossfades at its ends: inside each one its gain follows the equal-power curve."""

    def __init__(self, plan: RenderPlan, clip: Clip, sample_rate: int, into: Window | None, out: Window | None):
        super().__init__(plan, clip, sample_rate)
        self.into, self.out = into, out

    def shaped(self, curve: np.ndarray | None, first: int, count: int) -> np.ndarray | None:
        for window, incoming in ((self.into, True), (self.out, False)):
            if window is not None:
                gain = equal_power(window, first, count, self.rate, self.sample_rate, incoming)
                curve = gain if curve is None else curve * gain
        return curve


def voices_of(plan: RenderPlan, track: Track, clips: list[Clip], sample_rate: int) -> list[ClipVoice]:
    """One voice per clip; on a track with crossfades the clips play on into them."""
    if not track.transitions:
        return [ClipVoice(plan, clip, sample_rate) for clip in clips]
    found = windows(track, clips)
    reaches = reach(Track(track.id, track.kind, track.name, transitions=[w.transition for w in found]))
    voices: list[ClipVoice] = []
    for clip in clips:
        long = stretched(plan.project, clip, *reaches.get(clip.id, (0, 0)), plan.timeline.rate, plan.missing)
        into = next((w for w in found if w.transition.to_clip == clip.id), None)
        out = next((w for w in found if w.transition.from_clip == clip.id), None)
        voices.append(CrossfadeVoice(plan, long, sample_rate, into, out))
    return voices


def mix_to_wav(
    plan: RenderPlan,
    wav_path: Path,
    sample_rate: int = 48_000,
    progress: Callable[[float], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> LoudnessMeter:
    """Mix the plan's audio tracks over [plan.start, plan.end) into a stereo float WAV at ``wav_path``;
    the returned meter holds the mix's loudness and true peak."""
    rate = plan.timeline.rate
    first = frames_to_samples(plan.start, rate, sample_rate)
    last = frames_to_samples(plan.end, rate, sample_rate)
    voices = [voice for track, clips in plan.audio_tracks for voice in voices_of(plan, track, clips, sample_rate)]
    track_of = {clip.id: track for track, clips in plan.audio_tracks for clip in clips}
    ducks: dict[str, np.ndarray] = {}  # ducked track id -> gain per 10 ms hop over the whole render
    for track, _ in plan.audio_tracks:
        keys = plan.duck_keys.get(track.id)
        if keys:
            levels = key_levels([ClipVoice(plan, clip, sample_rate) for clip in keys], first, last, BLOCK)
            ducks[track.id] = gain_curve(levels, track.duck_db)
    meter = LoudnessMeter(sample_rate, 2)
    try:
        with soundfile.SoundFile(str(wav_path), "w", sample_rate, 2, subtype="FLOAT", format="WAV") as wav:
            for at in range(first, last, BLOCK):
                if cancelled is not None and cancelled():
                    raise RenderError("render cancelled")
                mix = np.zeros((min(BLOCK, last - at), 2), np.float32)
                ducked = {track_id: np.zeros_like(mix) for track_id in ducks}
                for voice in voices:
                    if voice.start < at + len(mix) and voice.end > at:
                        voice.add_to(ducked.get(track_of[voice.clip.id].id, mix), at)
                    elif voice.stream is not None and voice.end <= at:
                        voice.close()
                for track_id, bus in ducked.items():  # each ducked track is summed on its own, then lowered
                    mix += bus * block_gain(ducks[track_id], at - first, len(mix))[:, None]
                wav.write(mix)
                meter.add(mix)
                if progress is not None:
                    progress((at + len(mix) - first) / max(1, last - first))
    finally:
        for voice in voices:
            voice.close()
    return meter
