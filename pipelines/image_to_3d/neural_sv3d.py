"""SV3D (Stability AI) orbital views on diffusers parts, then the shared NeRF -> mesh -> turntable stages.

diffusers has no SV3D pipeline: the denoiser is ``SV3DUNet`` (diffusers' spatio-temporal UNet with SV3D's per-frame
camera vector), loaded from Stability's published ``sv3d_u.safetensors`` / ``sv3d_p.safetensors`` by renaming their
keys; the image encoder, VAE and EDM scheduler come from a Stable Video Diffusion folder in diffusers layout (SV3D
was fine-tuned from SVD and shares them).
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np

from pipelines.base import CancelToken, GenerationResult, Generator, ProgressFn, RequestError, WeightsMissingError
from pipelines.image_to_3d.cameras import View, orbit_pose, write_views
from pipelines.image_to_3d.request import ImageTo3DRequest
from pipelines.weights import models_dir

SV3D_REPO = "stabilityai/sv3d"
SVD_REPO = "stabilityai/stable-video-diffusion-img2vid-xt"
SV3D_FOV_X = 2 * math.atan(16 / 50.0)  # a 50 mm lens on a 32 mm sensor, SV3D's Objaverse renders (33.8 deg)
FILL = 0.85  # the object's longer side spans this much of the frame given to SV3D
SV3D_RADIUS = 0.45 / (FILL * math.tan(SV3D_FOV_X / 2))  # the camera distance at which our unit-box object fills it


def find_sv3d_weights(variant: str) -> Path:
    """The ``<variant>.safetensors`` file from the models folder or the Hugging Face cache (never downloaded)."""
    local = models_dir() / "sv3d" / f"{variant}.safetensors"
    if local.is_file():
        return local
    for bad in (".ckpt", ".pt", ".bin"):
        if local.with_suffix(bad).is_file():
            raise WeightsMissingError(f"{local.with_suffix(bad)} is a pickle checkpoint and is refused; "
                                      f"use Stability's {variant}.safetensors")
    try:
        from huggingface_hub import try_to_load_from_cache

        cached = try_to_load_from_cache(SV3D_REPO, f"{variant}.safetensors")
        if isinstance(cached, str) and Path(cached).is_file():
            return Path(cached)
    except ImportError:
        pass
    raise WeightsMissingError(f"SV3D weights ({variant}.safetensors from {SV3D_REPO}) are not on this machine: "
                              f"put the file in {local.parent}/ or the Hugging Face cache")


def find_svd_folder() -> str:
    """A diffusers-layout Stable Video Diffusion folder (image encoder, VAE, scheduler) or the cached repo id."""
    local = models_dir() / "stable-video-diffusion-img2vid-xt"
    if (local / "model_index.json").is_file():
        return str(local)
    try:
        from huggingface_hub import try_to_load_from_cache

        if isinstance(try_to_load_from_cache(SVD_REPO, "model_index.json"), str):
            return SVD_REPO
    except ImportError:
        pass
    raise WeightsMissingError(f"SV3D needs Stable Video Diffusion's image encoder and VAE ({SVD_REPO}, diffusers "
                              f"layout, safetensors): put it in {local}/ or the Hugging Face cache")


def sv3d_orbit(num_views: int, elevation_deg: float) -> tuple[list[float], list[float]]:
    """(azimuths_deg, elevations_deg) of SV3D's static orbit: evenly spaced, the last frame is the input view."""
    az = [(360.0 * (k + 1) / num_views) % 360.0 for k in range(num_views)]
    return az, [elevation_deg] * num_views


