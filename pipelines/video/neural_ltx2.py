"""LTX-2 through diffusers (``LTX2Pipeline``, ``LTX2ImageToVideoPipeline``): video with its own synchronised audio,
made in one pass by one audio-video transformer.

Weights: the diffusers-format ``Lightricks/LTX-2`` folder in ``$STUDIO_MODELS_DIR/ltx-2`` or the Hugging Face cache
(never downloaded). Sizes are multiples of 32 and frame counts 8k+1. A result carries the video (MP4) as its primary
file and the shot's audio as a sidecar WAV with role ``audio`` (48 kHz stereo, exactly the video's length), so the
timeline can place it as a linked audio clip under the video clip.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from pipelines.base import OutputFile
from pipelines.video.neural_common import DiffusersVideoGenerator, start_image
from pipelines.video.request import VideoRequest

DEFAULT_NEGATIVE = "worst quality, inconsistent motion, blurry, jittery, distorted, muffled audio, noise"


class LTX2VideoGenerator(DiffusersVideoGenerator):
    kind = "video"
    engine = "ltx-2"
    version = "1"
    weights_name = "ltx-2"
    hf_repo = "Lightricks/LTX-2"
    need_gb = 64.0  # the 19 B audio-video transformer and the Gemma 3 text encoder in bf16
    size_multiple = 32
    frames_rule = (8, 1)
    default_steps = 40
    fast_steps = 0

    def load_pipeline(self, folder: Path) -> Any:
        import torch
        from diffusers import LTX2Pipeline

        return LTX2Pipeline.from_pretrained(
            str(folder), torch_dtype=torch.bfloat16, use_safetensors=True, local_files_only=True
        )

    def call_kwargs(self, request: VideoRequest, frames: int) -> tuple[Any, dict[str, Any]]:
        from diffusers import LTX2ImageToVideoPipeline

        kwargs: dict[str, Any] = dict(
            prompt=request.prompt or "a cinematic shot with natural sound",
            negative_prompt=request.negative_prompt or DEFAULT_NEGATIVE,
            width=request.width,
            height=request.height,
            num_frames=frames,
            frame_rate=float(request.fps),
        )
        if "max_sequence_length" in self.options:
            kwargs["max_sequence_length"] = int(self.options["max_sequence_length"])
        if request.image or request.extend_from:
            pipe = LTX2ImageToVideoPipeline(**self.pipe.components)
            kwargs["image"] = start_image(request, request.width, request.height)
            return pipe, kwargs
        return self.pipe, kwargs

    def extra_files(self, out: Any, request: VideoRequest, stem: Path, role: str) -> list[OutputFile]:
        """The shot's audio, (batch, channels, samples) at the vocoder's rate -> a 48 kHz stereo WAV exactly as
        long as the video (the model's audio and video latents cover the same span)."""
        import soundfile

        from pipelines.song.neural_common import fit_length, to_stereo_48k

        audio = out.audio
        audio = audio.float().cpu().numpy() if hasattr(audio, "cpu") else np.asarray(audio, np.float32)
        rate = int(self.pipe.vocoder.config.output_sampling_rate)
        seconds = self.num_frames(request) / request.fps
        samples = fit_length(to_stereo_48k(audio[0], rate), seconds)
        path = stem.with_suffix(".wav")
        tmp = Path(tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".wav")[1])
        soundfile.write(tmp, samples, 48_000, subtype="PCM_24", format="WAV")
        os.replace(tmp, path)
        return [OutputFile(path, "audio" + role)]
