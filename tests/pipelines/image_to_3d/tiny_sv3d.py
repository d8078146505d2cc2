"""A tiny real SV3D pipeline (random weights, built in code): the UNet, a 2-D VAE, a CLIP image encoder."""

from __future__ import annotations

TINY = dict(
    block_out_channels=(32, 32, 64, 64), num_attention_heads=(2, 2, 2, 2), cross_attention_dim=32, sample_size=8
)
TINY_VAE = dict(
    in_channels=3,
    out_channels=3,
    latent_channels=4,
    block_out_channels=(32, 64),
    layers_per_block=1,
    down_block_types=("DownEncoderBlock2D",) * 2,
    up_block_types=("UpDecoderBlock2D",) * 2,
)


def tiny_pipeline(variant="sv3d_u", **unet):
    """``unet`` overrides the tiny UNet config (``sample_size=4``: 32x32 views)."""
    import torch
    from diffusers import AutoencoderKL, EulerDiscreteScheduler
    from transformers import CLIPImageProcessor, CLIPVisionConfig, CLIPVisionModelWithProjection

    from pipelines.image_to_3d.neural_sv3d import make_pipeline
    from pipelines.image_to_3d.neural_sv3d_unet import build_sv3d_unet, sv3d_unet_config

    torch.manual_seed(0)
    unet = build_sv3d_unet(sv3d_unet_config(variant, **{**TINY, **unet})).eval()
    vae = AutoencoderKL(**TINY_VAE).eval()
    enc = CLIPVisionModelWithProjection(
        CLIPVisionConfig(
            hidden_size=32,
            projection_dim=32,
            num_hidden_layers=2,
            num_attention_heads=4,
            intermediate_size=37,
            image_size=224,
            patch_size=32,
        )
    ).eval()
    fe = CLIPImageProcessor(crop_size=224, size=224)
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
    )
    return make_pipeline(unet, vae, enc, fe, sched)
