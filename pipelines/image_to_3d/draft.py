"""The built-in image-to-3D engine: draft orbital views -> hash-grid NeRF -> mesh -> turntable shot, on the CPU."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from pipelines.base import CancelToken, GenerationResult, Generator, OutputFile, ProgressFn, RequestError
from pipelines.image_to_3d.cameras import DEFAULT_FOV_X, View, read_views, write_views
from pipelines.image_to_3d.request import ImageTo3DRequest


def resize_views(views: list[View], size: int) -> list[View]:
    """Views resampled to (size, size) with premultiplied alpha, so edges do not pick up the hidden colour."""
    from PIL import Image

    if views[0].image.shape[0] == size and views[0].image.shape[1] == size:
        return views
    out = []
    for v in views:
        im = Image.fromarray(v.image, "RGBA").convert("RGBa").resize((size, size), Image.BOX).convert("RGBA")
        out.append(View(v.pose, np.asarray(im), v.azimuth_deg, v.elevation_deg))
    return out


def load_mask(path: str) -> np.ndarray | None:
    """uint8 mask image (H, W) or None when no mask is given."""
    from PIL import Image

    if not path:
        return None
    if not Path(path).is_file():
        raise RequestError(f"mask {path} does not exist")
    try:
        return np.asarray(Image.open(path).convert("L"))
    except OSError:
        raise RequestError(f"mask {Path(path).name} is not a readable image") from None


class Stages:
    """Runs the stages after the views: NeRF training, mesh, turntable; shared by every 3D engine."""

    def __init__(self, request: ImageTo3DRequest, progress: ProgressFn, cancel: CancelToken, out: Path,
                 device: str = "cpu"):
        self.request, self.progress, self.cancel, self.out, self.device = request, progress, cancel, out, device
        self.timings: dict[str, float] = {}
        self.files: list[OutputFile] = []

    def run(self, views: list[View], fov_x: float, provenance: dict) -> GenerationResult:
        import torch

        from pipelines.image_to_3d.mesh import export_mesh, extract_mesh
        from pipelines.image_to_3d.nerf.trainer import TrainConfig, Trainer
        from pipelines.image_to_3d.turntable import encode_mp4, save_poster, turntable_frames

        r = self.request
        threads = torch.get_num_threads()
        torch.set_num_threads(2 if self.device == "cpu" else threads)  # fixed, so a draft is bit-for-bit repeatable
        try:
            # 2. NeRF
            t0 = time.perf_counter()
            train_views = resize_views(views, r.train_size)
            rays = len(train_views) * r.train_size**2
            config = TrainConfig(steps=r.nerf_steps, seed=r.seed, device=self.device,
                                 batch_rays=int(min(4096, max(256, rays // 16))))
            trainer = Trainer(train_views, fov_x, config)
            scene = trainer.train(lambda f, m, p=None: self.progress(0.15 + 0.6 * f, m, p), self.cancel.check,
                                  preview_pose=views[0].pose)
            field_path = scene.save(self.out / "field.safetensors", {"views": len(views)})
            self.timings["nerf_s"] = round(time.perf_counter() - t0, 3)
            # 3. Mesh
            self.cancel.check()
            self.progress(0.77, "extracting the mesh")
            t0 = time.perf_counter()
            mesh = extract_mesh(scene, resolution=min(128, max(64, 2 * r.train_size)), target_faces=r.mesh_faces)
            meshes = export_mesh(mesh, self.out)
            self.timings["mesh_s"] = round(time.perf_counter() - t0, 3)
            # 4. Turntable
            t0 = time.perf_counter()
            count = max(2, round(r.turntable_seconds * r.fps))
            frames = turntable_frames(scene, count, r.turntable_size, r.elevation_deg, self.cancel.check,
                                      lambda f: self.progress(0.85 + 0.14 * f, "rendering the turntable"))
            video = encode_mp4(frames, self.out / "turntable.mp4", r.fps)
            poster = save_poster(frames[0], self.out / "poster.png")
            self.timings["turntable_s"] = round(time.perf_counter() - t0, 3)
        finally:
            torch.set_num_threads(threads)
        files = [OutputFile(video, "video"), OutputFile(poster, "poster")]
        files += [OutputFile(p, role) for role, p in meshes.items()]
        files += [OutputFile(self.out / "views", "views"), OutputFile(field_path, "field")]
        provenance.update({"timings": self.timings, "nerf_steps": trainer.step_count,
                           "mesh_faces": int(len(mesh.faces)), "views": len(views), "fov_x": fov_x})
        self.progress(1.0, "done")
        return GenerationResult(files, provenance, {"frames": float(count)})


class DraftImageTo3D(Generator):
    """Cut-out + silhouette inflation for the views (the back is guessed), then NeRF, mesh and turntable."""

    kind = "3d"
    engine = "draft"
    version = "1"

    def generate(self, request: ImageTo3DRequest, progress: ProgressFn, cancel: CancelToken,
                 output_dir: Path) -> GenerationResult:
        from pipelines.image_to_3d.views_draft import BACK_SIDE_NOTE, draft_views, load_picture

        # 1. Orbital views: a posed folder given by the user, or lifted from the picture.
        t0 = time.perf_counter()
        prov: dict = {}
        if request.views_dir:
            views, fov_x = read_views(request.views_dir)
            prov["understood"] = f"{len(views)} posed views from {request.views_dir}"
            prov["views_source"] = "user"
        else:
            progress(0.01, "cutting out the object")
            rgba = load_picture(request.image)
            views, _ = draft_views(rgba, load_mask(request.mask), request.num_views, request.elevation_deg,
                                   request.view_size, DEFAULT_FOV_X)
            fov_x = DEFAULT_FOV_X
            prov["understood"] = f"{request.num_views} views orbiting the object at {request.elevation_deg:g} deg"
            prov["views_source"] = "draft silhouette inflation"
            prov["notes"] = [BACK_SIDE_NOTE]
        cancel.check()
        write_views(output_dir / "views", views, fov_x)
        progress(0.15, f"{len(views)} views ready", views[0].image)
        stages = Stages(request, progress, cancel, output_dir)
        stages.timings["views_s"] = round(time.perf_counter() - t0, 3)
        return stages.run(views, fov_x, prov)
