"""Song speed: the draft engine on a 3-minute song with vocals and all stems, and (on CUDA only) ACE-Step 1.5
turbo through the engine's own path and defaults (the GPU run's ace_step section, tests/bench/gpu).

    .venv/bin/python -m tests.bench.bench_song            # draft: 3 runs, median
    .venv/bin/python -m tests.bench.bench_song --ace-step # also the GPU path (needs CUDA)

The draft figure is seconds for the whole song (speech: each distinct line spoken and analysed once;
compose; instruments; vocals: singing; mix; write), with the voice model loaded but no spoken line cached;
per-stage seconds are printed too, with the CPU seconds of each run (all threads) and the load average
before and after: under load, wall time says little and CPU time says what the engine costs.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time

VERSE = [
    "The city lights are fading out",
    "I hear the echo of your shout",
    "We ran together through the rain",
    "and now I'm standing here again",
]
VERSE2 = [
    "The morning comes with empty hands",
    "I try to make my own new plans",
    "The river knows the way to go",
    "and carries everything I know",
]
CHORUS = [
    "Hold on, hold on to the night",
    "we are burning oh so bright",
    "Hold on, hold on to the flame",
    "nothing here will be the same",
]
BRIDGE = ["Maybe we were young and free", "maybe that is all we need"]
LYRICS = "\n".join(
    ["[verse]", *VERSE, "[chorus]", *CHORUS, "[verse]", *VERSE2, "[chorus]", "[bridge]", *BRIDGE, "[chorus]"]
)


def draft(runs: int = 3) -> dict:
    from pipelines.song import vocals
    from pipelines.song.draft import DraftSongEngine
    from pipelines.song.request import SongRequest

    engine = DraftSongEngine()
    request = SongRequest(
        prompt="driving pop rock, 116 bpm, in G major", lyrics=LYRICS, duration=180.0, variations=1, seed=11
    )
    vocals.spoken_take("warm up", None)  # load the voice model once, as a resident engine would have it
    import os
    import shutil

    load_before = [round(x, 1) for x in os.getloadavg()]
    times, cpus, stages = [], [], []
    for _ in range(runs):
        vocals.spoken_take.cache_clear()
        vocals.spoken_line.cache_clear()
        out = tempfile.mkdtemp(prefix="bench-song-")
        t0, c0 = time.perf_counter(), time.process_time()
        result = engine(request, output_dir=out)
        times.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)  # CPU seconds of this process, all threads (onnxruntime's too)
        stages.append(result.provenance["timings_s"])
        shutil.rmtree(out, ignore_errors=True)  # a 3-minute song's stems are ~350 MB
    audio_s = result.metrics["audio_seconds"]
    median = statistics.median(times)
    return {
        "song_seconds": audio_s,
        "runs": [round(t, 2) for t in times],
        "median_s": round(median, 2),
        "cpu_s": [round(c, 2) for c in cpus],
        "median_cpu_s": round(statistics.median(cpus), 2),
        "x_real_time": round(audio_s / median, 2),
        "stages_s_last_run": stages[-1],
        "files": sorted(f.role for f in result.files),
        "voice": result.provenance.get("voice"),
        "load_average_before": load_before,
        "load_average_after": [round(x, 1) for x in os.getloadavg()],
    }


def ace_step_gpu() -> dict:
    """ACE-Step 1.5 turbo on CUDA through the engine's own path (its defaults): the GPU run's ace_step section."""
    import torch

    if not torch.cuda.is_available():
        return {"ace_step": "not measured: no CUDA device here (run tests/bench/gpu/run.sh on a GPU machine)"}
    from tests.bench.gpu.bench_gpu import main as gpu_main

    gpu_main(["--only", "ace_step"])
    return {"ace_step": "see the JSON lines of the GPU run"}


if __name__ == "__main__":
    report = draft()
    if "--ace-step" in sys.argv:
        report.update(ace_step_gpu())
    print(json.dumps(report, indent=1))
