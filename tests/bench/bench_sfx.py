"""Sound-effect speed.

Draft engine: 10 s stereo 48 kHz effects across 20 prompts on one core; reports the median CPU time and
wall time per effect (goal: at most 50 ms, 200x faster than real time). The prompt understanding
(text-embedding model) is loaded and the vocabulary embedded before timing; each prompt's understanding
is timed separately.

Stable Audio Open (only with CUDA; ``--gpu``): the GPU run's stable_audio section (tests/bench/gpu), which
calls the engine's own render path with its defaults: 47 s at 100 steps plain (speed options off) versus ours,
and the "fast" preset (16 steps of the same DPM-Solver++ sampler), full size with random weights.

    .venv/bin/python -m tests.bench.bench_sfx [--seconds 10] [--repeat N] [--gpu]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")


def bench_draft(seconds: float, repeat: int = 1) -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    from pipelines.sfx.draft import render, variation_seed
    from pipelines.sfx.request import SoundEffectRequest
    from pipelines.sfx.understand import concept_index, understand
    from tests.bench.sfx_prompts import SPEED_PROMPTS

    concept_index().match("warm up")
    cpu, wall, reading = [], [], []
    for prompt in SPEED_PROMPTS:
        request = SoundEffectRequest(prompt=prompt, duration=seconds, seed=0)
        t0 = time.perf_counter()
        understood = understand(prompt, "", request.prompt_influence)
        reading.append(time.perf_counter() - t0)
        times = []
        for _ in range(repeat):  # the fastest of ``repeat`` renders: the least disturbed by other jobs
            c0, w0 = time.process_time(), time.perf_counter()
            audio = render(request, variation_seed(0, 0), understood)
            times.append((time.process_time() - c0, time.perf_counter() - w0))
        cpu.append(min(c for c, _ in times))
        wall.append(min(w for _, w in times))
        assert audio.shape == (int(seconds * 48_000), 2)
        print(
            f"{prompt[:48]:48} cpu {cpu[-1] * 1000:7.1f} ms  wall {wall[-1] * 1000:7.1f} ms  "
            f"understanding {reading[-1] * 1000:5.1f} ms",
            flush=True,
        )
    med_cpu, med_wall = statistics.median(cpu), statistics.median(wall)
    print(
        f"\ndraft, {len(cpu)} prompts (fastest of {repeat}), {seconds:g} s stereo 48 kHz, one core: median cpu {med_cpu * 1000:.1f} ms "
        f"({seconds / med_cpu:.0f}x real time), median wall {med_wall * 1000:.1f} ms, "
        f"median understanding {statistics.median(reading) * 1000:.1f} ms; load average {os.getloadavg()[0]:.1f}"
    )


def bench_stable_audio() -> None:
    """Stable Audio Open on CUDA through the engine's own path: the GPU run's stable_audio section."""
    import torch

    from tests.bench.gpu.bench_gpu import main as gpu_main

    if not torch.cuda.is_available():
        print("no CUDA device: Stable Audio Open was not measured (run tests/bench/gpu/run.sh on a GPU machine)")
        return
    gpu_main(["--only", "stable_audio"])


def main() -> None:
    parser = argparse.ArgumentParser(description="sound-effect speed")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--repeat", type=int, default=1, help="render each prompt N times and keep the fastest")
    parser.add_argument("--gpu", action="store_true", help="also run the Stable Audio Open benchmark (CUDA only)")
    args = parser.parse_args()
    bench_draft(args.seconds, max(1, args.repeat))
    if args.gpu:
        bench_stable_audio()


if __name__ == "__main__":
    main()
