"""A baked colour texture for the exported mesh: UV charts from xatlas (the unwrapper Blender and Godot use), then
every texel coloured by the radiance field at its surface point, seen from outside along the normal."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class BakedTexture:
    """``vmapping`` (V',) maps each unwrapped vertex to the mesh vertex it copies (seams split vertices);
    ``faces`` (M, 3) index the unwrapped vertices; ``uv`` float32 (V', 2) with (0, 0) the image's top-left;
    ``image`` uint8 (size, size, 3)."""

    vmapping: np.ndarray
    faces: np.ndarray
    uv: np.ndarray
    image: np.ndarray


def _rasterise_ids(uv_px: np.ndarray, faces: np.ndarray, size: int) -> np.ndarray:
    """int64 (size, size) image of face index + 1 covering each texel centre (0: no face)."""
    from PIL import Image, ImageDraw

    im = Image.new("I", (size, size), 0)
    draw = ImageDraw.Draw(im)
    for k, tri in enumerate(uv_px[faces]):
        draw.polygon([tuple(p) for p in tri], fill=k + 1)
    return np.asarray(im, np.int64)


def bake_texture(scene, mesh, size: int = 1024) -> BakedTexture:
    """Unwrap ``mesh`` (in the NeRF box's units, with vertex normals) and bake the field's colours into a texture."""
    import torch
    import xatlas
    from scipy import ndimage

    vmapping, faces, uv = xatlas.parametrize(np.asarray(mesh.vertices, np.float32), np.asarray(mesh.faces, np.uint32))
    uv = uv.astype(np.float32)
    uv_px = uv * size - 0.5  # texel centres sit at integer coordinates
    ids = _rasterise_ids(uv_px, faces.astype(np.int64), size)
    ty, tx = np.nonzero(ids)
    face = ids[ty, tx] - 1
    corners = uv_px[faces[face]]  # (K, 3, 2)
    # Barycentric coordinates of each covered texel in its face's UV triangle.
    v0, v1 = corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0]
    p = np.stack([tx, ty], 1).astype(np.float32) - corners[:, 0]
    den = v0[:, 0] * v1[:, 1] - v1[:, 0] * v0[:, 1]
    den = np.where(np.abs(den) < 1e-12, 1e-12, den)
    b1 = (p[:, 0] * v1[:, 1] - v1[:, 0] * p[:, 1]) / den
    b2 = (v0[:, 0] * p[:, 1] - p[:, 0] * v0[:, 1]) / den
    bary = np.clip(np.stack([1 - b1 - b2, b1, b2], 1), 0, 1)
    bary /= bary.sum(1, keepdims=True)
    src = vmapping[faces[face]]  # (K, 3) original vertex ids
    pts = np.einsum("kc,kcd->kd", bary, np.asarray(mesh.vertices)[src])
    nrm = np.einsum("kc,kcd->kd", bary, np.asarray(mesh.vertex_normals)[src])
    nrm /= np.linalg.norm(nrm, axis=1, keepdims=True) + 1e-9
    x = torch.from_numpy(pts.astype(np.float32)).to(scene.device)
    d = -torch.from_numpy(nrm.astype(np.float32)).to(scene.device)
    with torch.no_grad():  # scene: a NerfScene
        rgb = torch.cat([scene.field(x[i : i + 65536], d[i : i + 65536])[1] for i in range(0, len(x), 65536)])
    image = np.zeros((size, size, 3), np.uint8)
    image[ty, tx] = (rgb.clamp(0, 1) * 255 + 0.5).to(torch.uint8).cpu().numpy()
    # Fill the texels between charts with the nearest chart colour, so filtering at chart edges shows no seams.
    _, (iy, ix) = ndimage.distance_transform_edt(ids == 0, return_indices=True)
    image = image[iy, ix]
    return BakedTexture(vmapping.astype(np.int64), faces.astype(np.int64), uv, image)
