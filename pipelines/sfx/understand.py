"""Reads a sound-effect prompt: which concepts (one per clause), with which modifiers, when, and how
sure it is. Uses the shared text-embedding index (``pipelines.understanding``) over the vocabulary."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipelines.sfx.modifiers import Modifiers, read_modifiers
from pipelines.sfx.vocabulary import BY_NAME, Concept, phrase_table
from pipelines.understanding import ConceptIndex, split_clauses

# Scores at or above these mean "this clause names that concept" (cosine for embeddings, overlap for keywords).
KNOWN = {"embedding": 0.42, "keywords": 0.3}
_SEQUENCE = re.compile(r"\bthen\b|\bfollowed by\b|\bafter that\b|\bafterwards\b", re.I)


@dataclass(frozen=True)
class Part:
    """One understood sound: the concept, the clause it came from, its match score and its modifiers."""

    concept: Concept
    clause: str
    score: float
    modifiers: Modifiers
    after_previous: bool = False  # "then ..." starts after what came before

    def describe(self) -> str:
        return " ".join([self.concept.name, *(f"({m})" for m in self.modifiers.describe())])


@dataclass(frozen=True)
class Understanding:
    """What a prompt was understood as; ``guessed`` when nothing matched well (a generic guess)."""

    parts: tuple[Part, ...]
    space: str
    method: str
    guessed: bool
    note: str = ""

    def summary(self) -> str:
        text = " + ".join(p.describe() for p in self.parts)
        if self.space:
            text += f" | space: {self.space}"
        return text


@lru_cache(maxsize=1)
def concept_index() -> ConceptIndex:
    """The vocabulary's index, built once per process (its embeddings are cached on disk)."""
    return ConceptIndex(phrase_table())


def _excluded(negative: str, index: ConceptIndex) -> set[str]:
    out = set()
    for clause in split_clauses(negative):
        matches = index.match(clause, top_k=1)
        if matches and matches[0][1] >= KNOWN[matches.method] + 0.1:
            out.add(matches[0][0])
    return out


def understand(
    prompt: str, negative_prompt: str = "", influence: float = 0.5, index: ConceptIndex | None = None
) -> Understanding:
    """Map ``prompt`` to concepts and modifiers. Lower ``influence`` lowers the bar for extra layers."""
    index = index or concept_index()
    banned = _excluded(negative_prompt, index) if negative_prompt.strip() else set()
    overall = read_modifiers(prompt)
    clauses = split_clauses(prompt) or [prompt.strip() or "sound"]
    seq_marks = [bool(_SEQUENCE.search(seg)) for seg in re.split(r"[,;]", prompt)]
    parts: list[Part] = []
    best: tuple[float, str, str] | None = None
    method, note = "keywords", ""
    stray = Modifiers()
    for i, clause in enumerate(clauses):
        matches = index.match(clause, top_k=5)
        method, note = matches.method, matches.note
        candidates = [(n, s) for n, s in matches if n not in banned]
        if not candidates:
            continue
        name, score = candidates[0]
        if best is None or score > best[0]:
            best = (score, name, clause)
        mods = read_modifiers(clause)
        bar = KNOWN[method] + 0.08 * (influence - 0.5)
        if score >= bar:
            after = bool(re.search(r"\bthen\b|\bfollowed by\b", prompt, re.I)) and i > 0 and any(seq_marks)
            parts.append(Part(BY_NAME[name], clause, score, mods, after))
        else:
            stray = stray.merged(mods) if mods.words else stray
    guessed = not parts
    if guessed and best is not None:
        score, name, clause = best
        parts.append(Part(BY_NAME[name], clause, score, read_modifiers(clause)))
    # modifiers in clauses that named no sound ("in a cave", "far away") apply to every part
    parts = [Part(p.concept, p.clause, p.score, p.modifiers.merged(stray), p.after_previous) for p in parts]
    space = overall.space
    if not space and parts:  # a sound made indoors (a keyboard), no place named: it is heard in its usual room
        space = parts[0].concept.params.get("space", "")
    if re.search(r"\breverb|\becho", negative_prompt, re.I):
        space = "outdoor"
    return Understanding(tuple(_dedupe(parts)), space, method, guessed, note)


def _dedupe(parts: list[Part]) -> list[Part]:
    seen, out = set(), []
    for p in parts:
        key = (p.concept.name, p.modifiers)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out[:6]
