"""Keyframes: a clip's opacity, gain, pan, position (x, y) or scale changing over time. Setting, moving or removing
one is one undoable edit.

    stack.push(set_keyframe(project, clip_id, "opacity", 0, 0.0, "ease"))   # frame: clip-local (0 = its first frame)
    stack.push(set_keyframe(project, clip_id, "scale", 24, 1.5))            # x, y, scale: the clip's transform
    stack.push(move_keyframe(project, clip_id, "opacity", 0, 6))            # dragged along the clip
    stack.push(remove_keyframe(project, clip_id, "opacity", 0))
Keyframes are stored at source frames, so trimming or splitting the clip never moves them against the picture.
"""

from __future__ import annotations

import copy

from studio.edit.changes import Edit, EditError, SetField
from studio.edit.operations import _find_clip, _label, _make
from studio.model.entities import KEYFRAMED, Keyframe


def set_keyframe(project, clip_id: str, name: str, frame: int, value: float, curve: str = "linear") -> Edit:
    """Add (or replace) the keyframe of ``name`` at clip-local ``frame``."""
    _, _, clip = _find_clip(project, clip_id)
    if name not in KEYFRAMED:
        raise EditError(f"{name!r} cannot change over time; keyframes work on {', '.join(KEYFRAMED)}")
    if isinstance(frame, bool) or not isinstance(frame, int) or not 0 <= frame < clip.duration:
        raise EditError(
            f"keyframe frame must be a whole frame inside the clip (0 to {clip.duration - 1}), got {frame!r}"
        )
    source = clip.source_frame_at(frame)  # the source frame shown there, whatever the clip's speed
    keys = [k for k in clip.keyframes.get(name, []) if k.frame != source]
    keys = sorted(keys + [Keyframe(source, float(value), curve)], key=lambda k: k.frame)  # type: ignore[arg-type]
    new = {**copy.deepcopy(clip.keyframes), name: keys}
    return _make(
        project,
        f"Keyframe {name} of {_label(clip)} at frame {frame}",
        [SetField("clip", clip.id, "keyframes", copy.deepcopy(clip.keyframes), new)],
    )


def remove_keyframe(project, clip_id: str, name: str, frame: int) -> Edit:
    """Remove the keyframe of ``name`` at clip-local ``frame``."""
    _, _, clip = _find_clip(project, clip_id)
    source = clip.source_frame_at(frame)  # the source frame shown there, whatever the clip's speed
    keys = clip.keyframes.get(name, [])
    if not any(k.frame == source for k in keys):
        raise EditError(f"{_label(clip)} has no {name} keyframe at frame {frame}")
    new = copy.deepcopy(clip.keyframes)
    new[name] = [k for k in keys if k.frame != source]
    if not new[name]:
        del new[name]
    return _make(
        project,
        f"Remove {name} keyframe of {_label(clip)} at frame {frame}",
        [SetField("clip", clip.id, "keyframes", copy.deepcopy(clip.keyframes), new)],
    )


def move_keyframe(project, clip_id: str, name: str, frame: int, to: int) -> Edit:
    """Move the keyframe of ``name`` at clip-local ``frame`` to clip-local ``to``, keeping its value and curve
    (dragging a keyframe along the clip); a keyframe already at ``to`` is replaced."""
    _, _, clip = _find_clip(project, clip_id)
    keys = clip.keyframes.get(name, [])
    moving = next((k for k in keys if round(clip.local_at_source(k.frame)) == frame), None)  # through its speed
    if moving is None:
        raise EditError(f"{_label(clip)} has no {name} keyframe at frame {frame}")
    if isinstance(to, bool) or not isinstance(to, int) or not 0 <= to < clip.duration:
        raise EditError(f"a keyframe can move to a whole frame inside the clip (0 to {clip.duration - 1}), got {to!r}")
    if to == frame:
        raise EditError(f"the {name} keyframe of {_label(clip)} is already at frame {frame}")
    source, target = moving.frame, clip.source_frame_at(to)
    rest = [k for k in keys if k.frame not in (source, target)]
    new = {
        **copy.deepcopy(clip.keyframes),
        name: sorted(rest + [Keyframe(target, moving.value, moving.curve)], key=lambda k: k.frame),
    }
    return _make(
        project,
        f"Move {name} keyframe of {_label(clip)} from frame {frame} to {to}",
        [SetField("clip", clip.id, "keyframes", copy.deepcopy(clip.keyframes), new)],
    )
