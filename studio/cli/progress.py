"""A text progress bar on stderr for long commands (render, generate)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    """Call it with (fraction, message); it redraws at most ``per_second`` times a second on a
    terminal, and prints a plain line every 10% elsewhere (logs, CI). ``close()`` ends the line."""

    def __init__(self, label: str, stream: TextIO | None = None, width: int = 30, per_second: float = 10.0):
        self.label, self.stream, self.width = label, stream or sys.stderr, width
        self.interval = 1.0 / per_second
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.last_draw = 0.0
        self.last_decile = -1
        self.started = time.perf_counter()
        self.drawn = False

    def __call__(self, fraction: float, message: str = "", preview: object = None) -> None:
        fraction = min(1.0, max(0.0, float(fraction)))
        now = time.perf_counter()
        if self.tty:
            if now - self.last_draw < self.interval and fraction < 1.0:
                return
            filled = round(fraction * self.width)
            bar = "#" * filled + "-" * (self.width - filled)
            text = f"\r{self.label} [{bar}] {fraction * 100:5.1f}% {now - self.started:6.1f}s {message}"[:160]
            self.stream.write(text.ljust(100))
            self.stream.flush()
            self.drawn = True
        else:
            decile = int(fraction * 10)
            if decile == self.last_decile:
                return
            self.last_decile = decile
            self.stream.write(f"{self.label}: {decile * 10:3d}% {message}\n")
            self.stream.flush()
        self.last_draw = now

    def close(self) -> None:
        if self.tty and self.drawn:
            self.stream.write("\n")
            self.stream.flush()
            self.drawn = False
