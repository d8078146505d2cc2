"""The project folder on disk: create, load, atomic save, rolling autosave and crash recovery.

MyFilm.studio/project.json   the model (versioned JSON)
MyFilm.studio/media/         content-addressed media and provenance sidecars
MyFilm.studio/autosave/      autosave-<UTC time>.json, the newest ``keep`` kept
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import time
import uuid
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path

from studio.io.errors import ProjectError
from studio.io.lock import LOCK_NAME
from studio.io.paths import AUTOSAVE_DIR, MEDIA_DIR, PROJECT_FILE, project_dir_of, resolve_in_project
from studio.io.reader import parse_project_json, project_from_dict
from studio.io.schema import dumps_project, project_to_dict
from studio.model.checks import timeline_problem
from studio.model.entities import Asset, Project, Timeline, Track, new_id

MAX_PROJECT_BYTES = 256 * 1024 * 1024
STALE_TEMP_S = 600  # a temp file this old is a killed save's even if its process id was reused
AUTOSAVE_PREFIX = "autosave-"


def project_json_bytes(project: Project) -> bytes:
    """The exact bytes saved for ``project``; validated as the loader will read them, so an invalid
    model is never written."""
    data = project_to_dict(project)
    try:
        text = dumps_project(data)
    except (TypeError, ValueError) as exc:  # NaN or a non-JSON value: name the field if the model checks can
        for i, timeline in enumerate(project.timelines):
            problem = timeline_problem(timeline, project.assets)
            if problem:
                raise ProjectError(f"cannot save {project.name!r}: timelines[{i}].{problem[0]}: {problem[1]}") from None
        raise ProjectError(f"cannot save {project.name!r}: {exc}") from None
    project_from_dict(json.loads(text), source=f"cannot save {project.name!r}", upgrade=False)
    return text.encode("utf-8")


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so a crash leaves the old file or the new one, never a torn one."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    try:
        with open(tmp, "xb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # not supported on this platform
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _temp_owner_alive(tmp: Path) -> bool:
    """Whether the process named in a temp file's name (``.NAME.tmp-PID-XXXX``) is still running here."""
    m = re.search(r"\.tmp-(\d+)-", tmp.name)
    if m is None:
        return False
    pid = int(m.group(1))
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # alive, but not ours to signal
        return True
    return True


def _remove_stale_temp_files(folder: Path, pattern: str) -> int:
    """Drop temp files left by saves that were killed: their writer is gone, or they are older than
    ``STALE_TEMP_S`` (a reused process id). A live save's file is never touched. Returns how many went."""
    cutoff = time.time() - STALE_TEMP_S
    removed = 0
    for tmp in folder.glob(pattern):
        try:
            if not _temp_owner_alive(tmp) or tmp.lstat().st_mtime < cutoff:
                tmp.unlink()
                removed += 1
        except OSError:
            pass
    return removed


def remove_killed_saves(path: str | Path) -> int:
    """Temp files of saves and autosaves that were killed part-way, removed (on open); returns the count."""
    folder = project_dir_of(path)
    return _remove_stale_temp_files(folder, f".{PROJECT_FILE}.tmp-*") + _remove_stale_temp_files(
        folder / AUTOSAVE_DIR, f".{AUTOSAVE_PREFIX}*.tmp-*"
    )


def create_project(
    path: str | Path, name: str | None = None, *, rate: Fraction = Fraction(24), width: int = 1280, height: int = 720
) -> Project:
    """Make a new project folder at ``path`` with one timeline holding a video track V1 and an audio track A1."""
    folder = Path(path)
    if folder.exists() and (not folder.is_dir() or any(p.name != LOCK_NAME for p in folder.iterdir())):
        raise ProjectError(f"{folder}: already exists and is not an empty folder; choose a new name")
    rate = Fraction(rate)
    timeline = Timeline(
        id=new_id("timeline"),
        name="Main",
        rate=rate,
        width=width,
        height=height,
        tracks=[Track(id=new_id("track"), kind="video", name="V1"), Track(id=new_id("track"), kind="audio", name="A1")],
    )
    project = Project(name=name or folder.name.removesuffix(".studio") or "Untitled", timelines=[timeline])
    data = project_json_bytes(project)  # validates rate and size before anything is created
    try:
        (folder / MEDIA_DIR).mkdir(parents=True, exist_ok=True)
        (folder / AUTOSAVE_DIR).mkdir(exist_ok=True)
        write_atomic(folder / PROJECT_FILE, data)
    except OSError as exc:
        raise ProjectError(f"{folder}: cannot create the project ({exc.strerror or exc})") from None
    return project


def read_regular_file(file: Path, label: str, limit: int | None = None) -> bytes:
    """The bytes of ``file`` if it is a regular file of at most ``limit`` bytes (``MAX_PROJECT_BYTES``).
    A FIFO, a device (a symlink to /dev/zero), a socket or a folder is refused without reading or blocking on it."""
    limit = MAX_PROJECT_BYTES if limit is None else limit
    try:
        fd = os.open(file, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise ProjectError(f"{label}: not found; is {file.parent} a Studio project folder?") from None
    except IsADirectoryError:
        raise ProjectError(f"{label}: is a folder, not a file") from None
    except OSError as exc:
        raise ProjectError(f"{label}: cannot read ({exc.strerror or exc})") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise ProjectError(f"{label}: is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise ProjectError(f"{label}: is not a regular file (a pipe, device or socket); refusing to read it")
        if info.st_size > limit:
            raise ProjectError(f"{label}: {info.st_size:,} bytes is too large (at most {limit:,})")
        chunks, size = [], 0
        while size <= limit:  # bounded even if the file grows while it is read
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise ProjectError(f"{label}: grew past {limit:,} bytes while being read")
        return b"".join(chunks)
    except OSError as exc:
        raise ProjectError(f"{label}: cannot read ({exc.strerror or exc})") from None
    finally:
        os.close(fd)


def _read_bytes(file: Path, label: str) -> bytes:
    return read_regular_file(file, label)


def load_project(path: str | Path) -> Project:
    """Open a project from its folder or its project.json, validating everything; temp files left by
    saves that were killed are cleaned up."""
    folder = project_dir_of(path)
    project = parse_project_json(_read_bytes(folder / PROJECT_FILE, PROJECT_FILE), PROJECT_FILE)
    remove_killed_saves(folder)
    return project


def save_project(project: Project, path: str | Path) -> None:
    """Save atomically (temp file, fsync, rename); an invalid project raises before the old file is touched."""
    folder = project_dir_of(path)
    data = project_json_bytes(project)
    if not folder.is_dir():
        raise ProjectError(f"{folder}: the project folder does not exist")
    try:
        (folder / MEDIA_DIR).mkdir(exist_ok=True)
        (folder / AUTOSAVE_DIR).mkdir(exist_ok=True)
        write_atomic(folder / PROJECT_FILE, data)
    except OSError as exc:
        raise ProjectError(
            f"{PROJECT_FILE}: cannot save ({exc.strerror or exc}); the previous save is intact"
        ) from None
    _remove_stale_temp_files(folder, f".{PROJECT_FILE}.tmp-*")


# ----------------------------------------------------------------------------------------------
# autosave and recovery


def _autosaves(folder: Path) -> list[Path]:
    """Autosave files, oldest first (their names sort by time)."""
    return sorted((folder / AUTOSAVE_DIR).glob(f"{AUTOSAVE_PREFIX}*.json"))


def autosave(project: Project, path: str | Path, keep: int = 10) -> Path:
    """Write a rolling autosave and delete all but the newest ``keep``; returns the new file."""
    if isinstance(keep, bool) or not isinstance(keep, int) or keep < 1:
        raise ProjectError(f"autosave keep must be a whole number >= 1, got {keep!r}")
    folder = project_dir_of(path)
    data = project_json_bytes(project)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    out = folder / AUTOSAVE_DIR / f"{AUTOSAVE_PREFIX}{stamp}.json"
    n = 1
    while out.exists():
        n += 1
        out = folder / AUTOSAVE_DIR / f"{AUTOSAVE_PREFIX}{stamp}-{n}.json"
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(out, data)
        for old in _autosaves(folder)[:-keep]:
            old.unlink(missing_ok=True)
    except OSError as exc:
        raise ProjectError(f"autosave: cannot write ({exc.strerror or exc})") from None
    return out


def _newer_autosaves(folder: Path) -> list[Path]:
    """Autosaves written after project.json was last saved, newest first."""
    try:
        saved_at = (folder / PROJECT_FILE).stat().st_mtime_ns
    except FileNotFoundError:
        saved_at = -1
    return [p for p in reversed(_autosaves(folder)) if p.stat().st_mtime_ns > saved_at]


def newest_autosave(path: str | Path) -> Path | None:
    """The newest autosave if it is newer than the saved project (offer recovery), else None."""
    newer = _newer_autosaves(project_dir_of(path))
    return newer[0] if newer else None


def recover(path: str | Path) -> Project:
    """Load the newest readable autosave newer than project.json, back up project.json, and save it as the project."""
    folder = project_dir_of(path)
    candidates = _newer_autosaves(folder)
    if not candidates:
        raise ProjectError(f"{folder}: no autosave newer than project.json to recover")
    problems = []
    for candidate in candidates:
        try:
            project = parse_project_json(_read_bytes(candidate, candidate.name), f"autosave/{candidate.name}")
            break
        except ProjectError as exc:
            problems.append(str(exc))
    else:
        raise ProjectError(f"no autosave could be read: {problems[0]}")
    current = folder / PROJECT_FILE
    if current.exists():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
        shutil.copy2(current, folder / AUTOSAVE_DIR / f"project-before-recovery-{stamp}.json")
    save_project(project, folder)
    return project


def missing_media(project: Project, project_dir: str | Path) -> list[Asset]:
    """Assets whose file is not in the project folder (or whose path is unsafe)."""
    missing = []
    for asset in project.assets.values():
        try:
            path = resolve_in_project(project_dir, asset.path)
            if not (path.is_file() or (asset.kind == "other" and path.is_dir())):  # a folder: orbit views
                missing.append(asset)
        except ProjectError:
            missing.append(asset)
    return missing
