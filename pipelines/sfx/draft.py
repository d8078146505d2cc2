"""The built-in sound-effect engine: procedural synthesis driven by an understanding of the prompt.

CPU only, deterministic (same request + same version = same bytes), tens of milliseconds for
ten seconds of 48 kHz stereo. Writes one WAV per variation; provenance says what was understood.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from pipelines.base import CancelToken, GenerationResult, Generator, OutputFile, ProgressFn, RequestError
from pipelines.sfx.mix import Layer, make_seamless, mix_layers
from pipelines.sfx.request import SoundEffectRequest
from pipelines.sfx.understand import Understanding, understand

# 6: issue 14 round 5 (a canyon's distinct echoes, open air around distant sounds, a wall's mass law, a furnished
#    room's highs dying sooner; rebuilt footsteps, typing, typewriter, axe, hammer, owl, trains, machines, crowds)
VERSION = "6"
# 5: issue 14 round 4 (a wolf howl with three partials, no longer a sung note; stream bubbles span the band)
# 4: issue 14 round 3 (lone insects, bright applause, cupboard and car doors, wider vocabulary)
MAX_SECONDS = 120.0


def variation_seed(seed: int, variation: int) -> int:
    """Each variation's own seed: the request's seed for the first, then seed + index."""
    return (seed + variation) % 2**63


def _layer_seed(seed: int, index: int, name: str) -> int:
    digest = hashlib.sha256(f"{seed}:{index}:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "little")


def plan_layers(understanding: Understanding, seed: int, duration: float) -> list[Layer]:
    """Place each understood part in time: beds from the start, events staggered, "then" parts later."""
    layers: list[Layer] = []
    rng = np.random.default_rng(_layer_seed(seed, -1, "plan"))
    cursor = 0.0
    parts = understanding.parts
    for i, part in enumerate(parts):
        if part.after_previous:
            cursor = min(duration * 0.8, cursor + max(duration / len(parts), 0.6))
        start = cursor
        if not part.concept.bed and i > 0 and not part.after_previous:
            start = cursor + min(duration * 0.3, rng.uniform(0.2, 0.8) * i)
        pan = 0.0 if part.concept.bed else float(rng.uniform(-0.4, 0.4)) if i > 0 else float(rng.uniform(-0.1, 0.1))
        layers.append(Layer(part.concept, part.modifiers, start, _layer_seed(seed, i, part.concept.name), pan))
    return layers


def render(
    request: SoundEffectRequest,
    seed: int,
    understanding: Understanding,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> np.ndarray:
    """Render one variation: float32 (samples, channels) at ``request.sample_rate``."""
    rate = request.sample_rate
    samples = int(round(request.duration * rate))
    preroll = min(int(0.5 * rate), samples // 4) if request.loop else 0
    warmup = int(0.5 * rate) if request.loop else 0  # beds settle (filters, drip sources) before the loop starts
    jitter = 0.05 + 0.3 * (1.0 - request.prompt_influence)
    layers = plan_layers(understanding, seed, request.duration)
    for layer in layers:  # events keep their timing relative to the loop start; beds run through the lead-in
        if not layer.concept.bed:
            layer.start_s += (warmup + preroll) / rate
    audio = mix_layers(
        layers, rate, warmup + preroll + samples, understanding.space, jitter, request.stereo, progress, cancel
    )
    return make_seamless(audio[warmup:], preroll) if request.loop else audio


def render_for_shot(
    request: SoundEffectRequest,
    seed: int,
    events: dict,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> np.ndarray:
    """Render one variation of a shot's effects track (``pipelines.sfx.for_shot``): (samples, channels)."""
    from pipelines.sfx.for_shot import plan_for_shot

    rate = request.sample_rate
    samples = int(round(float(events["duration"]) * rate))
    rng = np.random.default_rng(_layer_seed(seed, -1, "shot"))
    layers = [
        Layer(
            concept,
            mods,
            start,
            _layer_seed(seed, i, concept.name),
            0.0 if concept.bed else float(rng.uniform(-0.3, 0.3)),
        )
        for i, (concept, mods, start, _why) in enumerate(plan_for_shot(events))
    ]
    if not layers:
        raise RequestError(
            f"shot {Path(request.for_shot).name} shows nothing that makes a sound the draft engine "
            "knows (it may have been animated from an image)"
        )
    return mix_layers(
        layers,
        rate,
        samples,
        "outdoor",
        0.05 + 0.3 * (1.0 - request.prompt_influence),
        request.stereo,
        progress,
        cancel,
    )


UNDERSTOOD = 0.3  # progress once the prompt is understood; rendering and writing the variations fill the rest


def _understand_with_progress(request: SoundEffectRequest, progress: ProgressFn) -> Understanding:
    """Understand the prompt, reporting each real step: the first job of a worker loads the text model (seconds:
    torch, then the weights and the vocabulary's embeddings), later jobs only read the prompt."""
    from pipelines.sfx.understand import concept_index

    if concept_index.cache_info().currsize == 0:
        progress(0.0, "loading the text-understanding model (first job of this worker)")
        index = concept_index()
        if index.embeddings_wanted:
            import torch  # noqa: F401 - the model needs it; importing it here lets the step be reported

            progress(0.1, "loading the sentence-embedding weights and the sound vocabulary")
        index.method  # noqa: B018 - loads the model (or settles on keywords) and embeds the vocabulary
        progress(0.2, f"text understanding ready ({index.method})")
    progress(0.2, "reading the prompt")
    understood = understand(request.prompt, request.negative_prompt, request.prompt_influence)
    progress(UNDERSTOOD, f"understood: {understood.summary()}"[:120])
    return understood


