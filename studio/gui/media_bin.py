"""The media bin: the project's assets with thumbnails, waveforms and durations; provenance of generated
ones in a tooltip. Drag an asset onto the timeline; drop files here (or File > Import) to import."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QLine, QMimeData, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from studio.gui.media_cache import MediaCache
from studio.gui.session import ProjectSession
from studio.gui.timeline.view import ASSET_MIME

ICON = QSize(112, 63)


def plain(value: Any) -> str:
    """A provenance value as a creator reads it: "key: value; ..." for dicts, commas for lists (never a repr)."""
    if isinstance(value, dict):
        return "; ".join(f"{str(k).replace('_', ' ')}: {plain(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(plain(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def provenance_text(asset: Any, rich: bool = True) -> str:
    """Prompt, engine, seed and time taken of a generated asset (or where an imported one came from)."""
    p = asset.provenance or {}
    lines = [("Name", asset.display_name), ("Kind", asset.kind)]
    if asset.duration_seconds is not None:
        lines.append(("Duration", f"{float(asset.duration_seconds):.2f} s"))
    if asset.width:
        lines.append(("Size", f"{asset.width}×{asset.height}"))
    if p:
        lines += [
            ("Prompt", str(p.get("prompt", ""))),
            ("Engine", f"{p.get('engine', '?')} {p.get('engine_version', '')}"),
            ("Model", str(p.get("model_id", ""))),
            ("Seed", str(p.get("seed", ""))),
            ("Time taken", f"{float(p.get('seconds', 0)):.1f} s"),
        ]
        if p.get("understood"):
            lines.append(("Understood", plain(p["understood"])))
        for w in p.get("warnings", []) or []:
            lines.append(("Note", plain(w)))
    else:
        lines.append(("Source", "imported file" + (f" ({asset.source_url})" if asset.source_url else "")))
    if not rich:
        return "\n".join(f"{k}: {v}" for k, v in lines)
    rows = "".join(f"<tr><td><b>{html.escape(k)}</b></td><td>{html.escape(v)}</td></tr>" for k, v in lines)
    return f"<table>{rows}</table>"


class AssetList(QListWidget):
    """Icon list that drags asset ids and accepts dropped files."""

    files_dropped = Signal(list)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setViewMode(QListWidget.ViewMode.IconMode)
        self.setIconSize(ICON)
        self.setGridSize(QSize(ICON.width() + 16, ICON.height() + 40))
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setMovement(QListWidget.Movement.Static)
        self.setWordWrap(True)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)

    def mimeData(self, items: list[QListWidgetItem]) -> QMimeData:
        data = QMimeData()
        if items:
            data.setData(ASSET_MIME, QByteArray(items[0].data(Qt.ItemDataRole.UserRole).encode()))
        return data

    def mimeTypes(self) -> list[str]:
        return [ASSET_MIME, "text/uri-list"]

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            self.files_dropped.emit(paths)
            event.acceptProposedAction()


class MediaBin(QWidget):
    """Lists the session's media assets; refreshes when assets are added or thumbnails arrive."""

    asset_activated = Signal(str)

    def __init__(self, session: ProjectSession, media_cache: MediaCache, parent: QWidget | None = None):
        super().__init__(parent)
        self.session, self.media_cache = session, media_cache
        self._refresh_pending = False
        self._blank: QIcon | None = None  # the icon of media whose thumbnail or waveform is still being made
        self.list = AssetList(self)
        self.list.files_dropped.connect(lambda paths: session.import_paths(paths))
        self.list.itemDoubleClicked.connect(lambda item: self.asset_activated.emit(item.data(Qt.ItemDataRole.UserRole)))
        box = QVBoxLayout(self)
        box.setContentsMargins(2, 2, 2, 2)
        box.addWidget(self.list)
        session.assets_changed.connect(self._assets_changed)
        media_cache.ready.connect(self._media_ready)
        self.refresh()

    def _assets_changed(self) -> None:
        if self.session.replacing:  # a project just opened: list it on the next turn, not in the load's own turn
            if not self._refresh_pending:
                self._refresh_pending = True
                QTimer.singleShot(0, self, self.refresh)  # (not called if the bin is gone by then)
            return
        self.refresh()

    def refresh(self) -> None:
        self._refresh_pending = False
        self.list.clear()
        related = {rid for a in self.session.project.assets.values() for rid in a.related.values()}
        for asset in self.session.project.assets.values():
            if asset.id in related or asset.kind not in ("video", "audio", "image", "mesh"):
                continue
            item = QListWidgetItem(self._icon(asset), self._caption(asset))
            item.setData(Qt.ItemDataRole.UserRole, asset.id)
            item.setToolTip(provenance_text(asset))
            item.setData(Qt.ItemDataRole.AccessibleTextRole, asset.display_name)
            self.list.addItem(item)

    def _caption(self, asset: Any) -> str:
        length = f"  {float(asset.duration_seconds):.1f}s" if asset.duration_seconds else ""
        return f"{asset.display_name[:22]}{length}"

    def _path(self, asset: Any) -> Path | None:
        return self.session.project_dir / asset.path if self.session.project_dir else None

    def _icon(self, asset: Any) -> QIcon:
        path = self._path(asset)
        strip = peaks = None
        if path is not None and asset.kind in ("video", "image"):
            strip = self.media_cache.filmstrip(path, float(asset.duration_seconds or 0) or None)
        elif path is not None and asset.kind == "audio":
            peaks = self.media_cache.peaks(path)
        if asset.kind != "mesh" and not strip and (peaks is None or not len(peaks)):
            if self._blank is None:  # one shared placeholder: a pixmap and painter per item cost a project's load
                blank = QPixmap(ICON)
                blank.fill(QColor("#2a2d34"))
                self._blank = QIcon(blank)
            return self._blank
        pixmap = QPixmap(ICON)
        pixmap.fill(QColor("#2a2d34"))
        painter = QPainter(pixmap)
        if path is not None and asset.kind in ("video", "image"):
            if strip:
                image: QImage = strip[len(strip) // 3]
                painter.drawImage(pixmap.rect(), image.scaled(ICON, Qt.AspectRatioMode.KeepAspectRatioByExpanding))
        elif path is not None and asset.kind == "audio":
            if peaks is not None and len(peaks):
                painter.setPen(QPen(QColor("#7fd8a8"), 1))
                mid = ICON.height() / 2
                lines = []  # one drawLines call: a call per column cost ~0.1 ms an icon on the GUI thread
                for x in range(ICON.width()):
                    level = float(peaks[int(x * len(peaks) / ICON.width())])
                    lines.append(QLine(x, round(mid - level * mid), x, round(mid + level * mid)))
                painter.drawLines(lines)
        if asset.kind == "mesh":
            painter.setPen(QColor("#d0d4dc"))
            painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, "3D mesh")
        painter.end()
        return QIcon(pixmap)

    def _media_ready(self, path: str) -> None:
        for i in range(self.list.count()):
            item = self.list.item(i)
            asset = self.session.project.assets.get(item.data(Qt.ItemDataRole.UserRole))
            if asset is not None and str(self._path(asset)) == path:
                item.setIcon(self._icon(asset))

    def select_asset(self, asset_id: str) -> bool:
        """Select and scroll to ``asset_id`` (a sidecar shows as its primary asset); False if it is not listed."""
        owner = next((a.id for a in self.session.project.assets.values() if asset_id in a.related.values()), asset_id)
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == owner:
                self.list.setCurrentItem(item)
                self.list.scrollToItem(item)
                return True
        return False

    def selected_asset_id(self) -> str | None:
        items = self.list.selectedItems()
        return items[0].data(Qt.ItemDataRole.UserRole) if items else None
