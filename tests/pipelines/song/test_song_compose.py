"""Prompt understanding, form layout, melody fitting the words, and the arrangement's parts."""

import pytest

from pipelines.base import RequestError
from pipelines.song.compose import compose
from pipelines.song.form import parse_lyrics
from pipelines.song.melody import vocal_range
from pipelines.song.plan import layout, understand
from pipelines.song.request import SongRequest
from pipelines.song.styles import GENRES, KICK, SNARE

LYRICS = """[verse]
The morning light is on the sea
and every wave is calling me
[chorus]
Hold on to the summer sun
we are young and the night has just begun
[verse]
I walk along the empty shore
and wonder what I'm waiting for
[chorus]
Hold on to the summer sun
we are young and the night has just begun
"""


def test_prompt_words_set_genre_tempo_key_meter_and_instruments():
    plan = understand("a sad jazz waltz with saxophone and piano, 132 bpm, in D minor", seed=1)
    assert (plan.style.name, plan.bpm, plan.key.name, plan.meter) == ("jazz", 132.0, "D minor", "3/4")
    assert plan.lead == 65 and plan.harmony == 0
    plan = understand("drum and bass", seed=1, bpm=172, key="F# minor", meter="4/4")
    assert (plan.style.name, plan.bpm, plan.key.name) == ("drum and bass", 172, "F# minor")
    assert understand("melancholic piano ballad", seed=5).key.mode == "minor"


def test_bad_tempo_key_and_meter_get_one_line_errors():
    with pytest.raises(RequestError, match="tempo"):
        SongRequest(prompt="pop", bpm=0)
    with pytest.raises(RequestError, match="unknown key"):
        SongRequest(prompt="pop", key="H# major")
    with pytest.raises(RequestError, match="time signature"):
        SongRequest(prompt="pop", time_signature="7/8")
    with pytest.raises(RequestError, match="tempo"):
        understand("house at 0 bpm", seed=0)


def test_form_follows_the_lyrics_and_fits_a_requested_duration():
    plan = understand("pop, 120 bpm", seed=0)
    placed, _ = layout(parse_lyrics(LYRICS), plan, None)
    assert [p.kind for p in placed] == ["intro", "verse", "chorus", "break", "verse", "chorus", "outro"]
    placed, _ = layout(parse_lyrics(LYRICS), plan, 90.0)
    assert sum(p.bars for p in placed) * plan.bar_seconds == pytest.approx(90.0, abs=plan.bar_seconds / 2)
    assert any(p.kind == "solo" for p in placed) and placed[-1].kind == "outro"
    placed, warnings = layout(parse_lyrics(LYRICS), plan, 20.0)
    assert sum(p.bars for p in placed) == 10 and warnings and placed[-1].kind == "outro"


def _song(prompt="pop, 110 bpm", seed=3, lyrics=LYRICS, variation=0):
    plan = understand(prompt, seed=0)
    placed, _ = layout(parse_lyrics(lyrics) if lyrics else [], plan, None)
    return compose(plan, placed, seed, variation=variation, base_seed=seed)


def test_melody_sings_every_syllable_with_stresses_on_beats_inside_the_voice_range():
    arr = _song()
    low, _, high = vocal_range(arr.plan.key)
    on_beat = stressed = 0
    for sung in arr.vocals:
        syllables = {(n.word, n.syllable) for n in sung.notes}
        assert len(syllables) == sung.line.syllables  # one or more notes per syllable, none skipped
        for n in sung.notes:
            assert low <= n.pitch <= high
            if n.syllable >= 0 and sung.line.words[n.word].stresses[n.syllable]:
                stressed += 1
                on_beat += abs(n.start - round(n.start)) < 1e-6
    assert on_beat / stressed >= 0.8


