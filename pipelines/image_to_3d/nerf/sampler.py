"""Where to evaluate the field along rays: stratified steps inside the scene box, skipping empty space
with an occupancy grid (as Instant-NGP does), seeded by carving the views' silhouettes."""

from __future__ import annotations

import math

import torch


def ray_box(origins: torch.Tensor, dirs: torch.Tensor, bound: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Entry and exit distances (R,) of rays (R, 3) through the box [-bound, bound]^3; exit <= entry on a miss."""
    inv = 1.0 / torch.where(dirs.abs() < 1e-9, torch.full_like(dirs, 1e-9), dirs)
    t0, t1 = (-bound - origins) * inv, (bound - origins) * inv
    near = torch.minimum(t0, t1).amax(-1).clamp_min(0.0)
    far = torch.maximum(t0, t1).amin(-1)
    return near, far


class OccupancyGrid:
    """A (res, res, res) boolean grid over the scene box marking cells that may hold density.

    ``density_ema`` keeps a running maximum-decayed density per cell; cells whose density times the
    step length falls below ``threshold`` are skipped.
    """

    def __init__(self, bound: float, resolution: int = 64, device: str | torch.device = "cpu"):
        self.bound, self.res = bound, resolution
        self.occupied = torch.ones((resolution,) * 3, dtype=torch.bool, device=device)
        self.density_ema = torch.zeros((resolution,) * 3, device=device)
        self.hull = self.occupied.clone()

    def cell_centres(self) -> torch.Tensor:
        """(res**3, 3) world positions of cell centres, in (x, y, z) index order."""
        r = (torch.arange(self.res, device=self.occupied.device) + 0.5) / self.res * 2 * self.bound - self.bound
        return torch.stack(torch.meshgrid(r, r, r, indexing="ij"), -1).reshape(-1, 3)

    def lookup(self, x: torch.Tensor) -> torch.Tensor:
        """(..., 3) world points -> (...) bool occupied."""
        i = ((x + self.bound) / (2 * self.bound) * self.res).long().clamp(0, self.res - 1)
        return self.occupied[i[..., 0], i[..., 1], i[..., 2]]

    def carve(self, poses: torch.Tensor, alphas: torch.Tensor, fov_x: float, margin_px: int = 2) -> None:
        """Keep only cells inside every view's silhouette (a visual hull). poses (V, 4, 4), alphas (V, H, W)."""
        v, h, w = alphas.shape
        focal = 0.5 * w / math.tan(0.5 * fov_x)
        sil = alphas > 0.02
        if margin_px:
            k = 2 * margin_px + 1
            sil = torch.nn.functional.max_pool2d(sil[:, None].float(), k, 1, margin_px)[:, 0] > 0
        centres = self.cell_centres()
        half = self.bound / self.res * 1.8  # cell radius, so thin parts are kept
        keep = torch.ones(centres.shape[0], dtype=torch.bool, device=centres.device)
        for pose, s in zip(poses, sil, strict=False):
            rel = (centres - pose[:3, 3]) @ pose[:3, :3]  # camera coordinates (N, 3)
            depth = (-rel[:, 2]).clamp_min(1e-6)
            u = rel[:, 0] / depth * focal + 0.5 * w
            vv = -rel[:, 1] / depth * focal + 0.5 * h
            pad = half / depth * focal
            inside = (u >= -pad) & (u < w + pad) & (vv >= -pad) & (vv < h + pad)
            ui, vi = u.long().clamp(0, w - 1), vv.long().clamp(0, h - 1)
            keep &= ~inside | s[vi, ui]
        self.hull = keep.reshape((self.res,) * 3)
        self.occupied &= self.hull

    @torch.no_grad()
    def update(
        self, density_fn, step_size: float, threshold: float = 0.01, decay: float = 0.95, chunk: int = 65536
    ) -> float:
        """Re-evaluate density at jittered points in the cells of the hull; returns the occupied fraction."""
        cells = self.hull.reshape(-1).nonzero()[:, 0]
        centres = self.cell_centres()[cells]
        jitter = (torch.rand_like(centres) - 0.5) * (2 * self.bound / self.res)
        pts = centres + jitter
        dens = torch.cat([density_fn(pts[i : i + chunk]) for i in range(0, len(pts), chunk)])
        ema = self.density_ema.reshape(-1)
        ema[cells] = torch.maximum(ema[cells] * decay, dens)
        occ = torch.zeros_like(ema, dtype=torch.bool)
        occ[cells] = ema[cells] * step_size > threshold
        self.occupied = occ.reshape((self.res,) * 3)
        return float(self.occupied.float().mean())

    def state(self) -> dict[str, torch.Tensor]:
        return {
            "occupancy": self.occupied.to(torch.uint8),
            "hull": self.hull.to(torch.uint8),
            "density_ema": self.density_ema,
        }

    def load_state(self, state: dict[str, torch.Tensor]) -> None:
        self.occupied = state["occupancy"].bool()
        self.hull = state["hull"].bool()
        self.density_ema = state["density_ema"].float()
        self.res = self.occupied.shape[0]


class RaySamples:
    """Samples along a batch of rays: ``t`` (R, S) distances, ``points`` (R, S, 3), ``valid`` (R, S) bool."""

    def __init__(self, t: torch.Tensor, points: torch.Tensor, valid: torch.Tensor, step: float):
        self.t, self.points, self.valid, self.step = t, points, valid, step


def sample_rays(
    origins: torch.Tensor, dirs: torch.Tensor, grid: OccupancyGrid, num_steps: int = 128, stratified: bool = True
) -> RaySamples:
    """Steps of fixed length (box diagonal / num_steps) from where each ray (R, 3) enters the box."""
    step = 2 * grid.bound * math.sqrt(3) / num_steps
    near, far = ray_box(origins, dirs, grid.bound)
    k = torch.arange(num_steps, device=origins.device, dtype=origins.dtype)
    offset = torch.rand(origins.shape[0], 1, device=origins.device) if stratified else 0.5
    t = near[:, None] + (k[None] + offset) * step  # (R, S)
    points = origins[:, None] + t[..., None] * dirs[:, None]
    valid = (t < far[:, None]) & grid.lookup(points)
    return RaySamples(t, points, valid, step)
