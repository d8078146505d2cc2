"""The whole loop through the window: generate (draft engines, via the generate panel), drag to the timeline,
trim, split, undo, redo, save, reopen and render, checking the model and the files at each step."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from studio.io import load_project, project_to_dict
from studio.io.probe import probe_media


def _action(window, text: str):
    return next(
        a for a in window.actions() if a.text().split(" ")[0] == text.split(" ")[0] and a.text().startswith(text)
    )


def _track(session, kind: str):
    return next(t for t in session.timeline.tracks if t.kind == kind)


def _drop_asset(window, asset_id: str, track_id: str, frame: int) -> None:
    """A real drag-and-drop event carrying the bin's mime data onto the timeline viewport."""
    view = window.timeline.view
    bin_list = window.media_bin.list
    item = next(
        bin_list.item(i) for i in range(bin_list.count()) if bin_list.item(i).data(Qt.ItemDataRole.UserRole) == asset_id
    )
    mime: QMimeData = bin_list.mimeData([item])
    row = window.timeline.scene.layout.row_of(track_id)
    scene_point = QPointF(window.timeline.scene.layout.x(frame) + 1, row.top + row.height / 2)
    pos = view.mapFromScene(scene_point)
    QApplication.sendEvent(
        view.viewport(),
        QDragEnterEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier),
    )
    QApplication.sendEvent(
        view.viewport(),
        QDropEvent(
            QPointF(pos), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
        ),
    )


def _drag_tail(qtbot, window, clip_id: str, to_frame: int) -> None:
    """Press on a clip's right edge and drag it to ``to_frame`` with the mouse."""
    view = window.timeline.view
    item = window.timeline.scene.items_by_id[clip_id]
    edge = item.mapToScene(QPointF(item.width - 2, item.height * 0.7))
    start = view.mapFromScene(edge)
    end = QPoint(round(view.mapFromScene(QPointF(window.timeline.scene.layout.x(to_frame), edge.y())).x()), start.y())
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(view.viewport(), QPoint((start.x() + end.x()) // 2, start.y()))
    qtbot.mouseMove(view.viewport(), end)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=end)


def test_generate_edit_save_reopen_render_through_the_window(qtbot, window, tmp_path, settings):
    session = window.session
    folder = tmp_path / "Film.studio"
    errors: list[str] = []
    session.error.connect(errors.append)
    assert session.project_dir == folder and (folder / "project.json").exists()

    # 1. Generate a sound effect (to the bin) and a video shot (placed at the playhead) with the draft engines
    sfx = window.generate.show_kind("sfx", {"prompt": "heavy wooden door slams", "duration": 1.0}, engine="draft")
    sfx.at_playhead.setChecked(False)
    qtbot.mouseClick(sfx.button, Qt.MouseButton.LeftButton)
    video = window.generate.show_kind(
        "video", {"prompt": "a lighthouse at dusk, waves", "duration": 1.0, "width": 160, "height": 96}, engine="draft"
    )
    qtbot.mouseClick(video.button, Qt.MouseButton.LeftButton)
    assert "queued" in sfx.status.text() and "queued" in video.status.text()
    v1 = _track(session, "video")
    qtbot.waitUntil(lambda: len(v1.clips) == 1, timeout=20_000)
    assert len(v1.clips) == 1 and v1.clips[0].recipe is not None and v1.clips[0].asset_id is None  # placeholder
    placeholder = v1.clips[0].id
    qtbot.waitUntil(lambda: window.jobs.tree.topLevelItemCount() == 2, timeout=20_000)
    qtbot.waitUntil(
        lambda: not session.busy and {a.kind for a in session.project.assets.values()} >= {"audio", "video"},
        timeout=150_000,
    )
    media = {a.kind: a for a in session.project.assets.values() if a.provenance and a.kind in ("audio", "video")}
    assert set(media) == {"audio", "video"}, (
        [(a.kind, a.name) for a in session.project.assets.values()]
        + errors
        + [j.summary() for j in session.scheduler.jobs()]
    )
    assert media["audio"].provenance["engine"] == "draft" and media["video"].provenance["engine"] == "draft"
    assert v1.clip(placeholder).asset_id == media["video"].id  # the placeholder now shows the generated shot
    assert window.media_bin.list.count() == 2
    assert "wooden door" in window.media_bin.list.item(0).toolTip() + window.media_bin.list.item(1).toolTip()

    # 2. Drag the sound effect from the bin onto A1 at frame 0
    a1 = _track(session, "audio")
    _drop_asset(window, media["audio"].id, a1.id, 0)
    assert len(a1.clips) == 1 and a1.clips[0].asset_id == media["audio"].id and a1.clips[0].position == 0
    sfx_clip = a1.clips[0].id
    assert a1.clips[0].duration == 24  # 1 s at 24 fps

    # 3. Trim the video clip's tail with the mouse, then split the sound at the playhead
    shot = v1.clip(placeholder)
    assert shot.duration == 24
    window.timeline.view.zoom_by(4.0, 0)
    _drag_tail(qtbot, window, placeholder, 18)
    assert v1.clip(placeholder).end == 18
    session.select([sfx_clip])
    session.set_playhead(10)
    _action(window, "Split at Playhead").trigger()
    assert sorted((c.position, c.duration) for c in a1.clips) == [(0, 10), (10, 14)]

    # 4. Undo twice (split, trim), redo twice
    before = project_to_dict(session.project)
    _action(window, "Undo").trigger()
    assert len(a1.clips) == 1
    _action(window, "Undo").trigger()
    assert v1.clip(placeholder).end == 24
    _action(window, "Redo").trigger()
    _action(window, "Redo").trigger()
    assert project_to_dict(session.project) == before
    assert session.bridge.qt_stack.canUndo()

    # 5. Save, reopen in the same window, compare
    saved = []
    window.save(on_done=lambda: saved.append(True))
    qtbot.waitUntil(lambda: bool(saved), timeout=20_000)
    assert not session.is_dirty
    assert project_to_dict(load_project(folder)) == before
    reopened = []
    window.open_project(folder, on_done=lambda: reopened.append(True))
    qtbot.waitUntil(lambda: bool(reopened), timeout=20_000)
    assert project_to_dict(window.session.project) == before
    assert window.timeline.scene.items_by_id.keys() == {c.id for t in session.timeline.tracks for c in t.clips}

    # 6. Render with the draft preset from the render dialog
    dialog = window.render_dialog()
    dialog.preset.setCurrentIndex(dialog.preset.findData("draft-360p"))
    out = tmp_path / "film.mp4"
    dialog.output.setText(str(out))
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.running, timeout=60_000)
    assert dialog.summary is not None, dialog.status.text()
    info = probe_media(out)
    assert info.kind == "video" and info.height == 360 and info.has_audio
    assert abs(float(info.duration_seconds) - 24 / 24) < 0.15
    assert dialog.summary.frames == 24
    dialog.close()
    assert Path(out).stat().st_size > 1000
