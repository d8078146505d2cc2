"""Neural sound-effect backends built from tiny real diffusers pipelines (random weights, 2 steps, CPU)."""

import numpy as np
import pytest
import soundfile

from pipelines import registry
from pipelines.base import RequestError, WeightsMissingError
from pipelines.sfx.request import SoundEffectRequest


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def stable_audio():
    from tests.pipelines.sfx.tiny_pipelines import tiny_stable_audio

    return registry.create("sfx", "stable-audio-open", pipeline=tiny_stable_audio(), steps=2)


@pytest.fixture(scope="module")
def audioldm2():
    from tests.pipelines.sfx.tiny_pipelines import tiny_audioldm2

    return registry.create("sfx", "audioldm2", pipeline=tiny_audioldm2(), steps=2)


def test_stable_audio_writes_one_stereo_wav_per_variation_at_the_requested_rate(stable_audio, tmp_path):
    request = SoundEffectRequest(prompt="a dog barking", duration=1.0, variations=2, seed=5)
    result = stable_audio(request, output_dir=tmp_path)
    assert [f.role for f in result.files] == ["audio", "audio:2"]
    first, rate = soundfile.read(result.files[0].path)
    second, _ = soundfile.read(result.files[1].path)
    assert rate == 48_000 and first.shape == (48_000, 2)
    assert not np.array_equal(first, second)  # each variation has its own seed
    prov = result.provenance
    assert prov["engine"] == "stable-audio-open" and prov["variation_seeds"] == [5, 6]
    assert prov["steps"] == 2 and prov["guidance_scale"] == pytest.approx(7.0)


def test_stable_audio_is_deterministic_per_seed_and_honours_44k_mono(stable_audio, tmp_path):
    request = SoundEffectRequest(prompt="rain on the glass", duration=1.0, seed=9, sample_rate=44_100, stereo=False)
    a = stable_audio(request, output_dir=tmp_path / "a").primary.path
    b = stable_audio(request, output_dir=tmp_path / "b").primary.path
    assert a.read_bytes() == b.read_bytes()
    audio, rate = soundfile.read(a, always_2d=True)
    assert rate == 44_100 and audio.shape == (44_100, 1)


def test_stable_audio_refuses_longer_than_the_model_can_make(stable_audio, tmp_path):
    with pytest.raises(RequestError, match="Stable Audio Open"):
        stable_audio(SoundEffectRequest(prompt="wind", duration=5.0), output_dir=tmp_path)


def test_audioldm2_writes_stereo_48k_from_its_16k_mono_output(audioldm2, tmp_path):
    request = SoundEffectRequest(prompt="a dog barking", duration=0.5, seed=1, loop=True)
    result = audioldm2(request, output_dir=tmp_path)
    assert [f.role for f in result.files] == ["audio"]
    audio, rate = soundfile.read(result.primary.path)
    assert rate == 48_000 and audio.shape == (24_000, 2)
    assert np.array_equal(audio[:, 0], audio[:, 1])
    assert result.provenance["engine"] == "audioldm2" and result.provenance["guidance_scale"] == pytest.approx(3.5)


def test_missing_weights_name_the_model_and_where_to_put_them(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_MODELS_DIR", str(tmp_path))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    for engine, name in (("stable-audio-open", "Stable Audio Open"), ("audioldm2", "AudioLDM 2")):
        generator = registry.create("sfx", engine)
        with pytest.raises(WeightsMissingError) as err:
            generator(SoundEffectRequest(prompt="a door slams", duration=1.0), output_dir=tmp_path / "out")
        assert name in str(err.value) and str(tmp_path) in str(err.value)


def test_pickle_only_checkpoints_are_refused(tmp_path):
    folder = tmp_path / "stable-audio-open-1.0"
    (folder / "transformer").mkdir(parents=True)
    (folder / "model_index.json").write_text("{}")
    (folder / "transformer" / "diffusion_pytorch_model.bin").write_bytes(b"not loaded")
    generator = registry.create("sfx", "stable-audio-open", model_dir=folder)
    with pytest.raises(WeightsMissingError, match="safetensors"):
        generator(SoundEffectRequest(prompt="a door slams", duration=1.0), output_dir=tmp_path / "out")


def test_sound_effects_and_songs_share_one_stable_audio_model(stable_audio, tmp_path):
    """One engine, one weights folder, one resident model: the scheduler keys both kinds' specs the same, and
    the one loaded engine serves a song request after a sound-effect request."""
    from pipelines.song.request import SongRequest

    sfx, song = registry.spec("sfx", "stable-audio-open"), registry.spec("song", "stable-audio-open")
    assert sfx.model_key == song.model_key == "audio/stable-audio-open@1"
    assert sfx.target == song.target and sfx.memory_mb == song.memory_mb
    effect = stable_audio(SoundEffectRequest(prompt="a door", duration=1.0), output_dir=tmp_path / "sfx")
    tune = stable_audio(SongRequest(prompt="ambient pad", duration=1.0), output_dir=tmp_path / "song")
    assert effect.provenance["kind"] == "sfx" and tune.provenance["kind"] == "song"
    assert effect.provenance["model_id"] == tune.provenance["model_id"] == "audio/stable-audio-open@1"
    assert soundfile.read(tune.primary.path)[0].shape == (48_000, 2)
