"""New takes of a clip made in the background: a variation (next seed) or an upgrade in place (another engine).

The job runs on the session's scheduler; its progress shows on the clip; when it is done its files are imported
and the clip shows the new version in one undoable edit (``edit.add_take``), the old media kept as a take.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from studio import edit
from studio.edit import EditError
from studio.edit.takes import version_name
from studio.gui.workers import FinishedEvent
from studio.model import Recipe


class TakeJobs(QObject):
    """Jobs whose result becomes a take of a clip (job id -> what to do with it)."""

    finished = Signal(str, bool)  # clip id, whether the new take arrived

    def __init__(self, session: Any, import_assets: Callable[[Any, Any], list[Any]]):
        """``import_assets(project_dir, result)``: the session's importer of a finished job's files (worker thread),
        returning the new Assets, primary first."""
        super().__init__(session)
        self.session, self.import_assets = session, import_assets
        self.jobs: dict[str, dict[str, Any]] = {}
        session.job_event.connect(self._on_event)

    def generate(
        self,
        clip_id: str,
        kind: str,
        engine: str | None,
        fields: dict[str, Any],
        show: bool = True,
        on_queued: Callable[[Any], None] | None = None,
    ) -> None:
        """Queue ``fields`` for ``engine``; the result becomes a take of ``clip_id`` (shown at once with ``show``).

        A bad request raises RequestError (a ValueError) here and nothing is queued."""
        from pipelines import registry

        session = self.session
        session.timeline.find_clip(clip_id)  # KeyError: the clip is gone
        request = registry.make_request(kind, **fields)
        spec = registry.spec(kind, engine)
        scheduler, folder = session.scheduler, session.project_dir
        session.progress[clip_id] = 0.0
        session.submitting += 1

        def queued(job: Any) -> None:
            session.submitting -= 1
            self.jobs[job.id] = {"clip": clip_id, "recipe": Recipe(kind, spec.engine, request.to_dict()), "show": show}
            session.message.emit(f"making a new take of the clip with {kind}/{spec.engine} (job {job.id})")
            current = scheduler.job(job.id)
            if current.finished:  # a cache hit finishes inside submit, before its events could be matched
                self._on_event(FinishedEvent(current))
            if on_queued:
                on_queued(job)

        def refused(exc: BaseException) -> None:
            session.submitting -= 1
            session.progress.pop(clip_id, None)
            session.error.emit(f"cannot queue the {kind} job: {exc}")

        session.tasks.run(
            lambda: scheduler.submit(kind, spec.engine, request, priority="interactive", project_dir=folder),
            queued,
            refused,
        )

    @property
    def busy(self) -> bool:
        return bool(self.jobs)

    def _on_event(self, event: Any) -> None:
        job, session = event.job, self.session
        info = self.jobs.get(job.id)
        if info is None:
            return
        if event.type == "progress":
            session.progress[info["clip"]] = float(event.fraction or 0.0)
            return
        if event.type != "state" or not job.finished:
            return
        self.jobs.pop(job.id, None)
        if job.state != "done" or job.result is None:
            session.progress.pop(info["clip"], None)
            session.error.emit(f"the new take ({job.kind}/{job.engine}) {job.state}: {job.error or 'cancelled'}")
            self.finished.emit(info["clip"], False)
            return
        if session.project_dir is None:
            session.error.emit("save the project first: generated media goes into its folder")
            return
        result, folder = job.result, session.project_dir
        session.tasks.run(
            lambda: self.import_assets(folder, result),
            lambda assets: self._arrived(assets, info),
            lambda exc: session.error.emit(f"cannot import the new take: {exc}"),
        )

    def _arrived(self, assets: list[Any], info: dict[str, Any]) -> None:
        session, clip_id = self.session, info["clip"]
        session.progress.pop(clip_id, None)
        primary = session.add_assets(assets)
        if primary is None:
            return
        try:
            session.bridge.push(edit.add_take(session.project, clip_id, primary.id, info["recipe"], show=info["show"]))
        except (EditError, KeyError) as exc:  # the clip was deleted or changed meanwhile: the media stays in the bin
            session.error.emit(f"the new take is in the bin but not on the clip: {exc}")
            self.finished.emit(clip_id, False)
            return
        session.message.emit(
            f"new take of {session.timeline.find_clip(clip_id)[1].name!r}: "
            f"{version_name(session.project, primary.id, info['recipe'])}"
        )
        self.finished.emit(clip_id, True)
