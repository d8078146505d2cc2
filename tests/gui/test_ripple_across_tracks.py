"""Ripple delete across all unlocked tracks from the window: the Edit menu setting, the clip menu, the refusal."""

from __future__ import annotations

from dataclasses import replace

from studio import edit
from studio.model import new_id


def test_ripple_across_all_tracks_closes_the_gap_everywhere_in_one_undo_step(qtbot, filled, settings):
    window, v1, a1 = filled
    session = window.session
    shot, tone = v1.clips[0], a1.clips[0]
    later_shot = replace(shot, id=new_id("clip"), position=48)
    later_sound = replace(tone, id=new_id("clip"), position=60)
    session.push(edit.add_clip(session.project, v1.id, later_shot))
    session.push(edit.add_clip(session.project, a1.id, later_sound))
    window.ripple_all_action.trigger()
    assert session.ripple_all_tracks and settings.store.value("edit/ripple_all_tracks", type=bool)
    session.select([shot.id, tone.id])
    from studio.gui.timeline.clip_menu import build_clip_menu

    menu = build_clip_menu(session, shot.id, window, {})
    next(a for a in menu.actions() if a.text() == "Ripple Delete (All Tracks)").trigger()
    assert [c.position for c in v1.clips] == [0] and [c.id for c in v1.clips] == [later_shot.id]
    assert [c.position for c in a1.clips] == [12]  # 60 - 48: the sound kept its place against the picture
    session.undo()
    assert sorted(c.position for c in v1.clips) == [0, 48] and sorted(c.position for c in a1.clips) == [0, 60]


def test_ripple_across_tracks_refuses_to_cut_a_clip_on_another_track(qtbot, filled):
    window, v1, a1 = filled
    session = window.session
    errors = []
    session.error.connect(errors.append)
    window.ripple_all_action.trigger()
    session.select([v1.clips[0].id])  # the tone on A1 lies under the whole shot
    assert not session.delete_selection(ripple=True)
    assert len(v1.clips) == 1 and len(a1.clips) == 1
    assert "lies across the gap" in errors[-1] and "would be cut" in errors[-1]
    window.ripple_all_action.trigger()  # off: the old behaviour, only the clip's own track closes up
    assert session.delete_selection(ripple=True) and not v1.clips and len(a1.clips) == 1
