"""Scheduler benchmark: overhead per job, residency versus load-run-unload, interactive latency.

    .venv/bin/python -m tests.bench.bench_scheduler [--jobs 2000] [--out tests/bench/results/scheduler.md]

(a) 2,000 no-op jobs through the scheduler (2 worker processes, journal and result cache on) versus
    the same engine called 2,000 times in-process: scheduler time per job.
(b) 200 jobs over 4 fake models (0.2 s load, 20 ms run, 1000 MB each) with a budget for 2, in a
    seeded random order, versus naive load-run-unload per job on the same number of workers.
(c) an interactive job submitted behind 100 queued batch jobs (50 ms each): its queue wait, versus
    the same job submitted as batch (FIFO behind them).
The fake models sleep instead of computing, so (b) and (c) measure scheduling, not engines.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pipelines import registry
from pipelines.registry import EngineSpec
from pipelines.testing import FakeModel

GPU = False  # --gpu: the fake models are CUDA engines holding real device memory (run on an H100 later)


def fake(name: str, load_s: float = 0.0, step_s: float = 0.0, memory_mb: int = 1000) -> EngineSpec:
    options = (("engine", name), ("load_seconds", load_s), ("step_seconds", step_s))
    if GPU:
        options += (("gpu_mb", memory_mb),)
    spec = EngineSpec(
        "sfx",
        name,
        "pipelines.testing:FakeModel",
        memory_mb=memory_mb,
        options=options,
        device="cuda" if GPU else "cpu",
        neural=GPU,
    )
    registry.register(spec)
    return spec


def request(prompt: str):
    return registry.make_request("sfx", prompt=prompt, duration=1.0)


def bench_overhead(n: int, workers: int) -> dict:
    from studio.scheduler import Scheduler

    fake("noop", memory_mb=10)
    requests = [request(f"noop {i}") for i in range(n)]
    engine = FakeModel(engine="noop")
    with tempfile.TemporaryDirectory() as scratch:
        started = time.perf_counter()
        for i, r in enumerate(requests):
            engine(r, output_dir=Path(scratch) / str(i))
        direct_s = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as data:
        os.environ["STUDIO_DATA_DIR"] = data
        with Scheduler(cpu_workers=workers) as s:
            s.start_workers()
            warm = [s.submit("sfx", "noop", request(f"warm-up {i}")) for i in range(workers * 4)]
            s.wait([j.id for j in warm])
            started, cpu_started = time.perf_counter(), time.process_time()
            jobs = [s.submit("sfx", "noop", r) for r in requests]
            submit_s = time.perf_counter() - started
            s.wait([j.id for j in jobs])
            total_s = time.perf_counter() - started
            host_cpu_s = time.process_time() - cpu_started  # all host threads: submit, dispatch, journal, events
            started = time.perf_counter()
            hits = [s.submit("sfx", "noop", r) for r in requests[:500]]
            hit_s = (time.perf_counter() - started) / len(hits)
            assert all(h.metrics.cache_hit for h in hits)
            states = s.stats()["jobs"]
    return {
        "jobs": n,
        "workers": workers,
        "direct_ms": 1000 * direct_s / n,
        "submit_ms": 1000 * submit_s / n,
        "total_ms": 1000 * total_s / n,
        "overhead_ms": 1000 * (total_s - direct_s / workers) / n,
        "hit_ms": 1000 * hit_s,
        "host_cpu_ms": 1000 * host_cpu_s / n,
        "states": states,
    }


def bench_residency(workers: int, n: int = 200, gpu: bool = False) -> dict:
    from studio.scheduler import Scheduler

    names = [f"model-{c}" for c in "abcd"]
    specs = {name: fake(name, load_s=0.2, step_s=0.02) for name in names}
    rng = random.Random(1)
    plan = [(rng.choice(names), f"job {i}") for i in range(n)]
    # naive: each job builds, loads, runs and unloads its model, on the same number of workers
    loads = [0]
    lock = threading.Lock()

    def naive(item: tuple[str, str], scratch: str) -> None:
        name, prompt = item
        generator = specs[name].build(device="cuda") if gpu else specs[name].build()
        generator.load()
        with lock:
            loads[0] += 1
        generator(request(prompt), output_dir=Path(scratch) / prompt.replace(" ", "-"))
        generator.unload()

    with tempfile.TemporaryDirectory() as scratch, ThreadPoolExecutor(workers) as pool:
        started = time.perf_counter()
        list(pool.map(lambda item: naive(item, scratch), plan))
        naive_s = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as data:
        os.environ["STUDIO_DATA_DIR"] = data
        with Scheduler(cpu_workers=workers, memory_budget_mb=2000, gpu_memory_budget_mb=2000) as s:
            s.start_workers()
            started = time.perf_counter()
            jobs = [s.submit("sfx", name, request(prompt)) for name, prompt in plan]
            s.wait([j.id for j in jobs])
            ours_s = time.perf_counter() - started
            ours_loads = s.stats()["model_loads"]
            assert all(j.state == "done" for j in jobs)
    return {
        "workers": workers,
        "jobs": n,
        "naive_s": naive_s,
        "naive_loads": loads[0],
        "ours_s": ours_s,
        "ours_loads": ours_loads,
        "speedup": naive_s / ours_s,
    }


def bench_latency(workers: int, trials: int = 3) -> dict:
    from studio.scheduler import Scheduler

    fake("slow-batch", step_s=0.05, memory_mb=10)
    waits: dict[str, list[float]] = {"interactive": [], "batch": []}
    for trial in range(trials):
        for priority in ("interactive", "batch"):
            with tempfile.TemporaryDirectory() as data:
                os.environ["STUDIO_DATA_DIR"] = data
                with Scheduler(cpu_workers=workers, reorder_window=32) as s:
                    s.start_workers()
                    batch = [s.submit("sfx", "slow-batch", request(f"batch {trial} {i}")) for i in range(100)]
                    time.sleep(0.2)  # the workers are busy with the batch
                    probe = s.submit("sfx", "slow-batch", request(f"probe {trial}"), priority=priority)
                    s.wait([probe.id])
                    waits[priority].append(probe.metrics.queue_wait_s)
                    for job in batch:
                        s.cancel(job.id)
    inter, fifo = statistics.median(waits["interactive"]), statistics.median(waits["batch"])
    return {
        "workers": workers,
        "interactive_wait_s": inter,
        "batch_wait_s": fifo,
        "ratio": fifo / max(inter, 1e-9),
        "step_s": 0.05,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2000)
    parser.add_argument("--out", default="tests/bench/results/scheduler.md")
    parser.add_argument("--only", choices=("a", "b", "c"), help="run one part (prints, writes nothing)")
    parser.add_argument(
        "--gpu",
        action="store_true",
        help="(b) on the GPU worker: fake models hold real CUDA "
        "memory and the budget is 2 of them (not measured here: this machine has no GPU)",
    )
    args = parser.parse_args()
    if args.gpu:
        global GPU
        GPU = True
        print(bench_residency(1, gpu=True))
        return
    if args.only:
        print(
            {
                "a": lambda: bench_overhead(args.jobs, workers=2),
                "b": lambda: bench_residency(2),
                "c": lambda: bench_latency(workers=2),
            }[args.only]()
        )
        return
    a = bench_overhead(args.jobs, workers=2)
    print(f"(a) overhead: {a}", flush=True)
    b = [bench_residency(w) for w in (1, 2)]
    for row in b:
        print(f"(b) residency: {row}", flush=True)
    c = bench_latency(workers=2)
    print(f"(c) latency: {c}", flush=True)
    load = " / ".join(f"{v:.1f}" for v in os.getloadavg())
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    text = [
        "# Scheduler benchmark",
        "",
        (
            f"Command: `.venv/bin/python -m tests.bench.bench_scheduler --jobs {args.jobs}` on {machine}, "
            f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. CPU only; no GPU path was measured."
        ),
        "",
        "## (a) Overhead of 2,000 no-op jobs (2 worker processes, journal + cache on)",
        "",
        (
            "| host CPU per job (scheduler time) | wall per job | in-process call (no scheduler) | submit call "
            "| cache hit |"
        ),
        "|---|---|---|---|---|",
        (
            f"| {a['host_cpu_ms']:.3f} ms | {a['total_ms']:.3f} ms | {a['direct_ms']:.3f} ms | {a['submit_ms']:.3f} ms "
            f"| {a['hit_ms']:.3f} ms |"
        ),
        "",
        (
            f"Load average while measuring: {load}. Wall times on a shared, oversubscribed machine are upper bounds; "
            "host CPU per job is the scheduler's own cost (submit, dispatch, journal writes, result move, events), "
            f"{a['host_cpu_ms'] / a['direct_ms']:.2f}x the cost of calling the no-op engine in-process once in the "
            "same run. Goal: under 1 ms per job."
        ),
        "",
        "## (b) 200 jobs over 4 fake models (0.2 s load, 20 ms run, 1000 MB each), budget 2000 MB",
        "",
        "| workers | naive load-run-unload | loads | scheduler | loads | speed-up |",
        "|---|---|---|---|---|---|",
        *[
            f"| {r['workers']} | {r['naive_s']:.2f} s | {r['naive_loads']} | {r['ours_s']:.2f} s | {r['ours_loads']} "
            f"| {r['speedup']:.1f}x |"
            for r in b
        ],
        "",
        (
            "Lower bound for the scheduler with 1 worker: 200 x 20 ms of running plus 4 loads x 0.2 s = 4.8 s. "
            "Loads are counted by the scheduler (`stats()['model_loads']`); naive loads once per job."
        ),
        "",
        "## (c) A job submitted behind 100 queued batch jobs of 50 ms (2 workers, median of 3)",
        "",
        "| submitted as interactive: queue wait | as batch (FIFO): queue wait | ratio |",
        "|---|---|---|",
        f"| {c['interactive_wait_s'] * 1000:.0f} ms | {c['batch_wait_s'] * 1000:.0f} ms | {c['ratio']:.0f}x |",
        "",
        (
            "The interactive job starts when the next worker frees (each batch job takes 50 ms), not after the "
            "batch; as batch it waits for the whole queue ahead of it."
        ),
        "",
        "GPU: `--gpu` runs (b) with CUDA fake models holding real device memory; not measured (no GPU here).",
        "",
    ]
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text("\n".join(text))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
