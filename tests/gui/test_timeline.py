"""Timeline panel: tracks (add, rename, mute, solo, lock, height), zoom, drag-move with snapping, rubber band and
Ctrl-click selection, fades by handle, copy/paste, ripple delete, markers; each one undoable step."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt

from studio import edit


def _press_drag(qtbot, view, start: QPoint, end: QPoint, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, modifier, start)
    qtbot.mouseMove(view.viewport(), QPoint((start.x() + end.x()) // 2, (start.y() + end.y()) // 2))
    qtbot.mouseMove(view.viewport(), end)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, modifier, end)


def _point(panel, clip_id: str, x_frac: float, y_frac: float = 0.7) -> QPoint:
    item = panel.scene.items_by_id[clip_id]
    return panel.view.mapFromScene(item.mapToScene(QPointF(item.width * x_frac, item.height * y_frac)))


def test_track_headers_edit_tracks_through_the_undo_stack(filled):
    window, v1, a1 = filled
    session, panel = window.session, window.timeline
    header = next(h for h in panel.headers.headers if h.track_id == a1.id)
    header.toggles["muted"].setChecked(True)
    header.toggles["solo"].setChecked(True)
    header.toggles["locked"].setChecked(True)
    assert (a1.muted, a1.solo, a1.locked) == (True, True, True)
    header = next(h for h in panel.headers.headers if h.track_id == a1.id)  # rebuilt after each edit
    header.name.setText("Dialogue")
    header.name.editingFinished.emit()
    header._resize(+20)
    assert a1.name == "Dialogue" and a1.height == 80
    for _ in range(5):
        session.undo()
    assert (a1.muted, a1.solo, a1.locked, a1.name, a1.height) == (False, False, False, "A1", 60)
    n = len(session.timeline.tracks)
    session.push(lambda: edit.add_track(session.project, "video"))
    assert len(session.timeline.tracks) == n + 1 and len(panel.headers.headers) == n + 1
    assert len(panel.scene.layout.rows) == n + 1


def test_zoom_changes_clip_widths_and_keeps_the_model(filled):
    window, v1, _ = filled
    panel = window.timeline
    item = panel.scene.items_by_id[v1.clips[0].id]
    before = item.width
    panel.view.zoom_by(2.0)
    assert abs(item.width - 2 * before) < 1e-6
    panel.view.zoom_to_fit()
    assert item.width <= panel.view.viewport().width()
    assert v1.clips[0].duration == 48


def test_drag_moves_a_clip_snapping_to_the_playhead_and_undo_puts_it_back(qtbot, filled):
    window, v1, _ = filled
    session, panel = window.session, window.timeline
    clip = v1.clips[0]
    session.set_playhead(60)
    ppf = panel.scene.layout.px_per_frame
    start = _point(panel, clip.id, 0.5)
    end = start + QPoint(round(61.5 * ppf), 0)  # lands 1.5 frames past the playhead: snaps to it
    _press_drag(qtbot, panel.view, start, end)
    assert v1.clips[0].position == 60
    assert session.stack.undo_text.startswith("Move")
    session.undo()
    assert v1.clips[0].position == 0


def test_rubber_band_and_ctrl_click_select_and_ripple_delete_closes_the_gap(qtbot, filled):
    window, v1, a1 = filled
    session, panel = window.session, window.timeline
    from studio.model import Clip, TimeRange, new_id

    second = Clip(new_id("clip"), "second", 60, TimeRange(0, 24), asset_id=v1.clips[0].asset_id)
    session.push(edit.add_clip(session.project, v1.id, second))
    view = panel.view
    empty = view.mapFromScene(QPointF(panel.scene.layout.x(100), panel.scene.layout.height + 15))  # below the tracks
    top_left = view.mapFromScene(QPointF(1, panel.scene.layout.rows[0].top + 2))
    _press_drag(qtbot, view, empty, top_left)
    assert set(session.selection) == {c.id for c in v1.clips + a1.clips}
    qtbot.mouseClick(
        view.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.ControlModifier,
        _point(panel, a1.clips[0].id, 0.5),
    )
    assert a1.clips[0].id not in session.selection
    session.select([v1.clips[0].id])
    assert session.delete_selection(ripple=True)
    assert [(c.name, c.position) for c in v1.clips] == [("second", 12)]  # moved left by 48 frames
    session.undo()
    assert sorted(c.position for c in v1.clips) == [0, 60]


def test_fade_handle_drag_sets_the_fade_and_trim_head_by_edge(qtbot, filled):
    window, v1, a1 = filled
    panel = window.timeline
    panel.view.zoom_by(3.0, 0)
    clip = a1.clips[0]
    item = panel.scene.items_by_id[clip.id]
    handle = panel.view.mapFromScene(item.mapToScene(QPointF(1, 3)))
    ppf = panel.scene.layout.px_per_frame
    _press_drag(qtbot, panel.view, handle, handle + QPoint(round(12 * ppf), 0))
    assert a1.clips[0].audio_fade_in == 12
    head = _point(panel, v1.clips[0].id, 0.0, 0.8) + QPoint(2, 0)
    _press_drag(qtbot, panel.view, head, head + QPoint(round(10 * ppf), 0))
    assert (v1.clips[0].position, v1.clips[0].duration, v1.clips[0].source_range.start) == (10, 38, 10)


def test_copy_paste_at_the_playhead_and_markers(filled):
    window, v1, _ = filled
    session = window.session
    session.select([v1.clips[0].id])
    assert session.copy_selection() == 1
    session.set_playhead(100)
    assert session.paste()
    assert sorted(c.position for c in v1.clips) == [0, 100]
    window.timeline.add_marker()
    assert [m.frame for m in session.timeline.markers] == [100]
    assert "Marker" in session.stack.undo_text or "marker" in session.stack.undo_text
    session.undo()
    session.undo()
    assert len(v1.clips) == 1 and not session.timeline.markers


def test_refused_edit_is_reported_and_changes_nothing(qtbot, filled):
    window, v1, a1 = filled
    session = window.session
    errors = []
    session.error.connect(errors.append)
    history = list(session.stack.history)
    assert not session.push(lambda: edit.move(session.project, v1.clips[0].id, 0, track_id=a1.id))
    assert errors and "track" in errors[0].lower()
    assert session.stack.history == history
