"""SV3D on diffusers parts: the checkpoint key mapping, a tiny random-weight orbit, and missing-weight errors."""

import numpy as np
import pytest
import torch
from PIL import Image

from pipelines.base import RequestError, WeightsMissingError
from pipelines.image_to_3d.neural_sv3d import (
    background_alpha,
    find_sv3d_weights,
    find_svd_folder,
    frames_to_views,
    sv3d_orbit,
    sv3d_vae_from_checkpoint,
)
from pipelines.image_to_3d.neural_sv3d_unet import build_sv3d_unet, map_sv3d_keys, sv3d_unet_config
from tests.pipelines.image_to_3d.tiny_sv3d import TINY, TINY_VAE, tiny_pipeline

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
    keys += [
        f"{prefix}time_stack.0.{k}"
        for k in blk + [f"{m}.{s}" for m in ("norm_in", "ff_in.net.0.proj", "ff_in.net.2") for s in WB]
    ]
    keys += [
        f"{prefix}{m}.{s}" for m in ("norm", "proj_in", "proj_out", "time_pos_embed.0", "time_pos_embed.2") for s in WB
    ]
    return keys + [f"{prefix}time_mixer.mix_factor"]


def sgm_video_unet_keys(channels, attention=(True, True, True, False), per=2):
    """Key names of Stability's sgm VideoUNet, enumerated from its layout (channel bookkeeping as in sgm)."""
    p = "model.diffusion_model."
    keys = [
        f"{p}{m}.{s}"
        for m in (
            "input_blocks.0.0",
            "time_embed.0",
            "time_embed.2",
            "label_emb.0.0",
            "label_emb.0.2",
            "out.0",
            "out.2",
        )
        for s in WB
    ]
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
        "input_blocks.1.1.time_stack.0.ff_in.net.0.proj.weight": "down_blocks.0.attentions.0.temporal_transformer_blocks.0.ff_in.net.0.proj.weight",
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


def ldm_vae_state(vae) -> dict:
    """A diffusers AutoencoderKL's weights under the names of Stability's checkpoints (``first_stage_model.*``,
    sgm Encoder/Decoder layout), written from the published layout so the loader is checked against it."""
    import re

    levels = len(vae.config.block_out_channels)
    out = {}
    for key, value in vae.state_dict().items():
        k = key.replace("conv_norm_out", "norm_out").replace("conv_shortcut", "nin_shortcut")
        k = re.sub(r"encoder\.down_blocks\.(\d+)\.resnets\.", r"encoder.down.\1.block.", k)
        k = re.sub(r"encoder\.down_blocks\.(\d+)\.downsamplers\.0\.", r"encoder.down.\1.downsample.", k)
        k = re.sub(
            r"decoder\.up_blocks\.(\d+)\.resnets\.", lambda m: f"decoder.up.{levels - 1 - int(m.group(1))}.block.", k
        )
        k = re.sub(
            r"decoder\.up_blocks\.(\d+)\.upsamplers\.0\.",
            lambda m: f"decoder.up.{levels - 1 - int(m.group(1))}.upsample.",
            k,
        )
        k = k.replace("mid_block.resnets.0.", "mid.block_1.").replace("mid_block.resnets.1.", "mid.block_2.")
        attn = {"group_norm": "norm", "to_q": "q", "to_k": "k", "to_v": "v", "to_out.0": "proj_out"}
        for new, old in attn.items():
            k = k.replace(f"mid_block.attentions.0.{new}.", f"mid.attn_1.{old}.")
        if ".attn_1." in k and k.endswith("weight") and value.ndim == 2:
            value = value[:, :, None, None]  # sgm's attention projections are 1x1 convolutions
        out["first_stage_model." + k] = value.clone()
    return out


