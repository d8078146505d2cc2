"""The video-shot request."""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.base import Request, RequestError, validate_common_duration

CAMERA_MOVES = (
    "",
    "static",
    "push-in",
    "pull-out",
    "pan-left",
    "pan-right",
    "tilt-up",
    "tilt-down",
    "orbit",
    "handheld",
)


@dataclass(frozen=True)
class VideoRequest(Request):
    KIND = "video"
    duration: float = 5.0
    fps: int = 24
    width: int = 1280
    height: int = 720
    variations: int = 1
    camera: str = ""  # one of CAMERA_MOVES; empty: from the prompt
    image: str = ""  # start image path (image-to-video)
    end_image: str = ""
    extend_from: str = ""  # a previous shot to continue

    def requires_prompt(self) -> bool:
        return not (self.image or self.extend_from)

    def validate(self) -> None:
        super().validate()
        validate_common_duration(self.duration, 1.0, 20.0)
        if self.fps not in (24, 25, 30):
            raise RequestError(f"frame rate must be 24, 25 or 30, got {self.fps!r}")
        for name, v in (("width", self.width), ("height", self.height)):
            if isinstance(v, bool) or not isinstance(v, int) or v < 64:
                raise RequestError(f"{name} must be a whole number of pixels >= 64, got {v!r}")
        if self.width * self.height > 1920 * 1080 or max(self.width, self.height) > 1920:
            raise RequestError(f"size {self.width}x{self.height} is over the 1920x1080 limit")
        if self.width % 2 or self.height % 2:
            raise RequestError(f"size {self.width}x{self.height} must be even in both directions")
        if self.variations not in (1, 2, 3, 4):
            raise RequestError(f"variations must be 1 to 4, got {self.variations!r}")
        if self.camera not in CAMERA_MOVES:
            raise RequestError(f"unknown camera move {self.camera!r}; choose one of: {', '.join(CAMERA_MOVES[1:])}")
