"""OpenTimelineIO exchange: a Studio timeline survives a round trip; foreign files import what they can."""

from fractions import Fraction

import opentimelineio as otio
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio import edit
from studio.io import ProjectError, create_project, export_otio, import_otio, load_project, missing_media
from studio.io.media import import_media
from studio.model import Clip, Marker, Recipe, TimeRange, Title, Transform


@pytest.fixture
def project_with_everything(tmp_path, media_dir):
    return build_project(tmp_path / "src.studio", media_dir)


def build_project(folder, media_dir):
    project = create_project(folder, rate=Fraction(24))
    shot = import_media(folder, project, media_dir / "shot.mp4", provenance={"engine": "draft", "seed": 1})
    tone = import_media(folder, project, media_dir / "tone.wav")
    v1, a1 = project.timeline.tracks
    v1.clips = [
        Clip(
            id="shot",
            name="Shot",
            position=0,
            source_range=TimeRange(4, 20),
            asset_id=shot.id,
            opacity=0.75,
            fit="explicit",
            transform=Transform(0.1, -0.1, 0.5),
            video_fade_in=3,
        ),
        Clip(
            id="title",
            name="Title",
            position=30,
            source_range=TimeRange(0, 24),
            title=Title("Hello", font_size=80, color="#ffcc00", position="lower-third", background="#00000080"),
        ),
        Clip(
            id="idea",
            name="Idea",
            position=60,
            source_range=TimeRange(0, 48),
            enabled=False,
            recipe=Recipe(kind="video", engine="draft", request={"prompt": "waves", "seed": 2}),
        ),
    ]
    a1.clips = [
        Clip(
            id="song",
            name="Song",
            position=10,
            source_range=TimeRange(0, 40),
            asset_id=tone.id,
            gain_db=-3.0,
            pan=0.5,
            audio_fade_out=8,
            recipe=Recipe("sfx", None, {"prompt": "tone"}),
        )
    ]
    a1.muted = True
    project.timeline.markers = [Marker(id="m1", frame=12, name="beat", color="#12ab34")]
    return folder, project


def test_round_trip_through_otio_keeps_the_timeline_exactly(tmp_path, project_with_everything):
    folder, project = project_with_everything
    out = export_otio(project, folder, tmp_path / "cut.otio")
    warnings: list[str] = []
    copy = import_otio(out, tmp_path / "copy.studio", warnings=warnings)
    assert warnings == []
    assert copy.timeline == project.timeline
    assert copy.assets == project.assets
    assert load_project(tmp_path / "copy.studio") == copy
    assert missing_media(copy, tmp_path / "copy.studio") == []


def test_exported_file_is_plain_otio_other_tools_can_read(tmp_path, project_with_everything):
    folder, project = project_with_everything
    timeline = otio.adapters.read_from_file(str(export_otio(project, folder, tmp_path / "cut.otio")))
    video = timeline.tracks[0]
    # the shot fades in from black at the start: a dissolve from an empty gap
    assert [type(item).__name__ for item in video] == ["Gap", "Transition", "Clip", "Gap", "Clip", "Gap", "Clip"]
    assert video[1].transition_type == "SMPTE_Dissolve" and video[1].out_offset.value == 3
    shot = video[2]
    assert shot.media_reference.target_url.startswith("file://")
    assert shot.source_range == otio.opentime.TimeRange(
        otio.opentime.RationalTime(4, 24), otio.opentime.RationalTime(20, 24)
    )
    assert timeline.tracks[1].kind == otio.schema.TrackKind.Audio
    assert timeline.tracks.markers[0].marked_range.start_time.value == 12


