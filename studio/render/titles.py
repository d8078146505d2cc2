"""Title clips drawn with PIL into an RGBA picture: text is pixels, never filter syntax, so quotes,
colons, percent signs, backslashes and newlines all render literally."""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageColor, ImageDraw, ImageFont

from studio.model import Title
from studio.render.errors import RenderError

POSITIONS = ("center", "top", "bottom", "lower-third")
FONT_FILES = ("DejaVuSans-Bold.ttf", "DejaVuSans.ttf", "LiberationSans-Bold.ttf", "Arial.ttf")
FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/truetype/liberation", "/usr/share/fonts",
             "/Library/Fonts", "C:/Windows/Fonts")


@lru_cache(maxsize=32)
def title_font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A bold sans font at ``size`` pixels: a system DejaVu/Liberation/Arial, else Pillow's built-in font."""
    for folder in FONT_DIRS:
        for name in FONT_FILES:
            path = Path(folder) / name
            if path.is_file():
                return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)


def parse_color(value: str, what: str) -> tuple[int, int, int, int]:
    """'#rgb', '#rrggbb', '#rrggbbaa' or a CSS name -> RGBA."""
    try:
        rgba = ImageColor.getrgb(value)
    except (ValueError, AttributeError, TypeError):
        raise RenderError(f"title {what} {value!r} is not a colour; write it like #ffcc00 or #00000080") from None
    return rgba if len(rgba) == 4 else (*rgba, 255)


def _measure(text: str, size: int) -> tuple[ImageFont.FreeTypeFont | ImageFont.ImageFont, int, tuple[int, ...]]:
    """The font, outline width and pixel box (left, top, right, bottom) of ``text`` at ``size``."""
    font = title_font(size)
    stroke = max(1, size // 24)
    probe = ImageDraw.Draw(Image.new("RGBA", (1, 1)))
    box = probe.multiline_textbbox((0, 0), text or " ", font=font, align="center", stroke_width=stroke)
    return font, stroke, (math.floor(box[0]), math.floor(box[1]), math.ceil(box[2]), math.ceil(box[3]))


def draw_title(title: Title, frame_width: int, frame_height: int,
               scale: float = 1.0) -> tuple[np.ndarray, tuple[int, int]]:
    """The title as a tight RGBA picture (h, w, 4) uint8 and its top-left corner on the frame.

    ``scale`` maps the title's font size (in timeline pixels) to the frame being rendered.
    """
    if not isinstance(title.text, str):
        raise RenderError("title text must be text")
    text = title.text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    size = max(6, round(title.font_size * scale))
    font, stroke, (left, top, right, bottom) = _measure(text, size)
    if right - left > 0.92 * frame_width:  # too wide for the frame: shrink to fit rather than cut it off
        size = max(6, int(size * 0.92 * frame_width / (right - left)))
        font, stroke, (left, top, right, bottom) = _measure(text, size)
    fill = parse_color(title.color, "colour")
    pad = size // 3 if title.background else stroke
    w, h = max(1, right - left + 2 * pad), max(1, bottom - top + 2 * pad)
    picture = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(picture)
    if title.background:
        draw.rounded_rectangle((0, 0, w - 1, h - 1), radius=pad // 2, fill=parse_color(title.background, "background"))
    shadow = (0, 0, 0, min(255, fill[3]))
    draw.multiline_text((pad - left, pad - top), text, font=font, fill=fill, align="center", stroke_width=stroke,
                        stroke_fill=shadow)
    if title.position not in POSITIONS:
        raise RenderError(f"title position {title.position!r} is unknown; choose one of: {', '.join(POSITIONS)}")
    x = (frame_width - w) // 2
    margin = frame_height // 12
    y = {"top": margin, "bottom": frame_height - margin - h, "lower-third": frame_height * 2 // 3 - h // 2}.get(
        title.position, (frame_height - h) // 2)
    return np.asarray(picture), (x, y)
