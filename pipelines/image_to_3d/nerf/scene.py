"""A trained scene: field + occupancy grid + background, saved as one safetensors checkpoint that re-renders."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from pipelines.base import RequestError
from pipelines.image_to_3d.cameras import camera_rays
from pipelines.image_to_3d.nerf.field import BackgroundModel, FieldConfig, RadianceField
from pipelines.image_to_3d.nerf.renderer import render_image
from pipelines.image_to_3d.nerf.sampler import OccupancyGrid


@dataclass
class NerfScene:
    """What training produces. ``background`` is None for views with transparency (rendered over a colour)."""

    field: RadianceField
    grid: OccupancyGrid
    background: BackgroundModel | None
    fov_x: float
    num_steps: int = 128

    @property
    def device(self) -> torch.device:
        return self.field.encoding.table.device

    def render(
        self,
        pose: np.ndarray,
        size: int,
        fov_x: float | None = None,
        background=(1.0, 1.0, 1.0),
        num_steps: int | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """(rgb float32 (size, size, 3), opacity float32 (size, size)) seen from ``pose``; ``num_steps``
        samples per ray (default: the training's)."""
        o, d = camera_rays(pose, size, size, fov_x or self.fov_x)
        o, d = torch.from_numpy(o).to(self.device), torch.from_numpy(d).to(self.device)
        bg = self.background if self.background is not None else background
        rgb, op = render_image(self.field, self.grid, o, d, (size, size), bg, num_steps or self.num_steps)
        return rgb.cpu().numpy(), op.cpu().numpy()

    def render_rgba(self, pose: np.ndarray, size: int, fov_x: float | None = None) -> np.ndarray:
        """uint8 (size, size, 4): colour over black divided by opacity, with opacity as alpha."""
        rgb, op = self.render(pose, size, fov_x, background=(0.0, 0.0, 0.0))
        col = np.where(op[..., None] > 1e-3, rgb / np.maximum(op[..., None], 1e-3), 0.0)
        return (np.clip(np.concatenate([col, op[..., None]], -1), 0, 1) * 255 + 0.5).astype(np.uint8)

    def save(self, path: str | Path, extra: dict | None = None) -> Path:
        """Write a safetensors checkpoint with the field config in its metadata."""
        from safetensors.torch import save_file

        tensors = {f"field.{k}": v.detach().cpu().contiguous() for k, v in self.field.state_dict().items()}
        tensors.update({f"grid.{k}": v.cpu().contiguous() for k, v in self.grid.state().items()})
        if self.background is not None:
            tensors.update({f"background.{k}": v.detach().cpu() for k, v in self.background.state_dict().items()})
        meta = {
            "format": "studio-nerf.1",
            "field_config": json.dumps(self.field.config.to_dict()),
            "fov_x": repr(self.fov_x),
            "num_steps": str(self.num_steps),
            "bound": repr(self.grid.bound),
            **{k: json.dumps(v) for k, v in (extra or {}).items()},
        }
        path = Path(path)
        tmp = path.with_suffix(".tmp")
        save_file(tensors, str(tmp), metadata=meta)
        tmp.replace(path)
        return path

    @classmethod
    def load(cls, path: str | Path, device: str = "cpu") -> NerfScene:
        """Read a checkpoint written by ``save`` (safetensors only)."""
        from safetensors import safe_open

        path = Path(path)
        if path.suffix != ".safetensors":
            raise RequestError(f"{path.name}: NeRF checkpoints must be .safetensors (pickle files are refused)")
        with safe_open(str(path), framework="pt", device=device) as f:
            meta = f.metadata() or {}
            if meta.get("format") != "studio-nerf.1":
                raise RequestError(f"{path.name} is not a Studio NeRF checkpoint")
            tensors = {k: f.get_tensor(k) for k in f.keys()}
        field = RadianceField(FieldConfig(**json.loads(meta["field_config"]))).to(device)
        field.load_state_dict({k[6:]: v for k, v in tensors.items() if k.startswith("field.")})
        grid = OccupancyGrid(float(meta["bound"]), 1, device)
        grid.load_state({k[5:]: v for k, v in tensors.items() if k.startswith("grid.")})
        bg = None
        if any(k.startswith("background.") for k in tensors):
            bg = BackgroundModel().to(device)
            bg.load_state_dict({k[11:]: v for k, v in tensors.items() if k.startswith("background.")})
        return cls(field.eval(), grid, bg, float(meta["fov_x"]), int(meta["num_steps"]))
