"""SV3D on diffusers parts: the checkpoint key mapping, a tiny random-weight orbit, and missing-weight errors."""

import numpy as np
import pytest
import torch
from PIL import Image

from pipelines.base import WeightsMissingError
from pipelines.image_to_3d.neural_sv3d import (
    find_sv3d_weights,
    find_svd_folder,
    frames_to_views,
    make_pipeline,
    sv3d_orbit,
)
from pipelines.image_to_3d.neural_sv3d_unet import build_sv3d_unet, map_sv3d_keys, sv3d_unet_config

TINY = dict(block_out_channels=(32, 32, 64, 64), num_attention_heads=(2, 2, 2, 2), cross_attention_dim=32,
            sample_size=8)

RES = ["in_layers.0", "in_layers.2", "emb_layers.1", "out_layers.0", "out_layers.3"]
ATTN = [f"{a}.{p}" for a in ("attn1", "attn2") for p in ("to_q", "to_k", "to_v")]
WB = ("weight", "bias")


def _resblock(prefix, skip):
    keys = [f"{prefix}{m}.{s}" for m in RES for s in WB] + [f"{prefix}time_stack.{m}.{s}" for m in RES for s in WB]
    keys += [f"{prefix}skip_connection.{s}" for s in WB] if skip else []
    return keys + [f"{prefix}time_mixer.mix_factor"]


def _transformer(prefix):
    blk = [f"{a}.weight" for a in ATTN] + [f"{a}.to_out.0.{s}" for a in ("attn1", "attn2") for s in WB]
    blk += [f"{m}.{s}" for m in ("ff.net.0.proj", "ff.net.2", "norm1", "norm2", "norm3") for s in WB]
    keys = [f"{prefix}transformer_blocks.0.{k}" for k in blk]
    keys += [f"{prefix}time_stack.0.{k}" for k in blk + [f"{m}.{s}" for m in ("norm_in", "ff_in.net.0.proj",
                                                                               "ff_in.net.2") for s in WB]]
    keys += [f"{prefix}{m}.{s}" for m in ("norm", "proj_in", "proj_out", "time_pos_embed.0", "time_pos_embed.2")
             for s in WB]
    return keys + [f"{prefix}time_mixer.mix_factor"]


def sgm_video_unet_keys(channels, attention=(True, True, True, False), per=2):
    """Key names of Stability's sgm VideoUNet, enumerated from its layout (channel bookkeeping as in sgm)."""
    p = "model.diffusion_model."
    keys = [f"{p}{m}.{s}" for m in ("input_blocks.0.0", "time_embed.0", "time_embed.2", "label_emb.0.0",
                                    "label_emb.0.2", "out.0", "out.2") for s in WB]
    ch, chans, i = channels[0], [channels[0]], 1
    for lvl, out in enumerate(channels):
        for _ in range(per):
            keys += _resblock(f"{p}input_blocks.{i}.0.", ch != out)
            keys += _transformer(f"{p}input_blocks.{i}.1.") if attention[lvl] else []
            ch = out
            chans.append(ch)
            i += 1
        if lvl < len(channels) - 1:
            keys += [f"{p}input_blocks.{i}.0.op.{s}" for s in WB]
            chans.append(ch)
            i += 1
    keys += _resblock(f"{p}middle_block.0.", False) + _transformer(f"{p}middle_block.1.")
    keys += _resblock(f"{p}middle_block.2.", False)
    i = 0
    for lvl, out in reversed(list(enumerate(channels))):
        for j in range(per + 1):
            skip_ch = chans.pop()
            keys += _resblock(f"{p}output_blocks.{i}.0.", ch + skip_ch != out)
            ch = out
            if attention[lvl]:
                keys += _transformer(f"{p}output_blocks.{i}.1.")
            if lvl and j == per:
                keys += [f"{p}output_blocks.{i}.{2 if attention[lvl] else 1}.conv.{s}" for s in WB]
            i += 1
    return keys + ["conditioner.embedders.0.open_clip.model.visual.proj", "first_stage_model.encoder.conv_in.weight"]


