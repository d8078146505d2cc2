"""Orbit camera poses and the NeRF-synthetic (Blender) ``transforms.json`` format, in and out.

Convention: world +Y is up; a pose is a 4x4 camera-to-world matrix with OpenGL camera axes
(the camera looks down its -Z, +Y up, +X right). Objects sit centred in the unit box [-0.5, 0.5]^3.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipelines.base import RequestError

DEFAULT_FOV_X = math.radians(40.0)
DEFAULT_RADIUS = 2.2
MAX_VIEW_PIXELS = 16_000_000


@dataclass(frozen=True)
class View:
    """One posed view: ``pose`` float64 (4, 4) camera-to-world, ``image`` uint8 (H, W, 4) RGBA or None."""

    pose: np.ndarray
    image: np.ndarray | None = None
    azimuth_deg: float = 0.0
    elevation_deg: float = 0.0


def look_at_pose(eye: np.ndarray, target=(0.0, 0.0, 0.0), up=(0.0, 1.0, 0.0)) -> np.ndarray:
    """Camera-to-world (4, 4) for a camera at ``eye`` looking at ``target`` (OpenGL axes)."""
    eye = np.asarray(eye, np.float64)
    z = eye - np.asarray(target, np.float64)
    z /= np.linalg.norm(z)
    x = np.cross(np.asarray(up, np.float64), z)
    if np.linalg.norm(x) < 1e-9:  # looking straight up or down
        x = np.array([1.0, 0.0, 0.0])
    x /= np.linalg.norm(x)
    y = np.cross(z, x)
    pose = np.eye(4)
    pose[:3, 0], pose[:3, 1], pose[:3, 2], pose[:3, 3] = x, y, z, eye
    return pose


def orbit_pose(azimuth_deg: float, elevation_deg: float, radius: float = DEFAULT_RADIUS) -> np.ndarray:
    """Pose on a sphere around the origin; azimuth 0 looks at the object's front (+Z side)."""
    az, el = math.radians(azimuth_deg), math.radians(elevation_deg)
    eye = radius * np.array([math.cos(el) * math.sin(az), math.sin(el), math.cos(el) * math.cos(az)])
    return look_at_pose(eye)


def orbit_poses(
    count: int, elevation_deg: float = 10.0, radius: float = DEFAULT_RADIUS, start_deg: float = 0.0
) -> list[tuple[float, np.ndarray]]:
    """``count`` evenly spaced (azimuth_deg, pose) pairs on a full orbit, as SV3D's static orbit."""
    return [
        (start_deg + 360.0 * i / count, orbit_pose(start_deg + 360.0 * i / count, elevation_deg, radius))
        for i in range(count)
    ]


def focal_from_fov(width: int, fov_x: float) -> float:
    return 0.5 * width / math.tan(0.5 * fov_x)


@functools.lru_cache(maxsize=16)
def _pixel_directions(width: int, height: int, fov_x: float, jitter: tuple[float, float]) -> np.ndarray:
    """float32 (H*W, 3) unit directions in camera axes; cached, as a turntable or training asks for the same ones."""
    f = focal_from_fov(width, fov_x)
    j, i = np.meshgrid(np.arange(width, dtype=np.float64), np.arange(height, dtype=np.float64))
    dirs = np.stack(
        [(j + jitter[0] - 0.5 * width) / f, -(i + jitter[1] - 0.5 * height) / f, -np.ones_like(j)], axis=-1
    ).reshape(-1, 3)
    dirs /= np.linalg.norm(dirs, axis=1, keepdims=True)
    dirs = dirs.astype(np.float32)
    dirs.flags.writeable = False
    return dirs


def camera_rays(
    pose: np.ndarray, width: int, height: int, fov_x: float, jitter: tuple[float, float] = (0.5, 0.5)
) -> tuple[np.ndarray, np.ndarray]:
    """World-space ray origins and unit directions, each float32 (H*W, 3), row-major from the top-left pixel."""
    rotation = np.asarray(pose, np.float64)[:3, :3]
    rotation = rotation / np.linalg.norm(rotation, axis=0, keepdims=True)  # a pure rotation keeps them unit
    dirs = _pixel_directions(int(width), int(height), float(fov_x), (float(jitter[0]), float(jitter[1])))
    dirs = dirs @ rotation.T.astype(np.float32)
    origins = np.broadcast_to(np.asarray(pose[:3, 3], np.float32), dirs.shape).copy()
    return origins, dirs


# ----------------------------------------------------------------------------------------------
# transforms.json


