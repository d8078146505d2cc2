"""The hash-grid field, two training iterations on tiny data, checkpoints, mesh extraction and export."""

import numpy as np
import pytest
import torch
import trimesh

from pipelines.base import Cancelled, CancelToken, RequestError
from pipelines.image_to_3d.cameras import DEFAULT_FOV_X
from pipelines.image_to_3d.mesh import chamfer_distance, export_mesh, extract_mesh, surface_level
from pipelines.image_to_3d.nerf.field import FieldConfig, HashGridEncoding, RadianceField
from pipelines.image_to_3d.nerf.sampler import OccupancyGrid
from pipelines.image_to_3d.nerf.scene import NerfScene
from pipelines.image_to_3d.nerf.trainer import TrainConfig, Trainer
from pipelines.image_to_3d.reference_objects import make_object, render_dataset

TINY = FieldConfig(levels=4, log2_table_size=10, max_resolution=64, hidden=16, geo_features=7)


def test_hash_grid_encodes_points_and_passes_gradients_to_its_table():
    enc = HashGridEncoding(levels=4, features=2, log2_table_size=12, base_res=4, max_res=64)
    x = torch.rand(50, 3)
    out = enc(x)
    assert out.shape == (50, 8)
    out.square().sum().backward()
    assert enc.table.grad.abs().sum() > 0
    assert enc.dense.tolist() == [True, True, False, False]  # coarse levels index directly, fine levels hash


def test_hash_grid_interpolates_continuously_across_cells():
    enc = HashGridEncoding(levels=2, features=2, log2_table_size=8, base_res=4, max_res=8)
    torch.nn.init.normal_(enc.table)
    a = enc(torch.tensor([[0.25 - 1e-5, 0.5, 0.5]]))
    b = enc(torch.tensor([[0.25 + 1e-5, 0.5, 0.5]]))
    assert torch.allclose(a, b, atol=1e-3)


@pytest.fixture(scope="module")
def tiny_views():
    return render_dataset(make_object("box_on_sphere"), num_views=4, size=16, supersample=1)


def test_two_training_iterations_report_psnr_and_save_a_checkpoint_that_renders_the_same(tiny_views, tmp_path):
    train, held_out = tiny_views
    trainer = Trainer(
        train,
        DEFAULT_FOV_X,
        TrainConfig(
            steps=2, batch_rays=256, field=TINY, grid_resolution=16, eval_every=2, preview_every=2, preview_size=8
        ),
    )
    assert trainer.transparent and trainer.grid.occupied.float().mean() < 0.9  # the silhouettes carved space
    messages, previews = [], []
    scene = trainer.train(
        lambda f, m, p=None: (messages.append(m), previews.append(p)),
        eval_views=held_out[:1],
        preview_pose=train[0].pose,
    )
    assert trainer.step_count == 2 and "PSNR" in messages[-1] and "held-out" in messages[-1]
    assert previews[-1].shape == (8, 8, 3)
    path = scene.save(tmp_path / "field.safetensors")
    again = NerfScene.load(path)
    a, _ = scene.render(train[1].pose, 12)
    b, _ = again.render(train[1].pose, 12)
    assert np.allclose(a, b, atol=1e-6)


def test_training_stops_when_cancelled(tiny_views):
    token = CancelToken()
    token.cancel()
    trainer = Trainer(tiny_views[0], DEFAULT_FOV_X, TrainConfig(steps=5, batch_rays=64, field=TINY))
    with pytest.raises(Cancelled):
        trainer.train(check_cancel=token.check)
    assert trainer.step_count == 0


def test_checkpoints_must_be_safetensors(tmp_path):
    (tmp_path / "field.pt").write_bytes(b"\x80\x04")
    with pytest.raises(RequestError, match="safetensors"):
        NerfScene.load(tmp_path / "field.pt")


class SphereField(RadianceField):
    """A field with an analytic ball of radius 0.3 (density rising linearly inwards through the iso-level at r = 0.3,
    so the lattice sampling adds no bias); colour by height."""

    level = 0.0

    def density(self, x):
        sigma = (self.level + 1000.0 * (0.3 - x.norm(dim=-1))).clamp_min(0.0)
        return sigma, torch.zeros(x.shape[0], self.config.geo_features)

    def forward(self, x, d):
        sigma, _ = self.density(x)
        return sigma, torch.stack([0.5 + x[:, 1], torch.full_like(sigma, 0.2), 0.5 - x[:, 1]], -1).clamp(0, 1)


def test_mesh_from_density_matches_the_true_surface_and_exports(tmp_path):
    grid = OccupancyGrid(0.5, 16)
    scene = NerfScene(SphereField(TINY), grid, None, DEFAULT_FOV_X)
    scene.field.level = surface_level(scene)
    mesh = extract_mesh(scene, resolution=64, target_faces=2000)
    assert len(mesh.faces) <= 2000 and mesh.is_watertight
    truth = trimesh.creation.icosphere(5, radius=0.3)
    assert chamfer_distance(mesh, truth, samples=5000) < 0.01
    top = mesh.visual.vertex_colors[np.argmax(mesh.vertices[:, 1])]
    assert top[0] > 180 and top[2] < 80  # colours come from the field
    files = export_mesh(mesh, tmp_path)
    loaded = trimesh.load(files["mesh.glb"], force="mesh")
    assert len(loaded.faces) == len(mesh.faces)
    assert files["mesh.obj"].stat().st_size > 0 and files["mesh.ply"].stat().st_size > 0
