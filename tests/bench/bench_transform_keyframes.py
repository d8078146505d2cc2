"""Cost of keyframed position and scale in the compositor: the same 1280x720 video clip over a background,
composited with a fixed transform and with x/y/scale keyframes (a push-in from 1.0 to 1.6 with a pan), at the
render size and at the preview size. Reports wall time and the GUI process's own CPU time (ffmpeg decodes in a
child process, not counted), and the keyframed/fixed ratio measured in the same run.

    .venv/bin/python -m tests.bench.bench_transform_keyframes [--frames 90]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import imageio_ffmpeg

from studio.edit import UndoStack, set_keyframe
from studio.io import create_project
from studio.io.media import import_media
from studio.model import Clip, TimeRange, Track, Transform, new_id
from studio.render.compositor import Compositor
from studio.render.plan import make_plan


def test_video(path: Path, size: str, seconds: float) -> Path:
    subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-y",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=s={size}:r=30:d={seconds}",
            "-pix_fmt",
            "yuv420p",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            str(path),
        ],
        check=True,
    )
    return path


def build(folder: Path, scratch: Path, frames: int, keyed: bool):
    project = create_project(folder, rate=Fraction(30), width=1280, height=720)
    base = import_media(folder, project, test_video(scratch / "base.mp4", "1280x720", frames / 30 + 1))
    top = import_media(folder, project, test_video(scratch / "top.mp4", "1280x720", frames / 30 + 1))
    v1, v2 = Track(new_id("track"), "video", "V1"), Track(new_id("track"), "video", "V2")
    project.timeline.tracks = [v1, v2]
    v1.clips.append(Clip(new_id("clip"), "base", 0, TimeRange(0, frames), asset_id=base.id))
    clip = Clip(new_id("clip"), "top", 0, TimeRange(0, frames), asset_id=top.id, transform=Transform(0.1, 0.0, 0.6))
    v2.clips.append(clip)
    if keyed:
        stack = UndoStack(project)
        stack.push(set_keyframe(project, clip.id, "scale", 0, 0.6))
        stack.push(set_keyframe(project, clip.id, "scale", frames - 1, 0.96, "ease"))
        stack.push(set_keyframe(project, clip.id, "x", 0, 0.1))
        stack.push(set_keyframe(project, clip.id, "x", frames - 1, -0.1))
        stack.push(set_keyframe(project, clip.id, "y", frames // 2, 0.05))
    return project


def run(project, folder: Path, size: tuple[int, int], flags: str) -> tuple[float, float]:
    plan = make_plan(project, folder)
    wall, cpu = time.perf_counter(), time.process_time()
    comp = Compositor(plan, size, flags)
    try:
        count = sum(1 for _ in comp.frames())
    finally:
        comp.close()
    return (time.perf_counter() - wall) / count * 1000, (time.process_time() - cpu) / count * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--frames", type=int, default=90)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="bench-kf-"))
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    for size, flags, label in (
        ((1280, 720), "bicubic", "render 1280x720"),
        ((480, 270), "fast_bilinear", "preview 480x270"),
    ):
        rows = {}
        for keyed in (False, True):
            folder = scratch / f"{'k' if keyed else 'f'}{size[0]}.studio"
            project = build(folder, scratch, args.frames, keyed)
            rows[keyed] = run(project, folder, size, flags)
        (fw, fc), (kw, kc) = rows[False], rows[True]
        print(
            f"{label}: fixed {fw:.1f} ms/frame wall, {fc:.1f} ms CPU; keyframed {kw:.1f} ms wall, {kc:.1f} ms CPU; "
            f"ratio wall {kw / fw:.2f}x, CPU {kc / max(fc, 1e-9):.2f}x"
        )
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
