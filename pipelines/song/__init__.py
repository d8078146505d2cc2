"""Songs from text and lyrics."""

import dataclasses

from pipelines.sfx import STABLE_AUDIO_OPEN
from pipelines.spec import EngineSpec

REQUEST = "pipelines.song.request:SongRequest"
ENGINES: list = [
    EngineSpec(
        kind="song",
        engine="draft",
        target="pipelines.song.draft:DraftSongEngine",
        default=True,
        memory_mb=600,
        description="Composed on the CPU: GM SoundFont instruments, WORLD-sung vocals, mixed",
    ),
    EngineSpec(
        kind="song",
        engine="ace-step",
        target="pipelines.song.neural_ace_step:AceStepSongEngine",
        neural=True,
        device="cuda",
        memory_mb=12_000,
        supports_batching=True,
        description="ACE-Step 1.5: songs with sung lyrics, up to 4 minutes",
    ),
    dataclasses.replace(
        STABLE_AUDIO_OPEN,
        kind="song",  # the same engine and resident model as sound effects
        description="Stable Audio Open: instrumentals up to 47 s (weights needed)",
    ),
    EngineSpec(
        kind="song",
        engine="musicgen",
        target="pipelines.song.neural_musicgen:MusicGenSongEngine",
        neural=True,
        device="cuda",
        memory_mb=4_000,
        description="MusicGen: instrumentals from a prompt",
    ),
]
