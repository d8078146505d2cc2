"""Which language a text is written in, well enough to pick a voice and warn about a mismatch.

Scripts decide first (kana -> Japanese, hangul -> Korean, han -> Chinese, Cyrillic, Greek, Arabic,
Devanagari); Latin text is scored by its most common function words per language, and defaults to
English when nothing stands out (names, short lines). Codes are espeak-ng's (``en``, ``fr``, ``ja`` ...).
"""

from __future__ import annotations

import re
import unicodedata

# The commonest short words of each Latin-script language Kokoro has voices for (and German, which it lacks).
_FUNCTION_WORDS = {
    "en": "the and to of a in is you that it he was for on are with as i his they be at one have this from or "
    "had by not but what all were we when your can said there use an each which she do how their if will "
    "up my me so no oh our her into night love heart",
    "fr": "le la les de des du un une et est que qui dans pour pas sur au aux ce il elle je tu nous vous ne "
    "avec mon ma mes son sa ses moi toi c'est j'ai",
    "es": "el la los las de del y que en un una es por con no se su para al lo como mi más pero sus le ya o "
    "yo tu te me muy sin sobre ser también",
    "de": "der die das und ist nicht ein eine ich du er sie es wir ihr zu mit von auf für dem den des auch "
    "sich noch wie aber nur mein dein",
    "it": "il lo la gli le di e che un una è per non con si sono del della mi ti ma anche io tu lui lei noi "
    "voi come più",
    "pt": "o a os as de do da dos das e que em um uma é para com não se por mais mas eu você ele ela nós "
    "meu minha seu sua",
}
_WORDS = {lang: set(text.split()) for lang, text in _FUNCTION_WORDS.items()}
NAMES = {
    "en": "English",
    "fr": "French",
    "es": "Spanish",
    "de": "German",
    "it": "Italian",
    "pt": "Portuguese",
    "ja": "Japanese",
    "zh": "Chinese",
    "ko": "Korean",
    "ru": "Russian",
    "el": "Greek",
    "ar": "Arabic",
    "hi": "Hindi",
}


def _script_language(text: str) -> str | None:
    counts: dict[str, int] = {}
    for ch in text:
        if not ch.isalpha():
            continue
        name = unicodedata.name(ch, "")
        if name.startswith(("HIRAGANA", "KATAKANA")):
            key = "ja"
        elif name.startswith("HANGUL"):
            key = "ko"
        elif name.startswith("CJK"):
            key = "zh"
        elif name.startswith("CYRILLIC"):
            key = "ru"
        elif name.startswith("GREEK"):
            key = "el"
        elif name.startswith("ARABIC"):
            key = "ar"
        elif name.startswith("DEVANAGARI"):
            key = "hi"
        else:
            key = "latin"
        counts[key] = counts.get(key, 0) + 1
    if not counts:
        return None
    if counts.get("ja"):  # Japanese mixes kana with han characters
        counts["ja"] += counts.pop("zh", 0)
    best = max(counts, key=counts.__getitem__)
    return None if best == "latin" else best


def detect_language(text: str) -> str:
    """The language ``text`` is most likely in, as an espeak-ng code; ``en`` for Latin text with no clear sign."""
    by_script = _script_language(text)
    if by_script:
        return by_script
    tokens = re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?", text.lower())
    if not tokens:
        return "en"
    scores = {lang: sum(t in words for t in tokens) for lang, words in _WORDS.items()}
    accents = sum(1 for ch in text if unicodedata.combining(unicodedata.normalize("NFD", ch)[-1]))
    best = max(scores, key=scores.__getitem__)
    # English wins ties and weak evidence; another language needs clearly more of its own words
    if best != "en" and scores[best] >= max(2, 1.5 * scores["en"] + (0 if accents else 1)):
        return best
    return "en"


# espeak-ng's names for the languages detect_language() returns
_ESPEAK = {
    "en": "en-us",
    "fr": "fr-fr",
    "es": "es",
    "de": "de",
    "it": "it",
    "pt": "pt-br",
    "ja": "ja",
    "zh": "cmn",
    "ko": "ko",
    "ru": "ru",
    "el": "el",
    "ar": "ar",
    "hi": "hi",
}


def espeak_code(code: str) -> str:
    """espeak-ng's language name for a detected language (``fr`` -> ``fr-fr``); full codes pass through."""
    return code if "-" in code else _ESPEAK.get(code, code)


def language_name(code: str) -> str:
    return NAMES.get(code.split("-")[0], code)
