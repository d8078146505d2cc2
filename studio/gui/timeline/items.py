"""A clip on the timeline: a rounded box with a filmstrip (video) or waveform (audio), its name, fade
handles, and a progress bar while its generated media is on the way."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QGraphicsRectItem, QStyleOptionGraphicsItem, QWidget

from studio.gui.timeline.keyframe_items import draw_keyframes, key_handles
from studio.gui.timeline.layout import track_is_silent
from studio.model import Clip, Track


class ClipHost(Protocol):
    """What a clip item reads from the scene that holds it (the TimelineScene), named here so the two files
    do not import each other."""

    layout: Any  # TimelineLayout: frames <-> pixels
    media_cache: Any  # MediaCache: filmstrips and waveforms
    selected_ids: set[str]
    session: Any  # ProjectSession
    clip_font: QFont


EDGE_PIXELS = 6
HANDLE_PIXELS = 9
COLORS = {
    "video": QColor("#3d6fa8"),
    "audio": QColor("#3f8f6a"),
    "title": QColor("#8a5fb0"),
    "recipe": QColor("#5a5f6a"),
}
SELECTED = QColor("#ffd24a")


class ClipItem(QGraphicsRectItem):
    """Draws one clip; geometry comes from the scene's layout, state from the model. (A rect item, so Qt asks
    its C++ bounding rectangle, not Python, thousands of times per frame.)"""

    def __init__(self, scene: ClipHost, track: Track, clip: Clip):
        super().__init__()
        self.timeline_scene = scene
        self.track, self.clip = track, clip
        self.width = 1.0
        self.height = 1.0
        self.fade_preview: tuple[str, int] | None = None  # ("video_fade_in", frames) while dragging
        self.key_preview: tuple[Any, int] | None = None  # (KeyHandle, clip-local frame) while a keyframe is dragged
        self.setPen(Qt.PenStyle.NoPen)
        self.setCacheMode(QGraphicsItem.CacheMode.NoCache)
        # Qt fills option.exposedRect only with this flag (else it is the whole clip): a playhead moving over a long
        # clip repainted its whole waveform and filmstrip (clipped away) for a 17-pixel strip
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)

    # ------------------------------------------------------------------ geometry
    def sync(self, track: Track, clip: Clip, top: float, height: float) -> None:
        layout = self.timeline_scene.layout
        self.track, self.clip = track, clip
        width = max(2.0, clip.duration * layout.px_per_frame)
        if width != self.width or height - 2 != self.height:
            self.width, self.height = width, height - 2
            self.setRect(0, 0, width, height - 2)
        x = layout.x(clip.position)
        if x != self.x() or top + 1 != self.y():
            self.setPos(x, top + 1)
        else:
            self.update()

    def zone(self, local: QPointF) -> str:
        """What a press at ``local`` grabs: "head", "tail", "fade_in", "fade_out" or "body"."""
        x, y = local.x(), local.y()
        if y < HANDLE_PIXELS + 2 and self.width > 4 * HANDLE_PIXELS:
            fin, fout = self._fade_frames()
            ppf = self.timeline_scene.layout.px_per_frame
            if abs(x - fin * ppf) <= HANDLE_PIXELS:
                return "fade_in"
            if abs(self.width - fout * ppf - x) <= HANDLE_PIXELS:
                return "fade_out"
        if x <= EDGE_PIXELS:
            return "head"
        if x >= self.width - EDGE_PIXELS:
            return "tail"
        return "body"

    def fade_field(self, side: str) -> str:
        prefix = "audio" if self.track.kind == "audio" else "video"
        return f"{prefix}_{side}"

    def _fade_frames(self) -> tuple[int, int]:
        fin = getattr(self.clip, self.fade_field("fade_in"))
        fout = getattr(self.clip, self.fade_field("fade_out"))
        if self.fade_preview:
            name, value = self.fade_preview
            fin = value if name.endswith("fade_in") else fin
            fout = value if name.endswith("fade_out") else fout
        return fin, fout

    # ------------------------------------------------------------------ drawing
    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        if self.width < 24:  # zoomed far out: a coloured block is all that can be seen (the hot path)
            painter.fillRect(
                self.rect(),
                SELECTED
                if self.clip.id in self.timeline_scene.selected_ids
                else COLORS["video" if self.track.kind == "video" else "audio"],
            )
            return
        scene = self.timeline_scene
        clip = self.clip
        asset = scene.session.project.assets.get(clip.asset_id) if clip.asset_id else None
        rect = QRectF(0, 0, self.width, self.height)
        kind = "recipe" if asset is None and clip.recipe else "title" if clip.title else self.track.kind
        base = COLORS[kind]
        if not clip.enabled or track_is_silent(scene.session.timeline, self.track) or self.track.muted:
            base = base.darker(170)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        selected = clip.id in scene.selected_ids
        painter.fillRect(rect, base.darker(140))
        exposed = option.exposedRect.intersected(rect)
        if asset is not None and scene.project_dir is not None:
            path = scene.project_dir / asset.path
            if self.track.kind == "video" and asset.kind in ("video", "image"):
                self._draw_filmstrip(painter, rect, exposed, path, asset)
            elif asset.has_sound:
                self._draw_waveform(painter, rect, exposed, path)
        elif clip.recipe is not None:
            self._draw_progress(painter, rect)
        self._draw_fades(painter, rect)
        painter.setPen(QPen(QColor("#ffd24a") if selected else base.lighter(150), 2 if selected else 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(rect.adjusted(0.5, 0.5, -0.5, -0.5))
        if self.width > 24:
            painter.setPen(QColor("#f0f0f0"))
            painter.setFont(scene.clip_font)
            label = clip.name or (clip.title.text if clip.title else clip.id)
            if clip.gain_db and self.track.kind == "audio":
                label += f"  {clip.gain_db:+.1f} dB"
            if clip.opacity < 1 and self.track.kind == "video" and "opacity" not in clip.keyframes:
                label += f"  {clip.opacity:.0%}"
            badge = "  ".join(b for b in (self.speed_badge(), self.takes_badge()) if b)
            if badge and self.width > 80:
                width = painter.fontMetrics().horizontalAdvance(badge) + 8
                box = QRectF(rect.right() - width - 4, 2, width, 12)
                painter.fillRect(box, QColor(0, 0, 0, 140))
                painter.drawText(box, Qt.AlignmentFlag.AlignCenter, badge)
                label_width = self.width - width - 16
            else:
                label_width = self.width - 8
            painter.drawText(
                QRectF(rect.left() + 4, 1, label_width, 15),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                label,
            )
        if clip.keyframes and self.width > 24:
            self._draw_keyframes(painter, rect)
        fraction = scene.session.progress.get(clip.id)
        if fraction is not None and asset is not None:  # a new take of this clip is on the way
            painter.fillRect(QRectF(2, self.height - 5, (self.width - 4) * fraction, 3), QColor("#e0a030"))

    def keyframe_marks(self) -> list[tuple[float, float]]:
        """(x, y) in the item of each keyframe diamond: its picture or sound property's at the height of the value,
        its position and scale keyframes on a lane at the foot (drawn and dragged by ``keyframe_items``)."""
        return [(h.x, h.y) for h in key_handles(self)]

    def _draw_keyframes(self, painter: QPainter, rect: QRectF) -> None:
        draw_keyframes(self, painter, self.key_preview)

    def speed_badge(self) -> str:
        """ "2x" on a clip played twice as fast, "-1x" on one played backwards; nothing at 1x forwards."""
        from studio.edit.speed import speed_text

        return speed_text(self.clip.speed, self.clip.reverse) if self.clip.is_retimed else ""

    def takes_badge(self) -> str:
        """ "3 takes" on a clip with three versions of its media (the shown one and two others)."""
        return f"{len(self.clip.takes) + 1} takes" if self.clip.takes else ""

    def _draw_filmstrip(self, painter: QPainter, rect: QRectF, exposed: QRectF, path: Path, asset) -> None:
        strip = self.timeline_scene.media_cache.filmstrip(path, float(asset.duration_seconds or 0) or None)
        if not strip:
            return
        area = rect.adjusted(1, 16, -1, -1)
        if area.height() < 8:
            return
        thumb = strip[0]
        tile = max(8.0, thumb.width() * area.height() / max(1, thumb.height()))
        rate = self.timeline_scene.session.rate
        seconds = float(asset.duration_seconds or 1)
        x = area.left() + int(max(0.0, exposed.left() - area.left()) // tile) * tile
        while x < min(area.right(), exposed.right() + tile):
            frame_in_source = self.clip.source_position((x - area.left()) / self.timeline_scene.layout.px_per_frame)
            t = float(frame_in_source / rate) / seconds
            image = strip[min(len(strip) - 1, max(0, int(t * len(strip))))]
            painter.drawImage(
                QRectF(x, area.top(), min(tile, area.right() - x), area.height()),
                image,
                QRectF(0, 0, image.width() * min(tile, area.right() - x) / tile, image.height()),
            )
            x += tile

    def _draw_waveform(self, painter: QPainter, rect: QRectF, exposed: QRectF, path: Path) -> None:
        """One vertical line per pixel column of the exposed part, its height the peak level there."""
        import numpy as np

        from studio.gui.media_cache import PEAKS_PER_SECOND

        peaks = self.timeline_scene.media_cache.peaks(path)
        if peaks is None or len(peaks) == 0:
            return
        area = rect.adjusted(1, 16, -1, -1)
        mid, half = area.center().y(), area.height() / 2
        ppf = self.timeline_scene.layout.px_per_frame
        rate = float(self.timeline_scene.session.rate)
        xs = np.arange(int(max(area.left(), exposed.left())), int(min(area.right(), exposed.right())), dtype=np.int64)
        if len(xs) == 0:
            return
        seconds = self.clip.source_position((xs - area.left()) / ppf) / rate  # (n,) source time per column
        first = np.clip((seconds * PEAKS_PER_SECOND).astype(np.int64), 0, len(peaks) - 1)
        step = max(1, int(PEAKS_PER_SECOND / (ppf * rate)))  # peaks per pixel column when zoomed out
        levels = np.maximum.reduceat(peaks, first) if step > 1 and np.all(np.diff(first) > 0) else peaks[first]
        heights = np.minimum(1.0, levels * 10 ** (self.clip.gain_db / 20)) * half
        painter.setPen(QPen(QColor("#b9f0d2"), 1))
        painter.drawLines([QLineF(float(x), mid - h, float(x), mid + h) for x, h in zip(xs, heights, strict=True)])

    def _draw_progress(self, painter: QPainter, rect: QRectF) -> None:
        session = self.timeline_scene.session
        fraction = session.progress.get(self.clip.id)
        failure = session.failed.get(self.clip.id)
        hatch = QColor("#7a2f2f") if failure is not None else QColor("#2c3038")
        painter.fillRect(rect.adjusted(1, 16, -1, -1), QBrush(hatch, Qt.BrushStyle.BDiagPattern))
        if failure is not None:
            text = f"⚠ failed: {failure} (retry or remove: right-click or the inspector)"
        elif fraction is None:
            text = "generate to fill (render generates it)"
        else:
            bar = QRectF(rect.left() + 4, rect.bottom() - 10, (rect.width() - 8) * fraction, 6)
            painter.fillRect(QRectF(rect.left() + 4, rect.bottom() - 10, rect.width() - 8, 6), QColor("#1d2026"))
            painter.fillRect(bar, QColor("#e0a030"))
            text = f"generating {self.clip.recipe.kind}... {fraction:.0%}"
        if self.width > 60:
            painter.setPen(QColor("#ff9b93") if failure is not None else QColor("#c8c8c8"))
            painter.setFont(self.timeline_scene.clip_font)
            area = rect.adjusted(6, 16, -4, -12)
            text = painter.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, round(area.width()))
            painter.drawText(area, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)

    def _draw_fades(self, painter: QPainter, rect: QRectF) -> None:
        fin, fout = self._fade_frames()
        ppf = self.timeline_scene.layout.px_per_frame
        shade = QColor(0, 0, 0, 110)  # (no antialiasing: a smoothed triangle the clip's height costs ~1 ms)
        if fin:
            w = min(rect.width(), fin * ppf)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(shade)
            painter.drawPolygon(QPolygonF([rect.topLeft(), QPointF(rect.left() + w, rect.top()), rect.bottomLeft()]))
        if fout:
            w = min(rect.width(), fout * ppf)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(shade)
            painter.drawPolygon(QPolygonF([rect.topRight(), QPointF(rect.right() - w, rect.top()), rect.bottomRight()]))
        if self.width > 4 * HANDLE_PIXELS:  # the handles themselves
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setBrush(QColor("#eeeeee"))
            painter.setPen(QPen(QColor("#222222"), 1))
            for x in (rect.left() + fin * ppf, rect.right() - fout * ppf):
                path = QPainterPath()
                path.addEllipse(QPointF(min(max(x, rect.left() + 4), rect.right() - 4), rect.top() + 4), 3.5, 3.5)
                painter.drawPath(path)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)


def clip_font() -> QFont:
    font = QFont()
    font.setPointSizeF(8.5)
    return font