def test_published_sv3d_names_map_to_diffusers_names():
    cfg = sv3d_unet_config("sv3d_u")
    p = "model.diffusion_model."
    expected = {
        "input_blocks.0.0.weight": "conv_in.weight",
        "input_blocks.1.0.time_stack.in_layers.2.weight": "down_blocks.0.resnets.0.temporal_res_block.conv1.weight",
        "input_blocks.4.0.skip_connection.weight": "down_blocks.1.resnets.0.spatial_res_block.conv_shortcut.weight",
        "input_blocks.3.0.op.weight": "down_blocks.0.downsamplers.0.conv.weight",
        "input_blocks.1.1.time_stack.0.ff_in.net.0.proj.weight":
            "down_blocks.0.attentions.0.temporal_transformer_blocks.0.ff_in.net.0.proj.weight",
        "middle_block.1.time_pos_embed.0.weight": "mid_block.attentions.0.time_pos_embed.linear_1.weight",
        "middle_block.2.time_mixer.mix_factor": "mid_block.resnets.1.time_mixer.mix_factor",
        "output_blocks.2.1.conv.weight": "up_blocks.0.upsamplers.0.conv.weight",
        "output_blocks.5.2.conv.weight": "up_blocks.1.upsamplers.0.conv.weight",
        "output_blocks.11.1.proj_out.weight": "up_blocks.3.attentions.2.proj_out.weight",
        "label_emb.0.0.weight": "add_embedding.linear_1.weight",
        "out.2.bias": "conv_out.bias",
    }
    state = {p + k: i for i, k in enumerate(expected)}
    state["first_stage_model.decoder.conv_out.weight"] = -1
    mapped = map_sv3d_keys(state, cfg)
    assert mapped == {expected[k]: i for i, k in enumerate(expected)}
    assert cfg["projection_class_embeddings_input_dim"] == 256
    assert sv3d_unet_config("sv3d_p")["projection_class_embeddings_input_dim"] == 1280


def test_a_synthetic_sgm_state_dict_loads_strictly_into_the_diffusers_unet():
    cfg = sv3d_unet_config("sv3d_u", **TINY)
    unet = build_sv3d_unet(cfg)
    target = unet.state_dict()
    names = sgm_video_unet_keys(cfg["block_out_channels"])
    mapped = map_sv3d_keys({k: k for k in names}, cfg)  # values carry the source name
    assert set(mapped) == set(target)  # every published key has a home, and every parameter a source
    state = {src: torch.randn_like(target[dst]) for dst, src in mapped.items()}
    loaded = map_sv3d_keys(state, cfg)
    unet.load_state_dict(loaded, strict=True)
    assert torch.equal(unet.conv_in.weight, state["model.diffusion_model.input_blocks.0.0.weight"])
    with pytest.raises(KeyError, match="unexpected UNet key"):
        map_sv3d_keys({"model.diffusion_model.input_blocks.99.0.in_layers.0.weight": 0}, cfg)


def tiny_pipeline(variant="sv3d_u"):
    from diffusers import AutoencoderKLTemporalDecoder, EulerDiscreteScheduler
    from transformers import CLIPImageProcessor, CLIPVisionConfig, CLIPVisionModelWithProjection

    torch.manual_seed(0)
    unet = build_sv3d_unet(sv3d_unet_config(variant, **TINY)).eval()
    vae = AutoencoderKLTemporalDecoder(block_out_channels=(32, 64), down_block_types=("DownEncoderBlock2D",) * 2,
                                       latent_channels=4).eval()
    enc = CLIPVisionModelWithProjection(CLIPVisionConfig(hidden_size=32, projection_dim=32, num_hidden_layers=2,
                                                         num_attention_heads=4, intermediate_size=37,
                                                         image_size=224, patch_size=32)).eval()
    fe = CLIPImageProcessor(crop_size=224, size=224)
    sched = EulerDiscreteScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear",
                                   prediction_type="v_prediction", use_karras_sigmas=True, sigma_min=0.002,
                                   sigma_max=700.0, timestep_type="continuous", interpolation_type="linear")
    return make_pipeline(unet, vae, enc, fe, sched)


def test_tiny_sv3d_orbit_runs_two_steps_and_is_repeatable(variant="sv3d_p"):
    """sv3d_p exercises both parts of the vector (noise level and camera); sv3d_u uses the first alone."""
    pipe = tiny_pipeline(variant)
    image = Image.fromarray(np.full((32, 32, 3), 200, np.uint8))
    az, el = sv3d_orbit(4, 10.0)
    assert az[-1] == 0.0 and az[0] == 90.0  # the last frame is the input view
    run = lambda: pipe.orbit(image, az, el, num_inference_steps=2, height=32, width=32,  # noqa: E731
                             generator=torch.Generator().manual_seed(3), camera=variant == "sv3d_p")
    frames = run()
    assert frames.shape == (4, 32, 32, 3) and np.isfinite(frames).all()
    assert np.allclose(frames, run())
    views = frames_to_views(frames, az, el)
    assert views[0].image.shape == (32, 32, 4) and views[1].pose.shape == (4, 4)


def test_missing_weights_name_the_model_and_where_to_put_it(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_MODELS_DIR", str(tmp_path))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    with pytest.raises(WeightsMissingError, match="sv3d_u.safetensors.*sv3d"):
        find_sv3d_weights("sv3d_u")
    (tmp_path / "sv3d").mkdir()
    (tmp_path / "sv3d" / "sv3d_p.ckpt").write_bytes(b"x")
    with pytest.raises(WeightsMissingError, match="pickle"):
        find_sv3d_weights("sv3d_p")
    with pytest.raises(WeightsMissingError, match="stable-video-diffusion"):
        find_svd_folder()
