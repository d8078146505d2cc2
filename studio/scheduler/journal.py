"""The job journal and result cache: one SQLite file per project (or the user data folder).

Every state change is written (WAL, synchronous=NORMAL: durable across a crash or ``kill -9`` of
the process; a power cut may lose the last changes, never corrupt the file). A lock file held with
``flock`` says which process runs the journal's jobs; the kernel drops it when that process dies.
Each job row also names the process that last wrote it (pid and start time), so an unfinished job whose
process died is told apart from one a live guest process is running: it is "interrupted", and the next
scheduler to open the journal claims it (one process only) and resumes it.
Result paths are stored relative to the journal's root folder, so a project folder can move.
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from pipelines.base import GenerationResult, OutputFile
from studio.scheduler.jobs import Job, cache_key
from studio.scheduler.paths import JobPlace

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (id TEXT PRIMARY KEY, seq INTEGER, state TEXT, data TEXT NOT NULL,
                                 cancel_requested INTEGER DEFAULT 0, writer TEXT);
CREATE TABLE IF NOT EXISTS cache (key TEXT PRIMARY KEY, result TEXT NOT NULL, created REAL);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT);
"""
SCHEMA_VERSION = "Journal.1"


_UNFINISHED_SQL = "state NOT IN ('done', 'failed', 'cancelled')"


def _proc_stat(pid: int) -> list[str] | None:
    """Fields 3.. of /proc/PID/stat (state first), or None where there is no /proc or no such process."""
    try:
        text = open(f"/proc/{pid}/stat").read()  # noqa: SIM115 - tiny read
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()


def process_token(pid: int | None = None) -> str:
    """``PID:START`` naming one process for as long as it lives (START, its start time in clock ticks
    since boot, tells a reused pid apart); just ``PID`` where /proc is missing."""
    pid = os.getpid() if pid is None else pid
    fields = _proc_stat(pid)
    return f"{pid}:{fields[19]}" if fields else str(pid)


def token_alive(token: str) -> bool:
    """Whether the process a ``process_token`` names is still running (a zombie is not)."""
    pid_text, _, start = token.partition(":")
    try:
        pid = int(pid_text)
        os.kill(pid, 0)
    except ValueError:
        return False
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # alive, another user's
    fields = _proc_stat(pid)
    if fields is None:
        return not start  # no /proc: trust the pid; with a start time recorded, the process is gone
    return fields[0] != "Z" and (not start or fields[19] == start)


class JournalBusy(RuntimeError):
    """Another live process runs this journal's jobs."""


