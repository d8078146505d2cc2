"""The open project as the GUI sees it: the model, its undo stack, selection, playhead and jobs.

Panels read ``session.project`` and call the methods here; they never hold model state of their own.
Edits go through ``push`` (the project's undo stack); slow work (load, save, import, generation) runs
in the background and reports back on the GUI thread through the signals below.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from studio import edit
from studio.edit import Edit, EditError, UndoStack
from studio.gui.undo_bridge import UndoBridge
from studio.gui.workers import BackgroundTasks, FinishedEvent, SchedulerEvents, lower_process_priority
from studio.model import Clip, Project, TimeRange, new_id


class ProjectSession(QObject):
    """One open project: model, undo, selection, playhead, background tasks and the scheduler."""

    changed = Signal(str)  # an undo-stack event: push, undo, redo, clear, clean, replaced
    selection_changed = Signal()
    playhead_changed = Signal(int)
    assets_changed = Signal()
    job_event = Signal(object)  # scheduler JobEvent, on the GUI thread
    message = Signal(str)  # status-bar text
    error = Signal(str)  # one line for the creator

    def __init__(self, project: Project, project_dir: Path | None, parent: QObject | None = None):
        super().__init__(parent)
        self.tasks = BackgroundTasks(self)
        self.scheduler_options: dict[str, Any] = {}
        self._scheduler: Any = None
        self._events: SchedulerEvents | None = None
        self._reniced: set[int] = set()
        self.submitting = 0  # jobs being handed to the scheduler
        self.pending: dict[str, dict[str, Any]] = {}  # job id -> {"clip": id or None, "kind": ...}
        self.progress: dict[str, float] = {}  # placeholder clip id -> fraction
        self.failed: dict[str, str] = {}  # placeholder clip id -> why its generation failed (retry or remove it)
        self.clipboard: list[tuple[str, Clip]] = []  # (track id, clip copy)
        self.ripple_all_tracks = False  # ripple delete closes the gap on every unlocked track (Edit menu setting)
        self.revision = 0
        self._snapshot: tuple[int, Project] | None = None
        self.replacing = False  # True while a new project is announced (panels may fill in on the next turn)
        self.assets_changed_since_snapshot = False
        self.written_revision: int | None = None  # the revision the last successful save wrote (set off-thread)
        self.autosaved_revision = -1  # the revision the newest autosave holds; nothing new, nothing written
        self.assets_changed.connect(self._count_asset_change)
        from studio.gui.take_jobs import TakeJobs

        self.take_jobs = TakeJobs(self, import_result_assets)  # new takes of clips (variations, upgrades in place)
        from studio.gui.shot_sound import ShotSounds

        self.shot_sounds = ShotSounds(self, import_result_assets)  # "Add sound for this shot"
        self._write_lock: Any = None  # studio.io.lock.ProjectLock held while this project is open here
        self.read_only_reason: str | None = None  # another process writes the project: why saving is refused
        self._take_lock(project_dir)
        self._set(project, project_dir)

    # ------------------------------------------------------------------ project
    def _set(self, project: Project, project_dir: Path | None) -> None:
        self.project = project
        self.project_dir = Path(project_dir) if project_dir else None
        self.stack = UndoStack(project)
        self.bridge = UndoBridge(self.stack)
        self.stack.observers.append(self._on_stack)
        self.selection: list[str] = []
        self.playhead = 0
        self.in_point: int | None = None
        self.out_point: int | None = None
        self.assets_dirty = False
        self.revision += 1

    def _count_asset_change(self) -> None:
        if not self.replacing:  # the new project's own announcement is no change to it
            self.revision += 1  # an asset arriving is a change to save, autosave and snapshot like an edit

    def _take_lock(self, folder: Path | None, saving: bool = False) -> bool:
        """Hold the project's write lock while it is open here (never waits: the GUI thread calls this). If another
        process holds it, the project opens read-only and ``read_only_reason`` names that process."""
        from studio.io.lock import ProjectLock, ProjectLocked

        if self._write_lock is not None and folder is not None and self._write_lock.folder == Path(folder).absolute():
            return True
        lock = None
        reason = None
        if folder is not None and Path(folder).is_dir():
            try:
                lock = ProjectLock(folder, "studio gui", wait_s=0).acquire()
            except ProjectLocked as exc:
                reason = str(exc)
        if saving and reason is not None:
            return False  # Save As onto a busy folder: keep what we hold
        if self._write_lock is not None:
            self._write_lock.release()
        self._write_lock, self.read_only_reason = lock, reason
        return reason is None

    def replace_project(self, project: Project, project_dir: Path | None, snapshot: Project | None = None) -> None:
        """Show another project (after New or Open); its jobs journal is attached when the scheduler runs.
        ``snapshot``: a deep copy of ``project`` made off the GUI thread (the loader's), for ``snapshot()``."""
        self._take_lock(project_dir)
        self._set(project, project_dir)
        if snapshot is not None:
            self._snapshot = (self.revision, snapshot)  # a deep copy here cost the load's turn ~8 ms
            self.assets_changed_since_snapshot = False
        if self.read_only_reason:
            self.error.emit(f"opened read-only: {self.read_only_reason}")
        if self._scheduler is not None and project_dir is not None:
            self._scheduler.attach(project_dir)
        self.changed.emit("replaced")
        self.replacing = True
        try:
            self.assets_changed.emit()  # not a new revision: the preview's first frame would be rendered twice
        finally:
            self.replacing = False
        self.selection_changed.emit()
        self.playhead_changed.emit(0)
        from studio.gui.app import settle_garbage_collector

        settle_garbage_collector()  # the project just loaded lives as long as the window shows it

    @property
    def timeline(self):
        return self.project.timeline

    @property
    def rate(self) -> Fraction:
        return self.project.timeline.rate

    @property
    def is_dirty(self) -> bool:
        return self.assets_dirty or not self.stack.is_clean

    def _on_stack(self, stack: UndoStack, event: str) -> None:
        self.revision += 1
        live = {c.id for t in self.timeline.tracks for c in t.clips}
        if any(cid not in live for cid in self.selection):
            self.selection = [cid for cid in self.selection if cid in live]
            self.selection_changed.emit()
        self.changed.emit(event)

    # ------------------------------------------------------------------ edits
    def push(self, made: Edit | Callable[[], Edit]) -> bool:
        """Apply an edit (or build one by calling ``made``); a refused edit is shown, not raised."""
        try:
            self.bridge.push(made() if callable(made) else made)
        except EditError as exc:
            self.error.emit(str(exc))
            return False
        return True

    def transaction(self, name: str):
        return self.bridge.transaction(name)

    def undo(self) -> None:
        self.bridge.undo()

    def redo(self) -> None:
        self.bridge.redo()

    def select(self, clip_ids: list[str]) -> None:
        if clip_ids != self.selection:
            self.selection = list(clip_ids)
            self.selection_changed.emit()

    def selected_clips(self) -> list[Clip]:
        out = []
        for cid in self.selection:
            try:
                out.append(self.timeline.find_clip(cid)[1])
            except KeyError:
                pass
        return out

    def set_playhead(self, frame: int) -> None:
        frame = max(0, int(frame))
        if frame != self.playhead:
            self.playhead = frame
            self.playhead_changed.emit(frame)

    def split_at_playhead(self) -> bool:
        ids = {self.timeline.find_clip(c)[0].id for c in self.selection} if self.selection else None
        return self.push(lambda: edit.split_at_playhead(self.project, self.playhead, ids))

    def delete_selection(self, ripple: bool = False) -> bool:
        clips = sorted(self.selected_clips(), key=lambda c: -c.position)  # right to left keeps ripples exact
        if not clips:
            return False
        if ripple and self.ripple_all_tracks:  # the gap closes on every unlocked track, in one step
            from studio.edit.ripple import ripple_delete_across_tracks

            return self.push(lambda: ripple_delete_across_tracks(self.project, [c.id for c in clips]))
        op = edit.ripple_delete if ripple else edit.remove_clip
        try:
            with self.transaction(f"{'Ripple delete' if ripple else 'Delete'} {len(clips)} clip(s)"):
                for clip in clips:
                    self.bridge.push(op(self.project, clip.id))
        except EditError as exc:
            self.error.emit(str(exc))
            return False
        return True

    def copy_selection(self) -> int:
        self.clipboard = [(self.timeline.find_clip(c.id)[0].id, copy.deepcopy(c)) for c in self.selected_clips()]
        return len(self.clipboard)

    def paste(self) -> bool:
        """Paste copied clips at the playhead, keeping their spacing and tracks."""
        if not self.clipboard:
            return False
        first = min(c.position for _, c in self.clipboard)
        new_ids = []
        try:
            with self.transaction(f"Paste {len(self.clipboard)} clip(s)"):
                for track_id, clip in self.clipboard:
                    pasted = replace(
                        copy.deepcopy(clip), id=new_id("clip"), position=self.playhead + clip.position - first
                    )
                    self.bridge.push(edit.overwrite(self.project, track_id, pasted, pasted.position))
                    new_ids.append(pasted.id)
        except (EditError, KeyError) as exc:
            self.error.emit(str(exc))
            return False
        self.select(new_ids)
        return True

    def add_asset_clip(self, asset_id: str, track_id: str, frame: int) -> str | None:
        """Place an asset from the bin on a track at ``frame``; returns the new clip's id."""
        asset = self.project.assets[asset_id]
        length = asset.duration_frames(self.rate) or round(5 * self.rate)
        clip = Clip(
            id=new_id("clip"),
            name=asset.display_name,
            position=max(0, frame),
            source_range=TimeRange(0, length),
            asset_id=asset_id,
        )
        if self.push(lambda: edit.add_clip(self.project, track_id, clip)):
            self.select([clip.id])
            return clip.id
        return None

    # ------------------------------------------------------------------ generation
    @property
    def scheduler(self) -> Any:
        """The scheduler, made on first use; its worker processes run at a lower CPU priority than the window."""
        if self._scheduler is None:
            from studio.scheduler import Scheduler

            self._scheduler = Scheduler(self.project_dir, **self.scheduler_options)
            self._events = SchedulerEvents(self._scheduler, self)
            self._events.event.connect(self._on_job_event)
        return self._scheduler

    def start_workers(self, on_done: Callable[[Any], None] | None = None) -> None:
        """Warm the scheduler's worker processes in the background."""
        scheduler = self.scheduler

        def started(value: Any) -> None:
            self._lower_worker_priority()
            if on_done:
                on_done(value)

        self.tasks.run(scheduler.start_workers, started, lambda exc: self.error.emit(str(exc)))

    def _lower_worker_priority(self) -> None:
        """Renice new worker processes (Linux) so generation never takes the CPU from the window."""
        for worker in self._scheduler.stats()["workers"] if self._scheduler is not None else []:
            pid = worker.get("pid")
            if pid and pid not in self._reniced:
                self._reniced.add(pid)
                lower_process_priority(pid)

    @property
    def has_scheduler(self) -> bool:
        return self._scheduler is not None

    @property
    def busy(self) -> bool:
        """True while jobs are being queued, generated or imported, or other background work runs."""
        return bool(self.submitting or self.pending or self.take_jobs.busy or self.shot_sounds.busy or self.tasks.busy)

    def generate(
        self,
        kind: str,
        engine: str | None,
        fields: dict[str, Any],
        at_playhead: bool = False,
        priority: str = "interactive",
        on_queued: Callable[[Any], None] | None = None,
        on_failed: Callable[[str], None] | None = None,
    ) -> None:
        """Queue one generation; with ``at_playhead`` a recipe clip stands in until the media exists.

        The request is checked here (a bad one raises RequestError, a ValueError, and nothing is queued);
        the job is submitted in the background and ``on_queued(job)`` is called on the GUI thread."""
        from pipelines import registry

        request = registry.make_request(kind, **fields)
        spec = registry.spec(kind, engine)
        scheduler, folder, playhead = self.scheduler, self.project_dir, self.playhead
        self.submitting += 1

        def queued(job: Any) -> None:  # the scheduler checked the engine's limits (loading it off this thread)
            self.submitting -= 1
            clip_id = self._place_recipe(kind, spec.engine, request.to_dict(), playhead) if at_playhead else None
            self.pending[job.id] = {"clip": clip_id, "kind": kind}
            self.message.emit(f"queued {kind}/{spec.engine} job {job.id}")
            current = scheduler.job(job.id)
            if current.finished:  # finished (or a cache hit) before its events could be matched
                self._on_job_event(FinishedEvent(current))
            if on_queued:
                on_queued(job)

        def failed(exc: BaseException) -> None:
            self.submitting -= 1
            self.error.emit(f"cannot queue the {kind} job: {exc}")
            if on_failed:
                on_failed(" ".join(str(exc).split()))

        self.tasks.run(
            lambda: scheduler.submit(kind, spec.engine, request, priority=priority, project_dir=folder), queued, failed
        )

    def _place_recipe(self, kind: str, engine: str, request: dict[str, Any], playhead: int) -> str | None:
        from studio.produce import place_recipe

        try:
            made, clip_id = place_recipe(self.project, kind, engine, request, playhead)
            self.bridge.push(made)
        except EditError as exc:
            self.error.emit(str(exc))
            return None
        self.progress[clip_id] = 0.0
        return clip_id

    @Slot(object)
    def _on_job_event(self, event: Any) -> None:
        job = event.job
        if event.type == "state" and job.state in ("loading", "running"):
            self._lower_worker_priority()
        info = self.pending.get(job.id)
        if info is not None and event.type == "progress" and info["clip"]:
            self.progress[info["clip"]] = float(event.fraction or 0.0)
        if info is not None and job.state in ("failed", "cancelled") and event.type == "state":
            self.pending.pop(job.id, None)
            self.progress.pop(info["clip"] or "", None)
            if info["clip"]:  # the placeholder stays, showing why, with retry and remove (inspector, clip menu)
                self.failed[info["clip"]] = " ".join((job.error or "cancelled").split())
            self.error.emit(f"{job.kind} job {job.state}: {job.error or 'cancelled'}")
        elif info is not None and job.state == "done" and event.type == "state" and job.result is not None:
            self.pending.pop(job.id, None)
            self._import_result(job, info["clip"])
        self.job_event.emit(event)

    def _import_result(self, job: Any, clip_id: str | None) -> None:
        project_dir, result = self.project_dir, job.result
        if project_dir is None:
            self.error.emit("save the project first: generated media goes into its folder")
            return
        self.tasks.run(
            lambda: import_result_assets(project_dir, result),
            lambda assets: self._on_generated(assets, clip_id, job),
            lambda exc: self.error.emit(f"cannot import the {job.kind} result: {exc}"),
        )

    def _on_generated(self, assets: list[Any], clip_id: str | None, job: Any) -> None:
        from studio.produce import attach_media

        primary = self.add_assets(assets)
        self.progress.pop(clip_id or "", None)
        if primary is None:
            return
        self.message.emit(f"{job.kind} ready: {primary.name} ({job.metrics.run_s or 0:.1f} s)")
        if clip_id is None or not any(c.id == clip_id for t in self.timeline.tracks for c in t.clips):
            return  # placed nowhere, or the placeholder was deleted meanwhile: the media waits in the bin
        self.push(lambda: attach_media(self.project, clip_id, primary))

    def add_assets(self, assets: list[Any]) -> Any:
        """Add imported assets (made off the GUI thread) to the project; returns the first."""
        for asset in assets:
            self.project.assets.setdefault(asset.id, asset)
        if assets:
            self.assets_dirty = True
            self.assets_changed_since_snapshot = True
            self.assets_changed.emit()
        return self.project.assets[assets[0].id] if assets else None

    def import_paths(self, paths: list[str | Path], on_done: Callable[[list[Any]], None] | None = None) -> None:
        """Import media files into the project folder in the background, then into the bin."""
        if self.project_dir is None:
            self.error.emit("save the project first: imported media is copied into its folder")
            return
        folder = self.project_dir

        def done(assets: list[Any]) -> None:
            self.add_assets(assets)
            self.message.emit(f"imported {len(assets)} file(s)")
            if on_done:
                on_done(assets)

        self.tasks.run(lambda: import_files(folder, paths), done, lambda exc: self.error.emit(str(exc)))

    def retry_placeholder(self, clip_id: str) -> None:
        """Queue a failed placeholder's recipe again; its media fills the same clip when it arrives."""
        from pipelines import registry

        _, clip = self.timeline.find_clip(clip_id)
        if clip.recipe is None:
            raise ValueError(f"clip {clip.name!r} has no generation recipe to retry")
        kind, request = clip.recipe.kind, registry.make_request(clip.recipe.kind, **clip.recipe.request)
        engine = registry.spec(kind, clip.recipe.engine).engine
        scheduler, folder = self.scheduler, self.project_dir
        self.failed.pop(clip_id, None)
        self.progress[clip_id] = 0.0
        self.submitting += 1

        def queued(job: Any) -> None:
            self.submitting -= 1
            self.pending[job.id] = {"clip": clip_id, "kind": kind}
            self.message.emit(f"queued {kind}/{engine} job {job.id} again for {clip.name!r}")
            current = scheduler.job(job.id)
            if current.finished:
                self._on_job_event(FinishedEvent(current))

        def refused(exc: BaseException) -> None:
            self.submitting -= 1
            self.progress.pop(clip_id, None)
            self.failed[clip_id] = " ".join(str(exc).split())
            self.error.emit(f"cannot queue the {kind} job: {exc}")

        self.changed.emit("retry")
        self.tasks.run(
            lambda: scheduler.submit(kind, engine, request, priority="interactive", project_dir=folder), queued, refused
        )

    def remove_placeholder(self, clip_id: str) -> bool:
        """Delete a placeholder clip (one undoable edit)."""
        if self.push(lambda: edit.remove_clip(self.project, clip_id)):
            self.failed.pop(clip_id, None)
            self.progress.pop(clip_id, None)
            return True
        return False

    # ------------------------------------------------------------------ saving
    def snapshot(self) -> Project:
        """A deep copy of the project as it is now, for background threads to read (one per revision)."""
        if self._snapshot is None or self._snapshot[0] != self.revision or self.assets_changed_since_snapshot:
            self._snapshot = (self.revision, copy.deepcopy(self.project))
            self.assets_changed_since_snapshot = False
        return self._snapshot[1]

    def save(self, on_done: Callable[[], None] | None = None, folder: Path | None = None) -> None:
        """Save in the background (atomic); marks the stack clean at the state that was written."""
        from studio.io import save_project

        target = folder or self.project_dir
        if target is None:
            self.error.emit("choose where to save the project (File > Save As)")
            return
        if folder is not None:
            Path(target).mkdir(parents=True, exist_ok=True)  # Save As: lock the new folder before writing there
        if not self._take_lock(Path(target), saving=True) or (
            self.read_only_reason and Path(target) == self.project_dir
        ):
            self.error.emit(
                f"not saved: {self.read_only_reason or 'another process writes that folder'}; "
                "use Save As to keep your changes elsewhere"
            )
            return
        snapshot, source = self.snapshot(), self.project_dir
        mark = len(self.stack.history)
        revision = self.revision

        def work() -> None:
            if source is not None and Path(target) != source:
                copy_media(source, Path(target))
            save_project(snapshot, target)
            self.written_revision = revision  # read by a close that waited for this save

        def done(_: Any) -> None:
            self.project_dir = Path(target)
            if len(self.stack.history) == mark:
                self.bridge.mark_clean()
            self.assets_dirty = False
            self.changed.emit("clean")
            self.message.emit(f"saved {target}")
            if on_done:
                on_done()

        self.tasks.run(work, done, lambda exc: self.error.emit(str(exc)))

    def autosave(self) -> bool:
        """Write an autosave in the background if the project changed since the last one (and is unsaved)."""
        from studio.io import autosave

        if (
            self.project_dir is None
            or not self.is_dirty
            or self.read_only_reason
            or self.autosaved_revision == self.revision
        ):
            return False
        snapshot, folder = self.snapshot(), self.project_dir
        self.autosaved_revision = self.revision
        self.tasks.run(
            lambda: autosave(snapshot, folder),
            lambda p: self.message.emit(f"autosaved {p.name}"),
            lambda exc: self.error.emit(str(exc)),
        )
        return True

    def close(self) -> None:
        if self._events is not None:
            self._events.close()
        if self._scheduler is not None:
            self._scheduler.shutdown()
            self._scheduler = None
        self.tasks.wait()
        self.tasks.drop_replies()
        if self._write_lock is not None:
            self._write_lock.release()
            self._write_lock = None


def import_result_assets(folder: Path, result: Any) -> list[Any]:
    """A generation's files as new Assets, primary first (worker thread; the GUI thread adds them)."""
    from studio.produce import import_result

    scratch = Project(name="import")
    primary = import_result(folder, scratch, result)
    return [primary] + [a for a in scratch.assets.values() if a.id != primary.id]


def import_files(folder: Path, paths: list[str | Path]) -> list[Any]:
    """Copy media files the creator chose into ``folder/media`` (worker thread). Returns the new Assets."""
    from studio.io import ProjectError, import_media
    from studio.io.media import kind_by_suffix

    scratch = Project(name="import")
    assets = []
    for path in (Path(p) for p in paths):
        if kind_by_suffix(path) == "other":
            raise ProjectError(f"{path.name}: not a media file Studio can import")
        assets.append(import_media(folder, scratch, path))
    return assets


def copy_media(source: Path, target: Path) -> None:
    """Copy a project's media folder for Save As (worker thread)."""
    import shutil

    (target / "media").mkdir(parents=True, exist_ok=True)
    (target / "autosave").mkdir(exist_ok=True)
    for item in (source / "media").iterdir():
        dest = target / "media" / item.name
        if item.is_file() and not dest.exists():
            shutil.copy2(item, dest)
    os.sync() if hasattr(os, "sync") else None
