"""``SFX: auto`` in a storyboard: the scene's sound is made from its finished shot's events (thunder after
each lightning flash) and placed under the shot; scenes that cannot have it say so in one line."""

import json
from pathlib import Path

import pytest

from studio.io import load_project
from studio.storyboard.make import make_film
from studio.storyboard.parse import StoryboardError, load_storyboard
from studio.storyboard.plan import media_jobs, scene_durations

STORM = """---
seed: 5
---
# Storm
Size: 160x96
FPS: 24

## Scene: Calm
Duration: 1s
Shot: a quiet meadow at noon

## Scene: Storm
Duration: 4s
Shot: a thunderstorm with lightning over the sea at night
SFX: auto
"""


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sfx-auto")
    board = folder / "board.md"
    board.write_text(STORM)
    report = make_film(board, None, project_dir=folder / "film.studio")
    return folder, report


def test_sfx_auto_places_the_shots_own_sound_under_the_shot(made):
    folder, report = made
    project = load_project(folder / "film.studio")
    rate = project.timeline.rate
    sounds = [(t, c) for t in project.timeline.tracks for c in t.clips if c.name == "Sound of shot 2"]
    assert len(sounds) == 1
    track, clip = sounds[0]
    assert track.kind == "audio" and track.name.startswith("SFX")
    shot = next(c for t in project.timeline.tracks for c in t.clips if c.name.startswith("2."))
    assert clip.position == shot.position == round(1 * rate)
    asset = project.assets[clip.asset_id]
    assert asset.provenance["engine"] == "draft"
    made_from = asset.provenance["params"]["for_shot"]
    events = json.loads(Path(made_from).with_name(Path(made_from).stem + ".events.json").read_text())
    assert any(e["kind"] == "lightning" for e in events["events"])  # the sound followed a shot with flashes
    assert "scene/storm/sfx/auto" in {r.planned.key for r in report.records}


def test_a_second_make_reuses_the_shot_sound_from_the_cache(made):
    folder, _ = made
    again = make_film(folder / "board.md", None, project_dir=folder / "film.studio")
    assert not again.ran  # shot, and the sound that follows it, are cache hits
    assert "scene/storm/sfx/auto" in again.kept


def test_sfx_auto_on_an_object_scene_is_refused_at_its_line(tmp_path):
    (tmp_path / "toy.png").write_bytes(b"")
    board = tmp_path / "b.md"
    board.write_text("# T\n\n## Scene: A\nDuration: 2s\nObject: toy.png\nSFX: auto\n")
    with pytest.raises(StoryboardError, match=r"b\.md:6: SFX: auto follows the events of a generated video shot"):
        load_storyboard(board)


def test_sfx_auto_with_a_neural_video_engine_is_refused_before_generating(tmp_path):
    board = tmp_path / "b.md"
    board.write_text("---\nengines: {video: ltx-video}\n---\n# T\n\n## Scene: A\nDuration: 2s\nShot: rain\nSFX: auto\n")
    parsed = load_storyboard(board)
    with pytest.raises(StoryboardError, match=r"b\.md:9: SFX: auto needs shots from the draft video engine"):
        media_jobs(parsed, scene_durations(parsed, {}))
