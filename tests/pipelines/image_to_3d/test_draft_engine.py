"""The whole draft path on a real photo shipped with scikit-image: views, NeRF, mesh, turntable, provenance."""

import json

import imageio_ffmpeg
import numpy as np
import pytest
import trimesh
from PIL import Image
from skimage import data

from pipelines import registry
from pipelines.base import Cancelled, CancelToken, RequestError
from pipelines.image_to_3d.nerf.scene import NerfScene


@pytest.fixture(scope="module")
def coffee(tmp_path_factory):
    path = tmp_path_factory.mktemp("photo") / "coffee.png"
    Image.fromarray(data.coffee()).resize((150, 100)).save(path)
    return path


def small_request(image, **over):
    fields = dict(
        image=str(image),
        quality="draft",
        num_views=4,
        view_size=64,
        train_size=32,
        nerf_steps=80,
        mesh_faces=800,
        turntable_seconds=0.5,
        turntable_size=32,
        fps=8,
        seed=1,
    )
    return registry.make_request("3d", **{**fields, **over})


def test_draft_engine_turns_a_photo_into_views_field_mesh_and_turntable(coffee, tmp_path):
    engine = registry.create("3d")
    messages = []
    result = engine(
        small_request(coffee), progress=lambda f, m="", p=None: messages.append((f, m)), output_dir=tmp_path
    )
    roles = {f.role: f.path for f in result.files}
    assert result.primary.role == "video" and set(roles) >= {
        "poster",
        "mesh.glb",
        "mesh.obj",
        "mesh.ply",
        "views",
        "field",
    }
    frames, seconds = imageio_ffmpeg.count_frames_and_secs(str(roles["video"]))
    assert frames == 4
    assert Image.open(roles["poster"]).size == (32, 32)
    meta = json.loads((roles["views"] / "transforms.json").read_text())
    assert len(meta["frames"]) == 4 and np.array(meta["frames"][1]["transform_matrix"]).shape == (4, 4)
    mesh = trimesh.load(roles["mesh.glb"], force="mesh")
    assert 0 < len(mesh.faces) <= 800 and mesh.extents.max() < 1.01
    scene = NerfScene.load(roles["field"])
    rgb, opacity = scene.render(np.array(meta["frames"][0]["transform_matrix"]), 16)
    assert opacity.max() > 0.5  # the re-loaded field still holds the object
    prov = result.provenance
    assert prov["engine"] == "draft" and any("back side is guessed" in n for n in prov["notes"])
    assert any("PSNR" in m for _, m in messages) and messages[-1][0] == 1.0


def test_draft_engine_refuses_a_picture_with_no_object(tmp_path):
    blank = tmp_path / "blank.png"
    Image.fromarray(np.full((64, 64, 3), 90, np.uint8)).save(blank)
    with pytest.raises(RequestError, match="no object found"):
        registry.create("3d")(small_request(blank), output_dir=tmp_path / "out")


def test_cancelled_draft_leaves_no_turntable(coffee, tmp_path):
    token = CancelToken()

    def cancel_during_training(fraction, message="", preview=None):
        if "NeRF step" in message:
            token.cancel()

    with pytest.raises(Cancelled):
        registry.create("3d")(small_request(coffee), progress=cancel_during_training, cancel=token, output_dir=tmp_path)
    assert not (tmp_path / "turntable.mp4").exists() and not (tmp_path / "field.safetensors").exists()


def test_request_rejects_odd_turntable_sizes(coffee):
    with pytest.raises(RequestError, match="even"):
        small_request(coffee, turntable_size=33)
