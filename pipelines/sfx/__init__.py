"""Sound effects from text: a procedural draft engine and neural backends (Stable Audio Open, AudioLDM2)."""

from pipelines.registry import EngineSpec

REQUEST = "pipelines.sfx.request:SoundEffectRequest"
ENGINES: list = [
    EngineSpec(kind="sfx", engine="draft", target="pipelines.sfx.draft:DraftSoundEffects", version="1", default=True,
               memory_mb=300, description="Procedural synthesis from an understanding of the prompt (CPU, instant)"),
]