def make_pipeline(unet, vae, image_encoder, feature_extractor, scheduler):
    """An ``SV3DPipeline`` (a StableVideoDiffusionPipeline with SV3D's camera-conditioned denoising loop)."""
    import torch
    from diffusers import StableVideoDiffusionPipeline
    from diffusers.utils.torch_utils import randn_tensor

    class SV3DPipeline(StableVideoDiffusionPipeline):
        @torch.no_grad()
        def orbit(self, image, azimuths_deg, elevations_deg, num_inference_steps: int = 50,
                  min_guidance_scale: float = 1.0, max_guidance_scale: float = 2.5, cond_aug: float = 1e-5,
                  generator=None, height: int = 576, width: int = 576, camera: bool = False, callback=None,
                  output_type: str = "np"):
            """Frames (F, H, W, 3) in [0, 1] orbiting ``image``; ``camera`` feeds the path (sv3d_p)."""
            device, frames = self._execution_device, len(azimuths_deg)
            # 1. Encode the picture: CLIP embedding for cross-attention, VAE latents concatenated to the noise
            emb = self._encode_image(image, device, 1, True)  # (2, 1, 1024): unconditional, conditional
            pixels = self.video_processor.preprocess(image, height=height, width=width).to(device)
            pixels = pixels + cond_aug * randn_tensor(pixels.shape, generator=generator, device=device,
                                                      dtype=pixels.dtype)
            cond = self._encode_vae_image(pixels, device, 1, True).to(emb.dtype)  # (2, 4, h, w)
            cond = cond.unsqueeze(1).repeat(1, frames, 1, 1, 1)
            # 2. Per-frame vector: noise level [, polar, azimuth relative to the input view] in radians
            vec = [[cond_aug] for _ in range(frames)]
            if camera:
                last = azimuths_deg[-1]
                vec = [[cond_aug, math.radians(90.0 - e), math.radians((a - last) % 360.0)]
                       for a, e in zip(azimuths_deg, elevations_deg, strict=False)]
            vec = torch.tensor([vec, vec], device=device, dtype=emb.dtype)  # (2, F, k)
            # 3. Timesteps and noise
            self.scheduler.set_timesteps(num_inference_steps, device=device)
            latents = self.prepare_latents(1, frames, 8, height, width, emb.dtype, device, generator)
            # 4. Guidance grows along the orbit, lowest at the frames nearest the input (triangle as SV3D)
            tri = 1.0 - np.abs(np.linspace(-1.0, 1.0, frames))
            scale = torch.tensor(min_guidance_scale + (max_guidance_scale - min_guidance_scale) * tri,
                                 device=device, dtype=latents.dtype).reshape(1, frames, 1, 1, 1)
            # 5. Denoising loop
            for i, t in enumerate(self.scheduler.timesteps):
                x = self.scheduler.scale_model_input(torch.cat([latents] * 2), t)
                pred = self.unet(torch.cat([x, cond], dim=2), t, emb, vec)
                uncond, cond_pred = pred.chunk(2)
                latents = self.scheduler.step(uncond + scale * (cond_pred - uncond), t, latents).prev_sample
                if callback:
                    callback(i, num_inference_steps)
            if output_type == "latent":
                return latents
            video = self.decode_latents(latents, frames, 7)
            return self.video_processor.postprocess_video(video=video, output_type="np")[0]

    return SV3DPipeline(vae=vae, image_encoder=image_encoder, unet=unet, scheduler=scheduler,
                        feature_extractor=feature_extractor)


def load_sv3d_pipeline(variant: str = "sv3d_u", device: str = "cuda", dtype=None):
    """Build the full SV3D pipeline from local weights (safetensors only); raises WeightsMissingError."""
    import torch
    from accelerate import init_empty_weights
    from diffusers import AutoencoderKLTemporalDecoder, EulerDiscreteScheduler
    from safetensors.torch import load_file
    from transformers import CLIPImageProcessor, CLIPVisionModelWithProjection

    from pipelines.image_to_3d.neural_sv3d_unet import build_sv3d_unet, map_sv3d_keys, sv3d_unet_config

    weights, svd = find_sv3d_weights(variant), find_svd_folder()
    dtype = dtype or (torch.bfloat16 if device == "cuda" else torch.float32)
    config = sv3d_unet_config(variant)
    with init_empty_weights():
        unet = build_sv3d_unet(config)
    unet.load_state_dict(map_sv3d_keys(load_file(str(weights)), config), strict=True, assign=True)
    kw = dict(local_files_only=True, use_safetensors=True)
    vae = AutoencoderKLTemporalDecoder.from_pretrained(svd, subfolder="vae", **kw)
    enc = CLIPVisionModelWithProjection.from_pretrained(svd, subfolder="image_encoder", **kw)
    fe = CLIPImageProcessor.from_pretrained(svd, subfolder="feature_extractor", local_files_only=True)
    sched = EulerDiscreteScheduler.from_pretrained(svd, subfolder="scheduler", local_files_only=True)
    return make_pipeline(unet.to(dtype), vae.to(dtype), enc.to(dtype), fe, sched).to(device)


