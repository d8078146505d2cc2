"""The voice-over request."""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.base import Request, RequestError, check_number
from pipelines.voice.text import MAX_TEXT_CHARS, check_speakable, clean


@dataclass(frozen=True)
class VoiceRequest(Request):
    """``prompt`` is the text to speak, or a script with ``SPEAKER: line`` lines, ``[pause 500ms]`` and
    ``*emphasis*``. ``speakers`` maps script speakers to voices; others get installed voices in turn."""

    KIND = "voice"
    voice: str = ""  # empty: the engine's default voice
    speakers: tuple[tuple[str, str], ...] = ()  # (speaker name, voice) pairs for scripts
    speed: float = 1.0
    language: str = ""  # espeak-ng code (en-us, en-gb, ja ...); empty: detected from the text
    sample_rate: int = 48_000

    def validate(self) -> None:
        # long narration is allowed up to MAX_TEXT_CHARS (the generic prompt limit is for prompts)
        if not isinstance(self.prompt, str) or not self.prompt.strip():
            raise RequestError("text is empty: write what the voice should say")
        if len(self.prompt) > MAX_TEXT_CHARS:
            raise RequestError(
                f"text is {len(self.prompt):,} characters; the limit is {MAX_TEXT_CHARS:,} "
                "(split it into several voice clips)"
            )
        check_speakable(clean(self.prompt)[0])
        check_number("speed", self.speed, 0.5, 2.0)
        if self.sample_rate not in (24_000, 48_000):
            raise RequestError(f"sample rate must be 24000 or 48000 Hz, got {self.sample_rate!r}")
        if not isinstance(self.voice, str):
            raise RequestError(f"voice must be a name, got {self.voice!r}")
        if not isinstance(self.language, str) or (self.language and not self.language.strip()):
            raise RequestError("language must be a code such as en-us or en-gb (or empty: detected)")
        if isinstance(self.speakers, (tuple, list)):  # pairs read back from JSON arrive as lists
            object.__setattr__(self, "speakers", tuple(tuple(p) if isinstance(p, list) else p for p in self.speakers))
        else:
            raise RequestError(f"speakers must be (speaker, voice) pairs, got {self.speakers!r}")
        for pair in self.speakers:
            if not (isinstance(pair, (tuple, list)) and len(pair) == 2 and all(isinstance(x, str) and x for x in pair)):
                raise RequestError(f"speakers must be (speaker, voice) pairs, got {pair!r}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or not 0 <= self.seed < 2**63:
            raise RequestError(f"seed must be an integer from 0 to 2**63-1, got {self.seed!r}")
