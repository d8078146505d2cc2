"""MusicGen (transformers ``MusicgenForConditionalGeneration``): instrumentals from a text prompt.

Weights: ``$STUDIO_MODELS_DIR/musicgen`` (a transformers folder with config.json and safetensors)
or the Hugging Face cache of ``facebook/musicgen-small``; never downloaded. MusicGen makes no
vocals: lyrics are refused with a pointer to the engines that sing.

MusicGen was trained on 30 s windows. Longer songs are made window by window: each next window is prompted
with the last ``context_s`` seconds (default 10) of the audio so far (encoded to tokens by MusicGen's own
codec, as its audio-prompt continuation does) and adds ``window_s - context_s`` new seconds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipelines.base import CancelToken, GenerationResult, Generator, ProgressFn, RequestError
from pipelines.song.neural_common import (
    default_duration,
    find_weights,
    fit_length,
    song_metadata,
    to_stereo_48k,
    write_variations,
)

WINDOW_S = 30.0  # what MusicGen was trained on
CONTEXT_S = 10.0  # how much of the song so far prompts the next window

HF_REPO = "facebook/musicgen-small"
FOLDER = "musicgen"


class MusicGenSongEngine(Generator):
    """Prompt -> instrumental with MusicGen. ``model=`` and ``tokenizer=`` inject built parts (tests)."""

    kind = "song"
    engine = "musicgen"
    version = "1"
    device = "cuda"
    neural = True
    max_duration_s = 120.0  # four windows: long continuations drift from the prompt

    def __init__(self, model: Any = None, tokenizer: Any = None, **options: Any):
        super().__init__(**options)
        self.model, self.tokenizer = model, tokenizer
        self.loaded = model is not None

    def check_request(self, request: Any) -> None:
        super().check_request(request)
        if request.lyrics.strip() and not request.instrumental:
            raise RequestError("MusicGen makes instrumentals only: use the draft or ace-step engine for lyrics")
        if request.extend_from or request.restyle_from:
            raise RequestError("MusicGen cannot extend or restyle a song: use the draft engine")

    def load(self) -> None:
        import torch
        from transformers import AutoTokenizer, MusicgenForConditionalGeneration

        folder = Path(self.options.get("weights") or find_weights(FOLDER, HF_REPO, marker="config.json"))
        cuda = torch.cuda.is_available()
        self.model = (
            MusicgenForConditionalGeneration.from_pretrained(
                folder,
                torch_dtype=torch.float16 if cuda else torch.float32,
                use_safetensors=True,
                local_files_only=True,
            )
            .to("cuda" if cuda else "cpu")
            .eval()
        )
        self.tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
        self.loaded = True

    def unload(self) -> None:
        self.model = self.tokenizer = None
        self.loaded = False

    def generate(self, request: Any, progress: ProgressFn, cancel: CancelToken, output_dir: Path) -> GenerationResult:
        import torch

        # 1. The text prompt, with the tempo and key spelled out (MusicGen reads them as words)
        meta = song_metadata(request)
        seconds = default_duration(request, meta["bpm"])
        text = f"{request.prompt}, {meta['bpm']} bpm, {meta['key']}"
        rate = int(self.model.config.audio_encoder.sampling_rate)
        frame_rate = float(
            getattr(self.model.config.audio_encoder, "frame_rate", 0)
            or rate / float(torch.prod(torch.tensor(self.model.config.audio_encoder.upsampling_ratios)))
        )
        device = next(self.model.parameters()).device
        inputs = self.tokenizer([text], return_tensors="pt", padding=True).to(device)
        # 2. Sample each variation from its own seed, window by window
        audios, windows = [], 0
        for v in range(request.variations):
            cancel.check()
            torch.manual_seed(request.seed + v)
            audio, windows = self._sliding_windows(
                inputs, seconds, rate, frame_rate, progress, cancel, v, request.variations
            )
            audios.append(fit_length(to_stereo_48k(audio, rate), seconds))
        # 3. Write them
        files = write_variations(audios, output_dir, "song-" + request.content_hash()[:10] + "-musicgen", cancel)
        provenance = {
            **meta,
            "model": HF_REPO,
            "windows": windows,
            "vocal_method": "instrumental",
            "notes": ["MusicGen gives the mixed instrumental only: no stems or MIDI"],
        }
        return GenerationResult(files, provenance, {"audio_seconds": round(seconds * request.variations, 3)})

    def _sliding_windows(
        self,
        inputs: Any,
        seconds: float,
        rate: int,
        frame_rate: float,
        progress: ProgressFn,
        cancel: CancelToken,
        variation: int,
        variations: int,
    ) -> tuple[Any, int]:
        """(channels, samples) audio of at least ``seconds``, and the number of windows it took."""
        import numpy as np
        import torch

        decoder = self.model.config.decoder
        # a window cannot exceed the decoder's positions (its codebook delays take a few of them)
        window = min(
            int(float(self.options.get("window_s", WINDOW_S)) * frame_rate),
            int(decoder.max_position_embeddings) - int(decoder.num_codebooks) - 1,
        )
        context = min(int(float(self.options.get("context_s", CONTEXT_S)) * frame_rate), window // 2)
        hop = rate / frame_rate  # samples per token
        need = int(np.ceil(seconds * frame_rate))
        guidance = float(self.options.get("guidance_scale", 3.0))
        audio, made, count = None, 0, 0
        while made < need:
            cancel.check()
            progress((variation + made / need) / variations, f"variation {variation + 1}: window {count + 1}")
            kwargs: dict[str, Any] = dict(do_sample=True, guidance_scale=guidance)
            keep = 0
            if audio is None:
                kwargs["max_new_tokens"] = min(window, need) + int(decoder.num_codebooks) - 1
            else:
                keep = int(context * hop)  # a whole number of tokens of the song so far
                kwargs["input_values"] = torch.from_numpy(np.ascontiguousarray(audio[:, -keep:]))[None].to(
                    next(self.model.parameters()).device, next(self.model.parameters()).dtype
                )
                kwargs["max_new_tokens"] = min(window - context, need - made) + int(decoder.num_codebooks) - 1
            with torch.inference_mode():
                values = self.model.generate(**inputs, **kwargs)[0].float().cpu().numpy()  # (channels, samples)
            new = values[:, keep:]
            if new.shape[1] == 0:
                raise RuntimeError("MusicGen produced no new audio for a window")
            audio = new if audio is None else np.concatenate([audio, new], axis=1)
            made = int(audio.shape[1] / hop)
            count += 1
        return audio, count
