"""One sound the draft engine knows: a synthesis recipe, its parameters and the phrases a creator might use."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Concept:
    """One sound the draft engine knows. ``recipe`` is a key of ``synth.RECIPES``; ``bed`` concepts
    fill the whole duration (rain, engine), the others are events; ``level_db`` balances layers."""

    name: str
    recipe: str
    phrases: tuple[str, ...]
    params: dict = field(default_factory=dict, hash=False)
    bed: bool = False
    level_db: float = 0.0
    category: str = ""


def _c(
    category: str, name: str, recipe: str, phrases: str, bed: bool = False, level_db: float = 0.0, **params
) -> Concept:
    return Concept(name, recipe, tuple(p.strip() for p in phrases.split("|")), params, bed, level_db, category)
