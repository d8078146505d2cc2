"""Stable Video Diffusion through diffusers (``StableVideoDiffusionPipeline``): a start image to a short clip.

Weights: ``stabilityai/stable-video-diffusion-img2vid-xt`` in ``$STUDIO_MODELS_DIR/svd-xt`` or the Hugging Face
cache. SVD makes at most 25 frames (about 1 s at 24 fps); longer requests are refused with that limit named.
It takes no text: the prompt is kept in the provenance only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from pipelines.base import RequestError
from pipelines.video.neural_common import DiffusersVideoGenerator, start_image, tensor_preview
from pipelines.video.request import VideoRequest

MAX_FRAMES = 25


class StableVideoDiffusionGenerator(DiffusersVideoGenerator):
    kind = "video"
    engine = "svd"
    version = "1"
    weights_name = "svd-xt"
    hf_repo = "stabilityai/stable-video-diffusion-img2vid-xt"
    need_gb = 14.0
    size_multiple = 64
    frames_rule = (1, 0)
    default_steps = 25
    fast_steps = 10

    def check_request(self, request: VideoRequest) -> None:  # type: ignore[override]
        super().check_request(request)
        if not (request.image or request.extend_from):
            raise RequestError("the svd engine animates a start image: give an image (or use ltx-video or wan)")
        if int(round(request.duration * request.fps)) > MAX_FRAMES:
            raise RequestError(
                f"the svd engine makes at most {MAX_FRAMES} frames: {request.duration:g} s at "
                f"{request.fps} fps is {int(round(request.duration * request.fps))}"
            )

    def load_pipeline(self, folder: Path) -> Any:
        import torch
        from diffusers import StableVideoDiffusionPipeline

        return StableVideoDiffusionPipeline.from_pretrained(
            str(folder), torch_dtype=torch.float16, use_safetensors=True, local_files_only=True
        )

    def call_kwargs(self, request: VideoRequest, frames: int) -> tuple[Any, dict[str, Any]]:
        image = start_image(request, request.width, request.height)
        # the pipeline itself conditions on fps - 1 (as SVD was trained): pass the real rate
        return self.pipe, dict(
            image=image,
            width=request.width,
            height=request.height,
            num_frames=frames,
            fps=request.fps,
            motion_bucket_id=127,
            noise_aug_strength=0.02,
            decode_chunk_size=8,
        )

    def preview(self, pipe: Any, latents: Any, request: VideoRequest, frames: int) -> np.ndarray | None:
        """Decode the first frame of (b, f, c, h, w) latents with the temporal VAE."""
        import torch

        lat = (latents[:, 0] / pipe.vae.config.scaling_factor).to(pipe.vae.dtype)
        with torch.no_grad():
            decoded = pipe.vae.decode(lat, num_frames=1).sample
        return tensor_preview(decoded)
