"""Interchange speed: OTIO export/import of a long crossfaded timeline, and the local API's overhead.

    .venv/bin/python -m tests.bench.bench_interchange [--shots 2000] [--jobs 200] [--repeat 3]

1. Export: ``export_otio`` (lay out lanes and dissolves, build the OTIO objects, serialise, atomic write)
   against OpenTimelineIO's own ``write_to_string`` of the finished timeline (serialise only).
2. Import: ``import_otio`` (parse, rebuild tracks and crossfades, validate, save the project) against
   OpenTimelineIO's ``read_from_file`` (parse only).
3. API: ``--jobs`` quick jobs (a fake engine, no sleep) submitted by 4 HTTP clients to ``studio serve`` and
   followed to the end over Server-Sent Events, against the same jobs submitted straight to a Scheduler.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction
from pathlib import Path


def crossfaded_project(folder: Path, shots: int):
    """``shots`` title shots alternating on two tracks, each crossfading 6 frames into the next, with fades."""
    from studio.io import create_project, save_project
    from studio.model import Clip, TimeRange, Title, Track

    project = create_project(folder, rate=Fraction(24))
    a, b = Track("a", "video", "Shots A"), Track("b", "video", "Shots B")
    for i in range(shots):
        clip = Clip(
            f"s{i}",
            f"shot {i}",
            i * 42,
            TimeRange(0, 48),
            title=Title(f"shot {i}"),
            video_fade_in=6 if i else 12,
            video_fade_out=12 if i == shots - 1 else 0,
        )
        (a if i % 2 == 0 else b).clips.append(clip)
    project.timeline.tracks = [a, b]
    save_project(project, folder)
    return project


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def bench_otio(shots: int, repeat: int) -> None:
    import shutil

    import opentimelineio as otio

    from studio.io.otio_io import export_otio, import_otio

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "long.studio"
        project = crossfaded_project(folder, shots)
        out = Path(tmp) / "cut.otio"
        export_otio(project, folder, out)
        timeline = otio.adapters.read_from_file(str(out))
        dissolves = len(list(timeline.find_children(descended_from_type=otio.schema.Transition)))
        ours_export = best(lambda: export_otio(project, folder, out), repeat)
        otio_write = best(lambda: otio.adapters.write_to_string(timeline, "otio_json"), repeat)

        def one_import() -> None:
            shutil.rmtree(Path(tmp) / "copy.studio", ignore_errors=True)
            import_otio(out, Path(tmp) / "copy.studio", warnings=[])

        ours_import = best(one_import, repeat)
        otio_read = best(lambda: otio.adapters.read_from_file(str(out)), repeat)
        size_mb = out.stat().st_size / 1e6
    print(f"otio: {shots} shots on 2 tracks -> 1 OTIO track with {dissolves} dissolves, {size_mb:.1f} MB")
    print(
        f"export ours {ours_export * 1000:8.1f} ms  otio write {otio_write * 1000:8.1f} ms  "
        f"ratio {ours_export / otio_write:.2f}x"
    )
    print(
        f"import ours {ours_import * 1000:8.1f} ms  otio read  {otio_read * 1000:8.1f} ms  "
        f"ratio {ours_import / otio_read:.2f}x"
    )


def bench_api(jobs: int) -> None:
    from pipelines import registry
    from pipelines.registry import EngineSpec
    from studio.scheduler.scheduler import Scheduler
    from studio.serve.server import LocalServer

    spec = EngineSpec(
        "sfx",
        "bench-fake",
        "pipelines.testing:FakeModel",
        version="1",
        memory_mb=10,
        options=(("engine", "bench-fake"),),
        description="fake model for the API benchmark",
    )
    registry.register(spec)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            os.environ["STUDIO_DATA_DIR"] = str(Path(tmp) / "direct")
            with Scheduler(cpu_workers=2, use_cache=False) as scheduler:
                scheduler.start_workers()
                start = time.perf_counter()
                ids = [
                    scheduler.submit("sfx", "bench-fake", {"prompt": f"d {i}", "duration": 1.0}).id for i in range(jobs)
                ]
                scheduler.wait(ids)
                direct = time.perf_counter() - start

            os.environ["STUDIO_DATA_DIR"] = str(Path(tmp) / "api")
            with LocalServer(cpu_workers=2, use_cache=False) as server:
                server.scheduler.start_workers()
                finished: set[str] = set()
                done = threading.Event()
                listener = http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)
                listener.request("GET", "/events")
                response = listener.getresponse()

                def listen() -> None:
                    for raw in response.fp:
                        if raw.startswith(b"data: "):
                            body = json.loads(raw[6:])
                            if body["event"] == "state" and body["job"]["state"] == "done":
                                finished.add(body["job"]["id"])
                                if len(finished) >= jobs:
                                    done.set()
                                    return

                threading.Thread(target=listen, daemon=True).start()
                latencies: list[float] = []

                def client(n: int) -> None:
                    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
                    for i in range(n, jobs, 4):
                        t0 = time.perf_counter()
                        conn.request(
                            "POST",
                            "/jobs",
                            json.dumps(
                                {"kind": "sfx", "engine": "bench-fake", "request": {"prompt": f"a {i}", "duration": 1}}
                            ),
                        )
                        conn.getresponse().read()
                        latencies.append(time.perf_counter() - t0)

                start = time.perf_counter()
                with ThreadPoolExecutor(4) as pool:
                    list(pool.map(client, range(4)))
                done.wait(300)
                api = time.perf_counter() - start
    finally:
        registry.unregister("sfx", "bench-fake")
    latencies.sort()
    print(f"api: {jobs} jobs, 2 CPU workers, 4 HTTP clients, followed over SSE")
    print(
        f"direct submit+wait {direct:6.2f} s ({jobs / direct:6.1f} jobs/s)   via API {api:6.2f} s "
        f"({jobs / api:6.1f} jobs/s)   ratio {api / direct:.2f}x"
    )
    print(
        f"POST /jobs latency: median {latencies[len(latencies) // 2] * 1000:.1f} ms, "
        f"p95 {latencies[int(len(latencies) * 0.95)] * 1000:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shots", type=int, default=2000)
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    bench_otio(args.shots, args.repeat)
    bench_api(args.jobs)


if __name__ == "__main__":
    main()
