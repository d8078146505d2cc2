""" "Add sound for this shot" in the window: offered on a shot the draft video engine made (inspector and clip
menu), not on other footage; the sound arrives under the shot, lined up with the clip's trim, as one undo step."""

from __future__ import annotations

import pytest

from pipelines.video.draft import DraftVideoGenerator
from pipelines.video.request import VideoRequest


@pytest.fixture(scope="module")
def storm_result(tmp_path_factory):
    request = VideoRequest(
        prompt="a stormy night over the ocean, lightning and heavy rain", duration=3.0, width=128, height=72
    )
    return DraftVideoGenerator()(request, output_dir=tmp_path_factory.mktemp("storm"))


def _add_shot(qtbot, window, result, trim: int):
    from studio import edit
    from studio.gui.session import import_result_assets
    from studio.model import Clip, TimeRange, new_id

    session = window.session
    assets = import_result_assets(session.project_dir, result)
    shot = session.add_assets(assets)
    v1 = next(t for t in session.timeline.tracks if t.kind == "video")
    clip = Clip(new_id("clip"), "storm", 24, TimeRange(trim, 48), asset_id=shot.id)
    session.push(edit.add_clip(session.project, v1.id, clip))
    session.select([clip.id])
    return clip


def test_add_sound_for_this_shot_places_the_sound_under_the_trimmed_shot(qtbot, window, storm_result):
    from studio.gui.timeline.clip_menu import build_clip_menu

    session = window.session
    shot = _add_shot(qtbot, window, storm_result, trim=12)
    button = window.inspector.add_sound
    assert button.isVisibleTo(window.inspector)
    menu = build_clip_menu(session, shot.id, window, {})
    assert "Add Sound for This Shot" in [a.text() for a in menu.actions()]

    button.click()

    def sound():
        return [
            c for t in session.timeline.tracks if t.kind == "audio" for c in t.clips if c.name.startswith("Sound of")
        ]

    qtbot.waitUntil(lambda: bool(sound()), timeout=60_000)
    (clip,) = sound()
    assert clip.position == shot.position and clip.source_range.start == 12 and clip.duration == 48
    made = session.project.assets[clip.asset_id].provenance
    assert made["engine"] == "draft" and made["kind"] == "sfx" and made["params"]["for_shot"]
    session.undo()
    assert not sound()  # one undo step takes it away


def test_footage_studio_did_not_make_is_not_offered_sound(qtbot, filled):
    from studio.gui.timeline.clip_menu import build_clip_menu

    window, v1, _ = filled
    session = window.session
    clip = v1.clips[0]  # the built-in test-pattern engine's shot: no events
    session.select([clip.id])
    assert not window.inspector.add_sound.isVisibleTo(window.inspector)
    menu = build_clip_menu(session, clip.id, window, {})
    assert "Add Sound for This Shot" not in [a.text() for a in menu.actions()]
