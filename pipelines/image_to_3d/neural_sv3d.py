"""SV3D (Stability AI) orbital views on diffusers parts, then the shared NeRF -> mesh -> turntable stages.

diffusers has no SV3D pipeline: the denoiser is ``SV3DUNet`` (diffusers' spatio-temporal UNet with SV3D's per-frame
camera vector), loaded from Stability's published ``sv3d_u.safetensors`` / ``sv3d_p.safetensors`` by renaming their
keys. The autoencoder is the one in the same checkpoint (``first_stage_model.*``): SV3D encodes the input and decodes
every view with the plain 2-D image decoder, as its reference sampler does (not SVD's temporal decoder). The CLIP
image encoder and EDM scheduler come from a Stable Video Diffusion folder in diffusers layout (SV3D was fine-tuned
from SVD and shares them).

SV3D was trained on 21 views at 576x576 only: other view counts or sizes are refused (the draft engine takes them).
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
SV3D_FOV_X = 2 * math.atan(16 / 50.0)  # a 50 mm lens on a 32 mm sensor: 2 * atan(16 / 50) = 35.5 degrees
FILL = 0.85  # the object's longer side spans this much of the frame given to SV3D
SV3D_RADIUS = 0.45 / (FILL * math.tan(SV3D_FOV_X / 2))  # the camera distance at which our unit-box object fills it


def find_sv3d_weights(variant: str) -> Path:
    """The ``<variant>.safetensors`` file from the models folder or the Hugging Face cache (never downloaded)."""
    local = models_dir() / "sv3d" / f"{variant}.safetensors"
    if local.is_file():
        return local
    for bad in (".ckpt", ".pt", ".bin"):
        if local.with_suffix(bad).is_file():
            raise WeightsMissingError(
                f"{local.with_suffix(bad)} is a pickle checkpoint and is refused; use Stability's {variant}.safetensors"
            )
    try:
        from huggingface_hub import try_to_load_from_cache

        cached = try_to_load_from_cache(SV3D_REPO, f"{variant}.safetensors")
        if isinstance(cached, str) and Path(cached).is_file():
            return Path(cached)
    except ImportError:
        pass
    raise WeightsMissingError(
        f"SV3D weights ({variant}.safetensors from {SV3D_REPO}) are not on this machine: "
        f"put the file in {local.parent}/ or the Hugging Face cache"
    )


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
    raise WeightsMissingError(
        f"SV3D needs Stable Video Diffusion's image encoder and VAE ({SVD_REPO}, diffusers "
        f"layout, safetensors): put it in {local}/ or the Hugging Face cache"
    )


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
        def orbit(
            self,
            image,
            azimuths_deg,
            elevations_deg,
            num_inference_steps: int = 50,
            min_guidance_scale: float = 1.0,
            max_guidance_scale: float = 2.5,
            cond_aug: float = 1e-5,
            generator=None,
            height: int = 576,
            width: int = 576,
            camera: bool = False,
            callback=None,
            output_type: str = "np",
        ):
            """Frames (F, H, W, 3) in [0, 1] orbiting ``image``; ``camera`` feeds the path (sv3d_p)."""
            device, frames = self._execution_device, len(azimuths_deg)
            # 1. Encode the picture: CLIP embedding for cross-attention, VAE latents concatenated to the noise
            emb = self._encode_image(image, device, 1, True)  # (2, 1, 1024): unconditional, conditional
            pixels = self.video_processor.preprocess(image, height=height, width=width).to(device)
            pixels = pixels + cond_aug * randn_tensor(
                pixels.shape, generator=generator, device=device, dtype=pixels.dtype
            )
            cond = self._encode_vae_image(pixels, device, 1, True).to(emb.dtype)  # (2, 4, h, w)
            cond = cond.unsqueeze(1).repeat(1, frames, 1, 1, 1)
            # 2. Per-frame vector: noise level [, polar, azimuth relative to the input view] in radians
            vec = [[cond_aug] for _ in range(frames)]
            if camera:
                last = azimuths_deg[-1]
                vec = [
                    [cond_aug, math.radians(90.0 - e), math.radians((a - last) % 360.0)]
                    for a, e in zip(azimuths_deg, elevations_deg, strict=False)
                ]
            vec = torch.tensor([vec, vec], device=device, dtype=emb.dtype)  # (2, F, k)
            # 3. Timesteps and noise
            self.scheduler.set_timesteps(num_inference_steps, device=device)
            latents = self.prepare_latents(1, frames, 8, height, width, emb.dtype, device, generator)
            # 4. Guidance grows along the orbit, lowest at the frames nearest the input (triangle as SV3D)
            tri = 1.0 - np.abs(np.linspace(-1.0, 1.0, frames))
            scale = torch.tensor(
                min_guidance_scale + (max_guidance_scale - min_guidance_scale) * tri, device=device, dtype=latents.dtype
            ).reshape(1, frames, 1, 1, 1)
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

    return SV3DPipeline(
        vae=vae, image_encoder=image_encoder, unet=unet, scheduler=scheduler, feature_extractor=feature_extractor
    )


# SV3D's first stage (sgm AutoencodingEngine with the plain Encoder/Decoder): Stable Diffusion's image VAE shape
SV3D_VAE_CONFIG = dict(
    in_channels=3,
    out_channels=3,
    latent_channels=4,
    block_out_channels=(128, 256, 512, 512),
    layers_per_block=2,
    down_block_types=("DownEncoderBlock2D",) * 4,
    up_block_types=("UpDecoderBlock2D",) * 4,
    sample_size=576,
    scaling_factor=0.18215,
)


def sv3d_vae_from_checkpoint(state: dict, config: dict | None = None):
    """The 2-D ``AutoencoderKL`` whose weights are the checkpoint's ``first_stage_model.*`` keys (strict)."""
    import torch
    from diffusers import AutoencoderKL
    from diffusers.loaders.single_file_utils import convert_ldm_vae_checkpoint

    config = dict(config or SV3D_VAE_CONFIG)
    first_stage = {k: v for k, v in state.items() if k.startswith("first_stage_model.")}
    if not first_stage:
        raise WeightsMissingError("the SV3D checkpoint has no first_stage_model.* (autoencoder) weights")
    converted = convert_ldm_vae_checkpoint(first_stage, config)
    with torch.device("meta"):
        vae = AutoencoderKL(**config)
    vae.load_state_dict(converted, strict=True, assign=True)
    return vae.eval()


