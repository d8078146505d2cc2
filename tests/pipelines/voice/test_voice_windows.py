"""Where an utterance is cut into pieces for streaming (pure arithmetic on the model's frames; no model)."""

import numpy as np

from pipelines.voice.windows import FRAMES_PER_SECOND, MAX_PIECE_S, cut_frames


def _utterance(words: int, word_frames: int = 10, gap_frames: int = 3):
    """Phonemes "ab ab ab ..." with ``frames`` per token (padding 12 frames at both ends) and an energy curve
    (2 values per frame) that is loud on letters and has one quiet frame in the middle of each gap."""
    phonemes = " ".join(["ab"] * words)
    frames = [12]
    for ch in phonemes:
        frames.append(gap_frames if ch == " " else word_frames // 2)
    frames.append(12)
    energy = np.ones(2 * sum(frames), np.float32)
    at = 0
    for token, n in enumerate(frames):
        if 0 < token <= len(phonemes) and phonemes[token - 1] == " ":
            energy[2 * (at + n // 2) - 2 : 2 * (at + n // 2) + 2] = 0.0  # the quiet middle of the gap
        at += n
    return phonemes, np.array(frames, np.int64), energy


def test_pieces_are_cut_in_word_gaps_at_their_quietest_frame_first_short_then_doubling():
    phonemes, frames, energy = _utterance(words=40)
    starts = np.concatenate([[0], np.cumsum(frames)])
    gaps = [(int(starts[j + 1]), int(starts[j + 2])) for j, ch in enumerate(phonemes) if ch == " "]
    begin = int(starts[1]) - 4
    cuts = cut_frames(phonemes, frames, energy, begin, first_s=0.45)
    assert len(cuts) >= 3
    for cut in cuts:
        lo, hi = next(g for g in gaps if g[0] <= cut <= g[1])  # inside a gap between two words
        assert cut == lo + (hi - lo) // 2  # at its quiet middle
    sizes = np.diff([begin, *cuts]) / FRAMES_PER_SECOND
    assert 0.3 <= sizes[0] <= 0.6
    assert all(
        later >= 1.5 * earlier or later >= MAX_PIECE_S * 0.8 for earlier, later in zip(sizes, sizes[1:], strict=False)
    )
    assert max(sizes) <= MAX_PIECE_S * 1.2


def test_a_short_utterance_is_one_piece_and_a_short_rest_is_not_split_off():
    phonemes, frames, energy = _utterance(words=1)
    assert cut_frames(phonemes, frames, energy, 8, first_s=0.45) == []
    phonemes, frames, energy = _utterance(words=3)  # about 1 s: a 0.45 s piece would leave a scrap
    cuts = cut_frames(phonemes, frames, energy, 8, first_s=0.45)
    total = int(frames.sum())
    assert all(total - cut >= 0.45 * FRAMES_PER_SECOND for cut in cuts)
