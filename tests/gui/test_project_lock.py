"""A project open in another Studio process opens here read-only, with the holder named; nothing is overwritten."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from studio.io import create_project

ROOT = Path(__file__).resolve().parents[2]


def hold_lock(folder: Path, command: str) -> subprocess.Popen:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
        import time
        from studio.io.lock import ProjectLock
        ProjectLock({str(folder)!r}, {command!r}).acquire()
        print("held", flush=True)
        time.sleep(120)
    """),
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_a_project_another_process_writes_opens_read_only_and_is_not_overwritten(window, qtbot, tmp_path):
    folder = tmp_path / "Busy.studio"
    create_project(folder)
    saved = (folder / "project.json").read_bytes()
    holder = hold_lock(folder, "studio make")
    try:
        errors = []
        window.session.error.connect(errors.append)
        window.open_project(folder)
        qtbot.waitUntil(lambda: window.session.project_dir == folder, timeout=20_000)
        assert f"studio make (pid {holder.pid}" in window.session.read_only_reason
        assert any("opened read-only" in e and "studio make" in e for e in errors)
        window.session.project.name = "changed here"
        window.session.assets_dirty = True
        window.session.save()
        assert any(e.startswith("not saved:") for e in errors)
        window.session.tasks.wait()
        assert (folder / "project.json").read_bytes() == saved
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()


def test_the_open_project_is_locked_against_the_cli_until_the_window_closes_it(window, tmp_path):

    folder = window.session.project_dir
    probe = [
        sys.executable,
        "-c",
        f"from studio.io.lock import ProjectLock as L; L({str(folder)!r}, 'x', wait_s=0).acquire()",
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run(probe, cwd=ROOT, env=env, capture_output=True, text=True)
    assert run.returncode != 0 and "being written by studio gui" in run.stderr
    window.session.close()
    assert subprocess.run(probe, cwd=ROOT, env=env, capture_output=True, text=True).returncode == 0
