"""Bad song requests get a one-line error (or a clear warning) before any work, never a crash."""

import pytest

from pipelines import registry
from pipelines.base import RequestError
from pipelines.song.request import SongRequest


@pytest.fixture(scope="module")
def engine():
    return registry.create("song", "draft")


def _refused(engine, tmp_path, **fields) -> str:
    with pytest.raises(RequestError) as info:
        engine(SongRequest(prompt=fields.pop("prompt", "pop, 120 bpm"), variations=1, **fields), output_dir=tmp_path)
    message = str(info.value)
    assert "\n" not in message and len(message) < 300
    assert list(tmp_path.iterdir()) == []
    return message


def test_ten_thousand_lines_of_lyrics_are_refused_in_one_line(engine, tmp_path):
    lyrics = "\n".join(f"line number {i} of a very long song" for i in range(10_000))
    assert "10,000 lines" in _refused(engine, tmp_path, lyrics=lyrics)


def test_lyrics_without_words_are_refused(engine, tmp_path):
    assert "no singable words" in _refused(engine, tmp_path, lyrics="[verse]\n... !!!\n[chorus]\n???")


@pytest.mark.parametrize("bpm", [0, 1000])
def test_a_tempo_of_0_or_1000_bpm_is_refused(engine, tmp_path, bpm):
    assert "tempo must be between 40 and 240 bpm" in _refused(engine, tmp_path, lyrics="la la la", bpm=bpm)


def test_an_unknown_singing_voice_is_refused_naming_the_installed_ones(engine, tmp_path):
    message = _refused(engine, tmp_path, lyrics="sing it to the morning sun", voice="nobody")
    assert "unknown voice 'nobody'" in message and "af_heart" in message


def test_lyrics_in_a_script_the_singer_cannot_read_are_refused_by_name(engine, tmp_path):
    assert "look Japanese" in _refused(engine, tmp_path, lyrics="[verse]\n夜明けの空に歌う")


def test_lyrics_in_another_language_than_the_voice_give_a_warning(engine, tmp_path):
    said = []
    result = engine(
        SongRequest(
            prompt="pop, 120 bpm",
            lyrics="je pense à toi et la mer est belle",
            voice="af_heart",
            duration=16.0,
            variations=1,
            seed=1,
        ),
        progress=lambda f, m="", preview=None: said.append(m),
        output_dir=tmp_path,
    )
    assert any("looks French" in w and "af_heart" in w for w in result.provenance["warnings"])
    assert any(m.startswith("warning:") and "French" in m for m in said)
