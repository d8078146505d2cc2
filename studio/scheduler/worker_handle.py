"""Host-side handles on worker processes, and the machine facts that size the pool.

Engines run in worker processes, never in the host: a native crash (``os.abort()``, a segfault,
the OOM killer, ``kill -9``) ends one worker and fails its jobs, while the GUI or CLI keeps going.
Workers are started with ``python -m studio.scheduler.worker_child`` (not multiprocessing's spawn, which
would re-import the host's ``__main__``, e.g. the whole GUI, into every worker) and talk over a
socket pair with multiprocessing's Connection (pickled messages).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any


def cpu_worker_count() -> int:
    """One worker per core (draft engines are single-threaded numpy), at most 8."""
    return max(1, min(8, os.cpu_count() or 1))


def available_memory_mb() -> int:
    """MemAvailable from /proc/meminfo (Linux), else 4 GiB."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 4096


def probe_cuda_devices(timeout: float = 60.0) -> int:
    """How many CUDA devices torch sees, asked in a child process so the host never imports torch."""
    code = "import torch; print(torch.cuda.device_count() if torch.cuda.is_available() else 0)"
    try:
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout, check=False)
        return int(out.stdout.strip().splitlines()[-1]) if out.returncode == 0 else 0
    except (subprocess.SubprocessError, ValueError, IndexError, OSError):
        return 0


class WorkerProcess:
    """One worker process: its connection, what it holds resident, and whether it is busy.

    ``on_message(worker, message)`` and ``on_exit(worker, returncode)`` run on this worker's reader
    thread (no polling: the thread blocks on the socket).
    """

    def __init__(
        self,
        name: str,
        pool: str,
        on_message: Callable[[WorkerProcess, tuple], None],
        on_exit: Callable[[WorkerProcess, int], None],
        memory_limit_mb: int | None = None,
        cuda_device: int | None = None,
    ):
        self.name = name
        self.pool = pool  # "cpu" or "cuda"
        self.ready = False
        self.alive = True
        self.info: dict[str, Any] = {}
        self.batch: list[Any] = []  # jobs being run now (empty when idle)
        self.batch_key: str | None = None
        self.resident: OrderedDict[str, int] = OrderedDict()  # model key -> MB, least recently used first
        self.last_used: dict[str, float] = {}
        self.created = time.monotonic()
        self.busy_s = 0.0
        self.busy_since: float | None = None
        self.jobs_run = 0
        self.checked_cancel = 0.0  # when the host last looked for cancels from other processes
        host_end, child_end = socket.socketpair()
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p and os.path.isdir(p))
        device = "cpu"
        if cuda_device is not None:
            env["CUDA_VISIBLE_DEVICES"] = str(cuda_device)
            device = "cuda"
        cmd = [
            sys.executable,
            "-m",
            "studio.scheduler.worker_child",
            "--fd",
            str(child_end.fileno()),
            "--name",
            name,
            "--device",
            device,
        ]
        if memory_limit_mb:
            cmd += ["--memory-limit-mb", str(int(memory_limit_mb))]
        # its own process group, so the tools an engine starts (ffmpeg) end with it and never print after
        # the error line that reports its death
        self.process = subprocess.Popen(
            cmd, pass_fds=(child_end.fileno(),), env=env, stdin=subprocess.DEVNULL, start_new_session=os.name == "posix"
        )
        child_end.close()
        self.conn = Connection(host_end.detach())
        self._send_lock = threading.Lock()
        self._on_message = on_message
        self._on_exit = on_exit
        self._reader = threading.Thread(target=self._read, daemon=True, name=f"scheduler-{name}")
        self._reader.start()

    @property
    def busy(self) -> bool:
        return bool(self.batch)

    @property
    def pid(self) -> int:
        return self.process.pid

    def send(self, *message: Any) -> bool:
        """Send a message; False if the worker is already gone (its exit is being handled)."""
        try:
            with self._send_lock:
                self.conn.send(message)
            return True
        except (OSError, EOFError, BrokenPipeError):
            return False

    def _read(self) -> None:
        while True:
            try:
                message = self.conn.recv()
            except (EOFError, OSError):
                break
            self._on_message(self, message)
        self.alive = False
        self._kill_group()  # what the worker started dies with it (before reaping: its pid names the group)
        returncode = self.process.wait()
        self.conn.close()
        self._on_exit(self, returncode)

    def mark_busy(self, jobs: list[Any], key: str) -> None:
        self.batch = list(jobs)
        self.batch_key = key
        self.busy_since = time.monotonic()

    def mark_idle(self) -> None:
        if self.busy_since is not None:
            self.busy_s += time.monotonic() - self.busy_since
        self.jobs_run += len(self.batch)
        self.batch = []
        self.batch_key = None
        self.busy_since = None

    def utilisation(self) -> float:
        """Share of this worker's life spent running jobs (0..1)."""
        busy = self.busy_s + (time.monotonic() - self.busy_since if self.busy_since is not None else 0.0)
        return busy / max(1e-9, time.monotonic() - self.created)

    def stop(self, timeout: float = 2.0) -> None:
        self.send("stop")
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        if self.process.poll() is None:
            self._kill_group()
            self.process.kill()

    def _kill_group(self) -> None:
        """SIGKILL the worker's process group: the worker and any ffmpeg or other tool its engine started."""
        if os.name != "posix":
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def describe_exit(returncode: int) -> str:
    """How a worker process ended, in words: "signal SIGKILL" or "exit code 1"."""
    if returncode < 0:
        import signal

        try:
            return f"signal {signal.Signals(-returncode).name}"
        except ValueError:
            return f"signal {-returncode}"
    return f"exit code {returncode}"
