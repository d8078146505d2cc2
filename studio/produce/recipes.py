"""Recipe clips made real: each clip that holds a generation request but no media yet is generated through
the scheduler, its result imported with provenance, and the clip pointed at it by an Edit.

    project, assets = run_recipes(folder)          # what `studio render` does before rendering

Every recipe is checked before anything is generated; identical requests are generated once. The jobs
run without the project's lock; the import and the edits are made under it, on the project as saved
then, so clips a creator moved or deleted meanwhile are respected (a deleted clip is not brought back).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipelines import registry
from pipelines.base import RequestError
from studio.model import Clip, Project, Timeline
from studio.produce.jobs import JobSpec, Progress, run_jobs


def recipe_clips(project: Project) -> list[tuple[Timeline, Clip]]:
    """Clips with a recipe whose media is not in the project yet."""
    return [
        (tl, clip)
        for tl in project.timelines
        for track in tl.tracks
        for clip in track.clips
        if clip.recipe is not None and (clip.asset_id is None or clip.asset_id not in project.assets)
    ]


def recipe_jobs(project: Project, project_dir: str | Path | None = None) -> tuple[list[JobSpec], dict[str, int]]:
    """The distinct jobs of the project's recipe clips and, per clip id, the index of its job; with
    ``project_dir`` the recipes' input files (an image to animate, a song to extend) are resolved inside it
    and refused if they lead out. Raises RequestError naming the clip whose recipe is invalid."""
    from studio.io import ProjectError
    from studio.io.paths import resolve_recipe_inputs

    jobs: list[JobSpec] = []
    index: dict[tuple[str, str, str], int] = {}  # job_key -> position in jobs
    clip_job: dict[str, int] = {}
    for _, clip in recipe_clips(project):
        recipe = clip.recipe
        assert recipe is not None
        try:
            fields = resolve_recipe_inputs(project_dir, recipe.request) if project_dir is not None else recipe.request
            request = registry.make_request(recipe.kind, **fields)
            spec = registry.spec(recipe.kind, recipe.engine)
        except (RequestError, TypeError, ProjectError) as exc:
            raise RequestError(f"clip {clip.name!r}: {exc}") from None
        key = (recipe.kind, spec.engine, request.content_hash())  # job_key, with the spec already found
        if key not in index:
            index[key] = len(jobs)
            jobs.append((recipe.kind, recipe.engine, request))
        clip_job[clip.id] = index[key]
    return jobs, clip_job


def job_key(job: JobSpec) -> tuple[str, str, str]:
    """What makes two recipe jobs the same: kind, resolved engine name and request hash."""
    kind, engine, request = job
    return kind, registry.spec(kind, engine).engine, request.content_hash()


def run_recipes(
    project_dir: str | Path, *, scheduler: Any = None, progress: Progress | None = None, command: str = "studio render"
) -> tuple[Project, list[Any]]:
    """Generate the media of every recipe clip of the saved project, import it, point the clips at it and
    save. Returns the project as saved and the new primary assets (one per distinct job).

    Nothing is saved if a recipe is invalid or a job fails."""
    from studio.io import load_project, save_project
    from studio.io.lock import ProjectLock
    from studio.produce.assets import import_result
    from studio.produce.edits import attach_media

    folder = Path(project_dir)
    project = load_project(folder)
    jobs, clip_job = recipe_jobs(project, folder)  # 1. check every recipe before generating anything
    if not jobs:
        return project, []
    results = run_jobs(jobs, folder, scheduler=scheduler, progress=progress)  # 2. generate (no lock held)
    made = {job_key(job): result for job, result in zip(jobs, results, strict=True)}
    with ProjectLock(folder, command):  # 3. import and attach, on the project as saved now
        project = load_project(folder)
        assets = [import_result(folder, project, result) for result in results]
        asset_of = {key: assets[i] for i, key in enumerate(made)}
        now_jobs, now_clip_job = recipe_jobs(project, folder)
        for clip_id, i in now_clip_job.items():  # clips still waiting for the very request that was generated
            asset = asset_of.get(job_key(now_jobs[i]))
            if asset is not None:
                attach_media(project, clip_id, asset).apply(project)
        save_project(project, folder)
    if progress is not None:
        progress(1.0, f"generated {len(assets)} clip{'s' if len(assets) != 1 else ''}")
    return project, assets
