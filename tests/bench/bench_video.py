"""Speed of video generation.

    .venv/bin/python -m tests.bench.bench_video [--prompts 10] [--duration 5] [--size 1280x720] [--gpu-only]

Draft engine (CPU): 5-second 1280x720 24 fps shots over 10 prompts. Reports frames per second of
rendering alone (ours, and a baseline that composites every layer at full resolution, measured in the same
run), and end to end through the engine (render + H.264 encode into the MP4). Goal: >= 24 fps. Both wall-clock
and process CPU time are given with the load average, because other work on a shared machine slows wall time.

LTX-Video on CUDA (skipped without a GPU): the GPU run's ltx and ltx_distilled sections (tests/bench/gpu), which
call the engines' own render paths with their defaults: 121 frames 768x512 at 40 steps plain (speed options off)
vs ours, the transformer's share of bf16 peak, ours + first-block cache, and the distilled engine (8 steps).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

PROMPTS = [
    "a lighthouse on the rocky coast at dusk, waves crashing, slow push-in",
    "a medieval castle on a green hill at golden hour, pan left",
    "a schooner sailing on the ocean during a storm with rain",
    "hot air balloons over farmland at dawn, pull out",
    "an erupting volcano at night, handheld",
    "a steam train crossing the countryside, pan right",
    "glowing jellyfish drifting underwater",
    "a calm lake between snowy mountains with fog, orbit around",
    "a city skyline at night with neon lights, tilt up",
    "a campfire in the forest at night with fireflies",
]


def draft(prompts: list[str], duration: float, w: int, h: int) -> None:
    from pipelines.video.draft import DraftVideoGenerator
    from pipelines.video.render import render_frame
    from pipelines.video.request import VideoRequest
    from pipelines.video.scene import parse_scene
    from pipelines.video.staging import stage

    fps = 24
    n = int(duration * fps)
    totals = {"ours": [0.0, 0.0], "baseline": [0.0, 0.0], "engine": [0.0, 0.0], "staging": [0.0, 0.0]}
    frames = 0
    load0 = os.getloadavg()[0]
    for i, prompt in enumerate(prompts):
        scene = parse_scene(prompt)
        for name in ("ours", "baseline"):  # each builds its own staging, so neither inherits warm sprite caches
            w0, c0 = time.perf_counter(), time.process_time()
            staging, camera = stage(scene, w, h, duration, i)
            if name == "ours":
                totals["staging"][0] += time.perf_counter() - w0
                totals["staging"][1] += time.process_time() - c0
            else:
                staging.soft = 0
            w0, c0 = time.perf_counter(), time.process_time()
            for k in range(n):
                render_frame(staging, camera, k / fps).tobytes()
            totals[name][0] += time.perf_counter() - w0
            totals[name][1] += time.process_time() - c0
        with tempfile.TemporaryDirectory() as tmp:
            req = VideoRequest(prompt=prompt, duration=duration, width=w, height=h, fps=fps, seed=i)
            w0, c0 = time.perf_counter(), time.process_time()
            DraftVideoGenerator()(req, output_dir=tmp)
            totals["engine"][0] += time.perf_counter() - w0
            totals["engine"][1] += time.process_time() - c0  # this process only: ffmpeg's encoding is not in it
        frames += n
        print(f"  {prompt[:60]:60s} render {n / (totals['ours'][0] or 1e-9) * (i + 1):6.1f} fps so far", flush=True)
    load1 = os.getloadavg()[0]
    print(
        f"\ndraft engine, {len(prompts)} prompts x {duration:g} s at {w}x{h} {fps} fps = {frames} frames "
        f"(load average {load0:.1f} -> {load1:.1f} on {os.cpu_count()} cores)"
    )
    for name, label in (
        ("ours", "render, ours (soft far layers at half size)"),
        ("baseline", "render, baseline (every layer at full size)"),
        ("engine", "end to end: render + H.264 encode to MP4"),
    ):
        wall, cpu = totals[name]
        print(f"  {label:48s} {frames / wall:6.1f} fps wall   {frames / cpu:6.1f} fps per CPU-second of this process")
    print(f"  ours vs baseline (render, wall): {totals['baseline'][0] / totals['ours'][0]:.2f}x faster")
    print(f"  scene staging (layers built once per shot): {totals['staging'][0] / len(prompts):.2f} s per shot wall")


def ltx_gpu() -> None:
    """LTX-Video on CUDA through the engine's own path: the GPU run's ltx sections (tests/bench/gpu)."""
    from tests.bench.gpu.bench_gpu import main as gpu_main

    if not torch_cuda():
        print("no CUDA device: the LTX-Video timing was not measured (run tests/bench/gpu/run.sh on a GPU machine)")
        return
    gpu_main(["--only", "ltx,ltx_distilled"])


def torch_cuda() -> bool:
    import torch

    return torch.cuda.is_available()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--prompts", type=int, default=10)
    ap.add_argument("--duration", type=float, default=5.0)
    ap.add_argument("--size", default="1280x720")
    ap.add_argument("--gpu-only", action="store_true")
    args = ap.parse_args()
    w, h = (int(v) for v in args.size.split("x"))
    if not args.gpu_only:
        draft(PROMPTS[: args.prompts], args.duration, w, h)
    ltx_gpu()


if __name__ == "__main__":
    main()
