"""The undo stack: applies edits to one project and undoes/redoes them exactly.

Edits pushed inside ``with stack.transaction("name"):`` become one undo step; if the block raises,
everything it applied is reverted and the error goes on. Observers are called after every change
so views can refresh (Qt's QUndoStack, if used, only wraps this stack).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from studio.edit.changes import Edit
from studio.model.entities import Project

Observer = Callable[["UndoStack", str], None]  # (stack, event): "push", "undo", "redo", "clear"


class UndoStack:
    """Undo/redo over one project. ``limit`` caps the number of steps kept (oldest dropped)."""

    def __init__(self, project: Project, limit: int = 1000):
        self.project = project
        self.limit = limit
        self.observers: list[Observer] = []
        self._done: list[Edit] = []
        self._undone: list[Edit] = []
        self._open: list[list[Edit]] = []  # nested transactions; edits join the outermost
        self._names: list[str] = []
        self._clean_at: int | None = 0

    # -- pushing ------------------------------------------------------------------------------
    def push(self, edit: Edit) -> Edit:
        """Apply ``edit`` and record it (inside a transaction it joins the open group)."""
        edit.apply(self.project)
        if self._open:
            self._open[-1].append(edit)
            return edit
        self._record(edit)
        return edit

    def _record(self, edit: Edit) -> None:
        self._done.append(edit)
        if self._clean_at is not None and self._clean_at >= len(self._done):
            self._clean_at = None  # the clean state was in the redo history that is now gone
        self._undone.clear()
        if len(self._done) > self.limit:
            del self._done[0]
            self._clean_at = None if not self._clean_at else self._clean_at - 1
        self._notify("push")

    @contextmanager
    def transaction(self, name: str) -> Iterator[None]:
        """Group every edit pushed in the block into one undo step called ``name``."""
        self._open.append([])
        self._names.append(name)
        try:
            yield
        except BaseException:
            group = self._open.pop()
            self._names.pop()
            for edit in reversed(group):
                edit.revert(self.project)
            raise
        group = self._open.pop()
        self._names.pop()
        if not group:
            return
        merged = Edit(name, tuple(ch for e in group for ch in e.changes))
        if self._open:
            self._open[-1].append(merged)
        else:
            self._record(merged)

    # -- undo / redo ---------------------------------------------------------------------------
    @property
    def can_undo(self) -> bool:
        return bool(self._done) and not self._open

    @property
    def can_redo(self) -> bool:
        return bool(self._undone) and not self._open

    @property
    def undo_text(self) -> str:
        return self._done[-1].text if self._done else ""

    @property
    def redo_text(self) -> str:
        return self._undone[-1].text if self._undone else ""

    def undo(self) -> Edit:
        if self._open:
            raise RuntimeError("cannot undo inside an open transaction")
        if not self._done:
            raise IndexError("nothing to undo")
        edit = self._done.pop()
        edit.revert(self.project)
        self._undone.append(edit)
        self._notify("undo")
        return edit

    def redo(self) -> Edit:
        if self._open:
            raise RuntimeError("cannot redo inside an open transaction")
        if not self._undone:
            raise IndexError("nothing to redo")
        edit = self._undone.pop()
        edit.apply(self.project)
        self._done.append(edit)
        self._notify("redo")
        return edit

    def clear(self) -> None:
        self._done.clear()
        self._undone.clear()
        self._clean_at = 0
        self._notify("clear")

    # -- saved state ---------------------------------------------------------------------------
    def mark_clean(self) -> None:
        """Remember this point as saved (call after saving the project)."""
        self._clean_at = len(self._done)
        self._notify("clean")

    @property
    def is_clean(self) -> bool:
        """True when the project equals what was last marked clean (saved)."""
        return self._clean_at == len(self._done)

    @property
    def history(self) -> list[str]:
        """Names of the undoable steps, oldest first."""
        return [e.text for e in self._done]

    def _notify(self, event: str) -> None:
        for observer in list(self.observers):
            observer(self, event)
