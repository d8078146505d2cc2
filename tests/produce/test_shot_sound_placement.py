"""The sound made for a shot plays under the shot clip exactly as the clip plays its shot: same position, same
stretch of source, same speed and direction (a 2x shot's thunder comes twice as soon)."""

from __future__ import annotations

import pytest

from studio.edit import EditError
from studio.model import Asset, Clip, Project, Timeline, TimeRange, Track
from studio.produce import place_shot_sound


def _project(speed: float, reverse: bool) -> Project:
    shot = Clip("shot", "storm", 24, TimeRange(12, 48), asset_id="v", speed=speed, reverse=reverse)
    tl = Timeline("tl", "Main", tracks=[Track("v1", "video", "V1", [shot]), Track("a1", "audio", "A1")])
    assets = {
        "v": Asset("v", "storm", "media/v.mp4", "video", duration_seconds=4.0),
        "s": Asset("s", "sound", "media/s.wav", "audio", duration_seconds=4.0),
    }
    return Project("P", [tl], assets)


@pytest.mark.parametrize("speed, reverse", [(1.0, False), (2.0, False), (0.5, True)])
def test_the_shot_sound_plays_the_same_stretch_at_the_same_speed_under_the_shot(speed, reverse):
    project = _project(speed, reverse)
    place_shot_sound(project, "shot", project.assets["s"]).apply(project)
    shot = project.timeline.track("v1").clip("shot")
    (sound,) = project.timeline.track("a1").clips
    assert (sound.position, sound.source_range, sound.speed, sound.reverse) == (
        shot.position,
        shot.source_range,
        speed,
        reverse,
    )
    assert sound.end == shot.end and sound.source_frame_at(3) == shot.source_frame_at(3)


def test_a_sound_shorter_than_the_shown_stretch_is_refused():
    project = _project(1.0, False)
    project.assets["s"].duration_seconds = 1.0  # 24 frames: the clip shows source frames 12-60
    with pytest.raises(EditError, match="shorter than the part of 'storm' the clip shows"):
        place_shot_sound(project, "shot", project.assets["s"])
