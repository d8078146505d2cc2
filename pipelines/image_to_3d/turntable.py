"""A turntable shot of the extracted mesh: frames ray-cast on an orbit, encoded to H.264 MP4, plus a still poster."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from pipelines.image_to_3d.cameras import DEFAULT_FOV_X, orbit_pose


def turntable_frames(
    mesh,
    frames: int,
    size: int,
    elevation_deg: float = 10.0,
    check_cancel: Callable[[], None] | None = None,
    progress: Callable[[float], None] | None = None,
    fov_x: float = DEFAULT_FOV_X,
    supersample: int = 2,
) -> list[np.ndarray]:
    """``frames`` uint8 (size, size, 3) images over white, one full turn starting at the front.

    The frames ray-cast the extracted, vertex-coloured mesh (Embree) rather than volume-render the NeRF: the mesh
    is what the creator exports, and a frame costs milliseconds instead of seconds. ``mesh`` is in the NeRF box's
    units (the orbit's radius and field of view frame that box).
    """
    from pipelines.image_to_3d.raycast import _intersector, render_mesh

    inter = _intersector(mesh)
    out = []
    for k in range(frames):
        if check_cancel:
            check_cancel()
        rgba = (
            render_mesh(
                mesh, orbit_pose(360.0 * k / frames, elevation_deg), size, fov_x, supersample, intersector=inter
            ).astype(np.float32)
            / 255.0
        )
        rgb = rgba[..., :3] * rgba[..., 3:] + (1.0 - rgba[..., 3:])
        out.append((np.clip(rgb, 0, 1) * 255 + 0.5).astype(np.uint8))
        if progress:
            progress((k + 1) / frames)
    return out


def encode_mp4(frames: list[np.ndarray], path: str | Path, fps: int = 24) -> Path:
    """Encode uint8 (H, W, 3) frames (even sizes) to H.264 MP4 through ffmpeg-python; written atomically."""
    import ffmpeg
    import imageio_ffmpeg

    path = Path(path)
    h, w = frames[0].shape[:2]
    tmp = path.with_name(f".{path.stem}.tmp.mp4")
    proc = (
        ffmpeg.input("pipe:", format="rawvideo", pix_fmt="rgb24", s=f"{w}x{h}", framerate=fps)
        .output(
            str(tmp),
            vcodec="libx264",
            pix_fmt="yuv420p",
            crf=18,
            preset="medium",
            movflags="+faststart",
            **{"x264-params": "threads=2"},
            loglevel="error",
        )
        .overwrite_output()
        .run_async(cmd=imageio_ffmpeg.get_ffmpeg_exe(), pipe_stdin=True, pipe_stderr=True)
    )
    for f in frames:
        proc.stdin.write(np.ascontiguousarray(f).tobytes())
    proc.stdin.close()
    err = proc.stderr.read().decode(errors="replace")
    if proc.wait() != 0:
        tmp.unlink(missing_ok=True)
        raise RuntimeError(f"ffmpeg failed to encode the turntable: {err.strip()[-300:]}")
    tmp.replace(path)
    return path


def save_poster(frame: np.ndarray, path: str | Path) -> Path:
    """Write one frame as PNG (atomically)."""
    from PIL import Image

    path = Path(path)
    tmp = path.with_name(f".{path.stem}.tmp.png")
    Image.fromarray(frame).save(tmp)
    tmp.replace(path)
    return path