class DraftSoundEffects(Generator):
    """Procedural sound effects from text (the default engine)."""

    kind = "sfx"
    engine = "draft"
    version = VERSION
    max_duration_s = MAX_SECONDS

    def generate(
        self, request: SoundEffectRequest, progress: ProgressFn, cancel: CancelToken, output_dir: Path
    ) -> GenerationResult:
        # 1. Understand the prompt (once for all variations)
        if not isinstance(request, SoundEffectRequest):
            raise RequestError("the draft sound-effect engine needs a SoundEffectRequest")
        if request.for_shot:
            progress(0.0, "reading the shot's events")
            return self._for_shot(request, progress, cancel, output_dir)
        understood = _understand_with_progress(request, progress)
        # 2. Render each variation with its own seed
        import soundfile

        files: list[OutputFile] = []
        seeds = [variation_seed(request.seed, v) for v in range(request.variations)]
        stem = f"sfx-{request.content_hash()[:12]}"
        written: list[Path] = []
        try:
            for v, seed in enumerate(seeds):
                cancel.check()

                def step(fraction: float, message: str = "", preview=None, _v=v) -> None:
                    progress(UNDERSTOOD + (1 - UNDERSTOOD) * 0.97 * (_v + fraction) / len(seeds), message, preview)

                audio = render(request, seed, understood, step, cancel)
                # 3. Write the WAV atomically (temporary name, then rename)
                path = output_dir / (f"{stem}.wav" if v == 0 else f"{stem}-v{v + 1}.wav")
                progress(UNDERSTOOD + (1 - UNDERSTOOD) * 0.97 * (v + 1) / len(seeds), f"writing {path.name}")
                tmp = path.with_suffix(".tmp.wav")
                soundfile.write(tmp, audio, request.sample_rate, subtype="PCM_24")
                tmp.replace(path)
                written.append(path)
                files.append(OutputFile(path, "audio" if v == 0 else f"audio:{v + 1}"))
        except BaseException:
            for path in written:
                path.unlink(missing_ok=True)
            raise
        progress(1.0, "done")
        # 4. Provenance: what was understood, how, and any guess
        provenance = {
            "understood": understood.summary(),
            "layers": [
                {"concept": p.concept.name, "clause": p.clause, "score": p.score, "modifiers": p.modifiers.describe()}
                for p in understood.parts
            ],
            "space": understood.space,
            "matching": understood.method,
            "variation_seeds": seeds,
        }
        warnings = []
        if understood.guessed:
            warnings.append(
                f"no sound in the vocabulary matched {request.prompt!r} well; this is a generic guess "
                f"based on the closest concept ({understood.parts[0].concept.name})"
            )
        if understood.method != "embedding":
            warnings.append(understood.note or "keyword matching was used")
        if warnings:
            provenance["warnings"] = warnings
        return GenerationResult(files, provenance, {"audio_seconds": request.duration * len(seeds)})

    def _for_shot(
        self, request: SoundEffectRequest, progress: ProgressFn, cancel: CancelToken, output_dir: Path
    ) -> GenerationResult:
        """Sound for a shot: one WAV per variation, as long as the shot, events placed where the picture has them."""
        import soundfile

        from pipelines.sfx.for_shot import check_shot_unchanged, plan_for_shot, read_shot_events

        events = read_shot_events(request.for_shot)
        check_shot_unchanged(request)
        seeds = [variation_seed(request.seed, v) for v in range(request.variations)]
        stem = f"sfx-{request.content_hash()[:12]}"
        files: list[OutputFile] = []
        try:
            for v, seed in enumerate(seeds):
                cancel.check()
                audio = render_for_shot(request, seed, events, None, cancel)
                path = output_dir / (f"{stem}.wav" if v == 0 else f"{stem}-v{v + 1}.wav")
                tmp = path.with_suffix(".tmp.wav")
                soundfile.write(tmp, audio, request.sample_rate, subtype="PCM_24")
                tmp.replace(path)
                files.append(OutputFile(path, "audio" if v == 0 else f"audio:{v + 1}"))
                progress((v + 1) / len(seeds), f"variation {v + 1} of {len(seeds)}")
        except BaseException:
            for f in files:
                f.path.unlink(missing_ok=True)
            raise
        plan = plan_for_shot(events)
        provenance = {
            "understood": "sound for the shot " + Path(request.for_shot).name,
            "for_shot": request.for_shot,
            "shot_sha256": request.shot_sha256,
            "synchronised": [
                {"sound": c.name, "start_s": round(start, 3), "because": why} for c, _m, start, why in plan if not c.bed
            ],
            "beds": [{"sound": c.name, "because": why} for c, _m, _s, why in plan if c.bed],
            "duration_s": float(events["duration"]),
            "variation_seeds": seeds,
        }
        warnings = []
        if abs(float(events["duration"]) - request.duration) > 0.05:
            warnings.append(
                f"the shot lasts {float(events['duration']):g} s; the requested {request.duration:g} s was not used"
            )
        if request.prompt.strip():
            warnings.append("the prompt is not used for sound for a shot: the shot's own events decide the sounds")
        if warnings:
            provenance["warnings"] = warnings
        return GenerationResult(files, provenance, {"audio_seconds": float(events["duration"]) * len(seeds)})
