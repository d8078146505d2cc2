"""The song request."""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.base import Request, RequestError, check_number


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

    def requires_prompt(self) -> bool:
        return not self.restyle_from

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
