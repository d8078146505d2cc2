"""A trained field read on a lattice and at points: the density volume that marching cubes meshes, and the
colour of each mesh vertex. Part of the NeRF (it runs the field), used by ``pipelines.image_to_3d.mesh``."""

from __future__ import annotations

import numpy as np
import torch

from pipelines.image_to_3d.nerf.scene import NerfScene


@torch.no_grad()
def density_volume(scene: NerfScene, resolution: int = 128, chunk: int = 131072) -> np.ndarray:
    """Density sampled on a (res, res, res) lattice spanning the box, (x, y, z) index order; 0 in empty cells."""
    b = scene.grid.bound
    r = torch.linspace(-b, b, resolution, device=scene.device)
    pts = torch.stack(torch.meshgrid(r, r, r, indexing="ij"), -1).reshape(-1, 3)
    occ = scene.grid.occupied.float()[None, None]
    near = torch.nn.functional.max_pool3d(occ, 3, 1, 1)[0, 0] > 0  # one cell of slack around occupied space
    i = ((pts + b) / (2 * b) * scene.grid.res).long().clamp(0, scene.grid.res - 1)
    live = near[i[:, 0], i[:, 1], i[:, 2]].nonzero()[:, 0]
    dens = torch.zeros(pts.shape[0], device=scene.device)
    for k in range(0, len(live), chunk):
        sel = live[k : k + chunk]
        dens[sel] = scene.field.density(pts[sel])[0]
    return dens.reshape((resolution,) * 3).cpu().numpy()


@torch.no_grad()
def colour_vertices(scene: NerfScene, vertices: np.ndarray, normals: np.ndarray) -> np.ndarray:
    """uint8 (V, 4) colours: the field's radiance at each vertex, seen from outside along its normal."""
    x = torch.from_numpy(np.ascontiguousarray(vertices, np.float32)).to(scene.device)
    d = -torch.from_numpy(np.ascontiguousarray(normals, np.float32)).to(scene.device)
    d = d / d.norm(dim=-1, keepdim=True).clamp_min(1e-6)
    rgb = torch.cat([scene.field(x[i : i + 65536], d[i : i + 65536])[1] for i in range(0, len(x), 65536)])
    rgba = torch.cat([rgb, torch.ones_like(rgb[:, :1])], -1)
    return (rgba.clamp(0, 1) * 255 + 0.5).to(torch.uint8).cpu().numpy()
