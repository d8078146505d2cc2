"""Clip speed in the GUI: the inspector's speed box, presets and Reverse checkbox (one undo step each), the clip's
"2x" badge and length, a refused speed put back with its reason shown, and the clip menu's "Speed…" dialog that
can ripple later clips."""

from __future__ import annotations

from PySide6.QtCore import QPointF


def test_inspector_speed_box_presets_and_reverse_retime_the_clip_one_undo_step_each(qtbot, filled):
    window, v1, _ = filled
    session, inspector = window.session, window.inspector
    clip = v1.clips[0]
    session.select([clip.id])
    assert inspector.speed.speed.value() == 1.0 and not inspector.speed.reverse.isChecked()
    inspector.speed.speed.setValue(2.0)
    clip = session.timeline.find_clip(clip.id)[1]
    assert (clip.speed, clip.duration, clip.position) == (2.0, 24, 0)
    assert session.stack.undo_text.startswith("Speed of")
    item = window.timeline.scene.items_by_id[clip.id]
    assert item.speed_badge() == "2x" and item.width == 24 * window.timeline.scene.layout.px_per_frame
    inspector.speed.reverse.setChecked(True)
    assert clip.reverse and window.timeline.scene.items_by_id[clip.id].speed_badge() == "-2x"
    inspector.speed.presets.activated.emit(inspector.speed.presets.findData(0.5))
    assert (clip.speed, clip.duration) == (0.5, 96) and inspector.speed.speed.value() == 0.5
    window.timeline.view.viewport().repaint()  # draws the badge and the retimed filmstrip
    session.undo()
    session.undo()
    assert (clip.speed, clip.reverse) == (2.0, False)
    session.undo()
    assert (clip.speed, clip.duration) == (1.0, 48)
    assert inspector.speed.speed.value() == 1.0 and window.timeline.scene.items_by_id[clip.id].speed_badge() == ""


def test_a_speed_that_would_run_over_the_next_clip_is_refused_and_the_box_shows_the_clip_again(qtbot, filled):
    from studio import edit
    from studio.model import Clip, TimeRange, new_id

    window, _, a1 = filled
    session, inspector = window.session, window.inspector
    tone = a1.clips[0]
    after = Clip(new_id("clip"), "after", 48, TimeRange(0, 24), asset_id=tone.asset_id)
    session.push(edit.add_clip(session.project, a1.id, after))
    session.select([tone.id])
    inspector.speed.speed.setValue(0.5)
    assert tone.speed == 1.0 and tone.duration == 48
    assert "over 'after'" in window.error_line.text and "ripple" in window.error_line.text
    assert inspector.speed.speed.value() == 1.0


def test_clip_menu_speed_dialog_ripples_later_clips_when_asked(qtbot, filled):
    from PySide6.QtGui import QContextMenuEvent
    from PySide6.QtWidgets import QApplication

    from studio import edit
    from studio.gui.speed_dialog import SpeedDialog
    from studio.model import Clip, TimeRange, new_id

    window, v1, _ = filled
    session, view = window.session, window.timeline.view
    shot = v1.clips[0]
    after = Clip(new_id("clip"), "after", 48, TimeRange(0, 24), asset_id=shot.asset_id)
    session.push(edit.add_clip(session.project, v1.id, after))
    item = window.timeline.scene.items_by_id[shot.id]
    at = view.mapFromScene(item.mapToScene(QPointF(item.width * 0.5, item.height * 0.5)))
    QApplication.sendEvent(
        view.viewport(), QContextMenuEvent(QContextMenuEvent.Reason.Mouse, at, view.viewport().mapToGlobal(at))
    )
    assert "Speed…" in [a.text() for a in view.clip_menu.actions()]
    view.clip_menu.close()
    dialog = SpeedDialog(shot, window)
    qtbot.addWidget(dialog)
    dialog.controls.speed.setValue(0.5)
    dialog.controls.reverse.setChecked(True)
    assert not dialog.apply(session, shot.id)  # no ripple: refused, nothing moved
    assert (shot.speed, session.timeline.find_clip(after.id)[1].position) == (1.0, 48)
    dialog.ripple.setChecked(True)
    assert dialog.apply(session, shot.id)
    assert (shot.speed, shot.reverse, shot.end) == (0.5, True, 96)
    assert session.timeline.find_clip(after.id)[1].position == 96
    session.undo()  # one step: speed, direction and the ripple
    assert (shot.speed, shot.reverse, session.timeline.find_clip(after.id)[1].position) == (1.0, False, 48)
