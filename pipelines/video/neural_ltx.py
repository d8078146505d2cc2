"""LTX-Video through diffusers (``LTXPipeline``, ``LTXImageToVideoPipeline``): text or a start image to video.

Weights: the diffusers-format ``Lightricks/LTX-Video`` folder in ``$STUDIO_MODELS_DIR/ltx-video`` or the
Hugging Face cache. Sizes are multiples of 32 and frame counts 8k+1 (121 frames = 5 s at 24 fps).
The base model runs its quality schedule (40 steps with classifier-free guidance). The fast path is its own
model entry, ``ltx-video-distilled``: the published guidance- and timestep-distilled LTX-Video 0.9.8 2B
checkpoint (diffusers layout in ``$STUDIO_MODELS_DIR/ltx-video-0.9.8-2b-distilled``) through
``LTXConditionPipeline``, 8 steps on its distilled timesteps, no CFG.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from pipelines.base import RequestError
from pipelines.video.neural_common import DiffusersVideoGenerator, start_image, tensor_preview
from pipelines.video.request import VideoRequest

DEFAULT_NEGATIVE = "worst quality, inconsistent motion, blurry, jittery, distorted"
# The distilled checkpoints' published schedule (diffusers' LTX-Video docs, 0.9.7/0.9.8 distilled)
DISTILLED_TIMESTEPS = (1000, 993, 987, 981, 975, 909, 725, 0.03)


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
    fast_steps = 0  # no fast preset: the distilled checkpoint is the ltx-video-distilled engine

    def load_pipeline(self, folder: Path) -> Any:
        import torch
        from diffusers import LTXPipeline

        return LTXPipeline.from_pretrained(
            str(folder), torch_dtype=torch.bfloat16, use_safetensors=True, local_files_only=True
        )

    def call_kwargs(self, request: VideoRequest, frames: int) -> tuple[Any, dict[str, Any]]:
        from diffusers import LTXImageToVideoPipeline

        kwargs: dict[str, Any] = dict(
            prompt=request.prompt or "a cinematic shot",
            width=request.width,
            height=request.height,
            num_frames=frames,
            frame_rate=request.fps,
            guidance_scale=3.0,
            decode_timestep=0.05,
            decode_noise_scale=0.025,
            max_sequence_length=128,
            negative_prompt=request.negative_prompt or DEFAULT_NEGATIVE,
        )
        if request.image or request.extend_from:
            pipe = LTXImageToVideoPipeline(**self.pipe.components)
            kwargs["image"] = start_image(request, request.width, request.height)
            return pipe, kwargs
        return self.pipe, kwargs

    def preview(self, pipe: Any, latents: Any, request: VideoRequest, frames: int) -> np.ndarray | None:
        """Decode the first latent frame of the packed latents (b, tokens, channels) with the VAE."""
        import torch

        t_ratio, s_ratio = pipe.vae_temporal_compression_ratio, pipe.vae_spatial_compression_ratio
        lat = pipe._unpack_latents(
            latents,
            (frames - 1) // t_ratio + 1,
            request.height // s_ratio,
            request.width // s_ratio,
            pipe.transformer_spatial_patch_size,
            pipe.transformer_temporal_patch_size,
        )
        lat = pipe._denormalize_latents(
            lat, pipe.vae.latents_mean, pipe.vae.latents_std, pipe.vae.config.scaling_factor
        )[:, :, :1].to(pipe.vae.dtype)
        timestep = None
        if pipe.vae.config.timestep_conditioning:
            timestep = torch.tensor([0.05], device=lat.device, dtype=lat.dtype)
        with torch.no_grad():
            decoded = pipe.vae.decode(lat, timestep, return_dict=False)[0]
        return tensor_preview(decoded)


class LTXDistilledVideoGenerator(LTXVideoGenerator):
    """The distilled LTX-Video 0.9.8 2B: 8 steps on its own timesteps, guidance 1 (no CFG, one pass per step)."""

    engine = "ltx-video-distilled"
    weights_name = "ltx-video-0.9.8-2b-distilled"
    hf_repo = "Lightricks/LTX-Video-0.9.8-2B-distilled"
    default_steps = len(DISTILLED_TIMESTEPS)
    fast_steps = 0

    def load_pipeline(self, folder: Path) -> Any:
        import torch
        from diffusers import LTXConditionPipeline

        return LTXConditionPipeline.from_pretrained(
            str(folder), torch_dtype=torch.bfloat16, use_safetensors=True, local_files_only=True
        )

    def schedule(self) -> dict[str, Any]:
        if self.options.get("steps"):
            raise RequestError("the distilled LTX-Video runs its fixed 8-step schedule: leave steps unset")
        return {"num_inference_steps": len(DISTILLED_TIMESTEPS), "timesteps": list(DISTILLED_TIMESTEPS)}

    def call_kwargs(self, request: VideoRequest, frames: int) -> tuple[Any, dict[str, Any]]:
        from diffusers import LTXConditionPipeline

        pipe = (
            self.pipe if isinstance(self.pipe, LTXConditionPipeline) else LTXConditionPipeline(**self.pipe.components)
        )
        kwargs: dict[str, Any] = dict(
            prompt=request.prompt or "a cinematic shot",
            width=request.width,
            height=request.height,
            num_frames=frames,
            frame_rate=request.fps,
            guidance_scale=1.0,
            decode_timestep=0.05,
            decode_noise_scale=0.025,
            image_cond_noise_scale=0.0,
            max_sequence_length=128,
        )
        if request.image or request.extend_from:
            kwargs["image"] = start_image(request, request.width, request.height)
        return pipe, kwargs
