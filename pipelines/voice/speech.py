"""Speech from text with word timings, on Kokoro-82M: ``speak`` for a whole take, ``stream`` chunk by chunk.

Word timings come from Kokoro's own duration predictor (exposed as a graph output, see
``kokoro_model``): every phoneme's span in the audio is known exactly, and a word spans its phonemes.

    speech = speak("Hello there.", voice="jf_alpha")
    speech.samples      # float32 (n,), 24 kHz mono
    speech.words[0]     # WordTiming(word="Hello", start=0.05, end=0.41, phonemes="həlˈoʊ")
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from pipelines.base import CancelToken, GenerationError, RequestError
from pipelines.voice import kokoro_model, script, windows
from pipelines.voice import text as textlib
from pipelines.voice.kokoro_model import VoiceInfo
from pipelines.voice.language import detect_language, language_name

SAMPLE_RATE = kokoro_model.SAMPLE_RATE
SENTENCE_GAP_S = 0.30
PHRASE_GAP_S = 0.12
WORD_GAP_S = 0.04
MAX_CHUNK_PHONEMES = 480
LANGUAGE_MISMATCH = "voice and text languages differ"  # starts the note; engines raise it as a warning
EMPHASIS_GAIN = 1.35  # about +2.6 dB over the emphasised word, on top of its primary stress
_STRESS = "ˈ"
_IGNORED = set(" ˈˌ")
_PUNCTUATION = ".,;:!?…—\"'()"
_VOWELS = set("aeiouæɑɐɒɔəɚɛɜɪʊʌᵻœøɯɤ")


@dataclass(frozen=True)
class WordTiming:
    """When a word is spoken, in seconds from the start of the take; ``phonemes`` as the model said them."""

    word: str
    start: float
    end: float
    phonemes: str = ""
    speaker: str | None = None
    # (phoneme, start, end) for each phoneme the model timed, seconds from the word's start (Kokoro only)
    phoneme_times: tuple[tuple[str, float, float], ...] = ()


@dataclass
class SpeechChunk:
    """One piece of a stream: ``samples`` float32 (n,) starting ``start`` seconds into the take."""

    samples: np.ndarray
    sample_rate: int
    start: float
    words: list[WordTiming]
    text: str
    voice: str


@dataclass
class Speech:
    """A whole take: float32 mono samples (n,), their rate, word timings and notes for provenance."""

    samples: np.ndarray
    sample_rate: int
    words: list[WordTiming]
    voices: dict[str, str] = field(default_factory=dict)  # speaker ("" for plain text) -> voice
    notes: list[str] = field(default_factory=list)

    @property
    def duration(self) -> float:
        return len(self.samples) / self.sample_rate


def list_voices() -> list[VoiceInfo]:
    """Installed Kokoro voices: the bundled English and Japanese ones, then voice packs from the models folder."""
    return [info for info, _ in kokoro_model.installed_voices().values()]


def _stressed(phonemes: str) -> str:
    """A word's phonemes with primary stress: secondary becomes primary; none gets one on its first vowel."""
    if _STRESS in phonemes:
        return phonemes
    if "ˌ" in phonemes:
        return phonemes.replace("ˌ", _STRESS, 1)
    for i, ch in enumerate(phonemes):
        if ch in _VOWELS:
            return phonemes[:i] + _STRESS + phonemes[i:]
    return phonemes


def _word_phonemes(model: Any, words: list[textlib.Word], lang: str) -> list[str]:
    """Phonemes per word, read in context (so "a", "the", "to" are reduced as in speech).

    espeak-ng phonemizes the chunk as a whole, and sometimes fuses words ("was the" -> "wʌzðə").
    Each word's own phonemes (read alone) are aligned to the contextual string with difflib,
    ignoring stress marks and spaces, and the contextual string is cut at the word boundaries.
    """
    alone = model.phonemize_each([w.spoken for w in words], lang)
    context = model.phonemize(" ".join(w.spoken for w in words), lang)
    plain_a, bounds = "", []
    for p in alone:
        plain_a += "".join(ch for ch in p if ch not in _IGNORED)
        bounds.append(len(plain_a))
    where = [i for i, ch in enumerate(context) if ch not in _IGNORED]  # plain index -> context index
    plain_b = "".join(context[i] for i in where)
    if not where or not plain_a:
        return alone
    mapping = _align(plain_a, plain_b)
    cuts = [0]
    for b in bounds[:-1]:
        pos = mapping[b]
        at = where[pos] if pos < len(where) else len(context)
        while at > cuts[-1] and context[at - 1] in "ˈˌ":  # a stress mark belongs to the syllable after it
            at -= 1
        cuts.append(max(at, cuts[-1]))
    cuts.append(len(context))
    out = [" ".join(context[a:b].split()) for a, b in zip(cuts[:-1], cuts[1:], strict=True)]
    # a word that lost all its phonemes to the alignment keeps its own reading
    return [o if o.strip(_PUNCTUATION) or not a.strip(_PUNCTUATION) else a for o, a in zip(out, alone, strict=True)]


