"""OTIO as other editors use it: dissolves, bundles, relative URLs, adapters, markers, speed, failed imports."""

import shutil
from fractions import Fraction

import numpy as np
import opentimelineio as otio
import pytest
import soundfile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio.io import create_project, export_otio, import_otio, load_project, missing_media, save_project
from studio.io.media import import_media
from studio.io.otio_io import MissingMediaError
from studio.model import Clip, Marker, Recipe, TimeRange, Title, Track


def crossfade_project(folder, media_dir):
    """Two shots crossfading on 'Shots A'/'Shots B' as ``studio make`` lays them out, a title fading in and out,
    a narration and music ducked under it."""
    project = create_project(folder, rate=Fraction(24), width=64, height=48)
    shot = import_media(folder, project, media_dir / "shot.mp4", provenance={"engine": "draft", "seed": 3})
    tone = import_media(folder, project, media_dir / "tone.wav")
    lyrics = folder.parent / "song.lrc"
    lyrics.write_text("[00:00.00] la la\n")
    tone.related["lyrics"] = import_media(folder, project, lyrics, kind="other").id  # a sidecar, on no clip
    import_media(folder, project, media_dir / "still.png", name="poster")  # in the bin only
    tl = project.timeline
    a = Track("shots_a", "video", "Shots A", clips=[Clip("s1", "1. Coast", 0, TimeRange(0, 20), asset_id=shot.id)])
    b = Track(
        "shots_b",
        "video",
        "Shots B",
        clips=[Clip("s2", "2. Path", 14, TimeRange(2, 22), asset_id=shot.id, video_fade_in=6, audio_fade_in=6)],
    )
    titles = Track(
        "titles",
        "video",
        "Titles",
        clips=[
            Clip(
                "t1",
                "Title: Keeper",
                4,
                TimeRange(0, 16),
                title=Title("The Keeper\x00of the Light", font_size=20),
                video_fade_in=4,
                video_fade_out=4,
            )
        ],
    )
    voice = Track(
        "voice", "audio", "Narration", clips=[Clip("n1", "Narration 1", 6, TimeRange(0, 24), asset_id=tone.id)]
    )
    music = Track(
        "music",
        "audio",
        "Music",
        duck_under="voice",
        duck_db=-15.0,
        clips=[
            Clip(
                "m1", "Music", 0, TimeRange(0, 36), asset_id=tone.id, gain_db=-8.0, audio_fade_in=12, audio_fade_out=12
            )
        ],
    )
    tl.tracks = [a, b, titles, voice, music]
    tl.markers = [Marker("mk", 10, "drop", "#00c000")]
    project.settings = {"render_preset": "draft-360p"}
    save_project(project, folder)
    return project


def test_crossfade_exports_as_one_track_with_a_dissolve_and_round_trips_exactly(tmp_path, media_dir):
    project = crossfade_project(tmp_path / "src.studio", media_dir)
    out = export_otio(project, tmp_path / "src.studio", tmp_path / "cut.otio")
    timeline = otio.adapters.read_from_file(str(out))
    shots = timeline.tracks[0]
    assert [type(i).__name__ for i in shots] == ["Clip", "Transition", "Clip"]
    dissolve = shots[1]
    assert (dissolve.transition_type, dissolve.in_offset.value, dissolve.out_offset.value) == ("SMPTE_Dissolve", 6, 0)
    assert shots[0].range_in_parent().end_time_exclusive().value == 20  # the cut: where the outgoing shot ends
    assert shots[2].source_range.start_time.value == 8  # the incoming shot's first 6 frames play under the dissolve
    title_track = timeline.tracks[1]
    assert [type(i).__name__ for i in title_track] == ["Gap", "Transition", "Clip", "Transition", "Gap"]
    music = timeline.tracks[-1]
    assert [type(i).__name__ for i in music] == ["Gap", "Transition", "Clip", "Transition", "Gap"]

    warnings: list[str] = []
    copy = import_otio(out, tmp_path / "copy.studio", warnings=warnings)
    assert warnings == []
    for track, back in zip(project.timeline.tracks, copy.timeline.tracks, strict=True):
        assert back == track, track.name  # every field: clips, fades, gain, ducking, ids
    assert copy.timeline == project.timeline
    assert copy.assets == project.assets and copy.settings == project.settings  # sidecars and bin-only media too
    assert len(copy.assets) == 4
    assert copy.timeline.tracks[2].clips[0].title.text == "The Keeper\x00of the Light"  # not cut at the NUL