def frames_to_views(frames: np.ndarray, azimuths: list[float], elevations: list[float]) -> list[View]:
    """SV3D frames (F, H, W, 3) on white -> RGBA views with poses; alpha from the distance to white."""
    views = []
    for f, az, el in zip(frames, azimuths, elevations, strict=False):
        rgb = (np.clip(f, 0, 1) * 255 + 0.5).astype(np.uint8)
        alpha = np.clip((255 - rgb.astype(np.int32).min(-1) - 6) * 12, 0, 255).astype(np.uint8)
        views.append(View(orbit_pose(az, el, SV3D_RADIUS), np.dstack([rgb, alpha]), az, el))
    return views


class SV3DImageTo3D(Generator):
    """SV3D views (``sv3d_u``; ``sv3d_p`` with option ``variant="sv3d_p"``), then the draft NeRF/mesh/turntable."""

    kind = "3d"
    engine = "sv3d"
    version = "1"
    device = "cuda"
    neural = True

    def load(self) -> None:
        import torch

        dev = self.options.get("device") or ("cuda" if torch.cuda.is_available() else "cpu")
        self.variant = self.options.get("variant", "sv3d_u")
        self.pipe = self.options.get("pipeline") or load_sv3d_pipeline(self.variant, dev)
        self.loaded = True

    def generate(self, request: ImageTo3DRequest, progress: ProgressFn, cancel: CancelToken,
                 output_dir: Path) -> GenerationResult:
        import torch
        from PIL import Image

        from pipelines.image_to_3d.draft import Stages, load_mask
        from pipelines.image_to_3d.views_draft import cut_out, load_picture

        if request.views_dir:
            raise RequestError("the sv3d engine makes views from a picture; use the draft engine with a views folder")
        t0 = time.perf_counter()
        size = request.view_size
        # 1. Cut out and centre the object on white, as SV3D was trained
        rgba = load_picture(request.image)
        mask = cut_out(rgba, load_mask(request.mask))
        ys, xs = np.nonzero(mask)
        side = int(max(np.ptp(ys), np.ptp(xs)) / FILL) + 1
        cy, cx = (ys.min() + ys.max()) // 2, (xs.min() + xs.max()) // 2
        canvas = np.full((side, side, 3), 255, np.uint8)
        src = np.where(mask[..., None], rgba[..., :3], 255)
        y0, x0 = cy - side // 2, cx - side // 2
        sy, sx = max(0, -y0), max(0, -x0)
        crop = src[max(0, y0):y0 + side, max(0, x0):x0 + side]
        canvas[sy:sy + crop.shape[0], sx:sx + crop.shape[1]] = crop
        image = Image.fromarray(canvas).resize((size, size), Image.LANCZOS)
        # 2. Views
        azimuths, elevations = sv3d_orbit(request.num_views, request.elevation_deg)
        gen = torch.Generator(device="cpu").manual_seed(request.seed)

        def step(i, n):
            cancel.check()
            progress(0.12 * (i + 1) / n, f"SV3D step {i + 1}/{n}")

        frames = self.pipe.orbit(image, azimuths, elevations, self.options.get("steps", 50), generator=gen,
                                 height=size, width=size, camera=self.variant == "sv3d_p", callback=step)
        views = frames_to_views(frames, azimuths, elevations)
        write_views(output_dir / "views", views, SV3D_FOV_X)
        prov = {"understood": f"SV3D ({self.variant}) orbit of {len(views)} views",
                "views_source": f"{self.variant} diffusion", "notes": ["unseen sides are generated by SV3D"]}
        stages = Stages(request, progress, cancel, output_dir, device=str(self.pipe.device.type))
        stages.timings["views_s"] = round(time.perf_counter() - t0, 3)
        return stages.run(views, SV3D_FOV_X, prov)
