"""Songs from text and lyrics."""

REQUEST = "pipelines.song.request:SongRequest"
ENGINES: list = []
