"""Video shots from text and images: a procedural draft engine (default) and diffusers backends."""

from pipelines.spec import EngineSpec

REQUEST = "pipelines.video.request:VideoRequest"
ENGINES: list = [
    EngineSpec(
        kind="video",
        engine="draft",
        target="pipelines.video.draft:DraftVideoGenerator",
        default=True,
        memory_mb=400,
        description="procedural 2.5D scenes and image animation on the CPU",
    ),
    EngineSpec(
        kind="video",
        engine="ltx-video",
        target="pipelines.video.neural_ltx:LTXVideoGenerator",
        neural=True,
        device="cuda",
        memory_mb=24000,
        description="LTX-Video 2B (text and image to video), 40 steps",
    ),
    EngineSpec(
        kind="video",
        engine="ltx-video-distilled",
        target="pipelines.video.neural_ltx:LTXDistilledVideoGenerator",
        neural=True,
        device="cuda",
        memory_mb=24000,
        description="LTX-Video 0.9.8 2B distilled: 8 steps, no guidance (fast)",
    ),
    EngineSpec(
        kind="video",
        engine="ltx-2",
        target="pipelines.video.neural_ltx2:LTX2VideoGenerator",
        neural=True,
        device="cuda",
        memory_mb=70000,
        description="LTX-2: video with its own synchronised sound, one pass",
    ),
    EngineSpec(
        kind="video",
        engine="wan",
        target="pipelines.video.neural_wan:WanVideoGenerator",
        neural=True,
        device="cuda",
        memory_mb=20000,
        description="Wan 2.1 (text and image to video)",
    ),
    EngineSpec(
        kind="video",
        engine="svd",
        target="pipelines.video.neural_svd:StableVideoDiffusionGenerator",
        neural=True,
        device="cuda",
        memory_mb=16000,
        description="Stable Video Diffusion (image to video)",
    ),
]
