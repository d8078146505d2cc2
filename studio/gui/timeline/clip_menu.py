"""The clip context menu (right-click on a clip): split, delete, ripple delete, add a transition at either cut,
speed, properties, reveal in the bin, new take, switch take, add sound for this shot (a draft video shot), and retry
or remove for a placeholder whose generation failed."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QMenu, QWidget

from studio import edit
from studio.gui.timeline.transition_tools import add_menu


def build_clip_menu(session: Any, clip_id: str, parent: QWidget, actions: dict[str, Any]) -> QMenu:
    """The menu for ``clip_id``; ``actions`` are the window's hooks: "properties", "reveal", "new_take" (each
    called with the clip id) when the window offers them."""
    from studio.edit.takes import version_name
    from studio.gui.speed_dialog import ask_speed

    _, track, clip = session.project.find_clip(clip_id)
    menu = QMenu(parent)
    menu.setObjectName("clipMenu")
    if clip_id not in session.selection:
        session.select([clip_id])
    menu.addAction("Split at Playhead", session.split_at_playhead).setEnabled(
        clip.position < session.playhead < clip.end
    )
    menu.addAction("Delete", lambda: session.delete_selection(False))
    across = " (All Tracks)" if getattr(session, "ripple_all_tracks", False) else ""
    menu.addAction(f"Ripple Delete{across}", lambda: session.delete_selection(True))
    add_menu(menu, session, track, clip)  # "Add Transition at End/Start" where the clip meets another
    menu.addSeparator()
    if clip_id in session.failed:
        menu.addAction("Retry Generation", lambda: session.retry_placeholder(clip_id))
        menu.addAction("Remove Placeholder", lambda: session.remove_placeholder(clip_id))
        menu.addSeparator()
    if "new_take" in actions and (clip.recipe is not None or _made_by_engine(session, clip)):
        menu.addAction("New Take (next seed)", lambda: actions["new_take"](clip_id))
    from studio.gui.shot_sound import can_add_sound

    if can_add_sound(session.project, clip):
        menu.addAction("Add Sound for This Shot", lambda: session.shot_sounds.add(clip_id))
    if clip.takes:
        takes = menu.addMenu(f"Takes ({len(clip.takes) + 1})")
        shown = takes.addAction(f"shown: {version_name(session.project, clip.asset_id, clip.recipe)}")
        shown.setEnabled(False)
        for i, take in enumerate(clip.takes):
            takes.addAction(
                f"take {i + 1}: {take.name}",
                lambda i=i: session.push(lambda: edit.switch_take(session.project, clip_id, i)),
            )
    menu.addAction("Speed…", lambda: ask_speed(session, clip_id, parent))
    if "reveal" in actions and clip.asset_id:
        menu.addAction("Reveal in Bin", lambda: actions["reveal"](clip.asset_id))
    if "properties" in actions:
        menu.addAction("Properties…", lambda: actions["properties"](clip_id))
    for action in menu.actions():
        action.setObjectName(action.text())
    return menu


def _made_by_engine(session: Any, clip: Any) -> bool:
    asset = session.project.assets.get(clip.asset_id or "")
    made = (asset.provenance if asset is not None else None) or {}
    return bool(made.get("kind") and isinstance(made.get("params"), dict))
