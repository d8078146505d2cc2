"""Editing tools a timeline editor user expects: takes and upgrade in place, the clip menu, keyframes,
snapping, markers, solo, a window that remembers its layout."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt


def test_upgrade_in_place_makes_a_take_keeps_the_trims_and_switching_take_is_one_undo_step(qtbot, filled):
    """Takes and upgrade in place: the clip is regenerated where it is; its old media stays as a take."""
    from studio import edit

    window, v1, a1 = filled
    session, inspector, panel = window.session, window.inspector, window.timeline
    clip = a1.clips[0]
    session.push(edit.trim_head(session.project, clip.id, 6))
    session.push(edit.set_property(session.project, clip.id, "gain_db", -4.0))
    old_asset, before = clip.asset_id, session.timeline.find_clip(clip.id)[1]
    position, source, fade = before.position, before.source_range, before.audio_fade_out
    arrived = []
    session.take_jobs.finished.connect(lambda cid, ok: arrived.append((cid, ok)))
    session.select([clip.id])
    session.take_jobs.generate(clip.id, "sfx", "test-tone", {"prompt": "a lower tone", "duration": 2.0, "seed": 3})
    qtbot.waitUntil(lambda: bool(arrived), timeout=60_000)
    assert arrived == [(clip.id, True)]
    clip = session.timeline.find_clip(clip.id)[1]
    assert clip.asset_id != old_asset and clip.recipe.engine == "test-tone"
    assert (clip.position, clip.source_range, clip.audio_fade_out, clip.gain_db) == (position, source, fade, -4.0)
    assert [t.asset_id for t in clip.takes] == [old_asset]
    assert panel.scene.items_by_id[clip.id].takes_badge() == "2 takes"
    assert inspector.takes.count() == 2 and inspector.takes.isEnabled()
    inspector.takes.activated.emit(1)  # the creator picks "take 1" in the inspector
    clip = session.timeline.find_clip(clip.id)[1]
    assert clip.asset_id == old_asset and session.stack.undo_text.startswith("Switch")
    session.undo()
    assert session.timeline.find_clip(clip.id)[1].asset_id != old_asset
    session.undo()
    clip = session.timeline.find_clip(clip.id)[1]
    assert clip.asset_id == old_asset and clip.takes == []


def test_clip_context_menu_splits_deletes_reveals_and_switches_takes(qtbot, filled):
    """Tools: a right-click menu on a clip with the timeline editor's actions and the clip's takes."""
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QContextMenuEvent
    from PySide6.QtWidgets import QApplication

    from studio import edit

    window, v1, a1 = filled
    session, view = window.session, window.timeline.view
    clip = a1.clips[0]
    from studio.model import Recipe

    tone = clip.asset_id
    session.push(
        edit.add_take(
            session.project,
            clip.id,
            None,
            Recipe("sfx", "test-tone", {"prompt": "beep"}),
            "beep (not made yet)",
            show=False,
        )
    )
    session.set_playhead(20)
    item = window.timeline.scene.items_by_id[clip.id]
    at = view.mapFromScene(item.mapToScene(QPointF(item.width * 0.5, item.height * 0.5)))
    QApplication.sendEvent(
        view.viewport(), QContextMenuEvent(QContextMenuEvent.Reason.Mouse, at, view.viewport().mapToGlobal(at))
    )
    menu = view.clip_menu
    names = [a.text() for a in menu.actions() if a.text()]
    assert names[:3] == ["Split at Playhead", "Delete", "Ripple Delete"]
    assert "Reveal in Bin" in names and "Properties…" in names and "Takes (2)" in names
    assert session.selection == [clip.id]
    takes = next(a for a in menu.actions() if a.text() == "Takes (2)").menu()
    next(a for a in menu.actions() if a.text() == "Reveal in Bin").trigger()
    assert window.media_bin.selected_asset_id() == tone
    takes.actions()[1].trigger()
    assert session.timeline.find_clip(clip.id)[1].asset_id is None
    assert session.timeline.find_clip(clip.id)[1].recipe.request == {"prompt": "beep"}
    menu.close()
    next(a for a in menu.actions() if a.text() == "Split at Playhead").trigger()
    assert len(a1.clips) == 2


def test_keyframe_an_opacity_ramp_in_the_inspector_and_see_it_on_the_clip(qtbot, filled):
    """Keyframes: set at the playhead from the inspector, shown on the clip, one undo step each."""
    window, v1, _ = filled
    session, inspector = window.session, window.inspector
    clip = v1.clips[0]
    session.select([clip.id])
    assert inspector.key_property.currentData() == "opacity"
    session.set_playhead(0)
    inspector.spins["opacity"].setValue(0.0)  # not keyframed yet: the clip's fixed opacity
    inspector.add_keyframe()
    session.set_playhead(24)
    inspector.spins["opacity"].setValue(1.0)  # keyframed now: a change is a keyframe at the playhead
    assert [(k.frame, k.value) for k in clip.keyframes["opacity"]] == [(0, 0.0), (24, 1.0)]
    session.set_playhead(12)
    assert abs(inspector.spins["opacity"].value() - 0.5) < 1e-6  # the value at the playhead
    assert "2 keyframe(s)" in inspector.key_property.currentText()
    item = window.timeline.scene.items_by_id[clip.id]
    marks = item.keyframe_marks()
    assert len(marks) == 2 and marks[0][1] > marks[1][1]  # the second diamond sits higher (opacity 1)
    window.timeline.view.viewport().repaint()  # draws the curve and the diamonds
    session.undo()
    assert [(k.frame, k.value) for k in clip.keyframes["opacity"]] == [(0, 0.0)]
    inspector.remove_keyframe()  # the playhead (12) has no keyframe: refused, said in one line
    assert "no opacity keyframe at frame 12" in window.error_line.text


def test_snapping_toggle_snap_line_home_end_and_the_markers_list(qtbot, filled):
    """Tools: a snapping toggle with a visible snap line, Home/End, named markers with a list and jump-to."""
    from studio import edit

    window, v1, a1 = filled
    session, view = window.session, window.timeline.view
    from studio.gui.timeline.layout import SNAP_PIXELS

    session.set_playhead(60)
    item = window.timeline.scene.items_by_id[a1.clips[0].id]
    ppf = window.timeline.scene.layout.px_per_frame
    assert SNAP_PIXELS / ppf > 1.2  # zoomed out enough that a snap moves the clip by whole frames
    start = view.mapFromScene(item.mapToScene(QPointF(item.width * 0.5, item.height * 0.7)))
    near = start + QPoint(round(59 * ppf), 0)  # its start lands a frame from the playhead
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    qtbot.mouseMove(view.viewport(), start + QPoint(round(30 * ppf), 0))
    qtbot.mouseMove(view.viewport(), near)
    assert view.snap_line == 60  # the line is drawn where it will land
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, near)
    assert a1.clips[0].position == 60 and view.snap_line is None
    session.undo()
    window.snap_action.trigger()  # snapping off
    assert view.snapping is False
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    qtbot.mouseMove(view.viewport(), start + QPoint(round(30 * ppf), 0))
    qtbot.mouseMove(view.viewport(), near)
    assert view.snap_line is None
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, near)
    assert a1.clips[0].position == 59  # where the mouse put it
    for text, frame in (("Go to Start", 0), ("Go to End", session.timeline.duration)):
        next(a for a in window.actions() if a.text() == text).trigger()
        assert session.playhead == frame
    session.push(edit.add_marker(session.project, 30, "drop"))
    session.push(edit.add_marker(session.project, 10, "intro"))
    markers = window.markers.list
    assert [markers.item(i).text() for i in range(markers.count())] == ["intro", "drop"]
    markers.itemActivated.emit(markers.item(1))
    assert session.playhead == 30
    next(a for a in window.actions() if a.text() == "Previous Marker").trigger()
    assert session.playhead == 10
    markers.item(0).setText("opening")
    assert session.timeline.markers[0].name == "opening" and session.stack.undo_text.startswith("Set name")


def test_solo_shows_which_tracks_are_silent(filled):
    """Tools: soloing a track greys out the tracks the mix now leaves out, as the render does."""
    from studio import edit
    from studio.gui.timeline.layout import track_is_silent

    window, v1, a1 = filled
    session = window.session
    session.push(edit.add_track(session.project, "audio"))
    a2 = session.timeline.tracks[-1]
    session.push(edit.set_property(session.project, a2.id, "solo", True))
    headers = {h.track_id: h for h in window.timeline.headers.headers}
    assert headers[a1.id].property("silent") is True and "another track is soloed" in headers[a1.id].toolTip()
    assert headers[a2.id].property("silent") is False and headers[v1.id].property("silent") is False
    assert track_is_silent(session.timeline, a1) and not track_is_silent(session.timeline, a2)


def test_the_window_remembers_layout_zoom_and_playhead_per_project(qtbot, filled, settings):
    """Tools: reopening a project shows it as it was left: docks, zoom, scroll and playhead."""
    from studio.gui.main_window import MainWindow

    window, v1, _ = filled
    session = window.session
    folder = session.project_dir
    saved = []
    window.save(on_done=lambda: saved.append(1))
    qtbot.waitUntil(lambda: bool(saved), timeout=20_000)
    window.timeline.view.zoom_by(2.5)
    session.set_playhead(33)
    window.docks["3D"].hide()
    zoom = window.timeline.view.tscene.layout.px_per_frame
    window.close()
    again = MainWindow(settings=settings)
    qtbot.addWidget(again)
    again.show()
    done = []
    again.open_project(folder, on_done=lambda: done.append(1))
    qtbot.waitUntil(lambda: bool(done), timeout=20_000)
    try:
        assert again.session.playhead == 33
        assert abs(again.timeline.view.tscene.layout.px_per_frame - zoom) < 1e-6
        assert not again.docks["3D"].isVisible() and again.docks["Inspector"].isVisible()
    finally:
        again.discard = True
        again.close()


def test_provenance_is_visible_with_every_dock_open(qtbot, filled):
    """Tools: the inspector's provenance shows without closing the 3D viewer or any other dock."""
    window, v1, _ = filled
    window.resize(1440, 900)
    window.session.select([v1.clips[0].id])
    qtbot.wait(100)
    assert all(dock.isVisible() or window.tabifiedDockWidgets(dock) for dock in window.docks.values())
    assert window.docks["Markers"] in window.tabifiedDockWidgets(window.docks["Jobs"])  # no extra column
    assert window.docks["Timeline"].width() > 0.6 * window.width()
    box = window.inspector.provenance
    scroll = window.docks["Inspector"].widget()
    top_left = box.mapTo(scroll.widget(), box.rect().topLeft())
    visible = scroll.viewport().rect().translated(0, scroll.verticalScrollBar().value())
    assert box.isVisible() and box.height() >= 60
    assert visible.contains(top_left), "the provenance is below the inspector's visible area"
