"""Keyframes on position and scale edited in the inspector, and keyframe diamonds dragged along the clip in the
timeline (one undo step per drag)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt

from studio import edit


def _zoomed(window, px_per_frame: float = 8.0):
    view = window.timeline.view
    view.tscene.layout.set_zoom(px_per_frame)
    view.tscene.relayout()
    view.horizontalScrollBar().setValue(0)
    return view


def _drag(qtbot, view, item, at: tuple[float, float], frames: int) -> None:
    ppf = view.tscene.layout.px_per_frame
    start = view.mapFromScene(item.mapToScene(QPointF(*at)))
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    qtbot.mouseMove(view.viewport(), start + QPoint(round(frames * ppf / 2), 0))
    qtbot.mouseMove(view.viewport(), start + QPoint(round(frames * ppf), 0))
    qtbot.mouseRelease(
        view.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        start + QPoint(round(frames * ppf), 0),
    )


def test_dragging_an_opacity_keyframe_moves_it_and_undo_restores_it(qtbot, filled):
    window, v1, _ = filled
    session = window.session
    clip = v1.clips[0]
    session.push(edit.set_keyframe(session.project, clip.id, "opacity", 0, 0.0))
    session.push(edit.set_keyframe(session.project, clip.id, "opacity", 24, 1.0, "ease"))
    view = _zoomed(window)
    item = window.timeline.scene.items_by_id[clip.id]
    x, y = item.keyframe_marks()[1]
    _drag(qtbot, view, item, (x, y), 12)
    keys = session.timeline.find_clip(clip.id)[1].keyframes["opacity"]
    assert [(k.frame, k.value, k.curve) for k in keys] == [(0, 0.0, "linear"), (36, 1.0, "ease")]
    assert [c.position for c in v1.clips] == [0]  # the clip itself did not move
    assert session.stack.undo_text.startswith("Move keyframe")
    session.undo()
    keys = session.timeline.find_clip(clip.id)[1].keyframes["opacity"]
    assert [(k.frame, k.value) for k in keys] == [(0, 0.0), (24, 1.0)]


def test_position_and_scale_keyframes_from_the_inspector_drag_together_on_the_clip(qtbot, filled):
    window, v1, _ = filled
    session, inspector = window.session, window.inspector
    clip = v1.clips[0]
    session.select([clip.id])
    inspector.key_property.setCurrentIndex(inspector.key_property.findData("scale"))
    session.set_playhead(8)
    inspector.spins["scale"].setValue(0.5)  # not keyframed yet: the clip's fixed scale
    assert session.timeline.find_clip(clip.id)[1].transform.scale == 0.5
    inspector.add_keyframe()
    inspector.key_property.setCurrentIndex(inspector.key_property.findData("x"))
    inspector.spins["x"].setValue(-0.25)
    inspector.add_keyframe()
    session.set_playhead(40)
    inspector.spins["scale"].setValue(1.0)  # keyframed now: a change is a keyframe at the playhead
    session.set_playhead(24)
    assert abs(inspector.spins["scale"].value() - 0.75) < 1e-6  # the value half way, at the playhead
    clip = session.timeline.find_clip(clip.id)[1]
    assert [(k.frame, k.value) for k in clip.keyframes["scale"]] == [(8, 0.5), (40, 1.0)]
    assert [(k.frame, k.value) for k in clip.keyframes["x"]] == [(8, -0.25)]
    view = _zoomed(window)
    item = window.timeline.scene.items_by_id[clip.id]
    lane = [(x, y) for x, y in item.keyframe_marks() if y > item.height - 10]  # the position/scale lane
    assert len(lane) == 2  # one diamond per frame: x and scale at 8 share one
    window.timeline.view.viewport().repaint()
    _drag(qtbot, view, item, lane[0], 4)
    clip = session.timeline.find_clip(clip.id)[1]
    assert [k.frame for k in clip.keyframes["scale"]] == [12, 40] and [k.frame for k in clip.keyframes["x"]] == [12]
    session.undo()  # one step for the whole drag
    clip = session.timeline.find_clip(clip.id)[1]
    assert [k.frame for k in clip.keyframes["scale"]] == [8, 40] and [k.frame for k in clip.keyframes["x"]] == [8]