def write_views(
    folder: str | Path, views: list[View], fov_x: float, split: str = "train", test_views: list[View] | None = None
) -> Path:
    """Write RGBA PNGs and ``transforms.json`` (plus ``transforms_<split>.json`` files) into ``folder``."""
    from PIL import Image

    folder = Path(folder)
    manifests: dict[str, list[dict]] = {}
    for name, group in ((split, views), ("test", test_views or [])):
        if not group:
            continue
        (folder / name).mkdir(parents=True, exist_ok=True)
        frames = []
        for k, v in enumerate(group):
            rel = f"{name}/{k:03d}"
            if v.image is not None:
                Image.fromarray(v.image, "RGBA").save(folder / f"{rel}.png", optimize=False, compress_level=4)
            frames.append(
                {
                    "file_path": rel,
                    "transform_matrix": np.asarray(v.pose).round(8).tolist(),
                    "azimuth_deg": round(v.azimuth_deg, 6),
                    "elevation_deg": round(v.elevation_deg, 6),
                }
            )
        manifests[name] = frames
    for name, frames in manifests.items():
        _dump(folder / f"transforms_{name}.json", fov_x, frames)
    _dump(folder / "transforms.json", fov_x, [f for frames in manifests.values() for f in frames])
    return folder / "transforms.json"


def _dump(path: Path, fov_x: float, frames: list[dict]) -> None:
    path.write_text(json.dumps({"camera_angle_x": fov_x, "frames": frames}, indent=1))


def read_views(folder: str | Path, split: str | None = None) -> tuple[list[View], float]:
    """Read a NeRF-synthetic folder: (views with RGBA uint8 images, camera_angle_x). Split None = transforms.json."""
    from PIL import Image

    folder = Path(folder)
    manifest = folder / ("transforms.json" if split is None else f"transforms_{split}.json")
    if not manifest.is_file():
        raise RequestError(f"{folder} has no {manifest.name}: give a folder of posed views (NeRF-synthetic layout)")
    try:
        meta = json.loads(manifest.read_text())
        fov_x = float(meta["camera_angle_x"])
        frames = list(meta["frames"])
    except (ValueError, KeyError, TypeError) as exc:
        raise RequestError(f"{manifest} is not a valid transforms file: {exc}") from None
    if not (math.isfinite(fov_x) and 0.01 < fov_x < math.pi - 0.01):
        raise RequestError(f"{manifest.name}: camera_angle_x must be an angle in radians between 0 and pi, got {fov_x}")
    if len(frames) < 2:
        raise RequestError(f"{manifest} lists {len(frames)} view(s); at least 2 are needed")
    views = []
    for fr in frames:
        if not isinstance(fr, dict) or not isinstance(fr.get("file_path"), str):
            raise RequestError(f"{manifest.name}: every frame needs a file_path and a transform_matrix")
        rel = fr["file_path"]
        path = folder / rel if Path(rel).suffix else folder / f"{rel}.png"
        if not path.is_file():
            raise RequestError(f"view image {path} listed in {manifest.name} is missing")
        try:
            pose = np.asarray(fr["transform_matrix"], np.float64)
        except (KeyError, TypeError, ValueError):
            raise RequestError(f"{manifest.name}: view {rel} has no numeric 4x4 transform_matrix") from None
        if pose.shape != (4, 4):
            raise RequestError(f"{manifest.name}: transform_matrix of {rel} is not 4x4")
        if not np.isfinite(pose).all():
            raise RequestError(f"{manifest.name}: transform_matrix of {rel} holds NaN or infinite numbers")
        if abs(abs(np.linalg.det(pose[:3, :3])) - 1.0) > 0.05:
            raise RequestError(f"{manifest.name}: transform_matrix of {rel} is not a rotation and a position")
        try:
            with Image.open(path) as im:
                if im.width * im.height > MAX_VIEW_PIXELS:
                    raise RequestError(
                        f"view image {path.name} is {im.width}x{im.height}: over the "
                        f"{MAX_VIEW_PIXELS // 1_000_000} MP limit for a view"
                    )
                img = np.asarray(im.convert("RGBA"))
        except OSError:
            raise RequestError(f"view image {path.name} is not a readable image") from None
        views.append(View(pose, img, float(fr.get("azimuth_deg", 0.0)), float(fr.get("elevation_deg", 0.0))))
    if len(views) < 2:
        raise RequestError(f"{manifest} lists {len(views)} view(s); at least 2 are needed")
    sizes = {v.image.shape for v in views}
    if len(sizes) != 1:
        shown = ", ".join(f"{s[1]}x{s[0]}" for s in sorted(sizes))
        raise RequestError(f"views in {folder} differ in size ({shown}): give views of one size")
    return views, fov_x
