"""SoundFont rendering, mixing to -14 LUFS, and the WORLD singer on a synthetic spoken take."""

import numpy as np
import pytest

from pipelines.base import RequestError
from pipelines.song.compose import Note, SungLine, Track
from pipelines.song.form import parse_line
from pipelines.song.melody import SungNote
from pipelines.song.mix import mix
from pipelines.song.render_sf import render_tracks, soundfont_path
from pipelines.song.vocals import sing_line, syllable_spans, word_spans, world


def test_general_midi_instruments_render_through_the_bundled_soundfont():
    piano = Track("harmony", "Piano", 0, [Note(60, 0.0, 1.0, 100), Note(64, 1.0, 1.0, 100)])
    audio = render_tracks([piano], 0.5, 1.5, soundfont_path())
    assert audio.shape == (72_000, 2) and audio.dtype == np.float32
    first, silence = np.abs(audio[:24_000]).max(), np.abs(audio[-1000:]).max()
    assert first > 0.05 and silence < first / 10
    # the rendered pitch is the written one: the strongest partial is a harmonic of C4 (261.6 Hz)
    spectrum = np.abs(np.fft.rfft(audio[2000:22_000, 0]))
    ratio = np.argmax(spectrum) * 48_000 / 20_000 / 261.6
    assert ratio >= 0.98 and abs(ratio - round(ratio)) < 0.03


def test_drum_kits_render_on_the_drum_channel():
    kit = Track("drums", "Drums", 0, [Note(36, 0, 0.25, 120), Note(38, 1, 0.25, 120)], drum=True)
    audio = render_tracks([kit], 0.5, 1.0, soundfont_path())
    assert np.abs(audio[:20_000]).max() > 0.05 and np.abs(audio[24_000:44_000]).max() > 0.05


def test_a_missing_user_soundfont_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("STUDIO_SOUNDFONT", str(tmp_path / "nope.sf2"))
    with pytest.raises(RequestError, match="nope.sf2.*does not exist"):
        soundfont_path()


def test_the_mix_lands_at_minus_14_lufs_without_clipping():
    import pyloudnorm

    rng = np.random.default_rng(0)
    n = 48_000 * 4
    stems = {
        "drums": rng.normal(0, 0.05, (n, 2)).astype(np.float32),
        "bass": np.tile(0.3 * np.sin(np.arange(n) * 2 * np.pi * 55 / 48_000), (2, 1)).T.astype(np.float32),
        "harmony": np.zeros((n, 2), np.float32),
        "lead": np.zeros((n, 2), np.float32),
        "vocals": (0.2 * np.sin(np.arange(n) * 2 * np.pi * 330 / 48_000)).astype(np.float32),
    }
    master, out = mix(stems, 48_000)
    assert master.shape == (n, 2) and np.abs(master).max() <= 1.0
    assert pyloudnorm.Meter(48_000).integrated_loudness(master.astype(np.float64)) == pytest.approx(-14.0, abs=1.0)
    assert set(out) == set(stems) | {"reverb"} and out["vocals"].shape == (n, 2)


class _Timed:
    def __init__(self, word, start, end):
        self.word, self.start, self.end = word, start, end


def test_lyric_words_are_matched_to_the_speech_engines_words():
    timed = [_Timed("I'm", 0.0, 0.2), _Timed("walking", 0.25, 0.6), _Timed("home", 0.7, 1.0)]
    spans = word_spans(["Im", "walking", "home"], timed)
    assert spans == [(0.0, 0.2), (0.25, 0.6), (0.7, 1.0)]
    spans = word_spans(["I", "am", "walking", "home"], timed)
    assert spans[2] == (0.25, 0.6) and spans[0][0] == 0.0 and spans[1][1] <= 0.2 + 1e-9


def test_a_two_syllable_word_splits_between_its_voiced_runs():
    f0 = np.array([0, 200, 200, 200, 0, 0, 0, 210, 210, 0], float)
    assert syllable_spans(f0, 0, 10, 2) == [(0, 5), (5, 10)]


class _Speech:
    """A stand-in spoken take: a buzzy 'vowel' per word with silent gaps, at 24 kHz."""

    def __init__(self, words):
        sr = 24_000
        self.sample_rate = sr
        t = np.arange(int(sr * 0.3)) / sr
        vowel = sum(np.sin(2 * np.pi * 180 * k * t) / k for k in range(1, 12)) * np.hanning(len(t)) * 0.3
        gap = np.zeros(int(sr * 0.1))
        self.samples = np.concatenate([np.concatenate([vowel, gap]) for _ in words]).astype(np.float32)
        self.words = [_Timed(w, i * 0.4, i * 0.4 + 0.3) for i, w in enumerate(words)]


def test_the_singer_puts_each_syllable_on_its_note_pitch_and_length():
    line = parse_line("sing this song")
    notes = [SungNote(60, 0.0, 1.0, 0, 0), SungNote(64, 1.0, 1.0, 1, 0), SungNote(67, 2.0, 2.0, 2, 0)]
    sung = SungLine(line, "verse", notes)
    y, start = sing_line(sung, 0.5, _Speech(["sing", "this", "song"]))
    assert start == pytest.approx(-0.12)
    assert len(y) / 24_000 == pytest.approx(2.17, abs=0.05)  # four beats at 120 bpm plus pre-roll and tail
    pw = world()
    f0, t = pw.dio(y.astype(np.float64), 24_000, frame_period=5.0)
    for note, (a, b) in zip(notes, ((0.15, 0.45), (0.65, 0.95), (1.2, 1.8)), strict=True):
        sel = (t - 0.12 >= a) & (t - 0.12 < b) & (f0 > 0)
        target = 440 * 2 ** ((note.pitch - 69) / 12)
        cents = 1200 * np.log2(np.median(f0[sel]) / target)
        assert sel.sum() > 20 and abs(cents) < 30


