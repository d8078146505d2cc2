"""The image-to-3D request."""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.base import Request, RequestError, check_number


@dataclass(frozen=True)
class ImageTo3DRequest(Request):
    """``image`` is the input picture; ``views_dir`` a folder of posed views (skips view generation)."""

    KIND = "3d"
    image: str = ""
    mask: str = ""
    views_dir: str = ""
    num_views: int = 21
    elevation_deg: float = 10.0
    view_size: int = 576
    train_size: int = 128
    nerf_steps: int = 400
    mesh_faces: int = 20_000
    turntable_seconds: float = 4.0
    turntable_size: int = 256
    fps: int = 24

    def requires_prompt(self) -> bool:
        return False

    def validate(self) -> None:
        super().validate()
        if not self.image and not self.views_dir:
            raise RequestError("give an image (or a folder of posed views) to turn into 3D")
        if not 4 <= self.num_views <= 64:
            raise RequestError(f"views must be 4 to 64, got {self.num_views}")
        check_number("elevation", self.elevation_deg, -89.0, 89.0)
        if self.view_size % 16 or not 64 <= self.view_size <= 1024:
            raise RequestError(f"view size must be a multiple of 16 from 64 to 1024, got {self.view_size}")
        check_number("turntable seconds", self.turntable_seconds, 0.5, 60.0)
        for name, value, lo, hi in (("train size", self.train_size, 32, 1024), ("NeRF steps", self.nerf_steps, 1, 100_000),
                                    ("mesh faces", self.mesh_faces, 100, 2_000_000),
                                    ("turntable size", self.turntable_size, 32, 2048), ("fps", self.fps, 1, 120)):
            if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
                raise RequestError(f"{name} must be a whole number from {lo} to {hi}, got {value!r}")
        if self.turntable_size % 2:
            raise RequestError(f"turntable size must be even (H.264), got {self.turntable_size}")
