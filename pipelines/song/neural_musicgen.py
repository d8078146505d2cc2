"""MusicGen (transformers ``MusicgenForConditionalGeneration``): instrumentals from a text prompt.

Weights: ``$STUDIO_MODELS_DIR/musicgen`` (a transformers folder with config.json and safetensors)
or the Hugging Face cache of ``facebook/musicgen-small``; never downloaded. MusicGen makes no
vocals: lyrics are refused with a pointer to the engines that sing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipelines.base import CancelToken, GenerationResult, Generator, ProgressFn, RequestError
from pipelines.song.neural_common import default_duration, find_weights, song_metadata, to_stereo_48k, write_variations

HF_REPO = "facebook/musicgen-small"
FOLDER = "musicgen"


class MusicGenSongEngine(Generator):
    """Prompt -> instrumental with MusicGen. ``model=`` and ``tokenizer=`` inject built parts (tests)."""

    kind = "song"
    engine = "musicgen"
    version = "1"
    device = "cuda"
    neural = True
    max_duration_s = 120.0  # MusicGen's 30 s window is slid forward past this only at a quality cost

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
        self.model = MusicgenForConditionalGeneration.from_pretrained(
            folder, torch_dtype=torch.float16 if cuda else torch.float32, use_safetensors=True,
            local_files_only=True).to("cuda" if cuda else "cpu").eval()
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
        frame_rate = float(getattr(self.model.config.audio_encoder, "frame_rate", 0) or
                           rate / float(torch.prod(torch.tensor(self.model.config.audio_encoder.upsampling_ratios))))
        tokens = max(2, int(round(seconds * frame_rate)))
        device = next(self.model.parameters()).device
        inputs = self.tokenizer([text], return_tensors="pt", padding=True).to(device)
        # 2. Sample each variation from its own seed
        audios = []
        for v in range(request.variations):
            cancel.check()
            progress(v / request.variations, f"variation {v + 1}")
            torch.manual_seed(request.seed + v)
            with torch.inference_mode():
                values = self.model.generate(**inputs, do_sample=True, max_new_tokens=tokens,
                                             guidance_scale=float(self.options.get("guidance_scale", 3.0)))
            audios.append(to_stereo_48k(values[0].float().cpu().numpy(), rate))
        # 3. Write them
        files = write_variations(audios, output_dir, "song-" + request.content_hash()[:10] + "-musicgen", cancel)
        provenance = {**meta, "model": HF_REPO, "tokens": tokens, "vocal_method": "instrumental",
                      "notes": ["MusicGen gives the mixed instrumental only: no stems or MIDI"]}
        return GenerationResult(files, provenance, {"audio_seconds": round(seconds * request.variations, 3)})
