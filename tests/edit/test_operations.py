"""Each edit operation does what an editor expects, refuses bad edits, and never mutates on its own."""

import copy

import pytest

from studio import edit
from studio.edit import EditError, UndoStack
from studio.model import Clip, TimeRange, Title


def _layout(project, track_id):
    return [(c.id, c.position, c.source_range.start, c.duration) for c in project.find_track(track_id)[1].clips]


def _title(cid, dur, text="Hi"):
    return Clip(id=cid, name=cid, position=0, source_range=TimeRange(0, dur), title=Title(text))


def test_operations_return_edits_without_changing_the_project(project):
    before = copy.deepcopy(project)
    edit.insert(project, "V1", _title("t", 10), at=20)
    edit.ripple_delete(project, "a")
    assert project == before


def test_insert_splits_the_clip_under_the_frame_and_pushes_later_clips_right(project):
    stack = UndoStack(project)
    stack.push(edit.insert(project, "V1", _title("t", 10), at=20))
    layout = _layout(project, "V1")
    assert layout[0] == ("a", 0, 24, 20)
    assert layout[1] == ("t", 20, 0, 10)
    assert layout[2][1:] == (30, 44, 28)  # the right half of A continues its source
    assert [row[:2] for row in layout[3:]] == [("b", 58), ("c", 110)]
    a, right = project.find_clip("a")[2], project.find_clip(layout[2][0])[2]
    assert (a.video_fade_in, a.video_fade_out, right.video_fade_in) == (6, 0, 0)


def test_overwrite_trims_splits_and_removes_what_lies_under_the_new_clip(project):
    stack = UndoStack(project)
    stack.push(edit.overwrite(project, "V1", _title("t", 40), at=40))
    layout = _layout(project, "V1")
    assert layout[0] == ("a", 0, 24, 40)
    assert layout[1] == ("t", 40, 0, 40)
    assert ("b" not in [row[0] for row in layout]) and layout[2][:2] == ("c", 100)
    stack.push(edit.overwrite(project, "V1", _title("u", 4), at=105))
    layout = _layout(project, "V1")
    assert layout[-3:][0] == ("c", 100, 0, 5) and layout[-2][:2] == ("u", 105) and layout[-1][1:] == (109, 9, 11)


def test_move_refuses_overlaps_and_moves_between_tracks_of_the_same_kind(project):
    with pytest.raises(EditError, match="overlaps"):
        edit.move(project, "b", 40)
    with pytest.raises(EditError, match="from a video track to a audio track"):
        edit.move(project, "b", 0, track_id="A2")
    UndoStack(project).push(edit.move(project, "b", 5, track_id="V2"))
    assert _layout(project, "V2") == [("b", 5, 0, 24)]


def test_trims_move_one_edge_and_refuse_to_pass_the_source(project):
    stack = UndoStack(project)
    stack.push(edit.trim_head(project, "a", 10))
    assert _layout(project, "V1")[0] == ("a", 10, 34, 38)
    stack.push(edit.trim_head(project, "a", 0))
    with pytest.raises(EditError, match="only 0 frames of source before"):
        edit.trim_head(project, "s", 5)
    with pytest.raises(EditError, match="only 24 more frames"):
        edit.trim_tail(project, "s", 131)
    stack.push(edit.trim_tail(project, "s", 130))
    assert _layout(project, "A1") == [("s", 10, 0, 120)]
    with pytest.raises(EditError, match="overlaps"):
        edit.trim_tail(project, "a", 60)


def test_trimming_shorter_than_the_fades_shortens_the_fades(project):
    UndoStack(project).push(edit.trim_tail(project, "s", 25))
    s = project.find_clip("s")[2]
    assert (s.duration, s.audio_fade_in, s.audio_fade_out) == (15, 12, 3)


def test_split_at_playhead_cuts_every_unlocked_track(project):
    stack = UndoStack(project)
    stack.push(edit.set_property(project, "A1", "locked", True))
    stack.push(edit.split_at_playhead(project, 30))
    assert len(_layout(project, "V1")) == 4 and len(_layout(project, "A1")) == 1
    with pytest.raises(EditError, match="no clip under the playhead"):
        edit.split_at_playhead(project, 80)


