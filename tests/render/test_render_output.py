"""A real 3-second render: exact length, the right streams and size, red really red, 1 kHz really 1 kHz."""

from __future__ import annotations

import imageio_ffmpeg
import numpy as np
import pyloudnorm
import pytest

from studio.render import render_timeline
from tests.render.helpers import decoded_audio, frame_at, read_streams, red_and_tone_project


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    root = tmp_path_factory.mktemp("render")
    media = root / "sources"
    media.mkdir()
    project = red_and_tone_project(root / "Red.studio", media)
    out = root / "out" / "red.mp4"
    summary = render_timeline(project, root / "Red.studio", out, preset="web-720p")
    return out, summary


def test_render_lasts_exactly_the_timeline_and_has_h264_and_aac(rendered):
    out, summary = rendered
    frames, _ = imageio_ffmpeg.count_frames_and_secs(str(out))
    assert frames == 90
    streams = read_streams(out)
    assert streams["video"] == ("h264", 1280, 720)
    assert streams["audio"] == ("aac", 48000, "stereo")
    assert abs(streams["duration"] - 3.0) < 1 / 30
    assert summary.frames == 90 and summary.path == out and summary.bytes == out.stat().st_size


def test_red_clip_renders_red_pixels(rendered):
    frame = frame_at(rendered[0], 45)
    r, g, b = frame[300:420, 500:780].reshape(-1, 3).mean(axis=0)
    assert r > 230 and g < 20 and b < 20


def test_tone_peaks_at_1khz_normalised_to_minus_14_lufs(rendered):
    audio = decoded_audio(rendered[0])
    assert abs(len(audio) - 3 * 48000) < 2048  # AAC pads by at most a frame
    middle = audio[24000:120000, 0].astype(np.float64)
    spectrum = np.abs(np.fft.rfft(middle * np.hanning(len(middle))))
    peak_hz = np.argmax(spectrum) * 48000 / len(middle)
    assert abs(peak_hz - 1000) < 2
    loudness = pyloudnorm.Meter(48000).integrated_loudness(audio.astype(np.float64))
    assert abs(loudness - -14.0) < 0.5
    assert np.abs(audio).max() < 10 ** (-0.5 / 20)  # true-peak ceiling -1 dBTP, with AAC's own ripple
    assert abs(rendered[1].loudness_lufs - -14.0) < 0.05
