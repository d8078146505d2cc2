"""Speed and memory options a creator can pick for a diffusers denoiser, applied in the one order that works:

1. fp8 storage (``enable_layerwise_casting``): weights kept in float8, computed in the model's dtype (bf16 on
   CUDA); halves their memory.
2. attention backend (CUDA only): cuDNN/flash attention through diffusers' dispatcher.
3. regional compile: each repeated block's own ``forward`` is compiled (``fullgraph=True``), not the block's
   ``__call__``. A cache hook wraps ``forward`` afterwards and stays eager, so compile and cache work together
   (compiling ``__call__`` as ``compile_repeated_blocks`` does traces into the first-block cache hook, whose
   ``torch.compiler.disable``d decision then breaks the full graph).
4. first-block cache: skip the remaining blocks on steps whose first block barely changed.

Every step is optional and reported as a short note; torch and diffusers are imported inside functions only.
"""

from __future__ import annotations

from typing import Any

from pipelines.base import RequestError

# Repeated blocks of models whose diffusers class does not list them in ``_repeated_blocks``
REPEATED_BLOCKS = {
    "StableAudioDiTModel": ("StableAudioDiTBlock",),
    "AceStepTransformer1DModel": ("AceStepTransformerBlock",),
    "SV3DUNet": ("SpatioTemporalResBlock", "TransformerSpatioTemporalModel"),
    "UNetSpatioTemporalConditionModel": ("SpatioTemporalResBlock", "TransformerSpatioTemporalModel"),
}


def repeated_blocks(model: Any) -> tuple[str, ...]:
    """Class names of ``model``'s repeated blocks: its own ``_repeated_blocks``, else ``REPEATED_BLOCKS``."""
    return tuple(getattr(model, "_repeated_blocks", None) or REPEATED_BLOCKS.get(type(model).__name__, ()))


def compile_blocks(model: Any, backend: str = "inductor", mode: str | None = None) -> int:
    """Compile the ``forward`` of every repeated block of ``model`` in place (once); returns how many blocks run
    compiled. One graph serves all blocks of a class: torch lifts their weights as inputs."""
    import torch

    names = repeated_blocks(model)
    # blocks of one class at several shapes (a UNet's levels) each need their own graph
    torch._dynamo.config.recompile_limit = max(torch._dynamo.config.recompile_limit, 64)
    count = 0
    for block in model.modules():
        if block.__class__.__name__ not in names:
            continue
        if not getattr(block, "_studio_compiled", False):  # a model shared by several engines compiles once
            block.forward = torch.compile(block.forward, fullgraph=True, backend=backend, mode=mode)
            block._studio_compiled = True
        count += 1
    return count


def apply_speed(
    model: Any,
    *,
    cuda: bool,
    compile: bool | None = None,
    cache: float | None = None,
    fp8: bool = False,
    attention: str | None = "_native_cudnn",
    backend: str = "inductor",
) -> list[str]:
    """Apply the chosen options to ``model`` (a diffusers transformer or UNet) and return notes on what was done.

    ``compile`` None means: on CUDA yes, on the CPU no. ``cache`` is the first-block cache threshold (about 0.05;
    None or 0 for off). ``fp8`` stores weights as float8_e4m3fn. ``backend`` is torch.compile's backend (tests
    use "eager" to check the tracing quickly)."""
    import torch

    notes: list[str] = []
    if model is None:
        return notes
    # 1. fp8 storage, before compiling, so the compiled graphs include the casts
    if fp8:
        if not hasattr(model, "enable_layerwise_casting"):
            raise RequestError(f"fp8 storage is not available for {type(model).__name__}")
        compute = next(model.parameters()).dtype  # compute in the dtype the model was loaded in (bf16 on CUDA)
        model.enable_layerwise_casting(storage_dtype=torch.float8_e4m3fn, compute_dtype=compute)
        notes.append("fp8 layerwise casting")
    # 2. attention backend
    if cuda and attention and hasattr(model, "set_attention_backend"):
        try:
            model.set_attention_backend(attention)
            notes.append(f"attention:{attention}")
        except Exception as exc:  # backend missing on this build: keep the default
            notes.append(f"attention:default ({type(exc).__name__})")
    # 3. regional compile (block forwards), before the cache hooks wrap them
    if compile if compile is not None else cuda:
        count = compile_blocks(model, backend=backend)
        if count:
            notes.append(f"compiled repeated blocks ({count}, {backend})")
    # 4. first-block cache
    if cache:
        notes.append(enable_first_block_cache(model, float(cache)))
    return notes


def enable_first_block_cache(model: Any, threshold: float) -> str:
    """diffusers' first-block cache on ``model``; a RequestError names why it cannot be used."""
    from diffusers import FirstBlockCacheConfig

    if not hasattr(model, "enable_cache"):
        raise RequestError(f"the first-block cache is not available for {type(model).__name__}")
    kinds = (
        "blocks",
        "transformer_blocks",
        "single_transformer_blocks",
        "layers",
        "visual_transformer_blocks",
        "temporal_transformer_blocks",
    )  # the block lists diffusers' cache hooks look for
    blocks = [b for name, m in model.named_children() if name in kinds and hasattr(m, "__len__") for b in m]
    if len(blocks) < 2:
        raise RequestError(
            f"the first-block cache needs at least 2 transformer blocks; {type(model).__name__} has {len(blocks)}"
        )
    model.enable_cache(FirstBlockCacheConfig(threshold=threshold))
    return f"first-block cache {threshold:g}"


def speed_options(options: dict[str, Any]) -> dict[str, Any]:
    """The speed keywords of an engine's options (``compile``, ``cache``, ``fp8``, ``attention``,
    ``compile_backend``) as ``apply_speed`` keywords."""
    out: dict[str, Any] = {
        "compile": options.get("compile"),
        "cache": options.get("cache"),
        "fp8": bool(options.get("fp8", False)),
    }
    if "attention" in options:
        out["attention"] = options["attention"]
    if options.get("compile_backend"):
        out["backend"] = options["compile_backend"]
    return out
