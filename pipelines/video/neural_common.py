"""What the diffusers video backends share: finding local weights, choosing memory options from free GPU
memory, the speed options (``pipelines.neural_speed``), per-step progress with decoded previews, and writing frames to MP4.

torch and diffusers are imported inside functions only, so importing this module stays cheap.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from pipelines.base import (
    CancelToken,
    GenerationResult,
    Generator,
    OutputFile,
    ProgressFn,
    RequestError,
)
from pipelines.video.request import VideoRequest
from pipelines.weights import find_weights, models_dir  # noqa: F401  (the neural_* modules import them here)

PREVIEW_EVERY_STEPS = 5


def memory_plan(pipe: Any, need_gb: float, device: str) -> dict[str, Any]:
    """Place ``pipe`` by free GPU memory: whole on the GPU, or model CPU offload; VAE tiling when tight."""
    import torch

    plan: dict[str, Any] = {"device": device}
    if device != "cuda" or not torch.cuda.is_available():
        pipe.to("cpu")
        plan["device"] = "cpu"
        return plan
    free, total = torch.cuda.mem_get_info()
    free_gb = free / 2**30
    plan["free_gb"] = round(free_gb, 1)
    if free_gb >= need_gb * 1.15:
        pipe.to("cuda")
        plan["offload"] = "none"
    else:
        pipe.enable_model_cpu_offload()
        plan["offload"] = "model"
    if free_gb < need_gb * 1.6 and hasattr(pipe, "vae") and hasattr(pipe.vae, "enable_tiling"):
        pipe.vae.enable_tiling()
        plan["vae_tiling"] = True
    return plan


def step_callback(
    progress: ProgressFn,
    cancel: CancelToken,
    steps: int,
    preview: Callable[[Any], np.ndarray | None],
    span: tuple[float, float] = (0.0, 0.9),
) -> Callable:
    """A ``callback_on_step_end`` that reports each step, sends a decoded preview every few steps, and cancels."""
    lo, hi = span

    def callback(pipe, i, t, kwargs):
        cancel.check()
        image = None
        if (i + 1) % PREVIEW_EVERY_STEPS == 0 or i == 0:
            try:
                image = preview(kwargs["latents"])
            except Exception:  # a preview must never fail the job
                image = None
        progress(lo + (hi - lo) * (i + 1) / steps, f"denoising step {i + 1}/{steps}", image)
        return kwargs

    return callback


def to_uint8_frames(frames: Any) -> np.ndarray:
    """Pipeline output (``output_type="np"``: (b, f, h, w, 3) floats 0..1) -> uint8 (f, h, w, 3) of the first video."""
    arr = np.asarray(frames)
    if arr.ndim == 5:
        arr = arr[0]
    return (np.clip(arr, 0, 1) * 255 + 0.5).astype(np.uint8)


def tensor_preview(decoded: Any) -> np.ndarray:
    """A decoded VAE sample tensor (1, 3, [f,] h, w) in -1..1 -> small uint8 (h, w, 3) of its first frame."""
    x = decoded.float()
    if x.ndim == 5:
        x = x[:, :, 0]
    img = ((x[0].permute(1, 2, 0).clamp(-1, 1) + 1) * 127.5).to("cpu").numpy().astype(np.uint8)
    return img


class DiffusersVideoGenerator(Generator):
    """Shared ``generate`` for diffusers video pipelines. Subclasses set the class attributes and implement
    ``load_pipeline``, ``call_kwargs`` and ``preview``. Pass ``pipeline=`` (tests: tiny real components) to skip
    loading weights; ``steps=`` and ``preset=`` ("quality" or "fast") tune the schedule; ``max_frames=`` caps the
    frames of a shot (previews)."""

    neural = True
    device = "cuda"
    weights_name = ""
    hf_repo = ""
    need_gb = 24.0
    size_multiple = 32
    frames_rule = (8, 1)  # frame counts must be k * 8 + 1
    default_steps = 40
    fast_steps = 8

    def __init__(self, **options: Any):
        super().__init__(**options)
        self.pipe = options.get("pipeline")
        self.plan: dict[str, Any] = {}
        self.settings: list[str] = []

    def check_request(self, request: VideoRequest) -> None:  # type: ignore[override]
        super().check_request(request)
        m = self.size_multiple
        if request.width % m or request.height % m:
            raise RequestError(
                f"size {request.width}x{request.height}: the {self.engine} model needs width and "
                f"height that are multiples of {m} (for example {request.width // m * m}x"
                f"{request.height // m * m})"
            )
        if request.end_image:
            raise RequestError(f"the {self.engine} engine does not take an end image")
        self.schedule()  # an unknown preset or a fixed schedule's steps fail here, before loading

    def num_frames(self, request: VideoRequest) -> int:
        """Frames for the request's duration, rounded down to the model's rule (k * step + plus); the
        ``max_frames`` option caps it (quick previews)."""
        step, plus = self.frames_rule
        n = int(round(request.duration * request.fps))
        cap = self.options.get("max_frames")
        if cap:
            n = min(n, int(cap))
        return max(1, (n - plus) // step) * step + plus

    def load(self) -> None:
        """Weights (unless a pipeline was given), placement by free memory, then the speed options (see
        ``pipelines.neural_speed``: ``compile``, ``cache``, ``fp8``, ``attention``; ``fast_settings=False`` turns
        them all off, as plain diffusers runs)."""
        import torch

        from pipelines.neural_speed import apply_speed, speed_options

        if self.pipe is None:
            self.pipe = self.load_pipeline(find_weights(self.weights_name, self.hf_repo))
            want = self.options.get("device", "cuda")
            self.plan = memory_plan(self.pipe, self.need_gb, want)
        else:
            self.plan = {"device": getattr(self.pipe, "device", torch.device("cpu")).type, "injected": True}
        if self.options.get("fast_settings", True):
            model = getattr(self.pipe, "transformer", None) or getattr(self.pipe, "unet", None)
            self.settings = apply_speed(model, cuda=self.plan["device"] == "cuda", **speed_options(self.options))
        self._torch = torch
        self.loaded = True

    def unload(self) -> None:
        self.pipe = None
        self.loaded = False

    def load_pipeline(self, folder: Path) -> Any:
        raise NotImplementedError

    def schedule(self) -> dict[str, Any]:
        """The denoising schedule's pipeline keywords: ``steps=`` or the preset ("quality", or "fast" where the
        engine has a fast step count)."""
        preset = self.options.get("preset") or "quality"
        if preset not in ("quality", "fast") or (preset == "fast" and not self.fast_steps):
            extra = " (the distilled model is the ltx-video-distilled engine)" if self.engine == "ltx-video" else ""
            raise RequestError(f"the {self.engine} engine has no {preset!r} preset; it runs 'quality'{extra}")
        steps = int(self.options.get("steps") or (self.fast_steps if preset == "fast" else self.default_steps))
        return {"num_inference_steps": steps}

    def call_kwargs(self, request: VideoRequest, frames: int) -> tuple[Any, dict[str, Any]]:
        """(pipeline to call, its keyword arguments) for this request."""
        raise NotImplementedError

    def preview(self, pipe: Any, latents: Any, request: VideoRequest, frames: int) -> np.ndarray | None:
        return None

    def _previewer(self, pipe: Any, request: VideoRequest, frames: int) -> Callable[[Any], np.ndarray | None]:
        return lambda latents: self.preview(pipe, latents, request, frames)

    def render(
        self,
        request: VideoRequest,
        variation: int,
        progress: ProgressFn,
        cancel: CancelToken,
        span: tuple[float, float] = (0.0, 0.9),
    ) -> Any:
        """One variation through the pipeline with the engine's schedule and settings: the pipeline's output
        (``frames`` as floats 0..1; what else the family returns, such as LTX-2's audio). Benchmarks time this."""
        torch = self._torch
        frames = self.num_frames(request)
        schedule = self.schedule()
        pipe, kwargs = self.call_kwargs(request, frames)
        seed = (request.seed + 7919 * variation) % 2**63
        gen_device = "cpu" if self.plan.get("device") == "cpu" or self.plan.get("offload") == "model" else "cuda"
        kwargs.update(
            **schedule,
            generator=torch.Generator(gen_device).manual_seed(seed),
            output_type="np",
            callback_on_step_end=step_callback(
                progress, cancel, schedule["num_inference_steps"], self._previewer(pipe, request, frames), span
            ),
        )
        return pipe(**kwargs)

    def extra_files(self, out: Any, request: VideoRequest, stem: Path, role: str) -> list[OutputFile]:
        """Files besides the video and poster (a family with sound writes its audio here)."""
        return []

    def generate(
        self,
        request: VideoRequest,
        progress: ProgressFn,
        cancel: CancelToken,  # type: ignore[override]
        output_dir: Path,
    ) -> GenerationResult:
        from PIL import Image

        from pipelines.video.encode import VideoWriter

        frames = self.num_frames(request)
        steps = self.schedule()["num_inference_steps"]
        stem = f"video-{self.engine}-{request.content_hash()[:12]}"
        files: list[OutputFile] = []
        timings = []
        for k in range(request.variations):
            cancel.check()
            span = (k / request.variations, (k + 0.9) / request.variations)
            started = time.perf_counter()
            out = self.render(request, k, progress, cancel, span)
            timings.append(round(time.perf_counter() - started, 3))
            video = to_uint8_frames(out.frames)  # (f, h, w, 3)
            suffix = "" if k == 0 else f"-{k + 1}"
            path, poster = output_dir / f"{stem}{suffix}.mp4", output_dir / f"{stem}{suffix}.png"
            h, w = video.shape[1:3]
            with VideoWriter(path, w, h, request.fps) as writer:
                for frame in video:
                    writer.write(np.dstack([frame, np.full((h, w), 255, np.uint8)]).tobytes())
            Image.fromarray(video[len(video) // 2]).save(poster)
            role = "" if k == 0 else f":{k + 1}"
            files += [OutputFile(path, "video" + role), OutputFile(poster, "poster" + role)]
            files += self.extra_files(out, request, output_dir / f"{stem}{suffix}", role)
        provenance = {
            "model": self.hf_repo,
            "steps": steps,
            "frames": frames,
            "memory": self.plan,
            "settings": self.settings,
            "denoise_seconds": timings,
            "mode": "image-to-video" if (request.image or request.extend_from) else "text-to-video",
        }
        if request.negative_prompt:
            provenance["negative_prompt"] = request.negative_prompt
        return GenerationResult(files, provenance, {"frames": float(frames * request.variations)})


def start_image(request: VideoRequest, width: int, height: int):
    """The start image for image-to-video (or the last frame of ``extend_from``), covering width x height."""
    from PIL import Image

    from pipelines.video.animate_image import _cover, last_frame, load_image

    img = last_frame(request.extend_from) if request.extend_from else load_image(request.image)
    return Image.fromarray(_cover(img, width, height))
