"""Sound-effect speed.

Draft engine: 10 s stereo 48 kHz effects across 20 prompts on one core; reports the median CPU time and
wall time per effect (goal: at most 50 ms, 200x faster than real time). The prompt understanding
(text-embedding model) is loaded and the vocabulary embedded before timing; each prompt's understanding
is timed separately.

Stable Audio Open (only with CUDA; ``--gpu``): the full-size pipeline built from its published
configuration with random weights (cost does not depend on weight values), 47 s of audio:
diffusers' plain defaults (float32, eager, 100 steps) versus our settings (bfloat16, torch.compile of the
DiT, 100 steps; and the "fast" preset, 16 steps of the same DPM-Solver++ sampler), in the same run.

    .venv/bin/python -m tests.bench.bench_sfx [--seconds 10] [--gpu]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")


def bench_draft(seconds: float) -> None:
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
        c0, w0 = time.process_time(), time.perf_counter()
        audio = render(request, variation_seed(0, 0), understood)
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
        assert audio.shape == (int(seconds * 48_000), 2)
        print(f"{prompt[:48]:48} cpu {cpu[-1] * 1000:7.1f} ms  wall {wall[-1] * 1000:7.1f} ms  "
              f"understanding {reading[-1] * 1000:5.1f} ms", flush=True)
    med_cpu, med_wall = statistics.median(cpu), statistics.median(wall)
    print(f"\ndraft, {len(cpu)} prompts, {seconds:g} s stereo 48 kHz, one core: median cpu {med_cpu * 1000:.1f} ms "
          f"({seconds / med_cpu:.0f}x real time), median wall {med_wall * 1000:.1f} ms, "
          f"median understanding {statistics.median(reading) * 1000:.1f} ms; load average {os.getloadavg()[0]:.1f}")


def full_size_stable_audio(dtype):
    """StableAudioPipeline at Stable Audio Open 1.0's published sizes, random weights."""
    import torch
    from diffusers import (
        AutoencoderOobleck,
        CosineDPMSolverMultistepScheduler,
        StableAudioDiTModel,
        StableAudioPipeline,
    )
    from diffusers.pipelines.stable_audio import StableAudioProjectionModel
    from transformers import T5Config, T5EncoderModel

    from tests.pipelines.sfx.tiny_pipelines import t5_tokenizer

    with torch.device("cuda"):
        transformer = StableAudioDiTModel()  # defaults are SAO 1.0's: 24 layers, 1536 wide, 1024 latent frames
        vae = AutoencoderOobleck()  # 44.1 kHz stereo, 2048x downsampling, 64 latent channels
        text_encoder = T5EncoderModel(T5Config(d_model=768, d_ff=3072, d_kv=64, num_heads=12, num_layers=12))
        projection = StableAudioProjectionModel(text_encoder_dim=768, conditioning_dim=768, min_value=0, max_value=512)
    scheduler = CosineDPMSolverMultistepScheduler(sigma_min=0.3, sigma_max=500, sigma_data=1.0,
                                                  sigma_schedule="exponential", solver_order=2,
                                                  prediction_type="v_prediction")
    pipe = StableAudioPipeline(vae=vae, text_encoder=text_encoder, projection_model=projection,
                               tokenizer=t5_tokenizer(128), transformer=transformer, scheduler=scheduler)
    return pipe.to("cuda", dtype)


def bench_stable_audio() -> None:
    import torch

    if not torch.cuda.is_available():
        print("Stable Audio Open GPU benchmark skipped: CUDA is not available on this machine")
        return

    def timed(pipe, steps: int, runs: int = 3) -> float:
        kwargs = dict(prompt="heavy rain on a tin roof", audio_end_in_s=47.0, num_inference_steps=steps,
                      generator=torch.Generator("cpu").manual_seed(0), output_type="pt")
        pipe(**kwargs)  # warm-up (and compile)
        times = []
        for _ in range(runs):
            torch.cuda.synchronize()
            t0 = time.perf_counter()
            pipe(**kwargs)
            torch.cuda.synchronize()
            times.append(time.perf_counter() - t0)
        return statistics.median(times)

    plain = full_size_stable_audio(torch.float32)
    plain.set_progress_bar_config(disable=True)
    t_plain = timed(plain, 100)
    del plain
    torch.cuda.empty_cache()
    ours = full_size_stable_audio(torch.bfloat16)
    ours.set_progress_bar_config(disable=True)
    ours.transformer = torch.compile(ours.transformer)
    t0 = time.perf_counter()
    t_quality = timed(ours, 100)
    t_fast = timed(ours, 16)
    name = torch.cuda.get_device_name()
    print(f"Stable Audio Open, 47 s audio, {name}: plain defaults (fp32 eager, 100 steps) {t_plain:.2f} s; "
          f"ours bf16 + compiled DiT 100 steps {t_quality:.2f} s ({t_plain / t_quality:.1f}x); fast preset 16 steps "
          f"{t_fast:.2f} s ({t_plain / t_fast:.1f}x); compile + warm-ups took {time.perf_counter() - t0:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description="sound-effect speed")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--gpu", action="store_true", help="also run the Stable Audio Open benchmark (CUDA only)")
    args = parser.parse_args()
    bench_draft(args.seconds)
    if args.gpu:
        bench_stable_audio()


if __name__ == "__main__":
    main()