def test_round_trip_renders_the_same_picture_and_sound(tmp_path, media_dir):
    import imageio_ffmpeg

    from studio.render import render_timeline

    project = crossfade_project(tmp_path / "src.studio", media_dir)
    copy = import_otio(export_otio(project, tmp_path / "src.studio", tmp_path / "cut.otio"), tmp_path / "copy.studio")
    outputs = []
    for name, proj, folder in (("a", project, tmp_path / "src.studio"), ("b", copy, tmp_path / "copy.studio")):
        render_timeline(proj, folder, tmp_path / f"{name}.mp4", preset="draft-360p")
        render_timeline(proj, folder, tmp_path / f"{name}.wav", preset="audio-wav")
        frames = list(imageio_ffmpeg.read_frames(str(tmp_path / f"{name}.mp4")))[1:]
        outputs.append((frames, soundfile.read(tmp_path / f"{name}.wav")[0]))
    (frames_a, sound_a), (frames_b, sound_b) = outputs
    assert len(frames_a) == len(frames_b) == 36
    assert all(fa == fb for fa, fb in zip(frames_a, frames_b, strict=True))
    assert np.abs(sound_a).max() > 0.01 and np.array_equal(sound_a, sound_b)


def test_title_text_with_a_nul_survives_the_round_trip(tmp_path):
    project = create_project(tmp_path / "p.studio")
    project.timeline.tracks[0].clips.append(Clip("t", "a\x00b", 0, TimeRange(0, 24), title=Title("ab\x00cd")))
    project.timeline.markers.append(Marker("m", 3, "x\x00y"))
    save_project(project, tmp_path / "p.studio")
    copy = import_otio(export_otio(project, tmp_path / "p.studio", tmp_path / "c.otio"), tmp_path / "c.studio")
    clip = copy.timeline.tracks[0].clips[0]
    assert (clip.title.text, clip.name, copy.timeline.markers[0].name) == ("ab\x00cd", "a\x00b", "x\x00y")
    ref = otio.adapters.read_from_file(str(tmp_path / "c.otio")).tracks[0][0].media_reference
    assert ref.parameters["text"] == "abcd"  # what other editors see


@pytest.mark.parametrize("suffix, adapter", [(".xml", "fcp_xml"), (".fcpxml", "fcpx_xml"), (".edl", "cmx_3600")])
def test_editors_formats_are_written_through_the_adapters(tmp_path, media_dir, suffix, adapter):
    project = crossfade_project(tmp_path / "src.studio", media_dir)
    warnings: list[str] = []
    out = export_otio(project, tmp_path / "src.studio", tmp_path / f"cut{suffix}", warnings=warnings)
    assert out.stat().st_size > 200
    back = otio.adapters.read_from_file(
        str(out), adapter_name=adapter, **({"rate": 24} if adapter == "cmx_3600" else {})
    )
    names = [c.name for c in back.find_clips()]
    assert "2. Path" in names
    if adapter == "fcp_xml":
        assert len(list(back.find_children(descended_from_type=otio.schema.Transition))) >= 1
        assert "Title: Keeper" in names  # a text generator, not a crash on 'no available_range'
    if adapter == "cmx_3600":
        assert any("one picture track" in w for w in warnings)


