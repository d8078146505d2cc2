"""Small pieces shared by the OTIO writer and reader: generator kinds, marker colours, text that survives OTIO.

OpenTimelineIO stores strings as C strings, so a NUL character cuts a title (or any name) short. Studio's own
metadata therefore carries such a string split at its NULs (``{"studio_nul_split": [...]}``), which reads
back exactly; the field other tools read gets the text with the NULs left out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

TITLE_KIND = "StudioTitle"
RECIPE_KIND = "StudioRecipe"
NUL_KEY = "studio_nul_split"
OTIO_COLORS = {
    "RED": "#ff0000",
    "PINK": "#ff80c0",
    "ORANGE": "#ff8000",
    "YELLOW": "#ffcc00",
    "GREEN": "#00c000",
    "CYAN": "#00ffff",
    "BLUE": "#0060ff",
    "PURPLE": "#8000ff",
    "MAGENTA": "#ff00ff",
    "BLACK": "#000000",
    "WHITE": "#ffffff",
}


def nearest_otio_color(hex_color: str) -> str:
    """The OTIO marker colour name nearest to ``#rrggbb``."""
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))

    def dist(name: str) -> int:
        h = OTIO_COLORS[name]
        return sum((a - int(h[i : i + 2], 16)) ** 2 for a, i in zip((r, g, b), (1, 3, 5), strict=True))

    return min(OTIO_COLORS, key=dist)


def plain_text(text: str) -> str:
    """``text`` as other tools will see it (OTIO cannot hold NUL characters)."""
    return text.replace("\x00", "")


def nul_safe(value: Any) -> Any:
    """``value`` (nested dicts and lists) with every string that holds a NUL split into a marked list."""
    if isinstance(value, str):
        return {NUL_KEY: value.split("\x00")} if "\x00" in value else value
    if isinstance(value, Mapping):
        return {str(k): nul_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [nul_safe(v) for v in value]
    return value


def plain(value: Any) -> Any:
    """OTIO's AnyDictionary/AnyVector (nested) as plain dicts, lists and strings, undoing ``nul_safe``."""
    if isinstance(value, Mapping):
        if set(value.keys()) == {NUL_KEY}:
            parts = value[NUL_KEY]
            if isinstance(parts, Sequence) and not isinstance(parts, str) and all(isinstance(p, str) for p in parts):
                return "\x00".join(parts)
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [plain(v) for v in value]
    return value


def studio_meta(obj: Any) -> dict[str, Any]:
    """The ``metadata["studio"]`` of an OTIO object as a plain dict ({} when absent or malformed)."""
    meta = plain(obj.metadata.get("studio", {}) or {})
    return meta if isinstance(meta, dict) else {}
