"""Turn a storyboard into generation jobs, in two phases.

Phase 1 is the narration (a scene "as long as its narration" needs its length); phase 2 is
everything else, once every scene's duration is known. Each job has a stable key naming the
storyboard element it comes from and a seed derived from that key, so editing one scene changes
only that scene's requests (and the music, if the total length changes).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path

from pipelines import registry
from pipelines.base import Request
from studio.storyboard.parse import MAX_SHOT_SECONDS, Scene, Storyboard, StoryboardError, check_timing

NARRATION_LEAD_IN = 0.3  # seconds of silence before a scene's narration starts
NARRATION_TAIL = 0.5
CAMERA_WORDS = {
    "push in": "push-in",
    "push-in": "push-in",
    "zoom in": "push-in",
    "pull out": "pull-out",
    "pull-out": "pull-out",
    "zoom out": "pull-out",
    "pan left": "pan-left",
    "pan right": "pan-right",
    "tilt up": "tilt-up",
    "tilt down": "tilt-down",
    "orbit": "orbit",
    "static": "static",
    "handheld": "handheld",
}


@dataclass(frozen=True)
class PlannedJob:
    key: str  # "scene/<scene>/shot", "scene/<scene>/narration", "scene/<scene>/sfx/<n>", "music"
    kind: str
    engine: str | None
    request: Request
    scene: str | None = None

    @property
    def label(self) -> str:
        return f"{self.kind:<5} {self.key}"


def element_seed(board: Storyboard, key: str) -> int:
    return (board.seed * 1_000_003 + zlib.crc32(key.encode())) % 2**31


def _resolve(board: Storyboard, rel: str, line: int) -> str:
    path = (board.base_dir / rel).resolve() if not Path(rel).is_absolute() else Path(rel)
    if not path.is_file():
        raise StoryboardError(f"{board.path.name}:{line}: image {rel!r} not found (looked in {path.parent})")
    return str(path)


def narration_jobs(board: Storyboard) -> list[PlannedJob]:
    jobs = []
    for scene in board.scenes:
        if not scene.narration:
            continue
        key = f"scene/{scene.key}/narration"
        speakers = {line.speaker for line in scene.narration}
        if speakers == {"NARRATOR"}:
            text = " ".join(line.text for line in scene.narration)
        else:
            text = "\n".join(f"{line.speaker}: {line.text}" for line in scene.narration)
        voices = tuple(sorted((name, board.voices[name]) for name in speakers if name in board.voices))
        fields = {"prompt": text, "seed": element_seed(board, key), "speakers": voices}
        if "NARRATOR" in board.voices:
            fields["voice"] = board.voices["NARRATOR"]
        jobs.append(_job(board, key, "voice", fields, scene, scene.narration[0].line))
    return jobs


def scene_durations(board: Storyboard, narration_seconds: dict[str, float]) -> dict[str, float]:
    """Each scene's length in seconds: as written, or its narration plus lead-in and tail."""
    out = {}
    for scene in board.scenes:
        spoken = narration_seconds.get(scene.key, 0.0)
        needed = NARRATION_LEAD_IN + spoken + NARRATION_TAIL if spoken else 0.0
        out[scene.key] = scene.duration if scene.duration is not None else round(max(needed, 1.0), 3)
    # transitions and music must fit the lengths narration just set (fixed lengths were checked when parsed)
    check_timing(
        board, {s.key: out[s.key] for s in board.scenes if s.duration is not None or s.key in narration_seconds}
    )
    return out


