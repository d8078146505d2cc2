"""Sung vocals: each lyric line is spoken by the voice engine (Kokoro), cut into syllables, then
re-timed onto the melody's notes and re-pitched with the WORLD vocoder (``pyworld``).

WORLD splits speech into pitch (f0), spectral envelope and aperiodicity per 5 ms frame; we keep
the envelope (the words' formants, so they stay intelligible) and replace the pitch with the
written notes, stretching each syllable's vowel to the note's length while consonants keep their
natural speed.
"""

from __future__ import annotations

import difflib
import functools
import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipelines.base import CancelToken, GenerationError

FRAME_MS = 5.0
PRE_ROLL_S = 0.12  # a syllable's onset consonant starts up to this much before its note, so the vowel is on it
VIBRATO_HZ, VIBRATO_CENTS, VIBRATO_DELAY_S = 5.5, 18.0, 0.35
GLIDE_S = 0.035
# a sung vowel held for seconds (a slow song's line end) is heard as letters or repeats ("C-E-E-E") by a listener
# as by Whisper: the last syllable of a line sounds for at most this long
LAST_HOLD_S = 1.2
LAST_HOLD_FRAMES = int(LAST_HOLD_S * 1000 / FRAME_MS)
LAG_RANGE_S = (0.02, 0.09)  # how far behind its audio Kokoro's phoneme timings may run
VOICED_PHONEMES = set("aeiouæɑɐɒɔəɚɛɜɪʊʌᵻœøɯɤmnŋlɹwjvðzʒːɾ")
UNVOICED_PHONEMES = set("ptkfθsʃhç")
VOWEL_PHONEMES = set("aeiouæɑɐɒɔəɚɛɜɪʊʌᵻœøɯɤː")
METHOD = "speech (Kokoro) re-timed and re-pitched with the WORLD vocoder, unvoiced consonants kept as spoken"


@functools.lru_cache(maxsize=1)
def world():
    """The pyworld extension, loaded directly: its package ``__init__`` needs ``pkg_resources``,
    which setuptools >= 81 no longer ships."""
    try:
        import pyworld

        return pyworld
    except ImportError:  # ModuleNotFoundError: No module named 'pkg_resources'
        pass
    spec = importlib.util.find_spec("pyworld")
    if spec is None or not spec.submodule_search_locations:
        raise GenerationError("the WORLD vocoder (pyworld) is not installed: pip install pyworld")
    folder = Path(list(spec.submodule_search_locations)[0])
    so = next(folder.glob("pyworld*.so"), None) or next(folder.glob("pyworld*.pyd"), None)
    if so is None:
        raise GenerationError(f"pyworld's compiled module is missing from {folder}")
    ext_spec = importlib.util.spec_from_file_location("pyworld", so)
    module = importlib.util.module_from_spec(ext_spec)
    ext_spec.loader.exec_module(module)
    return module


def _norm(word: str) -> str:
    return re.sub(r"[^a-z0-9]", "", word.lower())


def timing_lag(timed: list, f0: np.ndarray) -> float:
    """How many seconds Kokoro's phoneme timings run behind its audio: the shift that best lines up the phonemes
    it timed as voiced with WORLD's voiced frames (measured over our 46 lyric lines: 25-150 ms, median 50 ms;
    uncorrected, a line's first consonant fell before its word's span and was never sung: "Stay" -> "Day").
    0 for a take without phoneme timings."""
    predicted = np.full(len(f0), -1, np.int8)  # 1 voiced phoneme, 0 unvoiced, -1 no opinion (stress, silence)
    for w in timed:
        for ph, a, b in getattr(w, "phoneme_times", ()):
            label = 1 if ph in VOICED_PHONEMES else 0 if ph in UNVOICED_PHONEMES else -1
            if label >= 0:
                i0, i1 = (int(round((w.start + t) * 1000 / FRAME_MS)) for t in (a, b))
                predicted[max(0, i0) : max(0, i1)] = label
    if not (predicted >= 0).any():
        return 0.0
    voiced = f0 > 0
    lo, hi = (int(round(s * 1000 / FRAME_MS)) for s in LAG_RANGE_S)
    n = len(f0)
    scores = []
    for lag in range(lo, min(hi, n - 1) + 1):
        p, v = predicted[lag:], voiced[: n - lag]
        known = p >= 0
        scores.append(float(np.mean(p[known] == v[known])) if known.any() else 0.0)
    return (lo + int(np.argmax(scores))) * FRAME_MS / 1000 if scores else 0.0


