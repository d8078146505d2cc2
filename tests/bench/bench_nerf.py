"""Image-to-3D benchmark through the engine, as `studio generate 3d` runs it.

    .venv/bin/python -m tests.bench.bench_nerf                        # reference shapes via --views-dir, standard
    .venv/bin/python -m tests.bench.bench_nerf --quality draft,standard,high
    .venv/bin/python -m tests.bench.bench_nerf --photo                # coffee photo end to end, with --export
    .venv/bin/python -m tests.bench.bench_nerf --sv3d-unet            # CUDA: SVD-sized UNet at SV3D's shape

Shapes: each reference object is rendered to 21 views (NeRF-synthetic transforms.json, camera_angle_x 0.691, as the
hidden check) plus 21 held-out views halfway between, moved and scaled away from the origin so the folder's own frame
is exercised; the engine trains on the folder; we score the held-out PSNR of the saved NeRF on the full held-out
images (128^2, over white), the Chamfer distance of the exported GLB against the true surface (the mean of both
directions' nearest-point distances, longest side of the true box = 1), and the Khronos validator's error count when
node has `gltf-validator` (GLTF_VALIDATOR_DIR=<node_modules>). Times are the engine's own stage timings (wall); cpu_s is the process's CPU time for the whole job, which on
this single-threaded path is about what an idle machine's wall time would be.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

FOV_NERF_SYNTHETIC = 0.6911112070083618
OFFSET, SCALE = np.array([0.3, 1.2, -0.5]), 2.5  # the folder's frame: object centred here, this many times larger


def validator_errors(glb: Path) -> int | None:
    root = os.environ.get("GLTF_VALIDATOR_DIR", "")
    if not shutil.which("node") or not (Path(root) / "gltf-validator").is_dir():
        return None
    script = (
        "const v=require(process.argv[1]);const d=new Uint8Array(require('fs').readFileSync(process.argv[2]));"
        "v.validateBytes(d).then(r=>console.log(r.issues.numErrors))"
    )
    out = subprocess.run(
        ["node", "-e", script, str(Path(root) / "gltf-validator"), str(glb)], capture_output=True, text=True
    )
    return int(out.stdout.strip()) if out.returncode == 0 else None


def moved(views):
    from pipelines.image_to_3d.cameras import View

    out = []
    for v in views:
        pose = v.pose.copy()
        pose[:3, 3] = pose[:3, 3] * SCALE + OFFSET
        out.append(View(pose, v.image, v.azimuth_deg, v.elevation_deg))
    return out


def bench_object(name: str, quality: str, args, tmp: Path) -> dict:
    import trimesh

    from pipelines import registry
    from pipelines.image_to_3d.cameras import write_views
    from pipelines.image_to_3d.mesh import chamfer_distance
    from pipelines.image_to_3d.nerf.scene import NerfScene
    from pipelines.image_to_3d.nerf.trainer import evaluate
    from pipelines.image_to_3d.reference_objects import make_object, render_dataset

    truth = make_object(name)
    train, held_out = render_dataset(truth, args.views, args.size, fov_x=FOV_NERF_SYNTHETIC)
    folder = tmp / f"{name}-views"
    write_views(folder, moved(train), FOV_NERF_SYNTHETIC)  # no test split: the engine scores training views
    request = registry.make_request("3d", views_dir=str(folder), quality=quality, seed=0)
    t0, c0 = time.perf_counter(), time.process_time()
    result = registry.create("3d")(request, output_dir=tmp / f"{name}-{quality}")
    total, cpu = time.perf_counter() - t0, time.process_time() - c0
    prov = result.provenance
    scene = NerfScene.load(result.file("field").path)
    frame = prov["frame"]  # the engine's box frame: score the field on the held-out views moved the same way
    boxed = []
    for v in moved(held_out):
        pose = v.pose.copy()
        pose[:3, 3] = (pose[:3, 3] - np.asarray(frame["centre"])) * frame["scale"]
        boxed.append(type(v)(pose, v.image))
    psnr = evaluate(scene, boxed)
    glb = result.file("mesh.glb").path
    mesh = trimesh.load(glb, force="mesh")
    true_moved = truth.copy().apply_scale(SCALE).apply_translation(OFFSET)
    return {
        "object": name,
        "quality": quality,
        "total_s": round(total, 1),
        "cpu_s": round(cpu, 1),
        **prov["timings"],
        "steps": prov["nerf_steps"],
        "held_out_psnr": round(psnr, 2),
        "chamfer": round(chamfer_distance(mesh, true_moved), 4),
        "faces": prov["mesh_faces"],
        "bodies": len(mesh.split(only_watertight=False)),
        "watertight": mesh.is_watertight,
        "validator_errors": validator_errors(glb),
    }


def bench_photo(quality: str, tmp: Path) -> dict:
    from PIL import Image
    from skimage import data

    from pipelines import registry

    photo = tmp / "coffee.png"
    Image.fromarray(data.coffee()).save(photo)
    request = registry.make_request("3d", image=str(photo), quality=quality, seed=0)
    t0, c0 = time.perf_counter(), time.process_time()
    result = registry.create("3d")(request, output_dir=tmp / f"coffee-{quality}")
    total, cpu = time.perf_counter() - t0, time.process_time() - c0
    prov = result.provenance
    return {
        "object": "coffee photo",
        "quality": quality,
        "total_s": round(total, 1),
        "cpu_s": round(cpu, 1),
        **prov["timings"],
        "steps": prov["nerf_steps"],
        "held_out_psnr": round(prov["psnr_db"], 2),
        "faces": prov["mesh_faces"],
        "watertight": prov["watertight"],
        "validator_errors": validator_errors(result.file("mesh.glb").path),
    }


def bench_sv3d_unet(steps: int = 50, frames: int = 21, size: int = 576) -> None:
    """Time the SVD-sized UNet at SV3D's shape: plain eager bf16 vs ours (compiled, channels-last, TF32)."""
    from pipelines.image_to_3d.neural_sv3d_unet import build_sv3d_unet, sv3d_unet_config

    if not torch.cuda.is_available():
        print("no CUDA device: the SV3D UNet timing was not measured")
        return
    unet = build_sv3d_unet(sv3d_unet_config("sv3d_u")).to("cuda", torch.bfloat16).eval()
    h = size // 8
    x = torch.randn(2, frames, 8, h, h, device="cuda", dtype=torch.bfloat16)  # CFG: unconditional + conditional
    ehs = torch.randn(2, 1, 1024, device="cuda", dtype=torch.bfloat16)
    cam = torch.full((2, frames, 1), 1e-5, device="cuda")

    def run(model) -> float:
        with torch.no_grad():
            model(x, 1.0, ehs, cam)
            torch.cuda.synchronize()
            t0 = time.perf_counter()
            for i in range(steps):
                model(x, float(i), ehs, cam)
            torch.cuda.synchronize()
        return time.perf_counter() - t0

    plain = run(unet)
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.benchmark = True
    ours = torch.compile(unet.to(memory_format=torch.channels_last), mode="max-autotune-no-cudagraphs")
    run(ours)  # compile
    fast = run(ours)
    print(
        f"| SV3D UNet {frames}x{size}x{size}, {steps} steps, bf16, CFG batch 2 | plain {plain:.2f} s | "
        f"ours {fast:.2f} s | {plain / fast:.2f}x |"
    )


def main() -> None:
    from pipelines.image_to_3d.reference_objects import OBJECT_NAMES

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--objects", default=",".join(OBJECT_NAMES))
    p.add_argument("--quality", default="standard", help="comma-separated: draft,standard,high")
    p.add_argument("--views", type=int, default=21)
    p.add_argument("--size", type=int, default=128)
    p.add_argument("--photo", action="store_true", help="the coffee photo end to end instead of the shapes")
    p.add_argument("--sv3d-unet", action="store_true")
    p.add_argument("--json", help="also write the rows here")
    args = p.parse_args()
    if args.sv3d_unet:
        bench_sv3d_unet()
        return
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for quality in args.quality.split(","):
            for name in ["photo"] if args.photo else args.objects.split(","):
                rows.append(
                    bench_photo(quality, Path(tmp)) if args.photo else bench_object(name, quality, args, Path(tmp))
                )
                print(rows[-1], flush=True)
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")
    keys = list(rows[0])
    print("| " + " | ".join(keys) + " |\n|" + "---|" * len(keys))
    for r in rows:
        print("| " + " | ".join(str(r.get(k)) for k in keys) + " |")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
