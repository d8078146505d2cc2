"""Faults seen in a real window (issue 18), each pinned by a test that failed before its fix."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, Qt
from PySide6.QtGui import QRegion, QWheelEvent


def _covers(region: QRegion, rect) -> bool:
    return QRegion(rect).subtracted(region).isEmpty()  # QRegion.contains(rect) is true for any overlap


class _PaintSpy(QObject):
    """Collects the regions a widget repaints."""

    def __init__(self, widget):
        super().__init__()
        self.region = QRegion()
        widget.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.region = self.region.united(event.region())
        return False


def test_zoom_to_fit_repaints_the_whole_ruler_and_playhead(qtbot, filled):
    """Fault 1: Zoom to Fit redrew the clips but left the ruler's old labels and a ghost playhead."""
    window, v1, _ = filled
    view = window.timeline.view
    window.session.set_playhead(30)
    for zoom, scroll in ((8.0, 200), (0.5, 0)):  # the second fit changes no scroll bar: only the clips moved
        view.zoom_by(zoom)
        view.horizontalScrollBar().setValue(scroll)
        qtbot.wait(50)
        spy = _PaintSpy(view.viewport())
        view.zoom_to_fit()
        qtbot.wait(50)
        assert _covers(spy.region, view.viewport().rect()), "part of the ruler and playhead kept stale pixels"


def test_moving_the_playhead_repaints_its_old_and_new_place_after_a_sideways_scroll(qtbot, filled):
    """Fault 1: no ghost playhead: after a scroll (a blit) the old playhead's pixels are where the blit put them."""
    window, _, _ = filled
    view, session = window.timeline.view, window.session
    view.zoom_by(4.0)
    ppf = view.tscene.layout.px_per_frame
    session.set_playhead(40)
    qtbot.wait(50)
    scroll = round(40 * ppf) - 300
    view.horizontalScrollBar().setValue(scroll)
    qtbot.wait(50)
    drawn_at, new_at = round(40 * ppf - scroll), round(44 * ppf - scroll)
    assert 0 < drawn_at < new_at < view.viewport().width() - 10
    spy = _PaintSpy(view.viewport())
    session.set_playhead(44)
    qtbot.wait(50)
    from PySide6.QtCore import QRect

    tall = 60  # the ruler and the first track
    assert _covers(spy.region, QRect(drawn_at - 6, 0, 13, tall)), "the old playhead stays on screen"
    assert _covers(spy.region, QRect(new_at - 6, 0, 13, tall))
    assert not _covers(spy.region, view.viewport().rect())  # and not every clip is repainted for it


def test_inspector_clears_the_last_clip_when_the_selection_is_cleared_or_the_clip_deleted(filled):
    """Fault 3: the inspector kept the last clip's name and opacity after the selection was cleared."""
    window, v1, _ = filled
    session, inspector = window.session, window.inspector
    session.select([v1.clips[0].id])
    inspector.spins["opacity"].setValue(0.4)
    assert inspector.name.text() == v1.clips[0].name
    session.select([])
    assert inspector.name.text() == "" and not inspector.spins["opacity"].isVisibleTo(inspector)
    session.select([v1.clips[0].id])
    assert inspector.spins["opacity"].value() == 0.4
    session.delete_selection()
    assert inspector.clip_id is None and inspector.name.text() == ""
    assert not inspector.spins["opacity"].isVisibleTo(inspector)


