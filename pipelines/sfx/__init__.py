"""Sound effects from text."""

REQUEST = "pipelines.sfx.request:SoundEffectRequest"
ENGINES: list = []
