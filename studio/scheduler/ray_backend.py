"""Optional Ray backend: the same jobs, run as Ray tasks on a cluster (``pip install studio[ray]``).

``Scheduler(ray_address="auto" | "ray://head:10001" | "local")`` hands every queued job to Ray, which
places it (GPU tasks ask for ``num_gpus=1``). Each task builds and loads its engine, writes the
files in a scratch folder on its node and returns their bytes; the host writes them into the job's
partial folder, so the result cache, journal and events work exactly as with local workers.
Residency across tasks is Ray's business here (a task loads its model); progress is not streamed.
A task whose Ray worker dies is retried once on another worker; only that job fails if it dies again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipelines.registry import EngineSpec

# A task whose Ray worker process dies (killed, out of memory, a lost node) runs once more; an engine's own
# exception is not retried (the same request would fail the same way).
RETRIES_AFTER_WORKER_DEATH = 1


def run_on_node(spec_dict: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
    """Runs inside a Ray worker: build, load and call the engine; return the result with file bytes."""
    import tempfile

    from pipelines.registry import request_class

    spec = EngineSpec.from_dict(spec_dict)
    started = time.perf_counter()
    generator = spec.build()
    generator.load()
    load_s = time.perf_counter() - started
    with tempfile.TemporaryDirectory(prefix="studio-ray-") as scratch:
        started = time.perf_counter()
        result = generator(request_class(spec.kind).from_dict(request), output_dir=scratch)
        run_s = time.perf_counter() - started
        files = {str(Path(f.path).relative_to(scratch)): Path(f.path).read_bytes() for f in result.files}
        roles = {str(Path(f.path).relative_to(scratch)): f.role for f in result.files}
    return {
        "files": files,
        "roles": roles,
        "provenance": result.provenance,
        "metrics": result.metrics,
        "run_s": run_s,
        "load_s": load_s,
    }


class RayExecutor:
    """Submits jobs as Ray tasks and reports back through ``on_done`` / ``on_failed`` (from Ray's threads)."""

    def __init__(self, address: str, on_done: Callable[..., None], on_failed: Callable[..., None]):
        try:
            import ray
        except ImportError:
            raise RuntimeError("the Ray backend needs Ray: pip install 'studio[ray]'") from None
        self._ray = ray
        self._owns = not ray.is_initialized()
        if self._owns:
            ray.init(
                address=None if address == "local" else address,
                ignore_reinit_error=True,
                include_dashboard=False,
                log_to_driver=False,
                configure_logging=False,
            )
        self._task = ray.remote(run_on_node)
        self._refs: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._on_done = on_done
        self._on_failed = on_failed

    def submit(self, job_id: str, spec: EngineSpec, request: dict[str, Any], partial: Path) -> None:
        ref = self._task.options(
            num_gpus=1 if spec.device == "cuda" and spec.neural else 0,
            max_retries=RETRIES_AFTER_WORKER_DEATH,
            retry_exceptions=False,
            name=f"studio-{spec.kind}-{job_id}",
        ).remote(spec.to_dict(), request)
        with self._lock:
            self._refs[job_id] = ref
        ref.future().add_done_callback(lambda future: self._finished(job_id, partial, future))

    def _finished(self, job_id: str, partial: Path, future: Any) -> None:
        with self._lock:
            self._refs.pop(job_id, None)
        try:
            out = future.result()
        except Exception as exc:  # noqa: BLE001 - a task error, a cancelled task or a lost node: this job fails alone
            cause = getattr(exc, "cause", None) or exc
            text = str(cause).strip().splitlines()
            self._on_failed(job_id, type(cause).__name__, text[-1] if text else type(cause).__name__)
            return
        partial.mkdir(parents=True, exist_ok=True)
        files = []
        for rel, data in out["files"].items():
            path = partial / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            files.append({"path": str(path), "role": out["roles"][rel]})
        result = {"files": files, "provenance": out["provenance"], "metrics": out["metrics"]}
        self._on_done(job_id, result, out["run_s"], out["load_s"])

    def cancel(self, job_id: str) -> None:
        with self._lock:
            ref = self._refs.get(job_id)
        if ref is not None:
            self._ray.cancel(ref)

    def close(self) -> None:
        if self._owns and self._ray.is_initialized():
            self._ray.shutdown()