def word_spans(line_words: list[str], timed: list, lag: float = 0.0) -> list[tuple[float, float]]:
    """(start, end) seconds in the spoken take for each lyric word, matching the speech engine's
    words by text; words it merged or split get the span of their neighbours' gap. ``lag``: how far the
    engine's timings run behind its audio (see :func:`timing_lag`); every word starts that much earlier, and
    where its first phoneme does when that is earlier than the word's (trimmed) start."""
    if lag or any(getattr(w, "phoneme_times", ()) for w in timed):
        timed = [_Moved(w, lag) for w in timed]
    spoken = [_norm(w.word) for w in timed]
    wanted = [_norm(w) for w in line_words]
    spans: list[tuple[float, float] | None] = [None] * len(wanted)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=wanted, b=spoken, autojunk=False).get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                spans[i1 + k] = (timed[j1 + k].start, timed[j1 + k].end)
        elif j2 > j1:  # replaced: share the spoken words' time among the lyric words
            a, b = timed[j1].start, timed[j2 - 1].end
            n = i2 - i1
            for k in range(n):
                spans[i1 + k] = (a + (b - a) * k / n, a + (b - a) * (k + 1) / n)
    end = timed[-1].end if timed else 0.0
    for k in range(len(spans)):  # anything unmatched: squeeze between known neighbours
        if spans[k] is None:
            prev = spans[k - 1][1] if k and spans[k - 1] else 0.0
            nxt = next((s[0] for s in spans[k + 1 :] if s), end)
            spans[k] = (prev, max(prev + 0.01, nxt))
    return spans  # type: ignore[return-value]


class _Moved:
    """A word timing that starts ``lag`` seconds earlier, and no later than its first timed phoneme. Its end stays:
    the speech engine already moved it back to where the word's sound ends (moving it too cut final consonants:
    per-line WER 0.306 vs 0.159 over our 8 lyrics)."""

    def __init__(self, w, lag: float):
        times = getattr(w, "phoneme_times", ())
        first = w.start + min((a for _, a, _ in times), default=0.0)
        self.word, self.start = w.word, max(0.0, min(w.start, first) - lag)
        self.end = max(self.start + 0.01, w.end)