def test_sv3d_autoencoder_is_the_2d_one_in_its_checkpoint():
    """SV3D decodes views with the plain image decoder whose weights are in sv3d_*.safetensors."""
    from diffusers import AutoencoderKL

    torch.manual_seed(1)
    source = AutoencoderKL(**TINY_VAE).eval()
    state = ldm_vae_state(source)
    state["model.diffusion_model.out.2.bias"] = torch.zeros(4)  # the UNet's keys are not the autoencoder's
    vae = sv3d_vae_from_checkpoint(state, TINY_VAE)
    assert type(vae).__name__ == "AutoencoderKL"
    latents = torch.randn(2, 4, 8, 8)
    with torch.no_grad():
        assert torch.allclose(vae.decode(latents).sample, source.decode(latents).sample, atol=1e-6)
    with pytest.raises(WeightsMissingError, match="first_stage_model"):
        sv3d_vae_from_checkpoint({"model.diffusion_model.out.2.bias": torch.zeros(4)}, TINY_VAE)


def test_each_view_is_decoded_alone_by_the_image_decoder():
    pipe = tiny_pipeline()
    image = Image.fromarray(np.full((32, 32, 3), 180, np.uint8))
    az, el = sv3d_orbit(4, 10.0)
    latents = pipe.orbit(
        image,
        az,
        el,
        num_inference_steps=1,
        height=32,
        width=32,
        output_type="latent",
        generator=torch.Generator().manual_seed(0),
    )
    frames = pipe.orbit(
        image, az, el, num_inference_steps=1, height=32, width=32, generator=torch.Generator().manual_seed(0)
    )
    with torch.no_grad():
        alone = pipe.vae.decode(latents[0, 2:3] / pipe.vae.config.scaling_factor).sample  # (1, 3, 32, 32)
    expected = ((alone[0].permute(1, 2, 0) + 1) / 2).clamp(0, 1).numpy()
    assert np.allclose(frames[2], expected, atol=1e-5)


def test_tiny_sv3d_orbit_runs_two_steps_and_is_repeatable(variant="sv3d_p"):
    """sv3d_p exercises both parts of the vector (noise level and camera); sv3d_u uses the first alone."""
    pipe = tiny_pipeline(variant)
    image = Image.fromarray(np.full((32, 32, 3), 200, np.uint8))
    az, el = sv3d_orbit(4, 10.0)
    assert az[-1] == 0.0 and az[0] == 90.0  # the last frame is the input view

    def run():
        return pipe.orbit(
            image,
            az,
            el,
            num_inference_steps=2,
            height=32,
            width=32,
            generator=torch.Generator().manual_seed(3),
            camera=variant == "sv3d_p",
        )

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


def test_white_parts_inside_the_object_stay_opaque():
    """Only near-white connected to the frame's border is background; a white stripe on the object is kept."""
    frame = np.full((40, 40, 3), 255, np.uint8)
    frame[10:30, 10:30] = 90  # the object
    frame[18:22, 12:28] = 255  # a white stripe painted on it
    alpha = background_alpha(frame)
    assert alpha[0, 0] == 0 and alpha[20, 20] == 255 and alpha[15, 15] == 255
    views = frames_to_views(
        np.stack([frame, frame]) / 255.0, [180.0, 0.0], [10.0, 10.0], input_alpha=np.full((40, 40), 7, np.uint8)
    )
    assert views[0].image[20, 20, 3] == 255 and (views[1].image[..., 3] == 7).all()  # the input view's own alpha


def test_sv3d_refuses_shapes_it_was_not_trained_for(tmp_path):
    from pipelines import registry
    from pipelines.image_to_3d.request import ImageTo3DRequest

    picture = tmp_path / "cup.png"
    Image.fromarray(np.full((64, 64, 3), 120, np.uint8)).save(picture)
    engine = registry.create("3d", "sv3d", pipeline=tiny_pipeline())  # its config: 21 frames at 8 * 8 = 64 px
    with pytest.raises(RequestError, match="21 views at 64x64"):
        engine(ImageTo3DRequest(image=str(picture), num_views=12, view_size=64), output_dir=tmp_path)
    real = registry.create("3d", "sv3d")
    with pytest.raises(RequestError, match="21 views at 576x576"):
        real.check_request(ImageTo3DRequest(image=str(picture), num_views=21, view_size=256))
