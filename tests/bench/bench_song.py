"""Song speed: the draft engine on a 3-minute song with vocals and all stems, and (on CUDA only) ACE-Step at
full size with random weights, diffusers' defaults versus our settings.

    .venv/bin/python -m tests.bench.bench_song            # draft: 3 runs, median
    .venv/bin/python -m tests.bench.bench_song --ace-step # also the GPU path (needs CUDA)

The draft figure is seconds for the whole song (speech: each distinct line spoken and analysed once;
compose; instruments; vocals: singing; mix; write), with the voice model loaded but no spoken line cached;
per-stage seconds are printed too, and the load average beside them.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time

VERSE = ["The city lights are fading out", "I hear the echo of your shout", "We ran together through the rain",
         "and now I'm standing here again"]
VERSE2 = ["The morning comes with empty hands", "I try to make my own new plans", "The river knows the way to go",
          "and carries everything I know"]
CHORUS = ["Hold on, hold on to the night", "we are burning oh so bright", "Hold on, hold on to the flame",
          "nothing here will be the same"]
BRIDGE = ["Maybe we were young and free", "maybe that is all we need"]
LYRICS = "\n".join(["[verse]", *VERSE, "[chorus]", *CHORUS, "[verse]", *VERSE2, "[chorus]", "[bridge]", *BRIDGE,
                    "[chorus]"])


def draft(runs: int = 3) -> dict:
    from pipelines.song import vocals
    from pipelines.song.draft import DraftSongEngine
    from pipelines.song.request import SongRequest

    engine = DraftSongEngine()
    request = SongRequest(prompt="driving pop rock, 116 bpm, in G major", lyrics=LYRICS, duration=180.0,
                          variations=1, seed=11)
    vocals.spoken_take("warm up", None)  # load the voice model once, as a resident engine would have it
    times, stages = [], []
    for _ in range(runs):
        vocals.spoken_take.cache_clear()
        vocals.spoken_line.cache_clear()
        out = tempfile.mkdtemp(prefix="bench-song-")
        t0 = time.perf_counter()
        result = engine(request, output_dir=out)
        times.append(time.perf_counter() - t0)
        stages.append(result.provenance["timings_s"])
    audio_s = result.metrics["audio_seconds"]
    median = statistics.median(times)
    import os

    return {"song_seconds": audio_s, "runs": [round(t, 2) for t in times], "median_s": round(median, 2),
            "x_real_time": round(audio_s / median, 2), "stages_s_last_run": stages[-1],
            "files": sorted(f.role for f in result.files), "voice": result.provenance.get("voice"),
            "load_average_after": [round(x, 1) for x in os.getloadavg()]}


def ace_step_gpu(minutes: float = 1.0, steps: int = 27) -> dict:
    """Full-size ACE-Step 1.5 with random weights: seconds per minute of audio at ``steps`` steps."""
    import torch

    if not torch.cuda.is_available():
        return {"ace_step": "not measured: no CUDA device here"}
    from diffusers import AutoencoderOobleck, FlowMatchEulerDiscreteScheduler
    from diffusers.models.transformers.ace_step_transformer import AceStepTransformer1DModel
    from diffusers.pipelines.ace_step import AceStepConditionEncoder, AceStepPipeline
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast, Qwen3Config, Qwen3Model

    words = ["<pad>", "<unk>", "<|endoftext|>"] + [f"w{i}" for i in range(5000)]
    tok = Tokenizer(models.WordLevel({w: i for i, w in enumerate(words)}, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", unk_token="<unk>",
                                        eos_token="<|endoftext|>")

    def build(dtype):
        with torch.device("cuda"):
            text = Qwen3Model(Qwen3Config(hidden_size=1024, intermediate_size=3072, num_hidden_layers=28,
                                          num_attention_heads=16, num_key_value_heads=8, head_dim=128,
                                          vocab_size=151_669)).eval()
            pipe = AceStepPipeline(vae=AutoencoderOobleck().eval(), text_encoder=text, tokenizer=tokenizer,
                                   transformer=AceStepTransformer1DModel().eval(),
                                   condition_encoder=AceStepConditionEncoder(text_hidden_dim=1024).eval(),
                                   scheduler=FlowMatchEulerDiscreteScheduler(num_train_timesteps=1, shift=1.0))
        pipe.to("cuda", dtype)
        pipe.set_progress_bar_config(disable=True)
        return pipe

    def run(pipe, **kw):
        args = dict(prompt="pop", lyrics="[verse]\nhello world", audio_duration=60.0 * minutes,
                    num_inference_steps=steps, generator=torch.Generator("cuda").manual_seed(0))
        pipe(**args, **kw)  # warm-up (and compile)
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        pipe(**args, **kw)
        torch.cuda.synchronize()
        return (time.perf_counter() - t0) / minutes

    defaults = run(build(torch.float32))
    ours_pipe = build(torch.bfloat16)
    note = "compiled repeated blocks"
    try:
        ours_pipe.transformer.compile_repeated_blocks(fullgraph=False)
    except Exception as exc:  # a transformer without declared repeated blocks: compile it whole
        ours_pipe.transformer = torch.compile(ours_pipe.transformer)
        note = f"whole transformer compiled ({type(exc).__name__})"
    ours = run(ours_pipe)
    return {"note": note, "ace_step_s_per_audio_minute": {"diffusers_defaults_fp32": round(defaults, 2),
                                            "ours_bf16_compiled_blocks": round(ours, 2)},
            "steps": steps, "device": torch.cuda.get_device_name()}


if __name__ == "__main__":
    report = draft()
    if "--ace-step" in sys.argv:
        report.update(ace_step_gpu())
    print(json.dumps(report, indent=1))
