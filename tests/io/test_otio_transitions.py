"""Transition objects in OTIO: written as OTIO transitions at their cuts (read back exactly by Studio, understood
by other editors' formats), and other editors' dissolves and wipes read as transition objects on one track."""

import re
from fractions import Fraction

import opentimelineio as otio

from studio.edit import add_transition
from studio.io import create_project, export_otio, import_otio, save_project
from studio.io.media import import_media
from studio.model import Clip, TimeRange, Title, Track


def transitions_project(folder, media_dir):
    """Three shots cut together on one track (a dissolve, then a wipe), titles dipping to black, two sounds
    crossfading on one audio track."""
    project = create_project(folder, rate=Fraction(24), width=64, height=48)
    shot = import_media(folder, project, media_dir / "shot.mp4")  # 24 frames
    tone = import_media(folder, project, media_dir / "tone.wav")  # 48 frames
    shots = Track(
        "shots",
        "video",
        "Shots",
        clips=[
            Clip("s1", "one", 0, TimeRange(0, 8), asset_id=shot.id),
            Clip("s2", "two", 8, TimeRange(8, 8), asset_id=shot.id),
            Clip("s3", "three", 16, TimeRange(4, 10), asset_id=shot.id),
        ],
    )
    titles = Track(
        "titles",
        "video",
        "Titles",
        clips=[
            Clip("t1", "Hello", 0, TimeRange(0, 12), title=Title("Hello")),
            Clip("t2", "Bye", 12, TimeRange(0, 12), title=Title("Bye")),
        ],
    )
    sound = Track(
        "sound",
        "audio",
        "Sound",
        clips=[
            Clip("a1", "first", 0, TimeRange(0, 20), asset_id=tone.id),
            Clip("a2", "second", 20, TimeRange(20, 20), asset_id=tone.id),
        ],
    )
    project.timeline.tracks = [shots, titles, sound]
    for clip_id, kind, frames in (
        ("s1", "dissolve", 6),
        ("s2", "wipe", 4),
        ("t1", "dip_to_black", 8),
        ("a1", "dissolve", 10),
    ):
        add_transition(project, clip_id, kind, frames).apply(project)
    save_project(project, folder)
    return project


def _items(track):
    return [(type(i).__name__, i.name) for i in track]


def test_transition_objects_export_as_otio_transitions_at_their_cuts_and_round_trip_exactly(tmp_path, media_dir):
    project = transitions_project(tmp_path / "p.studio", media_dir)
    out = export_otio(project, tmp_path / "p.studio", tmp_path / "cut.otio")
    timeline = otio.adapters.read_from_file(str(out))
    shots, titles, sound = timeline.tracks
    assert _items(shots) == [
        ("Clip", "one"),
        ("Transition", "Cross Dissolve"),
        ("Clip", "two"),
        ("Transition", "Wipe"),
        ("Clip", "three"),
    ]
    dissolve, wipe = shots[1], shots[3]
    assert (dissolve.transition_type, dissolve.in_offset.value, dissolve.out_offset.value) == ("SMPTE_Dissolve", 3, 3)
    assert (wipe.transition_type, wipe.in_offset.value, wipe.out_offset.value) == ("SMPTE_Wipe", 2, 2)
    assert shots[2].range_in_parent().start_time.value == 8  # the clips keep their cut; the media past it is handle
    assert titles[1].transition_type == "SMPTE_Dissolve" and titles[1].metadata["studio"]["kind"] == "dip_to_black"
    assert _items(sound)[1] == ("Transition", "Cross Dissolve")
    back = import_otio(out, tmp_path / "copy.studio", allow_missing=False)
    assert back.timeline == project.timeline


def test_transition_objects_survive_fcp7_xml_and_an_edl(tmp_path, media_dir):
    project = transitions_project(tmp_path / "p.studio", media_dir)
    notes: list[str] = []
    xml = export_otio(project, tmp_path / "p.studio", tmp_path / "cut.xml", warnings=notes)
    copy = import_otio(xml, tmp_path / "copy.studio", allow_missing=False)
    shots = next(t for t in copy.timeline.tracks if [c.name for c in t.clips] == ["one", "two", "three"])
    assert [(t.kind, t.duration) for t in shots.transitions] == [("dissolve", 6), ("dissolve", 4)]  # XML: dissolves
    edl = export_otio(project, tmp_path / "p.studio", tmp_path / "cut.edl", warnings=notes)
    text = edl.read_text()
    assert re.search(r" V +D 006 ", text), text  # the dissolve, 6 frames, as an EDL writes one


def test_an_editors_wipe_and_an_off_centre_dissolve_become_transition_objects(tmp_path, media_dir):
    rate = 24

    def rt(frames):
        return otio.opentime.RationalTime(frames, rate)

    def shot(name, start, dur):
        ref = otio.schema.ExternalReference(target_url=(media_dir / "shot.mp4").as_uri())
        return otio.schema.Clip(
            name=name, source_range=otio.opentime.TimeRange(rt(start), rt(dur)), media_reference=ref
        )

    track = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    track.extend(
        [
            shot("a", 0, 8),
            otio.schema.Transition(transition_type="SMPTE_Wipe", in_offset=rt(2), out_offset=rt(2)),
            shot("b", 8, 8),
            otio.schema.Transition(transition_type="SMPTE_Dissolve", in_offset=rt(0), out_offset=rt(4)),
            shot("c", 4, 8),
        ]
    )
    tl = otio.schema.Timeline(name="Edit")
    tl.tracks.append(track)
    otio.adapters.write_to_file(tl, str(tmp_path / "edit.otio"))
    notes: list[str] = []
    project = import_otio(tmp_path / "edit.otio", tmp_path / "e.studio", warnings=notes)
    (v1,) = project.timeline.tracks
    assert [(c.name, c.position, c.duration) for c in v1.clips] == [("a", 0, 8), ("b", 8, 8), ("c", 16, 8)]
    assert [(t.kind, t.duration) for t in v1.transitions] == [("wipe", 4), ("dissolve", 4)]
    assert any("ran 0 frames before the cut and 4 after; Studio centres it on the cut" in n for n in notes)