class _HissedSpeech(_Speech):
    """A spoken take whose words start with 80 ms of hiss (an unvoiced consonant, an "s") before the vowel."""

    def __init__(self, words):
        sr = self.sample_rate = 24_000
        t = np.arange(int(sr * 0.3)) / sr
        vowel = sum(np.sin(2 * np.pi * 180 * k * t) / k for k in range(1, 12)) * np.hanning(len(t)) * 0.3
        hiss = np.random.default_rng(0).normal(0, 0.05, int(sr * 0.08))
        gap = np.zeros(int(sr * 0.1))
        self.samples = np.concatenate([np.concatenate([hiss, vowel, gap]) for _ in words]).astype(np.float32)
        self.words = [_Timed(w, i * 0.48, i * 0.48 + 0.38) for i, w in enumerate(words)]
        self.hiss = hiss.astype(np.float32)


def test_an_unvoiced_consonant_is_sung_as_it_was_spoken_not_resynthesised():
    speech = _HissedSpeech(["sing", "so", "soft"])
    sung = SungLine(
        parse_line("sing so soft"),
        "verse",
        [SungNote(60, 0.0, 1.0, 0, 0), SungNote(64, 1.0, 1.0, 1, 0), SungNote(67, 2.0, 2.0, 2, 0)],
    )
    y, start = sing_line(sung, 0.5, speech)
    # the second word's hiss comes just before its note (1.0 beat = 0.5 s into the song): look for the spoken
    # hiss's middle 40 ms, sample for sample, around there (WORLD's own noise would not correlate)
    template = speech.hiss[480:1440]
    b = int((0.5 - start) * 24_000)
    region = y[b - 4800 : b + 1200]
    windows = np.lib.stride_tricks.sliding_window_view(region, len(template))
    corr = (windows @ template / (np.linalg.norm(windows, axis=1) * np.linalg.norm(template) + 1e-9)).max()
    assert corr > 0.9


def test_the_accompaniment_ducks_in_the_vocal_band_only_while_words_are_sung():
    from scipy.signal import butter, sosfiltfilt

    from pipelines.song.mix import DUCK_DB, duck_vocal_band, vocal_activity

    sr, n = 48_000, 48_000 * 2
    t = np.arange(n) / sr
    vocals = np.where(t >= 1.0, 0.3 * np.sin(2 * np.pi * 440 * t), 0.0).astype(np.float32)  # sung in second 2
    guitar = np.tile(0.2 * np.sin(2 * np.pi * 1500 * t) + 0.2 * np.sin(2 * np.pi * 80 * t), (2, 1)).T
    out = duck_vocal_band(guitar.astype(np.float32), vocal_activity(vocals, sr), sr)
    band = butter(4, [1200, 1800], btype="bandpass", fs=sr, output="sos")
    low = butter(4, 150, btype="lowpass", fs=sr, output="sos")
    rms = lambda x, a, b: np.sqrt(np.mean(x[int(a * sr) : int(b * sr), 0] ** 2))  # noqa: E731
    mid_in, mid_out = sosfiltfilt(band, guitar, axis=0), sosfiltfilt(band, out, axis=0)
    assert 20 * np.log10(rms(mid_out, 1.3, 1.9) / rms(mid_in, 1.3, 1.9)) == pytest.approx(-DUCK_DB, abs=1.0)
    assert rms(mid_out, 0.1, 0.8) == pytest.approx(rms(mid_in, 0.1, 0.8), rel=0.02)  # nothing sung: unchanged
    bass_in, bass_out = sosfiltfilt(low, guitar, axis=0), sosfiltfilt(low, out, axis=0)
    assert rms(bass_out, 1.3, 1.9) == pytest.approx(rms(bass_in, 1.3, 1.9), rel=0.1)  # the bass keeps its weight


def test_a_lines_long_last_note_is_let_go_after_the_hold_limit():
    """A vowel held for seconds is heard as letters or repeats: the singer lets the line's last note go."""
    from pipelines.song.vocals import LAST_HOLD_S

    line = parse_line("sing this song")
    notes = [SungNote(60, 0.0, 1.0, 0, 0), SungNote(64, 1.0, 1.0, 1, 0), SungNote(67, 2.0, 8.0, 2, 0)]
    y, start = sing_line(SungLine(line, "verse", notes), 0.5, _Speech(["sing", "this", "song"]))
    last = int((1.0 - start) * 24_000)  # the last note starts at 1.0 s and is written 4 s long
    rms = lambda a, b: float(np.sqrt(np.mean(y[int(a * 24_000) + last : int(b * 24_000) + last] ** 2)))  # noqa: E731
    assert rms(0.2, LAST_HOLD_S - 0.1) > 0.05
    assert rms(LAST_HOLD_S + 0.1, 3.5) < 0.01 * rms(0.2, LAST_HOLD_S - 0.1)
