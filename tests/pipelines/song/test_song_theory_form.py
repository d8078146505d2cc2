"""Keys, chords, genre progressions, lyric form and syllable stress."""

import pytest

from pipelines.base import RequestError
from pipelines.song.form import parse_lyrics, word_stresses
from pipelines.song.styles import GENRES
from pipelines.song.theory import Key, chord, nearest_voicing, parse_key


def test_keys_parse_in_words_and_unknown_keys_are_refused():
    assert parse_key("F# minor") == Key(6, "minor")
    assert parse_key("Bbm") == Key(10, "minor")
    assert parse_key("Eb") == Key(3, "major")
    with pytest.raises(RequestError, match="unknown key 'H# major'"):
        parse_key("H# major")


def test_roman_numerals_resolve_to_the_right_chords():
    c = Key(0, "major")
    assert chord("bVII", c).symbol() == "Bb"
    assert chord("ii7", c).symbol() == "Dm7"
    assert chord("V7", c).symbol() == "G7"
    assert chord("IVmaj7", c).symbol() == "Fmaj7"
    assert chord("iim7b5", Key(9, "minor")).symbol() == "Bm7b5"


@pytest.mark.parametrize("genre", sorted(GENRES))
def test_every_genre_progression_is_playable_in_every_key(genre):
    style = GENRES[genre]
    for tonic in range(12):
        for mode, table in (("major", style.major), ("minor", style.minor)):
            for progression in table:
                prev = None
                for numeral in progression.split():
                    ch = chord(numeral, Key(tonic, mode))
                    prev = nearest_voicing(ch, prev)
                    assert {p % 12 for p in prev} <= set(ch.pitch_classes)
                    assert 52 <= min(prev) and max(prev) <= 72


def test_at_least_ten_genres_have_their_own_groove_and_progressions():
    assert len(GENRES) >= 12
    assert len({s.drums.get(36, "") + s.bass_style + s.comp for s in GENRES.values()}) >= 9


def test_syllables_carry_dictionary_stress_and_function_words_are_weak():
    assert word_stresses("tomorrow") == (0, 1, 0)
    assert word_stresses("singing") == (1, 0)
    assert word_stresses("the") == (0,)
    assert word_stresses("light") == (1,)
    assert len(word_stresses("flibbertyzork")) >= 3  # not in the dictionary: counted by vowel groups


def test_lyrics_split_into_tagged_sections_and_a_bare_chorus_tag_repeats_it():
    sections = parse_lyrics(
        "I woke up early\n[Chorus]\nSing it loud\nsing it proud\n[verse 2]\nThen I went out\n[chorus]\n"
    )
    assert [s.kind for s in sections] == ["verse", "chorus", "verse", "chorus"]
    assert sections[3].lines == sections[1].lines
    assert sections[1].lines[0].syllables == 3


def test_lyrics_without_singable_words_or_with_unknown_tags_are_refused():
    with pytest.raises(RequestError, match="no singable words"):
        parse_lyrics("[verse]\n...\n[chorus]\n!!!")
    with pytest.raises(RequestError, match=r"unknown section tag \[banana\]"):
        parse_lyrics("[banana]\nla la")
