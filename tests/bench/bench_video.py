"""Speed of video generation.

    .venv/bin/python -m tests.bench.bench_video [--prompts 10] [--duration 5] [--size 1280x720] [--gpu-only]

Draft engine (CPU): 5-second 1280x720 24 fps shots over 10 prompts. Reports frames per second of
rendering alone (ours, and a baseline that composites every layer at full resolution, measured in the same
run), and end to end through the engine (render + H.264 encode into the MP4). Goal: >= 24 fps. Both wall-clock
and process CPU time are given with the load average, because other work on a shared machine slows wall time.

LTX-Video on CUDA (skipped without a GPU): the full-size transformer and VAE with random weights (cost does
not depend on weight values; prompt embeddings are random tensors of T5-XXL's shape, so the 4.8 B text
encoder is not needed), a 5 s 768x512 24 fps shot (121 frames) at 40 steps:
  plain   diffusers defaults as documented: bf16, default attention, eager
  ours    bf16, attention backend, compiled repeated blocks, bf16 VAE (what the ltx-video engine loads)
  fast    ours with the fast preset: 8 steps without classifier-free guidance
  cached  ours plus diffusers' first-block cache (threshold 0.05; the ltx-video engine's ``cache=0.05`` option)
Goals: ours <= 4 s, fast <= 2 s (denoiser plus VAE decode, after one warm-up run).
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
    print(f"\ndraft engine, {len(prompts)} prompts x {duration:g} s at {w}x{h} {fps} fps = {frames} frames "
          f"(load average {load0:.1f} -> {load1:.1f} on {os.cpu_count()} cores)")
    for name, label in (("ours", "render, ours (soft far layers at half size)"),
                        ("baseline", "render, baseline (every layer at full size)"),
                        ("engine", "end to end: render + H.264 encode to MP4")):
        wall, cpu = totals[name]
        print(f"  {label:48s} {frames / wall:6.1f} fps wall   {frames / cpu:6.1f} fps per CPU-second of this process")
    print(f"  ours vs baseline (render, wall): {totals['baseline'][0] / totals['ours'][0]:.2f}x faster")
    print(f"  scene staging (layers built once per shot): {totals['staging'][0] / len(prompts):.2f} s per shot wall")


def ltx_gpu(steps: int = 40) -> None:
    import torch

    if not torch.cuda.is_available():
        print("\nLTX-Video GPU benchmark: skipped (no CUDA device here); not measured")
        return
    from diffusers import (
        AutoencoderKLLTXVideo,
        FlowMatchEulerDiscreteScheduler,
        LTXPipeline,
        LTXVideoTransformer3DModel,
    )

    from pipelines.video.neural_common import speed_settings

    def build():
        with torch.device("cuda"):
            transformer = LTXVideoTransformer3DModel().to(torch.bfloat16)  # full 1.9 B config, random weights
            vae = AutoencoderKLLTXVideo().to(torch.bfloat16)
        return LTXPipeline(scheduler=FlowMatchEulerDiscreteScheduler(), vae=vae, text_encoder=None, tokenizer=None,
                           transformer=transformer)

    emb = torch.randn(1, 128, 4096, device="cuda", dtype=torch.bfloat16)
    mask = torch.ones(1, 128, device="cuda", dtype=torch.long)

    def run(pipe, n_steps, guidance):
        torch.cuda.synchronize()
        t = time.perf_counter()
        pipe(prompt_embeds=emb, prompt_attention_mask=mask, negative_prompt_embeds=emb,
             negative_prompt_attention_mask=mask, width=768, height=512, num_frames=121, frame_rate=24,
             num_inference_steps=n_steps, guidance_scale=guidance, decode_timestep=0.05, decode_noise_scale=0.025,
             output_type="pt", generator=torch.Generator("cuda").manual_seed(0))
        torch.cuda.synchronize()
        return time.perf_counter() - t

    pipe = build()
    pipe.set_progress_bar_config(disable=True)
    run(pipe, 2, 3.0)
    plain = run(pipe, steps, 3.0)
    settings = speed_settings(pipe)
    run(pipe, 2, 3.0)  # compile warm-up
    ours = run(pipe, steps, 3.0)
    run(pipe, 2, 1.0)
    fast = run(pipe, 8, 1.0)
    cached = float("nan")
    try:  # ours plus diffusers' first-block cache (skips most of the transformer on steps that barely change)
        from diffusers import FirstBlockCacheConfig

        pipe.transformer.enable_cache(FirstBlockCacheConfig(threshold=0.05))
        run(pipe, 2, 3.0)
        cached = run(pipe, steps, 3.0)
    except Exception as exc:
        print(f"first-block cache not measured: {type(exc).__name__}: {exc}")
    print(f"\nLTX-Video 768x512x121 on {torch.cuda.get_device_name()}: plain {plain:.2f} s, ours {ours:.2f} s "
          f"({plain / ours:.2f}x; {', '.join(settings)}), ours + first-block cache {cached:.2f} s, "
          f"fast preset (8 steps, no CFG) {fast:.2f} s")


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
