"""The GPU run's script cannot rot between lent machines: ``tests/bench/gpu/run.sh --tiny`` runs every section
end to end on the CPU with tiny configs (about 1.5 minutes on 2 loaded cores), and its ground-truth ray caster
(used where Embree is missing, as on the bare GPU machine) matches Embree pixel for pixel."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.timeout(1300)
def test_gpu_run_script_runs_every_section_with_tiny_configs(tmp_path):
    pytest.importorskip("diffusers")
    pytest.importorskip("torchsde")
    out = tmp_path / "gpu.jsonl"
    env = {**os.environ, "PYTHON": sys.executable}
    done = subprocess.run(
        ["bash", str(ROOT / "tests/bench/gpu/run.sh"), "--tiny", "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1250,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    records = [json.loads(line) for line in out.read_text().splitlines()]
    status = {r["section"]: r["status"] for r in records if r.get("run") == "section"}
    assert status == dict.fromkeys(["ltx", "stable_audio", "ace_step", "sv3d", "nerf", "wan"], "ok")
    runs = {(r["section"], r.get("run")) for r in records}
    assert {
        ("ltx", "plain"),
        ("ltx", "ours"),
        ("ltx", "ours+cache"),
        ("ltx_distilled", "ours"),
        ("stable_audio", "plain"),
        ("stable_audio", "ours"),
        ("stable_audio", "ours fast preset"),
        ("ace_step", "plain"),
        ("ace_step", "ours"),
        ("sv3d", "plain"),
        ("sv3d", "ours"),
        ("nerf", "ours"),
        ("wan", "ours"),
    } <= runs
    ltx = next(r for r in records if r["section"] == "ltx" and r.get("run") == "plain")
    assert ltx["pass_gflop"] > 0 and ltx["frames"] == 9
    cached = next(r for r in records if r["section"] == "ltx" and r.get("run") == "ours+cache")
    assert "first-block cache 0.05" in cached["settings"] and any("compiled" in s for s in cached["settings"])
    assert records[-1]["section"] == "end" and records[-1]["failed"] == 0


def test_torch_ray_caster_hits_what_embree_hits():
    trimesh = pytest.importorskip("trimesh")
    if not trimesh.ray.has_embree:
        pytest.skip("Embree is the reference")
    import torch

    from pipelines.image_to_3d.cameras import DEFAULT_FOV_X, orbit_poses
    from pipelines.image_to_3d.raycast import _intersector, render_mesh
    from pipelines.image_to_3d.reference_objects import make_object
    from tests.bench.gpu.nerf_section import TorchRayCaster

    torch.set_num_threads(1)
    mesh = make_object("torus_box")
    pose = orbit_poses(21, 10.0)[5][1]
    ours = render_mesh(mesh, pose, 16, DEFAULT_FOV_X, 1, (0.3, 1.0, 0.5), TorchRayCaster(mesh, "cpu", chunk=64))
    embree = render_mesh(mesh, pose, 16, DEFAULT_FOV_X, 1, (0.3, 1.0, 0.5), _intersector(mesh))
    assert (ours[..., 3] > 0).sum() > 10  # the object covers part of the frame
    assert np.abs(ours.astype(int) - embree).max() <= 4
