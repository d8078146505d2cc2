"""`studio generate`, `studio jobs` and the render runner, end to end on real files."""

from __future__ import annotations

import wave

import pytest

from pipelines import registry
from pipelines.base import GenerationError
from studio.cli.main import main
from studio.produce import run_jobs


def test_generate_writes_a_labelled_file_and_prints_its_path_and_metrics(data_dir, tmp_path, capsys):
    out = tmp_path / "door.wav"
    assert main(["generate", "sfx", "door creaks", "--engine", "test-tone", "--duration", "1", "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "audio: " in printed and "done" in printed and "audio seconds per s" in printed
    with wave.open(str(out)) as w:
        assert w.getframerate() == 48_000 and w.getnframes() == 48_000
    assert main(["generate", "sfx", "door creaks", "--engine", "test-tone", "--duration", "1"]) == 0
    assert "cache hit" in capsys.readouterr().out


def test_generate_into_a_project_imports_the_result_with_provenance(data_dir, tmp_path, capsys):
    from studio.io import create_project, load_project

    folder = tmp_path / "Film.studio"
    create_project(folder)
    assert (
        main(["generate", "voice", "hello there", "--engine", "test-tone", "--speed", "1.5", "--project", str(folder)])
        == 0
    )
    project = load_project(folder)
    (asset,) = project.assets.values()
    assert asset.kind == "audio" and (folder / asset.path).is_file()
    assert asset.provenance["engine"] == "test-tone" and asset.provenance["params"]["speed"] == 1.5
    assert (folder / "jobs" / "journal.sqlite").is_file()


def test_generate_refuses_a_flag_meant_for_another_kind(data_dir, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["generate", "sfx", "door", "--bpm", "90"])
    assert stop.value.code == 2 and "unrecognized arguments: --bpm" in capsys.readouterr().err


def test_each_kinds_help_lists_only_its_own_options(capsys):
    with pytest.raises(SystemExit):
        main(["generate", "3d", "--help"])
    text = capsys.readouterr().out
    assert "--views-dir" in text and "--export" in text and "--lyrics" not in text and "--bpm" not in text


def test_jobs_lists_cancels_a_stale_job_and_retries_a_failed_one(data_dir, tmp_path, capsys):
    from studio.scheduler.journal import Journal
    from studio.scheduler.paths import JobPlace

    main(["generate", "sfx", "door", "--engine", "test-tone", "--duration", "1"])
    journal = Journal(JobPlace.for_project(None))
    (done,) = journal.jobs()
    failed = done.__class__.from_dict(
        {
            **done.to_dict(),
            "id": "job_failed",
            "state": "failed",
            "error": "boom",
            "request_hash": "0" * 64,
            "result": None,
        }
    )
    stale = done.__class__.from_dict({**done.to_dict(), "id": "job_stale", "state": "queued", "result": None})
    journal.save(failed)
    journal.save(stale)
    journal.close()
    capsys.readouterr()
    assert main(["jobs"]) == 0
    listing = capsys.readouterr().out
    assert "job_failed  failed" in listing and "error: boom" in listing and "job_stale  queued" in listing
    assert main(["jobs", "cancel", "job_stale"]) == 0 and "cancelled job_stale" in capsys.readouterr().out
    assert main(["jobs", "retry", "job_failed"]) == 0
    assert "done" in capsys.readouterr().out
    states = {j.id: j.state for j in Journal(JobPlace.for_project(None)).jobs()}
    assert states == {done.id: "done", "job_failed": "done", "job_stale": "cancelled"}


def test_run_jobs_returns_results_in_order_and_names_a_failed_job(tmp_path, fake_model):
    fake_model("fake-a")
    folder = tmp_path / "Film.studio"
    folder.mkdir()

    def run(jobs):
        return run_jobs(jobs, folder)

    jobs = [("sfx", "test-tone", registry.make_request("sfx", prompt=f"tone {i}", duration=1.0)) for i in range(3)]
    results = run(jobs)
    assert [r.provenance["prompt"] for r in results] == ["tone 0", "tone 1", "tone 2"]
    assert all(r.primary.path.is_file() and folder in r.primary.path.parents for r in results)
    bad = jobs[:1] + [("sfx", "fake-a", registry.make_request("sfx", prompt="raise", duration=1.0))]
    with pytest.raises(GenerationError, match=r"job 2 of 2 \(sfx/fake-a 'raise'\) failed: RuntimeError"):
        run(bad)


def test_jobs_cancel_from_another_process_stops_a_running_job(make_scheduler, fake_model, capsys):
    from tests.scheduler.conftest import sfx, wait_until

    fake_model("fake-a")
    s = make_scheduler(cpu_workers=1)
    job = s.submit("sfx", "fake-a", sfx("sleep 20"))
    queued = s.submit("sfx", "fake-a", sfx("queued"))
    wait_until(lambda: s.job(job.id).state == "running", timeout=20)
    assert main(["jobs", "cancel", queued.id]) == 0 and main(["jobs", "cancel", job.id]) == 0
    assert f"to cancel {job.id}" in capsys.readouterr().out  # the owner (this test's scheduler) is asked
    assert [j.state for j in s.wait([job.id, queued.id], timeout=5)] == ["cancelled", "cancelled"]


def test_generate_maps_kind_flags_onto_request_fields(tmp_path):
    from studio.cli.cmd_generate import request_fields
    from studio.cli.main import build_parser

    lyrics, image = tmp_path / "song.txt", tmp_path / "photo.png"
    lyrics.write_text("[verse]\nla la\n")
    image.write_bytes(b"png")
    parse = build_parser().parse_args
    video = request_fields(
        parse(
            [
                "generate",
                "video",
                "a lighthouse",
                "--size",
                "640x360",
                "--fps",
                "25",
                "--camera",
                "push-in",
                "--image",
                str(image),
                "--seed",
                "4",
            ]
        )
    )
    assert video == {
        "prompt": "a lighthouse",
        "width": 640,
        "height": 360,
        "fps": 25,
        "camera": "push-in",
        "image": str(image),
        "seed": 4,
    }
    song = request_fields(
        parse(
            ["generate", "song", "folk", "--lyrics", str(lyrics), "--bpm", "92", "--key", "A minor", "--duration", "30"]
        )
    )
    assert song["lyrics"] == "[verse]\nla la\n" and song["bpm"] == 92 and song["duration"] == 30
    obj = request_fields(parse(["generate", "3d", str(image), "--views", "8"]))
    assert obj == {"image": str(image), "num_views": 8, "seed": 0}
    with pytest.raises(SystemExit, match="--size must look like 1280x720"):
        request_fields(parse(["generate", "video", "x", "--size", "big"]))
    with pytest.raises(SystemExit, match="not found"):
        request_fields(parse(["generate", "3d", str(tmp_path / "missing.png")]))
