"""Project file and undo speed on a large timeline, each against a baseline measured in the same run.

    .venv/bin/python -m tests.bench.bench_project_io [--clips 10000] [--repeat 5]

1. Save: our ``project_json_bytes`` (validate + serialise) and the atomic write, against
   OpenTimelineIO's own JSON writer on the same timeline (built beforehand, not timed).
2. Load: our ``parse_project_json`` (parse + upgrade walk + validate every field), against
   OpenTimelineIO's JSON reader on the file it wrote (parse only, no validation).
3. Undo: one move edit pushed, undone and redone on the stack, against the naive undo that snapshots
   the whole project (``copy.deepcopy``) per step; plus the memory one undo step holds in each design.
"""

from __future__ import annotations

import argparse
import copy
import pickle
import tempfile
import time
from fractions import Fraction
from pathlib import Path

from studio import edit
from studio.io.otio_io import export_otio
from studio.io.project_file import create_project, project_json_bytes, write_atomic
from studio.io.reader import parse_project_json
from studio.model import Asset, Clip, Marker, Project, TimeRange, Title


def build_project(folder: Path, clips: int) -> Project:
    """``clips`` clips over 2 video + 2 audio tracks, every 4th a title, with 50 assets and 100 markers."""
    project = create_project(folder, rate=Fraction(24))
    project.timeline.tracks += [
        copy.deepcopy(project.timeline.tracks[0]),
        copy.deepcopy(project.timeline.tracks[1]),
    ]
    for i, track in enumerate(project.timeline.tracks):
        track.id, track.name = f"track_{i}", f"T{i}"
    for i in range(50):
        kind = "video" if i % 2 == 0 else "audio"
        project.assets[f"a{i}"] = Asset(
            id=f"a{i}",
            name=f"take {i}",
            path=f"media/{i:012d}-take-{i}.{'mp4' if kind == 'video' else 'wav'}",
            kind=kind,
            duration_seconds=Fraction(60),
            has_audio=True,
            sample_rate=48000,
            provenance={"engine": "draft", "seed": i, "prompt": f"prompt {i}"},
        )
    per_track = clips // 4
    for t, track in enumerate(project.timeline.tracks):
        asset_ids = [a for a in project.assets if (int(a[1:]) % 2 == 0) == (track.kind == "video")]
        for n in range(per_track):
            clip = Clip(id=f"c{t}_{n}", name=f"clip {n}", position=n * 30, source_range=TimeRange(n % 200, 24))
            if track.kind == "video" and n % 4 == 0:
                clip.title = Title(f"Title {n}")
            else:
                clip.asset_id = asset_ids[n % len(asset_ids)]
            clip.video_fade_in = clip.audio_fade_in = 3
            track.clips.append(clip)
    project.timeline.markers = [Marker(id=f"m{i}", frame=i * 100, name=f"beat {i}") for i in range(100)]
    return project


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    import opentimelineio as otio

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "big.studio"
        project = build_project(folder, args.clips)
        data = project_json_bytes(project)
        export_otio(project, folder, Path(tmp) / "big.otio")
        timeline = otio.adapters.read_from_file(str(Path(tmp) / "big.otio"))
        otio_text = otio.adapters.write_to_string(timeline, "otio_json")

        ours_save = best(lambda: write_atomic(folder / "project.json", project_json_bytes(project)), args.repeat)
        otio_save = best(lambda: otio.adapters.write_to_string(timeline, "otio_json"), args.repeat)
        ours_load = best(lambda: parse_project_json(data), args.repeat)
        otio_load = best(lambda: otio.adapters.read_from_string(otio_text, "otio_json"), args.repeat)

        stack = edit.UndoStack(project)
        last = project.timeline.tracks[0].clips[-1]

        def one_edit() -> None:
            stack.push(edit.move(project, last.id, last.position + 1))
            stack.undo()
            stack.redo()
            stack.undo()

        ours_edit = best(one_edit, args.repeat)
        snapshot_edit = best(lambda: copy.deepcopy(project), args.repeat)
        step = edit.move(project, last.id, last.position + 1)
        edit_bytes = len(pickle.dumps(step))
        snapshot_bytes = len(pickle.dumps(project))

    n = args.clips
    print(f"project: {n} clips, {len(data) / 1e6:.1f} MB project.json, OTIO JSON {len(otio_text) / 1e6:.1f} MB")
    print(
        f"save  ours {ours_save * 1000:8.1f} ms (validate+serialise+fsync)  otio write {otio_save * 1000:8.1f} ms"
        f"  ratio {ours_save / otio_save:.2f}x"
    )
    print(
        f"load  ours {ours_load * 1000:8.1f} ms (parse+validate)          otio read  {otio_load * 1000:8.1f} ms"
        f"  ratio {ours_load / otio_load:.2f}x"
    )
    print(
        f"edit  ours {ours_edit * 1000:8.1f} ms (build+push+undo+redo+undo) snapshot {snapshot_edit * 1000:8.1f} ms"
        f"  ratio {ours_edit / snapshot_edit:.2f}x"
    )
    print(
        f"undo step memory: ours {edit_bytes} B, snapshot {snapshot_bytes / 1e6:.2f} MB"
        f"  ratio {edit_bytes / snapshot_bytes:.5f}x"
    )
    print(f"(best of {args.repeat})")


if __name__ == "__main__":
    main()