def test_mouse_wheel_over_an_unfocused_inspector_spin_box_changes_nothing(qtbot, filled):
    """Fault 4: the wheel over the inspector's spin boxes changed opacity and marked the project dirty."""
    window, v1, _ = filled
    session, inspector = window.session, window.inspector
    session.select([v1.clips[0].id])
    window.save()
    qtbot.waitUntil(lambda: not session.is_dirty, timeout=10_000)
    spin = inspector.spins["opacity"]
    window.timeline.view.setFocus()
    centre = QPointF(spin.rect().center())
    wheel = QWheelEvent(
        centre,
        spin.mapToGlobal(centre),
        QPoint(0, 0),
        QPoint(0, -120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    from PySide6.QtWidgets import QApplication

    QApplication.sendEvent(spin, wheel)
    assert v1.clips[0].opacity == 1.0 and spin.value() == 1.0 and not session.is_dirty
    assert spin.focusPolicy() == Qt.FocusPolicy.StrongFocus


def _job_event(i: int, state: str = "running", fraction: float | None = 0.12, message: str = "reading the prompt"):
    from studio.scheduler.events import JobEvent
    from studio.scheduler.jobs import Job, new_job_id

    job = Job(
        new_job_id(),
        "sfx",
        "draft",
        "1",
        {"prompt": f"heavy wooden door creaks open slowly, take {i}"},
        "h",
        state=state,
    )
    return JobEvent("progress" if fraction is not None else "state", job, fraction, message)


def test_jobs_dock_keeps_its_width_and_shows_distinct_ids_and_whole_status(qtbot, window):
    """Fault 2: the Jobs dock widened by itself as jobs arrived, ids truncated to one prefix, status cut off."""
    jobs, dock = window.jobs, window.docks["Jobs"]
    qtbot.wait(100)
    width = dock.width()
    events = [_job_event(i, fraction=None) for i in range(12)]
    for event in events:
        jobs.on_event(event)
        jobs.on_event(_job_event(0).__class__("progress", event.job, 0.12, "reading the prompt"))
    jobs._show_latest()
    jobs._show_stats(
        {
            "jobs": {"running": 3, "queued": 7, "done": 40, "failed": 2, "cancelled": 1},
            "jobs_per_min": 12.5,
            "model_loads": 14,
            "cache_hits": 23,
        }
    )
    qtbot.wait(100)
    assert abs(dock.width() - width) <= 2, f"the dock went from {width} to {dock.width()} px"
    shown = [jobs.rows[e.job.id].text(0) for e in events]
    assert len(set(shown)) == len(shown), f"job ids shown alike: {shown[:3]}"
    fm = jobs.tree.fontMetrics()
    for column in (0, 2):
        text = jobs.rows[events[0].job.id].text(column)
        assert fm.horizontalAdvance(text) <= jobs.tree.columnWidth(column) - 8, f"{text!r} is cut off"
    assert "reading the prompt" in jobs.rows[events[0].job.id].text(2)
    assert jobs.rows[events[0].job.id].toolTip(0) == events[0].job.id


def test_render_dialog_remembers_its_preset_resets_after_cancel_and_writes_a_readable_file(qtbot, filled, tmp_path):
    """Fault 12: the dialog forgot its preset, kept "12% frame 63/1444" after a cancel, wrote mode 0600."""
    import os
    import stat

    window, _, _ = filled
    dialog = window.render_dialog()
    dialog.preset.setCurrentIndex(dialog.preset.findData("draft-360p"))
    dialog.output.setText(str(tmp_path / "long.mp4"))
    dialog._show_progress(0.12, "frame 63/1444")
    dialog._shown_at = 0.0
    dialog.start()
    dialog.cancel_or_close()
    qtbot.waitUntil(lambda: not dialog.running, timeout=60_000)
    assert "frame" not in dialog.bar.text() and dialog.bar.value() <= 0
    dialog.close()
    again = window.render_dialog()
    assert again.preset.currentData() == "draft-360p"
    out = tmp_path / "film.mp4"
    again.output.setText(str(out))
    umask = os.umask(0o022)
    os.umask(umask)
    again.start()
    qtbot.waitUntil(lambda: not again.running, timeout=60_000)
    assert again.summary is not None, again.status.text()
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask
    again.close()


def test_failed_generation_keeps_its_placeholder_with_the_error_retry_remove_and_render_with_gaps(
    qtbot, filled, tmp_path
):
    """Fault 5: a failed generation left a silent placeholder that blocked rendering; the error pointed at a CLI
    flag and vanished from the status bar."""
    from pipelines import registry
    from pipelines.registry import EngineSpec

    window, v1, a1 = filled
    session, inspector = window.session, window.inspector
    registry.register(
        EngineSpec(
            "sfx",
            "fake-fail",
            "pipelines.testing:FakeModel",
            memory_mb=10,
            options=(("engine", "fake-fail"),),
            description="fails when asked",
        )
    )
    try:
        session.set_playhead(60)
        session.generate("sfx", "fake-fail", {"prompt": "raise", "duration": 1.0}, at_playhead=True)
        qtbot.waitUntil(lambda: bool(session.failed), timeout=60_000)
        clip_id, reason = next(iter(session.failed.items()))
        assert "asked to fail" in reason
        assert session.timeline.find_clip(clip_id)[1].recipe is not None  # the placeholder stays
        assert "asked to fail" in window.error_line.text and window.error_line.isVisible()
        qtbot.wait(200)
        assert window.error_line.isVisible()  # no timer takes it away
        session.select([clip_id])
        assert inspector.failed_box.isVisibleTo(inspector) and "asked to fail" in inspector.failure.text()
        inspector.retry.click()
        assert clip_id not in session.failed and session.progress.get(clip_id) == 0.0
        qtbot.waitUntil(lambda: clip_id in session.failed, timeout=60_000)  # the same request fails again
        dialog = window.render_dialog()
        dialog.preset.setCurrentIndex(dialog.preset.findData("draft-360p"))
        dialog.output.setText(str(tmp_path / "blocked.mp4"))
        dialog.start()
        qtbot.waitUntil(lambda: not dialog.running, timeout=60_000)
        assert dialog.summary is None and "Render with gaps" in dialog.status.text()
        assert "--allow-missing" not in dialog.status.text().split("\n")[-1]
        dialog.gaps.setChecked(True)
        dialog.output.setText(str(tmp_path / "gaps.mp4"))
        dialog.start()
        qtbot.waitUntil(lambda: not dialog.running, timeout=60_000)
        assert dialog.summary is not None and (tmp_path / "gaps.mp4").stat().st_size > 0
        dialog.close()
        inspector.remove.click()
        assert clip_id not in {c.id for c in a1.clips} and clip_id not in session.failed
        session.undo()
        assert clip_id in {c.id for c in a1.clips}
    finally:
        registry.unregister("sfx", "fake-fail")


def test_autosave_follows_a_change_within_seconds_and_never_repeats_an_unchanged_project(qtbot, filled):
    """Fault 9: autosave every 60 s lost up to a minute; an unchanged project wrote identical autosaves."""
    from studio import edit
    from studio.gui.main_window import AUTOSAVE_DELAY_MS

    window, v1, _ = filled
    session = window.session
    folder = session.project_dir / "autosave"
    before = set(folder.glob("*.json"))
    session.push(lambda: edit.set_property(session.project, v1.id, "name", "Changed"))
    qtbot.waitUntil(
        lambda: bool(set(folder.glob("*.json")) - before) and not session.tasks.busy, timeout=AUTOSAVE_DELAY_MS + 5_000
    )
    written = set(folder.glob("*.json"))
    assert len(written - before) == 1
    for _ in range(3):  # what a periodic timer would do with nothing new to save
        assert session.autosave() is False
    window.autosave_timer.timeout.emit()
    session.tasks.wait()
    qtbot.wait(50)
    assert set(folder.glob("*.json")) == written
    session.push(lambda: edit.set_property(session.project, v1.id, "name", "Changed again"))
    assert session.autosave() is True


def test_recovery_is_asked_before_any_window_shows(qtbot, filled, monkeypatch, tmp_path):
    """Fault 9: the recovery prompt came up over an empty "Untitled" window."""
    from PySide6.QtWidgets import QApplication

    from studio import edit
    from studio.gui.app import open_window
    from studio.gui.main_window import MainWindow
    from studio.io import autosave

    window, v1, _ = filled
    session = window.session
    saved = []
    window.save(on_done=lambda: saved.append(1))
    qtbot.waitUntil(lambda: bool(saved), timeout=20_000)
    folder = session.project_dir
    session.push(lambda: edit.set_property(session.project, v1.id, "name", "After the crash"))
    autosave(session.project, folder)
    window.discard = True
    window.close()
    monkeypatch.setenv("HOME", str(tmp_path))  # the app's own settings file stays out of the user's
    asked = []

    def ask(parent, path):
        asked.append([w.isVisible() for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)])
        return True

    second = open_window(folder, ask_recover=ask)
    qtbot.addWidget(second)
    try:
        assert asked and not any(asked[0]) and second.windowTitle().startswith("Opening")
        qtbot.waitUntil(lambda: second.session.project_dir == folder, timeout=20_000)
        assert second.session.timeline.track(v1.id).name == "After the crash"
    finally:
        second.discard = True
        second.close()


def test_quit_right_after_save_quits_at_once_and_leaves_no_recovery_behind(qtbot, filled):
    """Fault 7: Ctrl+Q right after Ctrl+S; quitting froze the window while the workers shut down."""
    from studio import edit
    from studio.io import load_project, newest_autosave

    window, v1, _ = filled
    session = window.session
    for text in ("Save", "Quit"):  # they work from floating docks and dialogs too
        action = next(a for a in window.actions() if a.text() == text)
        assert action.shortcutContext() == Qt.ShortcutContext.ApplicationShortcut
    session.scheduler  # noqa: B018 - a running scheduler, as after any generation
    seen = []
    shutdown = session.scheduler.shutdown
    session.scheduler.shutdown = lambda *a, **k: (seen.append(window.isVisible()), shutdown(*a, **k))
    session.push(lambda: edit.set_property(session.project, v1.id, "name", "Saved then quit"))
    folder = session.project_dir
    window.save()
    assert window.close()
    assert seen == [False], "the window stayed on screen while the scheduler shut down"
    assert load_project(folder).timeline.track(v1.id).name == "Saved then quit"
    assert newest_autosave(folder) is None, "a finished save left an autosave to 'recover' on the next open"


def test_buttons_and_labels_show_their_whole_text_and_provenance_reads_as_words(qtbot, filled):
    """Fault 10: "..." drawn as ".", a clipped track menu button, "(168 frames" cut off, "Understood" shown as a
    Python dict, bin items named by hash while their clips used the prompt."""
    from fractions import Fraction

    from PySide6.QtWidgets import QPushButton

    from studio.gui.media_bin import provenance_text
    from studio.model import Asset

    window, v1, _ = filled
    qtbot.wait(100)
    for header in window.timeline.headers.headers:
        button = header.menu_button
        assert button.text() != "..." and button.fontMetrics().horizontalAdvance(button.text()) <= button.width() - 6
        assert header.rect().contains(button.geometry()), "the track menu button is clipped"
    form = window.generate.show_kind("video", {"prompt": "x"})
    qtbot.wait(50)
    for button in form.findChildren(QPushButton):  # the "choose a file" buttons beside image fields
        if button.isVisibleTo(form):
            assert button.fontMetrics().horizontalAdvance(button.text()) <= button.width() - 20, button.text()
    dialog = window.render_dialog()
    qtbot.wait(50)
    for button in dialog.findChildren(QPushButton):
        assert button.fontMetrics().horizontalAdvance(button.text()) <= button.width() - 8, button.text()
    dialog.close()
    window.session.select([v1.clips[0].id])
    where = window.inspector.where
    qtbot.wait(50)
    assert "(48 frames)" in where.text() and where.heightForWidth(where.width()) <= where.height()
    asset = Asset(
        "a1",
        "sfx-79e4f2978daa",
        "media/x.wav",
        "audio",
        duration_seconds=Fraction(2),
        provenance={
            "prompt": "heavy wooden door creaks open",
            "engine": "draft",
            "seed": 1,
            "understood": {"sounds": ["door creak", "room"], "space": "indoor", "score": 0.61},
        },
    )
    text = provenance_text(asset, rich=False)
    assert "Understood: sounds: door creak, room; space: indoor; score: 0.61" in text and "{" not in text
    assert "Name: heavy wooden door creaks open" in text
    window.session.project.assets[asset.id] = asset
    window.session.assets_changed.emit()
    caption = next(
        window.media_bin.list.item(i).text()
        for i in range(window.media_bin.list.count())
        if window.media_bin.list.item(i).data(Qt.ItemDataRole.UserRole) == asset.id
    )
    assert caption.startswith("heavy wooden door")
    a1 = next(t for t in window.session.timeline.tracks if t.kind == "audio")
    clip_id = window.session.add_asset_clip(asset.id, a1.id, 200)
    assert window.session.timeline.find_clip(clip_id)[1].name == "heavy wooden door creaks open"


def _longer(session, v1, a1, copies: int = 4) -> None:
    from studio import edit
    from studio.model import Clip, TimeRange, new_id

    for i in range(1, copies):
        for track in (v1, a1):
            first = track.clips[0]
            session.push(
                edit.add_clip(
                    session.project,
                    track.id,
                    Clip(new_id("clip"), f"c{i}", 48 * i, TimeRange(0, 48), asset_id=first.asset_id),
                )
            )


def test_scrubbing_renders_single_frames_one_at_a_time_ending_on_the_frame_stopped_on(qtbot, filled):
    """Fault 11: each scrub position queued a 48-frame chunk; the frame stopped on came seconds late."""
    window, v1, a1 = filled
    session, view, preview = window.session, window.timeline.view, window.preview
    _longer(session, v1, a1)
    view.zoom_to_fit()
    qtbot.wait(50)
    preview.requests.clear()
    y = 5  # on the ruler
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(10, y))
    moves = range(10, view.viewport().width() - 60, 25)
    for x in moves:
        qtbot.mouseMove(view.viewport(), QPoint(x, y))
        qtbot.wait(5)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(x, y))
    stopped_on = session.playhead
    assert stopped_on > 96
    qtbot.waitUntil(lambda: stopped_on in preview.cache, timeout=30_000)
    assert all(count == 1 for _, count in preview.requests), preview.requests
    assert preview.requests[-1][0] == stopped_on
    assert len(preview.requests) < len(moves) / 2  # one in flight; the positions passed meanwhile never queued
    assert preview.picture.image is preview.cache[stopped_on]


def test_first_play_after_an_edit_renders_a_few_frames_first(qtbot, filled):
    """Fault 11: the first play after an edit waited for a whole chunk (the picture 1.5 s behind the time)."""
    from studio import edit
    from studio.gui.preview import LEAD_FRAMES

    window, v1, a1 = filled
    session, preview = window.session, window.preview
    _longer(session, v1, a1)
    session.set_playhead(60)
    session.push(lambda: edit.set_property(session.project, v1.clips[0].id, "opacity", 0.5))
    preview.requests.clear()
    preview.play(1)
    assert preview.requests[0] == (60, LEAD_FRAMES) and preview.requests[1] == (48, 48)
    qtbot.waitUntil(lambda: preview.picture.image is not None and bool(preview.cache), timeout=30_000)
    preview.pause()