class Journal:
    """Jobs and cached results of one place (a project or the user data folder)."""

    def __init__(self, place: JobPlace):
        self.place = place
        place.journal.parent.mkdir(parents=True, exist_ok=True)
        # Opening a journal may create it: processes that start together on an empty folder take turns (first
        # use of a project by two `studio generate`s at once hit "database is locked" and a duplicate meta row).
        with open(place.journal.with_name(place.journal.name + ".open-lock"), "a") as turn:
            fcntl.flock(turn, fcntl.LOCK_EX)
            self._db = self._open(place)
        self._lock = threading.Lock()
        self._lock_file: Any = None
        self._token: tuple[int, str] | None = None  # (pid, process_token) of this process
        self._root_prefix = str(place.root.resolve()) + os.sep

    @staticmethod
    def _open(place: JobPlace) -> sqlite3.Connection:
        """Connect, switch to WAL, create the tables and check the schema (one process at a time)."""
        db = sqlite3.connect(place.journal, check_same_thread=False, isolation_level=None, timeout=10)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.executescript(_SCHEMA)
        db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
        found = db.execute("SELECT value FROM meta WHERE name='schema'").fetchone()[0]
        if found != SCHEMA_VERSION:
            db.close()
            raise RuntimeError(f"{place.journal} is a {found} journal; this studio reads {SCHEMA_VERSION}")
        columns = {row[1] for row in db.execute("PRAGMA table_info(jobs)")}
        if "writer" not in columns:  # a journal from before writers were recorded
            db.execute("ALTER TABLE jobs ADD COLUMN writer TEXT")
        return db

    # -- ownership --------------------------------------------------------------------------------
    def take_ownership(self) -> None:
        """Become the process that runs this journal's jobs (raises JournalBusy if another live one is)."""
        f = open(self.place.journal.with_suffix(".lock"), "a+")  # noqa: SIM115 - held while we own the journal
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            owner = f.read().strip() or "?"
            f.close()
            raise JournalBusy(
                f"jobs in {self.place.root} are being run by another studio process (pid {owner})"
            ) from None
        f.seek(0)
        f.truncate()
        f.write(str(os.getpid()))
        f.flush()
        self._lock_file = f

    def owner_pid(self) -> int | None:
        """The pid of the live process running these jobs, or None."""
        path = self.place.journal.with_suffix(".lock")
        if not path.exists():
            return None
        with open(path, "a+") as f:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                f.seek(0)
                text = f.read().strip()
                return int(text) if text.isdigit() else -1
            fcntl.flock(f, fcntl.LOCK_UN)
        return None

    # -- jobs -------------------------------------------------------------------------------------
    def writer_token(self) -> str:
        """This process's ``process_token`` (recomputed after a fork)."""
        if self._token is None or self._token[0] != os.getpid():
            self._token = (os.getpid(), process_token())
        return self._token[1]

    def save(self, job: Job, cache_key: str | None = None, *, writer: int | None = None) -> None:
        """Write the job, recording this process (or the process ``writer``) as the one running it; with
        ``cache_key``, remember its result in the same transaction."""
        data = job.to_dict()
        if job.result is not None:
            data["result"] = self._relative(job.result)
        token = self.writer_token() if writer is None else process_token(writer)
        with self._lock:
            if cache_key is not None:
                self._db.execute("BEGIN")
            self._db.execute(
                "INSERT INTO jobs (id, seq, state, data, cancel_requested, writer) "
                "VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET seq=excluded.seq, state=excluded.state, "
                "data=excluded.data, cancel_requested=excluded.cancel_requested, "
                "writer=excluded.writer",
                (job.id, job.seq, job.state, json.dumps(data), int(job.cancel_requested), token),
            )
            if cache_key is not None:
                self._db.execute(
                    "INSERT OR REPLACE INTO cache VALUES (?, ?, ?)",
                    (cache_key, json.dumps(data["result"]), time.time()),
                )
                self._db.execute("COMMIT")

    def jobs(self, mark_interrupted: bool = False) -> list[Job]:
        """Every job in submission order; ``mark_interrupted`` shows an unfinished job whose process died
        with the state "interrupted" (for listing: it is resumed when a scheduler next opens the journal)."""
        with self._lock:
            rows = self._db.execute("SELECT data, cancel_requested FROM jobs ORDER BY seq").fetchall()
        jobs = [self._job(data, flag) for data, flag in rows]
        if mark_interrupted:
            interrupted = self.interrupted()
            for job in jobs:
                if job.id in interrupted:
                    job.state = "interrupted"
        return jobs

    def interrupted(self) -> dict[str, str | None]:
        """Unfinished jobs whose process died (kill -9, a crash): job id -> that process's token. A job
        written before writers were recorded counts as interrupted when no other live process owns the journal."""
        with self._lock:
            rows = self._db.execute(f"SELECT id, writer FROM jobs WHERE {_UNFINISHED_SQL}").fetchall()
        owner_gone: bool | None = None
        out: dict[str, str | None] = {}
        for job_id, writer in rows:
            if writer is None:
                if owner_gone is None:
                    owner_gone = self._lock_file is not None or self.owner_pid() is None
                dead = owner_gone
            else:
                dead = writer != self.writer_token() and not token_alive(writer)
            if dead:
                out[job_id] = writer
        return out

    def claim(self, job_id: str, dead_writer: str | None) -> bool:
        """Take over an interrupted job: True for exactly one process, even if several reopen the journal at once."""
        with self._lock:
            cursor = self._db.execute(
                f"UPDATE jobs SET writer=? WHERE id=? AND writer IS ? AND {_UNFINISHED_SQL}",
                (self.writer_token(), job_id, dead_writer),
            )
            return cursor.rowcount == 1

    def job(self, job_id: str) -> Job | None:
        with self._lock:
            row = self._db.execute("SELECT data, cancel_requested FROM jobs WHERE id=?", (job_id,)).fetchone()
        return self._job(*row) if row else None

    def next_seq(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM jobs").fetchone()[0]) + 1

    def request_cancel(self, job_id: str) -> None:
        """Ask the owning process to cancel a job (it reads the flag before starting and while running)."""
        with self._lock:
            self._db.execute("UPDATE jobs SET cancel_requested=1 WHERE id=?", (job_id,))

    def cancel_requested(self, job_id: str) -> bool:
        with self._lock:
            row = self._db.execute("SELECT cancel_requested FROM jobs WHERE id=?", (job_id,)).fetchone()
        return bool(row and row[0])

    def changed_elsewhere(self) -> bool:
        """True if another connection (another process: ``studio jobs cancel``) wrote since the last call."""
        with self._lock:
            version = self._db.execute("PRAGMA data_version").fetchone()[0]
        changed, self._data_version = version != getattr(self, "_data_version", version), version
        return changed

    def _job(self, data: str, flag: int) -> Job:
        d = json.loads(data)
        if d.get("result"):
            d["result"] = self._absolute(d["result"])
        job = Job.from_dict(d)
        job.cancel_requested = bool(flag)
        return job

    # -- result cache -----------------------------------------------------------------------------
    def cached(self, key: str) -> GenerationResult | None:
        """The cached result for a key, if all its files still exist."""
        with self._lock:
            row = self._db.execute("SELECT result FROM cache WHERE key=?", (key,)).fetchone()
        if row is None:
            return None
        result = GenerationResult.from_dict(self._absolute(json.loads(row[0])))
        if not all(f.path.exists() for f in result.files):  # a file, or a folder of views
            with self._lock:
                self._db.execute("DELETE FROM cache WHERE key=?", (key,))
            return None
        return result

    def remember(self, key: str, result: GenerationResult) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO cache VALUES (?, ?, ?)", (key, json.dumps(self._relative(result)), time.time())
            )

    # -- paths --------------------------------------------------------------------------------------
    def _relative(self, result: GenerationResult) -> dict[str, Any]:
        d = result.to_dict()
        for f in d["files"]:
            path = os.path.abspath(f["path"])
            if path.startswith(self._root_prefix):
                f["path"] = path[len(self._root_prefix) :]
        return d

    def _absolute(self, d: dict[str, Any]) -> dict[str, Any]:
        d = dict(d)
        d["files"] = [OutputFile(self.place.root / f["path"], f["role"]).to_dict() for f in d["files"]]
        return d

    def close(self) -> None:
        with self._lock:
            self._db.close()
        if self._lock_file is not None:
            self._lock_file.close()
            self._lock_file = None


def cached_result(
    kind: str, engine: str | None, request: Any, project_dir: str | Path | None
) -> GenerationResult | None:
    """The cached result of ``request`` for the engine (None: the kind's default) in the journal of
    ``project_dir`` (None: the user data folder), or None; opens no journal that does not exist yet.

    What ``studio make --plan`` asks to mark jobs "cached" without starting a scheduler."""
    from pipelines import registry

    place = JobPlace.for_project(project_dir)
    if not place.journal.exists():
        return None
    spec = registry.spec(kind, engine)
    journal = Journal(place)
    try:
        return journal.cached(cache_key(kind, spec.engine, spec.version, request.content_hash()))
    finally:
        journal.close()
