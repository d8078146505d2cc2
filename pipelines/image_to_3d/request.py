"""The image-to-3D request, and the quality presets a creator picks from (draft, standard, high)."""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.base import Request, RequestError, check_number


@dataclass(frozen=True)
class Quality:
    """What one quality level costs and aims for: the NeRF's training size and step budget, the held-out PSNR at
    which training stops early, and the lattice the mesh is extracted from."""

    train_size: int
    max_steps: int
    target_psnr: float
    mesh_resolution: int
    batch_rays: int


QUALITIES = {
    "draft": Quality(train_size=96, max_steps=150, target_psnr=25.0, mesh_resolution=96, batch_rays=2048),
    "standard": Quality(train_size=128, max_steps=400, target_psnr=30.0, mesh_resolution=128, batch_rays=4096),
    "high": Quality(train_size=192, max_steps=1500, target_psnr=34.0, mesh_resolution=192, batch_rays=4096),
}


@dataclass(frozen=True)
class ImageTo3DRequest(Request):
    """``image`` is the input picture; ``views_dir`` a folder of posed views (skips view generation).

    ``quality`` picks the training budget; ``nerf_steps`` and ``train_size`` override it when not 0.
    ``height`` is the exported object's height in metres (base on y = 0); 0 keeps the scale and position of a
    posed views folder (the source's own units) and means 0.3 m for a picture. ``texture`` adds a baked,
    UV-unwrapped texture to the GLB besides the vertex colours.
    """

    KIND = "3d"
    image: str = ""
    mask: str = ""
    views_dir: str = ""
    num_views: int = 21
    elevation_deg: float = 10.0
    view_size: int = 576
    quality: str = "standard"
    train_size: int = 0
    nerf_steps: int = 0
    mesh_faces: int = 20_000
    height: float = 0.0
    texture: bool = False
    texture_size: int = 1024
    turntable_seconds: float = 4.0
    turntable_size: int = 256
    fps: int = 24

    def requires_prompt(self) -> bool:
        return False

    @property
    def preset(self) -> Quality:
        return QUALITIES[self.quality]

    @property
    def training_size(self) -> int:
        return self.train_size or self.preset.train_size

    @property
    def max_steps(self) -> int:
        return self.nerf_steps or self.preset.max_steps

    @property
    def object_height(self) -> float | None:
        """Metres for the export, or None to keep a views folder's own frame."""
        if self.height:
            return self.height
        return None if self.views_dir else 0.3

    def validate(self) -> None:
        super().validate()
        if not self.image and not self.views_dir:
            raise RequestError("give an image (or a folder of posed views) to turn into 3D")
        if self.quality not in QUALITIES:
            raise RequestError(f"quality must be one of {', '.join(QUALITIES)}, got {self.quality!r}")
        if not 4 <= self.num_views <= 64:
            raise RequestError(f"views must be 4 to 64, got {self.num_views}")
        check_number("elevation", self.elevation_deg, -89.0, 89.0)
        check_number("height", self.height, 0.0, 1000.0)
        if self.view_size % 16 or not 64 <= self.view_size <= 1024:
            raise RequestError(f"view size must be a multiple of 16 from 64 to 1024, got {self.view_size}")
        check_number("turntable seconds", self.turntable_seconds, 0.5, 60.0)
        for name, value, lo, hi in (
            ("train size", self.train_size, 0, 1024),
            ("steps", self.nerf_steps, 0, 100_000),
            ("mesh faces", self.mesh_faces, 100, 2_000_000),
            ("texture size", self.texture_size, 64, 8192),
            ("turntable size", self.turntable_size, 32, 2048),
            ("fps", self.fps, 1, 120),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
                raise RequestError(f"{name} must be a whole number from {lo} to {hi}, got {value!r}")
        if 0 < self.train_size < 32:
            raise RequestError(f"train size must be 0 (by quality) or 32 to 1024, got {self.train_size}")
        if not isinstance(self.texture, bool):
            raise RequestError(f"texture must be true or false, got {self.texture!r}")
        if self.turntable_size % 2:
            raise RequestError(f"turntable size must be even (H.264), got {self.turntable_size}")
