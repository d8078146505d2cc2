"""Image to 3D: orbital views, a NeRF, a mesh and a turntable shot."""

REQUEST = "pipelines.image_to_3d.request:ImageTo3DRequest"
ENGINES: list = []
