"""Takes: a clip keeps every version of its media; upgrading in place and switching take are one undoable edit
each, and keep the clip's position, trims, fades and properties."""

import copy
from fractions import Fraction

import pytest

from studio import edit
from studio.edit import EditError, UndoStack
from studio.model import Asset, Recipe, TimeRange


def _neural_version(project, seconds=10):
    project.assets["ltx"] = Asset(
        id="ltx",
        name="vid-3c9a",
        path="media/ltx.mp4",
        kind="video",
        duration_seconds=Fraction(seconds),
        width=64,
        height=48,
        frame_rate=Fraction(24),
        provenance={"engine": "ltx-video", "seed": 0, "prompt": "a lighthouse"},
    )
    return Recipe("video", "ltx-video", {"prompt": "a lighthouse", "seed": 0})


def test_upgrade_in_place_shows_the_new_media_keeps_the_clip_and_keeps_the_old_media_as_a_take(project):
    stack = UndoStack(project)
    clip = project.find_clip("a")[2]
    clip.opacity, clip.gain_db = 0.7, -3.0
    before = copy.deepcopy(clip)
    recipe = _neural_version(project)
    stack.push(edit.add_take(project, "a", "ltx", recipe))
    clip = project.find_clip("a")[2]
    assert clip.asset_id == "ltx" and clip.recipe == recipe
    assert (clip.position, clip.source_range, clip.video_fade_in, clip.opacity, clip.gain_db) == (
        before.position,
        before.source_range,
        before.video_fade_in,
        0.7,
        -3.0,
    )
    assert [(t.asset_id, t.name) for t in clip.takes] == [("vid", "shot")]
    assert stack.undo_text.startswith("New take 'ltx-video seed 0'")
    stack.undo()
    assert project.find_clip("a")[2] == before


def test_switching_take_is_one_undoable_edit_and_swaps_with_the_shown_version(project):
    stack = UndoStack(project)
    stack.push(edit.add_take(project, "a", "ltx", _neural_version(project)))
    stack.push(edit.switch_take(project, "a", 0))
    clip = project.find_clip("a")[2]
    assert clip.asset_id == "vid" and clip.recipe is None
    assert [(t.asset_id, t.name) for t in clip.takes] == [("ltx", "ltx-video seed 0")]
    stack.undo()
    assert project.find_clip("a")[2].asset_id == "ltx"
    stack.redo()
    stack.push(edit.remove_take(project, "a", 0))
    assert project.find_clip("a")[2].takes == [] and "ltx" in project.assets  # its media stays in the bin
    with pytest.raises(EditError, match="no take 1"):
        edit.switch_take(project, "a", 0)


def test_a_shorter_version_keeps_the_trim_start_where_it_can_and_never_reads_past_its_end(project):
    stack = UndoStack(project)
    recipe = _neural_version(project, seconds=3)  # 72 frames; the clip reads source [24, 72)
    stack.push(edit.add_take(project, "a", "ltx", recipe))
    assert project.find_clip("a")[2].source_range == TimeRange(24, 48)
    project.assets["ltx"].duration_seconds = Fraction(2)  # 48 frames: the same 48-frame trim must start at 0
    stack.undo()
    stack.push(edit.add_take(project, "a", "ltx", recipe))
    clip = project.find_clip("a")[2]
    assert clip.source_range == TimeRange(0, 48) and clip.position == 0


def test_a_version_not_made_yet_waits_as_a_recipe_take_and_a_placeholder_can_show_it(project):
    stack = UndoStack(project)
    recipe = Recipe("video", "draft", {"prompt": "a lighthouse", "seed": 8})
    stack.push(edit.add_take(project, "a", None, recipe, "draft seed 8", show=False))
    clip = project.find_clip("a")[2]
    assert clip.asset_id == "vid" and clip.takes[0].recipe == recipe and clip.takes[0].asset_id is None
    stack.push(edit.switch_take(project, "a", 0))
    assert project.find_clip("a")[2].asset_id is None and project.find_clip("a")[2].recipe == recipe


def test_takes_on_a_locked_track_or_with_unknown_media_are_refused(project):
    _neural_version(project)
    with pytest.raises(EditError, match="no asset with id 'nope'"):
        edit.add_take(project, "a", "nope")
    project.timeline.track("V1").locked = True
    with pytest.raises(EditError, match="locked"):
        edit.add_take(project, "a", "ltx")


def test_takes_round_trip_through_the_project_file_and_a_bad_take_is_refused(project):
    from studio.io import ProjectError, project_from_dict, project_to_dict

    UndoStack(project).push(edit.add_take(project, "a", "ltx", _neural_version(project)))
    data = project_to_dict(project)
    assert project_from_dict(data).find_clip("a")[2].takes == project.find_clip("a")[2].takes
    clip = next(c for t in data["timelines"][0]["tracks"] for c in t["clips"] if c["id"] == "a")
    clip["takes"][0]["asset"] = "missing"
    with pytest.raises(ProjectError, match=r"takes\[0\].asset: unknown asset 'missing'"):
        project_from_dict(data)
