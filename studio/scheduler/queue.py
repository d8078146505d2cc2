"""The queue: waiting jobs by priority, oldest first, and how often each was passed over.

Interactive jobs go before batch ones; within a priority, jobs keep the order of their sequence
numbers (submission order, continued across sessions from the journal). ``skips`` counts how often
placement ran a later job first, so that nothing starves (see ``placement``).
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterator

from studio.scheduler.jobs import PRIORITIES, Job


class JobQueue:
    """Queued job ids per priority, sorted by sequence number. Not thread-safe: the scheduler's lock guards it."""

    def __init__(self) -> None:
        self._lanes: dict[str, list[tuple[int, str]]] = {p: [] for p in PRIORITIES}
        self._seq = itertools.count(1)
        self.skips: dict[str, int] = {}  # job id -> times a later job ran first

    def stamp(self, job: Job) -> None:
        """Give ``job`` the next sequence number (it queues after everything stamped before)."""
        job.seq = next(self._seq)

    def continue_after(self, seq: int) -> None:
        """New jobs go after ``seq`` (the highest a reopened journal has used)."""
        self._seq = itertools.count(max(next(self._seq), seq))

    def push(self, job: Job) -> None:
        bisect.insort(self._lanes[job.priority], (job.seq, job.id))

    def remove(self, job: Job) -> None:
        lane = self._lanes[job.priority]
        i = bisect.bisect_left(lane, (job.seq, job.id))
        if i < len(lane) and lane[i][1] == job.id:
            del lane[i]

    def forget(self, job_id: str) -> None:
        """A job left for good: drop its skip count."""
        self.skips.pop(job_id, None)

    def lane(self, priority: str) -> list[str]:
        """The job ids waiting at ``priority``, oldest first (a copy)."""
        return [job_id for _, job_id in self._lanes[priority]]

    def __iter__(self) -> Iterator[str]:
        """Every waiting job id, highest priority first, oldest first (over a copy)."""
        return iter([job_id for p in PRIORITIES for _, job_id in self._lanes[p]])

    def __len__(self) -> int:
        return sum(len(lane) for lane in self._lanes.values())
