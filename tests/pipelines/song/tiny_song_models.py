"""Tiny real ACE-Step parts with random weights, built in code (tokenizer too): no downloads."""

from __future__ import annotations


def _word_tokenizer(words):
    """A whitespace word-level fast tokenizer from an in-code vocabulary."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    vocab = ["<pad>", "<unk>", "<|endoftext|>"] + words
    tok = Tokenizer(models.WordLevel({w: i for i, w in enumerate(vocab)}, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    return PreTrainedTokenizerFast(
        tokenizer_object=tok, pad_token="<pad>", unk_token="<unk>", eos_token="<|endoftext|>"
    ), len(vocab)


def tiny_ace_step():
    """An AceStepPipeline at toy size (2 layers, 4 Hz audio)."""
    import torch
    from diffusers import AutoencoderOobleck, FlowMatchEulerDiscreteScheduler
    from diffusers.models.transformers.ace_step_transformer import AceStepTransformer1DModel
    from diffusers.pipelines.ace_step import AceStepConditionEncoder, AceStepPipeline
    from transformers import Qwen3Config, Qwen3Model

    tokenizer, n = _word_tokenizer("pop song verse hello world bpm # Instruction Caption Metas".split())
    torch.manual_seed(0)
    dims = dict(hidden_size=32, intermediate_size=64, num_attention_heads=4, num_key_value_heads=2, head_dim=8)
    transformer = AceStepTransformer1DModel(
        num_hidden_layers=2,
        in_channels=24,
        audio_acoustic_hidden_dim=8,
        patch_size=2,
        rope_theta=10000.0,
        sliding_window=16,
        **dims,
    ).eval()
    text = Qwen3Model(Qwen3Config(num_hidden_layers=2, vocab_size=n, max_position_embeddings=256, **dims)).eval()
    condition = AceStepConditionEncoder(
        text_hidden_dim=32,
        timbre_hidden_dim=8,
        num_lyric_encoder_hidden_layers=2,
        num_timbre_encoder_hidden_layers=2,
        rope_theta=10000.0,
        sliding_window=16,
        **dims,
    ).eval()
    vae = AutoencoderOobleck(
        encoder_hidden_size=6,
        downsampling_ratios=[1, 2],
        decoder_channels=3,
        decoder_input_channels=8,
        audio_channels=2,
        channel_multiples=[2, 4],
        sampling_rate=4,
    ).eval()
    return AceStepPipeline(
        vae=vae,
        text_encoder=text,
        tokenizer=tokenizer,
        transformer=transformer,
        condition_encoder=condition,
        scheduler=FlowMatchEulerDiscreteScheduler(num_train_timesteps=1, shift=1.0),
    )
