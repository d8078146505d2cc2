"""Video shots from text and images."""

REQUEST = "pipelines.video.request:VideoRequest"
ENGINES: list = []
