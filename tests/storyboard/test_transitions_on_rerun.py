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


def test_a_shot_with_its_own_sound_brings_it_along_crossfaded_with_the_picture(tmp_path):
    """A video engine that makes sound with the picture (LTX-2): `make` lays the sound under each shot on
    "Shot sound", over the same frames, and the storyboard's crossfade is a crossfade there too."""
    from pipelines import registry
    from pipelines.base import GenerationResult, OutputFile
    from studio.storyboard import make
    from studio.storyboard.parse import load_storyboard
    from studio.storyboard.plan import PlannedJob

    board_path = tmp_path / "board.md"
    board_path.write_text(BOARD)
    board = load_storyboard(board_path)
    folder = tmp_path / "p.studio"
    folder.mkdir()
    make._open_project(board, folder)
    results, records = {}, []
    for scene, seconds, hz in (("sea", 1.0, 330.0), ("hill", 1.5, 550.0)):  # the hill shot starts 0.5 s early
        request = registry.make_request("video", prompt=scene, duration=seconds, width=320, height=180)
        shot = registry.create("video", "test-pattern")(request, output_dir=tmp_path / scene)
        tone = registry.create("sfx", "test-tone")(
            registry.make_request("sfx", prompt=f"tone {hz:g}", duration=seconds), output_dir=tmp_path / f"{scene}-a"
        )
        shot.files.append(OutputFile(tone.primary.path, "audio"))  # as LTX-2 hands back its sound
        key = f"scene/{scene}/shot"
        results[key] = GenerationResult(shot.files, shot.provenance, shot.metrics)
        records.append(make.JobRecord(PlannedJob(key, "video", "test-pattern", request, scene)))
    report = make.MakeReport(board, folder, None, records=records, durations={"sea": 1.0, "hill": 1.0})

    project = make._assemble(board, folder, results, report)
    shots = next(t for t in project.timeline.tracks if t.name == "Shots")
    sound = next(t for t in project.timeline.tracks if t.name == "Shot sound")
    assert sound.kind == "audio"
    assert [(c.position, c.source_range) for c in sound.clips] == [(c.position, c.source_range) for c in shots.clips]
    assert (
        [(t.kind, t.duration) for t in sound.transitions]
        == [("dissolve", 12)]
        == [(t.kind, t.duration) for t in shots.transitions]
    )
