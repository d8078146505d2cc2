"""What a transition costs the compositor: the same two 1080p30 video clips on one track, cut together plainly and
joined by a dissolve, a dip to black and a wipe as long as the whole overlap, composited without an encoder.

    .venv/bin/python -m tests.bench.bench_transitions [--frames 60] [--size 1920x1080]

Each case composites frames [cut - frames/2, cut + frames/2): with a transition every one of them is a mix of two
decoded pictures. Reported per case: wall time and CPU time of this process (the compositor, the two decoder
threads' reading, numpy), both per frame, and the ratio to the plain cut measured in the same run.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import imageio_ffmpeg

from studio.edit import add_transition
from studio.io import create_project
from studio.io.media import import_media
from studio.model import Clip, TimeRange, Track, new_id
from studio.render.compositor import Compositor
from studio.render.plan import make_plan


def _video(path: Path, source: str, size: str, seconds: int) -> Path:
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", "-f", "lavfi", "-i"]
        + [f"{source}=s={size}:r=30:d={seconds}", "-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "ultrafast"]
        + [str(path)],
        check=True,
    )
    return path


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run(frames: int, size: str) -> list[tuple[str, float, float]]:
    width, height = (int(v) for v in size.split("x"))
    work = Path(tempfile.mkdtemp(prefix="bench-transitions-"))
    seconds = max(4, frames // 15 + 2)
    a = _video(work / "a.mp4", "testsrc2", size, seconds)
    b = _video(work / "b.mp4", "smptehdbars", size, seconds)
    half = seconds * 30 // 2
    results = []
    for kind in ("cut", "dissolve", "dip_to_black", "wipe"):
        folder = work / f"{kind}.studio"
        project = create_project(folder, rate=Fraction(30), width=width, height=height)
        track = Track(new_id("track"), "video", "V1")
        project.timeline.tracks = [track]
        first = import_media(folder, project, a)
        second = import_media(folder, project, b)
        track.clips = [
            Clip(new_id("clip"), "a", 0, TimeRange(0, half), asset_id=first.id),
            Clip(new_id("clip"), "b", half, TimeRange(half, half), asset_id=second.id),  # handles on both sides
        ]
        if kind != "cut":
            add_transition(project, track.clips[0].id, kind, frames).apply(project)
        plan = make_plan(project, folder, (half - frames // 2, half + frames - frames // 2))
        comp = Compositor(plan, (width, height))
        wall, cpu = time.perf_counter(), _cpu()
        try:
            count = sum(1 for _ in comp.frames())
        finally:
            comp.close()
        results.append((kind, (time.perf_counter() - wall) / count, (_cpu() - cpu) / count))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=60)
    parser.add_argument("--size", default="1920x1080")
    args = parser.parse_args()
    with open("/proc/loadavg") as f:
        load = f.read().split()[:3]
    results = run(args.frames, args.size)
    plain_wall, plain_cpu = results[0][1], results[0][2]
    print(f"{args.frames} frames at {args.size}, load {' '.join(load)}")
    print("| case | wall ms/frame | CPU ms/frame | wall x cut | CPU x cut |")
    print("|---|---|---|---|---|")
    for kind, wall, cpu in results:
        print(f"| {kind} | {wall * 1000:.1f} | {cpu * 1000:.1f} | {wall / plain_wall:.2f} | {cpu / plain_cpu:.2f} |")


if __name__ == "__main__":
    main()
