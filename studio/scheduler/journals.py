"""The journals a scheduler has open: one per project (or the user data folder), and which job lives in which.

A journal is owned by one live process at a time (the one that resumes its unfinished jobs); another
process that opens it is a guest that adds and runs its own jobs there. Cancels asked from another
process (``studio jobs cancel``) arrive as flags in the journal and are read here.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from pipelines.base import GenerationResult, OutputFile
from studio.scheduler.jobs import Job
from studio.scheduler.journal import Journal, JournalBusy
from studio.scheduler.paths import JobPlace


class JournalSet:
    """Open journals by folder, the journal of each job, and cancel flags set by other processes."""

    def __init__(self) -> None:
        self._by_root: dict[Path, Journal] = {}
        self._by_arg: dict[Any, Journal] = {}  # as passed to open(), to skip resolving paths per job
        self._of: dict[str, Journal] = {}  # job id -> its journal
        self._cancel_flags: dict[Path, set[str]] = {}  # job ids cancelled from another process, per journal

    def known(self, project_dir: str | Path | None) -> Journal | None:
        return self._by_arg.get(project_dir)

    def open(self, project_dir: str | Path | None) -> tuple[Journal, bool | None]:
        """The journal of ``project_dir`` (None: the user data folder) and whether this process owns it;
        ownership is None for a journal that was already open."""
        place = JobPlace.for_project(project_dir)
        if place.root in self._by_root:
            self._by_arg[project_dir] = self._by_root[place.root]
            return self._by_root[place.root], None
        journal = Journal(place)
        try:
            journal.take_ownership()
            owner = True
        except JournalBusy:
            owner = False
        self._by_root[place.root] = journal
        self._by_arg[project_dir] = journal
        self._cancel_flags[place.root] = set()
        journal.changed_elsewhere()  # start watching for other processes' writes from here
        return journal, owner

    def assign(self, job: Job, journal: Journal) -> None:
        self._of[job.id] = journal

    def of(self, job: Job) -> Journal:
        return self._of[job.id]

    def partial_dir(self, job: Job) -> Path:
        """Where a running job writes; moved whole into outputs/ when it is done."""
        return self._of[job.id].place.partial / job.id

    def cancelled_elsewhere(self, job: Job) -> bool:
        """Cheap unless the journal changed under us: then read which unfinished jobs were flagged."""
        journal = self._of[job.id]
        flags = self._cancel_flags.setdefault(journal.place.root, set())
        if journal.changed_elsewhere():
            flags.update(j.id for j in journal.jobs() if j.cancel_requested and not j.finished)
        return job.id in flags

    def keep_result(self, job: Job, result: GenerationResult) -> GenerationResult:
        """Move a finished job's folder from partial/ into outputs/ (whole, by rename) and repoint its files."""
        place = self._of[job.id].place
        partial = place.partial / job.id
        final = place.outputs / job.kind / f"{job.request_hash[:16]}-{job.engine}"
        final.parent.mkdir(parents=True, exist_ok=True)
        if final.exists():
            shutil.rmtree(final)
        partial.replace(final)
        files = [OutputFile(final / Path(f.path).relative_to(partial), f.role) for f in result.files]
        return GenerationResult(files, result.provenance, result.metrics)

    def discard_partial(self, job: Job) -> None:
        shutil.rmtree(self.partial_dir(job), ignore_errors=True)

    def close_all(self) -> None:
        for journal in self._by_root.values():
            journal.close()
