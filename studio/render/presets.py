"""Render presets: output size, codecs, encoder speed and loudness target, chosen by name."""

from __future__ import annotations

from dataclasses import dataclass

from studio.render.errors import RenderError


@dataclass(frozen=True)
class Preset:
    """How a timeline becomes a file. ``height`` None keeps the timeline's own size; the width
    follows the timeline's aspect ratio (rounded to even). ``loudness_lufs`` None skips normalisation."""

    name: str
    description: str
    height: int | None = None
    video: bool = True
    container: str = "mp4"  # ffmpeg format name
    suffixes: tuple[str, ...] = (".mp4", ".m4v", ".mov")
    video_codec: str = "libx264"
    x264_preset: str = "fast"
    crf: int = 20
    scale_flags: str = "bicubic"  # how ffmpeg resizes source video (fast_bilinear for drafts)
    audio_codec: str = "aac"
    audio_bitrate: str = "192k"
    loudness_lufs: float | None = -14.0
    true_peak_db: float = -1.0


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset("web-1080p", "1080p H.264 + AAC for sharing", height=1080),
        Preset("web-720p", "720p H.264 + AAC for sharing", height=720, crf=21),
        Preset(
            "draft-360p",
            "small fast proof render",
            height=360,
            x264_preset="ultrafast",
            crf=28,
            audio_bitrate="128k",
            scale_flags="fast_bilinear",
        ),
        Preset(
            "audio-wav",
            "the mix only, 48 kHz 24-bit WAV",
            video=False,
            container="wav",
            suffixes=(".wav",),
            video_codec="",
            audio_codec="pcm_s24le",
            audio_bitrate="",
        ),
    )
}

DEFAULT_PRESET = "web-1080p"


def get_preset(name: str | Preset) -> Preset:
    """The preset called ``name``; an unknown name is an error listing the known ones."""
    if isinstance(name, Preset):
        return name
    try:
        return PRESETS[name]
    except KeyError:
        raise RenderError(f"unknown preset {name!r}; choose one of: {', '.join(PRESETS)}") from None


def output_size(preset: Preset, width: int, height: int) -> tuple[int, int]:
    """The encoded frame size for a timeline of ``width`` x ``height``: even numbers, aspect kept."""
    if width <= 0 or height <= 0:
        raise RenderError(f"timeline size {width}x{height} is not a picture size")
    if preset.height is None:
        return width + width % 2, height + height % 2
    h = preset.height
    w = max(2, round(width * h / height / 2) * 2)
    return w, h
