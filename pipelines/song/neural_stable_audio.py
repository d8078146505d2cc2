"""Stable Audio Open (diffusers ``StableAudioPipeline``): instrumentals up to 47 s from a text prompt.

Weights: ``$STUDIO_MODELS_DIR/stable-audio-open`` (a diffusers folder) or the Hugging Face cache of
``stabilityai/stable-audio-open-1.0``; never downloaded. Its scheduler needs ``torchsde``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipelines.base import CancelToken, GenerationResult, Generator, ProgressFn, RequestError
from pipelines.song.neural_common import (
    default_duration,
    find_weights,
    fit_length,
    load_pipeline,
    song_metadata,
    to_stereo_48k,
    write_variations,
)

HF_REPO = "stabilityai/stable-audio-open-1.0"
FOLDER = "stable-audio-open"


class StableAudioSongEngine(Generator):
    """Prompt -> instrumental with Stable Audio Open. ``pipeline=`` injects a built pipeline (tests)."""

    kind = "song"
    engine = "stable-audio-open"
    version = "1"
    device = "cuda"
    neural = True
    max_duration_s = 47.0
    supports_batching = True

    def __init__(self, pipeline: Any = None, **options: Any):
        super().__init__(**options)
        self.pipe = pipeline
        self.loaded = pipeline is not None

    def check_request(self, request: Any) -> None:
        super().check_request(request)
        if request.lyrics.strip() and not request.instrumental:
            raise RequestError("Stable Audio Open makes instrumentals only: use the draft or ace-step engine for "
                               "lyrics")
        if request.extend_from or request.restyle_from:
            raise RequestError("Stable Audio Open cannot extend or restyle a song: use the draft engine")

    def load(self) -> None:
        from diffusers import StableAudioPipeline

        folder = Path(self.options.get("weights") or find_weights(FOLDER, HF_REPO))
        self.pipe = load_pipeline(StableAudioPipeline, folder, "float16")
        self.loaded = True

    def unload(self) -> None:
        self.pipe = None
        self.loaded = False

    def generate(self, request: Any, progress: ProgressFn, cancel: CancelToken, output_dir: Path) -> GenerationResult:
        import torch

        # 1. Prompt with tempo and key in words; the length the request asks for
        meta = song_metadata(request)
        seconds = min(self.max_duration_s, default_duration(request, meta["bpm"]))
        steps = int(self.options.get("num_inference_steps", 100))
        device = self.pipe.device if hasattr(self.pipe, "device") else torch.device("cpu")
        generator = torch.Generator(device=device.type).manual_seed(request.seed)
        cancel.check()

        # 2. Denoise all variations in one batch, reporting each step
        def on_step(step: int, timestep: Any, latents: Any) -> None:
            cancel.check()
            progress(0.95 * (step + 1) / steps, f"step {step + 1} of {steps}")

        out = self.pipe(f"{request.prompt}, {meta['bpm']} BPM, {meta['key']}",
                        negative_prompt=request.negative_prompt or "low quality", audio_end_in_s=seconds,
                        num_inference_steps=steps, num_waveforms_per_prompt=request.variations,
                        generator=generator, callback=on_step, callback_steps=1,
                        guidance_scale=float(self.options.get("guidance_scale", 7.0)))
        # 3. Write them as 48 kHz stereo
        audios = out.audios.float().cpu().numpy()  # (variations, channels, samples)
        rate = int(self.pipe.vae.sampling_rate)
        files = write_variations([fit_length(to_stereo_48k(a, rate), seconds) for a in audios], output_dir,
                                 "song-" + request.content_hash()[:10] + "-stable-audio", cancel)
        provenance = {**meta, "model": HF_REPO, "steps": steps, "seconds_requested": seconds,
                      "vocal_method": "instrumental",
                      "notes": ["Stable Audio Open gives the mixed instrumental only: no stems or MIDI"]}
        return GenerationResult(files, provenance, {"audio_seconds": round(seconds * request.variations, 3)})
