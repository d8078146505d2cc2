"""The one short GPU run: every neural engine's own code path at full size with random weights, in one process.

    tests/bench/gpu/run.sh                 # on the GPU machine (installs the carried wheels it lacks), < 8 min
    tests/bench/gpu/run.sh --tiny          # the same script end to end on the CPU with tiny configs (a test runs it)
    python -m tests.bench.gpu.bench_gpu --only ltx,nerf --out /tmp/gpu.jsonl

Sections (each with its own time limit; each figure is printed and written as a JSON line as soon as it exists):
  ltx            LTX-Video 2B, 121 frames 768x512, 40 steps with CFG: plain diffusers (engine with fast_settings off)
                 vs ours (engine defaults: cuDNN attention, compiled blocks); the transformer's achieved share of bf16
                 peak from its FLOPs (torch's FLOP counter on one CFG pass) and a timed pass; then ours + first-block
                 cache (an upper bound: random weights skip differently from real ones)
  ltx_distilled  the ltx-video-distilled engine: 8 steps, no CFG, VAE included
  stable_audio   Stable Audio Open 47 s: 100 steps plain vs ours, and the fast preset (16 steps)
  ace_step       ACE-Step 1.5 turbo: one minute of song, 8 steps, plain vs ours
  sv3d           SV3D 21 views at 576x576, 50 steps: plain vs ours (views only, before the NeRF)
  nerf           the hash-grid NeRF on 21 views at 576x576 of a reference object, seconds to 30 dB held-out
  wan            Wan 2.1 1.3B, 81 frames 832x480, 50 steps with CFG (ours only: the longest section)

Random weights measure cost honestly (it does not depend on weight values); text encoders are full size too.
Every timed run is preceded by a warm-up at the same shape (compiles happen there, once per model).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch

PEAK_BF16 = 790e12  # H200 dense bf16 FLOP/s
LIMITS_S = {
    "ltx": 145,
    "stable_audio": 50,
    "ace_step": 40,
    "sv3d": 75,
    "nerf": 50,
    "wan": 120,
}  # full size: 480 s in all (ltx includes the distilled engine)
TINY_LIMIT_S = 600  # tiny runs check that every section works, not how fast a shared CPU is: a hang guard only


class SectionTimeout(Exception):
    pass


class Run:
    """Where figures go (stdout and a JSON-lines file) and how the run is configured."""

    def __init__(self, args: argparse.Namespace):
        self.tiny = args.tiny
        self.device = "cpu" if args.tiny or not torch.cuda.is_available() else "cuda"
        self.dtype = torch.float32 if self.device == "cpu" else torch.bfloat16
        self.out = Path(args.out)
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = Path(tempfile.mkdtemp(prefix="studio-bench-gpu-"))

    def emit(self, section: str, **figures: Any) -> None:
        record = {"section": section, "device": self.device, "tiny": self.tiny, **figures}
        line = json.dumps(record, default=str)
        print(line, flush=True)
        with self.out.open("a") as f:
            f.write(line + "\n")

    def sync(self) -> None:
        if self.device == "cuda":
            torch.cuda.synchronize()

    def engine_options(self, **extra: Any) -> dict[str, Any]:
        """Tiny runs: 2 steps, and dynamo tracing with the eager backend (no C++ compile on the CPU)."""
        if self.tiny:  # the ltx section asks for compile=True to check tracing; the others skip it on the CPU
            extra.setdefault("compile_backend", "eager")
        return extra


@contextlib.contextmanager
def time_limit(seconds: float):
    """Raise SectionTimeout in the main thread after ``seconds`` (checked between Python bytecodes)."""

    def expire(signum, frame):
        raise SectionTimeout(f"over its {seconds:g} s limit")

    old = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def timed(run: Run, fn) -> tuple[float, Any]:
    run.sync()
    t0 = time.perf_counter()
    out = fn()
    run.sync()
    return time.perf_counter() - t0, out


def capture_call(model: torch.nn.Module):
    """Records the (args, kwargs) of ``model``'s first forward: a context yielding a dict filled in."""
    seen: dict[str, Any] = {}

    def hook(module, args, kwargs):
        seen.setdefault("call", (args, dict(kwargs)))

    @contextlib.contextmanager
    def ctx():
        handle = model.register_forward_pre_hook(hook, with_kwargs=True)
        try:
            yield seen
        finally:
            handle.remove()

    return ctx()


