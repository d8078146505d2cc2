"""A small project with real-looking assets (no files needed: edits never read media)."""

from fractions import Fraction

import pytest

from studio.model import Asset, Clip, Project, Timeline, TimeRange, Title, Track


def make_project() -> Project:
    assets = {
        "vid": Asset(
            id="vid",
            name="shot",
            path="media/shot.mp4",
            kind="video",
            duration_seconds=Fraction(10),
            width=64,
            height=48,
            frame_rate=Fraction(24),
            has_audio=True,
            sample_rate=48000,
            channels=2,
        ),
        "wav": Asset(
            id="wav",
            name="song",
            path="media/song.wav",
            kind="audio",
            duration_seconds=Fraction(5),
            sample_rate=48000,
            channels=2,
            has_audio=True,
        ),
        "png": Asset(id="png", name="still", path="media/still.png", kind="image", width=64, height=48),
    }
    v1 = Track(
        id="V1",
        kind="video",
        name="V1",
        clips=[
            Clip(id="a", name="A", position=0, source_range=TimeRange(24, 48), asset_id="vid", video_fade_in=6),
            Clip(id="b", name="B", position=48, source_range=TimeRange(0, 24), asset_id="png"),
            Clip(
                id="c", name="C", position=100, source_range=TimeRange(0, 20), title=Title("The End"), video_fade_out=10
            ),
        ],
    )
    v2 = Track(id="V2", kind="video", name="V2")
    a1 = Track(
        id="A1",
        kind="audio",
        name="A1",
        clips=[
            Clip(
                id="s",
                name="S",
                position=10,
                source_range=TimeRange(0, 96),
                asset_id="wav",
                audio_fade_in=12,
                audio_fade_out=12,
            )
        ],
    )
    a2 = Track(id="A2", kind="audio", name="A2")
    tl = Timeline(id="tl", name="Main", rate=Fraction(24), tracks=[v1, v2, a1, a2])
    return Project(name="Test", timelines=[tl], assets=assets)


@pytest.fixture
def project() -> Project:
    return make_project()
