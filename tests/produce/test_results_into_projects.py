"""A result's every file reaches the project, clips go in as undoable edits, and -o writes the sidecars."""

from __future__ import annotations

import json

import numpy as np
import pytest
import soundfile

from pipelines.base import GenerationResult, OutputFile
from studio.edit import UndoStack
from studio.io import create_project
from studio.produce import attach_media, copy_outputs, import_result, place_recipe, place_result
from tests.render.helpers import colour_video


def _wav(path, seconds=1.0):
    soundfile.write(path, np.zeros(int(48_000 * seconds)), 48_000)
    return path


@pytest.fixture
def song_result(tmp_path):
    out = tmp_path / "job"
    out.mkdir()
    files = [
        OutputFile(_wav(out / "song.wav", 2.0), "audio"),
        OutputFile(_wav(out / "vocals.wav", 2.0), "stem:vocals"),
        OutputFile(out / "song.mid", "midi"),
        OutputFile(out / "song.lrc", "lyrics.lrc"),
    ]
    (out / "song.mid").write_bytes(b"MThd\x00\x00\x00\x06\x00\x01\x00\x01\x01\xe0")
    (out / "song.lrc").write_text("[00:00.00] la la\n")
    return GenerationResult(files, {"engine": "draft", "prompt": "folk"})


def test_every_sidecar_of_a_result_becomes_a_related_asset_with_provenance(tmp_path, song_result):
    folder = tmp_path / "P.studio"
    project = create_project(folder)
    asset = import_result(folder, project, song_result)
    assert asset.kind == "audio" and set(asset.related) == {"stem:vocals", "midi", "lyrics.lrc"}
    vocals, midi = project.assets[asset.related["stem:vocals"]], project.assets[asset.related["midi"]]
    assert vocals.kind == "audio" and midi.kind == "other" and (folder / midi.path).read_bytes().startswith(b"MThd")
    assert json.loads((folder / (vocals.path + ".json")).read_text())["engine"] == "draft"
    assert import_result(folder, project, song_result).id == asset.id  # content-addressed: importing twice reuses


def test_a_folder_of_orbit_views_is_imported_whole_and_not_reported_missing(tmp_path):
    from studio.io import missing_media

    job = tmp_path / "job"
    (job / "views" / "train").mkdir(parents=True)
    (job / "views" / "transforms.json").write_text('{"camera_angle_x": 0.69, "frames": []}')
    (job / "views" / "train" / "000.png").write_bytes(b"\x89PNG")
    colour_video(job / "turntable.mp4", seconds=1.0)
    result = GenerationResult(
        [OutputFile(job / "turntable.mp4", "video"), OutputFile(job / "views", "views")], {"engine": "draft"}
    )
    folder = tmp_path / "P.studio"
    project = create_project(folder)
    asset = import_result(folder, project, result)
    views = project.assets[asset.related["views"]]
    assert (folder / views.path / "transforms.json").is_file() and (folder / views.path / "train" / "000.png").is_file()
    assert missing_media(project, folder) == []


def test_a_recipe_placeholder_and_its_media_are_two_undoable_steps(tmp_path, song_result):
    folder = tmp_path / "P.studio"
    project = create_project(folder)
    stack = UndoStack(project)
    made, clip_id = place_recipe(project, "song", "draft", {"prompt": "folk", "duration": 8.0}, 24)
    stack.push(made)
    (_, track, clip) = project.find_clip(clip_id)
    assert track.kind == "audio" and clip.recipe.kind == "song" and clip.duration == 8 * 24
    asset = import_result(folder, project, song_result)
    stack.push(attach_media(project, clip_id, asset))
    assert clip.asset_id == asset.id and clip.duration == 2 * 24  # shortened to the 2 s the engine made
    stack.undo()
    assert project.find_clip(clip_id)[2].asset_id is None and project.find_clip(clip_id)[2].duration == 8 * 24


def test_a_video_with_its_own_sound_is_placed_with_a_linked_audio_clip_in_one_step(tmp_path):
    job = tmp_path / "job"
    job.mkdir()
    colour_video(job / "shot.mp4", seconds=2.0)
    result = GenerationResult(
        [OutputFile(job / "shot.mp4", "video"), OutputFile(_wav(job / "sound.wav", 2.0), "audio")], {"engine": "ltx2"}
    )
    folder = tmp_path / "P.studio"
    project = create_project(folder)
    stack = UndoStack(project)
    asset = import_result(folder, project, result)
    stack.push(place_result(project, asset, position=12))
    clips = {t.kind: t.clips for t in project.timeline.tracks}
    (video,), (sound,) = clips["video"], clips["audio"]
    assert video.position == sound.position == 12 and video.duration == sound.duration == 48
    assert sound.asset_id == asset.related["audio"]
    stack.undo()
    assert all(not t.clips for t in project.timeline.tracks)


def test_output_writes_each_sidecar_beside_the_primary_file(tmp_path, song_result):
    written = copy_outputs(song_result, tmp_path / "out" / "mysong.wav")
    assert [p.name for p in written] == ["mysong.wav", "mysong-stem-vocals.wav", "mysong.mid", "mysong.lrc"]
    assert all(p.is_file() for p in written)
