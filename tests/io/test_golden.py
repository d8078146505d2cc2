"""Golden files: every schema version we ship still opens, upgrades, and saves to the current bytes."""

import json

from studio.io import load_project, project_from_dict, save_project
from studio.io.schema import CURRENT, UPGRADES
from tests.io.conftest import BASELINES


def _labels(node, found):
    if isinstance(node, dict):
        if isinstance(node.get("schema"), str):
            found.add(node["schema"])
        for key, value in node.items():
            if key not in ("settings", "provenance", "request", "related"):
                _labels(value, found)
    elif isinstance(node, list):
        for item in node:
            _labels(item, found)
    return found


def test_current_golden_holds_every_type_at_its_current_version():
    labels = _labels(json.loads((BASELINES / "project-v2.json").read_text()), set())
    assert labels == {f"{name}.{version}" for name, version in CURRENT.items()}


def test_every_registered_upgrade_is_exercised_by_a_golden_file():
    old = _labels(json.loads((BASELINES / "project-v1.json").read_text()), set())
    assert {f"{name}.{version}" for name, version in UPGRADES} <= old


def test_v1_project_upgrades_to_the_same_model_as_the_current_golden():
    v1 = project_from_dict(json.loads((BASELINES / "project-v1.json").read_text()))
    v2 = project_from_dict(json.loads((BASELINES / "project-v2.json").read_text()))
    assert v1 == v2
    clip = v1.find_clip("clip_song")[2]
    assert (clip.video_fade_in, clip.audio_fade_in, clip.audio_fade_out) == (24, 24, 48)


def test_saving_an_upgraded_project_writes_the_current_golden_bytes(tmp_path):
    (tmp_path / "project.json").write_bytes((BASELINES / "project-v1.json").read_bytes())
    save_project(load_project(tmp_path), tmp_path)
    assert (tmp_path / "project.json").read_bytes() == (BASELINES / "project-v2.json").read_bytes()
