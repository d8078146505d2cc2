"""The song request."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.base import Request, RequestError, check_number

MAX_LYRIC_LINES = 400  # an 8-minute song (the draft engine's limit) holds about 100 sung lines
MAX_LYRIC_CHARS = 20_000


@dataclass(frozen=True)
class SongRequest(Request):
    KIND = "song"
    lyrics: str = ""  # with [verse]/[chorus]/[bridge] tags; empty: instrumental
    duration: float | None = None  # seconds; None: derived from the structure
    bpm: float | None = None  # None: from the prompt or the genre
    key: str = ""  # "A minor", "F# major"; empty: from the prompt or the seed
    time_signature: str = ""  # "4/4", "3/4", "6/8"
    variations: int = 2
    extend_from: str = ""  # path of a previous song's asset to extend
    extend_seconds: float = 0.0
    restyle_from: str = ""  # path of a previous song to restyle
    extend_sections: str = ""  # sections to add when extending, e.g. "chorus outro"
    voice: str = ""  # singing voice (a voice-over voice name); empty: the default
    instrumental: bool = False  # ignore the lyrics: no vocals

    def requires_prompt(self) -> bool:
        return not (self.restyle_from or self.extend_from)

    def validate(self) -> None:
        super().validate()
        if self.duration is not None:
            check_number("duration", self.duration)
            if self.duration <= 0:
                raise RequestError(f"duration must be > 0 s, got {self.duration:g}")
        if self.bpm is not None:
            check_number("tempo", self.bpm)
            if not 40 <= self.bpm <= 240:
                raise RequestError(f"tempo must be between 40 and 240 bpm, got {self.bpm:g}")
        if self.variations not in (1, 2, 3, 4):
            raise RequestError(f"variations must be 1 to 4, got {self.variations!r}")
        check_number("extend seconds", self.extend_seconds, 0.0, 600.0)
        if self.key:
            from pipelines.song.theory import parse_key

            parse_key(self.key)
        if self.time_signature:
            from pipelines.song.plan import check_meter

            check_meter(self.time_signature)
        if not isinstance(self.lyrics, str):
            raise RequestError(f"lyrics must be text, got {type(self.lyrics).__name__}")
        lines = self.lyrics.count("\n") + 1
        if lines > MAX_LYRIC_LINES or len(self.lyrics) > MAX_LYRIC_CHARS:
            raise RequestError(
                f"the lyrics have {lines:,} lines and {len(self.lyrics):,} characters; a song takes "
                f"at most {MAX_LYRIC_LINES} lines and {MAX_LYRIC_CHARS:,} characters"
            )
        if self.lyrics.strip() and not re.search(r"(?m)^(?!\s*\[)[^\n]*[A-Za-z]", self.lyrics):
            if any(ch.isalpha() for ch in re.sub(r"\[[^\]]*\]", "", self.lyrics)):
                from pipelines.voice.language import detect_language, language_name

                raise RequestError(
                    f"the lyrics look {language_name(detect_language(self.lyrics))}: the draft "
                    "singer sings words in Latin letters only (English is best)"
                )
            raise RequestError(
                "the lyrics have no singable words (only tags or punctuation); "
                "write words, or leave the lyrics empty for an instrumental"
            )
        if (self.extend_seconds or self.extend_sections) and not self.extend_from:
            raise RequestError("extend seconds or sections were given without a song to extend")
        if self.extend_from and not (self.extend_seconds or self.extend_sections):
            raise RequestError("say how much to extend the song by: seconds or sections")
        if self.extend_from and self.restyle_from:
            raise RequestError("a request can extend a song or restyle one, not both")
