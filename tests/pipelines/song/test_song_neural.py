"""Neural song backends built from tiny random-weight models in code; 2 steps on the CPU; no downloads."""

import numpy as np
import pytest
import soundfile

from pipelines.base import RequestError, WeightsMissingError
from pipelines.song.request import SongRequest

torch = pytest.importorskip("torch")


@pytest.fixture(autouse=True)
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def test_ace_step_sings_variations_in_two_steps_and_is_seeded(tmp_path):
    from pipelines.song.neural_ace_step import AceStepSongEngine
    from tests.pipelines.song.tiny_song_models import tiny_ace_step

    engine = AceStepSongEngine(pipeline=tiny_ace_step(), num_inference_steps=2, max_text_length=32)
    request = SongRequest(prompt="pop, 120 bpm", lyrics="[verse]\nhello world", duration=1.0, variations=2)
    steps = []
    result = engine(request, progress=lambda f, m="", p=None: steps.append(m), output_dir=tmp_path / "a")
    assert [f.role for f in result.files] == ["audio", "audio:2"]
    audio, sr = soundfile.read(result.primary.path)
    assert sr == 48_000 and audio.shape == (48_000, 2) and np.isfinite(audio).all()
    assert "step 2 of 2" in steps and result.provenance["bpm"] == 120
    again = engine(request, output_dir=tmp_path / "b")
    assert np.allclose(soundfile.read(again.primary.path)[0], audio, atol=1e-4)


def _tiny_musicgen():
    from transformers import (
        EncodecConfig,
        MusicgenConfig,
        MusicgenDecoderConfig,
        MusicgenForConditionalGeneration,
        T5Config,
        T5Tokenizer,
    )

    from pipelines.song.neural_musicgen import MusicGenSongEngine

    vocab = [("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0)] + [
        (f"▁{w}", -float(i)) for i, w in enumerate("pop rock , bpm major minor C".split())
    ]
    config = MusicgenConfig(
        text_encoder=T5Config(vocab_size=len(vocab), d_model=16, d_ff=32, d_kv=4, num_heads=4, num_layers=2).to_dict(),
        audio_encoder=EncodecConfig(
            hidden_size=8,
            num_filters=4,
            num_residual_layers=1,
            upsampling_ratios=[4, 4],
            codebook_size=64,
            codebook_dim=8,
            sampling_rate=3200,
            audio_channels=1,
            num_lstm_layers=1,
            target_bandwidths=[2.2],
        ).to_dict(),
        decoder=MusicgenDecoderConfig(
            vocab_size=64,
            hidden_size=16,
            num_hidden_layers=2,
            num_attention_heads=4,
            ffn_dim=32,
            num_codebooks=1,
            max_position_embeddings=64,
            pad_token_id=64,
            bos_token_id=64,
        ).to_dict(),
        decoder_start_token_id=64,
        pad_token_id=64,
    )
    torch.manual_seed(0)
    return MusicGenSongEngine(
        model=MusicgenForConditionalGeneration(config).eval(), tokenizer=T5Tokenizer(vocab=vocab, extra_ids=0)
    )


def test_musicgen_makes_an_instrumental_and_refuses_lyrics(tmp_path):
    engine = _tiny_musicgen()
    result = engine(SongRequest(prompt="pop, 100 bpm", duration=0.02, variations=1), output_dir=tmp_path)
    audio, sr = soundfile.read(result.primary.path)
    assert sr == 48_000 and audio.shape == (960, 2) and np.isfinite(audio).all()
    assert result.provenance["windows"] == 1
    with pytest.raises(RequestError, match="instrumentals only"):
        engine(SongRequest(prompt="pop", lyrics="la la love"), output_dir=tmp_path)


def test_stable_audio_open_makes_an_instrumental_in_two_steps(tmp_path):
    pytest.importorskip("torchsde")
    from pipelines import registry
    from tests.pipelines.sfx.tiny_pipelines import tiny_stable_audio

    engine = registry.create("song", "stable-audio-open", pipeline=tiny_stable_audio(), steps=2)
    result = engine(SongRequest(prompt="ambient pad", duration=2.0, variations=2), output_dir=tmp_path)
    assert [f.role for f in result.files] == ["audio", "audio:2"]
    audio, sr = soundfile.read(result.primary.path)
    assert sr == 48_000 and audio.shape == (96_000, 2) and np.isfinite(audio).all()
    assert result.provenance["kind"] == "song" and result.provenance["engine"] == "stable-audio-open"
    assert result.provenance["steps"] == 2 and result.provenance["vocal_method"] == "instrumental"
    with pytest.raises(RequestError, match="instrumentals only"):
        engine(SongRequest(prompt="pop", lyrics="la la love"), output_dir=tmp_path)


def test_musicgen_continues_past_its_window_from_the_last_seconds_of_the_song(tmp_path):
    """The tiny decoder holds 64 positions (0.31 s at 200 tokens/s): 0.5 s needs a second window prompted with
    the end of the first."""
    engine = _tiny_musicgen()
    calls = []
    generate = engine.model.generate
    engine.model.generate = lambda **kw: calls.append(kw) or generate(**kw)
    result = engine(SongRequest(prompt="pop, 100 bpm", duration=0.5, variations=1), output_dir=tmp_path)
    audio, sr = soundfile.read(result.primary.path)
    assert audio.shape == (24_000, 2) and np.abs(audio[-4800:]).max() > 0  # the end is generated, not padding
    assert result.provenance["windows"] == len(calls) >= 2
    assert "input_values" not in calls[0]
    prompt = calls[1]["input_values"]
    assert prompt.shape[:2] == (1, 1) and prompt.shape[2] == 31 * 16  # the last 31 tokens of audio


@pytest.mark.parametrize(
    "engine_name, folder",
    [("ace-step", "ace-step"), ("musicgen", "musicgen"), ("stable-audio-open", "stable-audio-open-1.0")],
)
def test_missing_weights_name_the_model_and_where_to_put_them(engine_name, folder, tmp_path, monkeypatch):
    from pipelines import registry

    monkeypatch.setenv("STUDIO_MODELS_DIR", str(tmp_path))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    engine = registry.create("song", engine_name)
    with pytest.raises(WeightsMissingError, match=f"not on this machine.*{tmp_path / folder}"):
        engine.load()


def test_pickle_only_checkpoints_are_refused(tmp_path, monkeypatch):
    from pipelines.song.neural_common import find_weights

    monkeypatch.setenv("STUDIO_MODELS_DIR", str(tmp_path))
    (tmp_path / "ace-step").mkdir()
    (tmp_path / "ace-step" / "model_index.json").write_text("{}")
    (tmp_path / "ace-step" / "diffusion_pytorch_model.bin").write_bytes(b"pickle")
    with pytest.raises(WeightsMissingError, match="safetensors only"):
        find_weights("ace-step", "ACE-Step/acestep-v15-xl-turbo-diffusers")
