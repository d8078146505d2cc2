"""`studio make`: a storyboard to a finished clip, through the scheduler, into a project you can edit.

    report = make_film("story.md", "film.mp4")            # project folder: film.studio next to film.mp4
    print(report.summary())

1. Plan: parse the storyboard, list its jobs (narration first: some scenes last as long as it).
2. Generate: every job goes to one Scheduler; independent jobs run in parallel; unchanged ones are
   cache hits. One progress display covers them all.
3. Assemble: shots with transitions, titles, narration with captions, the music bed (ducked under
   the narration at render), effects at their cues. ``storyboard.lock.json`` keeps GUI edits to
   elements the storyboard did not change (see ``studio.storyboard.lock``).
4. Render with the storyboard's (or the given) preset, and save the project.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from pipelines.base import GenerationError, GenerationResult
from studio import edit
from studio.edit import UndoStack
from studio.render.captions import write_caption_sidecars
from studio.storyboard import plan as planning
from studio.storyboard.assemble import OLD_SHOT_TRACKS, Layout, Placed, place, words_from
from studio.storyboard.lock import Lock, LockEntry
from studio.storyboard.parse import Storyboard, load_storyboard

Progress = Callable[[float, str], None]


@dataclass
class JobRecord:
    planned: planning.PlannedJob
    job: Any = None  # studio.scheduler.jobs.Job once submitted
    cached: bool = False  # known to be in the cache before running (for --plan)

    def metrics(self) -> dict[str, float]:
        m = self.job.metrics if self.job is not None else None
        return {"wait": (m.queue_wait_s or 0.0) if m else 0.0, "generate": ((m.run_s or 0.0) + m.load_s) if m else 0.0}


@dataclass
class MakeReport:
    storyboard: Storyboard
    project_dir: Path
    output: Path | None
    records: list[JobRecord] = field(default_factory=list)
    durations: dict[str, float] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)  # "plan", "generate", "assemble", "render", "total"
    render: Any = None  # studio.render.render.RenderSummary
    captions: list[Path] = field(default_factory=list)  # .srt and .vtt beside the output
    kept: list[str] = field(default_factory=list)  # elements whose clips were kept as edited
    replaced: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # said on the terminal: what was asked but not made

    @property
    def ran(self) -> list[JobRecord]:
        """Jobs that really generated (not cache hits)."""
        return [r for r in self.records if r.job is not None and not r.job.metrics.cache_hit]

    def plan_lines(self) -> list[str]:
        lines = [
            f"storyboard: {self.storyboard.title} ({len(self.storyboard.scenes)} scenes, "
            f"{self.storyboard.width}x{self.storyboard.height} at {self.storyboard.fps} fps)",
            f"project: {self.project_dir}",
            "jobs:",
        ]
        for r in self.records:
            state = "cached" if r.cached else "to run"
            lines.append(f"  [{state:>6}] {r.planned.label}  {str(r.planned.request.prompt)[:60]!r}")
        waiting = [s.key for s in self.storyboard.scenes if s.key not in self.durations]
        if waiting:
            lines.append(
                f"  ... and the shot, effects and music of {', '.join(waiting)} once the narration sets their length"
            )
        lines.append("timeline:")
        t: float | None = 0.0
        for scene in self.storyboard.scenes:
            d = self.durations.get(scene.key)
            length = f"{d:5.2f}s" if d is not None else "  (from narration)"
            extra = [f"{len(scene.narration)} narration line(s)"] if scene.narration else []
            extra += [f"{len(scene.sfx)} effect(s)"] if scene.sfx else []
            extra += ["sound from the shot"] if scene.sfx_auto_line else []
            extra += [f"title {scene.title!r}"] if scene.title else []
            at = f"{t:6.2f}s" if t is not None else "     ? "
            lines.append(f"  {at}  {scene.index}. {scene.key:<14} {length}  {scene.transition:<9} " + ", ".join(extra))
            t = t + d if t is not None and d is not None else None
        return lines

    def summary(self) -> str:
        by_kind: dict[str, dict[str, float]] = {}
        for r in self.records:
            k = by_kind.setdefault(r.planned.kind, {"jobs": 0, "ran": 0, "wait": 0.0, "generate": 0.0})
            k["jobs"] += 1
            k["ran"] += 0 if (r.job is None or r.job.metrics.cache_hit) else 1
            for name, value in r.metrics().items():
                k[name] += value
        lines = [f"{'kind':<6} {'jobs':>4} {'ran':>4} {'queued s':>9} {'generating s':>13}"]
        for kind, k in sorted(by_kind.items()):
            lines.append(f"{kind:<6} {k['jobs']:>4.0f} {k['ran']:>4.0f} {k['wait']:>9.2f} {k['generate']:>13.2f}")
        s = self.seconds
        lines.append(
            f"wall: plan {s.get('plan', 0):.2f}s, generate {s.get('generate', 0):.2f}s, "
            f"assemble {s.get('assemble', 0):.2f}s, render {s.get('render', 0):.2f}s, "
            f"total {s.get('total', 0):.2f}s"
        )
        if self.render is not None:
            lines.append(self.render.line())
        return "\n".join(lines)


# ------------------------------------------------------------------------------------------------


def default_project_dir(output: Path) -> Path:
    return output.with_suffix(".studio")


def make_film(
    storyboard_path: str | Path,
    output: str | Path | None,
    *,
    project_dir: str | Path | None = None,
    preset: str | None = None,
    plan_only: bool = False,
    scheduler: Any = None,
    ray_address: str | None = None,
    progress: Progress | None = None,
) -> MakeReport:
    started = time.perf_counter()
    board = load_storyboard(storyboard_path)
    out = Path(output).expanduser().absolute() if output is not None else None
    if project_dir is None:
        if out is None:
            raise ValueError("give an output file or a project folder")
        project_dir = default_project_dir(out)
    folder = Path(project_dir).expanduser().absolute()
    report = MakeReport(board, folder, out)
    report_progress = progress or (lambda f, m: None)

    if plan_only:
        _plan_report(board, folder, report)
        report.seconds["plan"] = report.seconds["total"] = time.perf_counter() - started
        return report

    if out is not None:
        from studio.render import get_preset
        from studio.render.render import check_output

        check_output(out, get_preset(preset or board.preset))  # fail before generating anything
    if not (folder / "project.json").exists():  # the jobs journal lives in the project folder
        from studio.io.lock import ProjectLock

        folder.mkdir(parents=True, exist_ok=True)
        with ProjectLock(folder, "studio make"):
            _open_project(board, folder)
    report.seconds["plan"] = time.perf_counter() - started

    # 2. Generate
    t0 = time.perf_counter()
    own = scheduler is None
    if own:
        from studio.scheduler import Scheduler

        scheduler = Scheduler(folder, ray_address=ray_address)
    try:
        results = _generate(board, folder, scheduler, report, report_progress)
    finally:
        if own:
            scheduler.shutdown()
    report.seconds["generate"] = time.perf_counter() - t0

    # 3. Assemble, under the project's write lock, onto the project as saved now
    t0 = time.perf_counter()
    project = _assemble(board, folder, results, report)
    report.seconds["assemble"] = time.perf_counter() - t0

    # 4. Render
    if out is not None:
        from studio.render import render_timeline

        t0 = time.perf_counter()
        report.render = render_timeline(
            project,
            folder,
            out,
            preset=preset or board.preset,
            progress=lambda f, m: report_progress(0.9 + 0.1 * f, f"render: {m}"),
        )
        report.seconds["render"] = time.perf_counter() - t0
        report.captions = write_caption_sidecars(project.timeline, out)
    report.seconds["total"] = time.perf_counter() - started
    return report


def _plan_report(board: Storyboard, folder: Path, report: MakeReport) -> None:
    """--plan: the jobs (marking cached ones) and the timeline, without generating anything."""
    from studio.scheduler import cached_result

    def cached(job: planning.PlannedJob) -> GenerationResult | None:
        return cached_result(job.kind, job.engine, job.request, folder)

    narration = planning.narration_jobs(board)
    spoken = {}
    for job in narration:
        hit = cached(job)
        report.records.append(JobRecord(job, cached=hit is not None))
        if hit is not None:
            spoken[job.scene] = float(hit.provenance.get("duration_seconds") or _audio_seconds(hit))
    timed = {s.key for s in board.scenes if s.duration is not None or s.key in spoken}
    durations = planning.scene_durations(board, spoken)
    report.durations = (
        durations if len(timed) == len(board.scenes) else {k: v for k, v in durations.items() if k in timed}
    )
    for job in planning.media_jobs(board, durations):
        if job.scene in timed or job.scene is None and len(timed) == len(board.scenes):
            report.records.append(JobRecord(job, cached=cached(job) is not None))


def _audio_seconds(result: GenerationResult) -> float:
    import soundfile

    return float(soundfile.info(str(result.primary.path)).duration)


def _generate(
    board: Storyboard, folder: Path, scheduler: Any, report: MakeReport, progress: Progress
) -> dict[str, GenerationResult]:
    """Narration first (it sets some scene lengths) alongside every job that doesn't depend on it."""
    fractions: dict[str, float] = {}

    def on_event(event: Any) -> None:
        if event.job.id not in fractions:
            return
        if event.type == "progress" and event.fraction is not None:
            fractions[event.job.id] = max(fractions[event.job.id], event.fraction)
        elif event.job.finished:
            fractions[event.job.id] = 1.0
        done = sum(1 for f in fractions.values() if f >= 1.0)
        running = sum(1 for f in fractions.values() if 0 < f < 1.0)
        progress(
            0.9 * sum(fractions.values()) / max(1, len(fractions)),
            f"generating: {done}/{len(fractions)} done, {running} running",
        )

    unsubscribe = scheduler.subscribe(on_event)
    submitted: dict[str, JobRecord] = {}

    def submit(jobs: list[planning.PlannedJob]) -> None:
        for planned in jobs:
            if planned.key in submitted:
                continue
            job = scheduler.submit(planned.kind, planned.engine, planned.request, priority="batch", project_dir=folder)
            record = JobRecord(planned, job)
            submitted[planned.key] = record
            report.records.append(record)
            fractions[job.id] = 1.0 if job.finished else 0.0

    try:
        narration = planning.narration_jobs(board)
        submit(narration)
        fixed = {s.key for s in board.scenes if s.duration is not None}
        guess = planning.scene_durations(board, {})
        # a shot's length depends only on its own scene (and the written transition before it)
        early = [j for j in planning.media_jobs(board, guess) if j.scene in fixed and j.kind != "song"]
        submit(early)
        results = _wait(scheduler, [submitted[j.key] for j in narration])
        spoken = {submitted[j.key].planned.scene: _audio_seconds(results[j.key]) for j in narration}
        report.durations = planning.scene_durations(board, spoken)
        submit(planning.media_jobs(board, report.durations))
        results.update(_wait(scheduler, list(submitted.values())))
        # 3. "SFX: auto": sound that follows each finished shot's events
        auto = []
        for scene in board.scenes:
            if not scene.sfx_auto_line:
                continue
            job = planning.auto_sfx_job(board, scene, results[f"scene/{scene.key}/shot"].primary.path)
            if job is None:
                report.warnings.append(
                    f"{board.path.name}:{scene.sfx_auto_line}: SFX: auto: the shot of scene {scene.index} shows "
                    "nothing the draft sound engine can follow; no sound added"
                )
            else:
                auto.append(job)
        if auto:
            submit(auto)
            results.update(_wait(scheduler, [submitted[j.key] for j in auto]))
        for key, result in results.items():  # what an engine could not do as asked (a chorus cut for length, ...)
            report.warnings += [f"{key}: {w}" for w in result.provenance.get("warnings") or []]
    finally:
        unsubscribe()
    return results


