"""Driving studio from a script: --json documents, --quiet, exit codes, shell completion."""

from __future__ import annotations

import argparse
import io
import json
import shutil
import subprocess

import pytest

import studio.cli.cmd_project
from studio.cli.main import main
from studio.cli.output import Output
from studio.io import create_project, save_project
from studio.model import Clip, Marker, Recipe, TimeRange, Title


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def _project(folder):
    project = create_project(folder, rate=30, width=640, height=360)
    project.timeline.tracks[0].clips.append(Clip("t1", "hello", 15, TimeRange(0, 45), title=Title("Hello")))
    project.timeline.tracks[1].clips.append(
        Clip("r1", "rain", 0, TimeRange(0, 30), recipe=Recipe("sfx", "test-tone", {"prompt": "rain"}))
    )
    project.timeline.markers.append(Marker("m1", 20, "beat"))
    save_project(project, folder)
    return project


def test_info_json_is_one_document_with_stable_fields(tmp_path, capsys):
    _project(tmp_path / "P.studio")
    assert main(["info", str(tmp_path / "P.studio"), "--json"]) == 0
    out = capsys.readouterr().out
    doc = json.loads(out)  # exactly one document, nothing else on stdout
    assert doc["command"] == "info" and doc["ok"] is True
    tl = doc["timelines"][0]
    assert (tl["width"], tl["height"], tl["rate"], tl["duration_frames"], tl["timecode"]) == (
        640,
        360,
        "30",
        60,
        "00:00:02:00",
    )
    video, audio = tl["tracks"]
    assert video["clips"][0] == {
        "id": "t1",
        "name": "hello",
        "enabled": True,
        "position": 15,
        "duration": 45,
        "end": 60,
        "source_start": 0,
        "start_seconds": 0.5,
        "duration_seconds": 1.5,
        "source": {"type": "title", "text": "Hello"},
    }
    assert audio["clips"][0]["source"] == {"type": "recipe", "kind": "sfx", "engine": "test-tone", "prompt": "rain"}
    assert tl["markers"] == [{"id": "m1", "frame": 20, "name": "beat", "color": "#ffcc00"}]
    assert doc["not_generated"] == [{"clip_id": "r1", "name": "rain"}] and doc["missing_media"] == []


def test_a_user_error_under_json_is_a_document_and_exit_code_1(tmp_path, capsys):
    assert main(["info", str(tmp_path / "nowhere"), "--json"]) == 1
    captured = capsys.readouterr()
    doc = json.loads(captured.out)
    assert doc["ok"] is False and doc["exit_code"] == 1 and "project.json: not found" in doc["error"]
    assert captured.err.startswith("studio: error:") and captured.err.count("\n") == 1


def test_quiet_prints_nothing_but_errors(tmp_path, capsys):
    _project(tmp_path / "P.studio")
    assert main(["info", str(tmp_path / "P.studio"), "--quiet"]) == 0
    assert main(["-q", "export-otio", str(tmp_path / "P.studio"), "-o", str(tmp_path / "cut.otio")]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == "" and (tmp_path / "cut.otio").is_file()


def test_usage_errors_exit_2_and_a_cancel_exits_130(tmp_path, capsys, monkeypatch):
    with pytest.raises(SystemExit) as caught:
        main(["info"])  # the project argument is missing
    assert caught.value.code == 2

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(studio.cli.cmd_project, "run_info", interrupted)
    _project(tmp_path / "P.studio")
    assert main(["info", str(tmp_path / "P.studio"), "--json"]) == 130
    captured = capsys.readouterr()
    assert json.loads(captured.out) == {"command": "info", "ok": False, "error": "cancelled", "exit_code": 130}
    assert "studio: cancelled" in captured.err


def test_jobs_json_lists_each_job_with_state_metrics_and_files(data_dir, tmp_path, capsys):
    assert main(["generate", "sfx", "door creaks", "--engine", "test-tone", "--duration", "1"]) == 0
    capsys.readouterr()
    assert main(["jobs", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    (job,) = doc["jobs"]
    assert (job["state"], job["kind"], job["engine"], job["prompt"]) == ("done", "sfx", "test-tone", "door creaks")
    assert job["metrics"]["run_s"] is not None and job["files"][0]["role"] == "audio"
    assert doc["counts"] == {"done": 1} and doc["cache_hits"] == 0
    assert main(["jobs", "cancel", job["id"], "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["outcome"] == "already finished"


def test_progress_as_json_lines_on_stderr_and_the_result_alone_on_stdout():
    stdout, stderr = io.StringIO(), io.StringIO()
    out = Output(argparse.Namespace(json=True, progress="json"), "render", stdout=stdout, stderr=stderr)
    bar = out.progress("render")
    for i in range(5):
        bar(i / 4, f"frame {i}")
    bar.close()
    assert out.done({"output": "film.mp4"}) == 0
    events = [json.loads(line) for line in stderr.getvalue().splitlines()]
    assert events[0]["fraction"] == 0.0 and events[-1]["fraction"] == 1.0
    assert set(events[0]) == {"event", "label", "fraction", "message", "elapsed_s"}
    assert json.loads(stdout.getvalue()) == {"command": "render", "ok": True, "output": "film.mp4"}


def test_bash_completion_completes_commands_and_options(capsys, tmp_path):
    assert main(["completion", "bash"]) == 0
    script = tmp_path / "studio.bash"
    script.write_text(capsys.readouterr().out)
    if shutil.which("bash") is None:
        pytest.skip("no bash here")

    def complete(*words: str) -> list[str]:
        line = " ".join(words)
        probe = (
            f"source {script}; COMP_WORDS=({line}); COMP_CWORD={len(words) - 1}; COMP_LINE='{line}'; "
            f"COMP_POINT={len(line)}; _shtab_studio; printf '%s\\n' \"${{COMPREPLY[@]}}\""
        )
        done = subprocess.run(["bash", "-c", probe], capture_output=True, text=True, timeout=30)
        return done.stdout.split()

    assert "export-otio" in complete("studio", "ex") and "info" not in complete("studio", "ex")
    assert set(complete("studio", "info", "--")) >= {"--json", "--quiet"}
    assert complete("studio", "completion", "z") == ["zsh"]


def test_zsh_completion_is_a_compdef_script(capsys):
    assert main(["completion", "zsh"]) == 0
    script = capsys.readouterr().out
    assert script.startswith("#compdef studio") and "import-otio" in script and "--allow-missing" in script


def test_a_handler_error_under_json_still_gives_the_document(data_dir, capsys):
    with pytest.raises(SystemExit, match="no job 'nope'"):
        main(["jobs", "cancel", "nope", "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert doc["ok"] is False and doc["exit_code"] == 1 and "no job 'nope'" in doc["error"]


def test_otio_commands_report_as_json_with_their_warnings(tmp_path, capsys):
    _project(tmp_path / "P.studio")
    assert main(["export-otio", str(tmp_path / "P.studio"), "-o", str(tmp_path / "cut.edl"), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["command"] == "export-otio" and doc["output"] == str(tmp_path / "cut.edl") and doc["clips"] == 2
    assert main(["export-otio", str(tmp_path / "P.studio"), "-o", str(tmp_path / "cut.otio")]) == 0
    capsys.readouterr()
    assert main(["import-otio", str(tmp_path / "cut.otio"), str(tmp_path / "Back.studio"), "--json"]) == 0
    captured = capsys.readouterr()
    doc = json.loads(captured.out)
    assert doc["clips"] == 2 and doc["missing_media"] == [] and doc["name"] == "P"
