"""Real, tiny media files for the I/O tests (made once per session)."""

import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile
from PIL import Image

from studio.io.probe import ffmpeg_exe

BASELINES = Path(__file__).resolve().parent.parent / "baselines"


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory) -> Path:
    """tone.wav (2 s stereo 48 kHz), still.png (64x48), shot.mp4 (1 s 64x48 24 fps + mono AAC), notes.txt."""
    folder = tmp_path_factory.mktemp("media")
    t = np.arange(2 * 48000) / 48000
    tone = 0.2 * np.sin(2 * np.pi * 440 * t)
    soundfile.write(folder / "tone.wav", np.stack([tone, tone], axis=1).astype("float32"), 48000)
    Image.new("RGB", (64, 48), (200, 40, 40)).save(folder / "still.png")
    subprocess.run(
        [
            ffmpeg_exe(),
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=64x48:rate=24:duration=1",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:sample_rate=48000:duration=1",
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-shortest",
            str(folder / "shot.mp4"),
        ],
        check=True,
        capture_output=True,
    )
    (folder / "notes.txt").write_text("not media at all\n")
    (folder / "fake.mp4").write_text("this is text pretending to be a video\n")
    return folder
