"""Undoable timeline edits: pure operation functions and the undo stack.

Every operation reads the project, validates, and returns an ``Edit`` (old and new values of
every change) without touching the project; the stack applies it::

    from studio import edit
    stack = edit.UndoStack(project)
    stack.push(edit.add_track(project, "video"))                      # kind: "video" | "audio"
    stack.push(edit.add_clip(project, track_id, clip))                # place at clip.position, no overlap
    stack.push(edit.insert(project, track_id, clip, at=48))           # later clips move right
    stack.push(edit.overwrite(project, track_id, clip, at=48))        # replaces what is under it
    stack.push(edit.move(project, clip_id, 96, track_id=other_id))    # track_id optional (same kind)
    stack.push(edit.move_clips(project, {clip_a: 10, clip_b: 40}))    # a group, checked where it lands
    stack.push(edit.trim_head(project, clip_id, to=10))               # new start frame on the timeline
    stack.push(edit.trim_tail(project, clip_id, to=70))               # new end frame (exclusive)
    stack.push(edit.split(project, clip_id, at=30))                   # or split_at_playhead(project, frame)
    stack.push(edit.ripple_delete(project, clip_id))                  # or remove_clip (leaves a gap)
    stack.push(edit.slip(project, clip_id, delta=12))                 # source moves, clip stays
    stack.push(edit.set_property(project, clip_id, "gain_db", -6.0))  # clips, tracks, markers, timelines
    stack.push(edit.add_marker(project, 120, "drop"))                 # remove_marker(project, marker_id)
    stack.push(edit.remove_track(project, track_id))
    stack.push(edit.add_take(project, clip_id, asset_id, recipe))     # upgrade in place: the old media is a take
    stack.push(edit.switch_take(project, clip_id, 0))                 # or remove_take(project, clip_id, 0)
    stack.push(edit.set_keyframe(project, clip_id, "opacity", 12, 0.5, "ease"))  # or remove_keyframe
    stack.push(edit.set_speed(project, clip_id, 2.0, reverse=False))  # 0.25-4x, same start; ripple=True to push
    stack.push(edit.add_transition(project, clip_id, "dissolve", 24))  # at the clip's end cut; dip_to_black, wipe
    stack.push(edit.set_transition(project, transition_id, duration=12))  # or kind=...; remove_transition(...)
    with stack.transaction("Assemble scene"):                         # one undo step for the block
        ...
    stack.undo(); stack.redo(); stack.can_undo; stack.undo_text; stack.mark_clean(); stack.is_clean
    stack.observers.append(lambda stack, event: view.refresh())       # event: push/undo/redo/clear/clean

Bad edits raise ``EditError`` (a ValueError) with one line: overlaps, locked tracks, trims past the source.
"""

from studio.edit.changes import Edit, EditError
from studio.edit.keyframes import remove_keyframe, set_keyframe
from studio.edit.operations import (
    add_clip,
    add_marker,
    add_track,
    insert,
    move,
    move_clips,
    overwrite,
    remove_clip,
    remove_marker,
    remove_track,
    ripple_delete,
    set_property,
    slip,
    split,
    split_at_playhead,
    trim_head,
    trim_tail,
)
from studio.edit.speed import set_speed
from studio.edit.takes import add_take, remove_take, switch_take
from studio.edit.transitions import add_transition, remove_transition, set_transition
from studio.edit.undo import UndoStack

__all__ = [
    "Edit",
    "EditError",
    "UndoStack",
    "add_clip",
    "add_marker",
    "add_take",
    "add_track",
    "add_transition",
    "insert",
    "move",
    "move_clips",
    "overwrite",
    "remove_clip",
    "remove_marker",
    "remove_keyframe",
    "remove_take",
    "remove_track",
    "remove_transition",
    "ripple_delete",
    "set_keyframe",
    "set_property",
    "set_speed",
    "set_transition",
    "slip",
    "split",
    "split_at_playhead",
    "switch_take",
    "trim_head",
    "trim_tail",
]
