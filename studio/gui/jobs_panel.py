"""The jobs panel: the scheduler's queue with state, progress, queue wait, load and run times and
throughput; cancel, retry and move up (to the interactive priority)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.gui.session import ProjectSession

COLUMNS = ("Job", "What", "State", "Progress", "Wait", "Load", "Run", "Throughput")
STATE_COLORS = {
    "queued": "#9aa0aa",
    "loading": "#e0a030",
    "running": "#4a90d9",
    "done": "#5cb85c",
    "failed": "#e05555",
    "cancelled": "#888888",
}


def _seconds(value: float | None) -> str:
    return "" if value is None else f"{value:.2f} s"


def short_id(job_id: str) -> str:
    """The part of a job id that differs between jobs: ids share a per-process prefix and end in a counter."""
    return "#" + job_id[-6:]


class _CompactTree(QTreeWidget):
    """A job list that never asks its dock for more room as rows arrive (its columns scroll instead)."""

    def sizeHint(self) -> QSize:
        return QSize(320, 200)

    def minimumSizeHint(self) -> QSize:
        return QSize(160, 80)


class JobsPanel(QWidget):
    """One row per job, updated from scheduler events (already on the GUI thread)."""

    def __init__(self, session: ProjectSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.tree = _CompactTree(self)
        self.tree.setHeaderLabels(COLUMNS)
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((70, 220, 190, 90, 60, 60, 60, 140)):
            self.tree.setColumnWidth(column, width)
        self.rows: dict[str, QTreeWidgetItem] = {}
        self.bars: dict[str, QProgressBar] = {}
        self.stats = QLabel("no jobs yet")
        self.stats.setObjectName("jobsStats")
        self.stats.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # long text never widens
        self.stats.setMinimumWidth(40)
        buttons = QHBoxLayout()
        for text, slot in (
            ("Cancel", self.cancel_selected),
            ("Retry", self.retry_selected),
            ("Move up", self.move_up_selected),
        ):
            b = QPushButton(text)
            b.setObjectName(f"jobs_{text.lower().replace(' ', '_')}")
            b.clicked.connect(slot)
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.stats)
        box = QVBoxLayout(self)
        box.setContentsMargins(2, 2, 2, 2)
        box.addWidget(self.tree, 1)
        box.addLayout(buttons)
        session.job_event.connect(self.on_event)
        self._latest: dict[str, Any] = {}
        self._flush = QTimer(self)
        self._flush.setSingleShot(True)
        self._flush.timeout.connect(self._show_latest)
        self._stats_timer = QTimer(self)
        self._stats_timer.timeout.connect(self._update_stats)
        self._stats_timer.start(1000)

    def on_event(self, event: Any) -> None:
        """State changes show at once; progress is coalesced and shown at most ten times a second."""
        if event.type == "progress" and event.job.id in self.rows:
            self._latest[event.job.id] = event
            if not self._flush.isActive():
                self._flush.start(100)
            return
        self._latest.pop(event.job.id, None)
        self._show(event)

    def _show_latest(self) -> None:
        latest, self._latest = self._latest, {}
        for event in latest.values():
            self._show(event)

    def _show(self, event: Any) -> None:
        job = event.job
        item = self.rows.get(job.id)
        if item is None:
            item = QTreeWidgetItem([short_id(job.id), "", "", "", "", "", "", ""])
            item.setData(0, Qt.ItemDataRole.UserRole, job.id)
            item.setToolTip(0, job.id)
            self.tree.addTopLevelItem(item)
            bar = QProgressBar()
            bar.setRange(0, 1000)
            bar.setTextVisible(True)
            bar.setMaximumHeight(16)
            self.tree.setItemWidget(item, 3, bar)
            self.rows[job.id], self.bars[job.id] = item, bar
        prompt = str(job.request.get("prompt") or job.request.get("image") or "")[:40]
        item.setText(1, f"{job.kind}/{job.engine}  {prompt}")
        state = job.state + (f" ({job.priority})" if job.state == "queued" else "")
        if event.type == "progress" and event.message and not job.finished:
            state = f"{job.state}: {event.message}"
        elif job.state == "failed" and job.error:
            state = f"failed: {job.error}"
        item.setText(2, state)
        item.setToolTip(2, state)
        item.setForeground(2, QColor(STATE_COLORS.get(job.state, "#cccccc")))
        bar = self.bars[job.id]
        if event.type == "progress" and event.fraction is not None:
            bar.setValue(round(1000 * event.fraction))
            bar.setFormat(f"{event.fraction:.0%}")
        elif job.state == "done":
            bar.setValue(1000)
            bar.setFormat("cache hit" if job.metrics.cache_hit else "done")
        elif job.finished:
            bar.setFormat(job.state)
        m = job.metrics
        item.setText(4, _seconds(m.queue_wait_s))
        item.setText(5, _seconds(m.load_s) if m.load_s else "")
        item.setText(6, _seconds(m.run_s))
        item.setText(
            7, ", ".join(f"{v:g} {k.replace('_per_s', '/s').replace('_', ' ')}" for k, v in m.output_per_s.items())
        )
        item.setToolTip(1, job.error or job.summary())

    def _selected(self) -> str | None:
        items = self.tree.selectedItems()
        return items[0].data(0, Qt.ItemDataRole.UserRole) if items else None

    def _act(self, what: str) -> None:
        job_id = self._selected()
        if job_id is None or not self.session.has_scheduler:
            return
        scheduler = self.session.scheduler
        try:
            if what == "cancel":
                scheduler.cancel(job_id)
            elif what == "retry":
                scheduler.retry(job_id)
                self.session.pending.setdefault(job_id, {"clip": None, "kind": scheduler.job(job_id).kind})
            else:
                scheduler.reprioritize(job_id, "interactive")
        except (ValueError, KeyError) as exc:
            self.session.error.emit(str(exc))

    def cancel_selected(self) -> None:
        self._act("cancel")

    def retry_selected(self) -> None:
        self._act("retry")

    def move_up_selected(self) -> None:
        self._act("move_up")

    def _update_stats(self) -> None:
        if not self.session.has_scheduler or not self.isVisible():
            return
        self.session.tasks.run(self.session.scheduler.stats, self._show_stats, lambda exc: None)

    def _show_stats(self, stats: dict[str, Any]) -> None:
        states = ", ".join(f"{n} {s}" for s, n in sorted(stats["jobs"].items()))
        text = (
            f"{states}  ·  {stats['jobs_per_min']:g} jobs/min  ·  "
            f"{stats['model_loads']} loads, {stats['cache_hits']} cache hits"
        )
        self.stats.setText(text)
        self.stats.setToolTip(text)
