"""Voice speed on this machine: time to first audio, real-time factor, cold start.

    .venv/bin/python -m tests.bench.bench_voice [--threads 1,2] [--repeats 3] [--first-only]

Ours: ``pipelines.voice.speech.stream`` (one prosody pass per sentence group, decoded in pieces: the first
about half a second). Previous: the same stream with ``decode_in_pieces=False`` (a 4-word first chunk, then
sentence groups, each synthesized whole). Baseline: the whole text in one call to kokoro-onnx
(``Kokoro.create``, which batches by phoneme count itself), same session. Time to first audio (warm) is for a
2-sentence input; the real-time factor (compute seconds per audio second) is over the narration; stalls are
the seconds a player starting at the first chunk would wait for later ones; cold start is a fresh process
from import to the first chunk.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

TWO_SENTENCES = "The harbour was quiet when the last boat came in. An old man tied the rope and walked home."
NARRATION = (
    "Every town has a place where people go to think, and in ours it was the lighthouse on the northern cliff. "
    "Nobody had kept the light for twenty years, yet the door was never locked, and the stairs were always swept. "
    "On clear evenings you could climb to the top and watch the fishing boats return, one after another, "
    "their lamps swaying like slow fireflies over the water. Children dared each other to stay until dark. "
    "Lovers carved their names into the railing, and the old sailors argued about the weather below. "
    "My grandmother said the keeper had simply walked away one winter morning and never come back. "
    "Some people believed he had sailed south to find the sun; others thought he had joined a circus. "
    "Whatever the truth, the building seemed to wait for him. Each spring someone painted the walls white again, "
    "and each autumn someone replaced the broken glass before the storms arrived. "
    "When I was twelve, I found a notebook hidden behind a loose brick near the top of the tower. "
    "It was full of drawings of birds, tides and ships, with small careful notes written beside each one. "
    "On the last page there was a map of the coast and a single line: the light is for those still at sea. "
    "I did not understand it then. I read it again many years later, after my own long journey, "
    "and I finally knew why the door was never locked. The town was not keeping a building. "
    "It was keeping a promise to everyone who might still be trying to find their way home. "
    "Tonight the lamp is lit again, powered by a small battery and a solar panel on the roof. "
    "It is not as bright as it once was, but on a dark night it can be seen from a long way off. "
    "And sometimes, when the wind drops, you can hear people laughing on the stairs."
)


def _median_time(fn, repeats: int) -> tuple[float, float]:
    """Median wall seconds and median CPU seconds (this process, all threads) of ``fn()``."""
    wall, cpu = [], []
    for _ in range(repeats):
        t, c = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return statistics.median(wall), statistics.median(cpu)


def _played(chunks) -> tuple[int, float]:
    """Audio samples of a stream and the seconds a player would stall: playback starts when the first chunk
    is ready; each later chunk is due when the audio before it has played."""
    t0 = time.perf_counter()
    first, stalled, samples = None, 0.0, 0
    for chunk in chunks:
        ready = time.perf_counter() - t0
        if first is None:
            first = ready
        due = first + stalled + chunk.start
        stalled += max(0.0, ready - due)
        samples += len(chunk.samples)
    return samples, stalled


def warm(threads: int, repeats: int, narration: str) -> dict:
    from pipelines.voice import kokoro_model
    from pipelines.voice.speech import SAMPLE_RATE, stream

    model = kokoro_model.load(threads)
    kokoro = model.kokoro
    style = model.voice_style(kokoro_model.DEFAULT_VOICE)
    for pieces in (True, False):
        list(stream("Warm up the model, please.", threads=threads, decode_in_pieces=pieces))  # first-run allocations
    ours_first = _median_time(lambda: next(iter(stream(TWO_SENTENCES, threads=threads))), repeats)
    prev_first = _median_time(
        lambda: next(iter(stream(TWO_SENTENCES, threads=threads, decode_in_pieces=False))), repeats
    )
    base_first = _median_time(lambda: kokoro.create(TWO_SENTENCES, style), repeats)
    ours, prev, base = [], [], []
    ours_total = _median_time(lambda: ours.append(_played(stream(narration, threads=threads))), 1)
    prev_total = _median_time(
        lambda: prev.append(_played(stream(narration, threads=threads, decode_in_pieces=False))), 1
    )
    base_total = _median_time(lambda: base.append(len(kokoro.create(narration, style)[0])), 1)
    ours_s, prev_s, base_s = ours[0][0] / SAMPLE_RATE, prev[0][0] / SAMPLE_RATE, base[0] / SAMPLE_RATE
    return {
        "threads": threads,
        "ours_first": ours_first,
        "prev_first": prev_first,
        "base_first": base_first,
        "ours_rtf": (ours_total[0] / ours_s, ours_total[1] / ours_s),
        "prev_rtf": (prev_total[0] / prev_s, prev_total[1] / prev_s),
        "base_rtf": (base_total[0] / base_s, base_total[1] / base_s),
        "stalls": (ours[0][1], prev[0][1]),
        "audio_s": ours_s,
    }


def first_only(threads: int, repeats: int) -> None:
    """Time to first audio only, ours against previous in turn: wall min / median and CPU median."""
    from pipelines.voice.speech import stream

    for pieces in (True, False):
        list(stream("Warm up the model, please.", threads=threads, decode_in_pieces=pieces))
    for pieces in (True, False):
        wall, cpu = [], []
        for _ in range(repeats):
            t, c = time.perf_counter(), time.process_time()
            next(iter(stream(TWO_SENTENCES, threads=threads, decode_in_pieces=pieces)))
            wall.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        print(
            f"| {threads} | {'ours' if pieces else 'previous'} | {min(wall):.3f} | {statistics.median(wall):.3f} "
            f"| {statistics.median(cpu):.3f} | {os.getloadavg()[0]:.1f} |",
            flush=True,
        )


def cold(threads: int) -> float:
    code = (
        "import time; t = time.perf_counter(); from pipelines.voice.speech import stream; "
        f"next(iter(stream({TWO_SENTENCES!r}, threads={threads}))); print(time.perf_counter() - t)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", default="1,2", help="onnxruntime intra-op thread counts to compare")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--words", type=int, default=300, help="narration length in words (at most 300)")
    parser.add_argument("--first-only", action="store_true", help="only time to first audio, ours vs previous")
    args = parser.parse_args()
    if args.first_only:
        print(f"first audio of a 2-sentence input, {args.repeats} repeats each; seconds")
        print("| threads | stream | wall min | wall median | CPU median | load |")
        print("|---|---|---|---|---|---|")
        for threads in (int(x) for x in args.threads.split(",")):
            first_only(threads, args.repeats)
        return
    narration = " ".join(NARRATION.split()[: args.words])
    print(
        f"narration: {len(narration.split())} words; first audio: 2 sentences, median of {args.repeats}; "
        f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print("wall seconds (CPU seconds of this process in brackets)")
    print(
        "| threads | first audio ours | first audio previous | first audio one call | RTF ours | RTF previous "
        "| RTF one call | stalls ours / previous s | cold start s |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for threads in (int(x) for x in args.threads.split(",")):
        r = warm(threads, args.repeats, narration)
        c = cold(threads)
        cells = [f"{w:.3f} ({cpu:.3f})" for w, cpu in (r["ours_first"], r["prev_first"], r["base_first"])]
        cells += [f"{w:.2f} ({cpu:.2f})" for w, cpu in (r["ours_rtf"], r["prev_rtf"], r["base_rtf"])]
        cells += [f"{r['stalls'][0]:.2f} / {r['stalls'][1]:.2f}", f"{c:.2f}"]
        print(f"| {threads} | " + " | ".join(cells) + " |", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
