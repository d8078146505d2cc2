"""Fitting a posed views folder into the NeRF's box: a folder from another tool (Blender, nerfstudio, a capture rig)
puts its object anywhere at any scale, but the field lives in [-0.5, 0.5]^3. We find the object from the views
(where the cameras look, then the visual hull of their silhouettes), move and scale the cameras so it fills the
box, and map the mesh back to the folder's own frame afterwards."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from pipelines.base import RequestError
from pipelines.image_to_3d.cameras import View

FILL = 0.42  # the object's half extent in the box (half side 0.5): a margin for what the hull does not bound


@dataclass(frozen=True)
class SceneFrame:
    """box point = (world point - centre) * scale."""

    centre: tuple[float, float, float] = (0.0, 0.0, 0.0)
    scale: float = 1.0

    def to_box(self, views: list[View]) -> list[View]:
        out = []
        for v in views:
            pose = v.pose.copy()
            pose[:3, 3] = (pose[:3, 3] - np.asarray(self.centre)) * self.scale
            out.append(View(pose, v.image, v.azimuth_deg, v.elevation_deg))
        return out

    def to_world(self, points: np.ndarray) -> np.ndarray:
        return np.asarray(points) / self.scale + np.asarray(self.centre)

    def to_dict(self) -> dict:
        return {"centre": [round(c, 6) for c in self.centre], "scale": round(self.scale, 6)}


def look_centre(views: list[View]) -> np.ndarray:
    """The point nearest (least squares) to every camera's optical axis: what an orbit of views looks at."""
    a, b = np.zeros((3, 3)), np.zeros(3)
    for v in views:
        d = -v.pose[:3, 2] / np.linalg.norm(v.pose[:3, 2])
        m = np.eye(3) - np.outer(d, d)
        a += m
        b += m @ v.pose[:3, 3]
    if np.linalg.cond(a) > 1e8:  # all cameras look along one line: take the point in front at the mean distance
        return np.mean([v.pose[:3, 3] for v in views], 0) - np.linalg.norm(views[0].pose[:3, 3]) * views[0].pose[:3, 2]
    return np.linalg.solve(a, b)


def visual_hull(views: list[View], alphas: np.ndarray, fov_x: float, half: float, resolution: int) -> np.ndarray:
    """bool (n, n, n) cells of [-half, half]^3 that every view sees inside its silhouette (alpha > 0.02, one pixel
    of slack). Unlike the training's carving, a cell outside a view's frame is dropped: a posed folder shows its
    whole object in every view."""
    from scipy import ndimage

    n = resolution
    r = (np.arange(n) + 0.5) / n * 2 * half - half
    centres = np.stack(np.meshgrid(r, r, r, indexing="ij"), -1).reshape(-1, 3)
    keep = np.ones(len(centres), bool)
    h, w = alphas.shape[1:]
    focal = 0.5 * w / math.tan(0.5 * fov_x)
    for v, alpha in zip(views, alphas, strict=True):
        sil = ndimage.binary_dilation(alpha > 0.02, iterations=1)
        rel = (centres[keep] - v.pose[:3, 3]) @ v.pose[:3, :3]  # camera axes
        depth = -rel[:, 2]
        ok = depth > 1e-6
        u = np.where(ok, rel[:, 0] / np.maximum(depth, 1e-6) * focal + 0.5 * w, -1)
        vv = np.where(ok, -rel[:, 1] / np.maximum(depth, 1e-6) * focal + 0.5 * h, -1)
        inside = ok & (u >= 0) & (u < w) & (vv >= 0) & (vv < h)
        seen = np.zeros(len(u), bool)
        seen[inside] = sil[vv[inside].astype(int), u[inside].astype(int)]
        idx = np.nonzero(keep)[0]
        keep[idx[~seen]] = False
    return keep.reshape((n,) * 3)


def fit_frame(views: list[View], fov_x: float, resolution: int = 64) -> SceneFrame:
    """The frame that puts the object of ``views`` (RGBA, poses in the folder's units) in the NeRF box."""
    centre = look_centre(views)
    dist = float(np.median([np.linalg.norm(v.pose[:3, 3] - centre) for v in views]))
    if not math.isfinite(dist) or dist <= 0:
        raise RequestError("the views' cameras do not surround an object (they sit where they look)")
    half = dist * math.tan(0.5 * fov_x) * 1.5  # all the views see at most this far from the centre
    alphas = np.stack([v.image[..., 3] for v in views]).astype(np.float32) / 255.0
    if alphas.min() > 0.99:  # opaque backgrounds: no silhouettes to bound the object with
        return SceneFrame(tuple(float(x) for x in centre), FILL / half)
    hull = visual_hull(SceneFrame(tuple(float(x) for x in centre), 1.0).to_box(views), alphas, fov_x, half, resolution)
    cells = np.argwhere(hull)
    if len(cells) == 0:
        raise RequestError("the views' silhouettes do not overlap: their poses do not match the pictures")
    cell = 2 * half / resolution
    lo = (cells.min(0)) * cell - half + centre
    hi = (cells.max(0) + 1) * cell - half + centre
    mid = (lo + hi) / 2
    extent = float(np.max(hi - lo)) / 2
    return SceneFrame(tuple(float(x) for x in mid), FILL / max(extent, 1e-9))
