"""What the local API does, without HTTP: submit, list, cancel, result files, an event feed, project imports.

The web layer (``app.py``) only parses and answers; everything a request can do is a method here, so it is
tested and reused without a server. Requests are built and checked exactly as ``studio generate`` builds
them (``pipelines.registry.make_request`` then the scheduler's own checks); file fields (a start image, a
views folder, a song to extend) must name files inside the project, and are refused without one.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from studio.cli.output import job_document

log = logging.getLogger(__name__)
PATH_FIELDS = frozenset({"image", "end_image", "mask", "views_dir", "extend_from", "restyle_from"})
PRIORITIES = ("interactive", "batch")
EVENT_QUEUE = 2000  # events a slow listener may lag behind before its progress events are dropped


class BadRequest(ValueError):
    """The client's fault: answered 4xx with this one-line message (``status`` 400, 404, 409 or 422)."""

    def __init__(self, message: str, status: int = 422):
        super().__init__(message)
        self.status = status


class EventFeed:
    """Scheduler events fanned out to asyncio listeners (each an SSE stream). The scheduler calls ``emit`` on
    its own threads; a listener gets events through ``loop.call_soon_threadsafe``, so nothing blocks."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listeners: list[tuple[asyncio.AbstractEventLoop, asyncio.Queue, str | None]] = []

    def listen(self, job_id: str | None = None) -> tuple[asyncio.Queue, Callable[[], None]]:
        """A queue of event dicts (only ``job_id``'s when given) for the running loop, and its unsubscribe."""
        entry = (asyncio.get_running_loop(), asyncio.Queue(EVENT_QUEUE), job_id)
        with self._lock:
            self._listeners.append(entry)

        def stop() -> None:
            with self._lock:
                if entry in self._listeners:
                    self._listeners.remove(entry)

        return entry[1], stop

    def close(self) -> None:
        """End every listener's stream (each gets None), so a server stops without waiting on open streams."""
        with self._lock:
            listeners, self._listeners = list(self._listeners), []
        for loop, queue, _ in listeners:
            try:
                loop.call_soon_threadsafe(_offer, queue, None)
            except RuntimeError:
                pass

    def emit(self, event: dict[str, Any]) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for loop, queue, job_id in listeners:
            if job_id is None or job_id == event["job"]["id"]:
                try:
                    loop.call_soon_threadsafe(_offer, queue, event)
                except RuntimeError:  # that listener's loop has closed
                    pass


def _offer(queue: asyncio.Queue, event: dict[str, Any] | None) -> None:
    if queue.full() and event is not None and event["event"] == "progress":
        return  # a lagging listener loses progress ticks, never a state change
    if queue.full():
        queue.get_nowait()
    queue.put_nowait(event)


class StudioService:
    """The scheduler behind the API. ``project_dir``: results are imported into that project (as ``studio
    generate --project`` does) and file fields must stay inside it."""

    def __init__(self, scheduler: Any, project_dir: str | Path | None = None):
        self.scheduler = scheduler
        self.project_dir = Path(project_dir).resolve() if project_dir is not None else None
        self.feed = EventFeed()
        self.imported: dict[str, str] = {}  # job id -> asset id
        self.import_errors: dict[str, str] = {}
        self._imports = ThreadPoolExecutor(max_workers=1, thread_name_prefix="studio-serve-import")
        self._unsubscribe = scheduler.subscribe(self._on_event)

    def close(self) -> None:
        self._unsubscribe()
        self._imports.shutdown(wait=True)

    # ------------------------------------------------------------------ requests
    def submit(self, body: Any) -> dict[str, Any]:
        """``{"kind", "engine"?, "request": {...}, "priority"?}`` -> the queued (or cached) job."""
        from pipelines import registry
        from pipelines.base import RequestError

        if not isinstance(body, dict):
            raise BadRequest('the body must be a JSON object like {"kind": "sfx", "request": {...}}', 400)
        unknown = set(body) - {"kind", "engine", "request", "priority"}
        if unknown:
            raise BadRequest(
                f"unknown field(s) {', '.join(sorted(unknown))}; expected kind, engine, request, priority", 400
            )
        kind, engine, fields = body.get("kind"), body.get("engine"), body.get("request", {})
        priority = body.get("priority", "batch")
        if not isinstance(kind, str) or not kind:
            raise BadRequest("kind must name a media kind: sfx, song, video, voice or 3d")
        if engine is not None and not isinstance(engine, str):
            raise BadRequest("engine must be a name or null")
        if not isinstance(fields, dict):
            raise BadRequest("request must be a JSON object of the kind's fields")
        if priority not in PRIORITIES:
            raise BadRequest(f"priority must be interactive or batch, got {priority!r}")
        fields = self._project_paths(fields)
        try:
            request = registry.make_request(kind, **fields)
            job = self.scheduler.submit(kind, engine, request, priority=priority, project_dir=self.project_dir)
        except (RequestError, TypeError, ValueError) as exc:
            raise BadRequest(" ".join(str(exc).split()) or type(exc).__name__) from None
        return self.document(job)

    def _project_paths(self, fields: dict[str, Any]) -> dict[str, Any]:
        """File fields resolved inside the project (relative to it); anything outside is refused."""
        out = dict(fields)
        for name in PATH_FIELDS & set(fields):
            value = fields[name]
            if value in ("", None):
                continue
            if not isinstance(value, str):
                raise BadRequest(f"{name} must be a path inside the project")
            if self.project_dir is None:
                raise BadRequest(f"{name}: files can be used only when the server runs with --project")
            path = (self.project_dir / value).resolve()
            if path != self.project_dir and self.project_dir not in path.parents:
                raise BadRequest(f"{name}: {value!r} is outside the project folder", 403)
            if not path.exists():
                raise BadRequest(f"{name}: {value!r} not found in the project", 404)
            out[name] = str(path)
        return out

    def jobs(self, state: str | None = None) -> list[dict[str, Any]]:
        return [self.document(j) for j in self.scheduler.jobs() if state is None or j.state == state]

    def job(self, job_id: str) -> dict[str, Any]:
        return self.document(self._job(job_id))

    def cancel(self, job_id: str) -> dict[str, Any]:
        self._job(job_id)
        return self.document(self.scheduler.cancel(job_id))

    def result_file(self, job_id: str, index: int) -> Path:
        """The ``index``-th file of a finished job; only files inside the project (or Studio's data folder)."""
        from studio.scheduler.paths import JobPlace

        job = self._job(job_id)
        if job.state != "done" or job.result is None:
            raise BadRequest(f"job {job_id} is {job.state}; it has no files yet", 409)
        if not 0 <= index < len(job.result.files):
            raise BadRequest(f"job {job_id} has {len(job.result.files)} file(s); no file {index}", 404)
        root = JobPlace.for_project(self.project_dir).root.resolve()
        path = Path(job.result.files[index].path).resolve()
        if root not in path.parents:
            raise BadRequest(f"file {index} of job {job_id} is outside the project folder", 403)
        if not path.is_file():
            raise BadRequest(f"file {index} of job {job_id} is gone from disk", 404)
        return path

    def document(self, job: Any) -> dict[str, Any]:
        doc = job_document(job)
        doc["files"] = [{**f, "url": f"/jobs/{job.id}/files/{i}"} for i, f in enumerate(doc["files"])]
        if job.id in self.imported:
            doc["asset_id"] = self.imported[job.id]
        if job.id in self.import_errors:
            doc["import_error"] = self.import_errors[job.id]
        return doc

    def _job(self, job_id: str) -> Any:
        try:
            return self.scheduler.job(job_id)
        except KeyError:
            raise BadRequest(f"no job {job_id!r}", 404) from None

    # ------------------------------------------------------------------ events and imports
    def _on_event(self, event: Any) -> None:
        """On a scheduler thread: pass the event on; a finished job is imported off this thread (a cache hit's
        "done" comes from inside ``submit``; a job resumed from the journal's comes later, both the same way)."""
        job = event.job
        if event.type == "state" and job.state == "done":
            self._imports.submit(self._import, job)
            return  # its "done" event is sent once the import has finished (so asset_id is in it)
        body = {"event": event.type, "job": {"id": job.id, "state": job.state, "kind": job.kind}}
        if event.type == "progress":
            body.update(fraction=event.fraction, message=event.message)
        else:
            body["job"] = self.document(job)
        self.feed.emit(body)

    def _import(self, job: Any) -> None:
        if self.project_dir is not None and job.result is not None:
            try:
                self.imported[job.id] = import_into_project(self.project_dir, job)
            except Exception as exc:  # noqa: BLE001 - one bad result must not stop the server
                log.exception("importing job %s failed", job.id)
                self.import_errors[job.id] = " ".join(str(exc).split()) or type(exc).__name__
        self.feed.emit({"event": "state", "job": self.document(job)})


def import_into_project(project_dir: Path, job: Any) -> str:
    """Add a finished job's files to the project (primary file, sidecars, provenance) under its write lock,
    re-reading it first so nothing the GUI saved meanwhile is lost; returns the asset id."""
    from studio.produce import merge_result

    return merge_result(project_dir, job.result, command="studio serve").id
