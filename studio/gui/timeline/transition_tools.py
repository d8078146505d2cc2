"""Adding and changing transitions from the timeline: at a clip's cut (clip menu), at the cut nearest the playhead
(Ctrl+T), and the right-click menu on a transition (kind, duration, delete). Every change is one undo step."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QMenu, QWidget

from studio import edit
from studio.edit.transitions import find_transition
from studio.model import Clip, Track
from studio.model.checks import KIND_WORDS, handle_notes

ADD_SHORTCUT = "Ctrl+T"


def kinds_for(track: Track) -> list[tuple[str, str]]:
    """(kind, words) a track offers: a picture track all three, a sound track a crossfade."""
    return (
        [("dissolve", "Crossfade")] if track.kind == "audio" else [(k, w.capitalize()) for k, w in KIND_WORDS.items()]
    )


def neighbours(track: Track, clip: Clip) -> tuple[Clip | None, Clip | None]:
    """The clips that end where ``clip`` starts and start where it ends (None where there is a gap)."""
    before = next((c for c in track.clips if c.end == clip.position and c.id != clip.id), None)
    after = next((c for c in track.clips if c.position == clip.end and c.id != clip.id), None)
    return before, after


def add_at(session: Any, outgoing_id: str, kind: str = "dissolve") -> bool:
    """Add a transition at the end of clip ``outgoing_id``; the status bar says what was made and any frames it
    holds for want of media."""
    if not session.push(lambda: edit.add_transition(session.project, outgoing_id, kind)):
        return False
    _, track, clip = session.project.find_clip(outgoing_id)
    transition = track.transitions_of(clip.id)[1]
    notes = handle_notes(session.project, track, transition) if transition is not None else []
    session.message.emit("; ".join([session.stack.undo_text, *notes]))
    return True


def cut_near_playhead(session: Any) -> str | None:
    """The outgoing clip of the cut to add a transition at: the selected clip's cut nearer the playhead, else the
    cut nearest the playhead on any unlocked track (picture tracks first)."""
    playhead = session.playhead
    for clip in session.selected_clips():
        track = session.timeline.find_clip(clip.id)[0]
        before, after = neighbours(track, clip)
        ends = [(abs(clip.end - playhead), clip.id)] if after is not None else []
        ends += [(abs(clip.position - playhead), before.id)] if before is not None else []
        ends = [(d, cid) for d, cid in ends if track.transitions_of(cid)[1] is None]  # cuts still free
        if ends:
            return min(ends)[1]
    cuts = [
        (abs(c.end - playhead), track.kind != "video", c.id)
        for track in session.timeline.tracks
        if not track.locked
        for c in track.clips
        if neighbours(track, c)[1] is not None and track.transitions_of(c.id)[1] is None
    ]
    return min(cuts)[2] if cuts else None


def add_near_playhead(session: Any) -> None:
    clip_id = cut_near_playhead(session)
    if clip_id is None:
        session.error.emit("Add transition: no cut between two clips near the playhead (select a clip at a cut)")
        return
    add_at(session, clip_id)


def add_menu(menu: QMenu, session: Any, track: Track, clip: Clip) -> None:
    """The clip menu's "Add Transition at End/Start" entries (only where the clip meets another)."""
    before, after = neighbours(track, clip)
    for label, outgoing in (("Add Transition at End", clip if after else None), ("Add Transition at Start", before)):
        if outgoing is None or track.transitions_of(outgoing.id)[1] is not None:
            continue
        sub = menu.addMenu(label)
        sub.setObjectName(label)
        for kind, words in kinds_for(track):
            sub.addAction(words, lambda k=kind, o=outgoing.id: add_at(session, o, k)).setObjectName(words)


def transition_menu(session: Any, transition_id: str, parent: QWidget, open_editor: Any) -> QMenu:
    """Right-click on a transition: its kind, Duration… (the editor dialog), Delete."""
    _, track, t = find_transition(session.project, transition_id)
    menu = QMenu(parent)
    menu.setObjectName("transitionMenu")
    for kind, words in kinds_for(track):
        action = menu.addAction(
            words, lambda k=kind: session.push(lambda: edit.set_transition(session.project, transition_id, kind=k))
        )
        action.setCheckable(True)
        action.setChecked(kind == t.kind)
        action.setEnabled(kind != t.kind)
    menu.addSeparator()
    menu.addAction("Duration…", lambda: open_editor(transition_id))
    menu.addAction(
        "Delete Transition", lambda: session.push(lambda: edit.remove_transition(session.project, transition_id))
    )
    for action in menu.actions():
        action.setObjectName(action.text())
    return menu


