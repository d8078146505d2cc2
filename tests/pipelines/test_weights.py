"""The shared weight finder: the models folder first, a clear message when absent, no pickles."""

import pytest

from pipelines.base import WeightsMissingError
from pipelines.weights import find_weights, models_dir


def test_models_dir_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_MODELS_DIR", str(tmp_path))
    assert models_dir() == tmp_path


def test_missing_weights_name_the_model_and_the_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_MODELS_DIR", str(tmp_path))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(WeightsMissingError, match=f"Org/Model.*{tmp_path / 'model'}.*never downloads"):
        find_weights("model", "Org/Model")


def test_a_folder_of_pickles_is_refused_and_safetensors_are_found(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_MODELS_DIR", str(tmp_path))
    folder = tmp_path / "model"
    (folder / "unet").mkdir(parents=True)
    (folder / "model_index.json").write_text("{}")
    (folder / "unet" / "diffusion_pytorch_model.bin").write_bytes(b"x")
    with pytest.raises(WeightsMissingError, match="only pickle checkpoints"):
        find_weights("model", "Org/Model", display="My Model")
    (folder / "unet" / "diffusion_pytorch_model.safetensors").write_bytes(b"x")
    assert find_weights("model", "Org/Model") == folder
