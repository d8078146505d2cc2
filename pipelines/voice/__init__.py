"""Voice-over from text."""

REQUEST = "pipelines.voice.request:VoiceRequest"
ENGINES: list = []
