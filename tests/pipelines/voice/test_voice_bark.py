"""Bark backend: the real transformers classes at tiny size with random weights, 1-2 steps on the CPU."""

import os

import numpy as np
import pytest
import soundfile as sf

from pipelines.base import WeightsMissingError
from pipelines.voice.request import VoiceRequest


def test_missing_weights_name_the_model_and_the_folder(tmp_path, monkeypatch):
    from pipelines.voice.neural_bark import find_weights

    monkeypatch.setenv("STUDIO_MODELS_DIR", str(tmp_path))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    with pytest.raises(WeightsMissingError, match=r"Bark.*bark"):
        find_weights()
    (tmp_path / "bark").mkdir()
    (tmp_path / "bark" / "config.json").write_text("{}")
    (tmp_path / "bark" / "pytorch_model.bin").write_bytes(b"pickle")
    with pytest.raises(WeightsMissingError, match="pickle checkpoints are refused"):
        find_weights()


def tiny_bark(tmp_path):
    """A 1-layer, 16-wide BarkModel with a tiny Encodec and a BERT tokenizer built from a word list."""
    import torch
    from transformers import BarkConfig, BarkModel, BarkProcessor, BertTokenizer, EncodecConfig
    from transformers.models.bark.generation_configuration_bark import (
        BarkCoarseGenerationConfig,
        BarkFineGenerationConfig,
        BarkGenerationConfig,
        BarkSemanticGenerationConfig,
    )

    sub = dict(num_layers=1, num_heads=2, hidden_size=16, block_size=1024)
    codec = EncodecConfig(
        hidden_size=8,
        num_filters=4,
        num_residual_layers=1,
        upsampling_ratios=[8, 5, 4, 2],
        codebook_size=1024,
        codebook_dim=8,
        target_bandwidths=[6.0],
        sampling_rate=24_000,
        audio_channels=1,
        num_lstm_layers=1,
    )
    config = BarkConfig(
        semantic_config=dict(input_vocab_size=129_600, output_vocab_size=10_048, **sub),
        coarse_acoustics_config=dict(input_vocab_size=12_096, output_vocab_size=12_096, **sub),
        fine_acoustics_config=dict(
            input_vocab_size=1056, output_vocab_size=1056, n_codes_total=8, n_codes_given=1, **sub
        ),
        codec_config=codec.to_dict(),
    )
    torch.manual_seed(0)
    model = BarkModel(config).eval()
    generation = BarkGenerationConfig()
    # BarkModel.generate reads its sub-configs as dicts
    generation.semantic_config = BarkSemanticGenerationConfig(max_new_tokens=4).to_dict()
    generation.coarse_acoustics_config = BarkCoarseGenerationConfig().to_dict()
    generation.fine_acoustics_config = BarkFineGenerationConfig().to_dict()
    model.generation_config = generation
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "there", "the", "lamp", "was", "lit", ".", ","]
    (tmp_path / "vocab.txt").write_text("\n".join(vocab))
    return model, BarkProcessor(BertTokenizer(os.fspath(tmp_path / "vocab.txt")))


def test_bark_speaks_a_script_with_a_pause_and_labels_estimated_timings(tmp_path):
    from pipelines.voice.neural_bark import BarkVoice

    model, processor = tiny_bark(tmp_path)
    engine = BarkVoice(model=model, processor=processor, device="cpu", max_new_tokens=4)
    request = VoiceRequest(prompt="The lamp was lit. [pause 200ms]", seed=3, sample_rate=24_000)
    result = engine(request, output_dir=tmp_path / "out")
    audio, rate = sf.read(result.primary.path, dtype="float32")
    assert rate == 24_000 and len(audio) > 0.2 * rate and np.isfinite(audio).all()
    words = [line for line in result.file("captions.srt").path.read_text().splitlines() if "lamp" in line]
    assert words == ["The lamp was lit."]
    assert result.provenance["engine"] == "bark" and "estimated" in result.provenance["word_timings"]
