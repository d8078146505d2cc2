"""SV3D's denoiser on diffusers' ``UNetSpatioTemporalConditionModel``: per-frame camera conditioning, and the
renaming of Stability's published checkpoint keys (sgm ``VideoUNet`` layout) to diffusers' names.

SV3D feeds a vector per frame into the UNet's class embedding: the noise-augmentation level (256-dim sinusoid)
for ``sv3d_u``; plus the polar and azimuth angles in radians (512-dim sinusoids each) for ``sv3d_p``.
"""

from __future__ import annotations

import functools
import re

SV3D_U_VECTOR = (("cond_aug", 256),)
SV3D_P_VECTOR = (("cond_aug", 256), ("polars_rad", 512), ("azimuths_rad", 512))
UNET_PREFIX = "model.diffusion_model."


def sv3d_unet_config(variant: str = "sv3d_u", **overrides) -> dict:
    """The diffusers config of SV3D's UNet (SVD's at 21 frames; its class-embedding input differs per variant)."""
    vector = SV3D_P_VECTOR if variant == "sv3d_p" else SV3D_U_VECTOR
    config = dict(
        sample_size=72,
        in_channels=8,
        out_channels=4,
        block_out_channels=(320, 640, 1280, 1280),
        down_block_types=("CrossAttnDownBlockSpatioTemporal",) * 3 + ("DownBlockSpatioTemporal",),
        up_block_types=("UpBlockSpatioTemporal",) + ("CrossAttnUpBlockSpatioTemporal",) * 3,
        addition_time_embed_dim=256,
        projection_class_embeddings_input_dim=sum(d for _, d in vector),
        layers_per_block=2,
        cross_attention_dim=1024,
        num_attention_heads=(5, 10, 20, 20),
        num_frames=21,
    )
    config.update(overrides)
    return config


def _block_prefixes(config: dict) -> list[tuple[str, str]]:
    """(sgm prefix, diffusers prefix) pairs for every block of a UNet with this diffusers config."""
    levels = len(config["block_out_channels"])
    per = config.get("layers_per_block", 2)
    down_attn = ["CrossAttn" in t for t in config["down_block_types"]]
    up_attn = ["CrossAttn" in t for t in config["up_block_types"]]
    pairs = [
        ("input_blocks.0.0.", "conv_in."),
        ("time_embed.0.", "time_embedding.linear_1."),
        ("time_embed.2.", "time_embedding.linear_2."),
        ("label_emb.0.0.", "add_embedding.linear_1."),
        ("label_emb.0.2.", "add_embedding.linear_2."),
        ("out.0.", "conv_norm_out."),
        ("out.2.", "conv_out."),
        ("middle_block.0.", "mid_block.resnets.0."),
        ("middle_block.1.", "mid_block.attentions.0."),
        ("middle_block.2.", "mid_block.resnets.1."),
    ]
    i = 1
    for lvl in range(levels):
        for j in range(per):
            pairs.append((f"input_blocks.{i}.0.", f"down_blocks.{lvl}.resnets.{j}."))
            if down_attn[lvl]:
                pairs.append((f"input_blocks.{i}.1.", f"down_blocks.{lvl}.attentions.{j}."))
            i += 1
        if lvl < levels - 1:
            pairs.append((f"input_blocks.{i}.0.op.", f"down_blocks.{lvl}.downsamplers.0.conv."))
            i += 1
    i = 0
    for lvl in range(levels):
        for j in range(per + 1):
            pairs.append((f"output_blocks.{i}.0.", f"up_blocks.{lvl}.resnets.{j}."))
            if up_attn[lvl]:
                pairs.append((f"output_blocks.{i}.1.", f"up_blocks.{lvl}.attentions.{j}."))
            if j == per and lvl < levels - 1:
                k = 2 if up_attn[lvl] else 1
                pairs.append((f"output_blocks.{i}.{k}.conv.", f"up_blocks.{lvl}.upsamplers.0.conv."))
            i += 1
    return pairs


_RESNET = [
    ("in_layers.0.", "norm1."),
    ("in_layers.2.", "conv1."),
    ("emb_layers.1.", "time_emb_proj."),
    ("out_layers.0.", "norm2."),
    ("out_layers.3.", "conv2."),
    ("skip_connection.", "conv_shortcut."),
]


