"""Where things go on the timeline: frames to pixels, tracks to rows, and snapping targets."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from studio.model import Timeline, Track

RULER_HEIGHT = 28
MIN_PX_PER_FRAME = 0.01
MAX_PX_PER_FRAME = 40.0
SNAP_PIXELS = 8


@dataclass
class Row:
    track: Track
    top: float
    height: float


class TimelineLayout:
    """Pixels per frame and the row of each track: video tracks top-down (the topmost drawn over the
    others, as in compositing), then audio tracks."""

    def __init__(self, px_per_frame: float = 4.0):
        self.px_per_frame = px_per_frame
        self.rows: list[Row] = []

    def update_rows(self, timeline: Timeline) -> None:
        ordered = [t for t in reversed(timeline.tracks) if t.kind == "video"]
        ordered += [t for t in timeline.tracks if t.kind == "audio"]
        y = float(RULER_HEIGHT)
        self.rows = []
        for track in ordered:
            self.rows.append(Row(track, y, float(track.height)))
            y += track.height

    @property
    def height(self) -> float:
        return self.rows[-1].top + self.rows[-1].height if self.rows else float(RULER_HEIGHT)

    def x(self, frame: float) -> float:
        return frame * self.px_per_frame

    def frame(self, x: float) -> int:
        return max(0, round(x / self.px_per_frame))

    def row_at(self, y: float) -> Row | None:
        for row in self.rows:
            if row.top <= y < row.top + row.height:
                return row
        return None

    def row_of(self, track_id: str) -> Row | None:
        return next((r for r in self.rows if r.track.id == track_id), None)

    def set_zoom(self, px_per_frame: float) -> float:
        self.px_per_frame = min(MAX_PX_PER_FRAME, max(MIN_PX_PER_FRAME, px_per_frame))
        return self.px_per_frame


class Snapper:
    """Snaps frames to clip edges, the playhead and markers within a few pixels."""

    def __init__(self, targets: set[int], px_per_frame: float, enabled: bool = True):
        self.targets = sorted(targets) if enabled else []
        self.reach = SNAP_PIXELS / px_per_frame
        self.last: int | None = None  # the frame the last snap went to (the view draws a line there)

    def nearest(self, frame: float) -> int | None:
        """The target nearest ``frame`` if it is within reach, else None."""
        best = self._nearest(frame)
        self.last = best
        return best

    def _nearest(self, frame: float) -> int | None:
        i = bisect.bisect_left(self.targets, frame)
        best = None
        for j in (i - 1, i):
            if 0 <= j < len(self.targets) and abs(self.targets[j] - frame) <= self.reach:
                if best is None or abs(self.targets[j] - frame) < abs(best - frame):
                    best = self.targets[j]
        return best

    def snap_span(self, start: float, length: int) -> int:
        """Snap a moving span by its start or its end, whichever is closer to a target."""
        options = []
        head = self._nearest(start)
        if head is not None:
            options.append((abs(head - start), head, head))
        tail = self._nearest(start + length)
        if tail is not None:
            options.append((abs(tail - start - length), tail - length, tail))
        best = min(options) if options else None
        self.last = best[2] if best else None
        return best[1] if best else round(start)


def snap_targets(timeline: Timeline, playhead: int, exclude: set[str]) -> set[int]:
    targets = {playhead, 0} | {m.frame for m in timeline.markers}
    for track in timeline.tracks:
        for clip in track.clips:
            if clip.id not in exclude:
                targets.add(clip.position)
                targets.add(clip.end)
    return targets


def track_is_silent(timeline, track) -> bool:
    """An audio track the mix leaves out: muted, or another audio track is soloed and this one is not (as the
    render decides)."""
    if track.kind != "audio":
        return False
    soloed = any(t.solo for t in timeline.tracks if t.kind == "audio")
    return track.muted or (soloed and not track.solo)