@pytest.mark.parametrize("suffix", [".otioz", ".otiod"])
def test_bundles_carry_the_media_and_import_from_inside(tmp_path, media_dir, suffix):
    project = crossfade_project(tmp_path / "src.studio", media_dir)
    bundle = export_otio(project, tmp_path / "src.studio", tmp_path / f"cut{suffix}")
    shutil.rmtree(tmp_path / "src.studio")  # the media now exists only inside the bundle
    copy = import_otio(bundle, tmp_path / "copy.studio", allow_missing=False)
    assert missing_media(copy, tmp_path / "copy.studio") == []
    assert copy.timeline == project.timeline


def test_relative_urls_travel_with_the_project(tmp_path, media_dir):
    project = crossfade_project(tmp_path / "trip" / "src.studio", media_dir)
    out = export_otio(project, tmp_path / "trip" / "src.studio", tmp_path / "trip" / "cut.otio", relative=True)
    url = otio.adapters.read_from_file(str(out)).tracks[0][0].media_reference.target_url
    assert url.startswith("src.studio/media/") and "://" not in url
    shutil.move(tmp_path / "trip", tmp_path / "elsewhere")
    copy = import_otio(tmp_path / "elsewhere" / "cut.otio", tmp_path / "copy.studio", allow_missing=False)
    assert copy.assets == project.assets


def _zero_channel_wav(path):
    import struct

    fmt = struct.pack("<HHIIHH", 1, 0, 48000, 0, 0, 16)
    path.write_bytes(
        b"RIFF"
        + struct.pack("<I", 4 + 8 + len(fmt) + 8)
        + b"WAVE"
        + b"fmt "
        + struct.pack("<I", len(fmt))
        + fmt
        + b"data"
        + struct.pack("<I", 0)
    )


def _audio_timeline(path, url):
    tl = otio.schema.Timeline(name="x")
    track = otio.schema.Track(kind=otio.schema.TrackKind.Audio)
    track.append(
        otio.schema.Clip(
            name="z",
            media_reference=otio.schema.ExternalReference(target_url=url),
            source_range=otio.opentime.TimeRange(otio.opentime.RationalTime(0, 24), otio.opentime.RationalTime(24, 24)),
        )
    )
    tl.tracks.append(track)
    otio.adapters.write_to_file(tl, str(path))
    return path


def test_failed_import_leaves_nothing_behind_and_can_be_retried(tmp_path, capsys):
    from studio.cli.main import main

    _zero_channel_wav(tmp_path / "silence.wav")
    src = _audio_timeline(tmp_path / "z.otio", (tmp_path / "silence.wav").as_uri())
    for _ in range(2):  # the second try gets the same answer, not "already exists"
        assert main(["import-otio", str(src), str(tmp_path / "z.studio")]) == 1
        err = capsys.readouterr().err
        assert "1 media file not found" in err and "silence.wav" in err and "already exists" not in err
        assert not (tmp_path / "z.studio").exists()
        assert sorted(p.name for p in tmp_path.iterdir()) == ["silence.wav", "z.otio"]  # no hidden staging folder
    assert main(["import-otio", str(src), str(tmp_path / "z.studio"), "--allow-missing"]) == 0
    assert missing_media(load_project(tmp_path / "z.studio"), tmp_path / "z.studio")


