"""What a media file is: kind, length, size, rates. No ffprobe here, so video is read from ``ffmpeg -i``.

Images are read with Pillow, audio with soundfile (WAV, FLAC, OGG, MP3), everything else with the
ffmpeg binary from imageio-ffmpeg. Meshes (GLB, OBJ, PLY) are recognised by their header.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from studio.io.errors import ProjectError

MESH_SUFFIXES = (".glb", ".gltf", ".obj", ".ply")
AUDIO_SUFFIXES = (".wav", ".flac", ".mp3", ".ogg", ".m4a", ".aac", ".opus")
VIDEO_SUFFIXES = (".mp4", ".mov", ".mkv", ".webm", ".avi")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff")
MEDIA_SUFFIXES = AUDIO_SUFFIXES + VIDEO_SUFFIXES + IMAGE_SUFFIXES + MESH_SUFFIXES  # what the timeline can show
_NOT_VIDEO_CODECS = {"ansi", "bintext", "xbin", "idf", "tty"}  # text files that ffmpeg would "play"
_LAYOUT_CHANNELS = {
    "mono": 1,
    "stereo": 2,
    "2.1": 3,
    "3.0": 3,
    "quad": 4,
    "4.0": 4,
    "5.0": 5,
    "5.1": 6,
    "6.1": 7,
    "7.1": 8,
}


@dataclass(frozen=True)
class MediaInfo:
    kind: str  # "video", "audio", "image" or "mesh"
    duration_seconds: Fraction | None = None
    width: int | None = None
    height: int | None = None
    frame_rate: Fraction | None = None
    sample_rate: int | None = None
    channels: int | None = None
    has_audio: bool = False


def probe_media(path: str | Path) -> MediaInfo:
    """Probe ``path``; raises ProjectError naming the file if it is missing or not media."""
    p = Path(path)
    if not p.is_file():
        raise ProjectError(f"{p.name}: no such media file")
    if p.stat().st_size == 0:
        raise ProjectError(f"{p.name}: the file is empty, not media")
    if p.suffix.lower() in MESH_SUFFIXES:
        return _probe_mesh(p)
    info = _probe_image(p) or _probe_audio(p) or _probe_with_ffmpeg(p)
    return info


def _probe_mesh(p: Path) -> MediaInfo:
    head = p.read_bytes()[:512]
    suffix = p.suffix.lower()
    ok = (
        (suffix == ".glb" and head[:4] == b"glTF")
        or (suffix == ".ply" and head[:3] == b"ply")
        or (suffix == ".gltf" and head.lstrip()[:1] == b"{")
        or (suffix == ".obj" and re.search(rb"^\s*(v|vt|vn|f|o|g|mtllib|#)\s", head, re.MULTILINE) is not None)
    )
    if not ok:
        raise ProjectError(f"{p.name}: not a readable {suffix[1:].upper()} mesh")
    return MediaInfo(kind="mesh")


def _probe_image(p: Path) -> MediaInfo | None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(p) as im:
            if getattr(im, "n_frames", 1) > 1:
                return None  # animated: let ffmpeg read it as video
            width, height = im.size
            im.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return None
    except Image.DecompressionBombError:
        raise ProjectError(f"{p.name}: image is too large to be safe to open") from None
    return MediaInfo(kind="image", width=width, height=height)


def _probe_audio(p: Path) -> MediaInfo | None:
    import soundfile

    try:
        info = soundfile.info(str(p))
    except (RuntimeError, OSError, soundfile.LibsndfileError, TypeError, ValueError):
        return None
    if info.frames <= 0 or info.samplerate <= 0:
        raise ProjectError(f"{p.name}: audio file holds no sound")
    return MediaInfo(
        kind="audio",
        duration_seconds=Fraction(info.frames, info.samplerate),
        sample_rate=info.samplerate,
        channels=info.channels,
        has_audio=True,
    )


def _nice_rate(fps: str) -> Fraction:
    """'23.98' -> 24000/1001, '29.97' -> 30000/1001, '25' -> 25, '12.5' -> 25/2."""
    value = Fraction(fps)
    for nominal in (24, 30, 48, 60, 120):
        ntsc = Fraction(nominal * 1000, 1001)
        if abs(value - ntsc) < Fraction(1, 100):
            return ntsc
    return value.limit_denominator(1001)


def ffmpeg_exe() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def _probe_with_ffmpeg(p: Path) -> MediaInfo:
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", f"file:{p.resolve()}"]
    try:
        run = subprocess.run(cmd, capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ProjectError(f"{p.name}: ffmpeg could not read it ({exc})") from None
    text = run.stderr.decode("utf-8", "replace")
    return parse_ffmpeg_info(text, p.name)


def parse_ffmpeg_info(text: str, name: str) -> MediaInfo:
    """Read kind, duration, size, frame rate and audio format from ``ffmpeg -i`` stderr."""
    if "Input #0" not in text:
        raise ProjectError(f"{name}: not a video, audio or image file ffmpeg can read")
    video = audio = None
    for line in text.splitlines():
        m = re.match(r"\s*Stream #\d+:\d+\S*: (Video|Audio): (\w+)(.*)", line)
        if not m:
            continue
        if (
            m.group(1) == "Video"
            and video is None
            and "(attached pic)" not in line
            and m.group(2) not in _NOT_VIDEO_CODECS
        ):
            video = m.group(2, 3)
        elif m.group(1) == "Audio" and audio is None:
            audio = m.group(3)
    if video is None and audio is None:
        raise ProjectError(f"{name}: holds no video or audio stream")
    duration = None
    m = re.search(r"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)", text)
    if m:
        duration = int(m.group(1)) * 3600 + int(m.group(2)) * 60 + Fraction(m.group(3))
    sample_rate = channels = None
    if audio is not None:
        m = re.search(r"(\d+) Hz, ([\w.()]+(?: channels)?)", audio)
        if m:
            sample_rate = int(m.group(1))
            layout = m.group(2)
            n = re.match(r"(\d+) channels", layout)
            channels = int(n.group(1)) if n else _LAYOUT_CHANNELS.get(layout.split("(")[0], 2)
    if video is None:
        if not duration:
            raise ProjectError(f"{name}: audio with no known length")
        return MediaInfo(
            kind="audio", duration_seconds=duration, sample_rate=sample_rate, channels=channels, has_audio=True
        )
    size = re.search(r", (\d{1,5})x(\d{1,5})", video[1])
    if not size or int(size.group(1)) == 0 or int(size.group(2)) == 0:
        raise ProjectError(f"{name}: video stream without a picture size")
    fps = re.search(r", ([\d.]+) fps", video[1]) or re.search(r", ([\d.]+) tbr", video[1])
    rate = _nice_rate(fps.group(1)) if fps and Fraction(fps.group(1)) > 0 else None
    if not duration:
        raise ProjectError(f"{name}: video with no known length")
    return MediaInfo(
        kind="video",
        duration_seconds=duration,
        width=int(size.group(1)),
        height=int(size.group(2)),
        frame_rate=rate,
        sample_rate=sample_rate,
        channels=channels,
        has_audio=audio is not None,
    )
