"""The pure model: rational time, gaps, lookups and the shared validity checks."""

from fractions import Fraction

import pytest

from studio.model import Asset, Clip, Gap, Project, Timeline, TimeRange, Title, Track
from studio.model.checks import clip_problem, overlap_problem, timeline_problem
from studio.model.time import frames_to_samples, frames_to_seconds, parse_rate, seconds_to_frames, timecode

NTSC = Fraction(30000, 1001)


def _clip(cid, pos, dur, **kw):
    return Clip(id=cid, name=cid, position=pos, source_range=TimeRange(kw.pop("start", 0), dur), **kw)


def test_frames_convert_to_exact_seconds_and_samples_at_ntsc_rates():
    assert frames_to_seconds(30, NTSC) == Fraction(1001, 1000)
    assert seconds_to_frames(Fraction(1001, 1000), NTSC) == 30
    assert frames_to_samples(30, NTSC) == 48048
    assert frames_to_samples(1, Fraction(24)) == 2000


def test_parse_rate_knows_ntsc_names_and_refuses_zero():
    assert parse_rate("29.97") == NTSC
    assert parse_rate("30000/1001") == NTSC
    with pytest.raises(ValueError):
        parse_rate(0)


def test_timecode_formats_hours_minutes_seconds_frames():
    assert timecode(24 * 3661 + 5, Fraction(24)) == "01:01:01:05"


def test_track_items_yield_gaps_between_clips_in_time_order():
    track = Track(id="t", kind="video", name="V1", clips=[_clip("b", 30, 10), _clip("a", 5, 10)])
    items = list(track.items())
    assert [type(i) for i in items] == [Gap, Clip, Gap, Clip]
    assert (items[0].position, items[0].duration) == (0, 5)
    assert (items[2].position, items[2].duration) == (15, 15)
    assert track.end == 40


def test_asset_length_in_frames_rounds_to_the_nearest_frame_and_stills_have_none():
    video = Asset(id="v", name="v", path="media/v.mp4", kind="video", duration_seconds=Fraction(5))
    still = Asset(id="i", name="i", path="media/i.png", kind="image")
    assert video.duration_frames(NTSC) == 150
    assert still.duration_frames(Fraction(24)) is None


def test_project_finds_clips_tracks_and_timelines_by_id():
    clip = _clip("c", 0, 5, title=Title("Hi"))
    track = Track(id="t", kind="video", name="V1", clips=[clip])
    project = Project(name="p", timelines=[Timeline(id="tl", name="Main", tracks=[track])])
    assert project.find_clip("c") == (project.timeline, track, clip)
    assert project.find_track("t")[1] is track
    with pytest.raises(KeyError):
        project.find_clip("nope")


def test_checks_name_the_field_at_fault():
    assets = {"a": Asset(id="a", name="song", path="media/a.wav", kind="audio", duration_seconds=Fraction(2))}
    assert clip_problem(_clip("c", 0, 49, asset_id="a"), "audio", assets, Fraction(24))[0] == "source_range"
    assert clip_problem(_clip("c", 0, 48, asset_id="a"), "audio", assets, Fraction(24)) is None
    assert clip_problem(_clip("c", 0, 48, asset_id="a"), "video", assets, Fraction(24))[0] == "asset"
    assert clip_problem(_clip("c", 0, 10, title=Title("x"), pan=2.0), "video", {}, 24) == (
        "pan",
        "must be between -1 and 1, got 2.0",
    )
    assert clip_problem(_clip("c", 0, 10, title=Title("x"), opacity=float("nan")), "video", {}, 24)[0] == "opacity"
    track = Track(
        id="t",
        kind="video",
        name="V1",
        clips=[_clip("a", 0, 10, title=Title("x")), _clip("b", 9, 10, title=Title("y"))],
    )
    assert "overlaps" in overlap_problem(track)[1]
    tl = Timeline(id="tl", name="M", tracks=[track])
    assert timeline_problem(tl, {})[0] == "tracks[0].clips"