def test_import_that_crashes_midway_leaves_nothing_behind(tmp_path, media_dir, monkeypatch):
    from studio.io import otio_import

    project = crossfade_project(tmp_path / "src.studio", media_dir)
    out = export_otio(project, tmp_path / "src.studio", tmp_path / "cut.otio")
    monkeypatch.setattr(otio_import.TimelineReader, "marker", lambda *a: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        import_otio(out, tmp_path / "copy.studio")
    assert not [p.name for p in tmp_path.iterdir() if "copy.studio" in p.name]  # no folder, no hidden staging


def test_missing_media_is_listed_and_refused_when_asked(tmp_path):
    src = _audio_timeline(tmp_path / "m.otio", "file:///nowhere/take%201.wav")
    with pytest.raises(MissingMediaError, match=r"m.otio: 1 media file not found: file:///nowhere/take%201.wav") as e:
        import_otio(src, tmp_path / "m.studio", allow_missing=False)
    assert e.value.missing == ["file:///nowhere/take%201.wav"] and not (tmp_path / "m.studio").exists()


def _nle_timeline(media_dir, tmp_path):
    """What an editor writes: 25 fps, a 01:00:00:00 start, a dissolve between two shots, markers, a speed change."""
    rate = 25

    def rt(frames):
        return otio.opentime.RationalTime(frames, rate)

    def rng(start, dur):
        return otio.opentime.TimeRange(rt(start), rt(dur))

    shutil.copy(media_dir / "shot.mp4", tmp_path / "shot.mp4")
    tl = otio.schema.Timeline(name="Edit", global_start_time=rt(90000))
    track = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)

    def shot(name, start, dur):
        return otio.schema.Clip(
            name=name,
            source_range=rng(start, dur),
            media_reference=otio.schema.ExternalReference(
                target_url=(tmp_path / "shot.mp4").as_uri(), available_range=rng(0, 24)
            ),
        )

    first, second = shot("one", 0, 10), shot("two", 6, 10)
    first.markers.append(otio.schema.Marker(name="clap", marked_range=rng(4, 0), color=otio.schema.MarkerColor.RED))
    second.effects.append(otio.schema.LinearTimeWarp(time_scalar=2.0))
    track.extend(
        [first, otio.schema.Transition(transition_type="SMPTE_Dissolve", in_offset=rt(2), out_offset=rt(2)), second]
    )
    tl.tracks.append(track)
    tl.tracks.markers.append(
        otio.schema.Marker(name="act two", marked_range=rng(90000 + 12, 0), color=otio.schema.MarkerColor.BLUE)
    )
    otio.adapters.write_to_file(tl, str(tmp_path / "nle.otio"))
    return tmp_path / "nle.otio"


def test_an_editors_dissolve_becomes_a_transition_object_and_markers_land_on_their_frames(tmp_path, media_dir):
    warnings: list[str] = []
    project = import_otio(_nle_timeline(media_dir, tmp_path), tmp_path / "nle.studio", warnings=warnings)
    tl = project.timeline
    (track,) = tl.tracks
    one, two = track.clips
    assert (one.position, one.source_range) == (0, TimeRange(0, 10))  # the clips keep their cut
    assert (two.position, two.source_range.start) == (10, 6)
    assert (two.speed, two.reverse) == (2.0, False)  # the LinearTimeWarp is the clip's speed ...
    length = project.assets[two.asset_id].duration_frames(tl.rate)
    assert two.source_range.end == length and two.duration == (length - 6 + 1) // 2  # ... cut at its media's end
    (dissolve,) = track.transitions
    assert (dissolve.kind, dissolve.duration, dissolve.from_clip, dissolve.to_clip) == ("dissolve", 4, one.id, two.id)
    assert [(m.name, m.frame, m.color) for m in tl.markers] == [("clap", 4, "#ff0000"), ("act two", 12, "#0060ff")]
    assert not any("speed" in w for w in warnings)


