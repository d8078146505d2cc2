"""Text cleaning, script parsing, chunk planning and captions: pure Python, no model."""

import pytest

from pipelines.base import RequestError
from pipelines.voice import captions, script, text
from pipelines.voice.request import VoiceRequest
from pipelines.voice.speech import WordTiming


def test_emoji_and_control_codes_are_skipped_and_reported():
    cleaned, notes = text.clean("Hello\x07 there 😀👍🏽 friend\u200b.")
    assert cleaned.split() == ["Hello", "there", "friend."]
    assert any("GRINNING FACE" in n for n in notes)
    assert any("U+0007" in n for n in notes)


def test_text_with_only_punctuation_is_refused_with_a_clear_error():
    with pytest.raises(RequestError, match="no words"):
        VoiceRequest(prompt="... !!! ?? -- 😀")


def test_empty_and_huge_texts_are_refused():
    with pytest.raises(RequestError, match="empty"):
        VoiceRequest(prompt="   \n ")
    with pytest.raises(RequestError, match="100,000 characters"):
        VoiceRequest(prompt="word " * 20_000)


def test_request_round_trips_speaker_pairs_through_json_lists():
    r = VoiceRequest(prompt="ANNA: hi", speakers=(("ANNA", "jf_nezumi"),))
    back = VoiceRequest.from_dict(r.to_dict())
    assert back == r and back.content_hash() == r.content_hash()
    with pytest.raises(RequestError, match="pairs"):
        VoiceRequest(prompt="hi", speakers=(("ANNA",),))


def test_script_reads_speakers_pauses_and_emphasis():
    parts = script.parse(
        "NARRATOR: It began *very* quietly. [pause 500ms]\nANNA: Who is there?\n"
        "ANNA: Hello? [pause 1.5s]\nNARRATOR: Nobody."
    )
    assert [type(p).__name__ for p in parts] == ["Spoken", "Pause", "Spoken", "Pause", "Spoken"]
    assert parts[0].speaker == "NARRATOR" and parts[0].text.split()[2] == "very"
    assert parts[0].emphasis == frozenset({2})
    assert parts[1].seconds == pytest.approx(0.5) and parts[3].seconds == pytest.approx(1.5)
    assert parts[2].text == "Who is there? Hello?"  # one speaker's consecutive lines are joined
    assert script.speaker_names(parts) == ["NARRATOR", "ANNA"]


def test_plain_text_colons_are_not_speakers_when_speakers_are_off():
    parts = script.parse("NOTE: this is plain", speakers=False)
    assert parts == [script.Spoken(None, "NOTE: this is plain")]


def test_absurd_pause_is_refused():
    with pytest.raises(RequestError, match="pause"):
        script.parse("Wait [pause 60s] now")


def test_words_keep_the_written_text_and_expand_what_espeak_misreads():
    ws = text.words("In 1995, Dr. Smith left — quickly.")
    assert [w.text for w in ws] == ["In", "1995,", "Dr.", "Smith", "left —", "quickly."]
    assert ws[1].spoken == "19 95," and ws[2].spoken == "Doctor"
    assert not ws[2].ends_sentence and ws[4].ends_phrase and ws[5].ends_sentence


def test_first_chunk_is_short_and_later_chunks_grow_at_sentence_boundaries():
    line = text.words(
        "The keeper climbed the narrow stairs every evening before the sun went down. "
        "He lit the lamp. The ships passed safely. Nobody thanked him, but he did not mind at all."
    )
    chunks = text.plan_chunks(line, first_words=4)
    assert len(chunks[0]) <= 6
    assert sum(len(c) for c in chunks) == len(line)
    assert all(c[-1].ends_phrase for c in chunks[1:])  # later cuts fall at sentence or phrase ends
    assert len(text.plan_chunks(line, first_words=None)) < len(chunks)


def _w(word, start, end, speaker=None):
    return WordTiming(word, start, end, "", speaker)


def test_captions_break_at_sentences_speakers_and_line_length():
    words = [
        _w("Hello", 0.0, 0.4, "A"),
        _w("there.", 0.45, 0.9, "A"),
        _w("Who", 1.2, 1.4, "B"),
        _w("are", 1.45, 1.6, "B"),
        _w("you?", 1.65, 2.0, "B"),
    ]
    cues = captions.cues(words)
    assert [(c.text, c.speaker) for c in cues] == [("Hello there.", "A"), ("Who are you?", "B")]
    long = [_w(f"word{i}", i * 0.3, i * 0.3 + 0.25) for i in range(20)]
    assert all(len(c.text) <= captions.MAX_CUE_CHARS for c in captions.cues(long))


def test_srt_and_vtt_use_their_own_clock_formats():
    cues = [captions.Cue(61.5, 3725.25, "a <b> & c", "ANNA")]
    srt = captions.to_srt(cues)
    vtt = captions.to_vtt(cues)
    assert srt.startswith("1\n00:01:01,500 --> 01:02:05,250\nANNA: a <b> & c")
    assert vtt.startswith("WEBVTT\n\n00:01:01.500 --> 01:02:05.250\n<v ANNA>a &lt;b&gt; &amp; c")


def test_cues_land_on_whole_timeline_frames():
    from fractions import Fraction

    cues = [captions.Cue(1.0, 2.0, "Hi", "ANNA"), captions.Cue(2.0, 2.001, "x")]
    assert captions.cue_frames(cues, Fraction(30000, 1001)) == [(30, 60, "ANNA: Hi"), (60, 61, "x")]


def test_non_verbal_cues_are_removed_for_kokoro_but_pauses_stay():
    text_out, cues = script.drop_cues("[verse] Hello [laughs] there [pause 300ms] friend")
    assert cues == ["[verse]", "[laughs]"]
    assert text_out.split() == ["Hello", "there", "[pause", "300ms]", "friend"]
