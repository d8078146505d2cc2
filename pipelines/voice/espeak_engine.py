"""The minimal fallback voice: espeak-ng itself (formant synthesis, robotic but always available).

Runs the ``libespeak-ng`` shipped by ``espeakng-loader`` through ctypes in synchronous mode; its word
events give word timings directly. Voices are espeak-ng names with an optional variant: ``en-us``,
``en-gb+f3``, ``en-us+m3``.
"""

from __future__ import annotations

import ctypes
import threading
from pathlib import Path

import numpy as np

from pipelines.base import CancelToken, GenerationError, GenerationResult, Generator, ProgressFn, Request, RequestError
from pipelines.voice import output, script
from pipelines.voice import text as textlib
from pipelines.voice.language import detect_language
from pipelines.voice.request import VoiceRequest
from pipelines.voice.speech import SENTENCE_GAP_S, WordTiming

DEFAULT_VOICE = "en-us"
SPEAKER_VARIANTS = ("", "+m3", "+f3", "+m7", "+f5")
_EVENT_WORD = 1
_OUTPUT_SYNCHRONOUS = 2
_CHARS_UTF8 = 1
_RATE = 1
_lock = threading.Lock()
_library: EspeakLibrary | None = None


class _EventId(ctypes.Union):
    _fields_ = [("number", ctypes.c_int), ("name", ctypes.c_char_p), ("string", ctypes.c_char * 8)]


class _Event(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", _EventId),
    ]


_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event))


class EspeakLibrary:
    """libespeak-ng in synchronous mode: text -> (int16 samples, [(char offset, char length, ms)])."""

    def __init__(self) -> None:
        try:
            import espeakng_loader
        except ModuleNotFoundError:
            raise GenerationError("espeak-ng is missing: install espeakng-loader") from None
        self.lib = ctypes.cdll.LoadLibrary(espeakng_loader.get_library_path())
        self.lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        self.lib.espeak_Synth.argtypes = [
            ctypes.c_void_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]
        self.lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        self.lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        data = str(Path(espeakng_loader.get_data_path()).parent).encode()
        self.sample_rate = self.lib.espeak_Initialize(_OUTPUT_SYNCHRONOUS, 0, data, 0)
        if self.sample_rate <= 0:
            raise GenerationError("espeak-ng could not start (its data folder is missing or unreadable)")
        self._samples: list[np.ndarray] = []
        self._events: list[tuple[int, int, int]] = []
        self._callback = _CALLBACK(self._collect)  # kept referenced: espeak calls it from C
        self.lib.espeak_SetSynthCallback(self._callback)

    def _collect(self, wav, count, events) -> int:
        if count > 0:
            self._samples.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
        i = 0
        while events[i].type != 0:
            if events[i].type == _EVENT_WORD:
                e = events[i]
                self._events.append((e.text_position, e.length, e.audio_position))
            i += 1
        return 0

    def synth(self, text: str, voice: str, words_per_minute: int) -> tuple[np.ndarray, list[tuple[int, int, int]]]:
        """int16 samples (n,) at ``sample_rate`` and word events (1-based char position, length, ms)."""
        if self.lib.espeak_SetVoiceByName(voice.encode()) != 0:
            raise RequestError(f"unknown espeak-ng voice {voice!r}; try en-us, en-gb, en-us+f3 or en-us+m3")
        self.lib.espeak_SetParameter(_RATE, int(words_per_minute), 0)
        self._samples, self._events = [], []
        data = text.encode("utf-8") + b"\0"
        self.lib.espeak_Synth(data, len(data), 0, 1, 0, _CHARS_UTF8, None, None)
        self.lib.espeak_Synchronize()
        audio = np.concatenate(self._samples) if self._samples else np.zeros(0, np.int16)
        return audio, list(self._events)


def library() -> EspeakLibrary:
    global _library
    with _lock:
        if _library is None:
            _library = EspeakLibrary()
        return _library


