"""Ripple delete across all unlocked tracks: the gap closes everywhere, locked tracks stay, a clip that would be
cut refuses the edit, and it is one undo step."""

from __future__ import annotations

import pytest

from studio.edit import EditError, UndoStack, add_clip, add_marker
from studio.edit.ripple import ripple_delete_across_tracks
from studio.model import Clip, TimeRange


def positions(project) -> dict[str, int]:
    return {c.id: c.position for t in project.timeline.tracks for c in t.clips}


def test_deleting_a_clip_closes_its_gap_on_every_unlocked_track(project):
    stack = UndoStack(project)
    project.timeline.tracks[2].clips.clear()  # no sound across the gap
    stack.push(add_clip(project, "A2", Clip("late", "late", 130, TimeRange(0, 10), asset_id="wav")))
    before = positions(project)
    stack.push(ripple_delete_across_tracks(project, ["b"]))  # B covers frames 48-72 on V1
    after = positions(project)
    assert "b" not in after
    assert after["c"] == before["c"] - 24  # same track
    assert after["late"] == before["late"] - 24  # another track follows
    assert after["a"] == before["a"]
    assert stack.undo_text.endswith("across tracks")
    stack.undo()
    assert positions(project) == before


def test_a_clip_lying_across_the_gap_refuses_the_edit(project):
    # the sound S on A1 covers frames 10-106, across B's 48-72: closing the gap would cut it
    with pytest.raises(EditError, match=r"clip 'S' on track 'A1' lies across the gap \(frames 48 to 72\)"):
        ripple_delete_across_tracks(project, ["b"])


def test_a_locked_track_keeps_its_clips_where_they_are(project):
    stack = UndoStack(project)
    project.timeline.tracks[2].locked = True  # A1, whose S lies across the gap
    stack.push(add_clip(project, "A2", Clip("late", "late", 130, TimeRange(0, 10), asset_id="wav")))
    stack.push(ripple_delete_across_tracks(project, ["b"]))
    after = positions(project)
    assert after["s"] == 10 and after["late"] == 106


def test_several_clips_close_each_gap_by_its_own_length(project):
    stack = UndoStack(project)
    project.timeline.tracks[2].clips.clear()  # no sound across the gaps
    stack.push(add_clip(project, "A2", Clip("mid", "mid", 80, TimeRange(0, 10), asset_id="wav")))
    stack.push(add_clip(project, "A2", Clip("end", "end", 130, TimeRange(0, 10), asset_id="wav")))
    stack.push(ripple_delete_across_tracks(project, ["b", "c"]))  # 48-72 and 100-120
    after = positions(project)
    assert after["mid"] == 80 - 24
    assert after["end"] == 130 - 24 - 20
    stack.undo()
    assert positions(project)["end"] == 130 and positions(project)["c"] == 100


def test_markers_close_up_with_the_cut_and_undo_puts_them_back(project):
    stack = UndoStack(project)
    project.timeline.tracks[2].clips.clear()  # no sound across the gap
    for frame, name in ((30, "before"), (60, "inside"), (90, "after")):
        stack.push(add_marker(project, frame, name))
    stack.push(ripple_delete_across_tracks(project, ["b"]))  # B covers frames 48-72
    assert {m.name: m.frame for m in project.timeline.markers} == {"before": 30, "inside": 48, "after": 66}
    stack.undo()
    assert {m.name: m.frame for m in project.timeline.markers} == {"before": 30, "inside": 60, "after": 90}
