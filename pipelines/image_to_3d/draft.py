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
    """Runs the stages after the views: NeRF training, mesh, turntable; shared by every 3D engine.

    Progress fractions: views 0-0.15 (the engine's), NeRF 0.15-0.75, mesh 0.75-0.85, turntable 0.85-1; each
    message starts with its stage ("NeRF:", "mesh:", "turntable:") so a front end can give each its own bar.
    """

    def __init__(
        self, request: ImageTo3DRequest, progress: ProgressFn, cancel: CancelToken, out: Path, device: str = "cpu"
    ):
        self.request, self.progress, self.cancel, self.out, self.device = request, progress, cancel, out, device
        self.timings: dict[str, float] = {}
        self.files: list[OutputFile] = []

    def run(
        self, views: list[View], fov_x: float, provenance: dict, held_out: list[View] | None = None, frame=None
    ) -> GenerationResult:
        """``held_out``: views kept out of training to score it (None: a few training views are scored instead);
        ``frame``: the SceneFrame that moved a views folder into the NeRF box (the mesh goes back to it)."""
        import torch

        from pipelines.image_to_3d.mesh import export_mesh, extract_mesh, place_object
        from pipelines.image_to_3d.nerf.trainer import TrainConfig, Trainer
        from pipelines.image_to_3d.turntable import encode_mp4, save_poster, turntable_frames

        r, q = self.request, self.request.preset
        threads = torch.get_num_threads()
        # One thread, fixed so a draft is bit-for-bit repeatable, and because it is the faster choice on a shared
        # machine: with 2 threads on 2 busy cores each step waited on the descheduled thread (measured at load 12:
        # 3.1 s a step with 2 threads, 0.43 s with 1).
        torch.set_num_threads(1 if self.device == "cpu" else threads)
        try:
            # 2. NeRF, stopping early once the held-out views reach the quality's PSNR
            t0 = time.perf_counter()
            size = r.training_size
            train_views = resize_views(views, size)
            scored = "held-out"
            if not held_out:
                held_out, scored = train_views[:: max(1, len(train_views) // 4)], "training-view"
            config = TrainConfig(
                steps=r.max_steps,
                seed=r.seed,
                device=self.device,
                batch_rays=q.batch_rays,
                target_psnr=q.target_psnr,
                preview_every=50,
            )
            trainer = Trainer(train_views, fov_x, config)

            def on_step(f, m, p=None):
                preview = None if p is None else (np.clip(p, 0, 1) * 255 + 0.5).astype(np.uint8)
                self.progress(0.15 + 0.6 * f, f"NeRF: {m.replace('held-out', scored)}", preview)

            scene = trainer.train(
                on_step, self.cancel.check, eval_views=resize_views(held_out, size), preview_pose=views[0].pose
            )
            field_path = scene.save(self.out / "field.safetensors", {"views": len(views)})
            self.timings["nerf_s"] = round(time.perf_counter() - t0, 3)
            # 3. Mesh: in the box for the turntable, then placed (or mapped back to the views' frame) for export
            self.cancel.check()
            self.progress(0.77, "mesh: extracting the surface")
            t0 = time.perf_counter()
            mesh = extract_mesh(scene, resolution=q.mesh_resolution, target_faces=r.mesh_faces)
            self.cancel.check()
            self.progress(0.82, f"mesh: {len(mesh.faces):,} faces", _mesh_preview(mesh))
            exported = mesh.copy()
            if frame is not None and r.object_height is None:
                exported.vertices = frame.to_world(exported.vertices)
            else:
                exported = place_object(exported, r.object_height or 0.3)
            watertight = bool(exported.is_watertight)
            texture = None
            if r.texture:
                from pipelines.image_to_3d.texture import bake_texture

                self.progress(0.83, "mesh: baking the texture")
                texture = bake_texture(scene, mesh, r.texture_size)
            meshes = export_mesh(exported, self.out, texture=texture)
            self.timings["mesh_s"] = round(time.perf_counter() - t0, 3)
            # 4. Turntable: ray-cast frames of the mesh (the NeRF is only volume-rendered for training previews)
            t0 = time.perf_counter()
            count = max(2, round(r.turntable_seconds * r.fps))
            frames = turntable_frames(
                mesh,
                count,
                r.turntable_size,
                r.elevation_deg,
                self.cancel.check,
                lambda f: self.progress(0.85 + 0.14 * f, "turntable: rendering frames"),
                supersample=1 if r.quality == "draft" else 2,
            )
            video = encode_mp4(frames, self.out / "turntable.mp4", r.fps)
            poster = save_poster(frames[0], self.out / "poster.png")
            self.timings["turntable_s"] = round(time.perf_counter() - t0, 3)
        finally:
            torch.set_num_threads(threads)
        files = [OutputFile(video, "video"), OutputFile(poster, "poster")]
        files += [OutputFile(p, role) for role, p in meshes.items()]
        files += [OutputFile(self.out / "views", "views"), OutputFile(field_path, "field")]
        lo, hi = exported.bounds
        provenance.update(
            {
                "timings": self.timings,
                "quality": r.quality,
                "nerf_steps": trainer.step_count,
                "psnr_db": trainer.held_out_psnr,
                "psnr_scored_on": scored,
                "psnr_curve": trainer.curve,
                "mesh_faces": int(len(mesh.faces)),
                "watertight": watertight,
                "size_m": [round(float(x), 4) for x in hi - lo],
                "texture": bool(r.texture),
                "views": len(views),
                "fov_x": fov_x,
            }
        )
        if frame is not None:
            provenance["frame"] = frame.to_dict()
        self.progress(1.0, "done")
        return GenerationResult(files, provenance, {"frames": float(count)})


def views_sheet(views: list[View], cell: int = 64, columns: int = 7) -> np.ndarray:
    """The orbit views side by side over white, uint8 (rows * cell, columns * cell, 3): the live preview of views."""
    from PIL import Image

    rows = -(-len(views) // columns)
    sheet = np.full((rows * cell, columns * cell, 3), 255, np.uint8)
    for k, v in enumerate(views):
        rgba = np.asarray(Image.fromarray(v.image, "RGBA").resize((cell, cell), Image.BILINEAR), np.float32) / 255
        rgb = rgba[..., :3] * rgba[..., 3:] + 1.0 - rgba[..., 3:]
        r, c = divmod(k, columns)
        sheet[r * cell : (r + 1) * cell, c * cell : (c + 1) * cell] = (rgb * 255 + 0.5).astype(np.uint8)
    return sheet


def _mesh_preview(mesh, size: int = 96) -> np.ndarray:
    """A small front view of the first mesh (uint8 (size, size, 3) over white) for a live preview."""
    from pipelines.image_to_3d.cameras import orbit_pose
    from pipelines.image_to_3d.raycast import render_mesh

    rgba = render_mesh(mesh, orbit_pose(30.0, 15.0), size, DEFAULT_FOV_X, 1).astype(np.float32) / 255.0
    return (np.clip(rgba[..., :3] * rgba[..., 3:] + 1.0 - rgba[..., 3:], 0, 1) * 255 + 0.5).astype(np.uint8)


class DraftImageTo3D(Generator):
    """Cut-out + silhouette inflation for the views (the back is guessed), then NeRF, mesh and turntable."""

    kind = "3d"
    engine = "draft"
    version = "1"

    def generate(
        self, request: ImageTo3DRequest, progress: ProgressFn, cancel: CancelToken, output_dir: Path
    ) -> GenerationResult:
        from pipelines.image_to_3d.cameras import orbit_poses
        from pipelines.image_to_3d.frame import fit_frame
        from pipelines.image_to_3d.raycast import render_mesh_views
        from pipelines.image_to_3d.views_draft import BACK_SIDE_NOTE, draft_views, load_picture

        # 1. Orbital views: a posed folder given by the user, or lifted from the picture.
        t0 = time.perf_counter()
        prov: dict = {}
        frame = held_out = None
        if request.views_dir:
            progress(0.01, "views: reading the posed views")
            views, fov_x = read_views(request.views_dir)
            if Path(request.views_dir, "transforms_test.json").is_file():
                held_out = read_views(request.views_dir, "test")[0][:6]
            frame = fit_frame(views, fov_x)
            views = frame.to_box(views)
            held_out = frame.to_box(held_out) if held_out else None
            prov["understood"] = f"{len(views)} posed views from {request.views_dir}"
            prov["views_source"] = "user"
        else:
            progress(0.01, "views: cutting out the object")
            rgba = load_picture(request.image)
            # Views are rendered at twice the training size at most: finer views would be downsampled unseen.
            size = min(request.view_size, 2 * request.training_size)
            views, proxy = draft_views(
                rgba,
                load_mask(request.mask),
                request.num_views,
                request.elevation_deg,
                size,
                DEFAULT_FOV_X,
                supersample=1 if size >= 2 * request.training_size else 2,
            )
            cancel.check()
            between = orbit_poses(3, request.elevation_deg, start_deg=180.0 / request.num_views + 60.0)
            images = render_mesh_views(proxy, [p for _, p in between], request.training_size, DEFAULT_FOV_X, 2)
            held_out = [View(p, im, az, request.elevation_deg) for (az, p), im in zip(between, images, strict=True)]
            fov_x = DEFAULT_FOV_X
            prov["understood"] = f"{request.num_views} views orbiting the object at {request.elevation_deg:g} deg"
            prov["views_source"] = "draft silhouette inflation"
            prov["notes"] = [BACK_SIDE_NOTE]
        cancel.check()
        if not request.views_dir:
            write_views(output_dir / "views", views, fov_x)
        else:  # the user's own folder is the views: copy its images as they are, in its own frame
            write_views(output_dir / "views", [View(_world_pose(v.pose, frame), v.image) for v in views], fov_x)
        progress(0.15, f"views: {len(views)} views ready", views_sheet(views))
        stages = Stages(request, progress, cancel, output_dir)
        stages.timings["views_s"] = round(time.perf_counter() - t0, 3)
        return stages.run(views, fov_x, prov, held_out, frame)


def _world_pose(pose: np.ndarray, frame) -> np.ndarray:
    out = pose.copy()
    out[:3, 3] = frame.to_world(pose[:3, 3])
    return out
