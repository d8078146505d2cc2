"""Qt's QUndoStack as a thin view over the project's ``studio.edit.UndoStack``.

Every edit is applied by the project's stack; the Qt stack only mirrors its steps so menus, shortcuts
and an undo view work. Undo and redo always go through the project's stack.
"""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand, QUndoStack

from studio.edit import Edit, UndoStack


class _Step(QUndoCommand):
    """One project undo step; its first redo() is the push itself (already applied)."""

    def __init__(self, bridge: UndoBridge, text: str):
        super().__init__(text)
        self.bridge = bridge
        self._pushed = False

    def redo(self) -> None:
        if not self._pushed:
            self._pushed = True
            return
        self.bridge.stack.redo()

    def undo(self) -> None:
        self.bridge.stack.undo()


class UndoBridge:
    """Pushes edits to the project's stack and mirrors them on ``qt_stack`` (a QUndoStack)."""

    def __init__(self, stack: UndoStack):
        self.stack = stack
        self.qt_stack = QUndoStack()
        for text in stack.history:
            self.qt_stack.push(_Step(self, text))
        self.qt_stack.setClean() if stack.is_clean else None

    def push(self, edit: Edit) -> Edit:
        """Apply ``edit`` (raises EditError before anything changes) and record one Qt step."""
        self.stack.push(edit)
        if not self.stack._open:  # inside a transaction the step is recorded when it closes
            self.qt_stack.push(_Step(self, edit.text))
        return edit

    def transaction(self, name: str):
        """Group edits into one step: ``with bridge.transaction("Move 3 clips"): bridge.push(...)``."""
        return _Transaction(self, name)

    def undo(self) -> None:
        if self.stack.can_undo:
            self.qt_stack.undo()

    def redo(self) -> None:
        if self.stack.can_redo:
            self.qt_stack.redo()

    def mark_clean(self) -> None:
        self.stack.mark_clean()
        self.qt_stack.setClean()


class _Transaction:
    def __init__(self, bridge: UndoBridge, name: str):
        self.bridge, self.name = bridge, name
        self._inner = bridge.stack.transaction(name)

    def __enter__(self) -> _Transaction:
        self._before = len(self.bridge.stack.history)
        self._inner.__enter__()
        return self

    def __exit__(self, *exc) -> bool:
        result = self._inner.__exit__(*exc)
        stack = self.bridge.stack
        if exc[0] is None and not stack._open and len(stack.history) > self._before:
            self.bridge.qt_stack.push(_Step(self.bridge, stack.undo_text))
        return bool(result)
