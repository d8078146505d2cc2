"""Fit a NerfScene to posed RGBA views, reporting PSNR and a preview as it goes; cancellable between steps."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from pipelines.image_to_3d.cameras import View, camera_rays
from pipelines.image_to_3d.nerf.field import BackgroundModel, FieldConfig, RadianceField
from pipelines.image_to_3d.nerf.renderer import render_rays
from pipelines.image_to_3d.nerf.sampler import OccupancyGrid
from pipelines.image_to_3d.nerf.scene import NerfScene


@dataclass(frozen=True)
class TrainConfig:
    """Training settings; ``target_psnr`` on held-out views stops early when reached (checked every eval)."""

    steps: int = 1500
    batch_rays: int = 4096
    lr: float = 1e-2
    num_steps: int = 128  # samples per ray across the box diagonal
    grid_resolution: int = 64
    grid_update_every: int = 16
    grid_warmup: int = 64
    distortion_weight: float = 0.01
    eval_every: int = 25
    eval_rays: int = 8192  # held-out pixels scored per evaluation (a fixed random subset of the held-out views)
    preview_every: int = 250
    preview_size: int = 64
    target_psnr: float | None = None
    seed: int = 0
    device: str = "cpu"
    threads: int | None = None
    field: FieldConfig = FieldConfig()


def psnr(a: np.ndarray | torch.Tensor, b: np.ndarray | torch.Tensor) -> float:
    """Peak signal-to-noise ratio in dB of two images in [0, 1]."""
    mse = float(((torch.as_tensor(a, dtype=torch.float64) - torch.as_tensor(b, dtype=torch.float64)) ** 2).mean())
    return 10.0 * math.log10(1.0 / max(mse, 1e-12))


def over_white(rgba: np.ndarray) -> np.ndarray:
    """uint8 (H, W, 4) -> float (H, W, 3) composited over white."""
    x = rgba.astype(np.float32) / 255.0
    return x[..., :3] * x[..., 3:] + (1.0 - x[..., 3:])


def evaluate(scene: NerfScene, views: list[View]) -> float:
    """Mean PSNR (dB) over views, rendered and compared over white."""
    scores = [psnr(scene.render(v.pose, v.image.shape[1])[0], over_white(v.image)) for v in views]
    return float(np.mean(scores))


class HeldOutPixels:
    """A fixed random subset of held-out pixels: its PSNR estimates the full images' PSNR (over white) at a small
    fraction of the cost of rendering them, so training can check its quality often."""

    def __init__(self, views: list[View], fov_x: float, count: int, device: torch.device, seed: int = 0):
        rays = [camera_rays(v.pose, v.image.shape[1], v.image.shape[0], fov_x) for v in views]
        origins = np.concatenate([r[0] for r in rays])
        dirs = np.concatenate([r[1] for r in rays])
        want = np.concatenate([over_white(v.image).reshape(-1, 3) for v in views])
        pick = np.random.default_rng(seed).choice(len(want), min(count, len(want)), replace=False)
        self.origins = torch.from_numpy(origins[pick]).to(device)
        self.dirs = torch.from_numpy(dirs[pick]).to(device)
        self.want = torch.from_numpy(want[pick].astype(np.float32)).to(device)

    @torch.no_grad()
    def psnr(self, scene: NerfScene) -> float:
        white = torch.ones(3, device=self.want.device)
        got = torch.cat(
            [
                render_rays(
                    scene.field,
                    scene.grid,
                    self.origins[i : i + 8192],
                    self.dirs[i : i + 8192],
                    white,
                    scene.num_steps,
                    False,
                )["rgb"]
                for i in range(0, len(self.want), 8192)
            ]
        )
        return psnr(got.clamp(0, 1), self.want)


class Trainer:
    """Holds the rays of all training views and steps the optimiser; ``train`` runs the loop."""

    def __init__(self, views: list[View], fov_x: float, config: TrainConfig = TrainConfig()):
        self.config = c = config
        if c.threads:
            torch.set_num_threads(c.threads)
        torch.manual_seed(c.seed)
        self.gen = torch.Generator(device="cpu").manual_seed(c.seed)
        dev = torch.device(c.device)
        imgs = np.stack([v.image for v in views]).astype(np.float32) / 255.0  # (V, H, W, 4)
        v, h, w, _ = imgs.shape
        rays = [camera_rays(view.pose, w, h, fov_x) for view in views]
        self.origins = torch.from_numpy(np.concatenate([r[0] for r in rays])).to(dev)  # (V*H*W, 3)
        self.dirs = torch.from_numpy(np.concatenate([r[1] for r in rays])).to(dev)
        self.target = torch.from_numpy(imgs.reshape(-1, 4)).to(dev)  # (V*H*W, 4)
        self.transparent = bool((imgs[..., 3] < 0.99).any())
        self.field = RadianceField(c.field).to(dev)
        self.grid = OccupancyGrid(c.field.bound, c.grid_resolution, dev)
        if self.transparent:
            poses = torch.from_numpy(np.stack([view.pose for view in views])).float().to(dev)
            self.grid.carve(poses, torch.from_numpy(imgs[..., 3]).to(dev), fov_x)
        self.background = None if self.transparent else BackgroundModel().to(dev)
        params = list(self.field.parameters()) + (list(self.background.parameters()) if self.background else [])
        self.optim = torch.optim.Adam(params, lr=c.lr, betas=(0.9, 0.99), eps=1e-15)
        self.sched = torch.optim.lr_scheduler.LambdaLR(self.optim, lambda s: 0.1 ** min(s / max(c.steps, 1), 1.0))
        self.step_count = 0
        self.scene = NerfScene(self.field, self.grid, self.background, fov_x, c.num_steps)
        self.rays_seen = 0
        self.held_out_psnr: float | None = None
        self.curve: list[tuple[int, float]] = []

    def step(self) -> float:
        """One optimiser step on a random batch of rays; returns the batch PSNR (dB)."""
        c = self.config
        idx = torch.randint(0, self.target.shape[0], (c.batch_rays,), generator=self.gen).to(self.target.device)
        target = self.target[idx]
        if self.transparent:  # random backgrounds teach the field to stay empty where alpha is 0
            bg = torch.rand(c.batch_rays, 3, generator=self.gen).to(target.device)
            want = target[:, :3] * target[:, 3:] + bg * (1.0 - target[:, 3:])
        else:
            bg, want = self.background, target[:, :3]
        out = render_rays(self.field, self.grid, self.origins[idx], self.dirs[idx], bg, c.num_steps)
        mse = torch.nn.functional.mse_loss(out["rgb"], want)
        loss = mse + c.distortion_weight * out["distortion"].mean()
        self.optim.zero_grad(set_to_none=True)
        loss.backward()
        self.optim.step()
        self.sched.step()
        self.step_count += 1
        self.rays_seen += c.batch_rays
        if self.step_count >= c.grid_warmup and self.step_count % c.grid_update_every == 0:
            self.grid.update(lambda x: self.field.density(x)[0], 2 * c.field.bound * math.sqrt(3) / c.num_steps)
        return 10.0 * math.log10(1.0 / max(mse.item(), 1e-12))

    def train(
        self,
        progress: Callable | None = None,
        check_cancel: Callable[[], None] | None = None,
        eval_views: list[View] | None = None,
        preview_pose: np.ndarray | None = None,
    ) -> NerfScene:
        """Run ``config.steps`` steps (or until ``target_psnr`` on ``eval_views``); returns the scene.

        The held-out PSNR is scored on ``config.eval_rays`` random pixels of ``eval_views`` every ``eval_every``
        steps and kept in ``self.held_out_psnr`` (the last score) and ``self.curve`` ((step, dB) pairs).
        """
        c = self.config
        recent: list[float] = []
        pixels = (
            HeldOutPixels(eval_views, self.scene.fov_x, c.eval_rays, self.target.device, c.seed) if eval_views else None
        )
        for _ in range(c.steps):
            if check_cancel:
                check_cancel()
            recent = (recent + [self.step()])[-20:]
            s = self.step_count
            held_out = None
            if pixels is not None and (s % c.eval_every == 0 or s == c.steps):
                self.field.eval()
                held_out = self.held_out_psnr = pixels.psnr(self.scene)
                self.field.train()
                self.curve.append((s, round(held_out, 2)))
            if progress and (s % 10 == 0 or s == c.steps or held_out is not None):
                preview = None
                if preview_pose is not None and (s % c.preview_every == 0 or s == c.steps):
                    preview = self.scene.render(preview_pose, c.preview_size)[0]
                msg = f"NeRF step {s}/{c.steps}: PSNR {np.mean(recent):.1f} dB (batch)"
                if held_out is not None:
                    msg += f", {held_out:.1f} dB held-out"
                progress(s / c.steps, msg, preview)
            if held_out is not None and c.target_psnr is not None and held_out >= c.target_psnr:
                break
        self.field.eval()
        return self.scene
