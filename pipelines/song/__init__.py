"""Songs from text and lyrics."""

from pipelines.registry import EngineSpec

REQUEST = "pipelines.song.request:SongRequest"
ENGINES: list = [
    EngineSpec(kind="song", engine="draft", target="pipelines.song.draft:DraftSongEngine", default=True,
               memory_mb=600, description="Composed on the CPU: GM SoundFont instruments, WORLD-sung vocals, mixed"),
]
