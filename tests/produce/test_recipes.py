"""Recipe clips are generated through the scheduler, imported with provenance, attached by edits and saved."""

from __future__ import annotations

import pytest

from pipelines import registry
from pipelines.base import RequestError
from pipelines.registry import EngineSpec
from studio.io import load_project, save_project
from studio.model import Clip, Recipe, TimeRange
from studio.produce import recipe_jobs, run_recipes
from studio.render import render_timeline
from tests.render.helpers import new_project


@pytest.fixture
def tiny_engine(data_dir):
    registry.register(EngineSpec("sfx", "tiny-tone", "tests.render.tiny_engines:TinyTone"))
    yield
    registry.unregister("sfx", "tiny-tone")


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


@pytest.fixture
def scheduler(tiny_engine):
    from studio.scheduler import Scheduler

    made = []

    def make(folder):
        made.append(Scheduler(folder, cpu_workers=1))
        return made[-1]

    yield make
    for s in made:
        s.shutdown()


def recipe_clip(name: str, position: int, prompt: str = "door creak", seconds: float = 1.0) -> Clip:
    request = {"prompt": prompt, "duration": seconds}
    return Clip(name, name, position, TimeRange(0, int(seconds * 30)), recipe=Recipe("sfx", "tiny-tone", request))


def test_recipe_clips_are_generated_once_per_request_imported_and_saved(scheduler, tmp_path):
    folder = tmp_path / "P.studio"
    project = new_project(folder)
    project.timeline.tracks[1].clips += [recipe_clip("a", 0), recipe_clip("b", 30), recipe_clip("c", 60, "thunder")]
    save_project(project, folder)
    s = scheduler(folder)
    saved, assets = run_recipes(folder, scheduler=s)
    assert len(s.jobs()) == 2 and len(assets) == 2  # "a" and "b" ask for the same thing: generated once
    reloaded = load_project(folder)
    ids = [c.asset_id for c in reloaded.timeline.tracks[1].clips]
    assert ids[0] == ids[1] != ids[2] and None not in ids
    assert [c.asset_id for c in saved.timeline.tracks[1].clips] == ids
    asset = reloaded.assets[ids[2]]
    assert asset.provenance["engine"] == "tiny-tone" and asset.provenance["prompt"] == "thunder"
    assert (folder / asset.path).is_file()
    summary = render_timeline(reloaded, folder, tmp_path / "mix.wav", preset="audio-wav")
    assert summary.seconds == 3


def test_a_bad_recipe_fails_before_anything_is_generated_or_saved(scheduler, tmp_path):
    folder = tmp_path / "P.studio"
    project = new_project(folder)
    project.timeline.tracks[1].clips += [recipe_clip("good", 0), recipe_clip("broken", 30, seconds=500.0)]
    save_project(project, folder)
    saved = (folder / "project.json").read_bytes()
    s = scheduler(folder)
    with pytest.raises(RequestError, match="clip 'broken'"):
        run_recipes(folder, scheduler=s)
    assert s.jobs() == [] and (folder / "project.json").read_bytes() == saved


def test_a_shorter_result_shortens_its_clip_so_it_never_runs_past_its_media(scheduler, tmp_path):
    folder = tmp_path / "P.studio"
    project = new_project(folder)
    clip = recipe_clip("a", 0)
    clip.source_range = TimeRange(0, 45)  # asks for 1.5 s of a 1 s sound
    project.timeline.tracks[1].clips.append(clip)
    save_project(project, folder)
    run_recipes(folder, scheduler=scheduler(folder))
    assert load_project(folder).timeline.tracks[1].clips[0].duration == 30


def test_a_clip_deleted_while_its_media_generates_stays_deleted_and_other_edits_are_kept(scheduler, tmp_path):
    folder = tmp_path / "P.studio"
    project = new_project(folder)
    project.timeline.tracks[1].clips += [recipe_clip("a", 0), recipe_clip("b", 30, "rain")]
    save_project(project, folder)
    edited = []

    def another_writer(fraction, message):  # the GUI saves while the jobs run
        if not edited:
            other = load_project(folder)
            other.timeline.tracks[1].clips = [c for c in other.timeline.tracks[1].clips if c.id != "b"]
            other.timeline.tracks[1].clips[0].gain_db = -6.0
            save_project(other, folder)
            edited.append(True)

    run_recipes(folder, scheduler=scheduler(folder), progress=another_writer)
    (clip,) = load_project(folder).timeline.tracks[1].clips
    assert clip.id == "a" and clip.asset_id is not None and clip.gain_db == -6.0


def test_recipe_jobs_name_the_clip_whose_recipe_is_unknown():
    from studio.model import Project, Timeline, Track

    clip = Clip("x", "broken one", 0, TimeRange(0, 10), recipe=Recipe("sfx", "no-such-engine", {"prompt": "a"}))
    project = Project("p", [Timeline("t", "Main", tracks=[Track("a", "audio", "A1", clips=[clip])])])
    with pytest.raises(RequestError, match="clip 'broken one'.*no-such-engine"):
        recipe_jobs(project)


def test_the_scheduler_says_whether_a_request_is_cached_without_running_it(scheduler, tmp_path):
    from studio.scheduler import cached_result

    folder = tmp_path / "P.studio"
    save_project(new_project(folder), folder)
    request = registry.make_request("sfx", prompt="door creak", duration=1.0)
    assert cached_result("sfx", "tiny-tone", request, folder) is None  # no journal yet: none is created
    assert not (folder / "jobs").exists()
    s = scheduler(folder)
    s.wait([s.submit("sfx", "tiny-tone", request, project_dir=folder).id])
    hit = cached_result("sfx", "tiny-tone", request, folder)
    assert hit is not None and hit.primary.path.is_file()
    assert cached_result("sfx", "tiny-tone", registry.make_request("sfx", prompt="rain", duration=1.0), folder) is None
