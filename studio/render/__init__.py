"""Rendering: a project's timeline to MP4 or WAV through ffmpeg.

Heavy modules (numpy, the compositor, the mixer) load only when ``render_timeline`` runs.
"""

from studio.render.errors import RenderError
from studio.render.presets import DEFAULT_PRESET, PRESETS, Preset, get_preset


def render_timeline(*args, **kwargs):
    """See ``studio.render.render.render_timeline``."""
    from studio.render.render import render_timeline as run

    return run(*args, **kwargs)


__all__ = ["DEFAULT_PRESET", "PRESETS", "Preset", "RenderError", "get_preset", "render_timeline"]
