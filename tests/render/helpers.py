"""Tiny real media and projects for render tests: files made by ffmpeg and numpy, imported with
``studio.io.media.import_media`` exactly as the app does."""

from __future__ import annotations

import re
import subprocess
from fractions import Fraction
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import soundfile
from PIL import Image

from studio.io import create_project, save_project
from studio.io.media import import_media
from studio.model import Clip, Project, TimeRange, Title, Track, new_id

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()


def colour_video(path: Path, colour: str = "red", size: str = "320x240", rate: int = 30, seconds: float = 3.0) -> Path:
    source = f"color={colour}:s={size}:r={rate}:d={seconds}"
    subprocess.run(
        [
            FFMPEG,
            "-y",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            source,
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


def tone_wav(
    path: Path,
    freq: float = 1000.0,
    seconds: float = 3.0,
    rate: int = 44_100,
    amplitude: float = 0.3,
    channels: int = 1,
) -> Path:
    t = np.arange(int(seconds * rate)) / rate
    wave = amplitude * np.sin(2 * np.pi * freq * t)
    soundfile.write(path, wave if channels == 1 else np.stack([wave] * channels, axis=1), rate)
    return path


def still_png(path: Path, rgba: tuple[int, int, int, int], size: tuple[int, int] = (160, 120)) -> Path:
    Image.new("RGBA", size, rgba).save(path)
    return path


def new_project(folder: Path, width: int = 640, height: int = 360, rate: int = 30) -> Project:
    return create_project(folder, rate=Fraction(rate), width=width, height=height)


def add_track(project: Project, kind: str, name: str) -> Track:
    track = Track(new_id("track"), kind, name)
    project.timeline.tracks.append(track)
    return track


def place_file(
    project: Project, folder: Path, track: Track, src: Path, position: int, frames: int, start: int = 0, **clip_fields
) -> Clip:
    """Import ``src`` and put ``frames`` frames of it on ``track`` at ``position``."""
    asset = import_media(folder, project, src)
    clip = Clip(new_id("clip"), src.stem, position, TimeRange(start, frames), asset_id=asset.id, **clip_fields)
    track.clips.append(clip)
    return clip


def place_title(track: Track, text: str, position: int, frames: int, **clip_fields) -> Clip:
    clip = Clip(new_id("clip"), "title", position, TimeRange(0, frames), title=Title(text), **clip_fields)
    track.clips.append(clip)
    return clip


def red_and_tone_project(folder: Path, media: Path, seconds: int = 3) -> Project:
    """A 640x360 30 fps project: a red video over the whole length and a 1 kHz tone (44.1 kHz mono)."""
    project = new_project(folder)
    video, audio = project.timeline.tracks[0], project.timeline.tracks[1]
    place_file(project, folder, video, colour_video(media / "red.mp4", seconds=seconds), 0, 30 * seconds)
    place_file(project, folder, audio, tone_wav(media / "tone.wav", seconds=seconds), 0, 30 * seconds)
    save_project(project, folder)
    return project


def read_streams(path: Path) -> dict:
    """Stream facts from ``ffmpeg -i``: codecs, picture size, audio rate and layout, duration."""
    text = subprocess.run([FFMPEG, "-hide_banner", "-i", str(path)], capture_output=True, text=True, check=False).stderr
    video = re.search(r"Video: (\w+).*?, (\d+)x(\d+)", text)
    audio = re.search(r"Audio: (\w+).*?, (\d+) Hz, (\w+)", text)
    duration = re.search(r"Duration: (\d+):(\d+):([\d.]+)", text)
    return {
        "video": video and (video[1], int(video[2]), int(video[3])),
        "audio": audio and (audio[1], int(audio[2]), audio[3]),
        "duration": duration and int(duration[1]) * 3600 + int(duration[2]) * 60 + float(duration[3]),
    }


def frame_at(path: Path, index: int) -> np.ndarray:
    """Frame ``index`` of a video, (h, w, 3) uint8."""
    reader = imageio_ffmpeg.read_frames(str(path), pix_fmt="rgb24")
    meta = next(reader)
    w, h = meta["size"]
    try:
        for i, data in enumerate(reader):
            if i == index:
                return np.frombuffer(data, np.uint8).reshape(h, w, 3)
    finally:
        reader.close()
    raise IndexError(index)


def decoded_audio(path: Path) -> np.ndarray:
    """The audio of ``path`` as float32 (n, 2) at 48 kHz."""
    raw = subprocess.run(
        [FFMPEG, "-loglevel", "error", "-i", str(path), "-f", "f32le", "-ac", "2", "-ar", "48000", "pipe:"],
        capture_output=True,
        check=True,
    ).stdout
    return np.frombuffer(raw, np.float32).reshape(-1, 2)
