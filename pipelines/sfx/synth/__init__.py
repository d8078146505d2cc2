"""Synthesis recipes by name: ``RECIPES[name](voice) -> (samples,) float64``."""

from pipelines.sfx.synth.animals import RECIPES as _ANIMALS
from pipelines.sfx.synth.calls import RECIPES as _CALLS
from pipelines.sfx.synth.core import Voice
from pipelines.sfx.synth.household import RECIPES as _HOUSEHOLD
from pipelines.sfx.synth.impacts import RECIPES as _IMPACTS
from pipelines.sfx.synth.machines import RECIPES as _MACHINES
from pipelines.sfx.synth.nature import RECIPES as _NATURE
from pipelines.sfx.synth.oneshots import RECIPES as _ONESHOTS
from pipelines.sfx.synth.people import RECIPES as _PEOPLE
from pipelines.sfx.synth.tones import RECIPES as _TONES

RECIPES = {**_NATURE, **_IMPACTS, **_ANIMALS, **_MACHINES, **_TONES, **_PEOPLE, **_ONESHOTS, **_CALLS, **_HOUSEHOLD}

__all__ = ["RECIPES", "Voice"]
