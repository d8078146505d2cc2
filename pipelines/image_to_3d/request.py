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
    nerf_steps: int = 1500
    mesh_faces: int = 20_000
    turntable_seconds: float = 4.0
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
