"""`studio generate 3d --views-dir DIR --export X.glb` through the engine API: a NeRF-synthetic folder whose object
sits away from the origin at another scale comes back as a mesh in the folder's own frame; bad folders and bad
pictures each get a one-line error."""

import json
import struct
import zlib

import numpy as np
import pytest
import trimesh
from PIL import Image

from pipelines import registry
from pipelines.base import RequestError
from pipelines.image_to_3d.cameras import View, read_views, write_views
from pipelines.image_to_3d.frame import fit_frame
from pipelines.image_to_3d.gltf import check_glb
from pipelines.image_to_3d.mesh import chamfer_distance
from pipelines.image_to_3d.reference_objects import make_object, render_dataset
from pipelines.image_to_3d.views_draft import load_picture

FOV = 0.6911112070083618  # camera_angle_x of the Blender NeRF-synthetic scenes
CENTRE, SCALE = np.array([0.5, 1.5, -1.0]), 3.0


def _moved(views):
    out = []
    for v in views:
        pose = v.pose.copy()
        pose[:3, 3] = pose[:3, 3] * SCALE + CENTRE
        out.append(View(pose, v.image))
    return out


@pytest.fixture(scope="module")
def capsule_folder(tmp_path_factory):
    truth = make_object("capsule_cone")
    train, _ = render_dataset(truth, num_views=21, size=48, fov_x=FOV, supersample=1)
    folder = tmp_path_factory.mktemp("views")
    write_views(folder, _moved(train), FOV)
    return folder, truth.copy().apply_scale(SCALE).apply_translation(CENTRE)


def test_the_object_of_a_views_folder_is_found_and_fitted_in_the_box(capsule_folder):
    folder, truth = capsule_folder
    views, fov = read_views(folder)
    frame = fit_frame(views, fov)
    assert np.allclose(frame.centre, truth.bounds.mean(0), atol=0.12 * SCALE)
    half = truth.extents.max() / 2 * frame.scale
    assert 0.3 < half < 0.5  # the object fills the NeRF box without leaving it


def test_views_folder_trains_and_exports_a_mesh_in_the_folders_frame(capsule_folder, tmp_path):
    folder, truth = capsule_folder
    request = registry.make_request(
        "3d",
        views_dir=str(folder),
        quality="draft",
        train_size=48,
        nerf_steps=60,
        mesh_faces=3000,
        turntable_seconds=0.5,
        turntable_size=32,
        fps=8,
    )
    messages = []
    result = registry.create("3d")(request, progress=lambda f, m="", p=None: messages.append(m), output_dir=tmp_path)
    glb = result.file("mesh.glb").path
    assert check_glb(glb) == []
    mesh = trimesh.load(glb, force="mesh")
    assert mesh.is_watertight and len(mesh.split(only_watertight=False)) == 1
    assert np.allclose(mesh.bounds.mean(0), truth.bounds.mean(0), atol=0.1 * SCALE)  # where the folder put it
    assert chamfer_distance(mesh, truth, samples=5000) < 0.06  # a short run at 48 px; the bench measures the goal
    assert {m.split(":")[0] for m in messages} >= {"views", "NeRF", "mesh", "turntable"}  # a bar per stage
    assert any("dB training-view" in m for m in messages)
    prov = result.provenance
    assert prov["engine"] == "draft" and prov["psnr_scored_on"] == "training-view" and prov["frame"]["scale"] > 0


def _folder(tmp_path, frames, sizes=None, fov=FOV):
    for k, fr in enumerate(frames):
        size = (sizes or [16] * len(frames))[k]
        img = np.zeros((size, size, 4), np.uint8)
        img[4:12, 4:12] = 255
        Image.fromarray(img, "RGBA").save(tmp_path / f"{k}.png")
        fr.setdefault("file_path", f"{k}")
    (tmp_path / "transforms.json").write_text(json.dumps({"camera_angle_x": fov, "frames": frames}))
    return tmp_path


EYE = np.eye(4).tolist()


@pytest.mark.parametrize(
    "frames, sizes, fov, message",
    [
        ([{"transform_matrix": EYE}], None, FOV, "1 view"),
        ([{"transform_matrix": EYE}, {"transform_matrix": EYE}], [16, 24], FOV, "differ in size"),
        ([{"transform_matrix": EYE}, {"transform_matrix": [[float("nan")] * 4] * 4}], None, FOV, "NaN"),
        ([{"transform_matrix": EYE}, {"transform_matrix": (np.eye(4) * 3).tolist()}], None, FOV, "not a rotation"),
        ([{"transform_matrix": EYE}, {"transform_matrix": "left"}], None, FOV, "numeric 4x4|not 4x4"),
        ([{"transform_matrix": EYE}, {"transform_matrix": EYE}], None, float("nan"), "camera_angle_x"),
    ],
)
def test_bad_views_folders_get_a_one_line_error(tmp_path, frames, sizes, fov, message):
    folder = _folder(tmp_path, frames, sizes, fov)
    with pytest.raises(RequestError, match=message) as err:
        registry.create("3d")(registry.make_request("3d", views_dir=str(folder)), output_dir=tmp_path / "out")
    assert "\n" not in str(err.value)


def _png_header(path, width, height):
    """A PNG that declares width x height but holds one tiny compressed row: opening it reads only the header."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0")) + chunk(b"IEND", b"")
    )
    return path


def test_a_30000_pixel_square_picture_is_refused_in_one_line(tmp_path):
    with pytest.raises(RequestError, match="30000x30000: over the 40 MP limit") as err:
        load_picture(_png_header(tmp_path / "huge.png", 30000, 30000))
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("quality", "ultra", "quality must be one of draft, standard, high"),
        ("height", -1.0, "height must be at least"),
        ("nerf_steps", -5, "steps must be a whole number"),
        ("train_size", 8, "train size must be 0"),
    ],
)
def test_bad_request_fields_are_named(tmp_path, field, value, message):
    with pytest.raises(RequestError, match=message):
        registry.make_request("3d", image=str(tmp_path / "x.png"), **{field: value})


def test_quality_sets_the_budget_and_explicit_fields_override_it(tmp_path):
    draft = registry.make_request("3d", image="x.png", quality="draft")
    high = registry.make_request("3d", image="x.png", quality="high", nerf_steps=77)
    assert draft.training_size < high.training_size and high.max_steps == 77
    assert draft.object_height == 0.3 and registry.make_request("3d", views_dir="d").object_height is None
