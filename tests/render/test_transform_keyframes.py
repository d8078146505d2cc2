"""Keyframes on position and scale rendered exactly: each frame places the picture where a clip holding that
frame's interpolated x, y and scale would be (linear and ease), for stills and for video."""

from __future__ import annotations

import numpy as np
import pytest

from studio.edit import UndoStack, set_keyframe, trim_head
from studio.model import Transform
from studio.render.plan import place
from tests.render.helpers import add_track, colour_video, place_file, still_png
from tests.render.test_compositing import frames_of, red_base  # noqa: F401 - the fixture


def box(frame: np.ndarray) -> tuple[int, int, int, int]:
    """(left, top, width, height) of the pixels that are not the red background (green channel lit)."""
    ys, xs = np.nonzero(frame[..., 1] > 128)
    return int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1)


def expected_box(clip, transform: Transform, source: tuple[int, int]) -> tuple[int, int, int, int]:
    from dataclasses import replace

    p = place(replace(clip, transform=transform), source, (640, 360), 360)
    return p.at[0], p.at[1], p.size[0], p.size[1]


def test_a_scale_ramp_renders_the_interpolated_size_on_each_frame(red_base, tmp_path):  # noqa: F811
    project, folder = red_base
    top = add_track(project, "video", "V2")
    white = place_file(project, folder, top, still_png(tmp_path / "w.png", (255, 255, 255, 255), (64, 36)), 0, 30)
    stack = UndoStack(project)
    stack.push(set_keyframe(project, white.id, "scale", 0, 0.5))
    stack.push(set_keyframe(project, white.id, "scale", 10, 1.0))
    frames = frames_of(project, folder, 0, 12)
    assert box(frames[5]) == (80, 45, 480, 270)  # the midpoint: scale 0.75 of the 640x360 fit, centred
    assert box(frames[0]) == (160, 90, 320, 180)
    assert box(frames[11]) == (0, 0, 640, 360)  # held after the last keyframe
    for f in range(11):
        assert box(frames[f]) == expected_box(white, Transform(scale=white.value_at("scale", f)), (64, 36)), f


def test_an_eased_position_ramp_moves_a_video_exactly(red_base, tmp_path):  # noqa: F811
    project, folder = red_base
    top = add_track(project, "video", "V2")
    green = place_file(
        project,
        folder,
        top,
        colour_video(tmp_path / "g.mp4", "lime", "320x180", seconds=1.0),
        0,
        30,
        transform=Transform(scale=0.5),
    )
    stack = UndoStack(project)
    stack.push(set_keyframe(project, green.id, "x", 0, -0.25, "ease"))
    stack.push(set_keyframe(project, green.id, "x", 20, 0.25))
    stack.push(set_keyframe(project, green.id, "y", 0, 0.1))
    frames = frames_of(project, folder, 0, 21)
    for f in (0, 4, 10, 16, 20):
        x = green.value_at("x", f)
        assert box(frames[f]) == expected_box(green, Transform(x, 0.1, 0.5), (320, 180)), f
    assert box(frames[10])[0] == 160  # half way through the ease: centred
    assert box(frames[4])[0] < 160 - 0.3 * 320 * 0.5  # the ease leaves slowly: left of where linear would be
    stack.push(trim_head(project, green.id, 10))  # keyframes stay on their source frames
    assert box(frames_of(project, folder, 10, 11)[0]) == box(frames[10])


def test_a_keyframed_clip_off_the_frame_shows_nothing_there(red_base, tmp_path):  # noqa: F811
    project, folder = red_base
    top = add_track(project, "video", "V2")
    white = place_file(project, folder, top, still_png(tmp_path / "w.png", (255, 255, 255, 255), (64, 36)), 0, 30)
    stack = UndoStack(project)
    stack.push(set_keyframe(project, white.id, "x", 0, 2.0))
    stack.push(set_keyframe(project, white.id, "x", 10, 0.0))
    frames = frames_of(project, folder, 0, 11)
    assert not (frames[0][..., 1] > 128).any()
    assert box(frames[10]) == (0, 0, 640, 360)


def test_transform_keyframes_out_of_range_are_refused(red_base, tmp_path):  # noqa: F811
    from studio.edit import EditError

    project, folder = red_base
    clip = project.timeline.tracks[0].clips[0]
    with pytest.raises(EditError, match="scale must be between 0.001 and 100"):
        set_keyframe(project, clip.id, "scale", 0, 0.0)


def test_position_and_scale_keyframes_are_saved_and_loaded(red_base):  # noqa: F811
    from studio.io import load_project, save_project

    project, folder = red_base
    clip = project.timeline.tracks[0].clips[0]
    stack = UndoStack(project)
    stack.push(set_keyframe(project, clip.id, "scale", 0, 0.5, "ease"))
    stack.push(set_keyframe(project, clip.id, "y", 12, -0.2))
    save_project(project, folder)
    loaded = load_project(folder).timeline.tracks[0].clips[0]
    assert loaded.keyframes == clip.keyframes
    assert loaded.value_at("scale", 0) == 0.5 and loaded.value_at("x", 5) == clip.transform.x


def test_a_keyframed_full_frame_video_under_a_title_is_drawn_on_safely(red_base, tmp_path):  # noqa: F811
    from tests.render.helpers import place_title

    project, folder = red_base
    base = project.timeline.tracks[0].clips[0]
    stack = UndoStack(project)
    stack.push(set_keyframe(project, base.id, "scale", 0, 1.0))
    stack.push(set_keyframe(project, base.id, "scale", 10, 1.5))  # covers the frame: the bottom layer
    place_title(add_track(project, "video", "V2"), "Over", 0, 30)
    frames = frames_of(project, folder, 0, 5)
    assert len(frames) == 5 and frames[2][5, 5, 0] > 200  # red around the title