def _align(a: str, b: str) -> list[int]:
    """For every position 0..len(a) in ``a``, the matching position in ``b`` (difflib opcodes, linear in
    replaced stretches)."""
    import difflib

    mapping = [0] * (len(a) + 1)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        for i in range(i1, i2 + 1):
            mapping[i] = j1 + (i - i1 if tag == "equal" else round((i - i1) * (j2 - j1) / max(1, i2 - i1)))
    return mapping


def _chunk_phonemes(model: Any, words: list[textlib.Word], lang: str) -> list[tuple[textlib.Word, str]]:
    """The words that have something to say, each with its phonemes (stressed where emphasised)."""
    per_word = _word_phonemes(model, words, lang)
    per_word = [
        " ".join(model.known(_stressed(p) if w.emphasis else p).split()) for w, p in zip(words, per_word, strict=True)
    ]
    return [(w, p) for w, p in zip(words, per_word, strict=True) if p]


def _time_words(
    audio: np.ndarray,
    spoken: list[tuple[textlib.Word, str]],
    phoneme_start: Any,
    phoneme_end: Any,
    speaker: str | None,
    skip: set[int] | None = None,
) -> list[tuple[int, WordTiming]]:
    """(index into ``spoken``, timing) for each word that can be timed (but those in ``skip``);
    ``phoneme_start(i)`` and ``phoneme_end(i)`` give phoneme i's span in seconds (i indexes the joined
    phoneme string; ``phoneme_end`` is None for one not in ``audio``). Emphasised words are boosted in
    ``audio`` in place."""
    result, pos = [], 0
    for n, (w, p) in enumerate(spoken):
        at, letters = pos, [pos + i for i, ch in enumerate(p) if ch.isalpha() or ch in "ːˈˌ"]
        pos += len(p) + 1
        if skip and n in skip:
            continue
        if not letters or phoneme_end(letters[-1]) is None:
            continue  # nothing sayable (a lone symbol): no timing rather than a made-up one
        first, last = letters[0], letters[-1]
        start, end = _tighten(
            audio,
            float(phoneme_start(first)),
            float(phoneme_end(first)),
            float(phoneme_start(last)),
            float(phoneme_end(last)),
        )
        times = tuple(
            (p[i - at], round(float(phoneme_start(i)) - start, 3), round(float(phoneme_end(i)) - start, 3))
            for i in range(at, at + len(p))
            if p[i - at] != " " and phoneme_end(i) is not None
        )
        result.append((n, WordTiming(w.text, round(start, 3), round(end, 3), p, speaker, times)))
        if w.emphasis:
            _boost(audio, start, end)
    return result


def _synthesize_chunk(
    model: Any, words: list[textlib.Word], voice: str, speed: float, lang: str, speaker: str | None
) -> tuple[np.ndarray, list[WordTiming]]:
    """Audio (n,) and word timings (seconds from the chunk start) for one chunk of words."""
    spoken = _chunk_phonemes(model, words, lang)
    if not spoken:
        return np.zeros(0, np.float32), []
    phonemes = " ".join(p for _, p in spoken)
    if len(phonemes) > MAX_CHUNK_PHONEMES and len(words) > 1:  # Kokoro reads at most 510 tokens at once
        half = len(words) // 2
        head, head_words = _synthesize_chunk(model, words[:half], voice, speed, lang, speaker)
        tail, tail_words = _synthesize_chunk(model, words[half:], voice, speed, lang, speaker)
        shift = len(head) / SAMPLE_RATE + WORD_GAP_S
        tail_words = [replace(w, start=round(w.start + shift, 3), end=round(w.end + shift, 3)) for w in tail_words]
        gap = np.zeros(int(WORD_GAP_S * SAMPLE_RATE), np.float32)
        return np.concatenate([head, gap, tail]), head_words + tail_words
    audio, timings = model.run(phonemes, voice, speed)
    audio = np.asarray(audio, np.float32)
    timed = _time_words(
        audio,
        spoken,
        lambda i: timings[i].start if i < len(timings) else None,
        lambda i: timings[i].end if i < len(timings) else None,
        speaker,
    )
    return audio, [t for _, t in timed]


