"""Video tracks composited frame by frame: order, opacity, fades, fit/fill, titles, reused frames."""

from __future__ import annotations

import numpy as np
import pytest

from studio.model import Title, Transform
from studio.render.compositor import Compositor
from studio.render.plan import make_plan
from studio.render.titles import draw_title
from tests.render.helpers import add_track, colour_video, new_project, place_file, place_title, still_png


@pytest.fixture
def red_base(tmp_path):
    """A 640x360 project whose bottom track is 1 s of red video."""
    folder = tmp_path / "P.studio"
    project = new_project(folder)
    red = colour_video(tmp_path / "red.mp4", seconds=1.0, size="640x360")
    place_file(project, folder, project.timeline.tracks[0], red, 0, 30)
    return project, folder


def frames_of(project, folder, start=0, end=-1) -> list[np.ndarray]:
    plan = make_plan(project, folder, (start, end))
    comp = Compositor(plan, (project.timeline.width, project.timeline.height))
    try:
        return list(comp.frames())
    finally:
        comp.close()


def test_later_track_draws_over_earlier_track(red_base, tmp_path):
    project, folder = red_base
    top = add_track(project, "video", "V2")
    blue = still_png(tmp_path / "blue.png", (0, 0, 255, 255), (320, 180))
    place_file(project, folder, top, blue, 0, 30, fit="explicit", transform=Transform(scale=1.0))
    frame = frames_of(project, folder, 10, 11)[0]
    assert tuple(frame[180, 320]) == (0, 0, 255)  # centre: the smaller blue picture on top
    assert frame[10, 10, 0] > 240 and frame[10, 10, 2] < 15  # corner: red from the track underneath


def test_half_opacity_white_over_red_gives_pink(red_base, tmp_path):
    project, folder = red_base
    top = add_track(project, "video", "V2")
    white = still_png(tmp_path / "white.png", (255, 255, 255, 255), (64, 36))
    place_file(project, folder, top, white, 0, 30, opacity=0.5, fit="stretch")
    r, g, b = frames_of(project, folder, 5, 6)[0][180, 320].astype(int)
    assert r > 245 and 120 <= g <= 135 and 120 <= b <= 135


def test_fade_in_starts_transparent_and_ends_opaque(red_base, tmp_path):
    project, folder = red_base
    top = add_track(project, "video", "V2")
    green = still_png(tmp_path / "green.png", (0, 255, 0, 255), (64, 36))
    place_file(project, folder, top, green, 0, 30, fit="stretch", video_fade_in=10)
    frames = frames_of(project, folder, 0, 12)
    assert frames[0][180, 320, 1] < 15  # frame 0 of the fade shows only the red below
    assert 110 <= frames[5][180, 320, 1] <= 145  # half way
    assert tuple(frames[11][180, 320]) == (0, 255, 0)


def test_fit_letterboxes_and_fill_covers(red_base, tmp_path):
    project, folder = red_base
    top = add_track(project, "video", "V2")
    square = still_png(tmp_path / "sq.png", (0, 0, 255, 255), (100, 100))
    place_file(project, folder, top, square, 0, 15, fit="fit")
    place_file(project, folder, top, square, 15, 15, fit="fill")
    frames = frames_of(project, folder)
    fit, fill = frames[5], frames[20]
    assert fit[180, 100, 0] > 240 and tuple(fit[180, 320]) == (0, 0, 255)  # red shows beside a 360x360 square
    assert tuple(fill[5, 5]) == (0, 0, 255) and tuple(fill[180, 320]) == (0, 0, 255)


def test_transparent_png_shows_the_track_below_through_its_holes(red_base, tmp_path):
    project, folder = red_base
    top = add_track(project, "video", "V2")
    hole = still_png(tmp_path / "clear.png", (0, 0, 255, 0), (64, 36))
    place_file(project, folder, top, hole, 0, 30, fit="stretch")
    assert frames_of(project, folder, 3, 4)[0][180, 320, 0] > 240


def test_unchanged_frames_are_reused_not_composited_again(tmp_path):
    folder = tmp_path / "P.studio"
    project = new_project(folder)
    place_title(project.timeline.tracks[0], "Still", 0, 60)
    plan = make_plan(project, folder)
    comp = Compositor(plan, (640, 360))
    frames = list(comp.frames())
    comp.close()
    assert len(frames) == 60 and comp.composited == 1
    assert all(f is frames[0] for f in frames)


def test_title_text_with_filter_syntax_is_drawn_literally(tmp_path):
    tricky = 'He said "it\'s 100%": done\\n\nline two; [x]=1,drawtext=text=boom'
    picture, (x, y) = draw_title(Title(tricky, font_size=24), 640, 360)
    ink_rows = np.flatnonzero(picture[..., 3].max(axis=1) > 0)
    assert picture.shape[1] > 300 and 0 <= x and 0 <= y  # the whole long first line, inside the frame
    gaps = np.flatnonzero(np.diff(ink_rows) > 1)
    assert len(gaps) >= 1  # two separate lines of text: the newline was honoured
    folder = tmp_path / "P.studio"
    project = new_project(folder)
    place_title(project.timeline.tracks[0], tricky, 0, 2)
    frame = frames_of(project, folder)[0]
    assert (frame.max(axis=2) > 200).sum() > 500  # white text pixels on the black frame


def test_title_too_wide_for_the_frame_is_shrunk_to_fit():
    picture, (x, _) = draw_title(Title("A very long title that would not fit", font_size=200), 640, 360)
    assert picture.shape[1] <= 640 and x >= 0
