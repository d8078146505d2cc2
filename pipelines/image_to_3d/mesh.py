"""Mesh extraction from a trained field: marching cubes on density (scikit-image), a face budget met by a coarser
lattice with vertices snapped back onto the fine surface (decimation split watertight bodies), vertex colours from the radiance field, export to GLB, OBJ and PLY."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from pipelines.base import GenerationError
from pipelines.image_to_3d.nerf.lattice import colour_vertices, density_volume
from pipelines.image_to_3d.nerf.scene import NerfScene


def surface_level(scene: NerfScene, step_opacity: float = 0.05) -> float:
    """The density at which one rendering step is ``step_opacity`` opaque: a scale-aware iso-level. A low level
    follows the outside of the fitted density (which the distortion loss keeps thin) and closes young fields."""
    step = 2 * scene.grid.bound * math.sqrt(3) / scene.num_steps
    return -math.log(1.0 - step_opacity) / step


def solid_volume(vol: np.ndarray, level: float, min_part: float = 0.05) -> np.ndarray:
    """The density lattice made ready for one closed surface: enclosed cavities filled (the inside of an object is
    never seen, so the field may leave it hollow, which would add an inner shell) and solid parts under
    ``min_part`` of the largest one's volume (floaters) emptied."""
    from scipy import ndimage

    solid = ndimage.binary_fill_holes(vol > level)
    vol = np.where(solid & ~(vol > level), 4.0 * level, vol)
    labels, count = ndimage.label(solid)
    if count > 1:
        sizes = ndimage.sum(solid, labels, range(1, count + 1))
        keep = np.isin(labels, 1 + np.nonzero(sizes >= min_part * sizes.max())[0])
        near_kept = ndimage.binary_dilation(keep, iterations=2)
        vol = np.where(near_kept, vol, np.minimum(vol, 0.25 * level))
    return vol


def surface_at(vol: np.ndarray, level: float, bound: float):
    """Marching cubes on a (n, n, n) lattice spanning [-bound, bound]^3, padded so the surface is always closed:
    a watertight ``trimesh.Trimesh`` with outward-facing triangles and no degenerate faces."""
    import trimesh
    from skimage.measure import marching_cubes

    n = vol.shape[0]
    cell = 2 * bound / (n - 1)
    verts, faces, _, _ = marching_cubes(np.pad(vol, 1), level, spacing=(cell,) * 3)
    mesh = trimesh.Trimesh(verts - bound - cell, faces[:, ::-1], process=True)  # flip winding: outward normals
    mesh.update_faces(mesh.nondegenerate_faces())
    mesh.remove_unreferenced_vertices()
    return mesh


def snap_to_surface(mesh, vol: np.ndarray, level: float, bound: float, max_step: float, iterations: int = 3):
    """Move the vertices of a coarse surface onto the fine lattice's iso-surface, along the field's gradient
    (Newton steps on the trilinear interpolation, each at most ``max_step``). The faces are untouched, so the
    surface stays closed and in one piece while its accuracy becomes the fine lattice's."""
    from scipy.ndimage import map_coordinates

    n = vol.shape[0]
    cell = 2 * bound / (n - 1)
    grads = np.gradient(vol, cell)
    v = np.asarray(mesh.vertices, np.float64).copy()
    for _ in range(iterations):
        idx = ((v + bound) / cell).T
        f = map_coordinates(vol, idx, order=1, mode="nearest") - level
        g = np.stack([map_coordinates(gr, idx, order=1, mode="nearest") for gr in grads], 1)
        g2 = np.maximum((g * g).sum(1), 1e-12)
        step = -(f / g2)[:, None] * g
        length = np.linalg.norm(step, axis=1, keepdims=True)
        v += step * np.minimum(1.0, max_step / np.maximum(length, 1e-12))
    mesh.vertices = v
    return mesh


