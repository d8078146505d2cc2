"""The project folder: create, save/load, atomic save under crashes, autosave and recovery."""

import json
import os
import random
import signal
import time
from fractions import Fraction

import pytest

from studio.io import ProjectError, autosave, create_project, load_project, newest_autosave, recover, save_project
from studio.io.project_file import project_json_bytes, write_atomic
from studio.model import Clip, TimeRange, Title


def _titles(project, n, text):
    track = project.timeline.tracks[0]
    track.clips = [
        Clip(id=f"c{i}", name=f"{text} {i}", position=i * 10, source_range=TimeRange(0, 10), title=Title(f"{text} {i}"))
        for i in range(n)
    ]
    return project


def test_create_project_makes_the_folder_layout_with_v1_and_a1(tmp_path):
    project = create_project(tmp_path / "MyFilm.studio", rate=Fraction(30000, 1001))
    folder = tmp_path / "MyFilm.studio"
    assert (folder / "media").is_dir() and (folder / "autosave").is_dir()
    assert project.name == "MyFilm"
    assert [(t.kind, t.name) for t in project.timeline.tracks] == [("video", "V1"), ("audio", "A1")]
    assert load_project(folder / "project.json") == project
    assert json.loads((folder / "project.json").read_text())["timelines"][0]["rate"] == "30000/1001"


def test_create_project_refuses_a_non_empty_folder_and_bad_sizes(tmp_path):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "x").write_text("x")
    with pytest.raises(ProjectError, match="already exists"):
        create_project(tmp_path / "taken")
    with pytest.raises(ProjectError, match="width"):
        create_project(tmp_path / "odd", width=3)
    assert not (tmp_path / "odd").exists()


def test_save_and_load_round_trip_with_identical_bytes(tmp_path):
    project = _titles(create_project(tmp_path / "p"), 5, "Shot")
    save_project(project, tmp_path / "p")
    first = (tmp_path / "p" / "project.json").read_bytes()
    loaded = load_project(tmp_path / "p")
    assert loaded == project
    save_project(loaded, tmp_path / "p")
    assert (tmp_path / "p" / "project.json").read_bytes() == first


def test_an_invalid_project_is_refused_before_the_saved_file_is_touched(tmp_path):
    project = _titles(create_project(tmp_path / "p"), 2, "Shot")
    save_project(project, tmp_path / "p")
    saved = (tmp_path / "p" / "project.json").read_bytes()
    project.timeline.tracks[0].clips[0].opacity = float("nan")
    with pytest.raises(ProjectError, match=r"clips\[0\]\.opacity: must be a finite number"):
        save_project(project, tmp_path / "p")
    assert (tmp_path / "p" / "project.json").read_bytes() == saved
    assert [p.name for p in (tmp_path / "p").iterdir() if p.name.startswith(".")] == []


def _save_forever(folder, datas, first):
    """Child process: save the two versions alternately (starting with ``first``) until killed."""
    i = first
    while True:
        write_atomic(folder / "project.json", datas[i % 2])
        i += 1


def test_killing_a_save_at_any_instant_leaves_a_project_that_opens(tmp_path):
    folder = tmp_path / "p"
    a = _titles(create_project(folder), 300, "Before")
    b = _titles(load_project(folder), 500, "After")
    save_project(a, folder)
    datas = [project_json_bytes(a), project_json_bytes(b)]
    rng = random.Random(1234)
    seen, killed_mid_write = set(), 0
    on_disk = 0
    for _ in range(20):
        pid = os.fork()
        if pid == 0:  # child: never returns
            try:
                _save_forever(folder, datas, 1 - on_disk)
            finally:
                os._exit(0)
        time.sleep(rng.uniform(0.0, 0.04))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        leftovers = list(folder.glob(".project.json.tmp-*"))
        killed_mid_write += bool(leftovers)
        for tmp in leftovers:
            tmp.unlink()
        loaded = load_project(folder)
        assert loaded in (a, b)
        on_disk = int(loaded == b)
        seen.add(on_disk)
    assert seen == {0, 1}, "no save ever completed before a kill"
    assert killed_mid_write > 0, "no kill landed in the middle of a save"


def test_autosave_keeps_the_newest_n_and_recovery_is_offered_only_when_newer(tmp_path):
    folder = tmp_path / "p"
    project = create_project(folder)
    old = time.time() - 100
    os.utime(folder / "project.json", (old, old))
    files = [autosave(_titles(project, i + 1, "Take"), folder, keep=3) for i in range(5)]
    assert sorted(p.name for p in (folder / "autosave").iterdir()) == sorted(p.name for p in files[-3:])
    assert newest_autosave(folder) == files[-1]
    os.utime(files[-1], (old - 10, old - 10))
    assert newest_autosave(folder) == files[-2]
    save_project(project, folder)
    assert newest_autosave(folder) is None


def test_recover_restores_the_autosave_and_backs_up_the_saved_project(tmp_path):
    folder = tmp_path / "p"
    project = create_project(folder)
    saved = (folder / "project.json").read_bytes()
    old = time.time() - 100
    os.utime(folder / "project.json", (old, old))
    autosave(_titles(project, 3, "Crash"), folder)
    recovered = recover(folder)
    assert len(recovered.timeline.tracks[0].clips) == 3
    assert load_project(folder) == recovered
    backups = list((folder / "autosave").glob("project-before-recovery-*.json"))
    assert len(backups) == 1 and backups[0].read_bytes() == saved
    assert newest_autosave(folder) is None
    with pytest.raises(ProjectError, match="no autosave newer"):
        recover(folder)