def pass_flops(model: torch.nn.Module, call: tuple) -> float:
    """FLOPs of one forward at the captured inputs (torch's FLOP counter: matmuls, convolutions, attention)."""
    from torch.utils.flop_counter import FlopCounterMode

    args, kwargs = call
    counter = FlopCounterMode(display=False)
    with torch.no_grad(), counter:
        model(*args, **kwargs)
    return float(counter.get_total_flops())


def pass_seconds(run: Run, model: torch.nn.Module, call: tuple, repeats: int = 3) -> float:
    args, kwargs = call
    with torch.no_grad():
        model(*args, **kwargs)
        seconds, _ = timed(run, lambda: [model(*args, **kwargs) for _ in range(repeats)])
    return seconds / repeats


def share_of_peak(flops: float, seconds: float) -> float:
    return round(flops / seconds / PEAK_BF16, 4)


def free(*objects: Any) -> None:
    del objects
    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def build(run: Run, name: str) -> Any:
    from tests.bench.gpu import models

    if run.tiny:
        return models.tiny(name)
    return getattr(models, name.removesuffix("_distilled"))(run.device, run.dtype)


def engine_run(run: Run, kind: str, engine: str, pipe: Any, request: Any, **options: Any) -> tuple[float, Any, Any]:
    """Warm up then time the engine's own ``render`` (its defaults unless ``options`` say otherwise):
    (seconds, output, engine)."""
    from pipelines import registry
    from pipelines.base import CancelToken, no_progress

    options = run.engine_options(**options)
    warm = dict(options)
    if "steps" not in warm and engine != "ltx-video-distilled" and kind != "song":
        warm["steps"] = 2
    if kind == "song":
        warm["num_inference_steps"] = 2
    render = (
        (lambda g: g.make_views(request, no_progress, CancelToken()))
        if kind == "3d"
        else (
            lambda g: (
                g.render(request, 0, no_progress, CancelToken())
                if kind == "video"
                else g.render(request, no_progress, CancelToken())
            )
        )
    )
    if not run.tiny:  # at full size a short run at the same shape compiles and autotunes first
        warmup = registry.create(kind, engine, pipeline=pipe, **warm)
        warmup.load()
        render(warmup)
    gen = registry.create(kind, engine, pipeline=pipe, **options)
    gen.load()
    seconds, out = timed(run, lambda: render(gen))
    return seconds, out, gen


# Sections ---------------------------------------------------------------------------------------------------------


