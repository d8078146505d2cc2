"""Exported files that open everywhere: a validator-clean GLB, one watertight body under the face budget, a
real-world size standing on y = 0, and a baked texture."""

import json
import os
import shutil
import struct
import subprocess
from pathlib import Path

import numpy as np
import pytest
import torch
import trimesh

from pipelines.image_to_3d.cameras import DEFAULT_FOV_X
from pipelines.image_to_3d.gltf import check_glb, unit_normals, write_glb
from pipelines.image_to_3d.mesh import chamfer_distance, export_mesh, extract_mesh, place_object, surface_level
from pipelines.image_to_3d.nerf.field import FieldConfig, RadianceField
from pipelines.image_to_3d.nerf.sampler import OccupancyGrid
from pipelines.image_to_3d.nerf.scene import NerfScene

TINY = FieldConfig(levels=4, log2_table_size=10, max_resolution=64, hidden=16, geo_features=7)


class DumbbellField(RadianceField):
    """Two balls (radius 0.18 at x = +-0.22) joined by a bar of radius 0.06: one solid with a thin neck, the shape
    decimation used to break into many bodies. Signed distance scaled so density crosses the iso-level at the
    surface; colour red at the top, blue at the bottom."""

    level = 0.0

    @staticmethod
    def sdf(x):
        ball = torch.minimum(
            (x - torch.tensor([0.22, 0, 0])).norm(dim=-1), (x + torch.tensor([0.22, 0, 0])).norm(dim=-1)
        )
        bar = torch.maximum(x[:, 1:].norm(dim=-1) - 0.06, x[:, 0].abs() - 0.22)
        return torch.minimum(ball - 0.18, bar)

    def density(self, x):
        return (self.level - 1000.0 * self.sdf(x)).clamp_min(0.0), torch.zeros(x.shape[0], self.config.geo_features)

    def forward(self, x, d):
        sigma, _ = self.density(x)
        return sigma, torch.stack([0.5 + 2 * x[:, 1], torch.full_like(sigma, 0.2), 0.5 - 2 * x[:, 1]], -1).clamp(0, 1)


@pytest.fixture(scope="module")
def dumbbell():
    scene = NerfScene(DumbbellField(TINY), OccupancyGrid(0.5, 16), None, DEFAULT_FOV_X)
    scene.field.level = surface_level(scene)
    truth = trimesh.util.concatenate(
        [trimesh.creation.icosphere(4, radius=0.18).apply_translation((s, 0, 0)) for s in (-0.22, 0.22)]
    )
    return scene, truth


def test_a_face_budget_keeps_one_solid_one_watertight_body(dumbbell):
    scene, truth = dumbbell
    mesh = extract_mesh(scene, resolution=96, target_faces=3000)
    assert len(mesh.faces) <= 3000
    assert mesh.is_watertight and len(mesh.split(only_watertight=False)) == 1  # decimation gave dozens of bodies
    assert chamfer_distance(mesh, truth, samples=5000) < 0.02  # the balls dominate: the bar adds little area


def test_glb_passes_the_validator_checks_in_python(dumbbell, tmp_path):
    scene, _ = dumbbell
    mesh = extract_mesh(scene, resolution=64, target_faces=4000)
    files = export_mesh(place_object(mesh, 0.3), tmp_path)
    assert check_glb(files["mesh.glb"]) == []
    loaded = trimesh.load(files["mesh.glb"], force="mesh")
    assert loaded.is_watertight and abs(loaded.extents[1] - 0.3) < 1e-4 and abs(loaded.bounds[0][1]) < 1e-6
    assert trimesh.load(files["mesh.ply"]).is_watertight