def test_locked_tracks_refuse_clip_edits_but_can_be_unlocked(project):
    stack = UndoStack(project)
    stack.push(edit.set_property(project, "V1", "locked", True))
    with pytest.raises(EditError, match="track 'V1' is locked"):
        edit.ripple_delete(project, "a")
    with pytest.raises(EditError, match="locked"):
        edit.set_property(project, "a", "opacity", 0.5)
    stack.push(edit.set_property(project, "V1", "locked", False))
    stack.push(edit.ripple_delete(project, "a"))
    assert [row[:2] for row in _layout(project, "V1")] == [("b", 0), ("c", 52)]


def test_slip_changes_the_source_but_not_the_place(project):
    UndoStack(project).push(edit.slip(project, "a", -24))
    assert _layout(project, "V1")[0] == ("a", 0, 0, 48)
    with pytest.raises(EditError, match="only 0 frames of source before"):
        edit.slip(project, "a", -1)
    with pytest.raises(EditError, match="only 192 frames of source after"):
        edit.slip(project, "a", 193)


def test_set_property_validates_values(project):
    with pytest.raises(EditError, match="pan must be between -1 and 1"):
        edit.set_property(project, "s", "pan", 3)
    with pytest.raises(EditError, match="not a clip property"):
        edit.set_property(project, "s", "position", 3)
    with pytest.raises(EditError, match="fades"):
        edit.set_property(project, "s", "audio_fade_in", 90)
    with pytest.raises(EditError, match="has no sound"):
        edit.set_property(project, "s", "asset_id", "png")
    stack = UndoStack(project)
    stack.push(edit.set_property(project, "a", "transform", {"x": 0.1, "y": 0.0, "scale": 2.0}))
    assert project.find_clip("a")[2].transform.scale == 2.0


def test_clips_are_refused_on_tracks_that_cannot_play_them(project):
    song = Clip(id="x", name="x", position=200, source_range=TimeRange(0, 10), asset_id="wav")
    with pytest.raises(EditError, match="is audio; put it on an audio track"):
        edit.add_clip(project, "V2", song)
    with pytest.raises(EditError, match="titles belong on video tracks"):
        edit.add_clip(project, "A2", _title("t", 5))
    with pytest.raises(EditError, match="already in the project"):
        edit.add_clip(project, "V2", _title("a", 5))


def test_markers_and_tracks_are_added_and_removed(project):
    stack = UndoStack(project)
    stack.push(edit.add_marker(project, 12, "beat", marker_id="m1"))
    stack.push(edit.add_track(project, "audio"))
    assert project.timeline.tracks[-1].name == "A3"
    with pytest.raises(EditError, match="colour"):
        edit.add_marker(project, 3, color="red")
    stack.push(edit.remove_track(project, "V1"))
    stack.push(edit.remove_marker(project, "m1"))
    assert not project.timeline.markers and len(project.timeline.tracks) == 4


def test_transaction_is_one_undo_step_and_rolls_back_on_error(project):
    before = copy.deepcopy(project)
    stack = UndoStack(project)
    events = []
    stack.observers.append(lambda s, e: events.append(e))
    with stack.transaction("Assemble"):
        stack.push(edit.insert(project, "V1", _title("t", 10), at=0))
        stack.push(edit.set_property(project, "t", "opacity", 0.5))
    assert stack.undo_text == "Assemble" and events == ["push"]
    stack.undo()
    assert project == before and events[-1] == "undo"
    with pytest.raises(EditError), stack.transaction("Broken"):
        stack.push(edit.ripple_delete(project, "a"))
        stack.push(edit.move(project, "b", 50))  # C now starts at 52
    assert project == before and stack.can_redo


def test_clean_state_follows_undo_and_redo(project):
    stack = UndoStack(project)
    stack.push(edit.slip(project, "a", 1))
    stack.mark_clean()
    stack.push(edit.slip(project, "a", 1))
    assert not stack.is_clean
    stack.undo()
    assert stack.is_clean
    stack.undo()
    stack.push(edit.slip(project, "a", 2))
    assert not stack.is_clean


def test_a_stale_edit_is_refused_whole_and_leaves_the_project_as_it_was(project):
    stale = edit.ripple_delete(project, "b")  # removes B and shifts C
    UndoStack(project).push(edit.remove_clip(project, "c"))
    before = copy.deepcopy(project)
    with pytest.raises(EditError, match="no longer matches"):
        stale.apply(project)
    assert project == before


def test_a_marker_id_already_used_is_refused(project):
    """Found by the undo round-trip property test: two markers with one id made undo remove the wrong one."""
    UndoStack(project).push(edit.add_marker(project, 1, "x", marker_id="m0"))
    with pytest.raises(EditError, match="already in this project"):
        edit.add_marker(project, 0, "y", marker_id="m0")