def _wait(scheduler: Any, records: list[JobRecord]) -> dict[str, GenerationResult]:
    jobs = scheduler.wait([r.job.id for r in records])
    out = {}
    for record, job in zip(records, jobs, strict=True):
        record.job = job
        if job.state != "done" or job.result is None:
            raise GenerationError(
                f"{record.planned.key} ({job.kind}/{job.engine}) {job.state}: {job.error or 'no result'}"
            )
        out[record.planned.key] = job.result
    return out


def _open_project(board: Storyboard, folder: Path) -> Any:
    """The project at ``folder``, made from the storyboard's size and rate if there is none yet (lock held)."""
    from studio.io import create_project, load_project, save_project

    if (folder / "project.json").exists():
        return load_project(folder)
    project = create_project(folder, board.title, rate=Fraction(board.fps), width=board.width, height=board.height)
    project.timeline.tracks = [t for t in project.timeline.tracks if t.clips]  # the storyboard names its own tracks
    save_project(project, folder)
    return project


def _assemble(board: Storyboard, folder: Path, results: dict[str, GenerationResult], report: MakeReport) -> Any:
    """Lay the results out on the project's timeline, as one undoable step, and save it with its
    storyboard.lock.json. Runs under the project's write lock on the project as saved now, so a GUI's or
    another make's saved work is kept, and the lock file records only clips that are in that project."""
    from studio.io import save_project
    from studio.io.lock import ProjectLock
    from studio.produce import import_result
    from studio.produce.edits import LINKED_AUDIO_ROLE

    with ProjectLock(folder, "studio make"):
        project = _open_project(board, folder)
        timeline = project.timeline
        layout = Layout(board, timeline, report.durations)
        lock = Lock.read(folder)
        new_entries: dict[str, LockEntry] = {}
        hashes = {r.planned.key: r.planned.request.content_hash() for r in report.records}
        for index, scene in enumerate(board.scenes):
            if scene.title:
                hashes[f"scene/{scene.key}/title"] = f"title:{scene.title}:{report.durations[scene.key]}"
            shot = f"scene/{scene.key}/shot"
            if shot in hashes:  # a shot's trims follow the transitions at its ends
                hashes[shot] += ":" + layout.shot_signature(index)
        cuts = _transition_hashes(board, layout, hashes)  # after the shots they join
        scene_of = {k: k.split("/")[1] if k.startswith("scene/") else None for k in [*hashes, *cuts]}

        def imported(key: str) -> Any:
            return import_result(folder, project, results[key], name=key.replace("/", "-"))

        def build(key: str) -> Placed:
            scene = next((s for s in board.scenes if s.key == scene_of[key]), None)
            part = key.split("/")[2] if scene is not None else "music"
            if part == "shot":
                picture = imported(key)
                sound = project.assets.get(picture.related.get(LINKED_AUDIO_ROLE, ""))
                return layout.shot(board.scenes.index(scene), scene, picture, sound)
            if part == "title":
                return layout.title(scene)
            if part == "narration":
                words_file = results[key].file("words.json")
                words = words_from(json.loads(Path(words_file.path).read_text())) if words_file else []
                return layout.narration(scene, imported(key), words)
            if part == "sfx" and key.endswith("/auto"):
                return layout.shot_sound(board.scenes.index(scene), scene, imported(key))
            if part == "sfx":
                return layout.sfx(scene, int(key.split("/")[3]), imported(key))
            return layout.music(imported(key))

        existing = {c.id for t in timeline.tracks for c in t.clips} | {
            x.id for t in timeline.tracks for x in t.transitions
        }
        stack = UndoStack(project)
        with stack.transaction("studio make"):
            for key in lock.entries.keys() - hashes.keys() - cuts.keys():  # elements gone from the storyboard
                _remove_clips(project, stack, lock.entries[key].clip_ids)
            moves: dict[str, int] = {}
            for key, digest in [*hashes.items(), *cuts.items()]:
                old = lock.entries.get(key)
                if old is not None and old.request_hash == digest:  # unchanged: keep its clips as edited
                    start = layout.starts.get(scene_of[key] or "", 0.0)
                    shift = layout.frames(start) - layout.frames(old.scene_start)
                    kept = [i for i in old.clip_ids if i in existing]
                    clips = [] if key in cuts else kept  # a transition follows its clips
                    moves.update({i: project.find_clip(i)[2].position + shift for i in clips} if shift else {})
                    new_entries[key] = LockEntry(digest, kept, start)
                    report.kept.append(key)
            if moves:
                stack.push(edit.move_clips(project, moves, "Follow earlier scenes' new lengths"))

            def remove_old(key: str) -> None:  # an element re-made: its previous clips go first
                old = lock.entries.get(key)
                if old is not None:
                    _remove_clips(project, stack, old.clip_ids)
                    report.replaced.append(key)

            for key, digest in hashes.items():
                if key in new_entries:
                    continue
                remove_old(key)
                start = layout.starts.get(scene_of[key] or "", 0.0)
                new_entries[key] = LockEntry(digest, place(project, stack, build(key)), start)
            for key, digest in cuts.items():  # transitions join the shots placed above
                if key in new_entries:
                    continue
                remove_old(key)
                index = next(i for i, s in enumerate(board.scenes) if s.key == scene_of[key])
                added = _join_shots(project, stack, board, layout, index, new_entries, report)
                new_entries[key] = LockEntry(digest, added, layout.starts[board.scenes[index].key])
            _drop_empty_old_shot_tracks(project, stack)
            _duck_music(project, stack, board)
        save_project(project, folder)
        lock.entries = new_entries
        lock.storyboard = str(board.path.resolve())
        lock.write(folder)
    return project