def test_fcp7_xml_written_by_studio_imports_with_titles_and_crossfades(tmp_path, media_dir):
    project = crossfade_project(tmp_path / "src.studio", media_dir)
    project.timeline.tracks[2].clips.append(Clip("r", "Idea", 30, TimeRange(0, 6), recipe=Recipe("video", None, {})))
    xml = export_otio(project, tmp_path / "src.studio", tmp_path / "cut.xml")
    warnings: list[str] = []
    copy = import_otio(xml, tmp_path / "copy.studio", warnings=warnings, allow_missing=False)
    clips = {c.name: c for t in copy.timeline.tracks for c in t.clips}
    assert clips["Title: Keeper"].title.text == "The Keeperof the Light"  # FCP XML has no NUL: left out
    one, two = clips["1. Coast"], clips["2. Path"]
    assert (one.end, two.position, two.source_range) == (20, 20, TimeRange(8, 16))  # cut where the dissolve was
    track = copy.timeline.find_clip(one.id)[0]
    assert track is copy.timeline.find_clip(two.id)[0]  # FCP 7 XML keeps no Studio metadata: one track
    assert [(t.kind, t.duration, t.from_clip, t.to_clip) for t in track.transitions] == [
        ("dissolve", 6, one.id, two.id)
    ]
    assert any("ran 6 frames before the cut and 0 after; Studio centres it" in w for w in warnings)
    assert "Idea" not in clips and any("kept no generation request" in w for w in warnings)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_two_track_crossfade_layout_keeps_its_cut_in_otio_and_round_trips(tmp_path_factory, data):
    """Random shots on two tracks (some crossfading, some fading from and to black): every clip sits at its frame
    in the OTIO track, the file writes as FCP 7 XML, reading it back gives the same timeline, and without
    Studio's metadata (as another editor would write it) the dissolves alone give back every clip's place."""
    folder = tmp_path_factory.mktemp("lanes") / "p.studio"
    project = create_project(folder, rate=Fraction(24))
    a = Track("a", "video", "Shots A")
    b = Track("b", "video", "Shots B")
    cursor, tracks = data.draw(st.integers(0, 5)), [a, b]
    for i in range(data.draw(st.integers(1, 6))):
        length = data.draw(st.integers(6, 30))
        overlap = data.draw(st.integers(0, 5)) if i else 0
        start = max(0, cursor - overlap, tracks[i % 2].end)  # never over the clip before it on its own track
        clip = Clip(f"c{i}", f"shot {i}", start, TimeRange(0, length), title=Title(f"shot {i}"))
        if overlap and start < cursor:
            clip.video_fade_in = cursor - start  # a crossfade from the previous shot
        elif data.draw(st.booleans()):
            clip.video_fade_in = data.draw(st.integers(1, 4))
        if data.draw(st.booleans()):
            clip.video_fade_out = data.draw(st.integers(1, 4 if length - clip.video_fade_in >= 4 else 1))
        tracks[i % 2].clips.append(clip)
        cursor = start + length + data.draw(st.sampled_from([0, 0, 3]))
    project.timeline.tracks = [a, b]
    save_project(project, folder)
    out = export_otio(project, folder, folder.parent / "cut.otio")
    timeline = otio.adapters.read_from_file(str(out))
    shown = {}
    for track in timeline.tracks:
        for item in track:
            if isinstance(item, otio.schema.Clip):
                shown[item.name] = (
                    round(item.range_in_parent().start_time.value),
                    round(item.range_in_parent().end_time_exclusive().value),
                )
    for clip in a.clips + b.clips:
        assert shown[clip.name][1] == clip.end  # every clip ends on its own frame; heads may sit under a dissolve
        assert shown[clip.name][0] >= clip.position
    otio.adapters.write_to_string(timeline, "fcp_xml")
    copy = import_otio(out, folder.parent / "copy.studio")
    assert copy.timeline == project.timeline
    between = {  # the dissolves between two clips in the file: name pairs -> frames
        (track[i - 1].name, track[i + 1].name): round(item.in_offset.value + item.out_offset.value)
        for track in timeline.tracks
        for i, item in enumerate(track)
        if isinstance(item, otio.schema.Transition)
        and 0 < i < len(track) - 1
        and isinstance(track[i - 1], otio.schema.Clip)
        and isinstance(track[i + 1], otio.schema.Clip)
    }
    for thing in [timeline, timeline.tracks, *timeline.tracks, *timeline.find_children()]:  # as another editor
        thing.metadata.pop("studio", None)
    otio.adapters.write_to_file(timeline, str(folder.parent / "foreign.otio"))
    foreign = import_otio(folder.parent / "foreign.otio", folder.parent / "foreign.studio")

    def cuts(tl):
        return sorted((c.name, c.position, c.end) for t in tl.tracks for c in t.clips)

    def crossfades(tl):
        by_id = {c.id: c.name for t in tl.tracks for c in t.clips}
        return sorted((by_id[x.from_clip], by_id[x.to_clip]) for t in tl.tracks for x in t.transitions)

    # as another editor would: every clip at the cut it shows, and each crossfade a transition object at its cut
    assert cuts(foreign.timeline) == sorted((name, *shown[name]) for name in shown)
    assert crossfades(foreign.timeline) == sorted(between)
    for x in (x for t in foreign.timeline.tracks for x in t.transitions):  # shortened only where a clip has two
        out, into = foreign.timeline.find_clip(x.from_clip)[1], foreign.timeline.find_clip(x.to_clip)[1]
        assert 1 <= x.duration <= between[out.name, into.name]