def test_glb_writer_drops_degenerate_triangles_and_writes_unit_normals(tmp_path):
    vertices = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [2, 0, 0], [9, 9, 9]], np.float64)
    faces = np.array([[0, 1, 2], [0, 1, 3], [1, 1, 2]])  # the 2nd is a zero-area sliver, the 3rd repeats a corner
    path = write_glb(tmp_path / "t.glb", vertices, faces, np.full((5, 3), 200, np.uint8))
    assert check_glb(path) == []
    mesh = trimesh.load(path, force="mesh", process=False)
    assert len(mesh.faces) == 1 and len(mesh.vertices) == 3  # unused vertices go too
    assert np.allclose(np.linalg.norm(unit_normals(vertices, faces), axis=1), 1.0, atol=1e-6)


def test_python_check_catches_a_non_unit_normal(tmp_path):
    vertices = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0]], np.float32)
    path = write_glb(tmp_path / "ok.glb", vertices, np.array([[0, 1, 2]]))
    data = bytearray(path.read_bytes())
    jlen = struct.unpack_from("<I", data, 12)[0]
    gltf = json.loads(data[20 : 20 + jlen])
    normal_view = gltf["bufferViews"][gltf["accessors"][1]["bufferView"]]
    struct.pack_into("<f", data, 28 + jlen + normal_view["byteOffset"], 2.0)  # stretch one normal
    path.write_bytes(bytes(data))
    assert check_glb(path) == ["1 non-unit normals"]


def test_baked_texture_carries_the_field_colours(dumbbell, tmp_path):
    from pipelines.image_to_3d.texture import bake_texture

    scene, _ = dumbbell
    mesh = extract_mesh(scene, resolution=48, target_faces=2000)
    baked = bake_texture(scene, mesh, 128)
    assert baked.image.shape == (128, 128, 3) and baked.uv.min() >= 0 and baked.uv.max() <= 1
    files = export_mesh(mesh, tmp_path, texture=baked)
    assert check_glb(files["mesh.glb"]) == []
    for pick, want_red in ((np.argmax, True), (np.argmin, False)):  # top is red, bottom blue
        k = pick(np.asarray(mesh.vertices)[baked.vmapping][:, 1])
        col, row = (baked.uv[k] * 128 - 0.5).round().astype(int).clip(0, 127)  # glTF: v = 0 is the image's top
        r, _, b = baked.image[row, col].astype(int)
        assert (r > b + 60) if want_red else (b > r + 60)
    loaded = trimesh.load(files["mesh.glb"], force="mesh")
    assert loaded.visual.uv.shape == (len(baked.uv), 2)


def _validator_module() -> Path | None:
    """The Khronos glTF validator (npm ``gltf-validator``) where node has it: $GLTF_VALIDATOR_DIR or npm's root."""
    if not shutil.which("node"):
        return None
    roots = [os.environ.get("GLTF_VALIDATOR_DIR", "")]
    if shutil.which("npm"):
        roots.append(subprocess.run(["npm", "root", "-g"], capture_output=True, text=True).stdout.strip())
    for root in roots:
        if root and (Path(root) / "gltf-validator" / "package.json").is_file():
            return Path(root) / "gltf-validator"
    return None


@pytest.mark.skipif(_validator_module() is None, reason="node with the gltf-validator package is not installed")
def test_khronos_validator_reports_no_errors(dumbbell, tmp_path):
    from pipelines.image_to_3d.texture import bake_texture

    scene, _ = dumbbell
    mesh = extract_mesh(scene, resolution=48, target_faces=2000)
    files = export_mesh(place_object(mesh, 0.3), tmp_path, texture=bake_texture(scene, mesh, 64))
    script = (
        "const v=require(process.argv[1]);const d=new Uint8Array(require('fs').readFileSync(process.argv[2]));"
        "v.validateBytes(d).then(r=>console.log(JSON.stringify(r.issues)))"
    )
    out = subprocess.run(
        ["node", "-e", script, str(_validator_module()), str(files["mesh.glb"])],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    issues = json.loads(out)
    assert issues["numErrors"] == 0 and issues["numWarnings"] == 0, issues["messages"][:5]
