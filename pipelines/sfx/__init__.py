"""Sound effects from text: a procedural draft engine and neural backends (Stable Audio Open, AudioLDM2)."""

from pipelines.spec import EngineSpec

REQUEST = "pipelines.sfx.request:SoundEffectRequest"
# One Stable Audio Open engine serves sound effects and songs: one weights folder, one resident model
# (pipelines/song lists it too, with kind="song")
STABLE_AUDIO_OPEN = EngineSpec(
    kind="sfx",
    engine="stable-audio-open",
    target="pipelines.sfx.neural_stable_audio:StableAudioOpen",
    version="1",
    device="cuda",
    memory_mb=7000,
    supports_batching=True,
    neural=True,
    model="audio/stable-audio-open@1",
    description="Stable Audio Open 1.0: 44.1 kHz stereo, up to 47 s (weights needed)",
)
ENGINES: list = [
    EngineSpec(
        kind="sfx",
        engine="draft",
        target="pipelines.sfx.draft:DraftSoundEffects",
        version="2",
        default=True,
        memory_mb=300,
        description="Procedural synthesis from an understanding of the prompt (CPU, instant)",
    ),
    STABLE_AUDIO_OPEN,
    EngineSpec(
        kind="sfx",
        engine="audioldm2",
        target="pipelines.sfx.neural_audioldm2:AudioLDM2SoundEffects",
        version="1",
        device="cuda",
        memory_mb=6000,
        supports_batching=True,
        neural=True,
        description="AudioLDM 2: 16 kHz, up to 30 s (weights needed)",
    ),
]