def test_speed_and_reverse_travel_as_a_linear_time_warp_and_come_back(tmp_path, media_dir):
    folder = tmp_path / "src.studio"
    project = create_project(folder, rate=Fraction(24), width=64, height=48)
    shot = import_media(folder, project, media_dir / "shot.mp4")
    fast = Clip("fast", "Fast", 0, TimeRange(0, 20), asset_id=shot.id, speed=2.0)
    back = Clip("back", "Back", 10, TimeRange(2, 10), asset_id=shot.id, speed=0.5, reverse=True)
    project.timeline.tracks[0].clips = [fast, back]
    save_project(project, folder)
    path = export_otio(project, folder, tmp_path / "cut.otio")
    written = otio.adapters.read_from_file(str(path))
    assert [(c.source_range.start_time.value, [e.time_scalar for e in c.effects]) for c in written.find_clips()] == [
        (0, [2.0]),
        (11, [-0.5]),  # a reversed clip's range starts at the first frame it shows
    ]
    copy = import_otio(path, tmp_path / "copy.studio", allow_missing=False)
    got = {c.id: c for t in copy.timeline.tracks for c in t.clips}
    for clip in (fast, back):
        twin = got[clip.id]
        assert (twin.speed, twin.reverse, twin.source_range, twin.position) == (
            clip.speed,
            clip.reverse,
            clip.source_range,
            clip.position,
        )


def test_a_foreign_reverse_time_warp_plays_back_from_its_first_frame(tmp_path, media_dir):
    rate = 25
    shutil.copy(media_dir / "shot.mp4", tmp_path / "shot.mp4")
    clip = otio.schema.Clip(
        name="back",
        source_range=otio.opentime.TimeRange(otio.opentime.RationalTime(19, rate), otio.opentime.RationalTime(8, rate)),
        media_reference=otio.schema.ExternalReference(target_url=(tmp_path / "shot.mp4").as_uri()),
    )
    clip.effects.append(otio.schema.LinearTimeWarp(time_scalar=-2.0))
    clip.effects.append(otio.schema.FreezeFrame())
    tl = otio.schema.Timeline(name="Edit")
    tl.tracks.append(otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video, children=[clip]))
    otio.adapters.write_to_file(tl, str(tmp_path / "rev.otio"))
    warnings: list[str] = []
    project = import_otio(tmp_path / "rev.otio", tmp_path / "rev.studio", warnings=warnings)
    back = project.timeline.tracks[0].clips[0]
    assert (back.speed, back.reverse, back.duration) == (2.0, True, 8)  # the same time on the track
    assert back.source_frame_at(0) == 19 and back.source_range == TimeRange(4, 16)  # 19 back to 4, every 2nd
    assert any("freeze frame (speed 0) is below 0.25x" in w for w in warnings)
