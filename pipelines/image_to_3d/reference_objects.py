"""Textured reference objects with known geometry, for measuring the image-to-3D path against ground truth.

Each object is a ``trimesh.Trimesh`` with vertex colours, centred and scaled to fit the unit box,
coloured so that views from different sides differ.
"""

from __future__ import annotations

import numpy as np

from pipelines.image_to_3d.cameras import DEFAULT_FOV_X, View, orbit_poses
from pipelines.image_to_3d.raycast import render_mesh_views

LIGHT = (0.4, 0.8, 0.45)


def _paint(mesh, fn):
    mesh.visual.vertex_colors = (np.clip(fn(mesh.vertices), 0, 1) * 255).astype(np.uint8)
    return mesh


def _hue(v):
    """Colour by position: red-green by azimuth, blue by height (V, 3) -> (V, 3)."""
    az = np.arctan2(v[:, 0], v[:, 2])
    return np.stack([0.55 + 0.4 * np.cos(az), 0.55 + 0.4 * np.sin(az), 0.5 + 0.8 * v[:, 1]], axis=1)


def _normalise(mesh):
    mesh.apply_translation(-mesh.bounds.mean(axis=0))
    mesh.apply_scale(0.9 / mesh.extents.max())
    return mesh


def make_object(name: str):
    """Build one reference object by name (see ``OBJECT_NAMES``)."""
    import trimesh
    from trimesh import creation

    if name == "box_on_sphere":
        sphere = _paint(creation.icosphere(4, radius=0.35), _hue)
        box = creation.box((0.4, 0.3, 0.4))
        box.apply_translation((0.0, 0.45, 0.0))
        box = _paint(box, lambda v: np.stack([0.9 - v[:, 0], 0.3 + v[:, 2], 0.2 + 0.0 * v[:, 0]], 1))
        mesh = trimesh.util.concatenate([sphere, box])
    elif name == "capsule_cone":
        cap = creation.capsule(height=0.5, radius=0.18, count=(32, 32))
        cap.apply_transform(trimesh.transformations.rotation_matrix(np.pi / 2, (0, 0, 1)))
        cap = _paint(cap, lambda v: np.stack([0.2 + v[:, 0] + 0.5, 0.4 + 0.0 * v[:, 0], 0.9 - v[:, 0]], 1))
        cone = creation.cone(radius=0.25, height=0.45, sections=48)
        cone.apply_transform(trimesh.transformations.rotation_matrix(-np.pi / 2, (1, 0, 0)))
        cone.apply_translation((0.0, 0.15, 0.0))
        cone = _paint(cone, _hue)
        mesh = trimesh.util.concatenate([cap, cone])
    elif name == "torus_box":
        torus = creation.torus(0.3, 0.1, major_sections=48, minor_sections=24)
        torus = _paint(torus, _hue)
        box = creation.box((0.25, 0.25, 0.25))
        box.apply_transform(trimesh.transformations.rotation_matrix(0.6, (1, 1, 0)))
        box = _paint(box, lambda v: np.stack([0.9 + 0 * v[:, 0], 0.8 - v[:, 1], 0.3 + v[:, 2]], 1))
        mesh = trimesh.util.concatenate([torus, box])
    else:
        raise ValueError(f"unknown reference object {name!r}; choose one of {', '.join(OBJECT_NAMES)}")
    return _normalise(mesh)


OBJECT_NAMES = ("box_on_sphere", "capsule_cone", "torus_box")


def render_dataset(
    mesh,
    num_views: int = 21,
    size: int = 128,
    elevation_deg: float = 10.0,
    fov_x: float = DEFAULT_FOV_X,
    supersample: int = 2,
) -> tuple[list[View], list[View]]:
    """(training views on an orbit, held-out views at azimuths halfway between them), RGBA with poses."""
    train = orbit_poses(num_views, elevation_deg)
    test = orbit_poses(num_views, elevation_deg, start_deg=180.0 / num_views)
    imgs = render_mesh_views(mesh, [p for _, p in train + test], size, fov_x, supersample, light=LIGHT)
    views = [View(p, im, az, elevation_deg) for (az, p), im in zip(train + test, imgs, strict=False)]
    return views[:num_views], views[num_views:]
