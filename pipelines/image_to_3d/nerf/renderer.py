"""Volume rendering: composite field samples along rays into colours, opacity and depth."""

from __future__ import annotations

import torch

from pipelines.image_to_3d.nerf.field import BackgroundModel, RadianceField
from pipelines.image_to_3d.nerf.sampler import OccupancyGrid, RaySamples, sample_rays


def composite(sigma: torch.Tensor, rgb: torch.Tensor, step: float) -> tuple[torch.Tensor, torch.Tensor]:
    """sigma (R, S), rgb (R, S, 3) -> (colour (R, 3) over black, weights (R, S))."""
    alpha = 1.0 - torch.exp(-sigma * step)
    trans = torch.cumprod(torch.cat([torch.ones_like(alpha[:, :1]), 1.0 - alpha[:, :-1] + 1e-10], 1), 1)
    weights = alpha * trans
    return (weights[..., None] * rgb).sum(1), weights


def render_rays(
    field: RadianceField,
    grid: OccupancyGrid,
    origins: torch.Tensor,
    dirs: torch.Tensor,
    background: torch.Tensor | BackgroundModel,
    num_steps: int = 128,
    stratified: bool = True,
) -> dict[str, torch.Tensor]:
    """Render rays (R, 3): {"rgb" (R, 3), "opacity" (R,), "depth" (R,), "samples" () evaluated count}.

    ``background`` is a colour (3,) / (R, 3) or a BackgroundModel queried by direction.
    """
    s: RaySamples = sample_rays(origins, dirs, grid, num_steps, stratified)
    r, n = s.valid.shape
    sigma = torch.zeros(r, n, device=origins.device)
    rgb = torch.zeros(r, n, 3, device=origins.device)
    if s.valid.any():
        pts = s.points[s.valid]
        d = dirs[:, None].expand(r, n, 3)[s.valid]
        sig, col = field(pts, d)
        sigma = sigma.masked_scatter(s.valid, sig)
        rgb = rgb.masked_scatter(s.valid[..., None].expand(r, n, 3), col)
    colour, weights = composite(sigma, rgb, s.step)
    opacity = weights.sum(1)
    bg = background(dirs) if isinstance(background, BackgroundModel) else background
    return {
        "rgb": colour + (1.0 - opacity[:, None]) * bg,
        "opacity": opacity,
        "depth": (weights * s.t).sum(1) / opacity.clamp_min(1e-6),
        "distortion": distortion(weights, s.t, s.step),
        "samples": s.valid.sum(),
    }


def distortion(weights: torch.Tensor, t: torch.Tensor, step: float) -> torch.Tensor:
    """mip-NeRF 360's distortion loss per ray (R,): small when each ray's weight sits in one thin interval,
    which clears the fog and floaters a plain photometric loss leaves inside the visual hull.

    sum_ij w_i w_j |t_i - t_j| + 1/3 sum_i w_i^2 step, computed in O(S) with prefix sums.
    """
    w_before = torch.cumsum(weights, 1) - weights
    wt_before = torch.cumsum(weights * t, 1) - weights * t
    cross = 2.0 * (weights * (t * w_before - wt_before)).sum(1)
    return cross + (weights * weights).sum(1) * step / 3.0


@torch.no_grad()
def render_image(
    field: RadianceField,
    grid: OccupancyGrid,
    origins: torch.Tensor,
    dirs: torch.Tensor,
    size: tuple[int, int],
    background=(1.0, 1.0, 1.0),
    num_steps: int = 128,
    chunk: int = 16384,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Render a whole image: (rgb (H, W, 3), opacity (H, W)) in [0, 1] from rays (H*W, 3)."""
    if not isinstance(background, (torch.Tensor, BackgroundModel)):
        background = torch.tensor(background, dtype=torch.float32, device=origins.device)
    rgbs, ops = [], []
    for i in range(0, origins.shape[0], chunk):
        out = render_rays(field, grid, origins[i : i + chunk], dirs[i : i + chunk], background, num_steps, False)
        rgbs.append(out["rgb"])
        ops.append(out["opacity"])
    h, w = size
    return torch.cat(rgbs).reshape(h, w, 3).clamp(0, 1), torch.cat(ops).reshape(h, w).clamp(0, 1)
