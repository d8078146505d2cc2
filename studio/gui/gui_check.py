"""``python -m studio.gui.gui_check docs/`` (``make gui-check``): the real app in a real window (run it under Xvfb
with ``QT_QPA_PLATFORM=xcb``) driven through a creator's session, with a screenshot after each step.

Open a project made with the draft engines, play (reading the meters and the mix's loudness), trim a clip by dragging its edge, split at the playhead,
add a dissolve at the cut (Ctrl+T) and drag its duration handle, keyframe an opacity ramp, play that shot at
2x, make a new take of a shot in place and switch back to the first take, open the clip menu, render through the render
dialog. Each step checks what it changed and stops with a one-line error naming the step if it did not.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("STUDIO_AUDIO", "null")


class CheckFailed(RuntimeError):
    pass


def _wait(app, condition, timeout: float, step: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise CheckFailed(f"{step}: not done within {timeout:.0f} s")
        app.processEvents()
        time.sleep(0.01)


def _pump(app, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def _drag(app, widget, start, end) -> None:
    """Press, move (twice) and release the left button as the window system would deliver them."""
    from PySide6.QtCore import QEvent, QPointF, Qt
    from PySide6.QtGui import QMouseEvent

    middle = QPointF((start.x() + end.x()) / 2, (start.y() + end.y()) / 2)
    for kind, at in (
        (QEvent.Type.MouseButtonPress, QPointF(start)),
        (QEvent.Type.MouseMove, middle),
        (QEvent.Type.MouseMove, QPointF(end)),
        (QEvent.Type.MouseButtonRelease, QPointF(end)),
    ):
        buttons = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseButtonRelease else Qt.MouseButton.LeftButton
        app.sendEvent(
            widget,
            QMouseEvent(
                kind, at, widget.mapToGlobal(at), Qt.MouseButton.LeftButton, buttons, Qt.KeyboardModifier.NoModifier
            ),
        )
        app.processEvents()


def main(argv: list[str] | None = None) -> int:
    from PySide6.QtCore import QPoint, QPointF, QSettings

    from studio import edit
    from studio.gui.app import make_app
    from studio.gui.main_window import MainWindow
    from studio.gui.screenshots import _make_media
    from studio.gui.settings import Settings
    from studio.model import Clip, TimeRange, new_id

    out = Path((argv or sys.argv[1:] or ["docs"])[0])
    out.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="studio-gui-check-"))
    os.environ.setdefault("STUDIO_DATA_DIR", str(scratch / "data"))
    app = make_app()
    print(f"platform: {app.platformName()}")
    window = MainWindow(settings=Settings(QSettings(str(scratch / "s.ini"), QSettings.Format.IniFormat)))
    window.resize(1600, 980)
    window.show()
    session = window.session
    shots: list[Path] = []

    def shot(name: str) -> None:
        _pump(app, 0.3)
        path = out / f"gui-check-{len(shots) + 1}-{name}.png"
        window.grab().save(str(path))
        shots.append(path)
        print(f"wrote {path}")

    # 1. open a project with three draft shots and their sounds
    window.new_project(scratch / "Check.studio")
    assets: list = []
    session.import_paths(_make_media(scratch / "made"), on_done=assets.extend)
    _wait(app, lambda: len(assets) == 6, 120, "import the draft media")
    v1, a1 = session.timeline.tracks[0], session.timeline.tracks[1]
    position = 0
    for video, sound in zip(assets[:3], assets[3:], strict=True):
        length = video.duration_frames(session.rate)
        session.push(
            edit.add_clip(
                session.project,
                v1.id,
                Clip(new_id("clip"), video.display_name, position, TimeRange(0, length), asset_id=video.id),
            )
        )
        sound_length = min(length, sound.duration_frames(session.rate))
        session.push(
            edit.add_clip(
                session.project,
                a1.id,
                Clip(new_id("clip"), sound.display_name, position, TimeRange(0, sound_length), asset_id=sound.id),
            )
        )
        position += length
    window.timeline.view.zoom_to_fit()
    shot("opened")

    # 2. play for a second
    window.preview.play(1)
    _pump(app, 1.0)
    peak = max(window.preview.meters.peak_db)
    shot("played")
    window.preview.pause()
    if session.playhead <= 0:
        raise CheckFailed("play: the playhead did not move")
    print(f"meters while playing: peak {peak:.1f} dBFS")
    _wait(app, lambda: "LUFS" in window.preview.loudness_label.text(), 120, "the mix's loudness against -14 LUFS")
    print(f"master loudness: {window.preview.loudness_label.text()}")

    # 3. trim the second shot's end by dragging its edge to the left
    view = window.timeline.view
    clip = v1.clips[1]
    length = clip.duration
    item = window.timeline.scene.items_by_id[clip.id]
    edge = view.mapFromScene(item.mapToScene(QPointF(item.width - 3, item.height * 0.7)))
    _drag(app, view.viewport(), edge, QPoint(edge.x() - max(20, round(item.width / 4)), edge.y()))
    trimmed = session.timeline.find_clip(clip.id)[1]
    if trimmed.duration >= length or not session.stack.undo_text.startswith("Trim"):
        raise CheckFailed(f"trim: the clip is still {trimmed.duration} frames")
    shot("trimmed")

    # 4. split the first shot at the playhead
    first = v1.clips[0]
    session.select([first.id])
    session.set_playhead(first.position + first.duration // 2)
    count = len(v1.clips)
    session.split_at_playhead()
    if len(session.timeline.track(v1.id).clips) != count + 1:
        raise CheckFailed("split: the clip was not cut in two")
    shot("split")

    # 4b. a dissolve at the new cut (Ctrl+T: the cut nearest the playhead), then its duration handle dragged longer
    left = session.timeline.track(v1.id).clips[0]
    session.set_playhead(left.end)
    view.transitions.add_action.trigger()
    transitions = session.timeline.track(v1.id).transitions
    if len(transitions) != 1 or transitions[0].from_clip != left.id:
        raise CheckFailed("transition: Ctrl+T did not add a transition at the cut")
    before = transitions[0].duration
    box = window.timeline.scene.transitions_by_id[transitions[0].id]
    handle = view.mapFromScene(box.mapToScene(QPointF(box.rect().width() - 2, box.rect().height() / 2)))
    _drag(app, view.viewport(), handle, QPoint(handle.x() + 24, handle.y()))
    if session.timeline.track(v1.id).transitions[0].duration <= before:
        raise CheckFailed("transition: dragging its handle did not make it longer")
    shot("transition")

    # 5. keyframe an opacity ramp on the second shot in the inspector (0 at its start, 1 a second later)
    ramp = session.timeline.track(v1.id).clips[1]
    session.select([ramp.id])
    session.set_playhead(ramp.position)
    window.inspector.spins["opacity"].setValue(0.0)
    window.inspector.add_keyframe()
    session.set_playhead(ramp.position + min(ramp.duration - 1, round(session.rate)))
    window.inspector.spins["opacity"].setValue(1.0)
    if len(session.timeline.find_clip(ramp.id)[1].keyframes.get("opacity", [])) != 2:
        raise CheckFailed("keyframes: the opacity ramp does not have its two keyframes")
    session.set_playhead(ramp.position + round(session.rate) // 2)
    shot("keyframed")

    # 5b. the ramped shot at 2x in the inspector: half as long, its start kept
    before = session.timeline.find_clip(ramp.id)[1]
    start, length = before.position, before.duration
    window.inspector.speed.speed.setValue(2.0)
    after = session.timeline.find_clip(ramp.id)[1]
    if after.speed != 2.0 or after.position != start or abs(after.duration - length / 2) > 1:
        raise CheckFailed(f"speed: the clip is {after.duration} frames at {after.speed}x (was {length} at 1x)")
    shot("speed-2x")

    # 6. a new take of the third shot, made in place with another seed; then back to the first take
    third = session.timeline.track(v1.id).clips[-1]
    session.select([third.id])
    arrived: list = []
    session.take_jobs.finished.connect(lambda clip_id, ok: arrived.append(ok))
    session.take_jobs.generate(
        third.id,
        "video",
        "draft",
        {"prompt": "a forest in the rain, camera pans left", "duration": 3.0, "width": 640, "height": 360, "seed": 11},
    )
    _wait(app, lambda: bool(arrived), 240, "new take")
    if arrived != [True] or not session.timeline.find_clip(third.id)[1].takes:
        raise CheckFailed("new take: the clip has no takes")
    shot("new-take")
    session.push(edit.switch_take(session.project, third.id, 0))
    shot("switched-take")

    # 7. the clip menu
    item = window.timeline.scene.items_by_id[third.id]
    at = view.mapFromScene(item.mapToScene(QPointF(item.width / 2, item.height / 2)))
    from PySide6.QtGui import QContextMenuEvent

    app.sendEvent(
        view.viewport(), QContextMenuEvent(QContextMenuEvent.Reason.Mouse, at, view.viewport().mapToGlobal(at))
    )
    _pump(app, 0.3)
    menu_names = [a.text() for a in view.clip_menu.actions() if a.text()]
    if "Takes (2)" not in menu_names:
        raise CheckFailed(f"clip menu: no takes entry in {menu_names}")
    menu = view.clip_menu
    menu_shot = out / f"gui-check-{len(shots) + 1}-clip-menu.png"
    window.grab().save(str(menu_shot))
    menu.grab().save(str(out / "gui-check-clip-menu-alone.png"))
    shots.append(menu_shot)
    menu.close()

    # 8. render through the dialog
    dialog = window.render_dialog()
    dialog.preset.setCurrentIndex(dialog.preset.findData("draft-360p"))
    dialog.output.setText(str(scratch / "check.mp4"))
    dialog.start()
    _wait(app, lambda: not dialog.running, 300, "render")
    if dialog.summary is None:
        raise CheckFailed(f"render: {dialog.status.text()}")
    dialog.grab().save(str(out / f"gui-check-{len(shots) + 1}-rendered.png"))
    print(f"rendered {dialog.summary.path} ({dialog.summary.frames} frames)")
    dialog.close()
    window.discard = True
    window.close()
    print(f"gui-check passed: {len(shots) + 1} screenshots in {out}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except CheckFailed as exc:
        print(f"gui-check failed: {exc}", file=sys.stderr)
        sys.exit(1)
