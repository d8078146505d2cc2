"""Clip speed and reverse: play a clip's source faster, slower or backwards; one undoable edit.

    stack.push(set_speed(project, clip_id, 2.0))                  # twice as fast: half as long, same start
    stack.push(set_speed(project, clip_id, 0.5, reverse=True))    # half speed, backwards
    stack.push(set_speed(project, clip_id, 0.5, ripple=True))     # later clips on its track move to make room

The clip keeps its start and its source range; its length becomes the source's length divided by the speed.
A clip that would grow over the next clip is refused unless ``ripple`` (as Kdenlive's speed dialog does), so no
clip is ever cut or moved without the creator asking. Fades (timeline frames) are shortened to fit; keyframes sit
on source frames, so they stay on the same picture.
"""

from __future__ import annotations

import copy

from studio.edit.changes import Change, Edit, EditError, SetField, ShiftClips
from studio.edit.operations import _clamp_fades, _find_clip, _label, _make, _reshape
from studio.model.checks import is_finite_number
from studio.model.entities import SPEED_RANGE, Project

SPEED_PRESETS = (0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0, 4.0)


def speed_text(speed: float, reverse: bool = False) -> str:
    """How a speed reads on a clip or in a menu: "2x", "0.5x", "-1x" (reversed)."""
    return f"{'-' if reverse else ''}{speed:g}x"


def check_speed(speed: object) -> float:
    """``speed`` as a float, or an EditError naming the allowed range."""
    lo, hi = SPEED_RANGE
    if not is_finite_number(speed):
        raise EditError(f"speed must be a number from {lo:g} to {hi:g}, got {speed!r}")
    if not lo <= speed <= hi:  # type: ignore[operator]
        raise EditError(f"speed must be between {lo:g}x and {hi:g}x, got {speed:g}x")
    return float(speed)  # type: ignore[arg-type]


def set_speed(
    project: Project, clip_id: str, speed: float, *, reverse: bool | None = None, ripple: bool = False
) -> Edit:
    """Play the clip at ``speed`` (0.25 to 4), backwards if ``reverse`` (None keeps its direction); its start
    stays, its length changes. Growing over the next clip is refused unless ``ripple`` moves later clips."""
    _, track, clip = _find_clip(project, clip_id)
    speed = check_speed(speed)
    if reverse is None:
        reverse = clip.reverse
    if not isinstance(reverse, bool):
        raise EditError(f"reverse must be true or false, got {reverse!r}")
    if speed == clip.speed and reverse == clip.reverse:
        raise EditError(f"{_label(clip)} already plays at {speed_text(speed, reverse)}")
    new = copy.deepcopy(clip)
    new.speed, new.reverse = speed, reverse
    if new.duration < 1:
        raise EditError(
            f"Speed of {_label(clip)}: at {speed:g}x its {clip.source_range.duration} source frame(s) last under "
            "one frame; use more of the source or a slower speed"
        )
    _clamp_fades(new, clip)
    changes: list[Change] = [
        SetField("clip", clip.id, name, getattr(clip, name), getattr(new, name))
        for name in ("speed", "reverse")
        if getattr(clip, name) != getattr(new, name)
    ]
    changes += _reshape(clip, new)
    grow = new.duration - clip.duration
    later = sorted((c for c in track.clips if c.id != clip.id and c.position >= clip.end), key=lambda c: c.position)
    if ripple and grow and later:
        changes.append(ShiftClips(track.id, tuple(c.id for c in later), grow))
    elif later and later[0].position < new.end:
        nxt = later[0]
        raise EditError(
            f"Speed of {_label(clip)}: at {speed:g}x it ends at frame {new.end}, over {_label(nxt)} "
            f"(starts at frame {nxt.position}); move that clip, or ripple to push later clips along"
        )
    if speed != clip.speed:
        text = f"Speed of {_label(clip)} to {speed_text(speed, reverse)}"
    else:
        text = f"Play {_label(clip)} {'backwards' if reverse else 'forwards'}"
    return _make(project, text, changes)
