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


def _with_the_golden_take(project):
    """What project-v3.json adds to the older goldens: a second version (take) of the lighthouse shot, and an
    opacity ramp (ease in, then linear) on it."""
    from studio.model import Keyframe, Recipe, Take

    request = {"prompt": "a lighthouse at dusk, slow push-in", "seed": 8, "duration": 5.0}
    shot = project.find_clip("clip_shot1")[2]
    shot.takes.append(Take(None, Recipe("video", "draft", request), "draft seed 8"))
    shot.keyframes["opacity"] = [Keyframe(12, 0.0, "ease"), Keyframe(36, 1.0), Keyframe(60, 0.5)]
    return project


def _with_the_golden_speed(project):
    """What project-v4.json adds to project-v3.json (1): the waves clip plays at 2x, backwards."""
    waves = project.find_clip("clip_recipe")[2]
    waves.speed, waves.reverse = 2.0, True
    return project


def _with_the_golden_transition(project):
    """What project-v4.json adds to v3 (2): a 24-frame dissolve at the cut between the lighthouse shot and the recipe."""
    from studio.model import Transition

    track = project.timeline.track("track_v1")
    track.transitions.append(Transition("transition_dissolve1", "dissolve", 24, "clip_shot1", "clip_recipe"))
    return project


def test_current_golden_holds_every_type_at_its_current_version():
    labels = _labels(json.loads((BASELINES / "project-v4.json").read_text()), set())
    assert labels == {f"{name}.{version}" for name, version in CURRENT.items()}


def test_every_registered_upgrade_is_exercised_by_a_golden_file():
    old = set()
    for name in ("project-v1.json", "project-v2.json", "project-v3.json"):
        _labels(json.loads((BASELINES / name).read_text()), old)
    assert {f"{name}.{version}" for name, version in UPGRADES} <= old


def test_v1_and_v2_projects_upgrade_to_the_same_model_as_the_current_golden():
    v1 = project_from_dict(json.loads((BASELINES / "project-v1.json").read_text()))
    v2 = project_from_dict(json.loads((BASELINES / "project-v2.json").read_text()))
    v3 = project_from_dict(json.loads((BASELINES / "project-v3.json").read_text()))
    assert v1 == v2
    assert all(not c.takes for t in v2.timeline.tracks for c in t.clips)  # Clip.2 had no takes
    assert _with_the_golden_take(v2) == v3
    clip = v1.find_clip("clip_song")[2]
    assert (clip.video_fade_in, clip.audio_fade_in, clip.audio_fade_out) == (24, 24, 48)
    take = v3.find_clip("clip_shot1")[2].takes[0]
    assert take.asset_id is None and take.recipe.request["seed"] == 8 and take.name == "draft seed 8"
    assert v3.find_clip("clip_shot1")[2].value_at("opacity", 12) == 0.5  # source frame 24, halfway up the ease


def test_v3_projects_upgrade_to_clips_at_1x_forwards_and_tracks_without_transitions():
    v3 = project_from_dict(json.loads((BASELINES / "project-v3.json").read_text()))
    v4 = project_from_dict(json.loads((BASELINES / "project-v4.json").read_text()))
    assert all(c.speed == 1.0 and not c.reverse for t in v3.timeline.tracks for c in t.clips)
    assert all(not t.transitions for t in v3.timeline.tracks)  # Track.1 had no transitions
    assert _with_the_golden_transition(_with_the_golden_speed(v3)) == v4
    waves = v4.find_clip("clip_recipe")[2]
    assert (waves.duration, waves.source_frame_at(0)) == (36, 71)
    dissolve = v4.timeline.track("track_v1").transitions[0]
    assert (dissolve.in_offset, dissolve.out_offset) == (12, 12)


def test_saving_an_upgraded_project_writes_the_current_golden_bytes(tmp_path):
    for old in ("project-v1.json", "project-v2.json", "project-v3.json"):
        (tmp_path / "project.json").write_bytes((BASELINES / old).read_bytes())
        project = load_project(tmp_path)
        if old != "project-v3.json":
            project = _with_the_golden_take(project)
        save_project(_with_the_golden_transition(_with_the_golden_speed(project)), tmp_path)
        assert (tmp_path / "project.json").read_bytes() == (BASELINES / "project-v4.json").read_bytes(), old


def test_the_current_golden_resaves_byte_exact(tmp_path):
    (tmp_path / "project.json").write_bytes((BASELINES / "project-v4.json").read_bytes())
    save_project(load_project(tmp_path), tmp_path)
    assert (tmp_path / "project.json").read_bytes() == (BASELINES / "project-v4.json").read_bytes()


def test_a_transition_that_is_not_at_a_cut_is_refused_with_its_path():
    import pytest

    from studio.io.errors import ProjectError

    data = json.loads((BASELINES / "project-v4.json").read_text())
    data["timelines"][0]["tracks"][0]["clips"][1]["position"] = 100  # the recipe no longer starts at the cut
    with pytest.raises(ProjectError, match=r"tracks\[0\]\.transitions\[0\]: is not at a cut"):
        project_from_dict(data)
    data = json.loads((BASELINES / "project-v4.json").read_text())
    data["timelines"][0]["tracks"][0]["transitions"][0]["duration"] = 300
    with pytest.raises(ProjectError, match=r"transitions\[0\]\.duration: 300 frames is longer than"):
        project_from_dict(data)
    data = json.loads((BASELINES / "project-v4.json").read_text())
    data["timelines"][0]["tracks"][0]["transitions"][0]["kind"] = "spin"
    with pytest.raises(ProjectError, match="kind: must be one of dissolve, dip_to_black, wipe"):
        project_from_dict(data)
