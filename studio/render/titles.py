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
MAX_TITLE_CHARS = 5_000  # a title is a few words on screen, not a document
MAX_TITLE_LINES = 200
FONT_FILES = ("DejaVuSans-Bold.ttf", "DejaVuSans.ttf", "LiberationSans-Bold.ttf", "Arial.ttf")
FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/truetype/liberation",
    "/usr/share/fonts",
    "/Library/Fonts",
    "C:/Windows/Fonts",
)


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


def title_text(title: Title) -> str:
    """The title's text with newlines and tabs made plain; too much text is a one-line error."""
    if not isinstance(title.text, str):
        raise RenderError("title text must be text")
    if len(title.text) > MAX_TITLE_CHARS:
        raise RenderError(f"a title has {len(title.text):,} characters; a title holds at most {MAX_TITLE_CHARS:,}")
    text = title.text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    lines = text.count("\n") + 1
    if lines > MAX_TITLE_LINES:
        raise RenderError(f"a title has {lines:,} lines; a title holds at most {MAX_TITLE_LINES}")
    return text


def draw_title(
    title: Title, frame_width: int, frame_height: int, scale: float = 1.0
) -> tuple[np.ndarray, tuple[int, int]]:
    """The part of the title that falls on the frame, as a tight RGBA picture (h, w, 4) uint8, and its
    top-left corner on the frame. Text past the frame's edges is never drawn, so memory stays bounded
    by the frame size.

    ``scale`` maps the title's font size (in timeline pixels) to the frame being rendered.
    """
    text = title_text(title)
    if title.position not in POSITIONS:
        raise RenderError(f"title position {title.position!r} is unknown; choose one of: {', '.join(POSITIONS)}")
    size = min(max(6, round(title.font_size * scale)), 2 * frame_height)  # taller than the frame shows nothing more
    font, stroke, (left, top, right, bottom) = _measure(text, size)
    if right - left > 0.92 * frame_width:  # too wide for the frame: shrink to fit rather than cut it off
        size = max(6, int(size * 0.92 * frame_width / (right - left)))
        font, stroke, (left, top, right, bottom) = _measure(text, size)
    fill = parse_color(title.color, "colour")
    background = parse_color(title.background, "background") if title.background else None
    pad = size // 3 if title.background else stroke
    w, h = max(1, right - left + 2 * pad), max(1, bottom - top + 2 * pad)
    x = (frame_width - w) // 2
    margin = frame_height // 12
    y = {"top": margin, "bottom": frame_height - margin - h, "lower-third": frame_height * 2 // 3 - h // 2}.get(
        title.position, (frame_height - h) // 2
    )
    # 1. Only the part of the (w, h) title box that lies on the frame is drawn
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(frame_width, x + w), min(frame_height, y + h)
    if x1 <= x0 or y1 <= y0:
        return np.zeros((1, 1, 4), np.uint8), (0, 0)  # entirely off the frame: one transparent pixel
    picture = Image.new("RGBA", (x1 - x0, y1 - y0), (0, 0, 0, 0))
    draw = ImageDraw.Draw(picture)
    dx, dy = x - x0, y - y0  # where the title box's corner lands in the picture (<= 0)
    if background is not None:
        draw.rounded_rectangle((dx, dy, dx + w - 1, dy + h - 1), radius=pad // 2, fill=background)
    shadow = (0, 0, 0, min(255, fill[3]))
    draw.multiline_text(
        (dx + pad - left, dy + pad - top),
        text,
        font=font,
        fill=fill,
        align="center",
        stroke_width=stroke,
        stroke_fill=shadow,
    )
    return np.asarray(picture), (x0, y0)
