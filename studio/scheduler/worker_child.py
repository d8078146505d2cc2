"""The worker process: keeps models resident and runs batches of jobs the host sends it.

Run as ``python -m studio.scheduler.worker_child --fd N``; N is one end of a socket pair whose other end
the host holds. A reader thread takes "cancel" messages at once (setting the batch's cancel token)
and exits the process when the host goes away, so a killed host never leaves jobs finishing behind
its back. Engines run on the main thread; a native crash kills only this process.
"""

from __future__ import annotations

import argparse
import gc
import os
import queue
import sys
import threading
import time
import traceback
from collections import OrderedDict
from multiprocessing.connection import Connection
from typing import Any

from pipelines.base import CancelToken, Generator
from pipelines.registry import EngineSpec, request_class
from studio.scheduler.paths import DONE_MARK


def mark_done(partial: str, result: dict[str, Any], run_s: float) -> None:
    """Record in the job's partial folder that it finished, so a host killed before it journals the result
    adopts these files when it resumes instead of generating them again."""
    import json

    path = os.path.join(partial, DONE_MARK)
    try:
        with open(path + ".tmp", "w") as f:
            json.dump({"result": result, "run_s": run_s}, f)
        os.replace(path + ".tmp", path)
    except OSError:
        pass  # only an optimisation for resuming


PROGRESS_INTERVAL_S = 0.05  # at most 20 progress messages a second per worker (the last always goes)


def one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def is_out_of_memory(exc: BaseException) -> bool:
    return isinstance(exc, MemoryError) or "OutOfMemory" in type(exc).__name__


class Worker:
    """Serves the host: "run" a batch, "evict" models, "stop"; reports every step back."""

    def __init__(self, conn: Connection, name: str, device: str):
        self.conn = conn
        self.name = name
        self.device = device
        self.resident: OrderedDict[str, Generator] = OrderedDict()  # model key -> loaded generator, LRU first
        self.inbox: queue.Queue = queue.Queue()
        self.cancel_event = threading.Event()
        self.current: set[str] = set()
        self.cancelled: set[str] = set()
        self.state_lock = threading.Lock()
        self.send_lock = threading.Lock()
        self.idle = threading.Event()  # set while no batch runs
        self.idle.set()
        self.host_gone = False

    def send(self, *message: Any) -> None:
        with self.send_lock:
            try:
                self.conn.send(message)
            except (OSError, EOFError):
                if not self.host_gone:
                    raise

    def read_host(self) -> None:
        """Reader thread: cancel at once; queue everything else; die with the host."""
        while True:
            try:
                message = self.conn.recv()
            except (EOFError, OSError):
                # the host is gone: stop rather than finish jobs nobody will record (the engine is cancelled at
                # its next step), but let a job that already finished generating write its done mark first, so
                # the host that resumes adopts it instead of generating it again; then take the tools this worker
                # started (ffmpeg) with it when it leads its own process group
                with self.state_lock:
                    self.host_gone = True
                    self.cancel_event.set()
                self.idle.wait(2.0)
                if os.name == "posix" and os.getpgid(0) == os.getpid():
                    os.killpg(0, 9)
                os._exit(0)
            if message[0] == "cancel":
                with self.state_lock:
                    self.cancelled.add(message[1])
                    if self.current and self.current <= self.cancelled:
                        self.cancel_event.set()
            else:
                self.inbox.put(message)

    def serve(self) -> None:
        threading.Thread(target=self.read_host, daemon=True, name="host-reader").start()
        self.send("ready", {"pid": os.getpid(), **self.device_info()})
        while True:
            message = self.inbox.get()
            if message[0] == "stop":
                break
            if message[0] == "evict":
                for key in message[1]:
                    self.evict(key)
            elif message[0] == "run":
                self.run(message[1])

    def device_info(self) -> dict[str, Any]:
        if not self.device.startswith("cuda"):
            return {"device": "cpu"}
        import torch  # only GPU workers touch torch, and only here

        free, total = torch.cuda.mem_get_info()
        return {
            "device": self.device,
            "free_mb": free // 2**20,
            "total_mb": total // 2**20,
            "name": torch.cuda.get_device_name(),
        }

    def evict(self, key: str) -> None:
        generator = self.resident.pop(key, None)
        if generator is None:
            return
        try:
            generator.unload()
        finally:
            del generator
            gc.collect()
            torch = sys.modules.get("torch")
            if torch is not None and self.device.startswith("cuda"):
                torch.cuda.empty_cache()

    def run(self, batch: dict[str, Any]) -> None:
        """Load the model if needed, run the batch, report each job's result or error."""
        for key in batch["evict"]:
            self.evict(key)
        jobs = batch["jobs"]
        ids = [j["id"] for j in jobs]
        with self.state_lock:
            if self.host_gone:
                return
            self.idle.clear()
            self.current = set(ids)
            self.cancelled.clear()
            self.cancel_event.clear()
        spec = EngineSpec.from_dict(batch["spec"])
        key = spec.model_key
        last_sent = [0.0]

        def progress(fraction: float, message: str = "", preview: Any = None) -> None:
            now = time.monotonic()
            if fraction < 1.0 and now - last_sent[0] < PROGRESS_INTERVAL_S:
                return
            last_sent[0] = now
            self.send("progress", ids, float(fraction), str(message), preview)

        try:
            generator = self.resident.get(key)
            load_s = 0.0
            if generator is None:
                self.send("loading", ids)
                started = time.perf_counter()
                options = {"device": "cuda" if self.device.startswith("cuda") else "cpu"} if spec.neural else {}
                generator = spec.build(**options)
                generator.load()
                load_s = time.perf_counter() - started
                self.resident[key] = generator
                self.send("loaded", key, load_s)
            self.resident.move_to_end(key)
            self.send("running", ids)
            cls = request_class(spec.kind)
            requests = [cls.from_dict(j["request"]) for j in jobs]
            started = time.perf_counter()
            results = generator.call_batch(
                requests, progress, CancelToken(self.cancel_event), [j["partial"] for j in jobs]
            )
            run_s = (time.perf_counter() - started) / len(jobs)
            for job, result in zip(jobs, results, strict=True):
                mark_done(job["partial"], result.to_dict(), run_s)  # a host killed from here on resumes from it
                self.send("done", job["id"], result.to_dict(), run_s)
        except Exception as exc:  # noqa: BLE001 - any engine error fails its jobs, never the worker
            oom = is_out_of_memory(exc)
            if oom:  # free what we can; the host forgets this model too
                self.evict(key)
            detail = traceback.format_exc(limit=8)
            for job_id in ids:
                self.send("failed", job_id, type(exc).__name__, one_line(exc), detail, oom)
        finally:
            with self.state_lock:
                self.current = set()
                self.cancelled.clear()
                if not self.host_gone:
                    self.cancel_event.clear()
            self.send("idle")
            self.idle.set()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="studio scheduler worker (started by the scheduler)")
    parser.add_argument("--fd", type=int, required=True)
    parser.add_argument("--name", default="worker")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--memory-limit-mb", type=int, default=0)
    args = parser.parse_args(argv)
    os.dup2(2, 1)  # engines that print must not write into the host's stdout (e.g. `studio generate` output)
    if args.memory_limit_mb:
        import resource

        limit = args.memory_limit_mb * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    Worker(Connection(args.fd), args.name, args.device).serve()


if __name__ == "__main__":
    main()
