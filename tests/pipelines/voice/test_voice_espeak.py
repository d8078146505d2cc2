"""The espeak-ng fallback engine: real speech from the shipped libespeak-ng, with word timings."""

import json

import numpy as np
import pytest
import soundfile as sf

from pipelines.base import RequestError
from pipelines.registry import create, engines
from pipelines.voice.request import VoiceRequest


def test_espeak_is_listed_as_the_fallback():
    specs = {s.engine: s for s in engines("voice")}
    assert "fallback" in specs["espeak"].description and specs["kokoro"].default


def test_espeak_speaks_every_word_including_ones_it_joins(tmp_path):
    request = VoiceRequest(prompt="A test of the fallback voice. [pause 400ms] It works.", sample_rate=24_000)
    result = create("voice", "espeak")(request, output_dir=tmp_path)
    audio, rate = sf.read(result.primary.path, dtype="float32")
    assert rate == 24_000 and np.abs(audio).max() > 0.05
    words = json.loads(result.file("words.json").path.read_text())["words"]
    # espeak-ng reports "of the" as one word event; both words still get a time
    assert [w["word"] for w in words] == ["A", "test", "of", "the", "fallback", "voice.", "It", "works."]
    starts = [w["start"] for w in words]
    assert starts == sorted(starts) and words[6]["start"] - words[5]["end"] >= 0.4
    assert words[-1]["end"] <= len(audio) / rate + 0.01
    assert result.provenance["engine"] == "espeak" and "fallback" in " ".join(result.provenance["notes"])


def test_unknown_espeak_voice_is_a_clear_error(tmp_path):
    with pytest.raises(RequestError, match="espeak-ng voice"):
        create("voice", "espeak")(VoiceRequest(prompt="Hi.", voice="zz-nothing"), output_dir=tmp_path)
