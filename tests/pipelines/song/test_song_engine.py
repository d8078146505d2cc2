"""The draft song engine end to end: files and roles, determinism, sung lyrics, extend, restyle, errors."""

import json

import numpy as np
import pytest
import soundfile

from pipelines import registry
from pipelines.base import Cancelled, CancelToken, RequestError
from pipelines.song.request import SongRequest


@pytest.fixture(scope="module")
def engine():
    return registry.create("song")


@pytest.fixture(scope="module")
def sung(engine, tmp_path_factory):
    """A short sung song (one chorus line), made once for the tests below."""
    request = SongRequest(
        prompt="bright pop, 120 bpm, in C major", lyrics="[chorus]\nsing it to the morning sun", variations=1, seed=4
    )
    return engine(request, output_dir=tmp_path_factory.mktemp("sung"))


def test_the_draft_engine_is_the_default_song_engine():
    assert registry.spec("song").engine == "draft"


def test_an_instrumental_writes_four_stems_no_vocal_stem_and_midi_identically_twice(engine, tmp_path):
    import pretty_midi

    request = SongRequest(prompt="deep house, 124 bpm, A minor", duration=8.0, variations=2, seed=1)
    a = engine(request, output_dir=tmp_path / "a")
    roles = [f.role for f in a.files]
    stems = ("drums", "bass", "harmony", "lead", "reverb")
    for tag in ("", ":2"):
        assert {"audio" + tag, "midi" + tag, "plan" + tag} | {f"stem:{s}{tag}" for s in stems} <= set(roles)
        assert f"stem:vocals{tag}" not in roles
    assert not list((tmp_path / "a").glob("*vocals*"))
    assert a.primary.role == "audio" and "lyrics.lrc" not in roles
    audio, sr = soundfile.read(a.primary.path)
    assert sr == 48_000 and audio.shape == (8 * 48_000, 2) and np.abs(audio).max() > 0.1
    midi = pretty_midi.PrettyMIDI(str(a.file("midi").path))
    assert midi.estimate_tempo() > 0 and any(i.is_drum for i in midi.instruments)
    assert a.provenance["genre"] == "house" and a.provenance["bpm"] == 124 and a.provenance["key"] == "A minor"
    b = engine(request, output_dir=tmp_path / "b")
    for fa, fb in zip(a.files, b.files, strict=True):
        assert fa.path.read_bytes() == fb.path.read_bytes(), fa.role
    v1 = soundfile.read(a.file("stem:harmony").path)[0]
    v2 = soundfile.read(a.file("stem:harmony:2").path)[0]
    assert not np.allclose(v1, v2)


def test_lyrics_are_sung_in_time_and_written_as_lrc(sung):
    plan = json.loads(sung.file("plan").path.read_text())
    notes = plan["melody"][0]["notes"]
    spb = 60 / plan["bpm"]
    start, end = notes[0][1] * spb, (notes[-1][1] + notes[-1][2]) * spb
    vocals, sr = soundfile.read(sung.file("stem:vocals").path)
    level = lambda a, b: np.sqrt(np.mean(vocals[int(a * sr) : int(b * sr)] ** 2))  # noqa: E731
    assert level(start, end) > 20 * level(0, max(0.1, start - 0.3))
    lrc = sung.file("lyrics.lrc").path.read_text()
    assert "sing" in lrc and "sun" in lrc and f"[{int(start // 60):02d}:{start % 60:05.2f}]" in lrc
    assert sung.provenance["vocal_method"].startswith("speech")


def test_the_stems_sum_to_the_mix_within_minus_40_db(sung):
    mix, sr = soundfile.read(sung.file("audio").path, dtype="float64")
    roles = [f.role for f in sung.files if f.role.startswith("stem:")]
    assert sorted(roles) == ["stem:bass", "stem:drums", "stem:harmony", "stem:lead", "stem:reverb", "stem:vocals"]
    total = sum(soundfile.read(sung.file(r).path, dtype="float64")[0] for r in roles)
    residual_db = 10 * np.log10(np.sum((total - mix) ** 2) / np.sum(mix**2))
    assert residual_db <= -40, residual_db


def test_the_midi_file_ends_where_the_audio_ends(sung):
    import mido

    audio, sr = soundfile.read(sung.file("audio").path)
    midi = mido.MidiFile(str(sung.file("midi").path))
    assert midi.length == pytest.approx(len(audio) / sr, abs=0.01)


def test_song_files_follow_the_umask_not_private_0600(engine, tmp_path):
    import os

    old = os.umask(0o022)
    try:
        result = engine(
            SongRequest(prompt="deep house, 124 bpm", duration=4.0, variations=1, seed=2), output_dir=tmp_path
        )
    finally:
        os.umask(old)
    modes = {f.path.name: f.path.stat().st_mode & 0o777 for f in result.files}
    assert set(modes.values()) == {0o644}, modes
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary files left


def test_a_chorus_left_out_for_length_is_said_while_the_job_runs(engine, tmp_path):
    lyrics = "[verse]\nwalking down the road\nsinging all alone\n[chorus]\nhold on to the light\nhold on tonight"
    said = []
    result = engine(
        SongRequest(prompt="pop, 120 bpm", lyrics=lyrics, duration=12.0, variations=1, seed=3),
        progress=lambda f, m="", preview=None: said.append(m),
        output_dir=tmp_path,
    )
    assert any(m.startswith("warning: the Chorus does not fit") or "chorus does not fit" in m.lower() for m in said)
    assert any("does not fit" in w for w in result.provenance["warnings"])


def test_restyle_keeps_melody_and_words_in_a_new_genre(engine, sung, tmp_path):
    request = SongRequest(prompt="jazz", restyle_from=str(sung.primary.path), variations=1)
    result = engine(request, output_dir=tmp_path)
    old = json.loads(sung.file("plan").path.read_text())
    new = json.loads(result.file("plan").path.read_text())
    assert new["genre"] == "jazz" and new["lyrics"] == old["lyrics"]
    assert [n[:3] for n in new["melody"][0]["notes"]] == [n[:3] for n in old["melody"][0]["notes"]]
    assert all(c.endswith("7") for c in new["progressions"]["chorus"].split())


def test_extend_adds_the_requested_seconds(engine, sung, tmp_path):
    request = SongRequest(prompt="", extend_from=str(sung.primary.path), extend_seconds=8.0, variations=1)
    result = engine(request, output_dir=tmp_path)
    before = soundfile.info(str(sung.primary.path)).duration
    after = soundfile.info(str(result.primary.path)).duration
    assert after - before == pytest.approx(8.0, abs=2.0)


def test_requests_beyond_the_engine_or_without_a_song_get_clear_errors(engine, tmp_path):
    with pytest.raises(RequestError, match="over the draft engine's limit"):
        engine(SongRequest(prompt="pop", duration=1200.0), output_dir=tmp_path)
    with pytest.raises(RequestError, match="does not exist"):
        engine(SongRequest(prompt="jazz", restyle_from=str(tmp_path / "gone.wav")), output_dir=tmp_path)


def test_a_cancelled_song_leaves_no_files(engine, tmp_path):
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        engine(SongRequest(prompt="rock", duration=6.0, variations=1), cancel=token, output_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []
