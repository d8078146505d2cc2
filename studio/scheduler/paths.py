"""Where jobs keep their journal and outputs: inside a project, or in the user data folder."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DONE_MARK = ".studio-result.json"  # written into a job's partial folder once its files are complete


def data_dir() -> Path:
    """The user data folder: ``$STUDIO_DATA_DIR`` or ``~/.local/share/studio``."""
    env = os.environ.get("STUDIO_DATA_DIR")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "studio"


@dataclass(frozen=True)
class JobPlace:
    """The folders of one journal. ``root`` is the project folder (or the data folder)."""

    root: Path
    journal: Path  # SQLite file
    outputs: Path  # finished results, one folder per cache key
    partial: Path  # results being written; a folder is renamed into ``outputs`` only when complete

    @classmethod
    def for_project(cls, project_dir: str | Path | None) -> JobPlace:
        if project_dir is None:
            root = data_dir()
            return cls(root, root / "jobs" / "journal.sqlite", root / "outputs", root / "jobs" / "partial")
        root = Path(project_dir).expanduser().resolve()
        if not root.is_dir():
            raise FileNotFoundError(f"project folder not found: {root}")
        return cls(root, root / "jobs" / "journal.sqlite", root / "jobs" / "outputs", root / "jobs" / "partial")
