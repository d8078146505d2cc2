"""Fixtures for GUI tests: an offscreen main window with its own settings file and scheduler data folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["STUDIO_AUDIO"] = "null"


@pytest.fixture
def settings(tmp_path):
    from PySide6.QtCore import QSettings

    from studio.gui.settings import Settings

    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def window(qtbot, tmp_path, settings, monkeypatch):
    """A shown MainWindow on a new project folder ``tmp_path/Film.studio``; closed (scheduler stopped) after."""
    from studio.gui.main_window import MainWindow

    monkeypatch.setenv("STUDIO_DATA_DIR", str(tmp_path / "data"))
    # The draft engines' prompt matching by sentence embeddings loads torch in each worker (~20 s on 2 busy
    # cores); keyword matching keeps these tests in their time budget. The engines are otherwise the same.
    monkeypatch.setenv("STUDIO_TEXT_EMBEDDINGS", "off")
    win = MainWindow(settings=settings)
    win.session.scheduler_options = {"cpu_workers": 2}
    qtbot.addWidget(win)
    win.show()
    from studio.gui.app import warm_up

    win.session.tasks.run(warm_up)  # as open_window() does
    win.new_project(tmp_path / "Film.studio")
    yield win
    win.discard = True
    win.close()


def make_media(folder: Path) -> tuple[Path, Path]:
    """A 2 s test-pattern MP4 (160x96) and a 2 s tone WAV, made by the built-in test engines."""
    from pipelines import registry

    video = registry.create("video", "test-pattern")(
        registry.make_request("video", prompt="bars", duration=2.0, width=160, height=96), output_dir=folder / "v"
    )
    tone = registry.create("sfx", "test-tone")(
        registry.make_request("sfx", prompt="tone", duration=2.0), output_dir=folder / "a"
    )
    return video.primary.path, tone.primary.path


@pytest.fixture(scope="session")
def media_files(tmp_path_factory) -> tuple[Path, Path]:
    """The test-pattern shot and tone, made once per test session."""
    return make_media(tmp_path_factory.mktemp("media"))


@pytest.fixture
def filled(qtbot, window, media_files):
    """The window's project with a 2 s test-pattern shot on V1 at 0 and a 2 s tone on A1 at 0 (48 frames each)."""
    from studio.model import Clip, TimeRange, new_id

    session = window.session
    video, tone = media_files
    got = []
    session.import_paths([video, tone], on_done=got.extend)
    qtbot.waitUntil(lambda: len(got) == 2, timeout=20_000)
    v1 = next(t for t in session.timeline.tracks if t.kind == "video")
    a1 = next(t for t in session.timeline.tracks if t.kind == "audio")
    from studio import edit

    for track, asset in ((v1, got[0]), (a1, got[1])):
        clip = Clip(new_id("clip"), asset.name, 0, TimeRange(0, 48), asset_id=asset.id)
        session.push(edit.add_clip(session.project, track.id, clip))
    return window, v1, a1
