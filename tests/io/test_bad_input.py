"""Bad project files get one clear line naming the problem, and never damage the saved project."""

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio.io import ProjectError, load_project, project_from_dict, resolve_in_project
from studio.io.reader import parse_project_json
from tests.io.conftest import BASELINES

GOLDEN = (BASELINES / "project-v4.json").read_bytes()
GOLDEN_V1 = (BASELINES / "project-v1.json").read_bytes()


def _golden():
    return json.loads(GOLDEN)


def _error(data) -> str:
    with pytest.raises(ProjectError) as info:
        project_from_dict(data)
    message = str(info.value)
    assert "\n" not in message
    return message


def _first_clip(d):
    return d["timelines"][0]["tracks"][0]["clips"][0]


def test_a_zero_length_clip_is_reported_with_its_path():
    d = _golden()
    d["timelines"][0]["tracks"][2]["clips"][0]["source_range"]["duration"] = 0
    assert _error(d) == "project.json: timelines[0].tracks[2].clips[0].source_range: duration must be > 0, got 0"


@pytest.mark.parametrize(
    "field,value,expected",
    [
        ("position", -5, "clips[0].position: must be a whole frame >= 0, got -5"),
        ("position", 1.5, "clips[0].position: must be a whole number, got 1.5"),
        ("opacity", 1e400, "clips[0].opacity: must be a finite number, got inf"),
        ("pan", "left", "clips[0].pan: must be a finite number, got 'left'"),
        ("fit", "zoom", "clips[0].fit: must be one of fit, fill, stretch, explicit, got 'zoom'"),
        ("asset", "asset_nope", "clips[0].asset: unknown asset 'asset_nope'"),
        ("colour", 1, "clips[0]: unknown field 'colour'"),
    ],
)
def test_bad_clip_fields_are_named(field, value, expected):
    d = _golden()
    _first_clip(d)[field] = value
    assert _error(d).endswith(expected)


def test_a_clip_past_the_end_of_its_source_is_refused():
    d = _golden()
    _first_clip(d)["source_range"]["duration"] = 200
    assert "source_range: ends at frame 212, past the end of its source 'lighthouse at dusk' (120 frames)" in _error(d)


def test_a_non_media_asset_cannot_be_a_clip_source():
    d = _golden()
    _first_clip(d)["asset"] = "asset_0c3d2e1f4a5b"
    assert "is a other file, not video, audio or an image" in _error(d)


@pytest.mark.parametrize(
    "path,expected",
    [
        ("../../etc/passwd", "escapes the project folder"),
        ("media/../../secret.wav", "escapes the project folder"),
        ("/etc/passwd", "is an absolute path"),
        ("C:/Windows/win.ini", "is an absolute path"),
        ("media\\x.wav", "forward slashes"),
    ],
)
def test_asset_paths_that_escape_the_project_are_refused(path, expected):
    d = _golden()
    d["assets"][0]["path"] = path
    assert "assets[0].path" in _error(d) and expected in _error(d)


def test_symlinks_out_of_the_project_are_refused(tmp_path):
    (tmp_path / "media").mkdir()
    os.symlink("/etc", tmp_path / "media" / "link")
    with pytest.raises(ProjectError, match="escapes the project folder"):
        resolve_in_project(tmp_path, "media/link/passwd")
    assert resolve_in_project(tmp_path, "media/a.wav") == (tmp_path / "media" / "a.wav").resolve()


def test_related_assets_must_exist():
    d = _golden()
    d["assets"][1]["related"]["midi"] = "asset_gone"
    assert _error(d).endswith("assets[1].related.midi: unknown asset 'asset_gone'")


def test_a_project_from_a_newer_studio_is_refused_not_downgraded():
    d = _golden()
    _first_clip(d)["schema"] = "Clip.4"
    message = _error(d)
    assert "Clip.4 is from a newer Studio (this one reads up to Clip.3)" in message
    d = _golden()
    d["schema"] = "Project.9"
    assert "update Studio" in _error(d)


def test_nan_and_infinity_literals_are_refused():
    text = GOLDEN.decode().replace('"opacity": 0.9', '"opacity": NaN', 1)
    with pytest.raises(ProjectError, match="NaN is not a number a project may hold"):
        parse_project_json(text.encode())


def test_duplicate_ids_and_overlaps_are_refused():
    d = _golden()
    d["timelines"][0]["tracks"][0]["clips"][1]["id"] = "clip_shot1"
    assert "'clip_shot1' is already used by" in _error(d)
    d = _golden()
    d["timelines"][0]["tracks"][0]["clips"][1]["position"] = 90
    assert "overlaps clip 'Lighthouse'" in _error(d)


def test_truncated_and_corrupt_files_are_refused_and_left_as_they_were(tmp_path):
    for cut in (0, 1, 100, len(GOLDEN) // 2, len(GOLDEN) - 3):
        (tmp_path / "project.json").write_bytes(GOLDEN[:cut])
        with pytest.raises(ProjectError, match=r"^project.json: (the file is empty|not valid JSON .*truncated)"):
            load_project(tmp_path)
        assert (tmp_path / "project.json").read_bytes() == GOLDEN[:cut]
    (tmp_path / "project.json").write_bytes(b"\xff\xfe" + GOLDEN)
    with pytest.raises(ProjectError, match="not UTF-8"):
        load_project(tmp_path)
    with pytest.raises(ProjectError, match="not found"):
        load_project(tmp_path / "elsewhere")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, prefix + (i,))


ALL_PATHS = sorted((set(_paths(json.loads(GOLDEN))) | set(_paths(json.loads(GOLDEN_V1)))) - {()}, key=str)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.booleans(), st.lists(st.tuples(st.sampled_from(ALL_PATHS), json_values, st.booleans()), min_size=1, max_size=3)
)
def test_fuzzed_projects_raise_only_project_errors(old_version, mutations):
    d = json.loads(GOLDEN_V1 if old_version else GOLDEN)
    for path, value, delete in mutations:
        node = d
        try:
            for key in path[:-1]:
                node = node[key]
            if delete and isinstance(node, dict):
                node.pop(path[-1], None)
            else:
                node[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    try:
        project_from_dict(d)
    except ProjectError as exc:
        assert "\n" not in str(exc)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=64), st.integers(0, len(GOLDEN)))
def test_fuzzed_bytes_raise_only_project_errors(noise, at):
    try:
        parse_project_json(GOLDEN[:at] + noise + GOLDEN[at + len(noise) :])
    except ProjectError:
        pass
