"""Retimed clips render exactly: a 2x clip shows source frame 2k at timeline frame k, a reversed clip shows its
frames backwards, a half-speed clip shows each frame twice; sound at 2x keeps its pitch and lasts half as long,
and reversed sound plays its samples backwards."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile

from studio.model import Clip, TimeRange, new_id
from studio.render.compositor import Compositor
from studio.render.mixer import mix_to_wav
from studio.render.plan import make_plan
from studio.render.sources import RetimedVideoReader
from tests.render.helpers import FFMPEG, new_project, place_file

STEP = 4  # grey level step per source frame


def counting_video(path: Path, frames: int = 60, rate: int = 30) -> Path:
    """A 64x36 video whose frame i is grey level STEP * i (losslessly coded, so each frame reads back exactly)."""
    pictures = np.repeat(np.arange(frames, dtype=np.uint8)[:, None, None, None] * STEP, 36 * 64 * 3).reshape(
        frames, 36, 64, 3
    )
    args = [FFMPEG, "-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", "64x36", "-r", str(rate)]
    args += ["-i", "pipe:", "-c:v", "libx264rgb", "-qp", "0", "-preset", "ultrafast", str(path)]
    subprocess.run(args, input=pictures.tobytes(), check=True)
    return path


def shown(project, folder, start=0, end=-1) -> list[int]:
    """The source frame number each timeline frame shows (read back from its grey level)."""
    plan = make_plan(project, folder, (start, end))
    comp = Compositor(plan, (64, 36))
    try:
        return [round(int(f[18, 32, 0]) / STEP) for f in comp.frames()]
    finally:
        comp.close()


@pytest.fixture
def counting(tmp_path):
    folder = tmp_path / "P.studio"
    project = new_project(folder, width=64, height=36, rate=30)
    video = counting_video(tmp_path / "count.mp4")
    return project, folder, video


def test_a_2x_clip_shows_source_frame_2k_at_timeline_frame_k(counting):
    project, folder, video = counting
    clip = place_file(project, folder, project.timeline.tracks[0], video, 0, 40, start=10, speed=2.0)
    assert clip.duration == 20
    assert shown(project, folder) == [10 + 2 * k for k in range(20)]


def test_a_reversed_clip_shows_its_frames_backwards_across_decoding_pieces(counting, monkeypatch):
    project, folder, video = counting
    monkeypatch.setattr(RetimedVideoReader, "CHUNK_BYTES", 64 * 36 * 3 * 8)  # pieces of 8 frames
    place_file(project, folder, project.timeline.tracks[0], video, 0, 50, start=5, reverse=True)
    assert shown(project, folder) == list(range(54, 4, -1))
    assert shown(project, folder, 45, 50) == [9, 8, 7, 6, 5]  # a render that starts inside the clip


def test_a_half_speed_reversed_clip_shows_each_frame_twice_backwards(counting):
    project, folder, video = counting
    place_file(project, folder, project.timeline.tracks[0], video, 0, 6, start=20, speed=0.5, reverse=True)
    assert shown(project, folder) == [25, 25, 24, 24, 23, 23, 22, 22, 21, 21, 20, 20]


def test_a_sped_up_clip_after_a_normal_one_keeps_the_timeline_in_step(counting):
    project, folder, video = counting
    track = project.timeline.tracks[0]
    place_file(project, folder, track, video, 0, 5)
    track.clips.append(Clip(new_id("clip"), "fast", 5, TimeRange(0, 20), asset_id=track.clips[0].asset_id, speed=4.0))
    assert shown(project, folder) == [0, 1, 2, 3, 4, 0, 4, 8, 12, 16]


def _pitch(samples: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.argmax(spectrum) * rate / len(samples))


def test_a_tone_at_2x_keeps_its_pitch_and_lasts_half_as_long(tmp_path):
    folder = tmp_path / "A.studio"
    project = new_project(folder, rate=30)
    t = np.arange(48_000) / 48_000
    tones = np.concatenate([0.3 * np.sin(2 * np.pi * 440 * t), 0.3 * np.sin(2 * np.pi * 660 * t)])  # 1 s each
    soundfile.write(tmp_path / "tones.wav", tones.astype(np.float32), 48_000, subtype="FLOAT")
    place_file(project, folder, project.timeline.tracks[1], tmp_path / "tones.wav", 0, 60, speed=2.0)
    plan = make_plan(project, folder)
    assert plan.end == 30  # the 2 s source lasts one second of timeline
    mix_to_wav(plan, tmp_path / "mix.wav")
    audio, rate = soundfile.read(tmp_path / "mix.wav", dtype="float32")
    assert len(audio) == 48_000
    first, second = audio[4_000:20_000, 0], audio[28_000:44_000, 0]
    assert abs(_pitch(first, rate) - 440.0) < 6.0  # still A4 (a plain 2x resample would give 880 Hz) ...
    assert abs(_pitch(second, rate) - 660.0) < 6.0  # ... and the second tone is reached half way
    assert min(np.sqrt(np.mean(first**2)), np.sqrt(np.mean(second**2))) > 0.1  # it sounds all the way through
    mix_to_wav(make_plan(project, folder, (20, 30)), tmp_path / "part.wav")  # a preview from inside the clip
    part, _ = soundfile.read(tmp_path / "part.wav", dtype="float32")
    assert len(part) == 16_000 and abs(_pitch(part[2_000:14_000, 0], rate) - 660.0) < 8.0


def test_reversed_sound_plays_its_samples_backwards(tmp_path):
    folder = tmp_path / "R.studio"
    project = new_project(folder, rate=30)
    ramp = np.linspace(0.0, 0.5, 48_000, dtype=np.float32)  # rises over one second
    soundfile.write(tmp_path / "ramp.wav", ramp, 48_000, subtype="FLOAT")
    place_file(project, folder, project.timeline.tracks[1], tmp_path / "ramp.wav", 0, 30, reverse=True)
    mix_to_wav(make_plan(project, folder), tmp_path / "mix.wav")
    audio, _ = soundfile.read(tmp_path / "mix.wav", dtype="float32")
    left = audio[:, 0] / audio[:, 0].max()  # the centre pan's constant-power gain scales both sides alike
    assert np.allclose(left, ramp[::-1] / ramp.max(), atol=1e-4)


def test_studio_render_writes_a_retimed_clip_at_its_new_length(counting, tmp_path):
    from studio.cli.main import main
    from studio.io import save_project
    from tests.render.helpers import frame_at, read_streams

    project, folder, video = counting
    place_file(project, folder, project.timeline.tracks[0], video, 0, 60, speed=4.0, reverse=True)
    save_project(project, folder)
    out = tmp_path / "fast.mp4"
    assert main(["render", str(folder), "-o", str(out), "--preset", "draft-360p"]) == 0
    assert abs(read_streams(out)["duration"] - 0.5) < 0.05  # 60 frames at 4x: 15 frames of 30 fps
    first, last = frame_at(out, 0), frame_at(out, 14)
    assert abs(int(first[90, 160, 0]) - 59 * STEP) <= 6 and abs(int(last[90, 160, 0]) - 3 * STEP) <= 6


def test_a_transition_plays_a_retimed_clips_own_media_past_its_trims(counting):
    """A wipe between a reversed clip and a 2x clip: the handles are read through speed and direction (the
    reversed clip runs on to lower frames, the 2x clip starts early two source frames per timeline frame)."""
    from studio.edit import add_transition

    project, folder, video = counting
    track = project.timeline.tracks[0]
    back = place_file(project, folder, track, video, 0, 10, start=20, reverse=True)  # shows 29..20
    place_file(project, folder, track, video, 10, 20, start=30, speed=2.0)  # shows 30, 32, ...
    add_transition(project, back.id, "wipe", 10).apply(project)  # frames 5..14, cut at 10
    plan = make_plan(project, folder)
    assert plan.warnings == []  # both have the media the transition needs
    comp = Compositor(plan, (64, 36))
    try:
        frames = list(comp.frames())
    finally:
        comp.close()
    left = [round(int(f[18, 0, 0]) / STEP) for f in frames]  # the wipe shows the incoming clip at the left first
    right = [round(int(f[18, 63, 0]) / STEP) for f in frames]
    assert left[6:10] == [30 - 2 * (10 - f) for f in range(6, 10)]  # 2x, early: 22, 24, 26, 28
    assert right[10:14] == [29 - f for f in range(10, 14)]  # reversed, late: 19, 18, 17, 16
    assert left[10:15] == [30, 32, 34, 36, 38] and right[:5] == [29, 28, 27, 26, 25]
