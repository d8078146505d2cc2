"""Clip speed and reverse: the length follows the speed, trims and splits cut at the right source frames,
set_speed keeps the start, refuses to grow over the next clip unless rippling, and undoes in one step."""

import copy
import math

import pytest

from studio import edit
from studio.edit import EditError, UndoStack
from studio.model import Clip, TimeRange
from studio.model.checks import clip_problem


def _clip(project, clip_id):
    return project.find_clip(clip_id)[2]


def _retime(project, clip_id, speed, reverse=False):
    UndoStack(project).push(edit.set_speed(project, clip_id, speed, reverse=reverse, ripple=True))
    return _clip(project, clip_id)


def test_speed_sets_the_length_from_the_source_length_and_keeps_the_start(project):
    a = _clip(project, "a")  # 48 source frames from frame 24, at frame 0
    stack = UndoStack(project)
    stack.push(edit.set_speed(project, "a", 2.0, ripple=True))
    assert (a.position, a.source_range, a.duration) == (0, TimeRange(24, 48), 24)
    assert _clip(project, "b").position == 24  # rippled left by the 24 frames it lost
    stack.undo()
    assert (a.duration, a.speed, _clip(project, "b").position) == (48, 1.0, 48)


def test_a_2x_clip_shows_every_second_source_frame_and_a_half_speed_clip_each_twice():
    fast = Clip("f", "f", 0, TimeRange(10, 40), asset_id="x", speed=2.0)
    slow = Clip("s", "s", 0, TimeRange(10, 40), asset_id="x", speed=0.5)
    back = Clip("r", "r", 0, TimeRange(10, 40), asset_id="x", reverse=True)
    assert [fast.source_frame_at(k) for k in range(4)] == [10, 12, 14, 16]
    assert [slow.source_frame_at(k) for k in range(4)] == [10, 10, 11, 11]
    assert [back.source_frame_at(k) for k in (0, 1, 39)] == [49, 48, 10]
    assert (fast.duration, slow.duration, back.duration) == (20, 80, 40)


def test_growing_over_the_next_clip_is_refused_without_ripple(project):
    with pytest.raises(EditError, match=r"over 'B' \(starts at frame 48\).*ripple"):
        edit.set_speed(project, "a", 0.5)
    stack = UndoStack(project)
    stack.push(edit.set_speed(project, "a", 0.5, ripple=True))
    assert (_clip(project, "a").end, _clip(project, "b").position, _clip(project, "c").position) == (96, 96, 148)


@pytest.mark.parametrize("bad", [0.2, 4.5, math.nan, math.inf, "2", True])
def test_speeds_outside_a_quarter_to_four_are_refused_in_one_line(project, bad):
    with pytest.raises(EditError) as err:
        edit.set_speed(project, "a", bad)
    assert "\n" not in str(err.value) and "speed must be" in str(err.value)


def test_the_checks_refuse_bad_speeds_and_clips_shorter_than_a_frame(project):
    clip = copy.deepcopy(_clip(project, "a"))
    for value, words in ((math.nan, "must be a number"), (8.0, "between 0.25x and 4x"), (0.1, "between")):
        clip.speed = value
        field, message = clip_problem(clip, "video", project.assets, 24)
        assert field == "speed" and words in message
    clip.speed, clip.source_range = 4.0, TimeRange(24, 1)
    assert "last under one frame" in clip_problem(clip, "video", project.assets, 24)[1]


@pytest.mark.parametrize("speed,reverse", [(2.0, False), (0.5, False), (1.0, True), (2.0, True), (1.5, False)])
def test_split_cuts_at_the_source_frame_shown_there_and_the_pieces_meet(project, speed, reverse):
    clip = _retime(project, "a", speed, reverse)
    before = copy.deepcopy(project)
    at = 10
    shown = [clip.source_frame_at(k) for k in range(clip.duration)]
    end = clip.end
    stack = UndoStack(project)
    stack.push(edit.split(project, "a", at))
    left = _clip(project, "a")
    right = next(c for c in project.find_track("V1")[1].clips if c.position == left.end)
    assert left.end == right.position and right.end == end  # the pieces meet and the clip's end stays
    assert left.position == 0 and abs(left.end - at) <= math.ceil(1 / speed) // 2
    pieces = [left.source_frame_at(k) for k in range(left.duration)]
    pieces += [right.source_frame_at(k) for k in range(right.duration)]
    assert pieces[:2] == shown[:2] and pieces[-1] == shown[-1]
    assert sorted({*left_range(left), *left_range(right)}) == list(range(24, 72))  # no source frame lost
    assert (left.speed, left.reverse, right.speed, right.reverse) == (speed, reverse, speed, reverse)
    stack.undo()
    assert project == before


def left_range(clip):
    return range(clip.source_range.start, clip.source_range.end)


def test_split_of_a_2x_clip_at_frame_k_cuts_the_source_at_2k(project):
    _retime(project, "a", 2.0)
    UndoStack(project).push(edit.split(project, "a", 7))
    left = _clip(project, "a")
    right = next(c for c in project.find_track("V1")[1].clips if c.position == 7)
    assert (left.source_range, right.source_range) == (TimeRange(24, 14), TimeRange(38, 34))
    assert right.source_frame_at(0) == 38


