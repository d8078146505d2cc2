"""Stable Audio Open 1.0 (diffusers ``StableAudioPipeline``): 44.1 kHz stereo, up to 47 s; one engine for two kinds.

Sound effects and songs use the same model, so they share one engine, one weights folder
(``$STUDIO_MODELS_DIR/stable-audio-open-1.0`` or the Hugging Face cache of ``stabilityai/stable-audio-open-1.0``) and
one residency key (``audio/stable-audio-open@1``): the scheduler keeps one copy of the 7 GB model for both.

- Sound effects: prompt influence maps to classifier-free guidance (0 -> 1, 0.5 -> 7, the model's default,
  1 -> 13); the WAVs are written at the request's rate and channel count, loop-seamed if asked.
- Songs: instrumentals only; the prompt gains the tempo and key in words; 48 kHz stereo WAVs.

Options: ``pipeline`` (a built StableAudioPipeline), ``model_dir``, ``device``, ``dtype`` ("bfloat16"...),
``preset`` ("quality": 100 steps; "fast": 16 steps of the same DPM-Solver++ sampler), ``steps``, ``guidance_scale``
(songs), and the speed options of ``pipelines.neural_speed`` (``compile``, ``cache``, ``fp8``, ``attention``;
on CUDA the DiT's blocks are compiled by default). Its scheduler needs ``torchsde``.
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
FOLDER = "stable-audio-open-1.0"
MODEL_KEY = "audio/stable-audio-open@1"
PRESET_STEPS = {"quality": 100, "fast": 16}


def guidance_for(influence: float) -> float:
    return 1.0 + 12.0 * float(influence)


class StableAudioOpen(Generator):
    """Text to sound effects or instrumentals with Stable Audio Open (see the module docstring for options)."""

    kind = "sfx"
    kinds = ("sfx", "song")
    engine = "stable-audio-open"
    version = "1"
    device = "cuda"
    neural = True
    supports_batching = True
    max_duration_s = 47.0

    def __init__(self, **options: Any):
        super().__init__(**options)
        self.pipe = options.get("pipeline")
        preset = options.get("preset") or "quality"
        if preset not in PRESET_STEPS:
            raise RequestError(f"unknown Stable Audio preset {preset!r}; choose quality or fast")
        self.steps = int(options.get("steps") or PRESET_STEPS[preset])
        self.settings: list[str] = []

    @property
    def model_id(self) -> str:
        return MODEL_KEY

    def check_request(self, request: Any) -> None:
        super().check_request(request)
        if request.KIND == "song":
            if request.lyrics.strip() and not request.instrumental:
                raise RequestError(
                    "Stable Audio Open makes instrumentals only: use the draft or ace-step engine for lyrics"
                )
            if request.extend_from or request.restyle_from:
                raise RequestError("Stable Audio Open cannot extend or restyle a song: use the draft engine")

    def load(self) -> None:
        from pipelines.neural_speed import apply_speed, speed_options

        if self.pipe is None:
            import torch  # noqa: F401  (fail early with a clear error if torch is broken)
            from diffusers import StableAudioPipeline

            folder = find_weights(FOLDER, REPO_ID, "Stable Audio Open 1.0", self.options.get("model_dir"))
            device = self.options.get("device") or default_device()
            self.pipe = StableAudioPipeline.from_pretrained(
                folder,
                torch_dtype=torch_dtype(self.options.get("dtype"), device),
                use_safetensors=True,
                local_files_only=True,
            ).to(device)
        if self.options.get("fast_settings", True):
            self.settings = apply_speed(
                self.pipe.transformer, cuda=self.pipe.device.type == "cuda", **speed_options(self.options)
            )
        self.pipe.set_progress_bar_config(disable=True)
        self.loaded = True

    def unload(self) -> None:
        self.pipe = None if "pipeline" not in self.options else self.pipe
        self.loaded = False

    def max_seconds(self) -> float:
        config = self.pipe.transformer.config
        return config.sample_size * self.pipe.vae.hop_length / self.pipe.vae.config.sampling_rate

    def generate(self, request: Any, progress: ProgressFn, cancel: CancelToken, output_dir: Path) -> GenerationResult:
        if request.KIND == "song":
            return self._song(request, progress, cancel, output_dir)
        return self._sound_effect(request, progress, cancel, output_dir)

    def render(self, request: Any, progress: ProgressFn, cancel: CancelToken) -> Any:
        """The request's audio as the engine makes it, before writing: (variations, 2, samples) at the model's
        rate. Benchmarks time this."""
        if request.KIND == "song":
            from pipelines.song.neural_common import default_duration, song_metadata

            meta = song_metadata(request)
            seconds = min(self.max_duration_s, default_duration(request, meta["bpm"]))
            return self._denoise(
                f"{request.prompt}, {meta['bpm']} BPM, {meta['key']}",
                request.negative_prompt or "low quality",
                seconds,
                float(self.options.get("guidance_scale", 7.0)),
                [variation_seed(request.seed, v) for v in range(request.variations)],
                progress,
                cancel,
            )
        preroll = min(0.5, request.duration / 4) if request.loop else 0.0
        return self._denoise(
            request.prompt,
            request.negative_prompt or None,
            request.duration + preroll,
            guidance_for(request.prompt_influence),
            [variation_seed(request.seed, v) for v in range(request.variations)],
            progress,
            cancel,
        )

    def _denoise(
        self,
        prompt: str,
        negative: str | None,
        seconds: float,
        guidance: float,
        seeds: list[int],
        progress: ProgressFn,
        cancel: CancelToken,
    ) -> Any:
        """(variations, channels, samples) float audio at the model's rate, all variations as one batch."""
        limit = self.max_seconds()
        if seconds > limit + 1e-6:
            raise RequestError(f"duration {seconds:g} s is over Stable Audio Open's {limit:g} s")
        progress(0.02, "Stable Audio Open: encoding the prompt")
        output = self.pipe(
            prompt=prompt,
            negative_prompt=negative,
            audio_end_in_s=seconds,
            num_inference_steps=self.steps,
            guidance_scale=guidance,
            num_waveforms_per_prompt=len(seeds),
            generator=generators(seeds),
            callback=step_callback(progress, cancel, self.steps, "Stable Audio Open"),
            output_type="np",
        )
        cancel.check()
        return output.audios

    def _provenance(self, guidance: float, seeds: list[int]) -> dict[str, Any]:
        return {
            "model": REPO_ID,
            "steps": self.steps,
            "guidance_scale": guidance,
            "variation_seeds": seeds,
            "model_rate": int(self.pipe.vae.config.sampling_rate),
            "settings": self.settings,
        }

    def _sound_effect(
        self, request: Any, progress: ProgressFn, cancel: CancelToken, output_dir: Path
    ) -> GenerationResult:
        # 1. A loop gets a short pre-roll to seam; all variations denoise as one batch
        preroll = min(0.5, request.duration / 4) if request.loop else 0.0
        seeds = [variation_seed(request.seed, v) for v in range(request.variations)]
        guidance = guidance_for(request.prompt_influence)
        audios = self.render(request, progress, cancel)
        # 2. One WAV per variation at the request's rate
        rate = int(self.pipe.vae.config.sampling_rate)
        files = write_variations(audios, rate, request, output_dir, f"sfx-sao-{request.content_hash()[:12]}", preroll)
        progress(1.0, "done")
        return GenerationResult(
            files,
            {
                **self._provenance(guidance, seeds),
                "understood": "interpreted by the model (no explicit understanding step)",
            },
            {"audio_seconds": request.duration * len(seeds)},
        )

    def _song(self, request: Any, progress: ProgressFn, cancel: CancelToken, output_dir: Path) -> GenerationResult:
        from pipelines.song.neural_common import (
            default_duration,
            fit_length,
            song_metadata,
            to_stereo_48k,
        )
        from pipelines.song.neural_common import write_variations as write_song

        # 1. Prompt with tempo and key in words; a derived length is capped at the model's 47 s
        meta = song_metadata(request)
        seconds = min(self.max_duration_s, default_duration(request, meta["bpm"]))
        seeds = [variation_seed(request.seed, v) for v in range(request.variations)]
        guidance = float(self.options.get("guidance_scale", 7.0))
        audios = self.render(request, progress, cancel)
        # 2. Write them as 48 kHz stereo
        rate = int(self.pipe.vae.config.sampling_rate)
        files = write_song(
            [fit_length(to_stereo_48k(a, rate), seconds) for a in audios],
            output_dir,
            "song-" + request.content_hash()[:10] + "-stable-audio",
            cancel,
        )
        provenance = {
            **meta,
            **self._provenance(guidance, seeds),
            "seconds_requested": seconds,
            "vocal_method": "instrumental",
            "notes": ["Stable Audio Open gives the mixed instrumental only: no stems or MIDI"],
        }
        return GenerationResult(files, provenance, {"audio_seconds": round(seconds * len(seeds), 3)})
