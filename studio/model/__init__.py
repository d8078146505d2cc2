"""Pure-Python project model (no Qt, no torch, no I/O)."""

from studio.model.entities import (
    KEYFRAMED,
    Asset,
    Clip,
    Gap,
    Keyframe,
    Marker,
    Project,
    Recipe,
    Take,
    Timeline,
    Title,
    Track,
    Transform,
    Transition,
    new_id,
)
from studio.model.time import SAMPLE_RATE, TimeRange, frames_to_samples, frames_to_seconds, seconds_to_frames, timecode

__all__ = [
    "SAMPLE_RATE",
    "Asset",
    "Clip",
    "KEYFRAMED",
    "Gap",
    "Keyframe",
    "Marker",
    "Project",
    "Recipe",
    "Take",
    "TimeRange",
    "Timeline",
    "Title",
    "Track",
    "Transform",
    "Transition",
    "frames_to_samples",
    "frames_to_seconds",
    "new_id",
    "seconds_to_frames",
    "timecode",
]
