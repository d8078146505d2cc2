"""Render speed: a 60 s 1080p30 timeline (3 video tracks with overlaps, fades, a picture-in-picture,
a logo with alpha and two titles; 4 audio tracks at 44.1/48/24 kHz, mono and stereo) rendered with
``web-1080p``, against the floor: ffmpeg encoding the same number of frames with the same settings.

    .venv/bin/python -m tests.bench.bench_render [--seconds 60] [--preset web-1080p] [--keep DIR]

Floors (the encoder alone, same x264 preset/CRF, same AAC audio from the same mix):
  plain : 1800 frames piped from Python (a 1 s loop of the source video's real frames, already decoded)
  same  : our own output's frames, decoded by one ffmpeg and piped into another (identical pictures)
Also reported: the compositor alone (frames/s with no encoder), which shows the render's own cost.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import soundfile
from PIL import Image, ImageDraw

from studio.io import create_project, save_project
from studio.io.media import import_media
from studio.model import Clip, TimeRange, Title, Track, Transform, new_id
from studio.render import get_preset, render_timeline
from studio.render.compositor import Compositor
from studio.render.plan import make_plan

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
RATE = 30


def make_sources(folder: Path, seconds: int) -> dict[str, Path]:
    """Real media files: two moving test videos, a logo with alpha, four sounds."""

    def lavfi(name: str, spec: str, length: float) -> Path:
        out = folder / name
        subprocess.run(
            [
                FFMPEG,
                "-y",
                "-loglevel",
                "error",
                "-f",
                "lavfi",
                "-i",
                f"{spec}:d={length}",
                "-pix_fmt",
                "yuv420p",
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-crf",
                "18",
                str(out),
            ],
            check=True,
        )
        return out

    half = max(2, seconds // 2)
    files = {
        "a": lavfi("a.mp4", f"testsrc2=s=1920x1080:r={RATE}", half + 2),
        "b": lavfi("b.mp4", "testsrc=s=1280x720:r=25", half),
    }
    logo = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    ImageDraw.Draw(logo).ellipse((20, 20, 380, 380), fill=(255, 200, 0, 220), outline=(0, 0, 0, 255), width=12)
    files["logo"] = folder / "logo.png"
    logo.save(files["logo"])
    rng = np.random.default_rng(0)
    for name, rate, channels, freq in (
        ("music", 44_100, 2, 220.0),
        ("sfx", 48_000, 1, 880.0),
        ("voice", 24_000, 1, 150.0),
        ("room", 48_000, 2, 0.0),
    ):
        t = np.arange(seconds * rate) / rate
        wave = (
            0.2 * np.sin(2 * np.pi * freq * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 0.5 * t))
            if freq
            else 0.05 * rng.standard_normal(len(t))
        )
        data = wave if channels == 1 else np.stack([wave, np.roll(wave, 7)], axis=1)
        files[name] = folder / f"{name}.wav"
        soundfile.write(files[name], data, rate)
    return files


def build_project(folder: Path, files: dict[str, Path], seconds: int):
    """The benchmark timeline; every track overlaps another somewhere."""
    project = create_project(folder, "bench", rate=Fraction(RATE), width=1920, height=1080)
    tl = project.timeline
    asset = {k: import_media(folder, project, p) for k, p in files.items()}
    n = seconds * RATE

    def clip(key, at, frames, start=0, **fields):
        return Clip(new_id("clip"), key, at, TimeRange(start, frames), asset_id=asset[key].id, **fields)

    def title(text, at, frames, **style):
        return Clip(
            new_id("clip"),
            "title",
            at,
            TimeRange(0, frames),
            title=Title(text, **style),
            video_fade_in=15,
            video_fade_out=15,
        )

    v1, a1 = tl.tracks
    v1.clips += [
        clip("a", 0, n // 2, video_fade_in=15),
        clip("b", n // 2, n // 3, fit="fill"),
        clip("a", n // 2 + n // 3, n - n // 2 - n // 3, start=RATE, video_fade_out=30),
    ]
    v2 = Track(new_id("track"), "video", "V2")
    v2.clips += [
        clip(
            "b",
            n // 6,
            n // 4,
            fit="fit",
            transform=Transform(0.3, -0.3, 0.35),
            opacity=0.9,
            video_fade_in=15,
            video_fade_out=15,
        ),
        clip("logo", n // 2 + 15, n // 2 - 30, fit="explicit", transform=Transform(0.38, 0.33, 0.5)),
    ]
    v3 = Track(new_id("track"), "video", "Titles")
    v3.clips += [
        title("Benchmark\n60 s at 1080p", n // 15, n // 8, font_size=96),
        title(
            'lower third: "quotes", 100% & colons',
            n * 2 // 3,
            n // 6,
            font_size=48,
            position="lower-third",
            background="#00000099",
        ),
    ]
    a1.clips.append(clip("music", 0, n, gain_db=-6, audio_fade_out=RATE * 2))
    a2, a3, a4 = (Track(new_id("track"), "audio", name) for name in ("SFX", "Voice", "Room"))
    a2.clips += [clip("sfx", at, RATE, start=at, pan=-0.5) for at in range(RATE, n - RATE, RATE * 5)]
    a3.clips.append(clip("voice", RATE * 3, n - RATE * 6, start=RATE * 3, audio_fade_in=RATE, audio_fade_out=RATE))
    a4.clips.append(clip("room", 0, n, gain_db=-12, pan=0.2))
    tl.tracks[1:1] = [v2, v3]
    tl.tracks += [a2, a3, a4]
    save_project(project, folder)
    return project


def encode_floor(frames, count: int, size: tuple[int, int], wav: Path, out: Path, preset) -> float:
    """Seconds for ffmpeg to encode ``count`` rgb24 frames piped from Python, plus the mix, as the preset does."""
    w, h = size
    args = [
        FFMPEG,
        "-y",
        "-loglevel",
        "error",
        "-f",
        "rawvideo",
        "-pix_fmt",
        "rgb24",
        "-s",
        f"{w}x{h}",
        "-framerate",
        str(RATE),
        "-i",
        "pipe:",
        "-i",
        str(wav),
        "-c:v",
        preset.video_codec,
        "-pix_fmt",
        "yuv420p",
        "-preset",
        preset.x264_preset,
        "-crf",
        str(preset.crf),
        "-c:a",
        preset.audio_codec,
        "-b:a",
        preset.audio_bitrate,
        "-ar",
        "48000",
        "-movflags",
        "+faststart",
        str(out),
    ]
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdin=subprocess.PIPE)
    for i in range(count):
        proc.stdin.write(frames(i))
    proc.stdin.close()
    if proc.wait():
        raise SystemExit("floor encode failed")
    return time.perf_counter() - started


def decoded_frames(path: Path, limit: int) -> list[bytes]:
    reader = imageio_ffmpeg.read_frames(str(path), pix_fmt="rgb24")
    next(reader)
    out = []
    for data in reader:
        out.append(bytes(data))
        if len(out) == limit:
            break
    reader.close()
    return out


def floor_same_frames(ours: Path, count: int, size, wav: Path, out: Path, preset) -> float:
    """Our output's frames decoded by one ffmpeg and piped straight into the floor encoder."""
    w, h = size
    decoder = subprocess.Popen(
        [FFMPEG, "-loglevel", "error", "-i", str(ours), "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:"],
        stdout=subprocess.PIPE,
    )
    frame_bytes = w * h * 3
    started = time.perf_counter()
    seconds = encode_floor(lambda i: decoder.stdout.read(frame_bytes), count, size, wav, out, preset)
    decoder.wait()
    return max(seconds, time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60, help="timeline length (at least 10)")
    parser.add_argument("--preset", default="web-1080p")
    parser.add_argument("--keep", type=Path, help="keep the project and outputs here")
    args = parser.parse_args()
    preset = get_preset(args.preset)
    work = Path(tempfile.mkdtemp(prefix="bench-render-")) if args.keep is None else args.keep
    work.mkdir(parents=True, exist_ok=True)
    try:
        src = work / "sources"
        src.mkdir(exist_ok=True)
        t0 = time.perf_counter()
        files = make_sources(src, args.seconds)
        folder = work / "Bench.studio"
        shutil.rmtree(folder, ignore_errors=True)
        project = build_project(folder, files, args.seconds)
        print(f"made sources and project in {time.perf_counter() - t0:.1f} s", flush=True)
        frames_total = project.timeline.duration

        # 1. Our render
        ours = work / "ours.mp4"
        summary = render_timeline(project, folder, ours, preset=preset)
        print(summary.line(), flush=True)
        size = summary.size

        # 2. The compositor alone (no encoder): what our own pixel work costs
        plan = make_plan(project, folder)
        comp = Compositor(plan, size)
        started = time.perf_counter()
        for _ in comp.frames():
            pass
        comp.close()
        compositor_s = time.perf_counter() - started

        # 3. Floors, with the same mix as audio input
        from studio.render.mixer import mix_to_wav

        wav = work / "mix.wav"
        mix_to_wav(make_plan(project, folder), wav)
        loop = decoded_frames(files["a"], RATE)
        plain_s = encode_floor(lambda i: loop[i % len(loop)], frames_total, size, wav, work / "floor-plain.mp4", preset)
        same_s = floor_same_frames(ours, frames_total, size, wav, work / "floor-same.mp4", preset)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    cmd = (
        "python -m tests.bench.bench_render"
        + (f" --seconds {args.seconds}" if args.seconds != 60 else "")
        + (f" --preset {args.preset}" if args.preset != "web-1080p" else "")
    )
    print(f"\nbench_render ({cmd}): {frames_total} frames {size[0]}x{size[1]} @ {RATE} fps, preset {preset.name}")
    fps = frames_total / summary.elapsed
    print(f"  ours (render_timeline, everything)   {summary.elapsed:7.1f} s  ({fps:5.1f} fps)")
    print(
        f"  compositor alone (no encoder)        {compositor_s:7.1f} s  ({frames_total / compositor_s:5.1f} fps, "
        f"{comp.composited} of {frames_total} frames blended)"
    )
    print(
        f"  floor: encoder, plain frames         {plain_s:7.1f} s  -> ours / floor = {summary.elapsed / plain_s:.2f}x"
    )
    print(f"  floor: encoder, our frames           {same_s:7.1f} s  -> ours / floor = {summary.elapsed / same_s:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
