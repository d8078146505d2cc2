"""Shared pieces of the soak suite: running `studio` in a child process with its peak memory measured."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

KILL_BOARD = """---
seed: {seed}
---
# Kill test
Size: 160x96
FPS: 24

## Scene: One
Duration: 2s
Shot: a lighthouse at dusk
SFX: waves crashing @ throughout
SFX: door knock @ 1s

## Scene: Two
Duration: 2s
Shot: a castle at noon
SFX: wind howling @ throughout
SFX: bell ringing @ 0.5s

## Scene: Three
Duration: 2s
Shot: a forest in rain
SFX: rain on a roof @ throughout
SFX: thunder @ 1s

## Scene: Four
Duration: 2s
Shot: a city at night
SFX: traffic @ throughout
SFX: car horn @ 1s
"""  # 12 jobs: 4 shots and 8 sound effects, draft engines


@dataclass
class Finished:
    returncode: int
    stdout: str
    stderr: str
    max_rss_mb: float
    seconds: float


def studio_env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen", **extra}


def start_studio(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "studio.cli.main", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env or studio_env(),
        cwd=cwd,
    )


def run_measured(
    cmd: list[str], env: dict[str, str] | None = None, timeout: float = 600, cwd: Path | None = None
) -> Finished:
    """Run ``cmd`` to the end (killed past ``timeout``) and read its own peak resident memory with wait4
    (ru_maxrss, KiB on Linux; worker processes it starts are not counted)."""
    import selectors

    started = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env or studio_env(), cwd=cwd)
    deadline = started + timeout
    out, err = b"", b""
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    sel.register(proc.stderr, selectors.EVENT_READ)
    open_streams = 2
    while open_streams and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=1.0):
            chunk = os.read(key.fd, 65536)
            if not chunk:
                sel.unregister(key.fileobj)
                open_streams -= 1
            elif key.fileobj is proc.stdout:
                out += chunk
            else:
                err += chunk
    if open_streams:
        proc.kill()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Finished(
        proc.returncode,
        out.decode(errors="replace"),
        err.decode(errors="replace"),
        usage.ru_maxrss / 1024,
        time.monotonic() - started,
    )


def studio_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "studio.cli.main", *args]


def run_studio(*args: str, env: dict[str, str] | None = None, timeout: float = 600) -> Finished:
    return run_measured(studio_cmd(*args), env=env, timeout=timeout)
