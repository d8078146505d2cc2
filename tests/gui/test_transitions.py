"""Transitions in the window: added at a cut from the clip menu or Ctrl+T, drawn across the cut, their duration
dragged by a handle, kind and duration changed in the editor, deleted with Delete; each one undo step."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication


def _cut(window, track, at=24):
    """Split the track's clip at frame ``at``: two clips meeting at a cut."""
    from studio import edit

    window.session.push(edit.split(window.session.project, track.clips[0].id, at))
    return track.clips[0], track.clips[1]


def _right_click(view, item, x_fraction=0.5):
    at = view.mapFromScene(item.mapToScene(QPointF(item.rect().width() * x_fraction, item.rect().height() * 0.6)))
    QApplication.sendEvent(
        view.viewport(), QContextMenuEvent(QContextMenuEvent.Reason.Mouse, at, view.viewport().mapToGlobal(at))
    )


def _action(menu, name):
    return next(a for a in menu.actions() if a.text() == name)


def test_add_a_dissolve_from_the_clip_menu_and_see_it_drawn_across_the_cut(qtbot, filled):
    window, v1, _ = filled
    session, view, scene = window.session, window.timeline.view, window.timeline.scene
    left, right = _cut(window, v1)
    _right_click(view, scene.items_by_id[left.id], 0.3)
    menu = view.clip_menu
    add = _action(menu, "Add Transition at End").menu()
    assert [a.text() for a in add.actions()] == ["Dissolve", "Dip to black", "Wipe"]
    assert not any(a.text() == "Add Transition at Start" for a in menu.actions())  # nothing ends where it starts
    _action(add, "Dip to black").trigger()
    menu.close()
    (transition,) = v1.transitions
    assert (transition.kind, transition.duration, transition.from_clip, transition.to_clip) == (
        "dip_to_black",
        24,  # a second at 24 fps
        left.id,
        right.id,
    )
    item = scene.transitions_by_id[transition.id]
    ppf = scene.layout.px_per_frame
    assert abs(item.pos().x() - scene.layout.x(12)) < 1 and abs(item.rect().width() - 24 * ppf) < 1  # 12 each side
    view.viewport().repaint()  # draws it
    assert session.stack.undo_text.startswith("Add dip to black between")
    session.undo()
    assert v1.transitions == [] and scene.transitions_by_id == {}


def test_drag_the_duration_handle_keeps_the_transition_centred_and_is_one_undo_step(qtbot, filled):
    from studio import edit

    window, v1, _ = filled
    session, view, scene = window.session, window.timeline.view, window.timeline.scene
    left, _ = _cut(window, v1)
    session.push(edit.add_transition(session.project, left.id, "dissolve", 12))
    transition = v1.transitions[0]
    item = scene.transitions_by_id[transition.id]
    ppf = scene.layout.px_per_frame
    handle = view.mapFromScene(item.mapToScene(QPointF(item.rect().width() - 2, item.rect().height() / 2)))
    end = handle + QPoint(round(4 * ppf), 0)
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, handle)
    qtbot.mouseMove(view.viewport(), handle + QPoint(round(2 * ppf), 0))
    qtbot.mouseMove(view.viewport(), end)
    assert item.duration_preview == 20  # 4 frames right: 4 more on each side of the cut
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    assert v1.transitions[0].duration == 20 and item.duration_preview is None
    assert abs(scene.transitions_by_id[transition.id].pos().x() - scene.layout.x(14)) < 1
    assert session.stack.undo_text.startswith("Set duration of the dissolve at frame 24")
    session.undo()
    assert v1.transitions[0].duration == 12


def test_change_kind_and_duration_in_the_editor_and_delete_with_the_delete_key(qtbot, filled):
    from studio import edit
    from studio.gui.transition_editor import TransitionEditor

    window, v1, _ = filled
    session, view, scene = window.session, window.timeline.view, window.timeline.scene
    left, _ = _cut(window, v1)
    session.push(edit.add_transition(session.project, left.id, "dissolve", 12))
    tid = v1.transitions[0].id
    editor = TransitionEditor(session, tid, window)
    assert editor.duration.maximum() == 48  # 24 frames of each clip: 24 before and 24 after the cut
    editor.kind.setCurrentIndex(editor.kind.findData("wipe"))
    editor.duration.setValue(8)
    editor.apply()
    assert (v1.transitions[0].kind, v1.transitions[0].duration) == ("wipe", 8)
    session.undo()  # both in one step
    assert (v1.transitions[0].kind, v1.transitions[0].duration) == ("dissolve", 12)
    item = scene.transitions_by_id[tid]
    middle = view.mapFromScene(item.mapToScene(item.rect().center()))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, middle)
    assert scene.selected_transition == tid and session.selection == []
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert v1.transitions == [] and len(v1.clips) == 2  # the transition went, the clips stayed
    session.undo()
    assert [t.id for t in v1.transitions] == [tid]


def test_the_transition_menu_changes_kind_and_a_moved_clip_drops_its_transition(qtbot, filled):
    from studio import edit

    window, v1, _ = filled
    session, view, scene = window.session, window.timeline.view, window.timeline.scene
    left, right = _cut(window, v1)
    session.push(edit.add_transition(session.project, left.id, "dissolve", 12))
    tid = v1.transitions[0].id
    _right_click(view, scene.transitions_by_id[tid])
    menu = view.transitions.menu
    assert [a.text() for a in menu.actions() if a.text()] == [
        "Dissolve",
        "Dip to black",
        "Wipe",
        "Duration…",
        "Delete Transition",
    ]
    _action(menu, "Wipe").trigger()
    menu.close()
    assert v1.transitions[0].kind == "wipe"
    session.push(edit.move(session.project, right.id, 40))  # the cut is gone: so is its transition
    assert v1.transitions == [] and tid not in scene.transitions_by_id
    session.undo()
    assert v1.transitions[0].kind == "wipe" and tid in scene.transitions_by_id


def test_ctrl_t_adds_a_crossfade_at_the_cut_nearest_the_playhead_on_a_sound_track(qtbot, filled):
    window, _, a1 = filled
    session = window.session
    left, right = _cut(window, a1, 20)
    session.select([right.id])
    session.set_playhead(22)
    window.timeline.view.transitions.add_action.trigger()  # Ctrl+T
    (crossfade,) = a1.transitions
    assert (crossfade.kind, crossfade.from_clip, crossfade.to_clip) == ("dissolve", left.id, right.id)
    assert session.stack.undo_text.startswith("Add crossfade between")
    window.timeline.view.transitions.add_action.trigger()  # no other cut: said in one line
    assert "no cut between two clips near the playhead" in window.error_line.text
