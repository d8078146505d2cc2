"""Rational time: integer frames at a Fraction frame rate, integer samples at 48 kHz.

No float seconds in the model; conversions to seconds return Fractions.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

SAMPLE_RATE = 48_000
COMMON_RATES = {
    "23.976": Fraction(24000, 1001),
    "24": Fraction(24),
    "25": Fraction(25),
    "29.97": Fraction(30000, 1001),
    "30": Fraction(30),
    "50": Fraction(50),
    "60": Fraction(60),
}


def parse_rate(value: str | float | Fraction) -> Fraction:
    """'24', '30000/1001', '29.97', 25 -> Fraction. Raises ValueError for non-positive rates."""
    if isinstance(value, Fraction):
        rate = value
    elif isinstance(value, str) and value in COMMON_RATES:
        rate = COMMON_RATES[value]
    else:
        rate = Fraction(str(value)).limit_denominator(1001)
    if rate <= 0:
        raise ValueError(f"frame rate must be > 0, got {value}")
    return rate


def frames_to_seconds(frames: int, rate: Fraction) -> Fraction:
    return Fraction(frames) / rate


def seconds_to_frames(seconds: Fraction | float, rate: Fraction) -> int:
    """Nearest whole frame to a time in seconds."""
    return round(Fraction(seconds) * rate)


def frames_to_samples(frames: int, rate: Fraction, sample_rate: int = SAMPLE_RATE) -> int:
    """The first audio sample of frame ``frames`` (exact for any rate)."""
    return (Fraction(frames) * sample_rate / rate).__floor__()


def timecode(frames: int, rate: Fraction) -> str:
    """HH:MM:SS:FF using the rounded nominal rate (non-drop-frame)."""
    nominal = round(rate)
    sign = "-" if frames < 0 else ""
    frames = abs(frames)
    ff = frames % nominal
    total_s = frames // nominal
    return f"{sign}{total_s // 3600:02d}:{total_s // 60 % 60:02d}:{total_s % 60:02d}:{ff:02d}"


@dataclass(frozen=True)
class TimeRange:
    """A span of whole frames: [start, start + duration)."""

    start: int
    duration: int

    @property
    def end(self) -> int:
        return self.start + self.duration

    def contains(self, frame: int) -> bool:
        return self.start <= frame < self.end

    def overlaps(self, other: TimeRange) -> bool:
        return self.start < other.end and other.start < self.end
