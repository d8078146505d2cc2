"""The 3D form speaks a creator's words (quality, detail), and the 3D viewer shows a running job's live previews."""

from types import SimpleNamespace

import numpy as np
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel


def test_3d_form_offers_quality_and_detail_not_nerf_settings(window):
    form = window.generate.show_kind("3d", {"image": "cup.png"})
    layout = form.findChild(QFormLayout)
    labels = {
        layout.itemAt(i, QFormLayout.ItemRole.LabelRole).widget().text()
        for i in range(layout.rowCount())
        if layout.itemAt(i, QFormLayout.ItemRole.LabelRole)
        and isinstance(layout.itemAt(i, QFormLayout.ItemRole.LabelRole).widget(), QLabel)
    }
    assert {"Quality", "Detail (faces)", "Baked texture"} <= labels
    assert not {"Train size", "Nerf steps", "NeRF steps"} & labels
    quality = form.findChild(QComboBox, "3d_quality")
    assert [quality.itemText(i) for i in range(quality.count())] == ["draft", "standard", "high"]
    quality.setCurrentText("draft")
    assert form.values()["quality"] == "draft"


def test_viewer_shows_the_live_preview_of_a_running_3d_job(window):
    viewer = window.viewer3d
    sheet = np.zeros((64, 448, 3), np.uint8)
    sheet[:, :, 0] = 200
    job = SimpleNamespace(kind="3d", id="j1")
    viewer.on_job_event(SimpleNamespace(type="progress", job=job, preview=sheet, message="views: 21 views ready"))
    assert len(viewer.view.frames) == 1 and viewer.view.frames[0].width() == 448
    assert "21 views ready" in viewer.label.text()
    viewer.on_job_event(
        SimpleNamespace(type="progress", job=SimpleNamespace(kind="song", id="j2"), preview=sheet[:8], message="song")
    )
    assert viewer.view.frames[0].height() == 64  # other kinds' previews are not the viewer's business
