"""The sound-effect request."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.base import Request, RequestError, check_number, validate_common_duration


@dataclass(frozen=True)
class SoundEffectRequest(Request):
    KIND = "sfx"
    duration: float = 3.0  # seconds; engines enforce their own maximum
    loop: bool = False
    variations: int = 1
    prompt_influence: float = 0.5
    sample_rate: int = 48_000
    stereo: bool = True
    # a shot made by Studio's draft video engine: make its effects track, synchronised with what happens in it
    # (the prompt may then be empty; the duration is the shot's). See ``pipelines.sfx.for_shot``.
    for_shot: str = ""
    # sha256 of the shot's file when the request was made: the cache key follows the shot's content, so a shot
    # re-generated at the same path gets new sound instead of the stale cached track
    shot_sha256: str = ""

    def to_dict(self) -> dict:
        """The fields, leaving out an empty ``for_shot`` and ``shot_sha256`` so every request made before they
        existed keeps its hash (and its cached results)."""
        out = super().to_dict()
        for name in ("for_shot", "shot_sha256"):
            if not out[name]:
                del out[name]
        return out

    def requires_prompt(self) -> bool:
        return not self.for_shot

    def validate(self) -> None:
        super().validate()
        validate_common_duration(self.duration, 0.5, 120.0)
        if self.variations not in (1, 2, 3, 4):
            raise RequestError(f"variations must be 1 to 4, got {self.variations!r}")
        check_number("prompt influence", self.prompt_influence, 0.0, 1.0)
        if self.sample_rate not in (44_100, 48_000):
            raise RequestError(f"sample rate must be 48000 or 44100 Hz, got {self.sample_rate!r}")
        if not isinstance(self.for_shot, str):
            raise RequestError(f"for_shot must be the path of a video shot, got {type(self.for_shot).__name__}")
        if not isinstance(self.shot_sha256, str) or (
            self.shot_sha256 and not re.fullmatch(r"[0-9a-f]{64}", self.shot_sha256)
        ):
            raise RequestError(f"shot_sha256 must be 64 lowercase hex digits, got {self.shot_sha256!r}")
        if self.shot_sha256 and not self.for_shot:
            raise RequestError("shot_sha256 is the content hash of a shot: it needs for_shot")
