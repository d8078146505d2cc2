"""A worker that dies takes the tools its engine started (ffmpeg) with it, so none of them prints after
Studio's error line about the failed job."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipelines import registry
from pipelines.base import GenerationResult, Generator
from pipelines.registry import EngineSpec
from tests.scheduler.conftest import sfx

ROOT = Path(__file__).resolve().parents[2]


class FfmpegChild(Generator):
    """Starts a 60 s ffmpeg (as engines do to encode or decode), writes both pids, then waits on it."""

    kind = "sfx"
    engine = "ffmpeg-child"
    version = "1"
    memory_mb = 8

    def __init__(self, pid_file: str = "", **options):
        super().__init__(**options)
        self.pid_file = pid_file

    def generate(self, request, progress, cancel, output_dir) -> GenerationResult:
        import imageio_ffmpeg

        proc = subprocess.Popen(
            [
                imageio_ffmpeg.get_ffmpeg_exe(),
                "-nostdin",
                "-hide_banner",
                "-re",
                "-f",
                "lavfi",
                "-i",
                "sine=d=60",
                "-f",
                "null",
                "-",
            ],
            stdout=subprocess.DEVNULL,
        )
        Path(self.pid_file).write_text(f"{os.getpid()} {proc.pid}")
        proc.wait()
        raise RuntimeError("not reached: the test kills this worker")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie waiting for init to reap it is dead
        return Path(f"/proc/{pid}/status").read_text().split("State:")[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


@pytest.fixture
def ffmpeg_engine(tmp_path):
    pid_file = tmp_path / "pids"
    spec = EngineSpec(
        "sfx",
        "ffmpeg-child",
        "tests.scheduler.test_killed_worker:FfmpegChild",
        memory_mb=8,
        options=(("pid_file", str(pid_file)),),
        description="starts ffmpeg, for tests",
    )
    registry.register(spec)
    yield pid_file
    registry.unregister("sfx", "ffmpeg-child")


def _wait_for_pids(pid_file: Path) -> tuple[int, int]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if pid_file.exists() and len(pid_file.read_text().split()) == 2:
            worker, child = map(int, pid_file.read_text().split())
            return worker, child
        time.sleep(0.05)
    raise AssertionError("the engine never started ffmpeg")


def test_a_killed_workers_ffmpeg_dies_before_the_failure_is_reported(make_scheduler, ffmpeg_engine):
    s = make_scheduler()
    job = s.submit("sfx", "ffmpeg-child", sfx("encode"))
    worker, child = _wait_for_pids(ffmpeg_engine)
    assert _alive(child)
    os.kill(worker, signal.SIGKILL)  # the OOM killer, or kill -9
    deadline = time.monotonic() + 60
    while not s.job(job.id).finished and time.monotonic() < deadline:
        time.sleep(0.05)
        if ffmpeg_engine.exists() and int(ffmpeg_engine.read_text().split()[0]) != worker:
            break  # retried on a new worker: the first failure has been handled
    assert not _alive(child), "the killed worker's ffmpeg is still running"


def test_a_worker_whose_host_is_killed_takes_its_ffmpeg_with_it(tmp_path, ffmpeg_engine):
    code = (
        "import sys, time\n"
        "from pipelines import registry\n"
        "from pipelines.registry import EngineSpec\n"
        "from studio.scheduler import Scheduler\n"
        "from tests.scheduler.conftest import sfx\n"
        "registry.register(EngineSpec('sfx', 'ffmpeg-child', 'tests.scheduler.test_killed_worker:FfmpegChild',"
        f" memory_mb=8, options=(('pid_file', {str(ffmpeg_engine)!r}),)))\n"
        "s = Scheduler(cpu_workers=1)\n"
        "s.submit('sfx', 'ffmpeg-child', sfx('encode'))\n"
        "time.sleep(120)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "STUDIO_DATA_DIR": str(tmp_path / "data")}
    host = subprocess.Popen([sys.executable, "-c", code], env=env)
    try:
        worker, child = _wait_for_pids(ffmpeg_engine)
        host.kill()  # kill -9 of `studio generate`
        host.wait()
        deadline = time.monotonic() + 30
        while (_alive(worker) or _alive(child)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(worker) and not _alive(child), "the worker or its ffmpeg outlived the killed host"
    finally:
        host.kill()
        host.wait()
