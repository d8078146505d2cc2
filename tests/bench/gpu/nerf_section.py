"""The NeRF section of the GPU run: 21 views at 576x576 of a reference object to 30 dB held-out, timed.

Ground-truth views are ray cast with Embree where it is installed, else on the torch device (``TorchRayCaster``):
the bare GPU machine has neither Embree nor rtree, and culled Moller-Trumbore tests are quick on a GPU.
"""

from __future__ import annotations

import time

import numpy as np
import torch


class TorchRayCaster:
    """First hits of rays on a triangle mesh, with trimesh's ``intersects_id`` interface, on a torch device.

    Rays go in chunks of consecutive pixels; when a chunk shares one origin (a pinhole camera), only triangles whose
    projection overlaps the chunk's bounding box (in the chunk's own view plane) are tested, Moller-Trumbore."""

    def __init__(self, mesh, device: str, chunk: int = 4096):
        tri = torch.tensor(np.asarray(mesh.triangles), dtype=torch.float32, device=device)  # (T, 3, 3)
        self.tri, self.device, self.chunk = tri, device, chunk
        self.v0, self.e1, self.e2 = tri[:, 0], tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0]

    def _projector(self, o: torch.Tensor, d: torch.Tensor):
        """For rays ``d`` (R, 3, row-major pixels) from one origin ``o``: their plane coordinates (R, 2) and each
        triangle's bounding box there (T, 4), in a basis around the rays' mean direction; triangles reaching behind the origin get an
        infinite box (always tested)."""
        fwd = torch.nn.functional.normalize(d.mean(0), dim=0)
        step = d[1] - d[0] if len(d) > 1 else torch.tensor([1.0, 0.0, 0.0], device=self.device)  # along a row
        step = step - (step @ fwd) * fwd
        if float(step.norm()) < 1e-9:
            step = torch.linalg.cross(fwd, torch.tensor([0.0, 0.0, 1.0], device=self.device))
        u1 = torch.nn.functional.normalize(step, dim=0)  # image rows run along u1: chunks are thin bands in u2
        u2 = torch.linalg.cross(fwd, u1)
        basis = torch.stack([u1, u2, fwd], 1)  # (3, 3)
        rays = d @ basis
        rays = rays[:, :2] / rays[:, 2:]
        rel = (self.tri - o) @ basis  # (T, 3 vertices, 3)
        z = rel[..., 2]
        plane = rel[..., :2] / z.clamp_min(1e-6)[..., None]
        box = torch.cat([plane.min(1).values, plane.max(1).values], 1)  # (T, 4): xmin, ymin, xmax, ymax
        box[(z <= 1e-6).any(1)] = torch.tensor([-1e9, -1e9, 1e9, 1e9], device=self.device)
        return rays, box

    def intersects_id(self, origins, dirs, multiple_hits=False, return_locations=True):
        o = torch.as_tensor(np.asarray(origins), dtype=torch.float32, device=self.device)  # (R, 3)
        d = torch.as_tensor(np.asarray(dirs), dtype=torch.float32, device=self.device)
        best_t = torch.full((len(o),), float("inf"), device=self.device)
        best_i = torch.full((len(o),), -1, dtype=torch.long, device=self.device)
        pinhole = bool((o == o[0]).all())
        if pinhole:
            plane, box = self._projector(o[0], d)
        everything = torch.arange(len(self.v0), device=self.device)
        for a in range(0, len(o), self.chunk):
            oc, dc = o[a : a + self.chunk], d[a : a + self.chunk]
            idx = everything
            if pinhole:
                lo, hi = plane[a : a + self.chunk].min(0).values - 1e-4, plane[a : a + self.chunk].max(0).values + 1e-4
                idx = torch.nonzero(
                    (box[:, 0] <= hi[0]) & (box[:, 2] >= lo[0]) & (box[:, 1] <= hi[1]) & (box[:, 3] >= lo[1])
                ).flatten()
            if len(idx) == 0:
                continue
            v0, e1, e2 = self.v0[idx][None], self.e1[idx][None], self.e2[idx][None]  # (1, t, 3)
            dd = dc[:, None].expand(-1, len(idx), -1)
            p = torch.linalg.cross(dd, e2.expand(len(dc), -1, -1))
            det = (e1 * p).sum(-1)
            inv = 1.0 / torch.where(det.abs() > 1e-12, det, torch.ones_like(det))
            s = oc[:, None] - v0
            u = (s * p).sum(-1) * inv
            q = torch.linalg.cross(s, e1.expand(len(dc), -1, -1))
            v = (dd * q).sum(-1) * inv
            t = (e2 * q).sum(-1) * inv
            hit = (det.abs() > 1e-12) & (u >= 0) & (v >= 0) & (u + v <= 1) & (t > 1e-6)
            t = torch.where(hit, t, torch.full_like(t, float("inf")))
            tmin, imin = t.min(1)
            best_t[a : a + self.chunk], best_i[a : a + self.chunk] = tmin, idx[imin]
        rays = torch.nonzero(torch.isfinite(best_t)).flatten()
        locations = o[rays] + d[rays] * best_t[rays, None]
        return best_i[rays].cpu().numpy(), rays.cpu().numpy(), locations.cpu().numpy()


def nerf_to_target(run) -> None:
    from pipelines.image_to_3d import raycast
    from pipelines.image_to_3d.cameras import DEFAULT_FOV_X
    from pipelines.image_to_3d.nerf.field import FieldConfig
    from pipelines.image_to_3d.nerf.trainer import TrainConfig, Trainer, evaluate
    from pipelines.image_to_3d.reference_objects import make_object, render_dataset

    tiny = run.tiny
    views, size, target, max_steps, every = (4, 16, 5.0, 2, 2) if tiny else (21, 576, 30.0, 6000, 100)
    mesh = make_object("box_on_sphere")
    import trimesh

    original = raycast._intersector
    if not trimesh.ray.has_embree:  # the bare GPU machine: cast on the device
        raycast._intersector = lambda m: TorchRayCaster(m, run.device, chunk=512 if run.device == "cpu" else 4608)
    try:
        t0 = time.perf_counter()
        train, held_out = render_dataset(mesh, views, size)
        run.emit("nerf", run="ground truth", seconds=round(time.perf_counter() - t0, 2), views=views, size=size)
    finally:
        raycast._intersector = original
    field = FieldConfig() if tiny else FieldConfig(levels=16, log2_table_size=19, max_resolution=2048)
    small = dict(batch_rays=256, grid_resolution=16, num_steps=32) if tiny else dict(batch_rays=1 << 16)
    config = TrainConfig(steps=max_steps, device=run.device, seed=0, field=field, **small)
    trainer = Trainer(train, DEFAULT_FOV_X, config)
    train_s, score, reached = 0.0, 0.0, None
    while trainer.step_count < max_steps and reached is None:
        run.sync()
        t0 = time.perf_counter()
        for _ in range(every):
            trainer.step()
        run.sync()
        train_s += time.perf_counter() - t0
        score = evaluate(
            trainer.scene, held_out[:1] if tiny else held_out
        )  # the clock stops while held-out views render
        if score >= target:
            reached = train_s
    run.emit(
        "nerf",
        run="ours",
        seconds_to_target=None if reached is None else round(reached, 2),
        target_db=target,
        final_db=round(score, 2),
        steps=trainer.step_count,
        train_s=round(train_s, 2),
        goal_s=30.0,
    )
