"""Full-size diffusers pipelines with random weights, built on the device in bf16 (cost does not depend on weight
values), and their tiny twins for ``--tiny`` runs on the CPU. Tokenizers are built in code: nothing is downloaded.

Sizes follow the published configs: LTX-Video 2B (transformer 1.9 B, T5-XXL 4.8 B), Wan 2.1 1.3B (1.4 B + UMT5-XXL
5.7 B), Stable Audio Open 1.0 (DiT 1.1 B, T5-base), ACE-Step 1.5 turbo (diffusers' default DiT, 1.6 B, Qwen3 0.6 B
text encoder; the engine's default weights are the XL turbo, whose DiT is wider), SV3D (SVD-XT's UNet with SV3D's vector, Stable Diffusion's 2-D VAE, CLIP ViT-H/14 image encoder).
"""

from __future__ import annotations

import contextlib
import string
from typing import Any

import torch


@contextlib.contextmanager
def _init(device: str, dtype: torch.dtype):
    """Build modules directly on ``device`` in ``dtype`` (no float32 CPU copy of multi-GB random weights)."""
    before = torch.get_default_dtype()
    torch.set_default_dtype(dtype)
    try:
        with torch.device(device):
            yield
    finally:
        torch.set_default_dtype(before)


def t5_tokenizer():
    from transformers import T5Tokenizer

    pieces = ["<pad>", "</s>", "<unk>"] + [f"\u2581{c}" for c in string.ascii_lowercase] + list(string.ascii_lowercase)
    return T5Tokenizer(vocab=[(p, -float(i)) for i, p in enumerate(pieces)], extra_ids=0)


def t5_encoder(d_model: int, d_ff: int, layers: int, heads: int, vocab: int, umt5: bool = False):
    from transformers import T5Config, T5EncoderModel, UMT5Config, UMT5EncoderModel

    cls, cfg = (UMT5EncoderModel, UMT5Config) if umt5 else (T5EncoderModel, T5Config)
    return cls(
        cfg(
            vocab_size=vocab,
            d_model=d_model,
            d_ff=d_ff,
            d_kv=64,
            num_heads=heads,
            num_layers=layers,
            feed_forward_proj="gated-gelu",
        )
    ).eval()


def ltx(device: str, dtype: torch.dtype):
    """LTX-Video 2B (diffusers' default transformer and VAE configs) with a T5-XXL text encoder."""
    from diffusers import (
        AutoencoderKLLTXVideo,
        FlowMatchEulerDiscreteScheduler,
        LTXPipeline,
        LTXVideoTransformer3DModel,
    )

    with _init(device, dtype):
        transformer = LTXVideoTransformer3DModel().to(dtype).eval()
        vae = AutoencoderKLLTXVideo().to(dtype).eval()
        encoder = t5_encoder(4096, 10240, 24, 64, 32128).to(dtype)
    scheduler = FlowMatchEulerDiscreteScheduler(
        use_dynamic_shifting=True,
        base_shift=0.95,
        max_shift=2.05,
        base_image_seq_len=1024,
        max_image_seq_len=4096,
        shift_terminal=0.1,
    )
    return LTXPipeline(
        scheduler=scheduler, vae=vae, text_encoder=encoder, tokenizer=t5_tokenizer(), transformer=transformer
    )


def wan(device: str, dtype: torch.dtype):
    """Wan 2.1 T2V 1.3B with a UMT5-XXL text encoder."""
    from diffusers import AutoencoderKLWan, FlowMatchEulerDiscreteScheduler, WanPipeline, WanTransformer3DModel

    with _init(device, dtype):
        transformer = (
            WanTransformer3DModel(num_attention_heads=12, attention_head_dim=128, ffn_dim=8960, num_layers=30)
            .to(dtype)
            .eval()
        )
        keep = set(WanTransformer3DModel._keep_in_fp32_modules or ())  # as from_pretrained(torch_dtype=bf16) does
        for name, module in transformer.named_modules():
            if name.rsplit(".", 1)[-1] in keep:
                module.float()
        for name, param in transformer.named_parameters():
            if name.rsplit(".", 1)[-1] in keep:
                param.data = param.data.float()
        vae = AutoencoderKLWan().to(torch.float32).eval()  # Wan's VAE runs in float32, as diffusers recommends
        encoder = t5_encoder(4096, 10240, 24, 64, 256384, umt5=True).to(dtype)
    return WanPipeline(
        tokenizer=t5_tokenizer(),
        text_encoder=encoder,
        transformer=transformer,
        vae=vae,
        scheduler=FlowMatchEulerDiscreteScheduler(shift=3.0),
    )


