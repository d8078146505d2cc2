"""Render a vertex-coloured triangle mesh at known poses by ray casting (trimesh + Embree when present).

Used for the draft engine's proxy orbit and for ground-truth views of reference objects.
"""

from __future__ import annotations

import numpy as np

from pipelines.image_to_3d.cameras import camera_rays


def _intersector(mesh):
    import trimesh

    if trimesh.ray.has_embree:
        from trimesh.ray.ray_pyembree import RayMeshIntersector

        return RayMeshIntersector(mesh)
    return trimesh.ray.ray_triangle.RayMeshIntersector(mesh)


def render_mesh(
    mesh,
    pose: np.ndarray,
    size: int,
    fov_x: float,
    supersample: int = 2,
    light: tuple[float, float, float] | None = None,
    intersector=None,
) -> np.ndarray:
    """RGBA uint8 (size, size, 4) of ``mesh`` (a ``trimesh.Trimesh`` with vertex colours) seen from ``pose``.

    ``supersample`` s casts s*s rays per pixel (anti-aliased edges); ``light`` (a world direction) adds
    Lambert shading fixed to the object, so the colour of a surface point does not depend on the view.
    """
    import trimesh

    inter = intersector or _intersector(mesh)
    s = max(1, int(supersample))
    colours = np.asarray(mesh.visual.vertex_colors, np.float32)[:, :3] / 255.0  # (V, 3)
    acc = np.zeros((size * size, 4), np.float32)
    for a in range(s):
        for b in range(s):
            origins, dirs = camera_rays(pose, size, size, fov_x, jitter=((b + 0.5) / s, (a + 0.5) / s))
            tri, ray, loc = inter.intersects_id(origins, dirs, multiple_hits=False, return_locations=True)
            if len(ray) == 0:
                continue
            corners = mesh.triangles[tri]  # (K, 3, 3)
            bary = np.clip(trimesh.triangles.points_to_barycentric(corners, loc), 0.0, 1.0)
            bary /= bary.sum(axis=1, keepdims=True)
            faces = mesh.faces[tri]  # (K, 3)
            rgb = np.einsum("kc,kcd->kd", bary, colours[faces])
            if light is not None:
                normals = np.einsum("kc,kcd->kd", bary, mesh.vertex_normals[faces])
                normals /= np.linalg.norm(normals, axis=1, keepdims=True) + 1e-9
                lam = np.abs(normals @ (np.asarray(light) / np.linalg.norm(light)))
                rgb = rgb * (0.45 + 0.55 * lam[:, None])
            acc[ray, :3] += rgb
            acc[ray, 3] += 1.0
    acc /= s * s
    alpha = acc[:, 3:4]
    rgb = np.where(alpha > 0, acc[:, :3] / np.maximum(alpha, 1e-6), 0.0)
    out = np.concatenate([rgb, alpha], axis=1).reshape(size, size, 4)
    return (np.clip(out, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


def render_mesh_views(
    mesh, poses: list[np.ndarray], size: int, fov_x: float, supersample: int = 2, light=None
) -> list[np.ndarray]:
    """Render ``mesh`` from every pose; the Embree scene is built once."""
    inter = _intersector(mesh)
    return [render_mesh(mesh, p, size, fov_x, supersample, light, inter) for p in poses]