def _synthesize_in_pieces(
    model: Any,
    words: list[textlib.Word],
    voice: str,
    speed: float,
    lang: str,
    speaker: str | None,
    first_s: float,
) -> Iterator[tuple[np.ndarray, float, list[WordTiming], list[textlib.Word]]]:
    """Like :func:`_synthesize_chunk`, yielding (audio, its start in seconds from the chunk start, word
    timings from the chunk start, the words it holds) piece by piece: the first piece about ``first_s`` long,
    and every piece carries the prosody of the whole chunk (see ``windows``)."""
    spoken = _chunk_phonemes(model, words, lang)
    if not spoken:
        return
    phonemes = " ".join(p for _, p in spoken)
    if len(phonemes) > MAX_CHUNK_PHONEMES:
        audio, timed = _synthesize_chunk(model, words, voice, speed, lang, speaker)
        yield audio, 0.0, timed, words
        return
    so_far = np.zeros(0, np.float32)
    done: set[int] = set()
    given: set[int] = set()  # ids of the words already handed out
    for piece in windows.pieces(model, phonemes, voice, speed, first_s):
        at = len(so_far)
        so_far = np.concatenate([so_far, piece.audio])
        edges = piece.phoneme_edges
        heard = len(so_far)

        def ends(i: int, edges: np.ndarray = edges, heard: int = heard, last: bool = piece.last) -> float | None:
            if i + 1 >= len(edges) or (edges[i + 1] > heard and not last):
                return None  # spoken in a later piece
            return float(min(edges[i + 1], heard)) / SAMPLE_RATE

        timed = _time_words(so_far, spoken, lambda i, e=edges: float(e[i]) / SAMPLE_RATE, ends, speaker, done)
        done.update(n for n, _ in timed)
        held = [spoken[n][0] for n, _ in timed]
        if piece.last:  # and every word that had nothing to time
            held = [w for w in words if id(w) not in given]
        given.update(id(w) for w in held)
        yield so_far[at:].copy(), at / SAMPLE_RATE, [t for _, t in timed], held