def test_import_of_a_foreign_timeline_keeps_cuts_and_flags_missing_media(tmp_path, media_dir):
    rate = 25
    tl = otio.schema.Timeline(name="Edit")
    track = otio.schema.Track(name="Pictures", kind=otio.schema.TrackKind.Video)

    def rng(start, dur):
        return otio.opentime.TimeRange(otio.opentime.RationalTime(start, rate), otio.opentime.RationalTime(dur, rate))

    (tmp_path / "foreign").mkdir()
    (tmp_path / "foreign" / "shot.mp4").write_bytes((media_dir / "shot.mp4").read_bytes())
    track.append(
        otio.schema.Clip(
            name="here",
            source_range=rng(0, 10),
            media_reference=otio.schema.ExternalReference(target_url="foreign/shot.mp4"),
        )
    )
    track.append(
        otio.schema.Transition(
            in_offset=otio.opentime.RationalTime(2, rate), out_offset=otio.opentime.RationalTime(2, rate)
        )
    )
    track.append(otio.schema.Gap(source_range=rng(0, 5)))
    track.append(
        otio.schema.Clip(
            name="gone",
            source_range=rng(100, 50),
            media_reference=otio.schema.ExternalReference(
                target_url="file:///nowhere/lost%20take.mov", available_range=rng(100, 250)
            ),
        )
    )
    track.append(
        otio.schema.Clip(
            name="too long",
            source_range=rng(0, 40),
            media_reference=otio.schema.ExternalReference(target_url="foreign/shot.mp4"),
        )
    )
    tl.tracks.append(track)
    otio.adapters.write_to_file(tl, str(tmp_path / "edit.otio"))
    warnings: list[str] = []
    project = import_otio(tmp_path / "edit.otio", tmp_path / "new.studio", warnings=warnings)
    clips = project.timeline.tracks[0].clips
    assert project.timeline.rate == 25
    assert [(c.name, c.position, c.source_range.start, c.duration) for c in clips] == [
        ("here", 0, 0, 12),  # a dissolve into the gap: a fade out, 2 frames longer for the transition's out half
        ("gone", 15, 0, 50),
        ("too long", 65, 0, 25),
    ]
    lost = project.assets[clips[1].asset_id]
    assert lost.source_url == "file:///nowhere/lost%20take.mov" and lost.path == "media/lost-take.mov"
    assert missing_media(project, tmp_path / "new.studio") == [lost]
    assert clips[0].video_fade_out == 4
    assert any("transition '' at frame 10 is imported as a dissolve" in w for w in warnings)
    assert any("not found; kept as missing media" in w for w in warnings)
    assert any("shortened to fit" in w for w in warnings)


def test_unreadable_otio_files_and_wrong_suffixes_are_refused(tmp_path, project_with_everything):
    folder, project = project_with_everything
    (tmp_path / "bad.otio").write_text('{"OTIO_SCHEMA": "Timeline.1", "tracks": ')
    with pytest.raises(ProjectError, match="bad.otio: not a readable OpenTimelineIO file"):
        import_otio(tmp_path / "bad.otio", tmp_path / "x.studio")
    with pytest.raises(ProjectError, match=r"no OpenTimelineIO format writes .txt; use .otio, .otioz, .otiod"):
        export_otio(project, folder, tmp_path / "cut.txt")


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_edited_timelines_survive_the_otio_round_trip(tmp_path_factory, media_dir, data):
    out_dir = tmp_path_factory.mktemp("otio")
    folder, project = build_project(out_dir / "src.studio", media_dir)
    stack = edit.UndoStack(project)
    for _ in range(data.draw(st.integers(1, 6))):
        clips = [c.id for t in project.timeline.tracks for c in t.clips]
        choice = data.draw(st.sampled_from(["split", "fade", "move", "marker", "ripple"]))
        clip_id = data.draw(st.sampled_from(clips))
        clip = project.find_clip(clip_id)[2]
        try:
            if choice == "split":
                stack.push(edit.split(project, clip_id, clip.position + data.draw(st.integers(1, 30))))
            elif choice == "fade":
                stack.push(edit.set_property(project, clip_id, "audio_fade_in", data.draw(st.integers(1, 30))))
            elif choice == "move":
                stack.push(edit.move(project, clip_id, data.draw(st.integers(0, 200))))
            elif choice == "marker":
                stack.push(edit.add_marker(project, data.draw(st.integers(0, 300)), "m"))
            else:
                stack.push(edit.ripple_delete(project, clip_id))
        except edit.EditError:
            pass
    copy = import_otio(export_otio(project, folder, out_dir / "cut.otio"), out_dir / "copy.studio")
    assert copy.timeline == project.timeline
