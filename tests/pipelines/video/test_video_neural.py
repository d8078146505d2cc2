"""Neural video backends built from real diffusers classes at tiny size (random weights, tokenizers in code),
run for 2 steps on the CPU: wiring, frame rules, previews, image-to-video, and the missing-weights message."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from pipelines import registry
from pipelines.base import RequestError, WeightsMissingError
from pipelines.video.request import VideoRequest

pytest.importorskip("diffusers")


@pytest.fixture(scope="module")
def ltx():
    from video_tiny_models import tiny_ltx

    return tiny_ltx()


def run(engine, pipe, request, tmp_path, **options):
    previews = []
    gen = registry.create("video", engine, pipeline=pipe, steps=2, **options)
    result = gen(request, progress=lambda f, m="", preview=None: previews.append(preview), output_dir=tmp_path)
    return result, [p for p in previews if p is not None]


def test_ltx_text_to_video_writes_8k_plus_1_frames_with_previews(ltx, tmp_path):
    import imageio_ffmpeg

    result, previews = run(
        "ltx-video", ltx, VideoRequest(prompt="a lighthouse", duration=1, width=64, height=64), tmp_path
    )
    assert result.provenance["frames"] == 17 and result.provenance["steps"] == 2
    assert imageio_ffmpeg.count_frames_and_secs(str(result.file("video").path))[0] == 17
    assert previews and previews[0].shape == (64, 64, 3) and previews[0].dtype == np.uint8
    assert result.provenance["engine"] == "ltx-video"


def test_ltx_animates_a_start_image(ltx, tmp_path):
    start = tmp_path / "start.png"
    Image.fromarray(np.full((80, 120, 3), 128, np.uint8)).save(start)
    result, _ = run(
        "ltx-video", ltx, VideoRequest(prompt="waves", image=str(start), duration=1, width=64, height=64), tmp_path
    )
    assert result.provenance["mode"] == "image-to-video" and result.file("poster").path.is_file()


def test_ltx_refuses_sizes_that_are_not_multiples_of_32(ltx, tmp_path):
    with pytest.raises(RequestError, match="multiples of 32"):
        run("ltx-video", ltx, VideoRequest(prompt="x", duration=1, width=80, height=64), tmp_path)


def test_wan_text_to_video_runs_two_steps(tmp_path):
    from video_tiny_models import tiny_wan

    result, previews = run(
        "wan", tiny_wan(), VideoRequest(prompt="a castle", duration=1, width=64, height=64), tmp_path, max_frames=9
    )
    assert result.provenance["frames"] == 9 and previews


def test_svd_animates_an_image_and_needs_one(tmp_path):
    from video_tiny_models import tiny_svd

    start = tmp_path / "start.png"
    Image.fromarray(np.full((64, 64, 3), 200, np.uint8)).save(start)
    pipe = tiny_svd()
    result, previews = run(
        "svd", pipe, VideoRequest(image=str(start), duration=1, width=64, height=64), tmp_path, max_frames=3
    )
    assert result.provenance["frames"] == 3 and previews
    with pytest.raises(RequestError, match="start image"):
        run("svd", pipe, VideoRequest(prompt="a boat", duration=1, width=64, height=64), tmp_path)


def test_ltx_first_block_cache_and_compiled_blocks_run_together(tmp_path):
    """The cache hook stays eager around compiled block forwards (compiling the hooked call broke the graph)."""
    from video_tiny_models import tiny_ltx

    result, _ = run(
        "ltx-video",
        tiny_ltx(num_layers=3),
        VideoRequest(prompt="waves", duration=1, width=64, height=64),
        tmp_path,
        cache=0.05,
        max_frames=9,
        compile=True,
        compile_backend="eager",
    )
    settings = result.provenance["settings"]
    assert any(s.startswith("compiled repeated blocks (3") for s in settings), settings
    assert "first-block cache 0.05" in settings


def test_first_block_cache_on_a_one_block_model_is_refused_with_a_reason(ltx, tmp_path):
    with pytest.raises(RequestError, match="at least 2 transformer blocks"):
        run(
            "ltx-video",
            ltx,
            VideoRequest(prompt="x", duration=1, width=64, height=64),
            tmp_path,
            cache=0.05,
            max_frames=9,
        )


def test_svd_conditions_on_the_real_frame_rate_once(tmp_path):
    """diffusers subtracts 1 from fps itself (SVD's training convention); the engine must not do it too."""
    from video_tiny_models import tiny_svd

    start = tmp_path / "start.png"
    Image.fromarray(np.full((64, 64, 3), 200, np.uint8)).save(start)
    pipe = tiny_svd()
    seen = []
    original = pipe._get_add_time_ids
    pipe._get_add_time_ids = lambda fps, *a, **k: seen.append(fps) or original(fps, *a, **k)
    run("svd", pipe, VideoRequest(image=str(start), duration=1, fps=24, width=64, height=64), tmp_path, max_frames=2)
    assert seen == [23]


def test_ltx_distilled_runs_its_eight_published_timesteps_without_guidance(ltx, tmp_path):
    steps, batches, timesteps = [], [], []
    hook = ltx.transformer.register_forward_pre_hook(
        lambda m, args, kw: (
            batches.append(kw["hidden_states"].shape[0]) or timesteps.append(float(kw["timestep"].flatten()[0]))
        ),
        with_kwargs=True,
    )
    try:
        gen = registry.create("video", "ltx-video-distilled", pipeline=ltx, max_frames=9)
        result = gen(
            VideoRequest(prompt="a lighthouse", duration=1, width=64, height=64),
            progress=lambda f, m="", preview=None: steps.append(m),
            output_dir=tmp_path,
        )
    finally:
        hook.remove()
    assert result.provenance["steps"] == 8 and "denoising step 8/8" in steps
    assert result.provenance["model"] == "Lightricks/LTX-Video-0.9.8-2B-distilled"
    assert batches == [1] * 8  # one pass per step: no classifier-free guidance
    assert timesteps[:2] == pytest.approx([1000.0, 993.0], abs=0.5)


def test_ltx_base_has_no_fake_fast_preset(ltx, tmp_path):
    with pytest.raises(RequestError, match="ltx-video-distilled"):
        run("ltx-video", ltx, VideoRequest(prompt="x", duration=1, width=64, height=64), tmp_path, preset="fast")


@pytest.mark.parametrize(
    "engine, name",
    [
        ("ltx-video", "Lightricks/LTX-Video"),
        ("wan", "Wan2.1"),
        ("svd", "stable-video-diffusion"),
        ("ltx-video-distilled", "LTX-Video-0.9.8-2B-distilled"),
        ("ltx-2", "Lightricks/LTX-2"),
    ],
)
def test_missing_weights_name_the_model_and_the_folder(engine, name, tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_MODELS_DIR", str(tmp_path))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    gen = registry.create("video", engine)
    with pytest.raises(WeightsMissingError, match=name) as err:
        gen.load()
    assert str(tmp_path) in str(err.value)


def test_pickle_only_checkpoints_are_refused(tmp_path, monkeypatch):
    folder = tmp_path / "ltx-video"
    (folder / "transformer").mkdir(parents=True)
    (folder / "model_index.json").write_text("{}")
    (folder / "transformer" / "diffusion_pytorch_model.bin").write_bytes(b"\x80\x04")
    monkeypatch.setenv("STUDIO_MODELS_DIR", str(tmp_path))
    with pytest.raises(WeightsMissingError, match="safetensors only"):
        registry.create("video", "ltx-video").load()


@pytest.fixture(scope="module")
def ltx2():
    from video_tiny_models import tiny_ltx2

    return tiny_ltx2()


def test_ltx2_shot_carries_its_synchronised_audio_as_a_sidecar(ltx2, tmp_path):
    import imageio_ffmpeg
    import soundfile

    result, _ = run(
        "ltx-2",
        ltx2,
        VideoRequest(prompt="a robot dancing", duration=1, width=64, height=64),
        tmp_path,
        max_frames=9,
        max_sequence_length=16,
    )
    assert result.primary.role == "video" and result.primary.path.suffix == ".mp4"
    assert imageio_ffmpeg.count_frames_and_secs(str(result.primary.path))[0] == 9
    audio, rate = soundfile.read(result.file("audio").path)
    assert rate == 48_000 and audio.shape == (18_000, 2)  # 9 frames at 24 fps = 0.375 s, stereo
    assert np.isfinite(audio).all() and np.abs(audio).max() > 0
    assert result.provenance["engine"] == "ltx-2" and result.provenance["model"] == "Lightricks/LTX-2"


def test_ltx2_animates_a_start_image_with_sound(ltx2, tmp_path):
    start = tmp_path / "start.png"
    Image.fromarray(np.full((40, 40, 3), 90, np.uint8)).save(start)
    result, _ = run(
        "ltx-2",
        ltx2,
        VideoRequest(prompt="waves", image=str(start), duration=1, width=64, height=64),
        tmp_path,
        max_frames=9,
        max_sequence_length=16,
    )
    assert result.provenance["mode"] == "image-to-video" and result.file("audio").path.is_file()


def test_fp8_storage_keeps_the_transformer_weights_in_float8(tmp_path):
    import torch
    from video_tiny_models import tiny_ltx

    pipe = tiny_ltx()
    result, _ = run(
        "ltx-video", pipe, VideoRequest(prompt="fog", duration=1, width=64, height=64), tmp_path, fp8=True, max_frames=9
    )
    assert "fp8 layerwise casting" in result.provenance["settings"]
    assert pipe.transformer.transformer_blocks[0].ff.net[2].weight.dtype == torch.float8_e4m3fn
    assert result.file("video").path.is_file()
