"""Where neural backends find their weights: the models folder or the Hugging Face cache, never the network.

    folder = find_weights("ltx-video", "Lightricks/LTX-Video")                  # diffusers folder
    folder = find_weights("musicgen", "facebook/musicgen-small", marker="config.json")

Weights must be safetensors: a folder holding only pickle checkpoints is refused, since loading a
pickle can run code.
"""

from __future__ import annotations

import os
from pathlib import Path

from pipelines.base import WeightsMissingError

PICKLE_SUFFIXES = (".bin", ".ckpt", ".pt", ".pth", ".pkl")


def models_dir() -> Path:
    """``$STUDIO_MODELS_DIR`` or ``~/.local/share/studio/models``."""
    return Path(os.environ.get("STUDIO_MODELS_DIR") or Path.home() / ".local/share/studio/models").expanduser()


def find_weights(
    name: str,
    hf_repo: str,
    *,
    marker: str = "model_index.json",
    display: str | None = None,
    model_dir: str | Path | None = None,
) -> Path:
    """The model's folder: ``model_dir`` if given, else ``models_dir()/name``, else the Hugging Face cache
    (``local_files_only``). ``marker`` is the file that proves a folder is the model (model_index.json for
    diffusers, config.json for transformers). Raises WeightsMissingError naming the model and the folder."""
    label = display or hf_repo
    candidates = [Path(model_dir)] if model_dir else [models_dir() / name]
    if not model_dir:
        try:
            from huggingface_hub import snapshot_download

            candidates.append(Path(snapshot_download(hf_repo, local_files_only=True)))
        except Exception:  # not in the cache, or no hub library: only the local folder remains
            pass
    folder = next((c for c in candidates if (c / marker).is_file()), None)
    if folder is None:
        raise WeightsMissingError(
            f"{label} weights are not on this machine: put the model folder of {hf_repo} "
            f"(with {marker} and *.safetensors) at {candidates[0]}, or in the Hugging Face "
            f"cache (`huggingface-cli download {hf_repo}`); Studio never downloads"
        )
    weights = [p for p in folder.rglob("*") if p.is_file() and p.suffix in (".safetensors", *PICKLE_SUFFIXES)]
    if weights and not any(p.suffix == ".safetensors" for p in weights):
        raise WeightsMissingError(
            f"{label} at {folder} has only pickle checkpoints ({weights[0].name}); "
            "Studio loads safetensors only: convert or re-download them"
        )
    return folder
