"""What the last ``studio make`` put on the timeline, so a re-run changes only what changed.

``storyboard.lock.json`` in the project folder maps each storyboard element's key to the request
hash it was generated from and the ids of the clips it produced. On a re-run:
- an element whose request is unchanged keeps its clips as the creator left them (trims, gain,
  fades, moves made in the GUI), shifted only if an earlier scene's length changed;
  if the creator deleted those clips, they stay deleted;
- an element whose request changed is regenerated and its old clips are replaced (the storyboard wins);
- an element gone from the storyboard has its clips removed;
- clips the creator added in the GUI are never touched.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

LOCK_NAME = "storyboard.lock.json"
LOCK_SCHEMA = "StoryboardLock.1"


@dataclass
class LockEntry:
    request_hash: str  # for title elements: a hash of the title text and timing
    clip_ids: list[str]
    scene_start: float = 0.0  # seconds; lets kept clips follow their scene when earlier scenes change length


@dataclass
class Lock:
    storyboard: str = ""
    entries: dict[str, LockEntry] = field(default_factory=dict)

    @classmethod
    def read(cls, project_dir: Path) -> Lock:
        path = Path(project_dir) / LOCK_NAME
        if not path.exists():
            return cls()
        try:
            data = json.loads(path.read_text())
            if data.get("schema") != LOCK_SCHEMA:
                return cls()
            return cls(
                data.get("storyboard", ""),
                {
                    k: LockEntry(v["request_hash"], list(v["clip_ids"]), float(v.get("scene_start", 0.0)))
                    for k, v in data["entries"].items()
                },
            )
        except (ValueError, KeyError, TypeError):
            return cls()  # an unreadable lock only costs regeneration, never the project

    def write(self, project_dir: Path) -> None:
        data = {
            "schema": LOCK_SCHEMA,
            "storyboard": self.storyboard,
            "entries": {
                k: {"request_hash": e.request_hash, "clip_ids": e.clip_ids, "scene_start": e.scene_start}
                for k, e in sorted(self.entries.items())
            },
        }
        from studio.render.render import new_file_mode

        fd, tmp = tempfile.mkstemp(dir=project_dir, prefix=".lock-", suffix=".tmp")
        os.fchmod(fd, new_file_mode())  # mkstemp makes it private (0600); the lock file is an ordinary file
        with os.fdopen(fd, "w") as f:
            json.dump(data, f, indent=1)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, Path(project_dir) / LOCK_NAME)
