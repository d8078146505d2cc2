"""The mix: streaming resampling, loudness measured as pyloudnorm does, pan, gain, fades, solo."""

from __future__ import annotations

import math

import numpy as np
import pyloudnorm
import soundfile
from scipy.signal import resample_poly

from studio.render.loudness import LoudnessMeter, normalising_gain
from studio.render.mixer import Resampler, mix_to_wav
from studio.render.plan import make_plan
from studio.render.sources import AudioReader
from tests.render.helpers import add_track, new_project, place_file, tone_wav


def test_streaming_resample_matches_a_one_shot_resample(tmp_path):
    rng = np.random.default_rng(1)
    signal = rng.standard_normal(44_100 * 2).astype(np.float32) * 0.2
    soundfile.write(tmp_path / "noise.wav", signal, 44_100, subtype="FLOAT")
    stream = Resampler(AudioReader(tmp_path / "noise.wav", 0, 44_100, 1), 48_000)
    pieces = [stream.read(n) for n in (1000, 7000, 48_000, 30_000, 20_000)]
    stream.reader.close()
    streamed = np.concatenate(pieces)[:, 0]
    whole = resample_poly(signal, 160, 147)
    assert abs(len(streamed) - len(whole)) <= 1
    n = min(len(streamed), len(whole)) - 200  # the very end differs only by the file's edge
    assert np.abs(streamed[200:n] - whole[200:n]).max() < 1e-4


def test_loudness_meter_agrees_with_pyloudnorm():
    rng = np.random.default_rng(2)
    t = np.arange(48_000 * 5) / 48_000
    audio = np.stack([0.2 * np.sin(2 * np.pi * 440 * t), 0.05 * rng.standard_normal(len(t))], axis=1)
    audio[48_000:72_000] *= 0.001  # a quiet stretch the gate must drop
    meter = LoudnessMeter(48_000, 2)
    for start in range(0, len(audio), 10_007):  # odd block sizes
        meter.add(audio[start : start + 10_007])
    reference = pyloudnorm.Meter(48_000).integrated_loudness(audio)
    assert abs(meter.integrated() - reference) < 0.05
    assert abs(meter.true_peak_db() - 20 * math.log10(np.abs(audio).max())) < 0.5


def test_peak_ceiling_limits_the_normalising_gain():
    assert normalising_gain(-20.0, -10.0, -14.0, -1.0) == (6.0, False)
    gain, limited = normalising_gain(-20.0, -3.0, -14.0, -1.0)
    assert limited and abs(gain - 2.0) < 1e-9
    assert normalising_gain(-math.inf, -math.inf, -14.0, -1.0) == (0.0, False)


def mix(project, folder, tmp_path):
    plan = make_plan(project, folder)
    mix_to_wav(plan, tmp_path / "mix.wav")
    audio, rate = soundfile.read(tmp_path / "mix.wav", dtype="float32")
    assert rate == 48_000
    return audio


def test_pan_gain_and_fades_shape_the_mix(tmp_path):
    folder = tmp_path / "P.studio"
    project = new_project(folder)
    tone = tone_wav(tmp_path / "tone.wav", 500.0, 1.0, 48_000, 0.5)
    place_file(project, folder, project.timeline.tracks[1], tone, 0, 30, pan=-1.0, gain_db=-6.0, audio_fade_in=15)
    audio = mix(project, folder, tmp_path)
    assert len(audio) == 48_000
    assert np.abs(audio[:, 1]).max() < 1e-6  # hard left: nothing on the right
    assert np.abs(audio[:200, 0]).max() < 0.01  # the fade starts from silence
    late = np.abs(audio[30_000:, 0]).max()
    assert abs(late - 0.5 * math.sqrt(2) * 10 ** (-6 / 20)) < 0.01  # -6 dB, constant-power pan at full left


def test_solo_track_silences_the_others(tmp_path):
    folder = tmp_path / "P.studio"
    project = new_project(folder)
    loud = tone_wav(tmp_path / "a.wav", 300.0, 1.0, 48_000, 0.5)
    other = add_track(project, "audio", "A2")
    place_file(project, folder, project.timeline.tracks[1], loud, 0, 30)
    place_file(project, folder, other, tone_wav(tmp_path / "b.wav", 700.0, 1.0, 48_000, 0.1), 0, 30)
    other.solo = True
    audio = mix(project, folder, tmp_path)
    assert 0.09 < np.abs(audio).max() < 0.11


def test_stereo_44k_clip_is_resampled_into_place(tmp_path):
    folder = tmp_path / "P.studio"
    project = new_project(folder)
    tone = tone_wav(tmp_path / "st.wav", 1000.0, 1.0, 44_100, 0.4, channels=2)
    place_file(project, folder, project.timeline.tracks[1], tone, 15, 15, start=6)  # 0.5 s in, from 0.2 s
    audio = mix(project, folder, tmp_path)
    assert np.abs(audio[:23_900]).max() < 1e-3
    spectrum = np.abs(np.fft.rfft(audio[26_000:46_000, 0]))
    assert abs(np.argmax(spectrum) * 48_000 / 20_000 - 1000) < 3


def test_a_peaky_mix_reaches_minus_14_lufs_with_true_peak_under_minus_1_dbtp(tmp_path):
    from studio.render.limiter import limit_to_loudness

    t = np.arange(10 * 48_000) / 48_000
    quiet = 0.02 * np.sin(2 * np.pi * 220 * t)  # about -37 LUFS: normalising needs +23 dB
    quiet[::12_000] = 0.9  # clicks that +23 dB would throw far past full scale
    src = tmp_path / "peaky.wav"
    soundfile.write(src, np.stack([quiet, quiet], 1).astype(np.float32), 48_000, subtype="FLOAT")
    meter = LoudnessMeter(48_000, 2)
    meter.add(soundfile.read(src, dtype="float32")[0])
    gain, limited = normalising_gain(meter.integrated(), meter.true_peak_db(), -14.0, -1.0)
    assert limited  # without the limiter the render would stay far under -14 LUFS
    out = limit_to_loudness(src, tmp_path / "limited.wav", meter.integrated(), -14.0, -1.0)
    assert abs(out.integrated() - -14.0) < 0.5
    assert out.true_peak_db() <= -1.0
    audio, _ = soundfile.read(tmp_path / "limited.wav", dtype="float32")
    assert len(audio) == len(quiet)  # nothing lost or added at block joins