def test_split_of_a_reversed_clip_keeps_the_source_tail_on_the_left(project):
    _retime(project, "a", 1.0, reverse=True)
    UndoStack(project).push(edit.split(project, "a", 10))
    left = _clip(project, "a")
    right = next(c for c in project.find_track("V1")[1].clips if c.position == 10)
    assert (left.source_range, right.source_range) == (TimeRange(62, 10), TimeRange(24, 38))
    assert (left.source_frame_at(0), right.source_frame_at(0)) == (71, 61)


@pytest.mark.parametrize("speed,reverse", [(2.0, False), (0.5, False), (2.0, True), (0.5, True)])
def test_trims_move_the_source_by_the_speed_and_undo_exactly(project, speed, reverse):
    clip = _retime(project, "a", speed, reverse)
    before = copy.deepcopy(project)
    end = clip.end
    stack = UndoStack(project)
    stack.push(edit.trim_head(project, "a", 4))
    assert clip.end == end and clip.position == 4
    assert clip.source_range.duration == pytest.approx((end - 4) * speed, abs=1)
    stack.push(edit.trim_tail(project, "a", end - 4))
    assert clip.position == 4 and clip.end == end - 4
    assert clip.source_range.duration == round((end - 8) * speed)
    stack.undo()
    stack.undo()
    assert project == before


def test_trimming_the_head_of_a_2x_clip_drops_two_source_frames_per_frame(project):
    clip = _retime(project, "a", 2.0)
    UndoStack(project).push(edit.trim_head(project, "a", 5))
    assert (clip.position, clip.source_range, clip.end) == (5, TimeRange(34, 38), 24)


def test_trimming_the_head_of_a_reversed_clip_drops_the_end_of_its_source(project):
    clip = _retime(project, "a", 1.0, reverse=True)
    UndoStack(project).push(edit.trim_head(project, "a", 5))
    assert (clip.position, clip.source_range, clip.source_frame_at(0)) == (5, TimeRange(24, 43), 66)


def test_extending_a_fast_clip_past_its_source_is_refused(project):
    _retime(project, "a", 4.0)  # 48 frames of a 240-frame source from 24: 12 frames long
    with pytest.raises(EditError, match="more frames of source after its end"):
        edit.trim_tail(project, "a", 60)  # needs 240 source frames from 24


def test_slip_keeps_the_length_of_a_sped_up_clip(project):
    clip = _retime(project, "a", 1.5)
    length = clip.duration
    for delta in (1, 2, 3):
        UndoStack(project).push(edit.slip(project, "a", delta))
        assert clip.duration == length


def test_keyframes_of_a_sped_up_clip_sit_on_the_source_frame_shown(project):
    _retime(project, "a", 2.0)
    UndoStack(project).push(edit.set_keyframe(project, "a", "opacity", 5, 0.5))
    clip = _clip(project, "a")
    assert clip.keyframes["opacity"][0].frame == 34
    assert clip.value_at("opacity", 5) == 0.5


def test_dragging_a_keyframe_on_a_sped_up_clip_moves_it_to_the_source_frame_shown_there(project):
    from studio.edit.keyframes import move_keyframe

    _retime(project, "a", 2.0)
    stack = UndoStack(project)
    stack.push(edit.set_keyframe(project, "a", "opacity", 5, 0.5))
    stack.push(move_keyframe(project, "a", "opacity", 5, 8))  # clip frames, as the diamond is drawn
    clip = _clip(project, "a")
    assert [k.frame for k in clip.keyframes["opacity"]] == [40] and clip.value_at("opacity", 8) == 0.5
    stack.undo()
    assert [k.frame for k in _clip(project, "a").keyframes["opacity"]] == [34]


def test_speed_shortens_fades_that_no_longer_fit(project):
    UndoStack(project).push(edit.set_property(project, "a", "video_fade_out", 30))
    stack = UndoStack(project)
    stack.push(edit.set_speed(project, "a", 4.0))
    clip = _clip(project, "a")
    assert clip.duration == 12 and clip.video_fade_in + clip.video_fade_out <= 12
    stack.undo()
    assert (clip.video_fade_in, clip.video_fade_out) == (6, 30)


@pytest.mark.parametrize("speed,reverse", [(0.5, False), (0.25, True), (1.5, False)])
def test_overwriting_inside_a_retimed_clip_leaves_pieces_that_never_cover_the_new_clip(project, speed, reverse):
    from studio.model import Title

    _retime(project, "a", speed, reverse)
    before = copy.deepcopy(project)
    stack = UndoStack(project)
    title = Clip("t", "t", 0, TimeRange(0, 7), title=Title("Hi"))
    stack.push(edit.overwrite(project, "V1", title, at=13))
    clips = sorted(project.find_track("V1")[1].clips, key=lambda c: c.position)
    left, new, right = clips[0], clips[1], clips[2]
    assert new.id == "t" and left.end <= 13 and right.position >= 20
    assert 13 - left.end <= math.ceil(1 / speed) and right.position - 20 <= math.ceil(1 / speed)
    assert (right.speed, right.reverse) == (speed, reverse)
    stack.undo()
    assert project == before