def _transition_hashes(board: Storyboard, layout: Layout, hashes: dict[str, str]) -> dict[str, str]:
    """Lock keys and digests of the transitions between shots: a transition is re-made when its kind or length
    changes or either shot it joins is re-placed; otherwise the creator's version of it is kept."""
    out = {}
    for index, scene in enumerate(board.scenes[:-1]):
        wanted = layout.transition_after(index)
        a, b = f"scene/{scene.key}/shot", f"scene/{board.scenes[index + 1].key}/shot"
        if wanted is not None and a in hashes and b in hashes:
            out[f"scene/{scene.key}/transition"] = f"transition:{wanted[0]}:{wanted[1]}:{hashes[a]}:{hashes[b]}"
    return out


def _join_shots(
    project: Any, stack: UndoStack, board: Storyboard, layout: Layout, index: int, entries: dict, report: MakeReport
) -> list[str]:
    """Add the storyboard's transition at the cut after scene ``index``; the ids added (none where the two shots
    no longer meet, as after a trim in the GUI, which is said as a warning)."""
    kind, frames = layout.transition_after(index) or ("", 0)
    scene, following = board.scenes[index], board.scenes[index + 1]
    a_ids = entries.get(f"scene/{scene.key}/shot", LockEntry("", [])).clip_ids
    b_ids = entries.get(f"scene/{following.key}/shot", LockEntry("", [])).clip_ids
    added: list[str] = []
    for name, track_kind in (("Shots", "video"), ("Shot sound", "audio")):
        if track_kind == "audio" and kind != "dissolve":
            continue  # a fade to black fades the shots' own sound with clip fades (see Layout.shot)
        track = next((t for t in project.timeline.tracks if t.name == name and t.kind == track_kind), None)
        a = next((c for c in track.clips if c.id in a_ids), None) if track is not None else None
        b = next((c for c in track.clips if c.id in b_ids), None) if track is not None else None
        if track_kind == "audio" and (a is None or b is None):
            continue  # shots without their own sound
        if track is None or a is None or b is None or a.end != b.position:
            words = "crossfade" if kind == "dissolve" else "fade to black"
            report.warnings.append(
                f"{board.path.name}:{scene.transition_line}: the {words} after scene {scene.index} was not added: "
                f'the two shots no longer meet on the track "{name}"'
            )
            continue
        if track.transitions_of(a.id)[1] is not None:
            continue  # the creator put a transition of their own there: it stays
        stack.push(edit.add_transition(project, a.id, kind, frames))
        added += [t.id for t in track.transitions if t.from_clip == a.id]
    return added