def stable_audio(device: str, dtype: torch.dtype):
    """Stable Audio Open 1.0: diffusers' default DiT and Oobleck VAE configs, T5-base, 44.1 kHz."""
    from diffusers import (
        AutoencoderOobleck,
        CosineDPMSolverMultistepScheduler,
        StableAudioDiTModel,
        StableAudioPipeline,
    )
    from diffusers.pipelines.stable_audio import StableAudioProjectionModel

    with _init(device, dtype):
        transformer = StableAudioDiTModel().to(dtype).eval()
        vae = AutoencoderOobleck().to(dtype).eval()
        encoder = t5_encoder(768, 3072, 12, 12, 32128).to(dtype)
        projection = (
            StableAudioProjectionModel(text_encoder_dim=768, conditioning_dim=768, min_value=0, max_value=512)
            .to(dtype)
            .eval()
        )
    scheduler = CosineDPMSolverMultistepScheduler(
        solver_order=2,
        prediction_type="v_prediction",
        sigma_data=1.0,
        sigma_min=0.3,
        sigma_max=500.0,
        sigma_schedule="exponential",
    )
    return StableAudioPipeline(
        vae=vae,
        text_encoder=encoder,
        projection_model=projection,
        tokenizer=t5_tokenizer(),
        transformer=transformer,
        scheduler=scheduler,
    )


def ace_step(device: str, dtype: torch.dtype):
    """ACE-Step 1.5 turbo: diffusers' default DiT and condition encoder, a Qwen3-0.6B-sized text encoder, and a
    48 kHz Oobleck VAE with ACE-Step's 1920x downsampling (25 latent frames a second)."""
    from diffusers import AutoencoderOobleck, FlowMatchEulerDiscreteScheduler
    from diffusers.models.transformers.ace_step_transformer import AceStepTransformer1DModel
    from diffusers.pipelines.ace_step import AceStepConditionEncoder, AceStepPipeline
    from transformers import Qwen3Config, Qwen3Model

    from tests.pipelines.song.tiny_song_models import _word_tokenizer

    tokenizer, n = _word_tokenizer("pop song verse chorus hello world bpm # Instruction Caption Metas".split())
    with _init(device, dtype):
        transformer = AceStepTransformer1DModel(is_turbo=True).to(dtype).eval()
        condition = AceStepConditionEncoder().to(dtype).eval()
        text = (
            Qwen3Model(
                Qwen3Config(
                    hidden_size=1024,
                    intermediate_size=3072,
                    num_hidden_layers=28,
                    num_attention_heads=16,
                    num_key_value_heads=8,
                    head_dim=128,
                    vocab_size=max(n, 151669),
                )
            )
            .to(dtype)
            .eval()
        )
        vae = (
            AutoencoderOobleck(downsampling_ratios=[2, 4, 4, 6, 10], decoder_input_channels=64, sampling_rate=48000)
            .to(dtype)
            .eval()
        )
    return AceStepPipeline(
        vae=vae,
        text_encoder=text,
        tokenizer=tokenizer,
        transformer=transformer,
        condition_encoder=condition,
        scheduler=FlowMatchEulerDiscreteScheduler(shift=3.0),
    )


def sv3d(device: str, dtype: torch.dtype):
    """SV3D (sv3d_u) at full size: its UNet, the 2-D VAE of its checkpoint, CLIP ViT-H/14, SVD's EDM scheduler."""
    from diffusers import AutoencoderKL, EulerDiscreteScheduler
    from transformers import CLIPImageProcessor, CLIPVisionConfig, CLIPVisionModelWithProjection

    from pipelines.image_to_3d.neural_sv3d import SV3D_VAE_CONFIG, make_pipeline
    from pipelines.image_to_3d.neural_sv3d_unet import build_sv3d_unet, sv3d_unet_config

    with _init(device, dtype):
        unet = build_sv3d_unet(sv3d_unet_config("sv3d_u")).to(dtype).eval()
        vae = AutoencoderKL(**SV3D_VAE_CONFIG).to(dtype).eval()
        enc = (
            CLIPVisionModelWithProjection(
                CLIPVisionConfig(
                    hidden_size=1280,
                    intermediate_size=5120,
                    num_hidden_layers=32,
                    num_attention_heads=16,
                    image_size=224,
                    patch_size=14,
                    projection_dim=1024,
                    hidden_act="gelu",
                )
            )
            .to(dtype)
            .eval()
        )
    sched = EulerDiscreteScheduler(
        beta_start=0.00085,
        beta_end=0.012,
        beta_schedule="scaled_linear",
        prediction_type="v_prediction",
        use_karras_sigmas=True,
        sigma_min=0.002,
        sigma_max=700.0,
        timestep_type="continuous",
        interpolation_type="linear",
        timestep_spacing="leading",
        steps_offset=1,
    )
    return make_pipeline(unet, vae, enc, CLIPImageProcessor(crop_size=224, size=224), sched).to(device)


def tiny(name: str) -> Any:
    """The tiny real pipeline the tests use for ``name`` (CPU, float32)."""
    if name in ("ltx", "ltx_distilled"):
        from tests.pipelines.video.video_tiny_models import tiny_ltx

        return tiny_ltx(num_layers=3)
    if name == "wan":
        from tests.pipelines.video.video_tiny_models import tiny_wan

        return tiny_wan()
    if name == "stable_audio":
        from tests.pipelines.sfx.tiny_pipelines import tiny_stable_audio

        return tiny_stable_audio()
    if name == "ace_step":
        from tests.pipelines.song.tiny_song_models import tiny_ace_step

        return tiny_ace_step()
    if name == "sv3d":
        from tests.pipelines.image_to_3d.tiny_sv3d import tiny_pipeline

        return tiny_pipeline()  # 21 views at 64x64 (the smallest view size a request takes)
    raise ValueError(f"no tiny model for {name}")
