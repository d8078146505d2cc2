"""The main window: docks for the media bin, generate panel, preview, inspector, jobs and 3D viewer around
the timeline; menus for files, editing, playback and rendering; autosave and crash recovery."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QDockWidget, QFileDialog, QMainWindow, QMessageBox, QScrollArea, QWidget

from studio.gui.generate_panel import GeneratePanel
from studio.gui.inspector import Inspector
from studio.gui.jobs_panel import JobsPanel
from studio.gui.markers_panel import MarkersPanel, step_marker
from studio.gui.media_bin import MediaBin
from studio.gui.media_cache import MediaCache
from studio.gui.preview import PreviewPanel
from studio.gui.render_dialog import RenderDialog
from studio.gui.session import ProjectSession
from studio.gui.settings import Settings, SettingsDialog
from studio.gui.status_error import ErrorLine
from studio.gui.timeline.panel import TimelinePanel
from studio.gui.viewer3d import Viewer3D
from studio.gui.workers import BackgroundTasks
from studio.model import Project, Timeline, Track, new_id

AUTOSAVE_DELAY_MS = 3_000  # an autosave follows any change within this long (as Kdenlive does)


def empty_project() -> Project:
    """An unsaved project with one video and one audio track (File > Save As gives it a folder)."""
    tracks = [Track(new_id("track"), "video", "V1"), Track(new_id("track"), "audio", "A1")]
    return Project("Untitled", [Timeline(new_id("timeline"), "Main", tracks=tracks)])


def _ask_recover(parent: QWidget, autosave: Path) -> bool:
    answer = QMessageBox.question(
        parent,
        "Recover work?",
        f"Studio found an autosave newer than the saved project ({autosave.name}). Open the autosave?",
    )
    return answer == QMessageBox.StandardButton.Yes


class MainWindow(QMainWindow):
    """One window per open project; the session is replaced on New and Open."""

    def __init__(
        self, project: Project | None = None, project_dir: Path | None = None, settings: Settings | None = None
    ):
        super().__init__()
        self.settings = settings or Settings()
        self.session = ProjectSession(project or empty_project(), project_dir, self)
        self.session.scheduler_options = self.settings.scheduler_options()
        # thumbnails and waveforms on a pool of their own: queued behind them, the preview's frames came seconds late
        self.media_cache = MediaCache(BackgroundTasks(self, threads=2), self)
        self.ask_recover: Callable[[QWidget, Path], bool] = _ask_recover
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks)
        self.timeline = TimelinePanel(self.session, self.media_cache)
        self.preview = PreviewPanel(self.session)
        self.setCentralWidget(self.preview)
        self.generate = GeneratePanel(self.session)
        self.media_bin = MediaBin(self.session, self.media_cache)
        self.inspector = Inspector(self.session)
        self.jobs = JobsPanel(self.session)
        self.viewer3d = Viewer3D(self.session)
        self.docks: dict[str, QDockWidget] = {}
        for corner in (Qt.Corner.BottomLeftCorner, Qt.Corner.BottomRightCorner):
            self.setCorner(corner, Qt.DockWidgetArea.BottomDockWidgetArea)  # the timeline spans the window
        self._dock("Media", self.media_bin, Qt.DockWidgetArea.LeftDockWidgetArea)
        self._dock("Generate", self.generate, Qt.DockWidgetArea.LeftDockWidgetArea, tabbed_with="Media")
        inspector_scroll = QScrollArea()
        inspector_scroll.setWidgetResizable(True)
        inspector_scroll.setWidget(self.inspector)
        self._dock("Inspector", inspector_scroll, Qt.DockWidgetArea.RightDockWidgetArea)
        # the 3D viewer is a tab beside the inspector, so the clip's properties and provenance get the column's
        # whole height (a 3D split squeezed the provenance out of sight)
        self._dock("3D", self.viewer3d, Qt.DockWidgetArea.RightDockWidgetArea, tabbed_with="Inspector")
        self._dock("Timeline", self.timeline, Qt.DockWidgetArea.BottomDockWidgetArea)
        self._dock("Jobs", self.jobs, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.splitDockWidget(self.docks["Timeline"], self.docks["Jobs"], Qt.Orientation.Horizontal)
        self.markers = MarkersPanel(self.session)  # a tab beside Jobs (made after the split, or it splits too)
        self._dock("Markers", self.markers, Qt.DockWidgetArea.BottomDockWidgetArea, tabbed_with="Jobs")
        self.docks["Jobs"].raise_()
        self.resizeDocks([self.docks["Timeline"], self.docks["Jobs"]], [1100, 340], Qt.Orientation.Horizontal)
        self.resizeDocks([self.docks["Timeline"]], [380], Qt.Orientation.Vertical)
        self.resizeDocks([self.docks["Generate"], self.docks["Inspector"]], [360, 330], Qt.Orientation.Horizontal)
        self.docks["Generate"].raise_()
        self.docks["Inspector"].raise_()
        self.inspector.regenerate.connect(self._regenerate)
        self.timeline.view.menu_actions = {
            "properties": self.show_properties,
            "reveal": self.reveal_in_bin,
            "new_take": self.new_take,
        }
        self.media_bin.asset_activated.connect(self.show_object)
        self.error_line = ErrorLine(self)
        self.statusBar().addPermanentWidget(self.error_line, 3)
        self.session.error.connect(self._show_error)
        self.session.message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        self.session.changed.connect(lambda _: self._update_title())
        self.session.assets_changed.connect(self._update_title)
        self._build_menus()
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setSingleShot(True)
        self.autosave_timer.setInterval(AUTOSAVE_DELAY_MS)
        self.autosave_timer.timeout.connect(self.session.autosave)
        self.session.changed.connect(self._schedule_autosave)
        self.session.assets_changed.connect(self._schedule_autosave)
        self.resize(1440, 900)
        self._laid_out = False
        self._update_title()
        self.statusBar().showMessage("Ready")

    def _schedule_autosave(self, event: str = "") -> None:
        """Autosave a few seconds after a change; a burst of edits shares one autosave (the timer is not
        restarted, so steady editing still autosaves every few seconds)."""
        if event not in ("clean", "replaced") and not self.autosave_timer.isActive():
            self.autosave_timer.start()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._laid_out:  # dock sizes only stick once the window is laid out
            self._laid_out = True
            QTimer.singleShot(0, self._size_docks)

    def _size_docks(self) -> None:
        self.resizeDocks([self.docks["Timeline"]], [round(self.height() * 0.42)], Qt.Orientation.Vertical)
        self.resizeDocks(
            [self.docks["Timeline"], self.docks["Jobs"]],
            [round(self.width() * 0.76), round(self.width() * 0.24)],
            Qt.Orientation.Horizontal,
        )

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea, tabbed_with: str | None = None) -> None:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock_{title}")
        dock.setWidget(widget)
        if tabbed_with:
            self.tabifyDockWidget(self.docks[tabbed_with], dock)
        else:
            self.addDockWidget(area, dock)
        self.docks[title] = dock

    # ------------------------------------------------------------------ menus
    def _action(self, menu, text: str, slot: Callable, shortcut: Any = None, context: Any = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(context or Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda *_: slot())
        menu.addAction(action)
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        s = self.session
        bar = self.menuBar()
        f = bar.addMenu("&File")
        self._action(f, "New…", self.new_project, QKeySequence.StandardKey.New)
        self._action(f, "Open…", self.open_dialog, QKeySequence.StandardKey.Open)
        self.recent_menu = f.addMenu("Open Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        app_wide = Qt.ShortcutContext.ApplicationShortcut  # also from a floating dock or the render dialog
        self._action(f, "Save", self.save, QKeySequence.StandardKey.Save, app_wide)
        self._action(f, "Save As…", self.save_as, QKeySequence.StandardKey.SaveAs)
        f.addSeparator()
        self._action(f, "Import Media…", self.import_dialog, "Ctrl+I")
        self._action(f, "Export OTIO…", self.export_otio)
        self._action(f, "Render…", self.render_dialog, "Ctrl+R")
        f.addSeparator()
        self._action(f, "Settings…", lambda: SettingsDialog(self.settings, self).exec())
        self._action(f, "Quit", self.close, QKeySequence.StandardKey.Quit, app_wide)
        e = bar.addMenu("&Edit")
        self.undo_action = self._action(e, "Undo", s.undo, "Ctrl+Z")
        self.redo_action = self._action(e, "Redo", s.redo, "Ctrl+Shift+Z")
        e.addSeparator()
        self._action(e, "Copy", s.copy_selection, "Ctrl+C")
        self._action(e, "Paste at Playhead", s.paste, "Ctrl+V")
        self._action(e, "Split at Playhead", s.split_at_playhead, "S")
        self._action(e, "Delete", lambda: s.delete_selection(False), "Delete")
        self._action(e, "Ripple Delete", lambda: s.delete_selection(True), "Shift+Delete")
        self.ripple_all_action = self._action(e, "Ripple Across All Tracks", self._toggle_ripple_all)
        self.ripple_all_action.setCheckable(True)
        self.ripple_all_action.setChecked(bool(self.settings.store.value("edit/ripple_all_tracks", False, type=bool)))
        s.ripple_all_tracks = self.ripple_all_action.isChecked()
        self._action(e, "Add Marker", self.timeline.add_marker, "M")
        self._action(e, "Select All", lambda: s.select([c.id for t in s.timeline.tracks for c in t.clips]), "Ctrl+A")
        v = bar.addMenu("&View")
        self._action(v, "Zoom In", lambda: self.timeline.view.zoom_by(1.25), "=")
        self._action(v, "Zoom Out", lambda: self.timeline.view.zoom_by(0.8), "-")
        self._action(v, "Zoom to Fit", self.timeline.view.zoom_to_fit, "Shift+Z")
        self.snap_action = self._action(v, "Snapping", self._toggle_snapping)
        self.snap_action.setCheckable(True)
        self.snap_action.setChecked(True)
        v.addSeparator()
        for dock in self.docks.values():
            v.addAction(dock.toggleViewAction())
        p = bar.addMenu("&Playback")
        self._action(p, "Play / Pause", self.preview.toggle_play, "Space")
        self._action(p, "Play Backwards", lambda: self.preview.shuttle(-1), "J")
        self._action(p, "Pause", lambda: self.preview.shuttle(0), "K")
        self._action(p, "Play Forwards", lambda: self.preview.shuttle(1), "L")
        self._action(p, "Previous Frame", lambda: self.preview.step(-1), "Left")
        self._action(p, "Next Frame", lambda: self.preview.step(1), "Right")
        self._action(p, "Go to Start", lambda: s.set_playhead(0), "Home")
        self._action(p, "Go to End", lambda: s.set_playhead(s.timeline.duration), "End")
        self._action(p, "Next Marker", lambda: step_marker(s, 1), "Shift+Right")
        self._action(p, "Previous Marker", lambda: step_marker(s, -1), "Shift+Left")
        self._action(p, "Mark In", self.preview.mark_in, "I")
        self._action(p, "Mark Out", self.preview.mark_out, "O")
        s.changed.connect(lambda _: self._update_undo_actions())
        self._update_undo_actions()

    def _update_undo_actions(self) -> None:
        st = self.session.stack
        self.undo_action.setEnabled(st.can_undo)
        self.undo_action.setText(f"Undo {st.undo_text}" if st.can_undo else "Undo")
        self.redo_action.setEnabled(st.can_redo)
        self.redo_action.setText(f"Redo {st.redo_text}" if st.can_redo else "Redo")

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in self.settings.recent():
            self.recent_menu.addAction(path, lambda p=path: self.open_project(p))

    def _update_title(self) -> None:
        s = self.session
        where = str(s.project_dir) if s.project_dir else "unsaved"
        self.setWindowTitle(f"{'• ' if s.is_dirty else ''}{s.project.name} — {where} — Studio")

    def _show_error(self, text: str) -> None:
        """The error stays in the status bar (whole text in its tooltip and Details) until dismissed or replaced."""
        self.error_line.show_error(text)

    # ------------------------------------------------------------------ files
    def new_project(self, folder: str | Path | None = None) -> None:
        from studio.io import ProjectError, create_project

        if folder is None:
            folder, _ = QFileDialog.getSaveFileName(self, "New project folder", "Untitled.studio")
            if not folder:
                return
        try:
            project = create_project(folder)
        except ProjectError as exc:
            self._show_error(str(exc))
            return
        self._replace(project, Path(folder))

    def open_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open a .studio project folder")
        if folder:
            self.open_project(folder)

    def open_project(
        self, folder: str | Path, on_done: Callable[[], None] | None = None, recover: bool | None = None
    ) -> None:
        """Load in the background; if an autosave is newer than the project, offer it first (``recover``: the
        answer already given, when the app asked before showing this window)."""
        from studio.io import load_project, newest_autosave
        from studio.io.paths import project_dir_of

        path = project_dir_of(folder)

        def work() -> tuple[Any, Any, Path | None]:
            import copy

            from studio.gui.warmup import wait_until_warm

            wait_until_warm()  # loading beside the start-up imports held up the GUI thread's turns
            project = load_project(path)  # and the preview's snapshot of it, copied here rather than on the GUI thread
            return project, copy.deepcopy(project), newest_autosave(path) if recover is None else None

        def loaded(result: tuple[Any, Any, Path | None]) -> None:
            project, snapshot, autosave = result
            if recover or (autosave is not None and self.ask_recover(self, autosave)):
                from studio.io import recover as recover_autosave

                self.session.tasks.run(
                    lambda: recover_autosave(path),
                    lambda p: self._opened(p, path, on_done),
                    lambda exc: self._show_error(str(exc)),
                )
                return
            self._opened(project, path, on_done, snapshot)

        self.preview.stills.start_in_background()  # ready for the first frame, which otherwise renders in a thread
        self.statusBar().showMessage(f"opening {path}…")
        self.setWindowTitle(f"Opening {path.name} — Studio")
        self.session.tasks.run(work, loaded, lambda exc: self._show_error(str(exc)))

    def _opened(
        self, project: Project, path: Path, on_done: Callable[[], None] | None, snapshot: Project | None = None
    ) -> None:
        self._replace(project, path, snapshot)
        if on_done:
            on_done()

    def _replace(self, project: Project, folder: Path | None, snapshot: Project | None = None) -> None:
        self.preview.pause()
        self.remember_view()
        self.session.replace_project(project, folder, snapshot)
        if folder is not None:
            self.settings.add_recent(str(folder))
            self.restore_view(folder)
        self._update_title()
        self._update_undo_actions()
        self.statusBar().showMessage(f"opened {project.name}", 5000)

    def remember_view(self) -> None:
        """Keep, per project, the docks' layout, the timeline's zoom and scroll, and the playhead."""
        folder = self.session.project_dir
        if folder is None:
            return
        view = self.timeline.view
        self.settings.set_project_view(
            str(folder.absolute()),
            {
                "layout": self.saveState(),
                "zoom": view.tscene.layout.px_per_frame,
                "scroll": view.horizontalScrollBar().value(),
                "playhead": self.session.playhead,
            },
        )

    def restore_view(self, folder: Path) -> None:
        """Show the project as it was last left in this window (nothing for a project new here)."""
        saved = self.settings.project_view(str(Path(folder).absolute()))
        if not saved:
            return
        if saved.get("layout") is not None:
            self.restoreState(saved["layout"])
        view = self.timeline.view
        try:
            view.tscene.layout.set_zoom(float(saved.get("zoom") or view.tscene.layout.px_per_frame))
            view.tscene.relayout()
            view.zoomed.emit(view.tscene.layout.px_per_frame)
            view.horizontalScrollBar().setValue(int(saved.get("scroll") or 0))
            self.session.set_playhead(int(saved.get("playhead") or 0))
        except (TypeError, ValueError):
            pass  # an unreadable entry: the defaults
        view.viewport().update()

    def save(self, on_done: Callable[[], None] | None = None) -> None:
        if self.session.project_dir is None:
            return self.save_as()
        self.session.save(on_done)

    def save_as(self, folder: str | Path | None = None, on_done: Callable[[], None] | None = None) -> None:
        if folder is None:
            folder, _ = QFileDialog.getSaveFileName(self, "Save project as", f"{self.session.project.name}.studio")
            if not folder:
                return
        folder = Path(folder)
        if folder.exists() and any(folder.iterdir()) and not (folder / "project.json").exists():
            self._show_error(f"{folder} is a folder with other files in it; choose a new name")
            return
        folder.mkdir(parents=True, exist_ok=True)
        self.session.save(on_done, folder=folder)
        self.settings.add_recent(str(folder))

    def import_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self,
            "Import media",
            "",
            "Media (*.mp4 *.mov *.mkv *.webm *.wav *.flac *.mp3 *.ogg *.m4a "
            "*.png *.jpg *.jpeg *.webp *.glb *.obj *.ply)",
        )
        if paths:
            self.session.import_paths(paths)

    def export_otio(self, target: str | Path | None = None) -> None:
        from studio.io import export_otio

        if target is None:
            target, _ = QFileDialog.getSaveFileName(self, "Export OpenTimelineIO", "cut.otio", "OTIO (*.otio)")
            if not target:
                return
        snapshot, folder = self.session.snapshot(), self.session.project_dir or Path.cwd()
        self.session.tasks.run(
            lambda: export_otio(snapshot, folder, target),
            lambda _: self.statusBar().showMessage(f"exported {target}", 6000),
            lambda exc: self._show_error(str(exc)),
        )

    def render_dialog(self):
        dialog = RenderDialog(self.session, self, remembered=self.settings.render_choices)
        dialog.show()
        return dialog

    def _toggle_ripple_all(self) -> None:
        """Ripple delete closes the gap on every unlocked track (kept between sessions), or only on the clip's."""
        on = self.ripple_all_action.isChecked()
        self.session.ripple_all_tracks = on
        self.settings.store.setValue("edit/ripple_all_tracks", on)
        self.statusBar().showMessage(f"ripple delete: {'all unlocked tracks' if on else 'the clip’s track'}", 3000)

    def _toggle_snapping(self) -> None:
        self.timeline.view.snapping = self.snap_action.isChecked()
        self.statusBar().showMessage(f"snapping {'on' if self.timeline.view.snapping else 'off'}", 3000)

    def show_properties(self, clip_id: str) -> None:
        self.session.select([clip_id])
        self.docks["Inspector"].show()
        self.docks["Inspector"].raise_()

    def reveal_in_bin(self, asset_id: str) -> None:
        self.docks["Media"].show()
        self.docks["Media"].raise_()
        self.media_bin.select_asset(asset_id)

    def new_take(self, clip_id: str) -> None:
        self.session.select([clip_id])
        self.inspector.new_variation()

    def show_object(self, asset_id: str) -> None:
        if self.viewer3d.open_asset(asset_id):
            self.docks["3D"].raise_()

    def _regenerate(self, kind: str, engine: str, fields: dict[str, Any]) -> None:
        """A new variation or another engine for the inspector's clip: made in place, as a new take of it."""
        try:
            if self.inspector.clip_id is not None:
                self.session.take_jobs.generate(self.inspector.clip_id, kind, engine, fields)
            else:
                self.session.generate(kind, engine, fields, at_playhead=True)
        except (ValueError, KeyError) as exc:
            self._show_error(str(exc))

    def closeEvent(self, event: QCloseEvent) -> None:
        """Leave the screen at once, let a save in flight finish, keep unsaved work as an autosave, then stop the
        workers (which can take seconds; the creator no longer waits for it)."""
        self.preview.pause()
        self.preview.master_loudness.stop()  # a loudness measurement in flight stops instead of delaying the close
        self.autosave_timer.stop()
        self.remember_view()
        self.hide()
        self.session.tasks.wait()  # a save started just before (Ctrl+S, Ctrl+Q) completes first
        self.preview.stills.close()
        self.media_cache.tasks.drop_replies()  # thumbnails still being made are not shown ...
        self.media_cache.tasks.pool.clear()  # ... nor made, if not started
        self.media_cache.tasks.wait(3000)  # (a read that outlived the window reported to a deleted object)
        saved_all = self.session.written_revision == self.session.revision
        if (
            self.session.is_dirty
            and not saved_all
            and self.session.project_dir is not None
            and not getattr(self, "discard", False)
        ):
            from studio.io import autosave

            try:
                autosave(self.session.project, self.session.project_dir)  # recoverable on next open
            except Exception as exc:  # noqa: BLE001 - closing must not fail; the message says what was lost
                self._show_error(str(exc))
        self.session.close()
        super().closeEvent(event)