def extract_mesh(
    scene: NerfScene,
    resolution: int = 128,
    target_faces: int = 20000,
    level: float | None = None,
    min_part: float = 0.05,
):
    """A vertex-coloured, watertight ``trimesh.Trimesh`` of the field's surface in the scene's units (+Y up).

    Floaters (solid parts under ``min_part`` of the largest) are dropped before the surface is made. The face
    budget is met by re-running marching cubes on a coarser resampling of the lattice rather than by decimating
    the mesh: every pass yields a closed, manifold surface, so one solid object stays one watertight body.
    """
    import trimesh
    from scipy import ndimage

    vol = density_volume(scene, resolution)
    level = surface_level(scene) if level is None else level
    if not (vol.max() > level):
        raise GenerationError("the trained field holds no surface (nothing reached the density level)")
    vol = solid_volume(vol, level, min_part)
    b = scene.grid.bound
    mesh = surface_at(vol, level, b)
    n = resolution
    for _ in range(6):
        if not target_faces or len(mesh.faces) <= target_faces:
            break
        n = max(8, int(n * math.sqrt(target_faces / len(mesh.faces)) * 0.97))
        mesh = surface_at(ndimage.zoom(vol, n / resolution, order=1), level, b)
    if n < resolution:
        snap_to_surface(mesh, vol, level, b, max_step=2 * b / n)
    parts = mesh.split(only_watertight=False)
    if len(parts) > 1:  # resampling can cut a thin bridge: keep the parts that carry the object
        big = max(len(p.faces) for p in parts)
        mesh = trimesh.util.concatenate([p for p in parts if len(p.faces) >= min_part * big])
    mesh.visual = trimesh.visual.ColorVisuals(
        mesh, vertex_colors=colour_vertices(scene, mesh.vertices, mesh.vertex_normals)
    )
    return mesh


def place_object(mesh, height: float):
    """A copy standing on the ground: scaled so it is ``height`` tall (metres), base on y = 0, centred on x and z."""
    placed = mesh.copy()
    lo, hi = placed.bounds
    placed.apply_translation((-(lo[0] + hi[0]) / 2, -lo[1], -(lo[2] + hi[2]) / 2))
    placed.apply_scale(height / max(hi[1] - lo[1], 1e-9))
    return placed


def export_mesh(mesh, folder: str | Path, stem: str = "mesh", texture=None) -> dict[str, Path]:
    """Write ``<stem>.glb`` (our validator-clean writer; with a ``BakedTexture``, its UVs and image as well as the
    vertex colours), ``.obj`` and ``.ply`` (vertex colours) into ``folder``; returns {"mesh.glb": path, ...}."""
    from pipelines.image_to_3d.gltf import write_glb

    folder = Path(folder)
    vertices, faces = np.asarray(mesh.vertices), np.asarray(mesh.faces)
    colours = np.asarray(mesh.visual.vertex_colors, np.uint8) if mesh.visual.kind == "vertex" else None
    if texture is None:
        glb = write_glb(folder / f"{stem}.glb", vertices, faces, colours)
    else:
        glb = write_glb(
            folder / f"{stem}.glb",
            vertices[texture.vmapping],
            texture.faces,
            None if colours is None else colours[texture.vmapping],
            texture.uv,
            texture.image,
        )
    out = {"mesh.glb": glb}
    for ext in ("obj", "ply"):
        path = folder / f"{stem}.{ext}"
        tmp = folder / f".{stem}.tmp.{ext}"
        mesh.export(str(tmp), file_type=ext)
        tmp.replace(path)
        out[f"mesh.{ext}"] = path
    return out


def chamfer_distance(a, b, samples: int = 30000, scale: float | None = None, seed: int = 0) -> float:
    """Symmetric Chamfer distance: the mean of the two mean point-to-surface distances between meshes ``a`` and
    ``b``, divided by ``scale`` (default: the longest side of ``b``'s bounding box). Each surface is stood in for
    by a sample ten times denser than the query points, so the estimate's own floor is about 0.3% of the spacing."""
    from scipy.spatial import cKDTree
    from trimesh.sample import sample_surface

    qa, qb = sample_surface(a, samples, seed=seed)[0], sample_surface(b, samples, seed=seed + 1)[0]
    da, db = sample_surface(a, 10 * samples, seed=seed + 2)[0], sample_surface(b, 10 * samples, seed=seed + 3)[0]
    scale = float(np.max(b.extents)) if scale is None else scale
    d_ab = cKDTree(db).query(qa)[0].mean()
    d_ba = cKDTree(da).query(qb)[0].mean()
    return float(0.5 * (d_ab + d_ba) / scale)