def test_choruses_repeat_their_melody_and_phrases_end_on_chord_tones():
    arr = _song()
    choruses = [s for s in arr.vocals if s.section == "chorus"]
    first, second = choruses[0], choruses[2]
    assert [(n.pitch, n.length) for n in first.notes] == [(n.pitch, n.length) for n in second.notes]
    bpb = arr.plan.beats_per_bar
    for sung in arr.vocals:
        last = sung.notes[-1]
        assert last.pitch % 12 in arr.chords[int(last.start // bpb)].pitch_classes


def test_drums_keep_the_genre_groove_and_fill_before_a_new_section():
    arr = _song("rock, 120 bpm")
    drums = next(t for t in arr.tracks if t.stem == "drums").notes
    verse = next(p for p in arr.sections if p.kind == "verse")
    bar0 = verse.start_bar * 4
    kicks = [n.start - bar0 for n in drums if n.pitch == KICK and bar0 <= n.start < bar0 + 4]
    snares = [n.start - bar0 for n in drums if n.pitch == SNARE and bar0 <= n.start < bar0 + 4]
    assert 0.0 in kicks and snares == [1.0, 3.0]
    fill_bar = (verse.start_bar + verse.bars - 1) * 4
    toms = [n for n in drums if n.pitch in (41, 45, 47, 50) and fill_bar + 2 <= n.start < fill_bar + 4]
    assert len(toms) >= 4


@pytest.mark.parametrize("genre", sorted(GENRES))
def test_every_genre_composes_all_parts(genre):
    arr = _song(genre, lyrics="")
    assert {t.stem for t in arr.tracks if t.notes} >= {"drums", "bass", "harmony", "lead"}
    assert not arr.vocals


def test_same_seed_composes_the_same_song_and_variations_differ():
    a, b, c = _song(seed=7), _song(seed=7), _song(seed=7, variation=1)
    notes = lambda arr: [(t.name, t.notes) for t in arr.tracks]  # noqa: E731
    assert notes(a) == notes(b)
    assert a.progressions != c.progressions


def test_the_spoken_rhythm_shapes_the_sung_rhythm():
    import random

    from pipelines.song.melody import MAX_STRETCH, place_syllables

    stresses = [1, 0, 1, 0, 1, 0]
    spoken = [0.2, 0.2, 0.8, 0.2, 0.2, 0.3]  # beats: the third syllable is long when spoken
    onsets, step = place_syllables(stresses, 8.0, 4, random.Random(0), 2, spoken)
    lengths = [b - a for a, b in zip(onsets, onsets[1:], strict=False)]
    assert lengths[2] == max(lengths) and lengths[2] >= 2 * min(lengths)
    even, _ = place_syllables(stresses, 8.0, 4, random.Random(0), 2)
    assert onsets != even
    slow = [0.1] * 6  # fast speech in a slow song: never sung more than MAX_STRETCH times slower (on the grid)
    onsets, step = place_syllables(stresses, 8.0, 4, random.Random(0), 2, slow)
    assert max(b - a for a, b in zip(onsets, onsets[1:], strict=False)) <= max(step, 0.1 * MAX_STRETCH) + step


@pytest.mark.parametrize("prompt", ["reggae groove, 80 bpm", "gentle folk ballad, 72 bpm", "pop ballad, 68 bpm"])
def test_a_slow_song_carries_its_quarter_note_pulse_not_the_off_beats(prompt):
    """At 72 bpm off-beat hats, tambourines or eighth-note bass read as a 144 bpm pulse (a beat tracker's
    half-time error): every drum lane sounds on the beat and the off-beats are lighter than the beats."""
    arr = _song(prompt)
    assert arr.plan.bpm < 90
    verse = next(p for p in arr.sections if p.kind == "verse")
    bar0, bar1 = verse.start_bar * 4, (verse.start_bar + verse.bars - 1) * 4  # the last bar has a fill
    on, off = {}, {}
    for track in arr.tracks:
        if track.stem not in ("drums", "bass"):
            continue
        for n in track.notes:
            if not bar0 <= n.start < bar1:
                continue
            lane = (track.stem, n.pitch if track.drum else 0)
            beat = abs(n.start - round(n.start)) < 1e-6
            (on if beat else off)[lane] = (on if beat else off).get(lane, 0) + n.velocity
    assert all(lane in on for lane in off), f"lanes only on the off-beats: {set(off) - set(on)}"
    assert sum(off.values()) < 0.5 * sum(on.values())


def test_a_slow_songs_line_ends_with_its_speech_and_holds_the_last_note():
    """Quickly spoken words in a slow song are not spread over the whole line (every syllable stretched):
    the last syllable comes where the spoken rhythm, at most MAX_STRETCH slower, ends, and is held."""
    import random

    from pipelines.song.melody import place_syllables

    stresses = [0, 1, 0, 1, 0, 1, 0, 1]
    for seed in range(20):
        fast, _ = place_syllables(stresses, 8.0, 4, random.Random(seed), 2, [0.12] * 8)
        assert fast[-1] <= 4.0  # 8 syllables of 0.12 beats, at most 2.2x slower on eighths: about 4 beats
    assert place_syllables(stresses, 8.0, 4, random.Random(1), 2)[0][-1] == 5.0  # no speech: the whole line
