"""``studio takes`` and ``studio upgrade``: the headless side of takes and upgrade in place."""

from __future__ import annotations

from studio.cli.main import main
from studio.io import load_project, save_project
from studio.model import Clip, TimeRange


def _project_with_a_generated_clip(tmp_path, monkeypatch):
    from pipelines import registry
    from studio.io import create_project
    from studio.produce import import_result

    monkeypatch.setenv("STUDIO_DATA_DIR", str(tmp_path / "data"))
    folder = tmp_path / "Film.studio"
    project = create_project(folder)
    request = registry.make_request("sfx", prompt="a low hum", duration=2.0, seed=4)
    result = registry.create("sfx", "test-tone")(request, output_dir=tmp_path / "made")
    asset = import_result(folder, project, result)
    audio = next(t for t in project.timeline.tracks if t.kind == "audio")
    audio.clips.append(Clip("hum", "Hum", 24, TimeRange(6, 30), asset_id=asset.id, gain_db=-5.0, audio_fade_in=4))
    save_project(project, folder)
    return folder, asset


def test_upgrade_regenerates_in_place_and_takes_lists_and_switches(tmp_path, monkeypatch, capsys):
    folder, first = _project_with_a_generated_clip(tmp_path, monkeypatch)
    assert main(["upgrade", str(folder), "Hum", "--seed", "9"]) == 0
    out = capsys.readouterr().out
    assert "New take 'test-tone seed 9'" in out and "* test-tone seed 9" in out and "1: test-tone seed 4" in out
    clip = load_project(folder).find_clip("hum")[2]
    assert clip.asset_id != first.id and clip.recipe.request["seed"] == 9
    assert (clip.position, clip.source_range, clip.gain_db, clip.audio_fade_in) == (24, TimeRange(6, 30), -5.0, 4)
    assert main(["takes", str(folder), "hum", "--use", "1"]) == 0
    clip = load_project(folder).find_clip("hum")[2]
    assert clip.asset_id == first.id and clip.takes[0].recipe.request["seed"] == 9
    capsys.readouterr()
    assert main(["takes", str(folder), "Hum"]) == 0
    assert "2 version(s)" in capsys.readouterr().out


def test_takes_of_a_clip_that_was_not_generated_or_unknown_say_so_in_one_line(tmp_path, monkeypatch, capsys):
    folder, first = _project_with_a_generated_clip(tmp_path, monkeypatch)
    project = load_project(folder)
    project.timeline.tracks[1].clips.append(Clip("imp", "Imported", 100, TimeRange(0, 10), asset_id=first.id))
    project.assets[first.id].provenance = None  # as if imported, not generated
    save_project(project, folder)
    assert main(["upgrade", str(folder), "Imported"]) == 1
    assert "was not generated" in capsys.readouterr().err
    assert main(["takes", str(folder), "nope"]) == 1
    assert "no clip with id or name 'nope'" in capsys.readouterr().err
    assert main(["takes", str(folder), "hum", "--use", "3"]) == 1
    assert "there is no take 3" in capsys.readouterr().err
