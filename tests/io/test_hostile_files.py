"""Studio reads only what the creator pointed at: recipe inputs stay inside the project, project.json
must be a regular file of bounded size, and temp files of killed saves are cleaned up on the next open."""

import json
import os
import resource
import signal
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from studio.io import ProjectError, create_project, load_project, save_project
from studio.io.paths import resolve_recipe_inputs
from studio.io.project_file import autosave
from studio.model import Clip, Recipe, TimeRange

ROOT = Path(__file__).resolve().parents[2]


def _studio(*args: str, timeout: float = 60, memory_mb: int | None = None) -> subprocess.CompletedProcess:
    def limit() -> None:
        if memory_mb:
            resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))

    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-m", "studio.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        preexec_fn=limit,
    )


def _project_with_recipe(folder: Path, request: dict) -> None:
    project = create_project(folder, rate=Fraction(24), width=64, height=48)
    track = project.timeline.tracks[0]
    track.clips.append(
        Clip(
            id="clip_r",
            name="animated",
            position=0,
            source_range=TimeRange(0, 24),
            recipe=Recipe(kind="video", engine="draft", request=request),
        )
    )
    save_project(project, folder)


@pytest.mark.parametrize(
    "field, value, words",
    [
        ("image", "/etc/passwd", "is an absolute path"),
        ("image", "../../../etc/shadow", "escapes the project folder"),
        ("end_image", "media/../../x.png", "escapes the project folder"),
        ("extend_from", "C:/Windows/win.ini", "is an absolute path"),
    ],
)
def test_a_recipe_input_outside_the_project_is_refused_on_load_naming_the_field(tmp_path, field, value, words):
    folder = tmp_path / "p.studio"
    _project_with_recipe(folder, {"prompt": "waves", "duration": 1.0})
    data = json.loads((folder / "project.json").read_text())
    data["timelines"][0]["tracks"][0]["clips"][0]["recipe"]["request"][field] = value
    (folder / "project.json").write_text(json.dumps(data))
    with pytest.raises(ProjectError) as err:
        load_project(folder)
    assert f"clips[0].recipe.request.{field}: " in str(err.value) and words in str(err.value)


def test_studio_render_refuses_a_recipe_whose_image_is_absolute_with_one_line(tmp_path):
    folder = tmp_path / "p.studio"
    _project_with_recipe(folder, {"prompt": "waves", "duration": 1.0})
    data = json.loads((folder / "project.json").read_text())
    data["timelines"][0]["tracks"][0]["clips"][0]["recipe"]["request"]["image"] = str(tmp_path / "secret.png")
    (folder / "project.json").write_text(json.dumps(data))
    out = _studio("render", str(folder), "-o", str(tmp_path / "out.mp4"))
    assert out.returncode != 0
    assert "recipe.request.image" in out.stderr and "absolute path" in out.stderr
    assert "Traceback" not in out.stderr and not (tmp_path / "out.mp4").exists()


def test_recipe_inputs_resolve_inside_the_project_and_a_symlink_out_is_refused(tmp_path):
    folder = tmp_path / "p.studio"
    create_project(folder)
    (folder / "media" / "start.png").write_bytes(b"png")
    (tmp_path / "secret.png").write_bytes(b"secret")
    (folder / "media" / "link.png").symlink_to(tmp_path / "secret.png")
    inside = resolve_recipe_inputs(folder, {"prompt": "x", "image": "media/start.png", "end_image": ""})
    assert inside == {"prompt": "x", "image": str((folder / "media" / "start.png").resolve()), "end_image": ""}
    with pytest.raises(ProjectError, match="recipe image: path 'media/link.png' escapes the project folder"):
        resolve_recipe_inputs(folder, {"image": "media/link.png"})


def test_a_project_json_that_is_a_fifo_is_refused_at_once(tmp_path):
    folder = tmp_path / "p.studio"
    create_project(folder)
    (folder / "project.json").unlink()
    os.mkfifo(folder / "project.json")
    with pytest.raises(ProjectError, match=r"^project.json: is not a regular file"):
        load_project(folder)
    out = _studio("info", str(folder), timeout=60)  # before the fix `studio info` hung here
    assert out.returncode != 0 and "not a regular file" in out.stderr and "Traceback" not in out.stderr


def test_a_project_json_linked_to_dev_zero_is_refused_without_reading_it(tmp_path):
    folder = tmp_path / "p.studio"
    create_project(folder)
    (folder / "project.json").unlink()
    (folder / "project.json").symlink_to("/dev/zero")
    # a 1 GiB address-space cap: before the fix /dev/zero was read until memory ran out
    out = _studio("info", str(folder), timeout=120, memory_mb=1024)
    assert out.returncode == 1 and "project.json: is not a regular file" in out.stderr, out.stderr[-500:]


def test_an_oversized_project_json_is_refused_before_reading(tmp_path, monkeypatch):
    from studio.io import project_file

    folder = tmp_path / "p.studio"
    create_project(folder)
    monkeypatch.setattr(project_file, "MAX_PROJECT_BYTES", 100)
    with pytest.raises(ProjectError, match="bytes is too large"):
        load_project(folder)


def _killed_save(target: Path) -> int:
    """A child process that dies (SIGKILL) between writing a save's temp file and renaming it."""
    code = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from studio.io import project_file\n"
        "os.replace = lambda *a: os.kill(os.getpid(), signal.SIGKILL)\n"
        f"project_file.write_atomic(Path({str(target)!r}), b'{{}}' * 1000)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": str(ROOT)})
    return proc.returncode


def test_temp_files_of_killed_saves_and_autosaves_are_removed_on_the_next_open(tmp_path):
    folder = tmp_path / "p.studio"
    project = create_project(folder)
    autosave(project, folder)
    assert _killed_save(folder / "project.json") == -signal.SIGKILL
    assert _killed_save(folder / "autosave" / "autosave-20260101T000000.000000Z.json") == -signal.SIGKILL
    left = list(folder.glob(".project.json.tmp-*")) + list((folder / "autosave").glob(".autosave-*.tmp-*"))
    assert len(left) == 2
    live = folder / f".project.json.tmp-{os.getpid()}-0badc0de"  # a save still running in this process
    live.write_bytes(b"{")
    assert load_project(folder) == project
    assert not any(p.exists() for p in left), "a killed save's temp file survived the next open"
    assert live.exists(), "a live save's temp file was removed"
    assert len(list((folder / "autosave").glob("autosave-*.json"))) == 1
