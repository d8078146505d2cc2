"""AudioLDM 2 (diffusers ``AudioLDM2Pipeline``): 16 kHz mono, trained on 10 s clips.

Prompt influence maps to guidance (0 -> 1, 0.5 -> 3.5, the model's default, 1 -> 6), variations to a
batch; with more than one, the pipeline ranks them by CLAP text-audio similarity, best first.
Output is upsampled to the request's rate and copied to both channels.
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

REPO_ID = "cvssp/audioldm2"
PRESET_STEPS = {"quality": 200, "fast": 50}


def guidance_for(influence: float) -> float:
    return 1.0 + 5.0 * float(influence)


def _patch_language_model(pipe: Any) -> None:
    """diffusers 0.42's AudioLDM2 calls a GenerationMixin helper on its GPT2Model, which transformers 5's
    GPT2Model no longer inherits; lend it the mixin's method (same code the pipeline expects)."""
    import types

    lm = pipe.language_model
    if not hasattr(lm, "_update_model_kwargs_for_generation"):
        from transformers import GenerationMixin

        lm._update_model_kwargs_for_generation = types.MethodType(
            GenerationMixin._update_model_kwargs_for_generation, lm
        )


class AudioLDM2SoundEffects(Generator):
    """Text to sound with AudioLDM 2. Options: ``pipeline``, ``model_dir``, ``device``, ``dtype``,
    ``preset`` ("quality"/"fast"), ``steps``."""

    kind = "sfx"
    engine = "audioldm2"
    version = "1"
    device = "cuda"
    neural = True
    supports_batching = True
    max_duration_s = 30.0

    def __init__(self, **options: Any):
        super().__init__(**options)
        self.pipe = options.get("pipeline")
        preset = options.get("preset", "quality")
        if preset not in PRESET_STEPS:
            raise RequestError(f"unknown AudioLDM2 preset {preset!r}; choose quality or fast")
        self.steps = int(options.get("steps") or PRESET_STEPS[preset])

    def load(self) -> None:
        if self.pipe is None:
            from diffusers import AudioLDM2Pipeline

            folder = find_weights("audioldm2", REPO_ID, "AudioLDM 2", self.options.get("model_dir"))
            device = self.options.get("device") or default_device()
            self.pipe = AudioLDM2Pipeline.from_pretrained(
                folder,
                torch_dtype=torch_dtype(self.options.get("dtype") or "float32", device),
                use_safetensors=True,
                local_files_only=True,
            ).to(device)
        _patch_language_model(self.pipe)
        self.pipe.set_progress_bar_config(disable=True)
        self.loaded = True

    def unload(self) -> None:
        self.pipe = None if "pipeline" not in self.options else self.pipe
        self.loaded = False

    def generate(self, request, progress: ProgressFn, cancel: CancelToken, output_dir: Path) -> GenerationResult:
        # 1. Inputs: AudioLDM2 makes lengths in whole latent frames; ask for a little more and trim
        preroll = min(0.5, request.duration / 4) if request.loop else 0.0
        seeds = [variation_seed(request.seed, v) for v in range(request.variations)]
        # 2. Denoise all variations as one batch
        progress(0.02, "AudioLDM2: encoding the prompt")
        output = self.pipe(
            prompt=request.prompt,
            negative_prompt=request.negative_prompt or None,
            audio_length_in_s=request.duration + preroll,
            num_inference_steps=self.steps,
            guidance_scale=guidance_for(request.prompt_influence),
            num_waveforms_per_prompt=len(seeds),
            generator=generators(seeds),
            callback=step_callback(progress, cancel, self.steps, "AudioLDM2"),
            output_type="np",
        )
        cancel.check()
        rate = int(self.pipe.vocoder.config.sampling_rate)
        audios = output.audios  # (variations, samples)
        if audios.shape[-1] < int((request.duration + preroll) * rate) - 1:
            raise RequestError(
                f"AudioLDM2 returned {audios.shape[-1] / rate:.2f} s for a {request.duration:g} s request"
            )
        # 3. Write one WAV per variation
        files = write_variations(audios, rate, request, output_dir, f"sfx-aldm2-{request.content_hash()[:12]}", preroll)
        progress(1.0, "done")
        prov = {
            "model": REPO_ID,
            "understood": "interpreted by the model (no explicit understanding step)",
            "steps": self.steps,
            "guidance_scale": guidance_for(request.prompt_influence),
            "model_rate": rate,
            "variation_seeds": seeds,
        }
        if len(seeds) > 1:
            prov["note"] = "variations are ordered by CLAP text-audio similarity, best first"
        return GenerationResult(files, prov, {"audio_seconds": request.duration * len(seeds)})
