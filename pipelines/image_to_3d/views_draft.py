"""Draft orbital views on the CPU: cut the object out of the picture, lift it to a 3D proxy by inflating its
silhouette (a round profile from the distance transform, mirrored to a guessed back side), texture the proxy
from the picture, and render the orbit by ray casting. The back of the object is a guess."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pipelines.base import RequestError
from pipelines.image_to_3d.cameras import DEFAULT_FOV_X, View, orbit_poses
from pipelines.image_to_3d.raycast import render_mesh_views

MAX_INPUT_PIXELS = 40_000_000
MIN_SIDE = 16
PROXY_GRID = 160  # the cut-out is resampled so its longer side has this many cells
BACK_SIDE_NOTE = "back side is guessed: the proxy mirrors the front's colours onto an inflated back"


def load_picture(path: str | Path) -> np.ndarray:
    """uint8 (H, W, 4) RGBA from an image file, with clear errors for files that are not usable pictures."""
    from PIL import Image, UnidentifiedImageError

    path = Path(path)
    if not path.is_file():
        raise RequestError(f"image {path} does not exist")
    Image.MAX_IMAGE_PIXELS = None
    try:
        with Image.open(path) as im:
            w, h = im.size
            if w * h > MAX_INPUT_PIXELS:
                raise RequestError(f"image {path.name} is {w}x{h}: over the {MAX_INPUT_PIXELS // 1_000_000} MP limit")
            if min(w, h) < MIN_SIDE:
                raise RequestError(f"image {path.name} is {w}x{h}: too small (at least {MIN_SIDE} px a side)")
            return np.asarray(im.convert("RGBA"))
    except (UnidentifiedImageError, OSError) as exc:
        raise RequestError(f"{path.name} is not a readable image ({exc.__class__.__name__})") from None


def cut_out(rgba: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """bool (H, W) object mask: the user's mask, else the image's alpha, else what differs from the border colour.

    The largest connected part is kept and its holes filled.
    """
    from scipy import ndimage

    if mask is not None:
        if mask.shape[:2] != rgba.shape[:2]:
            raise RequestError(
                f"mask is {mask.shape[1]}x{mask.shape[0]} but the image is {rgba.shape[1]}x{rgba.shape[0]}"
            )
        m = (mask if mask.ndim == 2 else mask[..., -1] if mask.shape[-1] in (2, 4) else mask.mean(-1)) > 127
    elif rgba[..., 3].min() < 250:
        if rgba[..., 3].max() < 8:
            raise RequestError("the image is fully transparent: there is no object to lift")
        m = rgba[..., 3] > 127
    else:
        rgb = rgba[..., :3].astype(np.float32)
        border = np.concatenate([rgb[0], rgb[-1], rgb[:, 0], rgb[:, -1]])
        bg = np.median(border, axis=0)
        spread = np.median(np.abs(border - bg).max(-1))
        dist = np.abs(rgb - bg).max(-1)
        m = dist > max(30.0, 3.0 * spread)
        m = ndimage.binary_opening(m, iterations=2)
    labels, n = ndimage.label(m)
    if n == 0:
        raise RequestError("no object found in the image: give a picture with a plain background, alpha or a mask")
    sizes = ndimage.sum(m, labels, range(1, n + 1))
    m = labels == (1 + int(np.argmax(sizes)))
    m = ndimage.binary_fill_holes(m)
    if m.sum() < 0.002 * m.size or m.sum() < 64:
        raise RequestError("no object found in the image: the cut-out is only a few pixels")
    if m.mean() > 0.97:
        raise RequestError("no object found in the image: nothing stands apart from the background")
    return m


def inflate_proxy(rgba: np.ndarray, mask: np.ndarray, depth_ratio: float = 0.8, grid: int = PROXY_GRID):
    """A closed, vertex-coloured ``trimesh.Trimesh`` lifted from the cut-out, centred and fitting the unit box.

    Front and back are height fields over the silhouette with a round profile h = sqrt(2 R d - d^2) (d: distance
    to the outline, R: the largest inscribed radius), meeting at the outline; the back repeats the front's colours.
    """
    import trimesh
    from PIL import Image
    from scipy import ndimage

    ys, xs = np.nonzero(mask)
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    pad = max(2, (max(y1 - y0, x1 - x0)) // 40)
    y0, x0 = max(0, y0 - pad), max(0, x0 - pad)
    y1, x1 = min(mask.shape[0], y1 + pad), min(mask.shape[1], x1 + pad)
    scale = grid / max(y1 - y0, x1 - x0)
    h, w = max(2, round((y1 - y0) * scale)), max(2, round((x1 - x0) * scale))
    m = np.asarray(Image.fromarray(mask[y0:y1, x0:x1].astype(np.uint8) * 255).resize((w, h), Image.BILINEAR)) > 127
    rgb = np.asarray(Image.fromarray(rgba[y0:y1, x0:x1, :3]).resize((w, h), Image.LANCZOS))
    m = np.pad(m, 1)  # (h+2, w+2) pixels; the outline never touches the border
    rgb = np.pad(rgb, ((1, 1), (1, 1), (0, 0)), mode="edge").astype(np.float32)
    hh, ww = m.shape
    d = ndimage.distance_transform_edt(m)
    radius = d.max()
    height = np.sqrt(np.clip(2 * radius * d - d * d, 0, None)) * depth_ratio
    # Corner lattice (hh+1, ww+1): a corner is inside if any of its four pixels is; on the outline if not all are.
    pm = np.pad(m, 1).astype(np.int32)
    count = pm[:-1, :-1] + pm[1:, :-1] + pm[:-1, 1:] + pm[1:, 1:]
    ph = np.pad(height, 1)
    corner_h = (ph[:-1, :-1] + ph[1:, :-1] + ph[:-1, 1:] + ph[1:, 1:]) / np.maximum(count, 1)
    corner_h[count < 4] = 0.0
    prgb = np.pad(rgb * m[..., None], ((1, 1), (1, 1), (0, 0)))
    corner_rgb = (prgb[:-1, :-1] + prgb[1:, :-1] + prgb[:-1, 1:] + prgb[1:, 1:]) / np.maximum(count, 1)[..., None]
    inside = count > 0
    rim = inside & (count < 4)
    front_id = -np.ones(inside.shape, np.int64)
    front_id[inside] = np.arange(inside.sum())
    back_id = front_id.copy()
    interior = inside & ~rim
    back_id[interior] = inside.sum() + np.arange(interior.sum())
    cy, cx = np.nonzero(inside)
    by, bx = np.nonzero(interior)
    verts = np.concatenate([np.stack([cx, -cy, corner_h[cy, cx]], 1), np.stack([bx, -by, -corner_h[by, bx]], 1)])
    colours = np.concatenate([corner_rgb[cy, cx], corner_rgb[by, bx] * 0.92])  # the guessed back, a little darker
    py, px = np.nonzero(m)  # pixel (py, px) spans corners (py..py+1, px..px+1)
    a, b = front_id[py, px], front_id[py, px + 1]
    c, e = front_id[py + 1, px + 1], front_id[py + 1, px]
    ba, bb = back_id[py, px], back_id[py, px + 1]
    bc, be = back_id[py + 1, px + 1], back_id[py + 1, px]
    faces = np.concatenate(
        [
            np.stack([a, e, c], 1),
            np.stack([a, c, b], 1),  # front, counter-clockwise from +Z
            np.stack([ba, bc, be], 1),
            np.stack([ba, bb, bc], 1),
        ]
    )
    faces = faces[(faces[:, 0] != faces[:, 1]) & (faces[:, 1] != faces[:, 2]) & (faces[:, 0] != faces[:, 2])]
    mesh = trimesh.Trimesh(verts.astype(np.float64), faces, process=False)
    mesh.visual.vertex_colors = np.concatenate([np.clip(colours, 0, 255), np.full((len(colours), 1), 255)], 1).astype(
        np.uint8
    )
    mesh.remove_unreferenced_vertices()
    mesh.apply_translation(-mesh.bounds.mean(axis=0))
    mesh.apply_scale(0.9 / mesh.extents.max())
    return mesh


def draft_views(
    rgba: np.ndarray,
    mask: np.ndarray | None = None,
    num_views: int = 21,
    elevation_deg: float = 10.0,
    size: int = 256,
    fov_x: float = DEFAULT_FOV_X,
    supersample: int = 2,
) -> tuple[list[View], object]:
    """(orbit views RGBA at known poses, the proxy mesh) from a picture: the first view faces the picture."""
    import trimesh

    proxy = inflate_proxy(rgba, cut_out(rgba, mask))
    # The picture is taken from ``elevation_deg``: tilt the proxy so that camera sees its front.
    proxy.apply_transform(trimesh.transformations.rotation_matrix(np.radians(elevation_deg), (1, 0, 0)))
    poses = orbit_poses(num_views, elevation_deg)
    images = render_mesh_views(proxy, [p for _, p in poses], size, fov_x, supersample)
    return [View(p, im, az, elevation_deg) for (az, p), im in zip(poses, images, strict=False)], proxy