def _inner(rest: str, is_resnet: bool) -> str:
    """Rename the part of a key inside one block."""
    if is_resnet:
        if rest.startswith("time_mixer."):
            return rest
        part = "temporal_res_block." if rest.startswith("time_stack.") else "spatial_res_block."
        rest = rest.removeprefix("time_stack.")
        for old, new in _RESNET:
            if rest.startswith(old):
                return part + new + rest[len(old) :]
        raise KeyError(rest)
    rest = re.sub(r"^time_stack\.", "temporal_transformer_blocks.", rest)
    rest = re.sub(r"^time_pos_embed\.0\.", "time_pos_embed.linear_1.", rest)
    return re.sub(r"^time_pos_embed\.2\.", "time_pos_embed.linear_2.", rest)


def map_sv3d_keys(state: dict, config: dict) -> dict:
    """Rename a Stability SV3D/SVD state dict (``model.diffusion_model.*`` keys) to diffusers' UNet names.

    Keys outside the UNet (the conditioner, the autoencoder) are dropped; an unknown UNet key raises KeyError.
    """
    pairs = sorted(_block_prefixes(config), key=lambda p: -len(p[0]))
    out = {}
    for key, value in state.items():
        if not key.startswith(UNET_PREFIX):
            continue
        k = key[len(UNET_PREFIX) :]
        for old, new in pairs:
            if k.startswith(old):
                rest = k[len(old) :]
                is_resnet = ".resnets." in new
                out[new + (_inner(rest, is_resnet) if is_resnet or ".attentions." in new else rest)] = value
                break
        else:
            raise KeyError(f"unexpected UNet key in the SV3D checkpoint: {key}")
    return out


def build_sv3d_unet(config: dict):
    """An ``SV3DUNet`` from a config dict (random weights)."""
    return _unet_class()(**config)


@functools.lru_cache(maxsize=1)
def _unet_class():
    import torch
    from diffusers import UNetSpatioTemporalConditionModel
    from diffusers.models.embeddings import Timesteps

    class SV3DUNet(UNetSpatioTemporalConditionModel):
        """diffusers' SVD UNet taking a per-frame conditioning vector: ``camera`` (B, F, k) raw values."""

        def vector_embedding(self, camera: torch.Tensor) -> torch.Tensor:
            """(B, F, k) cond_aug[, polar, azimuth] -> (B*F, k-sinusoid concat) as sgm's ConcatTimestepEmbedderND."""
            dims = [256] if camera.shape[-1] == 1 else [256, 512, 512]
            flat = camera.reshape(-1, camera.shape[-1])
            parts = [Timesteps(d, True, 0)(flat[:, i]) for i, d in enumerate(dims)]
            return torch.cat(parts, -1)

        def forward(self, sample, timestep, encoder_hidden_states, camera, return_dict: bool = False):
            """sample (B, F, 8, h, w), timestep (), encoder_hidden_states (B, 1, 1024), camera (B, F, k)
            -> (B, F, 4, h, w)."""
            b, f = sample.shape[:2]
            t = torch.as_tensor(timestep, device=sample.device).reshape(-1).expand(b)
            emb = self.time_embedding(self.time_proj(t).to(sample.dtype))  # (B, D)
            emb = emb.repeat_interleave(f, 0)
            emb = emb + self.add_embedding(self.vector_embedding(camera).to(emb.dtype))  # (B*F, D)
            ehs = encoder_hidden_states.repeat_interleave(f, 0)
            x = self.conv_in(sample.flatten(0, 1))
            indicator = torch.zeros(b, f, dtype=x.dtype, device=x.device)
            skips = (x,)
            for block in self.down_blocks:
                kw = {"encoder_hidden_states": ehs} if getattr(block, "has_cross_attention", False) else {}
                x, res = block(hidden_states=x, temb=emb, image_only_indicator=indicator, **kw)
                skips += res
            x = self.mid_block(hidden_states=x, temb=emb, encoder_hidden_states=ehs, image_only_indicator=indicator)
            for block in self.up_blocks:
                res, skips = skips[-len(block.resnets) :], skips[: -len(block.resnets)]
                kw = {"encoder_hidden_states": ehs} if getattr(block, "has_cross_attention", False) else {}
                x = block(hidden_states=x, temb=emb, res_hidden_states_tuple=res, image_only_indicator=indicator, **kw)
            x = self.conv_out(self.conv_act(self.conv_norm_out(x)))
            return x.reshape(b, f, *x.shape[1:])

    return SV3DUNet