def load_sv3d_pipeline(variant: str = "sv3d_u", device: str = "cuda", dtype=None):
    """Build the full SV3D pipeline from local weights (safetensors only); raises WeightsMissingError."""
    import torch
    from accelerate import init_empty_weights
    from diffusers import EulerDiscreteScheduler
    from safetensors.torch import load_file
    from transformers import CLIPImageProcessor, CLIPVisionModelWithProjection

    from pipelines.image_to_3d.neural_sv3d_unet import build_sv3d_unet, map_sv3d_keys, sv3d_unet_config

    weights, svd = find_sv3d_weights(variant), find_svd_folder()
    dtype = dtype or (torch.bfloat16 if device == "cuda" else torch.float32)
    config = sv3d_unet_config(variant)
    with init_empty_weights():
        unet = build_sv3d_unet(config)
    state = load_file(str(weights))
    unet.load_state_dict(map_sv3d_keys(state, config), strict=True, assign=True)
    vae = sv3d_vae_from_checkpoint(state)
    del state
    kw = dict(local_files_only=True, use_safetensors=True)
    enc = CLIPVisionModelWithProjection.from_pretrained(svd, subfolder="image_encoder", **kw)
    fe = CLIPImageProcessor.from_pretrained(svd, subfolder="feature_extractor", local_files_only=True)
    sched = EulerDiscreteScheduler.from_pretrained(svd, subfolder="scheduler", local_files_only=True)
    return make_pipeline(unet.to(dtype), vae.to(dtype), enc.to(dtype), fe, sched).to(device)