def section_ltx(run: Run) -> None:
    from pipelines.video.request import VideoRequest

    pipe = build(run, "ltx")
    size = dict(width=64, height=64) if run.tiny else dict(width=768, height=512)
    request = VideoRequest(
        prompt="a lighthouse at dusk, waves crashing, slow push-in", duration=121 / 24, fps=24, **size
    )
    tiny = dict(steps=2, max_frames=9, compile=True) if run.tiny else {}
    # 1. plain: the engine with every speed option off; capture one CFG pass for the FLOP count
    with capture_call(pipe.transformer) as seen:
        plain_s, _, plain = engine_run(run, "video", "ltx-video", pipe, request, fast_settings=False, **tiny)
    steps = plain.schedule()["num_inference_steps"]
    flops = pass_flops(pipe.transformer, seen["call"])
    plain_pass = pass_seconds(run, pipe.transformer, seen["call"])
    run.emit(
        "ltx",
        run="plain",
        seconds=round(plain_s, 3),
        steps=steps,
        frames=plain.num_frames(request),
        pass_gflop=round(flops / 1e9, 3),
        pass_s=round(plain_pass, 4),
        share_of_peak=share_of_peak(flops, plain_pass),
    )
    # 2. ours: the engine's defaults
    ours_s, _, ours = engine_run(run, "video", "ltx-video", pipe, request, **tiny)
    ours_pass = pass_seconds(run, pipe.transformer, seen["call"])
    run.emit(
        "ltx",
        run="ours",
        seconds=round(ours_s, 3),
        steps=steps,
        settings=ours.settings,
        pass_s=round(ours_pass, 4),
        share_of_peak=share_of_peak(flops, ours_pass),
        denoise_tflop=round(flops * steps / 1e12, 3),
        speedup=round(plain_s / ours_s, 2),
    )
    # 3. the distilled engine on the same (compiled) transformer: 8 steps, no CFG, VAE included
    if "ltx_distilled" in run.sections:
        opts = {"max_frames": 9} if run.tiny else {}
        dist_s, _, dist = engine_run(run, "video", "ltx-video-distilled", pipe, request, **opts)
        run.emit("ltx_distilled", run="ours", seconds=round(dist_s, 3), steps=8, settings=dist.settings, goal_s=1.2)
        free(dist)
    if "ltx" not in run.sections:
        return free(pipe, plain, ours)
    # 4. ours with the first-block cache (its skip rate on random weights is not the real one: an upper bound)
    cache_s, _, cached = engine_run(run, "video", "ltx-video", pipe, request, cache=0.05, **tiny)
    run.emit("ltx", run="ours+cache", seconds=round(cache_s, 3), settings=cached.settings, note="upper bound")
    free(pipe, plain, ours, cached)


def section_stable_audio(run: Run) -> None:
    from pipelines.sfx.request import SoundEffectRequest

    pipe = build(run, "stable_audio")
    request = SoundEffectRequest(
        prompt="heavy rain on a tin roof, distant thunder", duration=1.0 if run.tiny else 47.0, sample_rate=44_100
    )
    tiny = {"steps": 2} if run.tiny else {}
    plain_s, _, plain = engine_run(run, "sfx", "stable-audio-open", pipe, request, fast_settings=False, **tiny)
    run.emit("stable_audio", run="plain", seconds=round(plain_s, 3), steps=plain.steps)
    ours_s, _, ours = engine_run(run, "sfx", "stable-audio-open", pipe, request, **tiny)
    run.emit(
        "stable_audio",
        run="ours",
        seconds=round(ours_s, 3),
        steps=ours.steps,
        settings=ours.settings,
        speedup=round(plain_s / ours_s, 2),
        goal_s=1.5,
    )
    fast_s, _, fast = engine_run(run, "sfx", "stable-audio-open", pipe, request, preset="fast", **tiny)
    run.emit("stable_audio", run="ours fast preset", seconds=round(fast_s, 3), steps=fast.steps, goal_s=0.5)
    free(pipe, plain, ours, fast)


def section_ace_step(run: Run) -> None:
    from pipelines.song.request import SongRequest

    pipe = build(run, "ace_step")
    request = SongRequest(
        prompt="warm indie folk, acoustic guitar, 92 bpm",
        lyrics="[verse]\nhello world\n[chorus]\nhello song",
        duration=1.0 if run.tiny else 60.0,
        variations=1,
    )
    tiny = {"num_inference_steps": 2, "max_text_length": 32} if run.tiny else {}
    plain_s, _, _ = engine_run(run, "song", "ace-step", pipe, request, fast_settings=False, **tiny)
    run.emit("ace_step", run="plain", seconds=round(plain_s, 3), audio_s=request.duration)
    ours_s, _, ours = engine_run(run, "song", "ace-step", pipe, request, **tiny)
    run.emit(
        "ace_step",
        run="ours",
        seconds=round(ours_s, 3),
        audio_s=request.duration,
        settings=ours.settings,
        speedup=round(plain_s / ours_s, 2),
        goal_s=1.5,
    )
    free(pipe, ours)


