"""Races and hostile paths (make soak): two `studio generate --project P` at once, `make` beside a
`generate`, and many spellings of a path outside the storyboard's folder or the project."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from studio.io import create_project
from tests.soak.helpers import KILL_BOARD, run_studio, start_studio

RACES = int(os.environ.get("SOAK_RACES", "10"))


def _assets_and_orphans(project: Path) -> tuple[int, int]:
    data = json.loads((project / "project.json").read_text())
    referenced = {a["path"] for a in data.get("assets", [])}
    media = {f"media/{p.name}" for p in (project / "media").iterdir() if p.is_file() and p.suffix != ".json"}
    return len(referenced), len(media - referenced)


def test_two_generates_into_one_project_at_once_lose_no_asset(tmp_path):
    lost = orphans = 0
    for trial in range(RACES):
        project = tmp_path / f"p{trial}.studio"
        create_project(project)
        procs = [
            start_studio(
                "generate",
                "sfx",
                f"door knock {trial} {n}",
                "--duration",
                "1",
                "--seed",
                str(2 * trial + n),
                "--project",
                str(project),
            )
            for n in range(2)
        ]  # two different files
        codes = [p.wait(timeout=600) for p in procs]
        for p in procs:
            p.communicate()
        assets, stray = _assets_and_orphans(project)
        lost += 2 - assets if all(c == 0 for c in codes) else 0
        orphans += stray
        print(f"trial {trial}: exit codes {codes}, {assets} assets, {stray} files not in the project")
    print(f"SOAK two-generates: {RACES} trials, {lost} assets lost, {orphans} orphaned files")
    assert lost == 0 and orphans == 0


def test_make_beside_a_generate_loses_neither(tmp_path):
    board = tmp_path / "board.md"
    board.write_text(KILL_BOARD.format(seed=4))
    lost = 0
    trials = max(1, RACES // 3)
    for trial in range(trials):
        project = tmp_path / f"film{trial}.studio"
        make = start_studio(
            "make",
            str(board),
            "-o",
            str(tmp_path / f"film{trial}.mp4"),
            "--project",
            str(project),
            "--preset",
            "draft-360p",
        )
        while not (project / "project.json").exists() and make.poll() is None:
            time.sleep(0.05)
        gen = start_studio(
            "generate",
            "sfx",
            f"bell {trial}",
            "--duration",
            "1",
            "--seed",
            str(1000 + trial),
            "--project",
            str(project),
        )
        codes = (make.wait(timeout=900), gen.wait(timeout=900))
        make.communicate()
        gen.communicate()
        data = json.loads((project / "project.json").read_text())
        bell = [a for a in data["assets"] if (a.get("provenance") or {}).get("prompt") == f"bell {trial}"]
        clips = sum(len(t["clips"]) for tl in data["timelines"] for t in tl["tracks"])
        lost += (codes[1] == 0 and not bell) + (codes[0] == 0 and clips < 12)
        print(f"trial {trial}: exit codes {codes}, bell asset {'kept' if bell else 'LOST'}, {clips} clips")
    print(f"SOAK make-and-generate: {trials} trials, {lost} lost")
    assert lost == 0


ESCAPES = [
    "../outside.png",
    "../../outside.png",
    "/etc/passwd",
    "./../outside.png",
    "sub/../../outside.png",
    "link-out.png",
    "sub/link-up/outside.png",
    "//etc/passwd",
]


@pytest.fixture
def board_dir(tmp_path) -> Path:
    from PIL import Image

    folder = tmp_path / "boards" / "film"
    (folder / "sub").mkdir(parents=True)
    Image.new("RGB", (32, 24)).save(tmp_path / "boards" / "outside.png")
    (folder / "link-out.png").symlink_to(tmp_path / "boards" / "outside.png")
    (folder / "sub" / "link-up").symlink_to(tmp_path / "boards")
    return folder


def test_every_spelling_of_a_picture_outside_the_storyboard_is_refused(board_dir, tmp_path):
    refused = 0
    for n, rel in enumerate(ESCAPES):
        for field in ("Image", "Object"):
            board = board_dir / f"b{n}{field}.md"
            board.write_text(f"## Scene: A\nDuration: 2s\n{field}: {rel}\n")
            out = run_studio("make", str(board), "--plan", "--project", str(tmp_path / "plan.studio"), timeout=120)
            ok = out.returncode == 1 and "outside the storyboard's folder" in out.stderr and ":3:" in out.stderr
            refused += ok
            if not ok:
                print(f"NOT refused: {field}: {rel}: {out.stderr.strip()[-200:]}")
    print(f"SOAK hostile storyboard paths: {refused} of {2 * len(ESCAPES)} refused")
    assert refused == 2 * len(ESCAPES)


def test_every_spelling_of_a_recipe_input_outside_the_project_is_refused(tmp_path):
    from tests.io.test_hostile_files import _project_with_recipe

    refused = 0
    spellings = [
        "/etc/passwd",
        "../x.png",
        "media/../../x.png",
        "C:/x.png",
        "\\\\server\\x.png",
        "media\\..\\..\\x",
        "a/../../x",
        "..",
        "media/\x00.png",
    ]
    for n, value in enumerate(spellings):
        folder = tmp_path / f"p{n}.studio"
        _project_with_recipe(folder, {"prompt": "waves", "duration": 1.0})
        data = json.loads((folder / "project.json").read_text())
        data["timelines"][0]["tracks"][0]["clips"][0]["recipe"]["request"]["image"] = value
        (folder / "project.json").write_text(json.dumps(data))
        out = run_studio("render", str(folder), "-o", str(tmp_path / f"o{n}.mp4"), timeout=120)
        ok = out.returncode == 1 and "recipe.request.image" in out.stderr and "Traceback" not in out.stderr
        refused += ok
        if not ok:
            print(f"NOT refused: {value!r}: {out.stderr.strip()[-200:]}")
    print(f"SOAK hostile recipe inputs: {refused} of {len(spellings)} refused")
    assert refused == len(spellings)
