"""Stable Audio Open 1.0 (diffusers ``StableAudioPipeline``): 44.1 kHz stereo, up to 47 s.

Prompt influence maps to classifier-free guidance (0 -> 1, 0.5 -> 7, the model's default, 1 -> 13),
duration to ``audio_end_in_s``, variations to a batch with one generator per variation.
Presets: "quality" (100 steps, diffusers' defaults) and "fast" (16 steps of the same DPM-Solver++ sampler).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipelines.base import CancelToken, GenerationResult, Generator, ProgressFn, RequestError
from pipelines.sfx.draft import variation_seed
from pipelines.sfx.neural_common import (
    default_device,
    find_weights,
    generators,
    step_callback,
    torch_dtype,
    write_variations,
)

REPO_ID = "stabilityai/stable-audio-open-1.0"
PRESET_STEPS = {"quality": 100, "fast": 16}


def guidance_for(influence: float) -> float:
    return 1.0 + 12.0 * float(influence)


class StableAudioOpenSoundEffects(Generator):
    """Text to sound with Stable Audio Open. Options: ``pipeline`` (a built StableAudioPipeline),
    ``model_dir``, ``device``, ``dtype`` ("bfloat16"...), ``preset`` ("quality"/"fast"), ``steps``,
    ``compile`` (torch.compile the DiT)."""

    kind = "sfx"
    engine = "stable-audio-open"
    version = "1"
    device = "cuda"
    neural = True
    supports_batching = True
    max_duration_s = 47.0

    def __init__(self, **options: Any):
        super().__init__(**options)
        self.pipe = options.get("pipeline")
        preset = options.get("preset", "quality")
        if preset not in PRESET_STEPS:
            raise RequestError(f"unknown Stable Audio preset {preset!r}; choose quality or fast")
        self.steps = int(options.get("steps") or PRESET_STEPS[preset])

    def load(self) -> None:
        if self.pipe is None:
            import torch  # noqa: F401  (fail early with a clear error if torch is broken)
            from diffusers import StableAudioPipeline

            folder = find_weights("stable-audio-open-1.0", REPO_ID, "Stable Audio Open 1.0",
                                  self.options.get("model_dir"))
            device = self.options.get("device") or default_device()
            self.pipe = StableAudioPipeline.from_pretrained(
                folder, torch_dtype=torch_dtype(self.options.get("dtype"), device), use_safetensors=True,
                local_files_only=True).to(device)
            if self.options.get("compile"):
                self.pipe.transformer = torch.compile(self.pipe.transformer)
        self.pipe.set_progress_bar_config(disable=True)
        self.loaded = True

    def unload(self) -> None:
        self.pipe = None if "pipeline" not in self.options else self.pipe
        self.loaded = False

    def max_seconds(self) -> float:
        config = self.pipe.transformer.config
        return config.sample_size * self.pipe.vae.hop_length / self.pipe.vae.config.sampling_rate

    def generate(self, request, progress: ProgressFn, cancel: CancelToken, output_dir: Path) -> GenerationResult:
        # 1. Check inputs against the model's length
        limit = self.max_seconds()
        preroll = min(0.5, request.duration / 4) if request.loop else 0.0
        if request.duration + preroll > limit + 1e-6:
            raise RequestError(f"duration {request.duration:g} s is over Stable Audio Open's {limit:g} s")
        seeds = [variation_seed(request.seed, v) for v in range(request.variations)]
        # 2. Denoise all variations as one batch
        progress(0.02, "Stable Audio Open: encoding the prompt")
        output = self.pipe(
            prompt=request.prompt, negative_prompt=request.negative_prompt or None,
            audio_end_in_s=request.duration + preroll, num_inference_steps=self.steps,
            guidance_scale=guidance_for(request.prompt_influence), num_waveforms_per_prompt=len(seeds),
            generator=generators(seeds), callback=step_callback(progress, cancel, self.steps, "Stable Audio Open"),
            output_type="np")
        cancel.check()
        # 3. Write one WAV per variation at the request's rate
        rate = int(self.pipe.vae.config.sampling_rate)
        files = write_variations(output.audios, rate, request, output_dir,
                                 f"sfx-sao-{request.content_hash()[:12]}", preroll)
        progress(1.0, "done")
        return GenerationResult(files, {
            "model": REPO_ID, "understood": "interpreted by the model (no explicit understanding step)",
            "steps": self.steps, "guidance_scale": guidance_for(request.prompt_influence), "model_rate": rate,
            "variation_seeds": seeds}, {"audio_seconds": request.duration * len(seeds)})
