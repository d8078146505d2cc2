"""The delivered file is right: colours encoded with the matrix its tags name (BT.709 for HD, BT.601
for SD), the AAC audio itself under -1 dBTP, and the file's mode following the user's umask."""

import os
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile
from PIL import Image

from studio.io import save_project
from studio.render import render_timeline
from studio.render.loudness import measure_encoded
from tests.render.helpers import FFMPEG, new_project, place_file

# 75% colour bars: white, yellow, cyan, green, magenta, red, blue, black
BARS = np.array(
    [(191, 191, 191), (191, 191, 0), (0, 191, 191), (0, 191, 0), (191, 0, 191), (191, 0, 0), (0, 0, 191), (16, 16, 16)],
    np.uint8,
)
# Kr, Kb of each matrix a stream may be tagged with
MATRICES = {"bt709": (0.2126, 0.0722), "smpte170m": (0.299, 0.114), "bt470bg": (0.299, 0.114)}


def _bars_project(folder: Path, media: Path, width: int, height: int):
    picture = np.repeat(BARS, width // len(BARS), axis=0)[None].repeat(height, axis=0)
    Image.fromarray(picture).save(media / "bars.png")
    project = new_project(folder, width, height, 24)
    place_file(project, folder, project.timeline.tracks[0], media / "bars.png", 0, 12)
    save_project(project, folder)
    return project


def _stream_colour(path: Path) -> tuple[str, str | None]:
    """(pixel format, matrix tag or None) from ffmpeg's description of the video stream."""
    text = subprocess.run([FFMPEG, "-hide_banner", "-i", str(path)], capture_output=True, text=True).stderr
    m = re.search(r"Video: h264.*?, (yuv420p)(?:\(([^)]*)\))?", text)
    assert m, text
    tags = [t.strip() for t in (m.group(2) or "").split(",")]
    matrix = next((t.split("/")[0] for t in tags if t.split("/")[0] in MATRICES), None)
    return m.group(1), matrix


def _decode_rgb(path: Path, width: int, height: int, matrix: str) -> np.ndarray:
    """The first frame as YUV 4:2:0 planes, turned into RGB with ``matrix`` (limited range) here, not by ffmpeg."""
    raw = subprocess.run(
        [FFMPEG, "-v", "error", "-i", str(path), "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "yuv420p", "-"],
        capture_output=True,
        check=True,
    ).stdout
    n = width * height
    y = np.frombuffer(raw[:n], np.uint8).reshape(height, width).astype(np.float64)
    u = np.frombuffer(raw[n : n + n // 4], np.uint8).reshape(height // 2, width // 2).repeat(2, 0).repeat(2, 1)
    v = np.frombuffer(raw[n + n // 4 : n + n // 2], np.uint8).reshape(height // 2, width // 2).repeat(2, 0).repeat(2, 1)
    kr, kb = MATRICES[matrix]
    kg = 1 - kr - kb
    yy = (y - 16) / 219
    pb, pr = (u.astype(np.float64) - 128) / 224, (v.astype(np.float64) - 128) / 224
    r = yy + 2 * (1 - kr) * pr
    b = yy + 2 * (1 - kb) * pb
    g = (yy - kr * r - kb * b) / kg
    return np.clip(np.stack([r, g, b], -1) * 255, 0, 255)


@pytest.mark.parametrize(
    "width, height, preset, expected",
    [
        (1280, 720, "web-720p", "bt709"),  # HD
        (640, 360, "draft-360p", "smpte170m"),  # SD
    ],
)
def test_colour_bars_decode_within_3_levels_with_the_tagged_matrix(tmp_path, width, height, preset, expected):
    media = tmp_path / "media"
    media.mkdir()
    folder = tmp_path / "p.studio"
    project = _bars_project(folder, media, width, height)
    out = tmp_path / "bars.mp4"
    render_timeline(project, folder, out, preset=preset)
    pix_fmt, matrix = _stream_colour(out)
    # an untagged stream is decoded as players do: BT.709 for HD, BT.601 for SD
    rgb = _decode_rgb(out, width, height, matrix or ("bt709" if height > 576 else "smpte170m"))
    bar = width // len(BARS)
    centres = np.array(
        [
            rgb[height // 4 : 3 * height // 4, i * bar + bar // 4 : (i + 1) * bar - bar // 4].mean((0, 1))
            for i in range(len(BARS))
        ]
    )
    error = np.abs(centres - BARS).max()
    assert error <= 3, f"colour error {error:.1f}/255 (matrix {matrix})"
    assert matrix == expected, f"stream tagged {matrix!r}"
    text = subprocess.run([FFMPEG, "-hide_banner", "-i", str(out)], capture_output=True, text=True).stderr
    assert f"yuv420p(tv, {expected}, progressive)" in text  # matrix, primaries and transfer all tagged alike


def _peaky_mix(path: Path, seconds: float = 8.0, rate: int = 48_000) -> Path:
    """A drum-like mix: short decaying noise hits over a quiet chord; its peaks sit far above its loudness."""
    rng = np.random.default_rng(7)
    t = np.arange(int(seconds * rate)) / rate
    x = 0.05 * sum(np.sin(2 * np.pi * f * t) for f in (220.0, 277.2, 329.6))
    hit = rng.standard_normal(int(0.12 * rate)) * np.exp(-np.arange(int(0.12 * rate)) / (0.02 * rate))
    for start in range(0, len(t) - len(hit), rate // 4):
        x[start : start + len(hit)] += 0.9 * hit / np.abs(hit).max()
    x = np.clip(x, -1, 1)
    soundfile.write(path, np.stack([x, x], axis=1).astype(np.float32), rate, subtype="FLOAT")
    return path


def test_the_encoded_mp4s_true_peak_is_under_minus_1_dbtp_at_minus_14_lufs(tmp_path):
    media = tmp_path / "media"
    media.mkdir()
    folder = tmp_path / "p.studio"
    project = new_project(folder, 320, 180, 24)
    place_file(project, folder, project.timeline.tracks[1], _peaky_mix(media / "drums.wav"), 0, 24 * 8)
    save_project(project, folder)
    out = tmp_path / "film.mp4"
    summary = render_timeline(project, folder, out, preset="web-720p")
    loudness, peak = measure_encoded(str(out))  # ffmpeg ebur128 peak=true on the file itself
    assert peak <= -1.0, f"the delivered file peaks at {peak} dBTP"
    assert -15.0 <= loudness <= -13.5, loudness
    assert abs(summary.loudness_lufs - loudness) < 1.0


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_render_is_created_with_the_users_umask(tmp_path, umask, mode):
    media = tmp_path / "media"
    media.mkdir()
    folder = tmp_path / "p.studio"
    project = _bars_project(folder, media, 64, 48)
    old = os.umask(umask)
    try:
        render_timeline(project, folder, tmp_path / "out.mp4", preset="draft-360p")
        render_timeline(project, folder, tmp_path / "out.wav", preset="audio-wav")
    finally:
        os.umask(old)
    assert (tmp_path / "out.mp4").stat().st_mode & 0o777 == mode
    assert (tmp_path / "out.wav").stat().st_mode & 0o777 == mode