def _tighten(audio: np.ndarray, start: float, first_end: float, last_start: float, end: float) -> tuple[float, float]:
    """Move a word's edges off silence: the model gives a sentence's last phoneme its trailing hush too.

    Only the first phoneme's head and the last phoneme's tail move, to the first/last 10 ms frame
    above 5 % of the chunk's loudest frame (RMS)."""
    frame = SAMPLE_RATE // 100
    usable = len(audio) // frame * frame
    floor = 0.05 * float(np.sqrt((audio[:usable].reshape(-1, frame) ** 2).mean(axis=1)).max(initial=1e-4))

    def loud(a: float, b: float) -> np.ndarray:
        i, j = int(a * SAMPLE_RATE), int(b * SAMPLE_RATE)
        n = max(0, (j - i) // frame)
        seg = audio[i : i + n * frame].reshape(n, frame) if n else np.zeros((0, frame), np.float32)
        return np.nonzero(np.sqrt((seg**2).mean(axis=1)) > floor)[0]

    head = loud(start, first_end)
    if len(head):
        start += head[0] * frame / SAMPLE_RATE
    tail = loud(last_start, end)
    end = min(end, last_start + ((tail[-1] + 1) * frame / SAMPLE_RATE if len(tail) else 0.02))
    return start, max(end, start + 0.02)


def _boost(audio: np.ndarray, start: float, end: float) -> None:
    """Raise the level of audio[start:end] (seconds) in place, with 10 ms ramps, never clipping."""
    a, b = int(start * SAMPLE_RATE), min(len(audio), int(end * SAMPLE_RATE))
    if b <= a:
        return
    gain = np.full(b - a, EMPHASIS_GAIN, np.float32)
    ramp = min(int(0.01 * SAMPLE_RATE), (b - a) // 2)
    if ramp:
        gain[:ramp] = np.linspace(1, EMPHASIS_GAIN, ramp)
        gain[-ramp:] = np.linspace(EMPHASIS_GAIN, 1, ramp)
    audio[a:b] = np.clip(audio[a:b] * gain, -1.0, 1.0)


def _gap_after(chunk: list[textlib.Word]) -> float:
    last = chunk[-1]
    return SENTENCE_GAP_S if last.ends_sentence else PHRASE_GAP_S if last.ends_phrase else WORD_GAP_S


def resolve_voices(
    parts: list[script.Spoken | script.Pause],
    voice: str | None,
    speakers: dict[str, str] | None,
    text_language: str = "en",
    notes: list[str] | None = None,
) -> dict[str, str]:
    """Speaker -> voice: given pairs first, the requested voice (or the best one for the text's language) for
    the first speaker, other voices of that language in turn. A voice of another language than the text's is
    allowed, with a note (it reads with an accent)."""
    installed = kokoro_model.installed_voices()
    speakers = dict(speakers or {})
    base = text_language.split("-")[0]
    same = [n for n, (info, _) in installed.items() if info.language.split("-")[0] == base]
    preferred = kokoro_model.default_voice(text_language)
    default = voice or (preferred if preferred in same else same[0] if same else kokoro_model.DEFAULT_VOICE)
    for name in [default, *speakers.values()]:
        if name not in installed:
            raise RequestError(f"unknown voice {name!r}; installed: {', '.join(sorted(installed))}")
    unused = sorted(
        (v for v in installed if v != default and v not in speakers.values()), key=lambda v: v not in same
    )  # voices of the text's language first, in catalogue order
    chosen: dict[str, str] = {"": default}
    for i, name in enumerate(script.speaker_names(parts)):
        if name in speakers:
            chosen[name] = speakers[name]
        elif i == 0 and default not in speakers.values():
            chosen[name] = default
        else:
            chosen[name] = unused.pop(0) if unused else default
    if notes is not None:
        for who, name in chosen.items():
            info = installed[name][0]
            if info.language.split("-")[0] != base and (who or len(chosen) == 1 or name == default):
                fitting = (
                    f"{language_name(base)} voices: {', '.join(same)}"
                    if same
                    else (f"no {language_name(base)} voice is installed")
                )
                notes.append(
                    f"{LANGUAGE_MISMATCH}: the text looks {language_name(base)} but voice {name} is {info.accent}, "
                    f"so it will be read with an accent ({fitting})"
                )
                break
    return chosen


def stream(
    text: str,
    voice: str | None = None,
    speed: float = 1.0,
    lang: str = "",
    *,
    speakers: dict[str, str] | None = None,
    read_speakers: bool = True,
    first_chunk_words: int | None = 4,
    cancel: CancelToken | None = None,
    notes: list[str] | None = None,
    voices_used: dict[str, str] | None = None,
    threads: int | None = None,
    decode_in_pieces: bool = True,
) -> Iterator[SpeechChunk]:
    """Synthesize text chunk by chunk; each chunk is yielded as soon as it is ready (its words timed
    from the start of the whole take). Pauses come as silent chunks. ``notes`` collects what was skipped;
    ``voices_used`` is filled with speaker -> voice. ``lang`` (espeak-ng code) is detected from the text when
    empty, and English is then read in each voice's own accent (en-us or en-gb).

    With ``first_chunk_words`` set, each sentence group's prosody is predicted once and decoded in pieces (the
    first about half a second long, see ``windows``); ``decode_in_pieces=False`` synthesizes whole chunks
    instead, the first one ``first_chunk_words`` long (the previous behaviour, kept for comparison)."""
    if not 0.5 <= speed <= 2.0:
        raise RequestError(f"speed must be between 0.5 and 2.0, got {speed}")
    cleaned, skipped = textlib.clean(text)
    cleaned, cues = script.drop_cues(cleaned)
    textlib.check_speakable(cleaned)
    if notes is not None:
        notes.extend(skipped)
        notes.extend(f"skipped cue {c}: Kokoro has no non-verbal sounds (the bark engine does)" for c in cues)
    parts = script.parse(cleaned, speakers=read_speakers)
    text_language = lang or detect_language(cleaned)
    chosen = resolve_voices(parts, voice, speakers, text_language, notes)
    if voices_used is not None:
        voices_used.update(chosen)
    model = kokoro_model.load(threads)
    in_pieces = decode_in_pieces and first_chunk_words is not None and model.can_decode_in_pieces()
    at = 0.0
    first = True
    for part in parts:
        if cancel is not None:
            cancel.check()
        if isinstance(part, script.Pause):
            silence = np.zeros(int(part.seconds * SAMPLE_RATE), np.float32)
            yield SpeechChunk(silence, SAMPLE_RATE, at, [], "", "")
            at += len(silence) / SAMPLE_RATE
            continue
        line = textlib.words(part.text, set(part.emphasis))
        voice_name = chosen.get(part.speaker or "", chosen[""])
        phonemes_in = lang or kokoro_model.phoneme_language(voice_name, text_language)
        if in_pieces:  # whole sentences, the first heard after half a second; the same utterances as speak()
            for chunk in textlib.plan_chunks(line, None):
                chunk_at = at
                first_s = windows.FIRST_PIECE_S if first else windows.LATER_FIRST_PIECE_S
                for audio, _, timed, held in _synthesize_in_pieces(
                    model, chunk, voice_name, speed, phonemes_in, part.speaker, first_s
                ):
                    if cancel is not None:
                        cancel.check()
                    if not len(audio):
                        continue
                    first = False
                    yield SpeechChunk(audio, SAMPLE_RATE, at, _shifted(timed, chunk_at), _text(held), voice_name)
                    at += len(audio) / SAMPLE_RATE
                gap = np.zeros(int(_gap_after(chunk) / speed * SAMPLE_RATE), np.float32)
                yield SpeechChunk(gap, SAMPLE_RATE, at, [], "", voice_name)
                at += len(gap) / SAMPLE_RATE
            continue
        for chunk in textlib.plan_chunks(line, first_chunk_words if first else None):
            if cancel is not None:
                cancel.check()
            audio, timed = _synthesize_chunk(model, chunk, voice_name, speed, phonemes_in, part.speaker)
            if not len(audio):
                continue
            first = False
            gap = np.zeros(int(_gap_after(chunk) / speed * SAMPLE_RATE), np.float32)
            audio = np.concatenate([audio, gap])
            yield SpeechChunk(audio, SAMPLE_RATE, at, _shifted(timed, at), _text(chunk), voice_name)
            at += len(audio) / SAMPLE_RATE


def _shifted(timed: list[WordTiming], seconds: float) -> list[WordTiming]:
    return [replace(w, start=round(w.start + seconds, 3), end=round(w.end + seconds, 3)) for w in timed]


def _text(words: list[textlib.Word]) -> str:
    return " ".join(w.text for w in words)


def speak(
    text: str,
    voice: str | None = None,
    speed: float = 1.0,
    lang: str = "",
    *,
    speakers: dict[str, str] | None = None,
    read_speakers: bool = False,
    cancel: CancelToken | None = None,
) -> Speech:
    """Synthesize a whole take at 24 kHz. ``[pause 300ms]`` and ``*word*`` are honoured; speaker labels
    (``ANNA: ...``) only with ``read_speakers=True``."""
    notes: list[str] = []
    voices: dict[str, str] = {}
    chunks = list(
        stream(
            text,
            voice,
            speed,
            lang,
            speakers=speakers,
            read_speakers=read_speakers,
            first_chunk_words=None,
            cancel=cancel,
            notes=notes,
            voices_used=voices,
        )
    )
    if not any(c.words for c in chunks):
        raise GenerationError("the voice produced no speech for this text")
    samples = np.concatenate([c.samples for c in chunks]).astype(np.float32)
    words = [w for c in chunks for w in c.words]
    return Speech(samples, SAMPLE_RATE, words, voices, notes)
