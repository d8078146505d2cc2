"""Transitions at cuts: added, changed and deleted as undo steps, shortened to fit, and kept valid by clip edits."""

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studio import edit
from studio.edit import EditError, UndoStack
from studio.edit.transitions import handle_notes
from studio.model import Clip, TimeRange, Title


def _transitions(project, track_id="V1"):
    return [(t.kind, t.duration, t.from_clip, t.to_clip) for t in project.find_track(track_id)[1].transitions]


def test_a_transition_is_added_at_the_cut_and_undone_in_one_step(project):
    before = copy.deepcopy(project)
    stack = UndoStack(project)
    step = stack.push(edit.add_transition(project, "a", "dissolve", 12))
    assert _transitions(project) == [("dissolve", 12, "a", "b")]
    assert step.text == "Add dissolve between 'A' and 'B'"
    stack.undo()
    assert project == before
    stack.redo()
    assert _transitions(project) == [("dissolve", 12, "a", "b")]


def test_the_default_duration_is_one_second(project):
    edit.add_transition(project, "a").apply(project)
    assert _transitions(project) == [("dissolve", 24, "a", "b")]


def test_a_clip_with_no_clip_after_it_is_not_at_a_cut(project):
    with pytest.raises(EditError, match="not at a cut: no clip starts where it ends"):
        edit.add_transition(project, "b")


def test_a_transition_longer_than_its_clips_is_shortened_and_says_so(project):
    step = edit.add_transition(project, "a", "wipe", 500)
    step.apply(project)
    # B is 24 frames: half the transition after the cut fits in it, so 48 frames at most
    assert _transitions(project) == [("wipe", 48, "a", "b")]
    assert "shortened to 48 frames" in step.text


def test_audio_tracks_only_crossfade(project):
    project.find_track("A1")[1].clips.append(
        Clip(id="s2", name="S2", position=106, source_range=TimeRange(0, 24), asset_id="wav")
    )
    with pytest.raises(EditError, match="an audio track only crossfades"):
        edit.add_transition(project, "s", "wipe", 12)
    step = edit.add_transition(project, "s", "dissolve", 12)
    assert step.text.startswith("Add crossfade between 'S' and 'S2'")


def test_changing_kind_and_duration_and_deleting_are_undoable(project):
    stack = UndoStack(project)
    stack.push(edit.add_transition(project, "a", "dissolve", 12))
    tid = project.timeline.track("V1").transitions[0].id
    stack.push(edit.set_transition(project, tid, kind="dip_to_black"))
    stack.push(edit.set_transition(project, tid, duration=20))
    assert _transitions(project) == [("dip_to_black", 20, "a", "b")]
    stack.push(edit.remove_transition(project, tid))
    assert _transitions(project) == []
    stack.undo()
    stack.undo()
    assert _transitions(project) == [("dip_to_black", 12, "a", "b")]
    with pytest.raises(EditError, match="lasts at least 1 frame"):
        edit.set_transition(project, tid, duration=0)


def test_a_locked_track_refuses_transitions(project):
    project.timeline.track("V1").locked = True
    with pytest.raises(EditError, match="locked"):
        edit.add_transition(project, "a")


def test_moving_a_clip_away_from_the_cut_drops_its_transition_and_undo_brings_it_back(project):
    stack = UndoStack(project)
    stack.push(edit.add_transition(project, "a", "dissolve", 12))
    stack.push(edit.move(project, "b", 60))
    assert _transitions(project) == []
    stack.undo()
    assert _transitions(project) == [("dissolve", 12, "a", "b")]


def test_splitting_the_outgoing_clip_keeps_the_transition_at_its_cut(project):
    stack = UndoStack(project)
    stack.push(edit.add_transition(project, "a", "dissolve", 12))
    stack.push(edit.split(project, "a", 30))
    right = next(c for c in project.timeline.track("V1").clips if c.position == 30)
    assert _transitions(project) == [("dissolve", 12, right.id, "b")]
    stack.undo()
    assert _transitions(project) == [("dissolve", 12, "a", "b")]


def test_trimming_a_clip_shorter_shortens_its_transition(project):
    stack = UndoStack(project)
    stack.push(edit.add_transition(project, "a", "dissolve", 40))
    stack.push(edit.trim_tail(project, "b", 56))  # B is now 8 frames: 16 at most fit
    assert _transitions(project) == [("dissolve", 16, "a", "b")]
    stack.undo()
    assert _transitions(project) == [("dissolve", 40, "a", "b")]


