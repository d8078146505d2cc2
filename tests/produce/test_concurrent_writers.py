"""Two writers on one project: nothing either saved is lost, and a busy project says who holds it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from studio.io import create_project, load_project
from studio.io.lock import ProjectLock, ProjectLocked

ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "STUDIO_DATA_DIR": str(tmp_path / "data"), "PYTHONPATH": str(ROOT), "STUDIO_LOCK_WAIT": "60"}


def _studio(*args: str, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "studio.cli.main", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_three_generates_into_one_project_at_once_keep_all_three_assets(tmp_path):
    folder = tmp_path / "P.studio"
    create_project(folder)
    env = _env(tmp_path)
    runs = [
        _studio(
            "generate",
            "sfx",
            f"tone {i}",
            "--engine",
            "test-tone",
            "--duration",
            "0.5",
            "--project",
            str(folder),
            env=env,
        )
        for i in range(3)
    ]
    outs = [p.communicate(timeout=120) for p in runs]
    if [p.returncode for p in runs] != [0, 0, 0]:  # the whole of each stderr: a race shows only here
        pytest.fail("\n\n".join(f"exit {p.returncode}:\n{err}" for p, (_, err) in zip(runs, outs, strict=True)))
    project = load_project(folder)
    assert sorted(a.provenance["prompt"] for a in project.assets.values()) == ["tone 0", "tone 1", "tone 2"]
    orphans = {p.name for p in (folder / "media").iterdir() if not p.name.endswith(".json")} - {
        Path(a.path).name for a in project.assets.values()
    }
    assert orphans == set()


def test_a_second_writer_is_refused_with_the_holder_named_and_the_lock_dies_with_its_process(tmp_path):
    folder = tmp_path / "P.studio"
    create_project(folder)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
        import sys, time
        from studio.io.lock import ProjectLock
        ProjectLock({str(folder)!r}, "studio gui").acquire()
        print("held", flush=True)
        time.sleep(60)
    """),
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        with pytest.raises(ProjectLocked, match=rf"being written by studio gui \(pid {holder.pid}"):
            ProjectLock(folder, "studio make", wait_s=0.3).acquire()
        assert time.monotonic() - started < 5
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    with ProjectLock(folder, "studio make", wait_s=5):  # the kernel released it with the killed process
        pass


def test_nested_locks_in_one_process_are_counted_not_deadlocked(tmp_path):
    folder = tmp_path / "P.studio"
    create_project(folder)
    with ProjectLock(folder, "studio make"):
        with ProjectLock(folder, "studio make (import)", wait_s=0):
            pass
        probe = subprocess.run(
            [
                sys.executable,
                "-c",
                f"from studio.io.lock import ProjectLock as L; L({str(folder)!r}, 'x', wait_s=0).acquire()",
            ],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
        )
        assert probe.returncode != 0 and "ProjectLocked" in probe.stderr  # still held after the inner one ended


def test_the_cli_refuses_a_busy_project_in_one_line(tmp_path):
    folder = tmp_path / "P.studio"
    create_project(folder)
    env = {**_env(tmp_path), "STUDIO_LOCK_WAIT": "0.2"}
    with ProjectLock(folder, "studio gui"):
        run = _studio(
            "generate", "sfx", "door", "--engine", "test-tone", "--duration", "0.5", "--project", str(folder), env=env
        )
        _, err = run.communicate(timeout=120)
    assert run.returncode == 1
    (line,) = [x for x in err.splitlines() if x.startswith("studio: error:")]
    assert "is being written by studio gui" in line and f"pid {os.getpid()}" in line


BOARD = """---
seed: 3
engines: {video: test-pattern, voice: test-tone, song: test-tone, sfx: test-tone}
---
# Race
Size: 160x90
FPS: 24

## Music
Prompt: calm pads

## Scene: One
Duration: 1s
Shot: a lighthouse
SFX: door knock @ 0.2s

## Scene: Two
Duration: 1s
Shot: a castle
Narration: Hello there.
"""


def test_two_makes_of_one_storyboard_at_once_leave_every_clip_once_and_a_lock_that_matches(tmp_path):
    from studio.storyboard.lock import Lock

    board = tmp_path / "board.md"
    board.write_text(BOARD)
    folder = tmp_path / "film.studio"
    env = _env(tmp_path)
    runs = [
        _studio("make", str(board), "-o", str(tmp_path / f"film{i}.mp4"), "--project", str(folder), env=env)
        for i in range(2)
    ]
    outs = [p.communicate(timeout=300) for p in runs]
    assert [p.returncode for p in runs] == [0, 0], [err[-2000:] for _, err in outs]
    project = load_project(folder)
    clips = {c.id: c for t in project.timeline.tracks for c in t.clips}
    lock = Lock.read(folder)
    recorded = [i for e in lock.entries.values() for i in e.clip_ids]
    assert sorted(recorded) == sorted(clips) and len(set(recorded)) == len(recorded)  # every clip once, all known
    shots = [c for t in project.timeline.tracks if t.name.startswith("Shots") for c in t.clips]
    assert len(shots) == 2
    again = _studio("make", str(board), "-o", str(tmp_path / "film3.mp4"), "--project", str(folder), env=env)
    _, err = again.communicate(timeout=300)
    assert again.returncode == 0, err[-2000:]
    assert {c.id for t in load_project(folder).timeline.tracks for c in t.clips} == set(clips)


def test_the_storyboard_lock_file_follows_the_umask(tmp_path):
    from studio.storyboard.lock import LOCK_NAME, Lock

    old = os.umask(0o022)
    try:
        Lock("board.md").write(tmp_path)
    finally:
        os.umask(old)
    assert (tmp_path / LOCK_NAME).stat().st_mode & 0o777 == 0o644
