"""Jobs planned from a storyboard: stable per-element seeds, narration-timed scenes, crossfade handles."""

from pipelines.base import Request
from studio.storyboard import plan
from studio.storyboard.parse import parse_storyboard

BOARD = """# T
Size: 320x180
## Music
Prompt: folk
## Scene: A
Duration: 3s
Shot: a lighthouse
Camera: push in
SFX: waves @ throughout
Transition: crossfade 1s
## Scene: B
Shot: a castle
Narration: Hello there.
SFX: door knock @ 0.5s
"""


def test_narration_decides_the_length_of_scenes_timed_by_it():
    board = parse_storyboard(BOARD)
    durations = plan.scene_durations(board, {"b": 2.0})
    assert durations == {"a": 3.0, "b": plan.NARRATION_LEAD_IN + 2.0 + plan.NARRATION_TAIL}


def test_media_jobs_cover_shots_effects_and_music_with_crossfade_handles():
    board = parse_storyboard(BOARD)
    jobs = {j.key: j for j in plan.media_jobs(board, {"a": 3.0, "b": 2.8})}
    assert set(jobs) == {"scene/a/shot", "scene/a/sfx/0", "scene/b/shot", "scene/b/sfx/0", "music"}
    assert jobs["scene/a/shot"].request.camera == "push-in"
    assert jobs["scene/b/shot"].request.duration == 3.8  # 2.8 s plus the 1 s crossfade it starts with
    assert jobs["scene/a/sfx/0"].request.loop is True and jobs["scene/a/sfx/0"].request.duration == 3.0
    assert jobs["scene/b/sfx/0"].request.loop is False
    assert jobs["music"].request.duration == 5.8
    assert all(isinstance(j.request, Request) for j in jobs.values())


def test_editing_one_scene_changes_only_that_scenes_requests():
    before = {j.key: j.request.content_hash() for j in plan.media_jobs(parse_storyboard(BOARD), {"a": 3, "b": 2})}
    edited = BOARD.replace("a castle", "a volcano")
    after = {j.key: j.request.content_hash() for j in plan.media_jobs(parse_storyboard(edited), {"a": 3, "b": 2})}
    assert [k for k in before if before[k] != after[k]] == ["scene/b/shot"]
