"""Voice-over from text: Kokoro-82M by default, espeak-ng as the minimal fallback, Bark as a neural option.

Light on purpose: engines and models are imported only when an engine is built.
"""

from pipelines.spec import EngineSpec

REQUEST = "pipelines.voice.request:VoiceRequest"
ENGINES: list = [
    EngineSpec(
        kind="voice",
        engine="kokoro",
        target="pipelines.voice.kokoro_engine:KokoroVoice",
        default=True,
        memory_mb=400,
        description="Kokoro-82M neural speech (int8 ONNX on the CPU), word timings, captions",
    ),
    EngineSpec(
        kind="voice",
        engine="espeak",
        target="pipelines.voice.espeak_engine:EspeakVoice",
        memory_mb=16,
        description="espeak-ng formant speech: the minimal fallback, robotic, needs no model",
    ),
    EngineSpec(
        kind="voice",
        engine="bark",
        target="pipelines.voice.neural_bark:BarkVoice",
        neural=True,
        device="cuda",
        memory_mb=6000,
        description="Bark (transformers) speech with non-verbal cues like [laughs]; local weights only",
    ),
]
