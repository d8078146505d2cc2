"""Recipe clips are generated through the generator protocol, imported with provenance and saved."""

from __future__ import annotations

import pytest

from pipelines import registry
from pipelines.base import RequestError
from pipelines.registry import EngineSpec
from studio.io import load_project, save_project
from studio.model import Clip, Recipe, TimeRange
from studio.render import render_timeline
from studio.render.recipes import materialize_recipes
from tests.render.helpers import new_project
from tests.render.tiny_engines import TinyTone


@pytest.fixture
def tiny_engine():
    registry.register(EngineSpec("sfx", "tiny-tone", "tests.render.tiny_engines:TinyTone"))
    TinyTone.calls = 0
    yield
    registry.unregister("sfx", "tiny-tone")


def recipe_clip(name: str, position: int, prompt: str = "door creak", seconds: float = 1.0) -> Clip:
    request = {"prompt": prompt, "duration": seconds}
    return Clip(name, name, position, TimeRange(0, int(seconds * 30)), recipe=Recipe("sfx", "tiny-tone", request))


def test_recipe_clips_are_generated_imported_and_saved(tiny_engine, tmp_path):
    folder = tmp_path / "P.studio"
    project = new_project(folder)
    audio = project.timeline.tracks[1]
    audio.clips += [recipe_clip("a", 0), recipe_clip("b", 30), recipe_clip("c", 60, prompt="thunder")]
    save_project(project, folder)
    assets = materialize_recipes(project, folder)
    assert TinyTone.calls == 2  # "a" and "b" ask for the same thing: generated once
    assert len(assets) == 2
    reloaded = load_project(folder)
    ids = [c.asset_id for c in reloaded.timeline.tracks[1].clips]
    assert ids[0] == ids[1] != ids[2] and None not in ids
    asset = reloaded.assets[ids[2]]
    assert asset.provenance["engine"] == "tiny-tone" and asset.provenance["prompt"] == "thunder"
    assert (folder / asset.path).is_file()
    summary = render_timeline(reloaded, folder, tmp_path / "mix.wav", preset="audio-wav")
    assert summary.seconds == 3


def test_a_custom_runner_receives_every_job_at_once(tiny_engine, tmp_path):
    folder = tmp_path / "P.studio"
    project = new_project(folder)
    project.timeline.tracks[1].clips += [recipe_clip("a", 0), recipe_clip("b", 30, prompt="rain")]
    seen = []

    def runner(jobs):
        seen.append([(kind, engine, request.prompt) for kind, engine, request in jobs])
        return [registry.create(kind, engine)(request, output_dir=tmp_path / f"job{i}")
                for i, (kind, engine, request) in enumerate(jobs)]

    materialize_recipes(project, folder, runner=runner)
    assert seen == [[("sfx", "tiny-tone", "door creak"), ("sfx", "tiny-tone", "rain")]]


def test_a_bad_recipe_fails_before_anything_is_generated_or_saved(tiny_engine, tmp_path):
    folder = tmp_path / "P.studio"
    project = new_project(folder)
    save_project(project, folder)
    saved = (folder / "project.json").read_bytes()
    project.timeline.tracks[1].clips += [recipe_clip("good", 0), recipe_clip("broken", 30, seconds=500.0)]
    with pytest.raises(RequestError, match="clip 'broken'"):
        materialize_recipes(project, folder)
    assert TinyTone.calls == 0 and (folder / "project.json").read_bytes() == saved


def test_a_shorter_result_shortens_its_clip_so_it_never_runs_past_its_media(tiny_engine, tmp_path):
    folder = tmp_path / "P.studio"
    project = new_project(folder)
    clip = recipe_clip("a", 0)
    clip.source_range = TimeRange(0, 45)  # asks for 1.5 s of a 1 s sound
    project.timeline.tracks[1].clips.append(clip)
    materialize_recipes(project, folder)
    assert clip.duration == 30
