"""The other panels: inspector, generate form errors, media bin import and provenance, preview frames and
transport, jobs panel controls, 3D viewer, render cancel, autosave recovery."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from studio.io import autosave, load_project


def test_inspector_edits_are_undoable_and_show_provenance(filled):
    window, v1, a1 = filled
    session, inspector = window.session, window.inspector
    session.select([a1.clips[0].id])
    assert inspector.clip_id == a1.clips[0].id
    assert "imported file" in inspector.provenance.toPlainText() and "Duration" in inspector.provenance.toPlainText()
    inspector.spins["gain_db"].setValue(-6.0)
    assert a1.clips[0].gain_db == -6.0 and session.stack.undo_text.startswith("Set")
    session.select([v1.clips[0].id])
    inspector.spins["opacity"].setValue(0.5)
    assert v1.clips[0].opacity == 0.5
    assert not inspector.spins["gain_db"].isVisible() or not inspector.isVisible()
    session.undo()
    session.undo()
    assert a1.clips[0].gain_db == 0.0 and v1.clips[0].opacity == 1.0


def test_generate_form_refuses_a_bad_request_with_one_line_and_queues_nothing(window):
    form = window.generate.show_kind("video", {"prompt": "a boat", "width": 161})
    form.submit()
    assert "even" in form.status.text() and form.status.property("error") is True
    assert not window.session.has_scheduler and not window.session.timeline.tracks[0].clips
    form = window.generate.show_kind("sfx", {"prompt": "   "})
    form.submit()
    assert "prompt is empty" in form.status.text()


def test_media_bin_imports_dropped_files_and_lists_them_with_durations(qtbot, window, media_files):
    video, tone = media_files
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(video)), QUrl.fromLocalFile(str(tone))])
    bin_list = window.media_bin.list
    QApplication.sendEvent(
        bin_list.viewport(),
        QDragEnterEvent(
            QPoint(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
        ),
    )
    QApplication.sendEvent(
        bin_list.viewport(),
        QDropEvent(
            QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
        ),
    )
    qtbot.waitUntil(lambda: bin_list.count() == 2, timeout=20_000)
    texts = sorted(bin_list.item(i).text() for i in range(2))
    assert all("2.0s" in t for t in texts)
    assert all("imported file" in bin_list.item(i).toolTip() for i in range(2))
    for asset in window.session.project.assets.values():
        assert (window.session.project_dir / asset.path).is_file()


def test_preview_shows_composited_frames_and_steps_and_plays(qtbot, filled):
    window, v1, _ = filled
    preview, session = window.preview, window.session
    session.set_playhead(12)
    qtbot.waitUntil(lambda: 12 in preview.cache, timeout=20_000)
    image = preview.cache[12]
    assert (image.width(), image.height()) == preview.preview_size()
    assert image.pixelColor(image.width() // 2, image.height() // 2).value() > 0  # colour bars, not black
    assert "00:00:00:12" in preview.time_label.text()
    preview.step(1)
    assert session.playhead == 13
    preview.mark_in()
    preview.step(10)
    preview.mark_out()
    assert (session.in_point, session.out_point) == (13, 23)
    preview.play(1)
    qtbot.waitUntil(lambda: not preview.playing, timeout=10_000)  # stops at the out point
    assert session.playhead == 22


def test_jobs_panel_shows_metrics_and_cancels_retries_and_moves_up(qtbot, window):
    session, jobs = window.session, window.jobs
    queued = []
    for i in range(3):
        session.generate(
            "sfx", "test-tone", {"prompt": f"tone {i}", "duration": 1.0}, priority="batch", on_queued=queued.append
        )
    qtbot.waitUntil(lambda: len(queued) == 3, timeout=20_000)
    last = queued[-1].id
    qtbot.waitUntil(lambda: last in jobs.rows, timeout=20_000)
    jobs.tree.setCurrentItem(jobs.rows[last])
    jobs.move_up_selected()
    jobs.cancel_selected()
    qtbot.waitUntil(lambda: session.scheduler.job(last).finished, timeout=30_000)
    if session.scheduler.job(last).state == "cancelled":
        jobs.retry_selected()
    qtbot.waitUntil(lambda: all(session.scheduler.job(j.id).state == "done" for j in queued), timeout=60_000)
    qtbot.waitUntil(lambda: jobs.rows[queued[0].id].text(6) != "", timeout=10_000)
    row = jobs.rows[queued[0].id]
    assert row.text(2) == "done" and row.text(6).endswith(" s") and "audio seconds/s" in row.text(7)
    assert jobs.bars[queued[0].id].value() == 1000


def test_viewer_orbits_a_mesh_and_exports_glb(qtbot, window, tmp_path):
    from PIL import Image

    from pipelines import registry

    Image.new("RGB", (64, 64), "orange").save(tmp_path / "object.png")
    cube = registry.create("3d", "test-cube")(
        registry.make_request("3d", image=str(tmp_path / "object.png")), output_dir=tmp_path / "c"
    )
    mesh_file = cube.file("mesh.glb") or cube.primary
    got = []
    window.session.import_paths([mesh_file.path], on_done=got.extend)
    qtbot.waitUntil(lambda: bool(got), timeout=20_000)
    viewer = window.viewer3d
    assert viewer.open_asset(got[0].id)
    qtbot.waitUntil(lambda: viewer.view.mesh is not None, timeout=20_000)
    before = viewer.view.grab().toImage()
    viewer.view.turn(40, 20)
    after = viewer.view.grab().toImage()
    assert before != after
    out = viewer.export(tmp_path / "out.glb")
    assert out.read_bytes()[:4] == b"glTF"


def test_render_cancel_leaves_no_file(qtbot, filled, tmp_path):
    window, _, _ = filled
    dialog = window.render_dialog()
    dialog.preset.setCurrentIndex(dialog.preset.findData("draft-360p"))
    out = tmp_path / "cancelled.mp4"
    dialog.output.setText(str(out))
    dialog.start()
    dialog.cancel_or_close()
    qtbot.waitUntil(lambda: not dialog.running, timeout=60_000)
    assert dialog.summary is None and "cancel" in dialog.status.text().lower()
    assert not out.exists() and not list(tmp_path.glob(".cancelled*"))


def test_autosave_is_offered_and_recovered_after_a_crash(qtbot, filled):
    window, v1, _ = filled
    session = window.session
    folder = session.project_dir
    saved = []
    window.save(on_done=lambda: saved.append(1))
    qtbot.waitUntil(lambda: bool(saved), timeout=20_000)
    session.push(
        lambda: __import__("studio.edit", fromlist=["x"]).set_property(session.project, v1.id, "name", "Recovered")
    )
    time.sleep(0.01)
    autosave(session.project, folder)  # what the timer writes; then the app "crashes" (no save)
    offered = []
    window.ask_recover = lambda parent, path: offered.append(path) or True
    done = []
    window.open_project(folder, on_done=lambda: done.append(1))
    qtbot.waitUntil(lambda: bool(done), timeout=20_000)
    assert offered and Path(offered[0]).parent.name == "autosave"
    assert window.session.timeline.track(v1.id).name == "Recovered"
    assert load_project(folder).timeline.track(v1.id).name == "Recovered"


def test_inspector_offers_a_new_variation_and_another_engine_for_a_generated_clip(filled):
    from studio import edit
    from studio.model import Clip, Recipe, TimeRange, new_id

    window, v1, _ = filled
    session, inspector = window.session, window.inspector
    inspector.regenerate.disconnect(window._regenerate)  # look at what would be generated, without running it
    asked = []
    inspector.regenerate.connect(lambda kind, engine, fields: asked.append((kind, engine, fields)))
    clip = Clip(
        new_id("clip"),
        "boat",
        100,
        TimeRange(0, 24),
        recipe=Recipe("video", "draft", {"prompt": "a boat at dawn", "seed": 7, "duration": 1.0}),
    )
    session.push(edit.add_clip(session.project, v1.id, clip))
    session.select([clip.id])
    assert inspector.variation.isEnabled() and "Waiting for generated video" in inspector.provenance.toPlainText()
    inspector.new_variation()
    assert asked[-1] == ("video", "draft", {"prompt": "a boat at dawn", "seed": 8, "duration": 1.0})
    engines = [inspector.engine.itemData(i) for i in range(inspector.engine.count())]
    assert "draft" not in engines and "ltx-video" in engines
    inspector.engine.setCurrentIndex(engines.index("ltx-video"))
    inspector.regenerate_with()
    assert asked[-1][:2] == ("video", "ltx-video") and asked[-1][2]["seed"] == 7