def syllable_spans(
    f0: np.ndarray, first: int, last: int, count: int, vowels: np.ndarray | None = None
) -> list[tuple[int, int]]:
    """Split frames [first, last) of one word into ``count`` syllables between its vowels (``vowels``: the
    frames the speech engine timed as vowels) or, when those do not match the count, between its voiced runs;
    equal parts when neither does."""
    if count <= 1:
        return [(first, last)]
    if vowels is not None:
        cuts = _cuts_between_runs(vowels[first:last], first, last, count)
        if cuts:
            return cuts
    return _cuts_between_runs(f0[first:last] > 0, first, last, count) or [
        (first + (last - first) * k // count, first + (last - first) * (k + 1) // count) for k in range(count)
    ]


def _cuts_between_runs(voiced: np.ndarray, first: int, last: int, count: int) -> list[tuple[int, int]]:
    """``count`` spans cut halfway between the ``count`` runs of True in ``voiced`` (frames from ``first``);
    empty when there are not exactly ``count`` runs."""
    runs, start = [], None
    for i, v in enumerate(voiced):
        if v and start is None:
            start = i
        elif not v and start is not None:
            runs.append((start, i))
            start = None
    if start is not None:
        runs.append((start, len(voiced)))
    if len(runs) != count:
        return []
    cuts = [first] + [first + (runs[k][1] + runs[k + 1][0]) // 2 for k in range(count - 1)] + [last]
    return [(cuts[k], cuts[k + 1]) for k in range(count)]


def _time_map(src: tuple[int, int], voiced: np.ndarray, n_out: int) -> tuple[np.ndarray, np.ndarray]:
    """Source frame (float) for each of ``n_out`` output frames: consonant onset and coda at natural
    speed (up to 50% and 30% of the note), the voiced nucleus stretched or squeezed to fill the rest.
    Also returns which output frames play their source at natural speed (bool (n_out,)).

    Tried and dropped: stretching only the vowel Kokoro timed, voiced consonants at natural speed (per-line WER
    0.37-0.39 vs 0.12 over our 8 lyrics; also with it only on notes longer than the spoken syllable)."""
    a, b = src
    idx = np.flatnonzero(voiced[a:b])
    v0, v1 = (a + idx[0], a + idx[-1] + 1) if len(idx) else (a, b)
    onset = min(v0 - a, int(0.5 * n_out))  # consonants keep their spoken length while the note allows
    coda = min(b - v1, int(0.3 * n_out))
    middle = max(1, n_out - onset - coda)
    parts = [
        np.arange(onset, dtype=np.float64) + a if onset else np.zeros(0),
        np.linspace(v0, max(v0, v1 - 1), middle),
        np.arange(coda, dtype=np.float64) + (b - coda) if coda else np.zeros(0),
    ]
    natural = np.concatenate([np.ones(onset, bool), np.zeros(middle, bool), np.ones(coda, bool)])
    return np.concatenate(parts)[:n_out], natural[:n_out]


def splice_consonants(sung: np.ndarray, speech: np.ndarray, out_src: np.ndarray, hop: int, fade: int) -> np.ndarray:
    """Put the spoken take's own samples back where the singer plays an unvoiced consonant at natural speed
    (``out_src``: the source frame of each output frame, -1 elsewhere): WORLD smears a plosive's burst and a
    fricative's hiss over its 5 ms frames, and a consonant needs no pitch. Each run is cross-faded over
    ``fade`` samples into the resynthesised voice."""
    out = sung.copy()
    keep = out_src >= 0
    k, n = 0, len(out_src)
    while k < n:
        if not keep[k]:
            k += 1
            continue
        j = k + 1
        while j < n and keep[j] and out_src[j] == out_src[j - 1] + 1:
            j += 1
        a, b = k * hop, min(len(out), j * hop)
        s0 = int(out_src[k]) * hop
        piece = speech[s0 : s0 + (b - a)]
        b = a + len(piece)
        if b - a > 2 * fade:
            w = np.ones(b - a, np.float32)
            ramp = 0.5 - 0.5 * np.cos(np.linspace(0, np.pi, fade, dtype=np.float32))
            w[:fade], w[-fade:] = ramp, ramp[::-1]
            out[a:b] = out[a:b] * (1 - w) + piece * w
        k = j
    return out


def _note_f0(midi: int, n: int, prev_hz: float | None) -> np.ndarray:
    """f0 (Hz) for ``n`` frames of a note: a short glide from the previous note, then gentle vibrato."""
    hz = 440.0 * 2 ** ((midi - 69) / 12)
    t = np.arange(n) * FRAME_MS / 1000
    cents = VIBRATO_CENTS * np.sin(2 * np.pi * VIBRATO_HZ * t) * np.clip((t - VIBRATO_DELAY_S) / 0.2, 0, 1)
    curve = hz * 2 ** (cents / 1200)
    if prev_hz:
        g = min(n, int(GLIDE_S * 1000 / FRAME_MS))
        if g:
            curve[:g] = np.geomspace(prev_hz, hz, g + 1)[1:]
    return curve


@dataclass(frozen=True)
class SpokenAnalysis:
    """A spoken lyric line and its WORLD analysis (5 ms frames): f0 (frames,), spectral envelope and
    aperiodicity (frames, bins). Made once per line and voice, reused by every variation and repeat."""

    speech: object
    f0: np.ndarray
    sp: np.ndarray
    ap: np.ndarray
    lag: float = 0.0  # seconds the speech engine's word timings run behind its audio
    vowels: np.ndarray | None = None  # (frames,) bool: timed as a vowel by the speech engine (None: no timings)


def analyse(speech) -> SpokenAnalysis:
    """WORLD analysis of a spoken take at its own rate (24 kHz: the rate the voice model speaks at)."""
    pw = world()
    x = np.ascontiguousarray(speech.samples, dtype=np.float64)
    f0, t = pw.dio(x, speech.sample_rate, frame_period=FRAME_MS, f0_floor=70.0, f0_ceil=800.0)
    f0 = pw.stonemask(x, f0, t, speech.sample_rate)
    sp = pw.cheaptrick(x, f0, t, speech.sample_rate)
    ap = pw.d4c(x, f0, t, speech.sample_rate)
    # kept as float32: a 3 s line is 600 frames x 513 bins, 2.5 MB per array instead of 5
    lag = timing_lag(speech.words, f0)
    vowels = vowel_frames(speech.words, len(f0), lag)
    return SpokenAnalysis(speech, f0, sp.astype(np.float32), ap.astype(np.float32), lag, vowels)


def vowel_frames(timed: list, frames: int, lag: float) -> np.ndarray | None:
    """(frames,) bool: the frames of the phonemes the speech engine timed as vowels, ``lag`` seconds earlier
    (None when it timed no phonemes)."""
    if not any(getattr(w, "phoneme_times", ()) for w in timed):
        return None
    out = np.zeros(frames, bool)
    for w in timed:
        for ph, a, b in w.phoneme_times:
            if ph in VOWEL_PHONEMES:
                i0, i1 = (int(round((w.start + t - lag) * 1000 / FRAME_MS)) for t in (a, b))
                out[max(0, i0) : max(0, i1)] = True
    return out


@functools.lru_cache(maxsize=64)
def spoken_line(text: str, voice: str | None) -> SpokenAnalysis:
    """The voice engine's take of one lyric line, analysed; kept so that repeated lines (choruses), the
    variations of one request and restyles speak and analyse it once."""
    return analyse(spoken_take(text, voice))


def syllable_frames(line, analysis: SpokenAnalysis) -> dict[tuple[int, int], tuple[int, int]]:
    """(word, syllable) -> (first, last) frame of that syllable in the spoken take."""
    frames = len(analysis.f0)
    spans = word_spans([w.text for w in line.words], analysis.speech.words, analysis.lag)
    to_frame = lambda s: int(np.clip(round(s * 1000 / FRAME_MS), 0, frames))  # noqa: E731
    syl = {}
    for w, (a, b) in enumerate(spans):
        first, last = to_frame(a), max(to_frame(b), to_frame(a) + 1)
        for k, span in enumerate(syllable_spans(analysis.f0, first, last, line.words[w].syllables, analysis.vowels)):
            syl[(w, k)] = span
    return syl


def syllable_seconds(line, voice: str | None) -> list[float]:
    """How long each syllable of ``line`` lasts when spoken, in seconds, the pause after a word counted
    with its last syllable: the spoken rhythm a melody can follow."""
    analysis = spoken_line(line.text, voice)
    syl = syllable_frames(line, analysis)
    keys = [(w, k) for w, word in enumerate(line.words) for k in range(word.syllables)]
    starts = [syl[key][0] for key in keys]
    ends = starts[1:] + [syl[keys[-1]][1]]
    return [max(1, b - a) * FRAME_MS / 1000 for a, b in zip(starts, ends, strict=True)]


def speaking_pitch(voice: str | None, lines: list[str]) -> float | None:
    """The voice's median speaking pitch over some lyric lines, as a MIDI number (None: no voiced frames)."""
    f0 = np.concatenate([spoken_line(text, voice).f0 for text in lines]) if lines else np.zeros(0)
    voiced = f0[f0 > 0]
    return float(69 + 12 * np.log2(np.median(voiced) / 440.0)) if len(voiced) else None


def sing_line(
    sung, seconds_per_beat: float, speech, transpose: int = 0, analysis: SpokenAnalysis | None = None
) -> tuple[np.ndarray, float]:
    """Sing one ``compose.SungLine`` from its spoken take (analysed here unless ``analysis`` is given).
    Returns (samples float32 (n,) at the speech's rate, start time in seconds of the first sample in the song)."""
    pw = world()
    analysis = analysis or analyse(speech)
    sr = analysis.speech.sample_rate
    f0, sp, ap = analysis.f0, analysis.sp, analysis.ap
    frames = len(f0)
    syl = syllable_frames(sung.line, analysis)
    # group the notes by syllable (a melisma is several notes on one syllable)
    groups: list[list] = []
    for n in sung.notes:
        if groups and (groups[-1][0].word, groups[-1][0].syllable) == (n.word, n.syllable):
            groups[-1].append(n)
        else:
            groups.append([n])
    line_start = sung.notes[0].start * seconds_per_beat - PRE_ROLL_S
    total_s = sung.end * seconds_per_beat - line_start + 0.05
    n_out = int(total_s * 1000 / FRAME_MS)
    out_f0 = np.zeros(n_out)
    out_sp = np.full((n_out, sp.shape[1]), 1e-12)
    out_ap = np.ones((n_out, sp.shape[1]))
    voiced = f0 > 0
    out_src = np.full(n_out, -1, np.int64)  # unvoiced consonants played at natural speed: their source frame
    prev_hz = None
    for gi, group in enumerate(groups):
        src = syl.get((group[0].word, group[0].syllable))
        if src is None or src[1] <= src[0]:
            continue
        end_beat = group[-1].start + group[-1].length
        if gi + 1 < len(groups) and groups[gi + 1][0].start <= end_beat + 1e-6:
            end_beat = groups[gi + 1][0].start  # legato into the next syllable
        onset_frames = int(np.flatnonzero(voiced[src[0] : src[1]])[0]) if voiced[src[0] : src[1]].any() else 0
        pre = min(onset_frames, int(PRE_ROLL_S * 1000 / FRAME_MS))
        o0 = to_out = int(round((group[0].start * seconds_per_beat - line_start) * 1000 / FRAME_MS)) - pre
        o1 = min(n_out, int(round((end_beat * seconds_per_beat - line_start) * 1000 / FRAME_MS)))
        o0 = max(0, to_out)
        released = gi == len(groups) - 1 and o1 - o0 > LAST_HOLD_FRAMES
        if released:  # the line's last vowel is let go after LAST_HOLD_S; the accompaniment holds the chord
            o1 = o0 + LAST_HOLD_FRAMES
        if o1 - o0 < 2:
            continue
        mapping, natural = _time_map(src, voiced, o1 - o0)
        m = len(mapping)
        lo = np.floor(mapping).astype(int).clip(0, frames - 1)
        hi = np.minimum(lo + 1, frames - 1)
        frac = (mapping - lo)[:, None]
        out_sp[o0 : o0 + m] = sp[lo] * (1 - frac) + sp[hi] * frac
        if released:  # a 40 ms fade, not a click
            out_sp[o0 + m - 8 : o0 + m] *= np.geomspace(1.0, 1e-4, 8)[:, None]
        out_ap[o0 : o0 + m] = ap[lo] * (1 - frac) + ap[hi] * frac
        pitch = np.zeros(m)
        pos = 0
        for k, note in enumerate(group):  # each note of the syllable gets its share of the frames
            n_end = (
                m
                if k == len(group) - 1
                else int(round(((note.start + note.length) * seconds_per_beat - line_start) * 1000 / FRAME_MS)) - o0
            )
            n_end = int(np.clip(n_end, pos, m))
            pitch[pos:n_end] = _note_f0(note.pitch + transpose, n_end - pos, prev_hz)
            prev_hz = pitch[n_end - 1] if n_end > pos else prev_hz
            pos = n_end
        src_voiced = voiced[lo] | voiced[hi]
        if not src_voiced.any():  # the pitch tracker found no vowel: voice the middle of the syllable
            src_voiced[m // 4 : max(m // 4 + 1, 3 * m // 4)] = True
        out_f0[o0 : o0 + m] = np.where(src_voiced, pitch, 0.0)
        consonant = natural & ~voiced[lo]
        out_src[o0 : o0 + m][consonant] = lo[consonant]
    y = pw.synthesize(out_f0, out_sp, out_ap, sr, FRAME_MS).astype(np.float32)
    hop = int(round(sr * FRAME_MS / 1000))
    y = splice_consonants(y, np.asarray(analysis.speech.samples, np.float32), out_src, hop, hop // 2)
    return y, line_start


@functools.lru_cache(maxsize=128)
def spoken_take(text: str, voice: str | None):
    """The voice engine's take of one lyric line, kept so repeated lines (choruses, restyles) are spoken once."""
    from pipelines.voice.speech import speak

    return speak(text, voice=voice)


def render_vocals(
    lines: list,
    seconds_per_beat: float,
    total_seconds: float,
    sample_rate: int,
    voice: str | None = None,
    transpose: int = 0,
    cancel: CancelToken | None = None,
    progress=None,
) -> np.ndarray:
    """The dry vocal stem, mono float32 (samples,), at ``sample_rate``."""
    from scipy.signal import resample_poly

    out = np.zeros(int(round(total_seconds * sample_rate)), np.float32)
    for i, sung in enumerate(lines):
        if cancel is not None:
            cancel.check()
        analysis = spoken_line(sung.line.text, voice)
        y, start = sing_line(sung, seconds_per_beat, analysis.speech, transpose, analysis)
        rate = analysis.speech.sample_rate
        if rate != sample_rate:
            from math import gcd

            g = gcd(sample_rate, rate)
            y = resample_poly(y, sample_rate // g, rate // g).astype(np.float32)
        rms = float(np.sqrt(np.mean(y**2))) if len(y) else 0.0
        if rms > 1e-6:
            y *= 0.1 / rms  # every line at the same level (about -20 dBFS RMS)
        a = max(0, int(round(start * sample_rate)))
        b = min(len(out), a + len(y))
        out[a:b] += y[: b - a]
        if progress is not None:
            progress((i + 1) / len(lines), f"singing line {i + 1} of {len(lines)}")
    return out
