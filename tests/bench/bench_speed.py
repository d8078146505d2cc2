"""What clip speed and reverse cost at render time, against the same clip at 1x in the same run.

    python -m tests.bench.bench_speed [--seconds 10] [--audio-seconds 60]

Picture: the compositor alone (no encode) over one 640x360 30 fps clip at 1x, 2x, 0.5x and reversed. Sound: the
mix of one stereo 48 kHz clip at the same speeds (2x and 0.5x go through Rubber Band). Wall time is meaningless on
a loaded machine, so CPU time is printed too: this process plus its ffmpeg children.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile

from studio.render.compositor import Compositor
from studio.render.mixer import mix_to_wav
from studio.render.plan import make_plan
from tests.render.helpers import FFMPEG, new_project, place_file

SPEEDS = ((1.0, False), (2.0, False), (0.5, False), (1.0, True))


def _cpu() -> float:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _video(path: Path, seconds: int) -> Path:
    source = f"testsrc2=s=640x360:r=30:d={seconds}"
    args = [FFMPEG, "-y", "-loglevel", "error", "-f", "lavfi", "-i", source, "-pix_fmt", "yuv420p"]
    subprocess.run([*args, "-c:v", "libx264", "-preset", "ultrafast", str(path)], check=True)
    return path


def _measure(run) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), _cpu()
    run()
    return time.perf_counter() - wall, _cpu() - cpu


def bench_picture(work: Path, seconds: int) -> list[str]:
    video = _video(work / "src.mp4", seconds)
    rows = []
    base = None
    for speed, reverse in SPEEDS:
        folder = work / f"v{speed}{reverse}.studio"
        project = new_project(folder, rate=30)
        frames = 30 * seconds if speed >= 1 else 15 * seconds  # 0.5x: half the source, so the output length matches
        place_file(project, folder, project.timeline.tracks[0], video, 0, frames, speed=speed, reverse=reverse)
        plan = make_plan(project, folder)

        def run(plan=plan):
            comp = Compositor(plan, (640, 360))
            try:
                for _ in comp.frames():
                    pass
            finally:
                comp.close()

        wall, cpu = _measure(run)
        per = cpu / plan.frames * 1000
        base = base or per
        rows.append(
            f"| picture {speed:g}x{' reversed' if reverse else ''} | {plan.frames} | {wall:.2f} s | {cpu:.2f} s | "
            f"{per:.1f} ms | {per / base:.2f}x |"
        )
    return rows


def bench_sound(work: Path, seconds: int) -> list[str]:
    rng = np.random.default_rng(0)
    t = np.arange(seconds * 48_000) / 48_000
    music = 0.2 * np.sin(2 * np.pi * 220 * t)[:, None] + 0.02 * rng.standard_normal((len(t), 2))
    soundfile.write(work / "music.wav", music.astype(np.float32), 48_000, subtype="FLOAT")
    rows = []
    base = None
    for speed, reverse in SPEEDS:
        folder = work / f"a{speed}{reverse}.studio"
        project = new_project(folder, rate=30)
        frames = 30 * seconds if speed >= 1 else 15 * seconds
        clip = place_file(project, folder, project.timeline.tracks[1], work / "music.wav", 0, frames, speed=speed)
        clip.reverse = reverse
        plan = make_plan(project, folder)
        wall, cpu = _measure(lambda plan=plan, folder=folder: mix_to_wav(plan, folder / "mix.wav"))
        out_seconds = plan.frames / 30
        per = cpu / out_seconds * 1000
        base = base or per
        rows.append(
            f"| sound {speed:g}x{' reversed' if reverse else ''} | {out_seconds:.0f} s | {wall:.2f} s | {cpu:.2f} s | "
            f"{per:.1f} ms/s | {per / base:.2f}x |"
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="picture clip length")
    parser.add_argument("--audio-seconds", type=int, default=60, help="sound clip length")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        rows = bench_picture(work, args.seconds) + bench_sound(work, args.audio_seconds)
    print("| clip | output | wall | CPU (ours + ffmpeg) | CPU per frame / per output s | vs 1x |")
    print("|---|---|---|---|---|---|")
    print("\n".join(rows))
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
