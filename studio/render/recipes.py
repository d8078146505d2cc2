"""Recipe clips made real: each clip that holds a generation request but no media yet is sent
through the generator protocol, the result is imported into the project's media folder with its
provenance, the clip points at it, and the project is saved."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from fractions import Fraction
from pathlib import Path

from pipelines.base import GenerationError, GenerationResult, Request, RequestError
from studio.model import Asset, Clip, Project, Timeline, TimeRange

Job = tuple[str, "str | None", Request]
Runner = Callable[[list[Job]], Sequence[GenerationResult]]
Progress = Callable[[float, str], None]
MEDIA_SUFFIXES = {".wav", ".flac", ".mp3", ".ogg", ".m4a", ".mp4", ".mov", ".mkv", ".webm", ".png", ".jpg", ".jpeg",
                  ".webp", ".glb", ".obj", ".ply"}


def direct_runner(output_dir: Path, progress: Progress | None = None) -> Runner:
    """Run jobs one after another in this process, each engine built from the registry."""

    def run(jobs: list[Job]) -> list[GenerationResult]:
        from pipelines import registry

        results = []
        for i, (kind, engine, request) in enumerate(jobs):
            generator = registry.create(kind, engine)
            label = f"{kind} {i + 1}/{len(jobs)}"

            def step(fraction: float, message: str = "", preview: object = None, i: int = i,
                     label: str = label) -> None:
                if progress is not None:
                    progress((i + min(1.0, max(0.0, fraction))) / len(jobs), f"generating {label} {message}".strip())

            results.append(generator(request, progress=step, output_dir=output_dir / f"job-{i}"))
        return results

    return run


def recipe_clips(project: Project) -> list[tuple[Timeline, Clip]]:
    """Clips with a recipe whose media is not in the project yet."""
    return [(tl, clip) for tl in project.timelines for track in tl.tracks for clip in track.clips
            if clip.recipe is not None and (clip.asset_id is None or clip.asset_id not in project.assets)]


def materialize_recipes(project: Project, project_dir: str | Path, runner: Runner | None = None,
                        progress: Progress | None = None) -> list[Asset]:
    """Generate the media of every recipe clip that lacks it, import it and save the project.

    Identical requests (same kind, engine and request hash) are generated once. Returns the new
    assets (one per distinct job); nothing is saved if any job fails.
    """
    from pipelines import registry

    todo = recipe_clips(project)
    if not todo:
        return []
    # 1. Check every recipe before generating anything
    jobs: list[Job] = []
    job_index: dict[tuple, int] = {}
    clip_job: dict[str, int] = {}
    for _, clip in todo:
        recipe = clip.recipe
        try:
            request = registry.make_request(recipe.kind, **recipe.request)
            registry.spec(recipe.kind, recipe.engine)
        except RequestError as exc:
            raise RequestError(f"clip {clip.name!r}: {exc}") from None
        key = (recipe.kind, recipe.engine, request.content_hash())
        if key not in job_index:
            job_index[key] = len(jobs)
            jobs.append((recipe.kind, recipe.engine, request))
        clip_job[clip.id] = job_index[key]
    # 2. Generate
    with tempfile.TemporaryDirectory(prefix="studio-recipes-") as scratch:
        run = runner if runner is not None else direct_runner(Path(scratch), progress)
        results = list(run(jobs))
        if len(results) != len(jobs):
            raise GenerationError(f"the runner returned {len(results)} results for {len(jobs)} jobs")
        # 3. Import each result (while the scratch files still exist)
        assets = [_import(project, Path(project_dir), result) for result in results]
    # 4. Point the clips at their media and save
    for timeline, clip in todo:
        asset = assets[clip_job[clip.id]]
        clip.asset_id = asset.id
        _trim_to_asset(timeline, clip, asset)
    from studio.io import save_project

    save_project(project, project_dir)
    if progress is not None:
        progress(1.0, f"generated {len(assets)} clip{'s' if len(assets) != 1 else ''}")
    return assets


def _import(project: Project, project_dir: Path, result: GenerationResult) -> Asset:
    """Import the primary file as the clip's asset; other files (stems, lyrics, captions, MIDI, a
    poster) become assets too, linked from it by role in ``Asset.related``."""
    from studio.io.media import import_media

    if not result.files:
        raise GenerationError(f"the {result.provenance.get('engine', '?')} engine returned no files")
    asset = import_media(project_dir, project, result.primary.path, provenance=result.provenance)
    for extra in result.files[1:]:
        kind = None if Path(extra.path).suffix.lower() in MEDIA_SUFFIXES else "other"
        related = import_media(project_dir, project, extra.path, provenance=result.provenance, kind=kind)
        asset.related[extra.role] = related.id
    return asset


def _trim_to_asset(timeline: Timeline, clip: Clip, asset: Asset) -> None:
    """A generated file a little shorter than its clip asked for shortens the clip, so it never runs
    past its media (engines round durations to whole frames or bars)."""
    if asset.duration_seconds is None or asset.kind == "image":
        return
    available = int(Fraction(asset.duration_seconds) * timeline.rate)  # whole frames only
    if clip.source_range.end > available:
        start = min(clip.source_range.start, max(0, available - 1))
        clip.source_range = TimeRange(start, max(1, available - start))
