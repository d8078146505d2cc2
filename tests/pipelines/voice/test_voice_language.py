"""Which language a text is in: scripts first, then common words; English when in doubt."""

import pytest

from pipelines.voice.kokoro_model import default_voice, phoneme_language
from pipelines.voice.language import detect_language, espeak_code


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The city lights are fading out", "en"),
        ("Hello.", "en"),
        ("NARRATOR: Hello there, Anna.", "en"),
        ("I love you, mi amor", "en"),
        ("Le soleil se lève sur la mer et je pense à toi", "fr"),
        ("El sol sale y la noche se va con mi corazón", "es"),
        ("Der Mond ist aufgegangen und die Sterne sind da", "de"),
        ("こんにちは、世界", "ja"),
        ("我爱你", "zh"),
        ("Привет, мир", "ru"),
    ],
)
def test_language_is_detected_from_script_and_common_words(text, language):
    assert detect_language(text) == language


def test_text_with_no_letters_counts_as_english():
    assert detect_language("123 ... !!!") == "en"


def test_voice_and_phonemes_follow_the_language():
    assert default_voice("en") == "af_heart" and default_voice("en-gb") == "bf_emma"
    assert default_voice("ja") == "jm_kumo" and default_voice("fr") == "af_heart"
    assert phoneme_language("bm_george", "en") == "en-gb" and phoneme_language("af_heart", "en") == "en-us"
    assert phoneme_language("jm_kumo", "en") == "en-us"  # a Japanese voice reading English: American phonemes
    assert phoneme_language("af_heart", "fr") == "fr-fr" == espeak_code("fr")
