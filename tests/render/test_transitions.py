"""Transitions rendered frame-exact: a dissolve is a 50/50 mix at its middle, a dip to black is black at the cut, a
wipe reveals the next clip from the left; sound crossfades with equal power; short media holds its edge frame."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile

from studio.edit import add_transition
from studio.render.mixer import mix_to_wav
from studio.render.plan import make_plan
from tests.render.helpers import colour_video, new_project, place_file, still_png
from tests.render.test_compositing import frames_of

RED, BLUE = (255, 0, 0, 255), (0, 0, 255, 255)


@pytest.fixture
def red_then_blue(tmp_path):
    """Stills: red on frames 0-29, blue on frames 30-59 of one 640x360 track."""
    folder = tmp_path / "T.studio"
    project = new_project(folder)
    track = project.timeline.tracks[0]
    red = place_file(project, folder, track, still_png(tmp_path / "r.png", RED), 0, 30, fit="stretch")
    place_file(project, folder, track, still_png(tmp_path / "b.png", BLUE), 30, 30, fit="stretch")
    return project, folder, red


def _with(project, clip, kind, frames):
    add_transition(project, clip.id, kind, frames).apply(project)
    return project


def test_a_dissolve_is_a_half_and_half_mix_at_its_middle(red_then_blue):
    project, folder, red = red_then_blue
    frames = frames_of(_with(project, red, "dissolve", 20), folder)  # frames 20..39
    assert tuple(frames[19][100, 100]) == (255, 0, 0)
    for f, t in ((20, 0.0), (25, 0.25), (30, 0.5), (35, 0.75)):
        assert np.abs(frames[f][100, 100].astype(int) - [255 * (1 - t), 0, 255 * t]).max() <= 1, f
    assert tuple(frames[40][100, 100]) == (0, 0, 255)


def test_a_dip_to_black_is_black_at_the_cut(red_then_blue):
    project, folder, red = red_then_blue
    frames = frames_of(_with(project, red, "dip_to_black", 20), folder)
    assert tuple(frames[30][200, 300]) == (0, 0, 0)
    assert abs(int(frames[25][200, 300, 0]) - 128) <= 1 and frames[25][200, 300, 2] == 0  # red half dark
    assert abs(int(frames[35][200, 300, 2]) - 128) <= 1 and frames[35][200, 300, 0] == 0  # blue half up
    assert tuple(frames[40][200, 300]) == (0, 0, 255)


def test_a_wipe_reveals_the_next_clip_left_to_right(red_then_blue):
    project, folder, red = red_then_blue
    frames = frames_of(_with(project, red, "wipe", 20), folder)
    assert tuple(frames[20][180, 0]) == (255, 0, 0)  # not started
    assert tuple(frames[30][180, 319]) == (0, 0, 255) and tuple(frames[30][180, 320]) == (255, 0, 0)  # half way
    assert tuple(frames[35][180, 479]) == (0, 0, 255) and tuple(frames[35][180, 480]) == (255, 0, 0)


def test_a_range_starting_inside_a_transition_renders_the_same_frames(red_then_blue):
    project, folder, red = red_then_blue
    _with(project, red, "dissolve", 20)
    whole = frames_of(project, folder)
    assert all(np.array_equal(a, b) for a, b in zip(frames_of(project, folder, 32, 38), whole[32:38], strict=True))


def test_video_clips_dissolve_through_the_media_past_their_trims(tmp_path):
    folder = tmp_path / "V.studio"
    project = new_project(folder)
    track = project.timeline.tracks[0]
    red = colour_video(tmp_path / "red.mp4", "red", "640x360", seconds=2.0)
    blue = colour_video(tmp_path / "blue.mp4", "blue", "640x360", seconds=2.0)
    out = place_file(project, folder, track, red, 0, 30, start=0)  # 30 more frames of red after its end
    place_file(project, folder, track, blue, 30, 30, start=30)  # 30 frames of blue before its start
    frames = frames_of(_with(project, out, "dissolve", 20), folder)
    for f, t in ((20, 0.0), (30, 0.5), (39, 0.95)):
        red_now, blue_now = frames[f][180, 320, 0], frames[f][180, 320, 2]
        assert abs(int(red_now) - 254 * (1 - t)) <= 4 and abs(int(blue_now) - 254 * t) <= 4, f
    assert make_plan(project, folder).warnings == []


def test_a_clip_with_no_media_past_its_end_holds_its_last_frame_and_says_so(tmp_path):
    folder = tmp_path / "H.studio"
    project = new_project(folder)
    track = project.timeline.tracks[0]
    red = colour_video(tmp_path / "red.mp4", "red", "640x360", seconds=1.0)
    out = place_file(project, folder, track, red, 0, 30, start=0)  # the whole source: nothing after it
    place_file(project, folder, track, still_png(tmp_path / "b.png", BLUE), 30, 30, fit="stretch")
    frames = frames_of(_with(project, out, "dissolve", 20), folder)
    assert abs(int(frames[35][180, 320, 0]) - 254 * 0.25) <= 4  # red held at a quarter
    assert abs(int(frames[35][180, 320, 2]) - 255 * 0.75) <= 4
    (note,) = make_plan(project, folder).warnings
    assert "has 0 of 10 frames after its end; the dissolve holds its last frame" in note


def _dc_wav(path, value, seconds=2.0):
    soundfile.write(path, np.full(int(48_000 * seconds), value, np.float32), 48_000, subtype="FLOAT")
    return path


def test_sound_crossfades_with_equal_power(tmp_path):
    folder = tmp_path / "A.studio"
    project = new_project(folder, rate=30)
    track = project.timeline.tracks[1]
    a = place_file(project, folder, track, _dc_wav(tmp_path / "a.wav", 0.5), 0, 30, start=0)
    place_file(project, folder, track, _dc_wav(tmp_path / "b.wav", 0.25), 30, 30, start=30)
    add_transition(project, a.id, "dissolve", 20).apply(project)  # 48000 / 30 = 1600 samples a frame
    mix_to_wav(make_plan(project, folder), tmp_path / "mix.wav")
    mix, _ = soundfile.read(tmp_path / "mix.wav", dtype="float32")
    start, end = 20 * 1600, 40 * 1600
    for s in (start - 100, start, start + 8000, 30 * 1600, end - 1, end + 100):
        t = min(1.0, max(0.0, (s - start) / (end - start)))
        expected = 0.5 * np.cos(t * np.pi / 2) + 0.25 * np.sin(t * np.pi / 2)
        assert abs(mix[s, 0] - expected) < 1e-4 and abs(mix[s, 1] - expected) < 1e-4, s


def test_studio_render_writes_the_dissolve_into_the_mp4(red_then_blue, tmp_path):
    """End to end: the transition saved in the project, rendered by ``studio render`` to an MP4."""
    from studio.cli.main import main
    from studio.io import load_project, save_project
    from tests.render.helpers import frame_at

    project, folder, red = red_then_blue
    save_project(_with(project, red, "dissolve", 20), folder)
    assert load_project(folder).timeline.tracks[0].transitions[0].duration == 20  # saved
    out = tmp_path / "cut.mp4"
    assert main(["render", str(folder), "-o", str(out), "--preset", "draft-360p"]) == 0
    r, g, b = frame_at(out, 30)[100:260, 100:540].reshape(-1, 3).mean(axis=0)
    assert abs(r - 128) < 12 and g < 20 and abs(b - 128) < 12  # half red, half blue at the cut
    r, _, b = frame_at(out, 22)[100:260, 100:540].reshape(-1, 3).mean(axis=0)
    assert r > 200 and b < 50  # a tenth of the way in


def test_a_letterboxed_dissolve_mixes_its_pictures_and_leaves_the_track_below_showing(tmp_path):
    from tests.render.helpers import add_track

    folder = tmp_path / "L.studio"
    project = new_project(folder)
    base = project.timeline.tracks[0]
    place_file(project, folder, base, still_png(tmp_path / "g.png", (0, 255, 0, 255)), 0, 60, fit="stretch")
    top = add_track(project, "video", "V2")
    red = place_file(project, folder, top, still_png(tmp_path / "r.png", RED, (160, 120)), 0, 30)  # 4:3, pillarboxed
    place_file(project, folder, top, still_png(tmp_path / "b.png", BLUE, (160, 120)), 30, 30)
    frames = frames_of(_with(project, red, "dissolve", 20), folder)
    assert np.abs(frames[30][180, 320].astype(int) - [128, 0, 128]).max() <= 1  # the pictures mix
    assert tuple(frames[30][180, 20]) == (0, 255, 0)  # beside them the green track below shows through
    assert tuple(frames[25][180, 620]) == (0, 255, 0)
