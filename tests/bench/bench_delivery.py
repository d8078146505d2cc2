"""What checking the delivered file costs: a render of a peaky mix (drum-like hits) under a still, with the
encoded file's true peak measured by ffmpeg's ebur128 (and the audio re-encoded when AAC overshoots),
against the same render with that check switched off. Both in one run, so their ratio holds under load.

    python -m tests.bench.bench_delivery [--seconds 30] [--preset web-720p]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from studio.io import save_project
from studio.render import render as render_module
from studio.render import render_timeline
from studio.render.loudness import measure_encoded
from tests.render.helpers import new_project, place_file, still_png
from tests.render.test_delivery import _peaky_mix


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--preset", default="web-720p")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        folder = tmp_path / "p.studio"
        project = new_project(folder, 1280, 720, 24)
        frames = int(args.seconds * 24)
        place_file(
            project, folder, project.timeline.tracks[0], still_png(tmp_path / "bg.png", (40, 90, 160, 255)), 0, frames
        )
        place_file(
            project, folder, project.timeline.tracks[1], _peaky_mix(tmp_path / "mix.wav", args.seconds), 0, frames
        )
        save_project(project, folder)
        spent = {"measure": 0.0, "reencode": 0.0, "reencodes": 0}
        from studio.render import encoder, loudness

        real_measure, real_replace = loudness.measure_encoded, encoder.replace_audio

        def timed_measure(path, *a):
            t = time.perf_counter()
            try:
                return real_measure(path, *a)
            finally:
                spent["measure"] += time.perf_counter() - t

        def timed_replace(*a, **k):
            t = time.perf_counter()
            try:
                return real_replace(*a, **k)
            finally:
                spent["reencode"] += time.perf_counter() - t
                spent["reencodes"] += 1

        loudness.measure_encoded, encoder.replace_audio = timed_measure, timed_replace
        t = time.perf_counter()
        checked = render_timeline(project, folder, tmp_path / "checked.mp4", preset=args.preset)
        checked_s = time.perf_counter() - t
        loudness.measure_encoded, encoder.replace_audio = real_measure, real_replace

        passes, headroom = render_module.DELIVERY_PASSES, render_module.CODEC_HEADROOM_DB
        render_module.DELIVERY_PASSES, render_module.CODEC_HEADROOM_DB = 0, 0.0  # the render as it was
        try:
            plain_measure = loudness.measure_encoded
            loudness.measure_encoded = lambda *a: (0.0, -99.0)  # no measuring, no re-encode
            t = time.perf_counter()
            render_timeline(project, folder, tmp_path / "plain.mp4", preset=args.preset)
            plain_s = time.perf_counter() - t
        finally:
            loudness.measure_encoded = plain_measure
            render_module.DELIVERY_PASSES, render_module.CODEC_HEADROOM_DB = passes, headroom
        lufs_c, peak_c = measure_encoded(str(tmp_path / "checked.mp4"))
        lufs_p, peak_p = measure_encoded(str(tmp_path / "plain.mp4"))
        print(f"load average {os.getloadavg()[0]:.1f}; {args.seconds:g} s {args.preset}")
        print(f"without the check: {plain_s:.1f} s, file {lufs_p:.1f} LUFS, true peak {peak_p:+.1f} dBTP")
        print(
            f"with the check:    {checked_s:.1f} s ({checked_s / plain_s:.2f}x), file {lufs_c:.1f} LUFS, "
            f"true peak {peak_c:+.1f} dBTP; measuring {spent['measure']:.2f} s, "
            f"{spent['reencodes']} audio re-encode(s) {spent['reencode']:.2f} s; summary says "
            f"{checked.loudness_lufs:.1f} LUFS, warnings: {checked.warnings}"
        )


if __name__ == "__main__":
    main()