def background_alpha(rgb: np.ndarray, tolerance: int = 12) -> np.ndarray:
    """uint8 (H, W) alpha of an object rendered on white: the background is the near-white region connected to the
    frame's border, so white parts inside the object stay opaque; its edge is softened by the distance to white."""
    from scipy import ndimage

    distance = 255 - rgb.astype(np.int32).min(-1)  # 0 on pure white
    labels, _ = ndimage.label(distance < tolerance)
    border = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    background = np.isin(labels, border[border > 0])
    alpha = np.where(background, 0, 255).astype(np.uint8)
    edge = ndimage.binary_dilation(background) & ~background
    alpha[edge] = np.clip((distance[edge] - tolerance // 2) * 12, 0, 255).astype(np.uint8)
    return alpha


def frames_to_views(
    frames: np.ndarray, azimuths: list[float], elevations: list[float], input_alpha: np.ndarray | None = None
) -> list[View]:
    """SV3D frames (F, H, W, 3) on white -> RGBA views with poses. The last frame is the input view: it takes
    ``input_alpha`` (H, W) when given (the picture's own cut-out); the others ``background_alpha``."""
    views = []
    for i, (f, az, el) in enumerate(zip(frames, azimuths, elevations, strict=False)):
        rgb = (np.clip(f, 0, 1) * 255 + 0.5).astype(np.uint8)
        last = i == len(frames) - 1 and input_alpha is not None
        alpha = input_alpha.astype(np.uint8) if last else background_alpha(rgb)
        views.append(View(orbit_pose(az, el, SV3D_RADIUS), np.dstack([rgb, alpha]), az, el))
    return views


def trained_shape(pipe) -> tuple[int, int]:
    """(views, size) SV3D's UNet was trained for: its config's frames and latent size x 8 (21, 576)."""
    config = pipe.unet.config
    return int(config.num_frames), int(config.sample_size) * 8


def centred_on_white(rgba: np.ndarray, mask: np.ndarray, size: int):
    """The object centred on a white square (its longer side ``FILL`` of the frame), as SV3D was trained, and the
    matching alpha: (PIL RGB image, uint8 (size, size) alpha)."""
    from PIL import Image

    ys, xs = np.nonzero(mask)
    side = int(max(np.ptp(ys), np.ptp(xs)) / FILL) + 1
    cy, cx = (ys.min() + ys.max()) // 2, (xs.min() + xs.max()) // 2
    canvas = np.full((side, side, 3), 255, np.uint8)
    alpha = np.zeros((side, side), np.uint8)
    src = np.where(mask[..., None], rgba[..., :3], 255)
    y0, x0 = cy - side // 2, cx - side // 2
    sy, sx = max(0, -y0), max(0, -x0)
    crop = src[max(0, y0) : y0 + side, max(0, x0) : x0 + side]
    canvas[sy : sy + crop.shape[0], sx : sx + crop.shape[1]] = crop
    alpha[sy : sy + crop.shape[0], sx : sx + crop.shape[1]] = mask[max(0, y0) : y0 + side, max(0, x0) : x0 + side] * 255
    image = Image.fromarray(canvas).resize((size, size), Image.LANCZOS)
    return image, np.asarray(Image.fromarray(alpha).resize((size, size), Image.LANCZOS))


class SV3DImageTo3D(Generator):
    """SV3D views (``sv3d_u``; ``sv3d_p`` with option ``variant="sv3d_p"``), then the draft NeRF/mesh/turntable."""

    kind = "3d"
    engine = "sv3d"
    version = "1"
    device = "cuda"
    neural = True
    default_steps = 50

    def __init__(self, **options):
        super().__init__(**options)
        self.pipe = options.get("pipeline")
        self.variant = options.get("variant", "sv3d_u")
        self.settings: list[str] = []

    def check_request(self, request: ImageTo3DRequest) -> None:  # type: ignore[override]
        super().check_request(request)
        if request.views_dir:
            raise RequestError("the sv3d engine makes views from a picture; use the draft engine with a views folder")
        views, size = trained_shape(self.pipe) if self.pipe is not None else (21, 576)
        if (request.num_views, request.view_size) != (views, size):
            raise RequestError(
                f"SV3D makes {views} views at {size}x{size}, the shape it was trained on; got "
                f"{request.num_views} views at {request.view_size}: ask for {views} views at {size} "
                "or use the draft engine"
            )

    def load(self) -> None:
        import torch

        from pipelines.neural_speed import apply_speed, speed_options

        dev = self.options.get("device") or ("cuda" if torch.cuda.is_available() else "cpu")
        if self.pipe is None:
            self.pipe = load_sv3d_pipeline(self.variant, dev)
        if self.options.get("fast_settings", True):
            self.settings = apply_speed(
                self.pipe.unet, cuda=self.pipe.device.type == "cuda", **speed_options(self.options)
            )
        self.loaded = True

    def generate(
        self, request: ImageTo3DRequest, progress: ProgressFn, cancel: CancelToken, output_dir: Path
    ) -> GenerationResult:
        from pipelines.image_to_3d.draft import Stages

        t0 = time.perf_counter()
        views = self.make_views(request, progress, cancel)
        write_views(output_dir / "views", views, SV3D_FOV_X)
        prov = {
            "understood": f"SV3D ({self.variant}) orbit of {len(views)} views",
            "views_source": f"{self.variant} diffusion",
            "notes": ["unseen sides are generated by SV3D"],
            "steps": int(self.options.get("steps") or self.default_steps),
            "settings": self.settings,
        }
        stages = Stages(request, progress, cancel, output_dir, device=str(self.pipe.device.type))
        stages.timings["views_s"] = round(time.perf_counter() - t0, 3)
        return stages.run(views, SV3D_FOV_X, prov)

    def make_views(self, request: ImageTo3DRequest, progress: ProgressFn, cancel: CancelToken) -> list[View]:
        """The SV3D orbit of the request's picture as posed RGBA views (the first 12% of the job's progress)."""
        import torch

        from pipelines.image_to_3d.draft import load_mask
        from pipelines.image_to_3d.views_draft import cut_out, load_picture

        size = request.view_size
        # 1. Cut out and centre the object on white, as SV3D was trained
        rgba = load_picture(request.image)
        image, alpha = centred_on_white(rgba, cut_out(rgba, load_mask(request.mask)), size)
        # 2. Views
        azimuths, elevations = sv3d_orbit(request.num_views, request.elevation_deg)
        gen = torch.Generator(device="cpu").manual_seed(request.seed)

        def step(i, n):
            cancel.check()
            progress(0.12 * (i + 1) / n, f"SV3D step {i + 1}/{n}")

        steps = int(self.options.get("steps") or self.default_steps)
        frames = self.pipe.orbit(
            image,
            azimuths,
            elevations,
            steps,
            generator=gen,
            height=size,
            width=size,
            camera=self.variant == "sv3d_p",
            callback=step,
        )
        return frames_to_views(frames, azimuths, elevations, input_alpha=alpha)
