"""Storyboard problems found when it is read, naming the line: pictures outside the storyboard's folder
(unless --allow-outside), and transitions or music that cannot fit the scenes, which used to fail only
after every job had run."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from studio.storyboard import plan
from studio.storyboard.parse import StoryboardError, load_storyboard, parse_storyboard

ROOT = Path(__file__).resolve().parents[2]


def _error(text: str, path="board.md", **kw) -> str:
    with pytest.raises(StoryboardError) as err:
        parse_storyboard(text, path, **kw)
    assert "\n" not in str(err.value)
    return str(err.value)


@pytest.fixture
def board_dir(tmp_path) -> Path:
    folder = tmp_path / "boards" / "film"
    folder.mkdir(parents=True)
    Image.new("RGB", (32, 24), (200, 30, 30)).save(folder / "inside.png")
    Image.new("RGB", (32, 24), (30, 30, 200)).save(tmp_path / "outside.png")
    (folder / "link.png").symlink_to(tmp_path / "outside.png")
    return folder


@pytest.mark.parametrize(
    "field, rel",
    [
        ("Image", "../../outside.png"),
        ("Object", "../../outside.png"),
        ("Image", "link.png"),  # a symlink that leads out of the folder
        ("Image", "/etc/shadow"),
    ],
)
def test_a_picture_outside_the_storyboards_folder_is_refused_naming_the_line(board_dir, field, rel):
    text = f"## Scene: A\nDuration: 2s\nShot: x\n{field}: {rel}\n"
    (board_dir / "board.md").write_text(text)
    with pytest.raises(StoryboardError) as err:
        load_storyboard(board_dir / "board.md")
    assert str(err.value).startswith("board.md:4: ") and "outside the storyboard's folder" in str(err.value)
    assert "--allow-outside" in str(err.value)


def test_allow_outside_lets_a_picture_outside_the_folder_be_used(board_dir):
    (board_dir / "board.md").write_text("## Scene: A\nDuration: 2s\nImage: ../../outside.png\n")
    board = load_storyboard(board_dir / "board.md", allow_outside=True)
    job = plan.media_jobs(board, {"a": 2.0})[0]
    assert Path(job.request.image) == (board_dir.parent.parent / "outside.png").resolve()


def test_a_picture_inside_the_folder_is_used(board_dir):
    (board_dir / "board.md").write_text("## Scene: A\nDuration: 2s\nImage: inside.png\n")
    job = plan.media_jobs(load_storyboard(board_dir / "board.md"), {"a": 2.0})[0]
    assert Path(job.request.image) == (board_dir / "inside.png").resolve()


def test_studio_make_refuses_an_image_outside_and_reads_nothing(board_dir, tmp_path):
    (board_dir / "board.md").write_text("## Scene: A\nDuration: 2s\nImage: ../../../../../../../etc/shadow\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "studio.cli.main",
            "make",
            str(board_dir / "board.md"),
            "-o",
            str(tmp_path / "film.mp4"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert out.returncode == 1
    assert out.stderr.strip().splitlines()[-1].startswith("studio: error: board.md:3: '../../../")
    assert not (tmp_path / "film.studio").exists()


def test_studio_make_has_an_allow_outside_flag():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-m", "studio.cli.main", "make", "--help"], capture_output=True, text=True, env=env, timeout=60
    )
    assert "--allow-outside" in out.stdout


@pytest.mark.parametrize(
    "text, line, words",
    [
        # music fades in 0.5 s and out 1.5 s: a film under 2 s failed after every job had run
        ("## Music\nPrompt: pads\n## Scene: A\nDuration: 1s\nShot: x\n", 1, "music needs a film of at least 2 s"),
        (
            "## Scene: A\nDuration: 1s\nShot: x\nTransition: fade to black 3s\n## Scene: B\nDuration: 1s\nShot: y\n",
            4,
            "the 3 s fade to black is longer than scene 1 (1 s)",
        ),
        (
            "## Scene: A\nDuration: 4s\nShot: x\nTransition: fade to black 1.5s\n## Scene: B\nDuration: 2s\nShot: y\n"
            "Transition: fade to black 1s\n",
            8,
            "plus the 1.5 s fade in from the scene before",
        ),
        (
            "## Scene: A\nDuration: 4s\nShot: x\nTransition: fade to black 3s\n## Scene: B\nDuration: 2s\nShot: y\n",
            4,
            "fades in scene 2, which is shorter (2 s)",
        ),
        (
            "## Scene: A\nDuration: 1s\nShot: x\nTransition: crossfade 3s\n## Scene: B\nDuration: 4s\nShot: y\n",
            4,
            "the 3 s crossfade is longer than scene 1 before it (1 s)",
        ),
    ],
)
def test_transitions_and_music_that_cannot_fit_fail_at_parse_time_naming_the_line(text, line, words):
    message = _error(text)
    assert message.startswith(f"board.md:{line}: ") and words in message


def test_transitions_that_fit_exactly_are_accepted():
    parse_storyboard(
        "## Music\nPrompt: pads\n## Scene: A\nDuration: 2s\nShot: x\nTransition: crossfade 2s\n"
        "## Scene: B\nDuration: 2s\nShot: y\nTransition: fade to black 2s\n",
        "ok.md",
    )


def test_a_fade_too_long_for_a_narrated_scene_fails_once_the_narration_sets_its_length():
    board = parse_storyboard(
        "## Scene: A\nShot: x\nNarration: Hello there.\nTransition: fade to black 3s\n", "n.md"
    )  # its length is unknown until the narration is spoken
    assert plan.scene_durations(board, {})["a"] == 1.0  # a guess for planning: no error
    with pytest.raises(StoryboardError, match=r"^n.md:4: the 3 s fade to black is longer than scene 1 \(2.3 s\)"):
        plan.scene_durations(board, {"a": 1.5})
    assert plan.scene_durations(board, {"a": 2.5})["a"] == 3.3


def test_a_storyboard_that_is_a_fifo_is_refused_at_once(tmp_path):
    os.mkfifo(tmp_path / "board.md")
    with pytest.raises(StoryboardError, match="not a regular file"):
        load_storyboard(tmp_path / "board.md")
