"""Bad input costs bounded work and ends in one line: huge titles, titles larger than the frame, and
pictures too large to decode safely."""

import numpy as np
import pytest
from PIL import Image

from studio.io import save_project
from studio.model import Title
from studio.render import RenderError, render_timeline
from studio.render.titles import MAX_TITLE_CHARS, MAX_TITLE_LINES, draw_title
from tests.render.helpers import new_project, place_file, place_title, still_png


def _title_project(tmp_path, text: str):
    folder = tmp_path / "p.studio"
    project = new_project(folder, 320, 180, 24)
    place_title(project.timeline.tracks[0], text, 0, 12)
    save_project(project, folder)
    return project, folder


@pytest.mark.parametrize(
    "text, words",
    [
        ("\n".join(f"line {i}" for i in range(30_000)), "characters"),  # 2.9 GB before the cap
        ("\n".join("x" for _ in range(MAX_TITLE_LINES + 1)), f"{MAX_TITLE_LINES + 1} lines"),
        ("x" * 1_000_001, "1,000,001 characters"),  # PIL's ValueError before
    ],
)
def test_an_oversized_title_is_a_one_line_error_before_any_work(tmp_path, text, words):
    project, folder = _title_project(tmp_path, text)
    with pytest.raises(RenderError) as err:
        render_timeline(project, folder, tmp_path / "out.mp4", preset="draft-360p")
    message = str(err.value)
    assert message.startswith("clip 'title': a title has ") and words in message and "\n" not in message
    assert not list(tmp_path.glob("*.mp4")) and not list(tmp_path.glob(".out.*"))


def test_a_title_taller_than_the_frame_draws_only_the_visible_part():
    text = "\n".join(f"line {i}" for i in range(MAX_TITLE_LINES))  # the most a title may hold
    rgba, (x, y) = draw_title(Title(text, font_size=64), 1280, 720)
    assert rgba.shape[0] <= 720 and rgba.shape[1] <= 1280 and y == 0 and x >= 0  # was 13,600 rows
    assert rgba[..., 3].max() == 255  # the middle lines are drawn


def test_a_clipped_title_matches_the_same_region_of_the_whole_title():
    title = Title("ONE\nTWO\nTHREE\nFOUR", font_size=40, position="top")
    whole, (wx, wy) = draw_title(title, 400, 1000)  # fits: drawn whole
    part, (px, py) = draw_title(title, 400, 150)  # the frame cuts it at the bottom
    assert (px, py) == (wx, 150 // 12)
    rows = 150 - py
    assert part.shape == (rows, whole.shape[1], 4)
    assert np.array_equal(part, whole[:rows])


def test_a_title_at_the_longest_allowed_size_renders(tmp_path):
    project, folder = _title_project(tmp_path, "\n".join("word " * 4 for _ in range(MAX_TITLE_LINES // 4)))
    assert len(project.timeline.tracks[0].clips[0].title.text) < MAX_TITLE_CHARS
    render_timeline(project, folder, tmp_path / "out.mp4", preset="draft-360p")
    assert (tmp_path / "out.mp4").stat().st_size > 0


def test_a_picture_past_the_decompression_bomb_limit_is_a_one_line_error(tmp_path, monkeypatch):
    folder = tmp_path / "p.studio"
    project = new_project(folder, 320, 180, 24)
    place_file(project, folder, project.timeline.tracks[0], still_png(tmp_path / "big.png", (9, 9, 9, 255)), 0, 12)
    save_project(project, folder)
    # PIL refuses pictures over 2 x MAX_IMAGE_PIXELS (179 megapixels by default); lower the limit so a
    # small file stands in for a huge one
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    with pytest.raises(RenderError) as err:
        render_timeline(project, folder, tmp_path / "out.mp4", preset="draft-360p")
    assert "big.png" in str(err.value) and "too large to open safely" in str(err.value)
    assert not (tmp_path / "out.mp4").exists()
