"""Re-running `studio make` over a project whose crossfades were laid out the old way (two overlapping tracks), or
whose shots the creator trimmed apart: the storyboard's transitions become objects, or are reported as not added."""

from __future__ import annotations

import json

from studio.io import load_project, save_project
from studio.storyboard.lock import LOCK_NAME
from studio.storyboard.make import make_film

BOARD = """# Two shots
Size: 320x180
FPS: 24

## Scene: Sea
Duration: 1s
Shot: waves on a beach
Transition: crossfade 0.5s

## Scene: Hill
Duration: 1s
Shot: a windmill on a hill
"""


def shots_track(project):
    return next(t for t in project.timeline.tracks if t.name == "Shots")


def test_a_project_laid_out_on_shots_a_and_b_moves_to_one_track_with_a_dissolve_without_regenerating(tmp_path):
    board = tmp_path / "board.md"
    board.write_text(BOARD)
    first = make_film(board, None, project_dir=tmp_path / "p.studio")
    project = load_project(first.project_dir)
    sea, hill = shots_track(project).clips
    # the layout of projects made before transitions were objects: overlapping shots on two tracks, old lock hashes
    shots = shots_track(project)
    shots.name, shots.clips, shots.transitions = "Shots A", [sea], []
    hill.position, hill.source_range = sea.position + 12, type(hill.source_range)(0, hill.source_range.duration + 6)
    from studio.model import Track

    project.timeline.tracks.insert(1, Track("old_b", "video", "Shots B", clips=[hill]))
    save_project(project, first.project_dir)
    lock = json.loads((first.project_dir / LOCK_NAME).read_text())
    lock["entries"] = {
        k: {**v, "request_hash": v["request_hash"].split(":shots.2:")[0]}
        for k, v in lock["entries"].items()
        if not k.endswith("/transition")
    }
    (first.project_dir / LOCK_NAME).write_text(json.dumps(lock))

    again = make_film(board, None, project_dir=first.project_dir)
    assert again.ran == []  # the shots come from the cache: only their layout changed
    project = load_project(first.project_dir)
    names = [t.name for t in project.timeline.tracks]
    assert "Shots" in names and not {"Shots A", "Shots B"} & set(names)
    (dissolve,) = shots_track(project).transitions
    assert dissolve.kind == "dissolve" and dissolve.duration == 12


def test_a_crossfade_between_shots_the_creator_moved_apart_is_reported_not_forced(tmp_path):
    board = tmp_path / "board.md"
    board.write_text(BOARD)
    first = make_film(board, None, project_dir=tmp_path / "p.studio")
    project = load_project(first.project_dir)
    sea = shots_track(project).clips[0]
    sea.source_range = type(sea.source_range)(sea.source_range.start, sea.source_range.duration - 4)  # a GUI trim
    shots_track(project).transitions = []
    save_project(project, first.project_dir)
    board.write_text(BOARD.replace("a windmill", "a lighthouse"))  # a new second shot, so a new crossfade into it

    again = make_film(board, None, project_dir=first.project_dir)
    project = load_project(first.project_dir)
    assert shots_track(project).clips[0].id == sea.id  # the creator's trim is kept
    assert shots_track(project).transitions == []
    assert any("crossfade after scene 1 was not added" in w and "no longer meet" in w for w in again.warnings)