def say(words: list[textlib.Word], voice: str, speed: float, speaker: str | None) -> tuple[np.ndarray, list]:
    """float32 audio (n,) at the library rate and word timings for a run of words."""
    lib = library()
    offsets, pos = [], 0
    for w in words:
        offsets.append(pos)
        pos += len(w.spoken) + 1
    line = " ".join(w.spoken for w in words)
    with _lock:
        audio, events = lib.synth(line, voice, round(175 * speed))
    samples = audio.astype(np.float32) / 32768.0
    starts: dict[int, float] = {}
    for position, _, ms in events:
        index = int(np.searchsorted(offsets, position - 1, side="right")) - 1
        starts.setdefault(max(0, index), ms / 1000)
    # espeak-ng joins some pairs ("of the") into one word event: such words share its span by length
    marks = sorted(starts.items()) or [(0, 0.0)]
    timed = []
    for k, (index, start) in enumerate(marks):
        last = marks[k + 1][0] if k + 1 < len(marks) else len(words)
        limit = marks[k + 1][1] if k + 1 < len(marks) else len(samples) / lib.sample_rate
        end = _speech_end(samples, lib.sample_rate, start, limit)
        group = words[index:last] if k else words[:last]
        total = sum(len(w.spoken) for w in group) or 1
        at = start
        for w in group:
            span = (end - start) * len(w.spoken) / total
            timed.append(WordTiming(w.text, round(at, 3), round(at + span, 3), "", speaker))
            at += span
    return samples, timed


def _speech_end(samples: np.ndarray, rate: int, start: float, limit: float) -> float:
    """The last loud 10 ms frame between ``start`` and ``limit`` (s): where the word stops sounding."""
    a, b = int(start * rate), int(limit * rate)
    frame = max(1, rate // 100)
    seg = samples[a:b][: (b - a) // frame * frame].reshape(-1, frame)
    if not len(seg):
        return limit
    loud = np.nonzero(np.abs(seg).max(axis=1) > 0.02)[0]
    return start + ((loud[-1] + 1) * frame / rate if len(loud) else (b - a) / rate)


class EspeakVoice(Generator):
    """Fallback voice-over with espeak-ng (GPL-3.0): robotic, but needs no model at all."""

    kind = "voice"
    engine = "espeak"
    version = "1"
    max_duration_s = 3600.0

    @classmethod
    def voices(cls) -> list[dict]:
        """A few of espeak-ng's voices (any espeak-ng voice name works, with +variants such as +f3, +m3)."""
        return [
            {"name": name, "language": lang, "gender": gender, "accent": accent, "source": "espeak-ng"}
            for name, lang, gender, accent in (
                ("en-us", "en-us", "male", "American English"),
                ("en-us+f3", "en-us", "female", "American English"),
                ("en-gb", "en-gb", "male", "British English"),
                ("en-gb+f3", "en-gb", "female", "British English"),
            )
        ]

    @classmethod
    def voices_note(cls) -> str:
        return "Any espeak-ng voice name works here (en-us, en-gb, fr, de ..., with +f3, +m3 ... variants)."

    def load(self) -> None:
        library()
        self.loaded = True

    def generate(
        self, request: Request, progress: ProgressFn, cancel: CancelToken, output_dir: Path
    ) -> GenerationResult:
        assert isinstance(request, VoiceRequest)
        # 1. Check inputs
        cleaned, notes = textlib.clean(request.prompt)
        textlib.check_speakable(cleaned)
        parts = script.parse(cleaned)
        language = request.language or detect_language(cleaned)
        base = request.voice or (DEFAULT_VOICE if language.startswith("en") else language)
        voices = {"": base}
        for i, name in enumerate(script.speaker_names(parts)):
            voices[name] = dict(request.speakers).get(name) or base.split("+")[0] + SPEAKER_VARIANTS[i % 5]
        rate = library().sample_rate
        # 2. Speak each part; pauses are silence
        pieces, words, at = [], [], 0.0
        for i, part in enumerate(parts):
            cancel.check()
            if isinstance(part, script.Pause):
                audio = np.zeros(int(part.seconds * rate), np.float32)
            else:
                audio, timed = say(
                    textlib.words(part.text), voices.get(part.speaker or "", base), request.speed, part.speaker
                )
                words += [
                    WordTiming(w.word, round(w.start + at, 3), round(w.end + at, 3), "", w.speaker) for w in timed
                ]
                audio = np.concatenate([audio, np.zeros(int(SENTENCE_GAP_S * rate), np.float32)])
            pieces.append(audio)
            at += len(audio) / rate
            progress((i + 1) / len(parts), "speaking", preview=(audio, rate))
        if not words:
            raise GenerationError("espeak-ng produced no speech for this text")
        # 3. Write the take
        files = output.write_take(
            output_dir,
            f"voice-{request.content_hash()[:10]}",
            np.concatenate(pieces),
            rate,
            request.sample_rate,
            words,
            voices,
        )
        provenance = {
            "model_id": "espeak-ng 1.52 (espeakng-loader)",
            "voices": voices,
            "notes": notes + ["fallback engine: formant synthesis, robotic by design"],
            "licence": "espeak-ng GPL-3.0",
        }
        return GenerationResult(files, provenance, {"audio_seconds": round(at, 3)})
