"""``studio speed``: the headless side of clip speed and reverse."""

from __future__ import annotations

from studio.cli.main import main
from studio.io import load_project
from studio.model import TimeRange
from tests.cli.test_takes import _project_with_a_generated_clip


def test_speed_retimes_a_clip_by_name_and_refuses_bad_speeds_in_one_line(tmp_path, monkeypatch, capsys):
    folder, _ = _project_with_a_generated_clip(tmp_path, monkeypatch)  # "Hum": 30 source frames at frame 24
    assert main(["speed", str(folder), "Hum", "2", "--reverse"]) == 0
    assert "plays at -2x: frames 24 to 39" in capsys.readouterr().out
    clip = load_project(folder).find_clip("hum")[2]
    assert (clip.speed, clip.reverse, clip.source_range, clip.duration) == (2.0, True, TimeRange(6, 30), 15)
    assert main(["speed", str(folder), "hum", "--forward"]) == 0
    assert not load_project(folder).find_clip("hum")[2].reverse
    capsys.readouterr()
    assert main(["speed", str(folder), "Hum", "9"]) == 1
    err = capsys.readouterr().err
    assert "speed must be between 0.25x and 4x, got 9x" in err and len(err.strip().splitlines()) == 1
    assert main(["speed", str(folder), "Hum"]) == 0
    assert "plays at 2x" in capsys.readouterr().out
