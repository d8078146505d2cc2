"""Poses, transforms.json round trips, the cut-out, the inflation proxy and the errors for unusable pictures."""

import json
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from pipelines.base import RequestError
from pipelines.image_to_3d.cameras import DEFAULT_FOV_X, View, camera_rays, orbit_pose, read_views, write_views
from pipelines.image_to_3d.views_draft import cut_out, draft_views, inflate_proxy, load_picture


def test_orbit_pose_looks_at_the_origin_with_y_up():
    pose = orbit_pose(90.0, 30.0, 2.0)
    eye = pose[:3, 3]
    assert np.isclose(np.linalg.norm(eye), 2.0)
    assert eye[0] > 0 and eye[1] > 0  # azimuth 90 is on +X, elevation lifts the camera
    forward = -pose[:3, 2]
    assert np.allclose(forward, -eye / np.linalg.norm(eye))
    assert pose[1, 1] > 0  # camera up has a positive world-Y component
    o, d = camera_rays(pose, 9, 9, DEFAULT_FOV_X)
    centre = d[4 * 9 + 4]
    assert np.allclose(centre, forward, atol=1e-6)


def test_transforms_json_round_trips_views_and_poses(tmp_path):
    img = np.zeros((8, 8, 4), np.uint8)
    img[2:6, 2:6] = (200, 10, 10, 255)
    views = [View(orbit_pose(a, 10.0), img, a, 10.0) for a in (0.0, 120.0, 240.0)]
    write_views(tmp_path, views, 0.7, test_views=views[:1])
    meta = json.loads((tmp_path / "transforms.json").read_text())
    assert meta["camera_angle_x"] == 0.7 and meta["frames"][0]["file_path"] == "train/000"
    back, fov = read_views(tmp_path, "train")
    assert fov == 0.7 and len(back) == 3
    assert np.allclose(back[1].pose, views[1].pose, atol=1e-7)
    assert np.array_equal(back[2].image, img)


def test_views_folder_without_transforms_is_refused(tmp_path):
    with pytest.raises(RequestError, match="transforms.json"):
        read_views(tmp_path)


def _save(tmp_path, array, name="pic.png"):
    path = tmp_path / name
    Image.fromarray(array).save(path)
    return path


def test_cut_out_finds_an_object_on_a_plain_background():
    rgba = np.full((80, 80, 4), 255, np.uint8)
    rgba[20:60, 30:50, :3] = (30, 90, 200)
    mask = cut_out(rgba)
    assert mask[40, 40] and not mask[5, 5]
    assert abs(mask.sum() - 40 * 20) < 120


def test_user_mask_wins_over_the_picture():
    rgba = np.full((40, 40, 4), 255, np.uint8)
    user = np.zeros((40, 40), np.uint8)
    user[10:30, 10:30] = 255
    assert cut_out(rgba, user).sum() == 400


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: _save(p, np.zeros((32, 32, 4), np.uint8)), "fully transparent"),
        (lambda p: _save(p, np.full((32, 32, 3), 128, np.uint8)), "no object found"),
        (lambda p: _save(p, np.zeros((1, 1, 3), np.uint8)), "too small"),
        (lambda p: (p / "notes.png").write_text("not an image") and p / "notes.png", "not a readable image"),
        (lambda p: p / "missing.png", "does not exist"),
    ],
)
def test_unusable_pictures_get_a_clear_error(tmp_path, make, message):
    path = make(tmp_path)
    with pytest.raises(RequestError, match=message):
        cut_out(load_picture(path))


def test_huge_picture_is_refused_before_decoding(tmp_path):
    path = tmp_path / "huge.png"
    Image.new("1", (6600, 6600)).save(path)  # 43.6 MP, a 1-bit picture compresses to a few kB
    with pytest.raises(RequestError, match="MP limit"):
        load_picture(path)


def test_inflated_proxy_is_round_and_fits_the_unit_box():
    yy, xx = np.mgrid[:64, :64]
    disc = (yy - 32) ** 2 + (xx - 32) ** 2 < 28**2
    rgba = np.full((64, 64, 4), 255, np.uint8)
    proxy = inflate_proxy(rgba, disc, depth_ratio=1.0)
    ext = proxy.extents
    assert np.isclose(ext.max(), 0.9)
    assert ext[2] > 0.8 * ext[0]  # a disc inflates to a near-sphere: deep as it is wide


def test_draft_views_show_the_object_from_every_side():
    rgba = np.full((64, 64, 4), 255, np.uint8)
    rgba[16:48, 24:40, :3] = (220, 40, 40)
    views, _ = draft_views(rgba, num_views=4, size=32, supersample=1)
    assert len(views) == 4 and views[0].image.shape == (32, 32, 4)
    for v in views:
        assert v.image[..., 3].max() == 255 and v.image[0, 0, 3] == 0
    front = views[0].image
    assert front[16, 16, 0] > 150 and front[16, 16, 1] < 100  # the front shows the picture's red


def test_light_modules_do_not_import_torch():
    code = (
        "import sys, pipelines.image_to_3d, pipelines.image_to_3d.draft, pipelines.image_to_3d.request;"
        "from pipelines import registry; registry.engines('3d');"
        "assert 'torch' not in sys.modules and 'diffusers' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
