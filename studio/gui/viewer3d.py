"""The 3D viewer: a generated object's turntable, orbited by dragging the mouse, or (for a mesh without a
turntable) the mesh itself drawn with flat shading; "Export GLB" copies the mesh out."""

from __future__ import annotations

import math
import shutil
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QImage, QPainter, QPolygonF
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from studio.gui.media_cache import read_filmstrip, to_qimage
from studio.gui.session import ProjectSession

TURNTABLE_FRAMES = 72
MAX_DRAWN_FACES = 6000


def load_mesh(path: Path) -> tuple[Any, Any]:
    """Vertices (n, 3) centred in a unit box and faces (m, 3), at most MAX_DRAWN_FACES (worker thread)."""
    import numpy as np
    import trimesh

    mesh = trimesh.load(path, force="mesh")
    vertices = np.asarray(mesh.vertices, np.float32)
    faces = np.asarray(mesh.faces, np.int64)
    vertices -= (vertices.max(0) + vertices.min(0)) / 2
    vertices /= max(1e-6, float(np.abs(vertices).max()))
    if len(faces) > MAX_DRAWN_FACES:  # keep the largest faces: the silhouette and the big surfaces
        v = vertices[faces]
        area = np.linalg.norm(np.cross(v[:, 1] - v[:, 0], v[:, 2] - v[:, 0]), axis=1)
        faces = faces[np.argsort(area)[-MAX_DRAWN_FACES:]]
    return vertices, faces


class OrbitView(QWidget):
    """Shows turntable frames (drag to turn) or a shaded mesh (drag to orbit)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.frames: list[QImage] = []
        self.mesh: tuple[Any, Any] | None = None
        self.yaw, self.pitch = 0.0, 15.0
        self._last: QPointF | None = None
        self.setMinimumSize(160, 120)
        self.spin = QTimer(self)
        self.spin.timeout.connect(lambda: self.turn(2.0, 0.0))

    def turn(self, dyaw: float, dpitch: float) -> None:
        self.yaw = (self.yaw + dyaw) % 360
        self.pitch = max(-80.0, min(80.0, self.pitch + dpitch))
        self.update()

    def mousePressEvent(self, event) -> None:
        self._last = event.position()
        self.spin.stop()

    def mouseMoveEvent(self, event) -> None:
        if self._last is not None:
            d = event.position() - self._last
            self._last = event.position()
            self.turn(d.x() * 0.8, d.y() * 0.5)

    def mouseReleaseEvent(self, event) -> None:
        self._last = None

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#15171b"))
        if self.frames:
            image = self.frames[int(self.yaw / 360 * len(self.frames)) % len(self.frames)]
            s = min(self.width() / image.width(), self.height() / image.height())
            w, h = image.width() * s, image.height() * s
            painter.drawImage(QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h), image)
        elif self.mesh is not None:
            self._paint_mesh(painter)
        else:
            painter.setPen(QColor("#8a8f99"))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "Select a 3D object in the media bin")

    def _paint_mesh(self, painter: QPainter) -> None:
        import numpy as np

        vertices, faces = self.mesh
        a, b = math.radians(self.yaw), math.radians(self.pitch)
        rot_y = np.array([[math.cos(a), 0, math.sin(a)], [0, 1, 0], [-math.sin(a), 0, math.cos(a)]], np.float32)
        rot_x = np.array([[1, 0, 0], [0, math.cos(b), -math.sin(b)], [0, math.sin(b), math.cos(b)]], np.float32)
        v = vertices @ (rot_x @ rot_y).T  # (n, 3), camera looks down -Z
        tri = v[faces]  # (m, 3, 3)
        normals = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
        normals /= np.linalg.norm(normals, axis=1, keepdims=True) + 1e-9
        light = np.clip(normals @ np.array([0.3, 0.5, 0.8], np.float32), 0, 1) * 0.75 + 0.2
        order = np.argsort(tri[:, :, 2].mean(1))  # far to near
        scale = min(self.width(), self.height()) * 0.42
        cx, cy = self.width() / 2, self.height() / 2
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(Qt.PenStyle.NoPen)
        for i in order:
            if normals[i, 2] <= 0:
                continue
            shade = int(255 * light[i])
            painter.setBrush(QColor(shade, int(shade * 0.93), int(shade * 0.85)))
            painter.drawPolygon(QPolygonF([QPointF(cx + x * scale, cy - y * scale) for x, y, _ in tri[i]]))


class Viewer3D(QWidget):
    """Opens the 3D object behind a bin asset: its turntable video and its GLB mesh."""

    def __init__(self, session: ProjectSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.view = OrbitView(self)
        self.mesh_path: Path | None = None
        self.label = QLabel("No object")
        self.export_button = QPushButton("Export GLB…")
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(lambda: self.export(None))
        row = QHBoxLayout()
        row.addWidget(self.label, 1)
        row.addWidget(self.export_button)
        box = QVBoxLayout(self)
        box.setContentsMargins(2, 2, 2, 2)
        box.addWidget(self.view, 1)
        box.addLayout(row)
        session.job_event.connect(self.on_job_event)

    def on_job_event(self, event: Any) -> None:
        """While a 3D job runs, show its live previews: the orbit views, the NeRF as it trains, the first mesh."""
        preview = getattr(event, "preview", None)
        if event.type != "progress" or event.job.kind != "3d" or preview is None:
            return
        self.view.spin.stop()
        self.view.frames, self.view.mesh = [to_qimage(preview)], None
        self.label.setText(f"Generating  ·  {event.message[:60]}")
        self.view.update()

    def open_asset(self, asset_id: str) -> bool:
        """Show an asset that is (or links to) a 3D object; False if it is not one."""
        project, folder = self.session.project, self.session.project_dir
        asset = project.assets.get(asset_id)
        if asset is None or folder is None:
            return False
        mesh_id = (
            asset.id
            if asset.kind == "mesh"
            else next(
                (rid for role, rid in asset.related.items() if role.startswith("mesh") and rid in project.assets), None
            )
        )
        if mesh_id is None:
            return False
        mesh = project.assets[mesh_id]
        self.mesh_path = folder / mesh.path
        self.export_button.setEnabled(True)
        self.label.setText(f"{asset.name}  ·  drag to orbit")
        self.view.frames, self.view.mesh = [], None
        if asset.kind == "video":
            path, seconds = folder / asset.path, float(asset.duration_seconds or 4)
            self.session.tasks.run(
                lambda: read_filmstrip(path, seconds, TURNTABLE_FRAMES, 256),
                self._got_frames,
                lambda exc: self._load_mesh(),
            )
        else:
            self._load_mesh()
        return True

    def _got_frames(self, frames: list[Any]) -> None:
        self.view.frames = [to_qimage(f) for f in frames]
        self.view.spin.start(40)
        self.view.update()

    def _load_mesh(self) -> None:
        path = self.mesh_path
        self.session.tasks.run(
            lambda: load_mesh(path),
            self._got_mesh,
            lambda exc: self.session.error.emit(f"cannot open {path.name}: {exc}"),
        )

    def _got_mesh(self, mesh: tuple[Any, Any]) -> None:
        self.view.mesh = mesh
        self.view.update()

    def export(self, target: str | Path | None) -> Path | None:
        if self.mesh_path is None:
            return None
        if target is None:
            target, _ = QFileDialog.getSaveFileName(self, "Export GLB", "object.glb", "glTF binary (*.glb)")
            if not target:
                return None
        shutil.copyfile(self.mesh_path, target)
        self.session.message.emit(f"exported {target}")
        return Path(target)
