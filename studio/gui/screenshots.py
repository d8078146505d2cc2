"""``python -m studio.gui.screenshots docs/``: PNGs of the main window in typical states (``make screenshots``).

Media is made with the draft engines (in this process), so the pictures show real output: an empty project,
a filled timeline, a generation in progress, and the 3D viewer.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("STUDIO_AUDIO", "null")

SHOTS = [
    ("a lighthouse at dusk, waves crashing, slow push-in", 3.0),
    ("a red car on a coast road at sunset", 2.5),
    ("a forest in the rain, camera pans left", 3.0),
]
SOUNDS = [("waves crashing on rocks", 6.0), ("a car passing by", 2.5), ("heavy rain on leaves", 3.0)]


def _wait(app, condition, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not reach the state to photograph")
        app.processEvents()
        time.sleep(0.01)


def _make_media(folder: Path) -> list[Path]:
    from pipelines import registry

    files = []
    for i, (prompt, seconds) in enumerate(SHOTS):
        request = registry.make_request("video", prompt=prompt, duration=seconds, width=640, height=360, seed=i)
        files.append(registry.create("video", "draft")(request, output_dir=folder / f"v{i}").primary.path)
    for i, (prompt, seconds) in enumerate(SOUNDS):
        request = registry.make_request("sfx", prompt=prompt, duration=seconds, seed=i)
        files.append(registry.create("sfx", "draft")(request, output_dir=folder / f"a{i}").primary.path)
    return files


def _save(window, out: Path, name: str) -> Path:
    path = out / name
    window.grab().save(str(path))
    print(f"wrote {path}")
    return path


def main(argv: list[str] | None = None) -> int:
    from PySide6.QtCore import QSettings

    from studio import edit
    from studio.gui.app import make_app
    from studio.gui.main_window import MainWindow
    from studio.gui.settings import Settings
    from studio.model import Clip, TimeRange, new_id

    out = Path((argv or sys.argv[1:] or ["docs"])[0])
    out.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="studio-shots-"))
    os.environ.setdefault("STUDIO_DATA_DIR", str(scratch / "data"))
    app = make_app()
    window = MainWindow(settings=Settings(QSettings(str(scratch / "s.ini"), QSettings.Format.IniFormat)))
    window.resize(1600, 980)
    window.show()
    for _ in range(5):
        app.processEvents()
    window.new_project(scratch / "Lighthouse.studio")
    session = window.session
    app.processEvents()
    _save(window, out, "screenshot-empty.png")

    # a filled timeline
    assets: list = []
    session.import_paths(_make_media(scratch / "made"), on_done=assets.extend)
    _wait(app, lambda: len(assets) == len(SHOTS) + len(SOUNDS))
    v1 = session.timeline.tracks[0]
    a1 = session.timeline.tracks[1]
    session.push(edit.add_track(session.project, "video", "Titles"))
    session.push(edit.add_track(session.project, "audio", "Ambience"))
    ambience = session.timeline.tracks[-1]
    rate = session.rate
    position = 0
    for asset in assets[: len(SHOTS)]:
        length = asset.duration_frames(rate)
        session.push(
            edit.add_clip(
                session.project,
                v1.id,
                Clip(
                    new_id("clip"),
                    asset.name,
                    position,
                    TimeRange(0, length),
                    asset_id=asset.id,
                    video_fade_in=12 if position == 0 else 0,
                ),
            )
        )
        position += length
    at = 0
    for i, asset in enumerate(assets[len(SHOTS) :]):
        length = asset.duration_frames(rate)
        track = a1 if i else ambience
        session.push(
            edit.add_clip(
                session.project,
                track.id,
                Clip(new_id("clip"), asset.name, at, TimeRange(0, length), asset_id=asset.id, audio_fade_out=24),
            )
        )
        at += length if i else 24
    session.push(edit.add_marker(session.project, 72, "waves"))
    window.timeline.view.zoom_to_fit()
    session.select([v1.clips[1].id])
    session.set_playhead(40)
    _wait(app, lambda: 40 in window.preview.cache, 60)
    time.sleep(1.5)
    app.processEvents()
    window.docks["Media"].raise_()
    app.processEvents()
    _save(window, out, "screenshot-timeline.png")

    # a generation in progress
    window.docks["Generate"].raise_()
    session.set_playhead(v1.end - 1)
    form = window.generate.show_kind(
        "video",
        {"prompt": "a boat on a calm lake at dawn", "duration": 4.0, "width": 1280, "height": 720},
        engine="draft",
    )
    form.submit()
    _wait(app, lambda: any(0.05 < f < 0.95 for f in session.progress.values()), 180)
    window.timeline.view.zoom_to_fit()
    app.processEvents()
    _save(window, out, "screenshot-generating.png")

    # the 3D viewer
    import trimesh

    mesh = trimesh.creation.capsule(height=1.0, radius=0.45, count=[24, 24])
    mesh.export(scratch / "capsule.glb")
    got: list = []
    session.import_paths([scratch / "capsule.glb"], on_done=got.extend)
    _wait(app, lambda: bool(got))
    window.viewer3d.open_asset(got[0].id)
    _wait(app, lambda: window.viewer3d.view.mesh is not None)
    window.viewer3d.view.turn(35, 10)
    window.docks["3D"].raise_()
    app.processEvents()
    _save(window, out, "screenshot-3d.png")
    window.discard = True
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
