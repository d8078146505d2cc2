"""LTX-Video through diffusers (``LTXPipeline``, ``LTXImageToVideoPipeline``): text or a start image to video.

Weights: the diffusers-format ``Lightricks/LTX-Video`` folder in ``$STUDIO_MODELS_DIR/ltx-video`` or the
Hugging Face cache. Sizes are multiples of 32 and frame counts 8k+1 (121 frames = 5 s at 24 fps).
The "fast" preset runs 8 steps without classifier-free guidance, the schedule of LTX's distilled models.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from pipelines.video.neural_common import DiffusersVideoGenerator, start_image, tensor_preview
from pipelines.video.request import VideoRequest

DEFAULT_NEGATIVE = "worst quality, inconsistent motion, blurry, jittery, distorted"


class LTXVideoGenerator(DiffusersVideoGenerator):
    kind = "video"
    engine = "ltx-video"
    version = "1"
    weights_name = "ltx-video"
    hf_repo = "Lightricks/LTX-Video"
    need_gb = 22.0
    size_multiple = 32
    frames_rule = (8, 1)
    default_steps = 40
    fast_steps = 8

    def load_pipeline(self, folder: Path) -> Any:
        import torch
        from diffusers import LTXPipeline

        return LTXPipeline.from_pretrained(str(folder), torch_dtype=torch.bfloat16, use_safetensors=True,
                                           local_files_only=True)

    def call_kwargs(self, request: VideoRequest, frames: int) -> tuple[Any, dict[str, Any]]:
        from diffusers import LTXImageToVideoPipeline

        fast = self.options.get("preset") == "fast"
        kwargs: dict[str, Any] = dict(prompt=request.prompt or "a cinematic shot", width=request.width,
                                      height=request.height, num_frames=frames, frame_rate=request.fps,
                                      guidance_scale=1.0 if fast else 3.0, decode_timestep=0.05,
                                      decode_noise_scale=0.025, max_sequence_length=128)
        if not fast:
            kwargs["negative_prompt"] = request.negative_prompt or DEFAULT_NEGATIVE
        if request.image or request.extend_from:
            pipe = LTXImageToVideoPipeline(**self.pipe.components)
            kwargs["image"] = start_image(request, request.width, request.height)
            return pipe, kwargs
        return self.pipe, kwargs

    def preview(self, pipe: Any, latents: Any, request: VideoRequest, frames: int) -> np.ndarray | None:
        """Decode the first latent frame of the packed latents (b, tokens, channels) with the VAE."""
        import torch

        t_ratio, s_ratio = pipe.vae_temporal_compression_ratio, pipe.vae_spatial_compression_ratio
        lat = pipe._unpack_latents(latents, (frames - 1) // t_ratio + 1, request.height // s_ratio,
                                   request.width // s_ratio, pipe.transformer_spatial_patch_size,
                                   pipe.transformer_temporal_patch_size)
        lat = pipe._denormalize_latents(lat, pipe.vae.latents_mean, pipe.vae.latents_std,
                                        pipe.vae.config.scaling_factor)[:, :, :1].to(pipe.vae.dtype)
        timestep = None
        if pipe.vae.config.timestep_conditioning:
            timestep = torch.tensor([0.05], device=lat.device, dtype=lat.dtype)
        with torch.no_grad():
            decoded = pipe.vae.decode(lat, timestep, return_dict=False)[0]
        return tensor_preview(decoded)
