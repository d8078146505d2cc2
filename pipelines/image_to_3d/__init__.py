"""Image to 3D: orbital views, a NeRF, a mesh and a turntable shot."""

from pipelines.spec import EngineSpec

REQUEST = "pipelines.image_to_3d.request:ImageTo3DRequest"
ENGINES: list = [
    EngineSpec(
        kind="3d",
        engine="draft",
        target="pipelines.image_to_3d.draft:DraftImageTo3D",
        default=True,
        memory_mb=1500,
        description="cut-out + silhouette inflation (back guessed) -> hash-grid NeRF -> mesh",
    ),
    EngineSpec(
        kind="3d",
        engine="sv3d",
        target="pipelines.image_to_3d.neural_sv3d:SV3DImageTo3D",
        neural=True,
        device="cuda",
        memory_mb=12000,
        description="SV3D orbital views (Stability) -> hash-grid NeRF -> mesh",
    ),
]