def _drop_empty_old_shot_tracks(project: Any, stack: UndoStack) -> None:
    """A project made before transitions were objects had its shots on "Shots A"/"Shots B"; once a re-run has
    moved them to "Shots", the old tracks go if nothing of the creator's is left on them."""
    for track in list(project.timeline.tracks):
        if track.name in OLD_SHOT_TRACKS and track.kind == "video" and not track.clips:
            stack.push(edit.remove_track(project, track.id))


def _remove_clips(project: Any, stack: UndoStack, ids: list[str]) -> None:
    """Remove these clips and transitions (a lock entry's ids), those still in the project."""
    live = {c.id for t in project.timeline.tracks for c in t.clips}
    for item_id in ids:
        if item_id in live:
            stack.push(edit.remove_clip(project, item_id))
            continue
        if any(x.id == item_id for t in project.timeline.tracks for x in t.transitions):
            stack.push(edit.remove_transition(project, item_id))


def _duck_music(project: Any, stack: UndoStack, board: Storyboard) -> None:
    """Mark the music track to duck under the narration track at render (sidechain ducking)."""
    tracks = project.timeline.tracks
    music = next((t for t in tracks if t.name == "Music" and t.kind == "audio"), None)
    narration = next((t for t in tracks if t.name == "Narration" and t.kind == "audio"), None)
    if music is None or narration is None:
        return
    for name, value in (("duck_under", narration.id), ("duck_db", board.duck_db)):
        if getattr(music, name) != value:
            stack.push(edit.set_property(project, music.id, name, value))