class TransitionGestures:
    """The timeline view's mouse and keys on transitions: click selects, a handle drags the duration (released:
    one edit), double-click opens the editor, right-click its menu, Delete removes the selected one, Ctrl+T adds
    one near the playhead. Each handler returns True when it took the event."""

    def __init__(self, view: Any):
        from PySide6.QtGui import QAction, QKeySequence

        self.view, self.session, self.scene = view, view.session, view.tscene
        self.dragging: tuple[Any, str, float] | None = None  # (item, "in"|"out", press x)
        self.editor: Any = None
        self.add_action = QAction("Add Transition", view)
        self.add_action.setObjectName("addTransition")
        self.add_action.setShortcut(QKeySequence(ADD_SHORTCUT))
        self.add_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.add_action.triggered.connect(lambda: add_near_playhead(self.session))
        view.addAction(self.add_action)

    def item_at(self, pos: Any) -> Any:
        from studio.gui.timeline.transition_item import TransitionItem

        for item in self.view.items(pos.toPoint()):
            if isinstance(item, TransitionItem):
                return item
        return None

    def press(self, pos: Any) -> bool:
        item = self.item_at(pos)
        self.scene.select_transition(item.transition.id if item is not None else None)
        if item is None:
            return False
        self.session.select([])
        zone = item.zone(item.mapFromScene(self.view.mapToScene(pos.toPoint())))
        if zone != "body" and not item.track.locked:
            self.dragging = (item, zone, pos.x())
        return True

    def move(self, pos: Any) -> bool:
        if self.dragging is None:  # hovering: a resize cursor over a duration handle
            item = self.item_at(pos)
            if item is None or item.zone(item.mapFromScene(self.view.mapToScene(pos.toPoint()))) == "body":
                return False
            self.view.viewport().setCursor(Qt.CursorShape.SizeHorCursor)
            return True
        item, side, x = self.dragging
        frames = round((pos.x() - x) / self.scene.layout.px_per_frame)
        grow = 2 * frames if side == "out" else -2 * frames  # both ends move: it stays centred on the cut
        item.duration_preview = max(1, item.transition.duration + grow)
        item.place()
        return True

    def release(self) -> bool:
        if self.dragging is None:
            return False
        item, _, _ = self.dragging
        self.dragging = None
        duration, item.duration_preview = item.duration_preview, None
        if duration is not None and duration != item.transition.duration:
            tid = item.transition.id
            if self.session.push(lambda: edit.set_transition(self.session.project, tid, duration=duration)):
                self.session.message.emit(self.session.stack.undo_text)
        self.scene.sync()
        return True

    def double_click(self, pos: Any) -> bool:
        item = self.item_at(pos)
        if item is None:
            return False
        self.open_editor(item.transition.id)
        return True

    def open_editor(self, transition_id: str) -> None:
        from studio.gui.transition_editor import TransitionEditor

        self.editor = TransitionEditor(self.session, transition_id, self.view)
        self.editor.open()

    def context_menu(self, event: Any) -> bool:
        item = self.item_at(QPointF(event.pos()))
        if item is None:
            return False
        self.scene.select_transition(item.transition.id)
        self.menu = transition_menu(self.session, item.transition.id, self.view, self.open_editor)
        self.menu.popup(event.globalPos())
        event.accept()
        return True

    def takes_key(self, event: Any) -> bool:
        """Delete (or Backspace) removes the selected transition (before the window's Delete takes clips)."""
        if self.scene.selected_transition is None or event.key() not in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            return False
        event.accept()
        return True

    def delete_selected(self) -> None:
        tid = self.scene.selected_transition
        if tid is not None:
            self.scene.select_transition(None)
            self.session.push(lambda: edit.remove_transition(self.session.project, tid))
