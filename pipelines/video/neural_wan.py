"""Wan 2.1 through diffusers (``WanPipeline``, ``WanImageToVideoPipeline``): text or a start image to video.

Weights: ``Wan-AI/Wan2.1-T2V-1.3B-Diffusers`` in ``$STUDIO_MODELS_DIR/wan2.1-t2v`` and, for image-to-video,
``Wan-AI/Wan2.1-I2V-14B-480P-Diffusers`` in ``$STUDIO_MODELS_DIR/wan2.1-i2v`` (or the Hugging Face cache).
Sizes are multiples of 16 and frame counts 4k+1 (81 frames = 5 s at 16 fps is the model's native rate).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from pipelines.video.neural_common import DiffusersVideoGenerator, find_weights, start_image, tensor_preview
from pipelines.video.request import VideoRequest

DEFAULT_NEGATIVE = "blurry, low quality, static, distorted, watermark, text, jpeg artifacts"


class WanVideoGenerator(DiffusersVideoGenerator):
    kind = "video"
    engine = "wan"
    version = "1"
    weights_name = "wan2.1-t2v"
    hf_repo = "Wan-AI/Wan2.1-T2V-1.3B-Diffusers"
    need_gb = 18.0
    size_multiple = 16
    frames_rule = (4, 1)
    default_steps = 50  # the Wan 2.1 authors' sampling setting (and diffusers' default)
    fast_steps = 10

    def __init__(self, **options: Any):
        super().__init__(**options)
        self.i2v_pipe = options.get("i2v_pipeline")

    def load_pipeline(self, folder: Path) -> Any:
        import torch
        from diffusers import WanPipeline

        return WanPipeline.from_pretrained(
            str(folder), torch_dtype=torch.bfloat16, use_safetensors=True, local_files_only=True
        )

    def _image_pipeline(self) -> Any:
        if self.i2v_pipe is None:
            import torch
            from diffusers import WanImageToVideoPipeline

            from pipelines.video.neural_common import memory_plan

            folder = find_weights("wan2.1-i2v", "Wan-AI/Wan2.1-I2V-14B-480P-Diffusers")
            self.i2v_pipe = WanImageToVideoPipeline.from_pretrained(
                str(folder), torch_dtype=torch.bfloat16, use_safetensors=True, local_files_only=True
            )
            memory_plan(self.i2v_pipe, 40.0, self.options.get("device", "cuda"))
        return self.i2v_pipe

    def call_kwargs(self, request: VideoRequest, frames: int) -> tuple[Any, dict[str, Any]]:
        kwargs: dict[str, Any] = dict(
            prompt=request.prompt or "a cinematic shot",
            width=request.width,
            height=request.height,
            num_frames=frames,
            negative_prompt=request.negative_prompt or DEFAULT_NEGATIVE,
            guidance_scale=5.0,
            max_sequence_length=226,
        )
        if request.image or request.extend_from:
            kwargs["image"] = start_image(request, request.width, request.height)
            return self._image_pipeline(), kwargs
        return self.pipe, kwargs

    def preview(self, pipe: Any, latents: Any, request: VideoRequest, frames: int) -> np.ndarray | None:
        """Decode the first latent frame of (b, c, f, h, w) latents with the Wan VAE."""
        import torch

        cfg = pipe.vae.config
        mean = torch.tensor(cfg.latents_mean).view(1, cfg.z_dim, 1, 1, 1).to(latents.device, latents.dtype)
        std = torch.tensor(cfg.latents_std).view(1, cfg.z_dim, 1, 1, 1).to(latents.device, latents.dtype)
        lat = (latents[:, :, :1] * std + mean).to(pipe.vae.dtype)
        with torch.no_grad():
            decoded = pipe.vae.decode(lat, return_dict=False)[0]
        return tensor_preview(decoded)
