"""Prosody where streamed pieces meet: pitch, level and silence at the joins, against the whole take.

    .venv/bin/python -m tests.bench.bench_voice_joins [--voices af_heart,bm_george] [--words 120]

For every pair of neighbouring words we measure, in the streamed take and in ``speak()``'s whole take:
the pitch step (semitones between the median F0 of the voiced frames in the last 200 ms of the first word
and the first 200 ms of the second; librosa pyin), the level step (dB between the RMS of the same two
windows) and the silence between them. A reset at a join shows as a step the whole take does not have, so
the figure is |step(stream) - step(whole)|, at the joins and, for scale, at the word boundaries inside
pieces. Two streams are compared: ``pieces`` (one prosody pass per sentence group, decoded in pieces; the
default) and ``chunks`` (the previous behaviour: a 4-word first chunk, then sentence groups, each
synthesized on its own).

Needs the bench extra (librosa).
"""

from __future__ import annotations

import argparse
import os
import statistics

import numpy as np

from tests.bench.bench_voice import NARRATION

WINDOW_S = 0.2


def _pitch_track(samples: np.ndarray, rate: int) -> tuple[np.ndarray, float]:
    """F0 in Hz per 10 ms frame (NaN where unvoiced) and the frame period in seconds."""
    import librosa

    audio = librosa.resample(samples.astype(np.float32), orig_sr=rate, target_sr=16_000)
    f0, voiced, _ = librosa.pyin(audio, fmin=65, fmax=450, sr=16_000, frame_length=640, hop_length=160)
    return np.where(voiced, f0, np.nan), 0.01


def _steps(samples: np.ndarray, rate: int, words: list, track: tuple[np.ndarray, float]) -> list[tuple]:
    """(pitch step in semitones or None, level step in dB, gap in seconds) for each pair of neighbours."""
    f0, hop = track

    def median_f0(a: float, b: float) -> float | None:
        seg = f0[max(0, int(a / hop)) : max(0, int(b / hop))]
        seg = seg[~np.isnan(seg)]
        return float(np.median(seg)) if len(seg) >= 3 else None

    def level(a: float, b: float) -> float:
        seg = samples[max(0, int(a * rate)) : int(b * rate)]
        return 20 * np.log10(float(np.sqrt(np.mean(seg**2))) + 1e-9) if len(seg) else -180.0

    out = []
    for w, nxt in zip(words, words[1:], strict=False):
        before = (max(w.start, w.end - WINDOW_S), w.end)
        after = (nxt.start, min(nxt.end, nxt.start + WINDOW_S))
        p1, p2 = median_f0(*before), median_f0(*after)
        pitch = 12 * np.log2(p2 / p1) if p1 and p2 else None
        out.append((pitch, level(*after) - level(*before), nxt.start - w.end))
    return out


def _take(text: str, voice: str, pieces: bool):
    from pipelines.voice.speech import stream

    chunks = list(stream(text, voice=voice, decode_in_pieces=pieces))
    samples = np.concatenate([c.samples for c in chunks])
    words, joins = [], set()
    for c in chunks:
        if c.words and words:
            joins.add(len(words) - 1)  # the pair (last word so far, first word of this piece)
        words += c.words
    return samples, words, joins


def _summary(diffs: list[tuple], which: set[int] | None, exclude: set[int]) -> dict:
    chosen = [d for i, d in enumerate(diffs) if (which is None or i in which) and i not in exclude]
    pitch = [d[0] for d in chosen if d[0] is not None]
    return {
        "n": len(chosen),
        "pitch": statistics.median(pitch) if pitch else float("nan"),
        "level": statistics.median(d[1] for d in chosen) if chosen else float("nan"),
        "gap_ms": 1000 * statistics.median(d[2] for d in chosen) if chosen else float("nan"),
    }


def run(voice: str, text: str) -> list[str]:
    from pipelines.voice.speech import SAMPLE_RATE, speak

    whole = speak(text, voice=voice)
    ref = _steps(whole.samples, SAMPLE_RATE, whole.words, _pitch_track(whole.samples, SAMPLE_RATE))
    rows = []
    for name, pieces in (("pieces", True), ("chunks (previous)", False)):
        samples, words, joins = _take(text, voice, pieces)
        if [w.word for w in words] != [w.word for w in whole.words]:
            raise SystemExit(f"{voice} {name}: the stream's words differ from the whole take's")
        ours = _steps(samples, SAMPLE_RATE, words, _pitch_track(samples, SAMPLE_RATE))
        diffs = [
            (None if a[0] is None or b[0] is None else abs(a[0] - b[0]), abs(a[1] - b[1]), abs(a[2] - b[2]))
            for a, b in zip(ours, ref, strict=True)
        ]
        sentence_ends = {i for i, w in enumerate(words) if w.word.rstrip("\"')»”’").endswith((".", "!", "?", "…"))}
        for label, which, exclude in (
            ("joins inside a sentence", joins, sentence_ends),
            ("joins at a sentence end", joins & sentence_ends, set()),
            ("other word boundaries", set(range(len(diffs))) - joins, set()),
        ):
            s = _summary(diffs, which, exclude)
            rows.append(
                f"| {voice} | {name} | {label} | {s['n']} | {s['pitch']:.2f} | {s['level']:.2f} | {s['gap_ms']:.0f} |"
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voices", default="af_heart,bm_george")
    parser.add_argument("--words", type=int, default=120, help="narration length in words (at most 300)")
    args = parser.parse_args()
    text = " ".join(NARRATION.split()[: args.words])
    print(f"narration: {len(text.split())} words; load average before: {os.getloadavg()[0]:.1f}")
    print("median |step(stream) - step(whole take)| over the word pairs in each row")
    print("| voice | stream | where | pairs | pitch step diff (semitones) | level step diff (dB) | gap diff (ms) |")
    print("|---|---|---|---|---|---|---|")
    for voice in args.voices.split(","):
        for row in run(voice, text):
            print(row, flush=True)
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
