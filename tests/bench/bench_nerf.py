"""NeRF benchmark against ground truth: time to a held-out PSNR, final PSNR, Chamfer distance, mesh export time.

    .venv/bin/python -m tests.bench.bench_nerf                          # CPU: 21 views at 128x128, to 27 dB
    .venv/bin/python -m tests.bench.bench_nerf --device cuda --size 576 --target 30 --preset gpu
    .venv/bin/python -m tests.bench.bench_nerf --sv3d-unet              # CUDA: the GPU run's sv3d section

Training time excludes the held-out evaluations (the clock stops while they run).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch

from pipelines.image_to_3d.cameras import DEFAULT_FOV_X
from pipelines.image_to_3d.mesh import chamfer_distance, export_mesh, extract_mesh
from pipelines.image_to_3d.nerf.field import FieldConfig
from pipelines.image_to_3d.nerf.trainer import TrainConfig, Trainer, evaluate
from pipelines.image_to_3d.reference_objects import OBJECT_NAMES, make_object, render_dataset

PRESETS = {
    "cpu": dict(batch_rays=4096, field=FieldConfig()),
    "gpu": dict(batch_rays=1 << 16, field=FieldConfig(levels=16, log2_table_size=19, max_resolution=2048)),
}


def bench_object(name: str, args) -> dict:
    mesh_true = make_object(name)
    train, held_out = render_dataset(mesh_true, args.views, args.size)
    sync = torch.cuda.synchronize if args.device == "cuda" else (lambda: None)
    config = TrainConfig(steps=args.max_steps, device=args.device, seed=0, **PRESETS[args.preset])
    trainer = Trainer(train, DEFAULT_FOV_X, config)
    train_s, reached, curve = 0.0, None, []
    while trainer.step_count < args.max_steps:
        sync()
        t0 = time.perf_counter()
        for _ in range(args.eval_every):
            trainer.step()
        sync()
        train_s += time.perf_counter() - t0
        score = evaluate(trainer.scene, held_out)
        curve.append((trainer.step_count, round(train_s, 1), round(score, 2)))
        print(f"  {name}: step {trainer.step_count} train {train_s:.1f} s held-out {score:.2f} dB", flush=True)
        if reached is None and score >= args.target:
            reached = (train_s, trainer.step_count)
            if args.stop_at_target:
                break
    trainer.field.eval()
    final = curve[-1][2]
    t0 = time.perf_counter()
    mesh = extract_mesh(trainer.scene, target_faces=20000)
    export_mesh(mesh, args.tmp)
    mesh_s = time.perf_counter() - t0
    cd = chamfer_distance(mesh, mesh_true)
    return {"object": name, "seconds_to_target": None if reached is None else round(reached[0], 1),
            "steps_to_target": None if reached is None else reached[1], "final_psnr": final,
            "steps": trainer.step_count, "it_per_s": round(trainer.step_count / train_s, 2),
            "rays_per_s": round(trainer.rays_seen / train_s), "chamfer": round(cd, 4), "mesh_export_s": round(mesh_s, 2)}


def bench_sv3d_unet() -> None:
    """SV3D's views on CUDA through the engine's own path (its defaults): the GPU run's sv3d section."""
    from tests.bench.gpu.bench_gpu import main as gpu_main

    if not torch.cuda.is_available():
        print("no CUDA device: SV3D was not measured (run tests/bench/gpu/run.sh on a GPU machine)")
        return
    gpu_main(["--only", "sv3d"])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--objects", default=",".join(OBJECT_NAMES))
    p.add_argument("--views", type=int, default=21)
    p.add_argument("--size", type=int, default=128)
    p.add_argument("--target", type=float, default=27.0)
    p.add_argument("--max-steps", type=int, default=600)
    p.add_argument("--eval-every", type=int, default=25)
    p.add_argument("--stop-at-target", action="store_true")
    p.add_argument("--device", default="cpu")
    p.add_argument("--preset", default="cpu", choices=sorted(PRESETS))
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--tmp", default="/tmp")
    p.add_argument("--sv3d-unet", action="store_true")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    if args.sv3d_unet:
        bench_sv3d_unet()
        return
    rows = [bench_object(n, args) for n in args.objects.split(",")]
    print(f"\n{args.views} views at {args.size}x{args.size} on {args.device}, target {args.target} dB held-out")
    keys = list(rows[0])
    print("| " + " | ".join(keys) + " |\n|" + "---|" * len(keys))
    for r in rows:
        print("| " + " | ".join(str(r[k]) for k in keys) + " |")
    print(f"mean final PSNR {np.mean([r['final_psnr'] for r in rows]):.2f} dB, "
          f"mean Chamfer {np.mean([r['chamfer'] for r in rows]):.4f}")


if __name__ == "__main__":
    main()
