""" "Add sound for this shot": effects that follow what happens in a generated shot, placed under it.

The shot's events (lightning flashes, wave breaks, rain...) are read off the GUI thread
(``pipelines.sfx.for_shot.request_for_shot``), the draft sound engine plays them on the session's scheduler
(progress shows on the shot clip), and the sound arrives as one undoable edit lined up with the part of the
shot the clip shows (``studio.produce.place_shot_sound``). A clip Studio's draft video engine did not make
gets one line saying why it cannot have this.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from studio.edit import EditError
from studio.gui.workers import FinishedEvent


def can_add_sound(project: Any, clip: Any) -> bool:
    """Whether ``clip`` shows a video made by Studio's draft video engine (the one that records events)."""
    asset = project.assets.get(clip.asset_id or "") if clip is not None else None
    made = (asset.provenance if asset is not None else None) or {}
    return asset is not None and asset.kind == "video" and made.get("kind") == "video" and made.get("engine") == "draft"


class ShotSounds(QObject):
    """Sound-for-a-shot jobs (job id -> the shot clip the sound goes under)."""

    finished = Signal(str, bool)  # shot clip id, whether the sound was placed

    def __init__(self, session: Any, import_assets: Callable[[Any, Any], list[Any]]):
        """``import_assets(project_dir, result)``: the session's importer of a finished job's files (worker thread)."""
        super().__init__(session)
        self.session, self.import_assets = session, import_assets
        self.jobs: dict[str, str] = {}
        session.job_event.connect(self._on_event)

    @property
    def busy(self) -> bool:
        return bool(self.jobs)

    def add(self, clip_id: str, seed: int = 0) -> None:
        """Queue the sound for the shot shown by ``clip_id``; it lands on an audio track under the clip."""
        session = self.session
        _, clip = session.timeline.find_clip(clip_id)
        asset = session.project.assets.get(clip.asset_id or "")
        if session.project_dir is None or asset is None:
            session.error.emit(f"{clip.name!r} shows no saved media: sound for a shot needs a generated shot")
            return
        shot = Path(session.project_dir) / asset.path
        scheduler, folder = session.scheduler, session.project_dir
        session.progress[clip_id] = 0.0
        session.submitting += 1

        def submit() -> Any:  # worker thread: read the shot's events, then queue the job
            from pipelines.sfx.for_shot import request_for_shot

            request = request_for_shot(shot, seed=seed)
            return scheduler.submit("sfx", "draft", request, priority="interactive", project_dir=folder)

        def queued(job: Any) -> None:
            session.submitting -= 1
            self.jobs[job.id] = clip_id
            session.message.emit(f"making sound for {clip.name!r} (job {job.id})")
            current = scheduler.job(job.id)
            if current.finished:  # a cache hit finishes inside submit, before its events could be matched
                self._on_event(FinishedEvent(current))

        def refused(exc: BaseException) -> None:
            session.submitting -= 1
            session.progress.pop(clip_id, None)
            session.error.emit(f"no sound for {clip.name!r}: {' '.join(str(exc).split())}")
            self.finished.emit(clip_id, False)

        session.tasks.run(submit, queued, refused)

    def _on_event(self, event: Any) -> None:
        job, session = event.job, self.session
        clip_id = self.jobs.get(job.id)
        if clip_id is None:
            return
        if event.type == "progress":
            session.progress[clip_id] = float(event.fraction or 0.0)
            return
        if event.type != "state" or not job.finished:
            return
        self.jobs.pop(job.id, None)
        if job.state != "done" or job.result is None or session.project_dir is None:
            session.progress.pop(clip_id, None)
            session.error.emit(f"the sound for the shot {job.state}: {job.error or 'cancelled'}")
            self.finished.emit(clip_id, False)
            return
        result, folder = job.result, session.project_dir
        session.tasks.run(
            lambda: self.import_assets(folder, result),
            lambda assets: self._arrived(assets, clip_id),
            lambda exc: session.error.emit(f"cannot import the shot's sound: {exc}"),
        )

    def _arrived(self, assets: list[Any], clip_id: str) -> None:
        from studio.produce import place_shot_sound

        session = self.session
        session.progress.pop(clip_id, None)
        primary = session.add_assets(assets)
        if primary is None:
            return
        try:
            session.bridge.push(place_shot_sound(session.project, clip_id, primary))
        except (EditError, KeyError) as exc:  # the shot was deleted meanwhile: the sound waits in the bin
            session.error.emit(f"the shot's sound is in the bin but not on the timeline: {exc}")
            self.finished.emit(clip_id, False)
            return
        session.message.emit(f"sound added under {session.timeline.find_clip(clip_id)[1].name!r}")
        self.finished.emit(clip_id, True)
