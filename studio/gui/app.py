"""Start the desktop app: ``studio-gui [PROJECT]`` or ``studio gui [PROJECT]``.

Start-up imports Qt and Studio's light modules only; torch and diffusers load in worker processes
when a neural engine runs.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from studio.gui.warmup import warm_up  # re-exported: the bench and the tests start the app as open_window does


def make_app(argv: Sequence[str] | None = None):
    """The QApplication with the dark theme and high-DPI rounding (one per process)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from studio.gui.theme import apply_dark_theme

    app = QApplication.instance()
    if app is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(list(argv or sys.argv[:1]))
        app.setApplicationName("Studio")
        app.setOrganizationName("Studio")
        app.setDesktopFileName("studio")
    apply_dark_theme(app)
    settle_garbage_collector()
    return app


def settle_garbage_collector() -> None:
    """Move every object alive now (modules, Qt wrappers, a loaded project) out of the cyclic collector's view.

    py-spy showed full collections walking that long-lived heap on the GUI thread, in the middle of scrubbing (the
    largest share of its busy time); frozen objects are never walked again, so the collections left are short.
    Called at start-up and after each project load; the cost is that cycles among them are never freed."""
    import gc

    gc.freeze()


def open_window(project: str | Path | None = None, ask_recover=None):
    """Build and show the main window, opening ``project`` (a .studio folder) in the background.

    A crash's autosave is offered before the window appears (``ask_recover(parent, autosave) -> bool``), so the
    creator never sees an empty "Untitled" window behind the question."""
    from studio.gui.main_window import MainWindow, _ask_recover
    from studio.gui.settings import Settings

    settings = Settings()
    settings.apply_environment()
    recover = None
    if project is not None:
        from studio.io import ProjectError, newest_autosave
        from studio.io.paths import project_dir_of

        try:
            autosave = newest_autosave(project_dir_of(project))
        except (OSError, ProjectError):
            autosave = None  # the load reports what is wrong with the folder
        recover = autosave is not None and (ask_recover or _ask_recover)(None, autosave)
    window = MainWindow(settings=settings)
    window.show()
    window.session.tasks.run(warm_up)  # a project opened now loads once it is done (see studio.gui.warmup)
    if project is not None:
        window.open_project(project, recover=recover)
    return window


def main(argv: Sequence[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="studio-gui", description="Open the Studio desktop app.")
    parser.add_argument("project", nargs="?", help="a .studio project folder to open")
    parser.add_argument("--quit-after", type=float, metavar="SECONDS", help="close the window after this long")
    args = parser.parse_args(list(argv) if argv is not None else None)
    app = make_app()
    window = open_window(args.project)
    if args.quit_after is not None:
        from PySide6.QtCore import QTimer

        QTimer.singleShot(round(args.quit_after * 1000), window.close)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