def media_jobs(board: Storyboard, durations: dict[str, float]) -> list[PlannedJob]:
    """Shots, sound effects and music, once durations are known (phase 2). ``SFX: auto`` comes later, from
    each finished shot (``auto_sfx_job``)."""
    check_auto_sfx(board)
    jobs: list[PlannedJob] = []
    for i, scene in enumerate(board.scenes):
        duration = durations[scene.key]
        # An incoming crossfade starts the shot early, so it needs that much more picture.
        prev = board.scenes[i - 1] if i else None
        extra = prev.transition_seconds if prev is not None and prev.transition == "crossfade" else 0.0
        jobs.append(_shot_job(board, scene, duration + extra))
        for n, cue in enumerate(scene.sfx):
            key = f"scene/{scene.key}/sfx/{n}"
            if cue.at is None:
                length, loop = duration, True
            else:
                length, loop = min(4.0, duration - cue.at), False
            length = min(max(length, 0.5), 30.0)
            fields = {
                "prompt": cue.prompt,
                "duration": round(length, 3),
                "loop": loop,
                "seed": element_seed(board, key),
            }
            jobs.append(_job(board, key, "sfx", fields, scene, cue.line))
    if board.music is not None:
        total = total_seconds(board, durations)
        fields = {
            "prompt": board.music.prompt,
            "lyrics": board.music.lyrics.strip(),
            "duration": round(total, 3),
            "variations": 1,
            "seed": element_seed(board, "music"),
        }
        jobs.append(_job(board, "music", "song", fields, None, board.music.line))
    return jobs


def check_auto_sfx(board: Storyboard) -> None:
    """``SFX: auto`` needs shots from Studio's draft video engine (the only one that records what happens in
    its shots): refuse another before anything is generated."""
    video = board.engines.get("video")
    for scene in board.scenes:
        if scene.sfx_auto_line and video not in (None, "draft"):
            raise StoryboardError(
                f"{board.path.name}:{scene.sfx_auto_line}: SFX: auto needs shots from the draft video engine, "
                f"and this storyboard makes them with {video!r}"
            )


def auto_sfx_job(board: Storyboard, scene: Scene, shot: str | Path) -> PlannedJob | None:
    """``SFX: auto``: sound that follows the events of the scene's generated shot (the file its shot job made),
    played by the draft sound engine; None when the shot shows nothing that sounds (a still animated, say)."""
    from pipelines.base import RequestError
    from pipelines.sfx.for_shot import plan_for_shot, read_shot_events, request_for_shot

    key = f"scene/{scene.key}/sfx/auto"
    try:
        if not plan_for_shot(read_shot_events(shot)):
            return None
        request = request_for_shot(shot, seed=element_seed(board, key))
    except RequestError as exc:
        raise StoryboardError(f"{board.path.name}:{scene.sfx_auto_line}: SFX: auto: {exc}") from None
    return PlannedJob(key, "sfx", "draft", request, scene.key)


def total_seconds(board: Storyboard, durations: dict[str, float]) -> float:
    return sum(durations[s.key] for s in board.scenes)


def _shot_job(board: Storyboard, scene: Scene, seconds: float) -> PlannedJob:
    key = f"scene/{scene.key}/shot"
    seconds = round(seconds, 3)
    if scene.object_image:
        fields = {
            "image": _resolve(board, scene.object_image, scene.line),
            "turntable_seconds": seconds,
            "fps": board.fps,
            "seed": element_seed(board, key),
        }
        return _job(board, key, "3d", fields, scene, scene.line)
    if seconds > MAX_SHOT_SECONDS:
        raise StoryboardError(
            f"{board.path.name}:{scene.line}: scene {scene.index} lasts {seconds:g} s; a shot is at "
            f"most {MAX_SHOT_SECONDS:g} s, so split it into two scenes"
        )
    prompt = ", ".join(p for p in (scene.shot, board.style) if p)
    camera = CAMERA_WORDS.get(scene.camera.strip().lower(), "")
    if scene.camera and not camera:
        prompt = f"{prompt}, {scene.camera}"
    fields = {
        "prompt": prompt,
        "duration": max(seconds, 1.0),
        "fps": board.fps,
        "width": board.width,
        "height": board.height,
        "camera": camera,
        "seed": element_seed(board, key),
    }
    if scene.image:
        fields["image"] = _resolve(board, scene.image, scene.line)
    return _job(board, key, "video", fields, scene, scene.line)


def _job(board: Storyboard, key: str, kind: str, fields: dict, scene: Scene | None, line: int) -> PlannedJob:
    engine = board.engines.get(kind)
    try:
        request = registry.make_request(kind, **fields)
        if engine is not None:
            registry.spec(kind, engine)
    except ValueError as exc:  # RequestError: name the storyboard line it came from
        raise StoryboardError(f"{board.path.name}:{line}: {exc}") from None
    return PlannedJob(key, kind, engine, request, scene.key if scene else None)