def test_deleting_a_clip_deletes_its_transitions(project):
    stack = UndoStack(project)
    stack.push(edit.add_transition(project, "a", "dissolve", 12))
    stack.push(edit.remove_clip(project, "b"))
    assert _transitions(project) == []


def test_two_transitions_on_one_clip_share_its_length(project):
    track = project.timeline.track("V1")
    track.clips.append(Clip(id="d", name="D", position=72, source_range=TimeRange(0, 20), title=Title("Hi")))
    edit.add_transition(project, "a", "dissolve", 24).apply(project)  # 12 frames of B after the cut
    step = edit.add_transition(project, "b", "dissolve", 40)  # B has 12 left before its next cut
    assert "shortened to 25 frames" in step.text


def test_a_source_with_too_little_media_past_its_trim_is_named(project):
    edit.add_transition(project, "a", "dissolve", 12).apply(project)
    track = project.timeline.track("V1")
    assert handle_notes(project, track, track.transitions[0]) == []  # A has 168 frames after, B is a still
    a = track.clip("a")
    a.source_range = TimeRange(240 - 48, 48)  # now A's trim ends at its source's end
    assert handle_notes(project, track, track.transitions[0]) == [
        "clip 'A' has 0 of 6 frames after its end; the dissolve holds its last frame for the rest"
    ]


def test_a_dip_to_black_needs_no_media_past_the_trims_when_its_halves_meet_at_the_cut(project):
    edit.add_transition(project, "a", "dip_to_black", 12).apply(project)
    track = project.timeline.track("V1")
    a = track.clip("a")
    a.source_range = TimeRange(240 - 48, 48)  # A's trim ends at its source's end: a dissolve would hold a frame
    assert handle_notes(project, track, track.transitions[0]) == []  # A darkens before the cut, B rises after it
    track.transitions[0].duration = 13  # an odd length shows A on the cut frame itself: one frame past its end
    assert handle_notes(project, track, track.transitions[0]) == [
        "clip 'A' has 0 of 1 frames after its end; the dip to black holds its last frame for the rest"
    ]


def test_a_crossfade_into_a_clip_with_no_media_before_it_plays_silence_and_says_so(project):
    project.find_track("A1")[1].clips.append(
        Clip(id="s2", name="S2", position=106, source_range=TimeRange(0, 24), asset_id="wav")
    )
    edit.add_transition(project, "s", "dissolve", 12).apply(project)
    track = project.find_track("A1")[1]
    assert handle_notes(project, track, track.transitions[0]) == [
        "clip 'S2' has 0 of 6 frames before its start; the crossfade plays silence for the rest"
    ]


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_any_clip_edits_leave_every_transition_valid_and_undo_restores_them(data):
    from studio.model import Project, Timeline, Track
    from studio.model.checks import transitions_problem

    lengths = data.draw(st.lists(st.integers(2, 30), min_size=2, max_size=6))
    clips, at = [], 0
    for i, length in enumerate(lengths):
        clips.append(Clip(id=f"c{i}", name=f"c{i}", position=at, source_range=TimeRange(0, length), title=Title("x")))
        at += length
    track = Track(id="V", kind="video", name="V", clips=clips)
    project = Project("P", [Timeline(id="tl", name="Main", tracks=[track])])
    stack = UndoStack(project)
    for clip in clips[:-1]:
        if data.draw(st.booleans()):
            kind = data.draw(st.sampled_from(["dissolve", "dip_to_black", "wipe"]))
            stack.push(edit.add_transition(project, clip.id, kind, data.draw(st.integers(1, 40))))
    before, pushed = copy.deepcopy(project), 0
    for _ in range(data.draw(st.integers(1, 6))):
        if not track.clips:
            break
        ids = [c.id for c in track.clips]
        clip_id = data.draw(st.sampled_from(ids))
        frame = data.draw(st.integers(0, track.end + 5))
        make = data.draw(st.sampled_from([edit.move, edit.trim_head, edit.trim_tail, edit.split]))
        try:
            stack.push(make(project, clip_id, frame))
            pushed += 1
        except EditError:
            pass
        if data.draw(st.integers(0, 4)) == 0 and track.clips:
            remove = data.draw(st.sampled_from([edit.remove_clip, edit.ripple_delete]))
            stack.push(remove(project, track.clips[0].id))
            pushed += 1
        assert transitions_problem(track) is None, track.transitions
        assert all(t.from_clip in {c.id for c in track.clips} for t in track.transitions)
    for _ in range(pushed):
        stack.undo()
    assert project == before
