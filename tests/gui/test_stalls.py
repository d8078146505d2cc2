"""What keeps the GUI thread free while a project loads and the ruler is scrubbed (issue 18's stall goal): scrub stills
render in a child process with the same pixels, a load copies the preview's snapshot off the GUI thread and renders
its first frame once, the bin lists a new project once, and track headers survive edits that do not change them.
The stall figures themselves are a benchmark: ``python -m tests.bench.bench_gui --stalls PROJECT``."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage

from studio import edit


def pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, : image.width() * 3].reshape(image.height(), image.width(), 3).copy()


def shown_after_scrub(qtbot, window, frame: int) -> QImage:
    preview = window.preview
    window.session.set_playhead(frame)
    qtbot.waitUntil(lambda: preview.cache.get(frame) is not None and preview.picture.image is preview.cache[frame])
    return preview.picture.image


def test_scrub_stills_render_in_a_child_process_with_the_pixels_the_thread_made(qtbot, filled):
    from studio.gui.preview_worker import render_preview_frames

    window, _, _ = filled
    preview, session = window.preview, window.session
    shown_after_scrub(qtbot, window, 3)  # the first still renders in a thread while the child starts
    qtbot.waitUntil(lambda: preview.stills.ready, timeout=30_000)
    made = preview.stills.rendered
    image = shown_after_scrub(qtbot, window, 30)
    assert preview.stills.rendered == made + 1, "the still was not rendered by the child process"
    expected = render_preview_frames(session.snapshot(), session.project_dir, 30, 1, preview.preview_size())[30]
    assert np.array_equal(pixels(image), expected)
    session.push(edit.set_property(session.project, filled[1].clips[0].id, "opacity", 0.5))  # the child gets the edit
    image = shown_after_scrub(qtbot, window, 30)
    expected = render_preview_frames(session.snapshot(), session.project_dir, 30, 1, preview.preview_size())[30]
    assert np.array_equal(pixels(image), expected) and preview.stills.rendered == made + 2


def test_a_still_renderer_that_died_is_replaced_and_the_frame_still_arrives(qtbot, filled):
    window, _, _ = filled
    preview = window.preview
    shown_after_scrub(qtbot, window, 3)
    qtbot.waitUntil(lambda: preview.stills.ready, timeout=30_000)
    first = preview.stills._child
    first.kill()
    first.wait()
    assert shown_after_scrub(qtbot, window, 20) is not None  # rendered in a thread this time
    qtbot.waitUntil(lambda: preview.stills.ready and preview.stills._child is not first, timeout=30_000)
    made = preview.stills.rendered
    shown_after_scrub(qtbot, window, 40)
    assert preview.stills.rendered == made + 1


def test_closing_the_window_stops_the_still_renderer(qtbot, filled):
    window, _, _ = filled
    shown_after_scrub(qtbot, window, 3)
    qtbot.waitUntil(lambda: window.preview.stills.ready, timeout=30_000)
    child = window.preview.stills._child
    window.discard = True
    window.close()
    assert child.poll() is not None


def reopen(qtbot, window):
    saved, opened = [], []
    window.session.save(on_done=lambda: saved.append(1))
    qtbot.waitUntil(lambda: bool(saved))
    refreshes = []
    window.media_bin.list.model().modelReset.connect(lambda: refreshes.append(1))  # list.clear() resets the model
    window.preview.requests.clear()
    window.open_project(window.session.project_dir, on_done=lambda: opened.append(window.session.revision))
    qtbot.waitUntil(lambda: bool(opened))
    return opened[0], refreshes


def test_opening_a_project_renders_its_first_frame_once_from_a_snapshot_copied_off_the_gui_thread(qtbot, filled):
    window, _, _ = filled
    session = window.session
    revision, _ = reopen(qtbot, window)
    assert session._snapshot is not None and session._snapshot[0] == revision == session.revision
    assert session._snapshot[1] is not session.project
    qtbot.waitUntil(lambda: window.preview.cache.get(0) is not None)
    qtbot.wait(300)
    assert window.preview.requests == [(0, 1)], "the first frame was rendered more than once"


def test_the_bin_lists_a_newly_opened_project_once_on_the_next_turn(qtbot, filled):
    window, _, _ = filled
    _, refreshes = reopen(qtbot, window)
    qtbot.waitUntil(lambda: window.media_bin.list.count() == 2)
    qtbot.wait(100)
    assert len(refreshes) == 1
    names = sorted(window.media_bin.list.item(i).text() for i in range(2))
    assert all("2.0s" in n for n in names)


def test_track_headers_are_kept_across_clip_edits_and_follow_track_changes(qtbot, filled):
    window, v1, _ = filled
    session = window.session
    before = list(window.timeline.headers.headers)
    session.push(edit.set_property(session.project, v1.clips[0].id, "opacity", 0.5))
    assert window.timeline.headers.headers == before, "a clip edit rebuilt every track header"
    session.push(edit.set_property(session.project, v1.id, "muted", True))
    header = next(h for h in window.timeline.headers.headers if h.track_id == v1.id)
    assert header not in before and header.toggles["muted"].isChecked()
    session.undo()
    header = next(h for h in window.timeline.headers.headers if h.track_id == v1.id)
    assert not header.toggles["muted"].isChecked()
    session.push(edit.set_property(session.project, v1.id, "name", "Pictures"))
    header = next(h for h in window.timeline.headers.headers if h.track_id == v1.id)
    assert header.name.text() == "Pictures"


def paint_in_strips(item, step: int | None) -> np.ndarray:
    """The item painted onto a transparent image, whole (``step`` None) or strip by strip as Qt exposes it."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QPainter
    from PySide6.QtWidgets import QStyleOptionGraphicsItem

    w, h = int(item.width), int(item.height)
    image = QImage(w, h, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    for x in range(0, w, step or w):
        option = QStyleOptionGraphicsItem()
        option.exposedRect = QRectF(x, 0, min(step or w, w - x), h)
        painter.save()
        painter.setClipRect(option.exposedRect)
        item.paint(painter, option)
        painter.restore()
    painter.end()
    return pixels(image)


def test_a_clip_painted_in_playhead_strips_looks_as_painted_whole(qtbot, filled):
    """Clip items paint only what Qt exposes (a playhead strip, not the whole clip); strip by strip, the waveform,
    filmstrip, fades and label come out exactly as one whole paint draws them."""
    from PySide6.QtWidgets import QGraphicsItem

    window, v1, a1 = filled
    session, scene = window.session, window.timeline.scene
    session.push(edit.set_property(session.project, a1.clips[0].id, "audio_fade_in", 12))
    window.timeline.view.zoom_by(4.0)
    cache = scene.media_cache
    video = session.project_dir / session.project.assets[v1.clips[0].asset_id].path
    sound = session.project_dir / session.project.assets[a1.clips[0].asset_id].path
    qtbot.waitUntil(lambda: bool(cache.filmstrip(video)) and cache.peaks(sound) is not None)
    for track in (v1, a1):
        item = scene.items_by_id[track.clips[0].id]
        assert item.flags() & QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption
        assert item.width > 100
        whole, stitched = paint_in_strips(item, None), paint_in_strips(item, 17)
        assert whole[16:].std() > 0 and np.array_equal(whole[16:], stitched[16:]), track.kind  # waveform, filmstrip
        # the label's glyphs cut by a strip's edge antialias a level or two apart (a missing shape differs by ~100)
        assert np.abs(whole.astype(int) - stitched).max() <= 2, track.kind


def test_a_project_opened_during_the_start_up_imports_loads_once_they_are_done(qtbot, window, monkeypatch):
    """Loading beside the start-up warm-up made the two take turns with the GUI thread for the interpreter lock
    (60-160 ms stalls as the project appeared); the load now waits for the warm-up."""
    import threading

    from studio.gui import warmup

    saved, opened = [], []
    window.session.save(on_done=lambda: saved.append(1))
    qtbot.waitUntil(lambda: bool(saved))
    started, done = threading.Event(), threading.Event()
    started.set()  # a warm-up that is still importing
    monkeypatch.setattr(warmup, "_started", started)
    monkeypatch.setattr(warmup, "_done", done)
    window.open_project(window.session.project_dir, on_done=lambda: opened.append(1))
    qtbot.wait(400)
    assert opened == [] and window.windowTitle().startswith("Opening")  # the window says so, and stays live
    done.set()
    qtbot.waitUntil(lambda: bool(opened))