def section_sv3d(run: Run) -> None:
    from PIL import Image

    from pipelines.image_to_3d.request import ImageTo3DRequest

    pipe = build(run, "sv3d")
    size = 64 if run.tiny else 576
    picture = run.tmp / "object.png"
    yy, xx = np.mgrid[:256, :256]
    disc = ((yy - 128) ** 2 + (xx - 128) ** 2) < 80**2
    rgba = np.zeros((256, 256, 4), np.uint8)
    rgba[disc] = (200, 90, 40, 255)
    Image.fromarray(rgba).save(picture)
    request = ImageTo3DRequest(image=str(picture), num_views=21, view_size=size)
    tiny = {"steps": 1} if run.tiny else {}
    plain_s, _, _ = engine_run(run, "3d", "sv3d", pipe, request, fast_settings=False, **tiny)
    run.emit("sv3d", run="plain", seconds=round(plain_s, 3), views=21, size=size)
    ours_s, views, ours = engine_run(run, "3d", "sv3d", pipe, request, **tiny)
    run.emit(
        "sv3d",
        run="ours",
        seconds=round(ours_s, 3),
        views=len(views),
        settings=ours.settings,
        speedup=round(plain_s / ours_s, 2),
        goal_s=8.0,
    )
    free(pipe, ours, views)


def section_wan(run: Run) -> None:
    from pipelines.video.request import VideoRequest

    pipe = build(run, "wan")
    size = dict(width=64, height=64) if run.tiny else dict(width=832, height=480)
    request = VideoRequest(prompt="a castle on a cliff, clouds rolling past", duration=81 / 24, fps=24, **size)
    tiny = dict(steps=2, max_frames=9) if run.tiny else {}
    seconds, _, ours = engine_run(run, "video", "wan", pipe, request, **tiny)
    run.emit(
        "wan",
        run="ours",
        seconds=round(seconds, 3),
        steps=ours.schedule()["num_inference_steps"],
        frames=ours.num_frames(request),
        settings=ours.settings,
    )
    free(pipe, ours)


def section_nerf(run: Run) -> None:
    from tests.bench.gpu.nerf_section import nerf_to_target

    nerf_to_target(run)


SECTIONS = {
    "ltx": section_ltx,
    "stable_audio": section_stable_audio,
    "ace_step": section_ace_step,
    "sv3d": section_sv3d,
    "nerf": section_nerf,
    "wan": section_wan,
}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tiny", action="store_true", help="tiny configs on the CPU (checks the script end to end)")
    p.add_argument("--only", default="", help="comma-separated sections (default: all, in the order above)")
    p.add_argument("--out", default=os.path.join(os.environ.get("OUT", "tests/bench/results"), "gpu.jsonl"))
    args = p.parse_args(argv)
    run = Run(args)
    chosen = [s for s in args.only.split(",") if s] or [*SECTIONS, "ltx_distilled"]
    unknown = set(chosen) - set(SECTIONS) - {"ltx_distilled"}
    if unknown:
        p.error(f"unknown sections: {', '.join(sorted(unknown))}; choose from {', '.join(SECTIONS)}, ltx_distilled")
    run.sections = chosen
    if run.tiny:
        torch.set_num_threads(1)  # a shared, loaded CPU: one thread avoids OpenMP barriers stalling
    started = time.perf_counter()
    run.emit(
        "start",
        torch=torch.__version__,
        gpu=torch.cuda.get_device_name() if run.device == "cuda" else None,
        sections=chosen,
    )
    failed = 0
    for name, section in SECTIONS.items():
        if name not in chosen and not (name == "ltx" and "ltx_distilled" in chosen):
            continue
        t0 = time.perf_counter()
        try:
            with time_limit(TINY_LIMIT_S if run.tiny else LIMITS_S[name]):
                section(run)
            run.emit(name, run="section", seconds=round(time.perf_counter() - t0, 1), status="ok")
        except SectionTimeout as exc:
            run.emit(name, run="section", seconds=round(time.perf_counter() - t0, 1), status=f"timeout: {exc}")
            failed += run.tiny
        except Exception as exc:  # noqa: BLE001 - one section's failure is reported, the others still run
            run.emit(
                name,
                run="section",
                seconds=round(time.perf_counter() - t0, 1),
                status=f"error: {type(exc).__name__}: {exc}"[:500],
            )
            failed += 1
        free()
    run.emit("end", seconds=round(time.perf_counter() - started, 1), failed=failed)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
