"""Decode one utterance in pieces, so its first words are heard before the rest is decoded.

Kokoro's text side (phoneme encoder, durations, pitch, energy) runs once on the whole utterance; its
decoder, which costs about 95 % of the time and scales with the audio's length, then renders stretches
of frames: a short first piece (about half a second, ending between two words) and pieces that double in
length after it. Pitch and timing come from the whole utterance, so there is no reset where pieces meet:
no new sentence onset, no final fall. Each stretch is decoded with a few frames of context on both sides
(the decoder's convolutions and instance norms look around, see ``CONTEXT_FRAMES``) and neighbours are crossfaded over 10 ms at
the quietest frame of the gap between two words.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from pipelines.voice.kokoro_model import FRAME_SAMPLES, SAMPLE_RATE

FRAMES_PER_SECOND = SAMPLE_RATE // FRAME_SAMPLES  # 40
FIRST_PIECE_S = 0.45  # about two words: enough to start playback, short enough to decode in ~0.2 s on 2 cores
LATER_FIRST_PIECE_S = 1.5  # later sentences: playback is already ahead, fewer pieces cost less context
MAX_PIECE_S = 4.0
# Frames decoded past each side of a piece and thrown away (0.2 s); the first piece is decoded from frame 0, over
# the model's whole lead-in silence, as in a whole take. The decoder normalises over the frames it is given, so a
# piece's level depends on them: with 2 frames each side the first piece came out 3-5 dB quieter than the same
# frames of a whole decode; from frame 0 with 8 after, within 1.5 dB (measured on three sentences).
CONTEXT_FRAMES = 8
LEAD_FRAMES = 4  # silence kept before the first phoneme (trimmed like a whole take's after decoding)
CROSSFADE = SAMPLE_RATE // 100
SENTENCE_PAUSE_S, CLAUSE_PAUSE_S = 0.25, 0.1  # kokoro-onnx's defaults, which the whole-take path uses


@dataclass
class Piece:
    """A stretch of an utterance's audio: ``audio`` float32 (n,) from sample ``start`` of the utterance.
    ``phoneme_edges`` (phonemes + 1,) holds the sample where each phoneme starts in the utterance (the last
    entry: where the last one ends), the same in every piece."""

    audio: np.ndarray
    start: int
    phoneme_edges: np.ndarray
    last: bool


def cut_frames(phonemes: str, frames: np.ndarray, energy: np.ndarray, begin: int, first_s: float) -> list[int]:
    """Frames where pieces meet: each in a gap between words (a space token), at its quietest predicted
    frame boundary; the first piece about ``first_s`` long, each next one twice the last (at most
    ``MAX_PIECE_S``); a last piece shorter than half its target joins the one before."""
    starts = np.concatenate([[0], np.cumsum(frames)])  # frame where token i starts; token 0 is the padding
    total = int(starts[-1])
    loudness = energy.reshape(-1)
    gaps = []
    for j, ch in enumerate(phonemes):
        if ch != " " or j + 2 >= len(starts):
            continue
        lo, hi = int(starts[j + 1]), int(starts[j + 2])  # the space token's frames
        options = range(lo, hi + 1)
        gaps.append(min(options, key=lambda f: float(np.mean(loudness[max(0, 2 * f - 2) : 2 * f + 2] if f else 0.0))))
    cuts: list[int] = []
    size = first_s * FRAMES_PER_SECOND
    at = begin
    while True:
        later = [g for g in gaps if g > at + 0.5 * size]
        if not later:
            break
        cut = min(later, key=lambda g: abs(g - (at + size)))
        if total - cut < 0.5 * min(2 * size, MAX_PIECE_S * FRAMES_PER_SECOND):
            break  # what is left is short: it stays with this piece
        cuts.append(cut)
        size = min(2 * (cut - at), MAX_PIECE_S * FRAMES_PER_SECOND)
        at = cut
    return cuts


def pieces(model: Any, phonemes: str, voice: str, speed: float, first_s: float = FIRST_PIECE_S) -> Iterator[Piece]:
    """Synthesize ``phonemes`` (Kokoro's vocabulary) piece by piece; leading and trailing silence are trimmed
    as the whole-take path trims them. Phoneme edges are in samples of the trimmed utterance."""
    from kokoro_onnx.trim import trim

    prosody = model.prosody(phonemes, voice, speed)
    known = model.known(phonemes)
    starts = np.concatenate([[0], np.cumsum(prosody.frames)]).astype(np.int64)
    total = prosody.total_frames
    begin = max(0, int(starts[1]) - LEAD_FRAMES)
    cuts = cut_frames(known, prosody.frames, prosody.energy, begin, first_s)
    bounds = [begin, *cuts, total]
    head, inserted, origin = 0, 0, 0
    edges = np.zeros(0, np.int64)
    held = np.zeros(0, np.float32)  # the previous stretch's decode just past its cut, for the crossfade
    for k, (a, b) in enumerate(zip(bounds[:-1], bounds[1:], strict=True)):
        last = k == len(bounds) - 2
        lo, hi = (0 if k == 0 else max(0, a - CONTEXT_FRAMES)), min(total, b + CONTEXT_FRAMES)
        decoded = model.decode(prosody, lo, hi)
        offset = (a - lo) * FRAME_SAMPLES
        audio = decoded[offset : offset + (b - a) * FRAME_SAMPLES].copy()
        if len(held):
            n = min(len(held), len(audio))
            ramp = np.linspace(0.0, 1.0, n, dtype=np.float32)
            audio[:n] = held[:n] * (1 - ramp) + audio[:n] * ramp
        tail = offset + (b - a) * FRAME_SAMPLES
        held = decoded[tail : tail + CROSSFADE]
        if k == 0:
            _, (head, _) = trim(audio)
            head = int(head)
            audio = audio[head:]
        if last and len(audio):
            _, (_, end) = trim(audio)
            audio = audio[: max(int(end), 1)]
        if k == 0:
            origin = begin * FRAME_SAMPLES + head
            edges = np.clip(starts[1:] * FRAME_SAMPLES - origin, 0, None)[: len(known) + 1]
        start = 0 if k == 0 else int(a * FRAME_SAMPLES - origin + inserted)
        if last:  # as the whole-take path does: nothing ends past the trimmed audio
            edges = np.minimum(edges, start + len(audio))
        audio, edges, added = _top_up_pauses(audio, start, known, edges)
        inserted += added
        if last:
            audio = _end_pause(audio, known)
        yield Piece(audio, start, edges.copy(), last)


def _end_pause(audio: np.ndarray, known: str) -> np.ndarray:
    """An utterance ending on a mark ends with the pause the mark asks for (silence below -40 dB of the
    loudest 10 ms), as the whole-take path leaves it."""
    from kokoro_onnx.chunker import CLAUSE_MARKS, SENTENCE_MARKS

    mark = known.rstrip()[-1:]
    wanted = SENTENCE_PAUSE_S if mark in SENTENCE_MARKS else CLAUSE_PAUSE_S if mark in CLAUSE_MARKS else 0.0
    frame = SAMPLE_RATE // 100
    usable = len(audio) // frame * frame
    if not wanted or not usable:
        return audio
    loudness = np.sqrt((audio[:usable].reshape(-1, frame) ** 2).mean(axis=1))
    loud = np.nonzero(loudness > loudness.max() * 10 ** (-40 / 20))[0]
    quiet = (len(audio) - (loud[-1] + 1) * frame) / SAMPLE_RATE if len(loud) else 0.0
    missing = int((wanted - quiet) * SAMPLE_RATE)
    return np.concatenate([audio, np.zeros(missing, np.float32)]) if missing > 0 else audio


def _top_up_pauses(audio: np.ndarray, start: int, known: str, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Lengthen the pauses after marks in this piece as the whole-take path does (kokoro-onnx: 0.25 s after a
    sentence, 0.1 s after a clause, spliced into the silence the model left); later edges move along.
    Returns the audio, the moved edges and the samples added."""
    from kokoro_onnx.pauses import insert
    from kokoro_onnx.sliding import Timing

    inside = [j for j in range(len(known)) if start <= edges[j] < start + len(audio)]
    if not inside:
        return audio, edges, 0
    timings = [Timing(known[j], (edges[j] - start) / SAMPLE_RATE, (edges[j + 1] - start) / SAMPLE_RATE) for j in inside]
    longer, moved = insert(audio, timings, SAMPLE_RATE, SENTENCE_PAUSE_S, CLAUSE_PAUSE_S)
    added = len(longer) - len(audio)
    if not added:
        return audio, edges, 0
    edges = edges.copy()
    for j, before, after in zip(inside, timings, moved, strict=True):
        edges[j] += round((after.start - before.start) * SAMPLE_RATE)
    edges[inside[-1] + 1 :] += added
    return np.asarray(longer, np.float32), edges, added
