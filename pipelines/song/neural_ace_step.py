"""ACE-Step 1.5 (diffusers ``AceStepPipeline``): songs with sung lyrics and section tags, up to 4 minutes.

Weights: ``$STUDIO_MODELS_DIR/ace-step`` (a diffusers folder) or the Hugging Face cache of
``ACE-Step/acestep-v15-xl-turbo-diffusers``; never downloaded. ACE-Step writes the mixed song only
(no stems, MIDI or LRC); provenance says so.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipelines.base import CancelToken, GenerationResult, Generator, ProgressFn
from pipelines.song.neural_common import (
    default_duration,
    find_weights,
    fit_length,
    load_pipeline,
    song_metadata,
    step_callback,
    to_stereo_48k,
    write_variations,
)

HF_REPO = "ACE-Step/acestep-v15-xl-turbo-diffusers"
FOLDER = "ace-step"


class AceStepSongEngine(Generator):
    """Text + lyrics -> song with ACE-Step. ``pipeline=`` injects a built pipeline (tests, benchmarks)."""

    kind = "song"
    engine = "ace-step"
    version = "1"
    device = "cuda"
    neural = True
    max_duration_s = 240.0
    supports_batching = True

    def __init__(self, pipeline: Any = None, **options: Any):
        super().__init__(**options)
        self.pipe = pipeline
        self.settings: list[str] = []

    def load(self) -> None:
        """Weights (unless a pipeline was given), then the speed options of ``pipelines.neural_speed`` (on CUDA
        the DiT's blocks are compiled by default; ``fast_settings=False`` runs plain diffusers)."""
        from pipelines.neural_speed import apply_speed, speed_options

        if self.pipe is None:
            from diffusers import AceStepPipeline

            folder = Path(self.options.get("weights") or find_weights(FOLDER, HF_REPO))
            self.pipe = load_pipeline(AceStepPipeline, folder, "bfloat16")
        if self.options.get("fast_settings", True):
            self.settings = apply_speed(
                self.pipe.transformer, cuda=self.pipe.device.type == "cuda", **speed_options(self.options)
            )
        self.loaded = True

    def unload(self) -> None:
        self.pipe = None
        self.loaded = False

    def render(self, request: Any, progress: ProgressFn, cancel: CancelToken) -> Any:
        """The song's variations before writing: (variations, channels, samples) float tensor at the model's rate,
        with its seconds and musical metadata. Benchmarks time this."""
        import torch

        # 1. What the prompt asks for, as ACE-Step's metadata
        meta = song_metadata(request)
        seconds = default_duration(request, meta["bpm"])
        steps = int(self.options.get("num_inference_steps", 8))
        device = self.pipe.device if hasattr(self.pipe, "device") else torch.device("cpu")
        # 2. One seeded generator per variation, generated as one batch
        count = request.variations
        generators = [torch.Generator(device=device.type).manual_seed(request.seed + v) for v in range(count)]
        cancel.check()
        out = self.pipe(
            prompt=[request.prompt] * count,
            lyrics=[request.lyrics or "[instrumental]"] * count,
            audio_duration=seconds,
            num_inference_steps=steps,
            generator=generators,
            bpm=meta["bpm"],
            keyscale=meta["key"],
            timesignature=meta["time_signature"].split("/")[0],
            callback_on_step_end=step_callback(progress, cancel, steps, 0.0, 0.95),
            **{k: v for k, v in self.options.items() if k in ("guidance_scale", "shift", "max_text_length")},
        )
        return out.audios, seconds, meta, steps

    def generate(self, request: Any, progress: ProgressFn, cancel: CancelToken, output_dir: Path) -> GenerationResult:
        audios, seconds, meta, steps = self.render(request, progress, cancel)
        count = request.variations
        # 3. Write the variations (samples, 2) at 48 kHz
        audios = audios.float().cpu().numpy()  # (variations, channels, samples)
        rate = int(getattr(self.pipe, "sample_rate", 48_000))
        files = write_variations(
            [fit_length(to_stereo_48k(a, rate), seconds) for a in audios],
            output_dir,
            "song-" + request.content_hash()[:10] + "-ace-step",
            cancel,
        )
        provenance = {
            **meta,
            "model": HF_REPO,
            "steps": steps,
            "seconds_requested": seconds,
            "settings": self.settings,
            "vocal_method": "ACE-Step (sung by the model)" if request.lyrics.strip() else "instrumental",
            "notes": ["ACE-Step gives the mixed song only: no stems, MIDI or timed lyrics"],
        }
        return GenerationResult(files, provenance, {"audio_seconds": round(seconds * count, 3)})
