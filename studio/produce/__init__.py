"""Where a finished generation job becomes part of a project: the one path, for the CLI, the GUI,
``studio make`` and the render's recipe clips alike.

    asset = import_result(folder, project, result)          # primary file + every sidecar, with provenance
    edit = place_result(project, asset, track_id, frame)     # a clip of it, as an undoable Edit
    edit, clip_id = place_recipe(project, kind, engine, request_dict, frame)   # a placeholder until it exists
    edit = attach_media(project, clip_id, asset)             # point the placeholder at its media
    edit = place_shot_sound(project, shot_clip_id, asset)    # sound made from a shot, under that shot
    job = run_job(kind, engine, request, folder)            # one job through the scheduler, waited for
    results = run_jobs([(kind, engine, request), ...], folder)                 # many, in parallel
    job, asset = generate_into(folder, kind, engine, request)                  # generate, import, save
    project, assets = run_recipes(folder)                    # every recipe clip without media

The GUI pushes the Edits on its undo stack; headless code applies them. Writes to a saved project take
its write lock (``studio.io.lock``) and re-read it first, so nothing another writer saved is dropped.
"""

from studio.produce.assets import copy_outputs, import_result
from studio.produce.edits import (
    AUDIO_KINDS,
    attach_media,
    combine,
    estimate_seconds,
    place_recipe,
    place_result,
    place_shot_sound,
    track_kind_for,
)
from studio.produce.jobs import generate_into, merge_result, run_job, run_jobs
from studio.produce.recipes import recipe_clips, recipe_jobs, run_recipes

__all__ = [
    "AUDIO_KINDS",
    "attach_media",
    "combine",
    "copy_outputs",
    "estimate_seconds",
    "generate_into",
    "import_result",
    "merge_result",
    "place_recipe",
    "place_result",
    "place_shot_sound",
    "recipe_clips",
    "recipe_jobs",
    "run_job",
    "run_jobs",
    "run_recipes",
    "track_kind_for",
]
