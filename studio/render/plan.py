"""What a render will do, checked before any work: the frame range, the clips that take part,
missing media, clips that run past their source, and where each picture layer lands on the frame."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from studio.model import Asset, Clip, Project, Timeline, Track, timecode
from studio.model.checks import handle_notes
from studio.render.errors import RenderError
from studio.render.transitions import reach

MAX_SCALED_SIDE = 16384  # a picture scaled past this is a typo (scale 100 instead of 1.0)
MAX_RENDER_SECONDS = 3 * 3600  # a longer render is almost surely a mistake (a clip parked at hour 10)


def parse_time(text: str, rate: Fraction) -> int:
    """'12.5' (seconds), '1:05' (MM:SS), '0:01:05' (HH:MM:SS) or '00:01:05:12' (HH:MM:SS:FF) -> frames."""
    text = text.strip()
    try:
        parts = text.split(":")
        if len(parts) == 4:
            hh, mm, ss, ff = (int(p) for p in parts)
            return (hh * 3600 + mm * 60 + ss) * round(rate) + ff
        seconds = Fraction(0)
        for p in parts:
            seconds = seconds * 60 + Fraction(p)
        if seconds < 0 or len(parts) > 4:
            raise ValueError
        return round(seconds * rate)
    except (ValueError, ZeroDivisionError):
        raise RenderError(f"cannot read time {text!r}: write seconds (12.5), MM:SS, HH:MM:SS or HH:MM:SS:FF") from None


def parse_range(text: str, rate: Fraction) -> tuple[int, int]:
    """'START-END' -> (first frame, end frame) with END exclusive; either side may be empty."""
    start_text, sep, end_text = text.partition("-")
    if not sep:
        raise RenderError(f"range {text!r} must look like START-END, for example 2-7.5 or 0:10-0:20")
    start = parse_time(start_text, rate) if start_text.strip() else 0
    end = parse_time(end_text, rate) if end_text.strip() else -1
    if end != -1 and end <= start:
        raise RenderError(f"range {text!r} ends before it starts")
    return start, end


def asset_file(project_dir: Path, asset: Asset) -> Path:
    """The asset's file inside the project folder (absolute); paths may not leave the folder."""
    try:
        from studio.io.paths import resolve_in_project
    except ImportError:  # studio.io not installed yet: the same rule, locally
        resolve_in_project = None
    if resolve_in_project is not None:
        try:
            return Path(resolve_in_project(project_dir, asset.path))
        except Exception as exc:  # noqa: BLE001 - its own error type; keep the message
            raise RenderError(f"asset {asset.name!r}: {exc}") from None
    root = Path(project_dir).resolve()
    path = (root / asset.path).resolve()
    if root != path and root not in path.parents:
        raise RenderError(f"asset {asset.name!r} points outside the project folder: {asset.path}")
    return path


@dataclass
class RenderPlan:
    """The checked inputs of one render: frames [start, end) of ``timeline``, the clips that take
    part per track, the files they read, and anything the creator was told about (warnings)."""

    project: Project
    project_dir: Path
    timeline: Timeline
    start: int
    end: int
    video_tracks: list[tuple[Track, list[Clip]]]
    audio_tracks: list[tuple[Track, list[Clip]]]
    duck_keys: dict[str, list[Clip]] = field(default_factory=dict)  # ducked track id -> its key track's clips
    files: dict[str, Path] = field(default_factory=dict)  # asset id -> file, only for present files
    missing: set[str] = field(default_factory=set)  # clip ids that render as black / silence
    warnings: list[str] = field(default_factory=list)

    @property
    def frames(self) -> int:
        return self.end - self.start

    @property
    def seconds(self) -> Fraction:
        return Fraction(self.frames) / self.timeline.rate


def _clips_in(track: Track, start: int, end: int) -> list[Clip]:
    """The clips that play in [start, end), counting the frames a transition plays them past their cut."""
    extra = reach(track) if track.transitions else {}
    return sorted(
        (
            c
            for c in track.clips
            if c.enabled
            and c.duration > 0
            and c.position - extra.get(c.id, (0, 0))[0] < end
            and c.end + extra.get(c.id, (0, 0))[1] > start
        ),
        key=lambda c: c.position,
    )


def make_plan(
    project: Project, project_dir: str | Path, frame_range: tuple[int, int] | None = None, allow_missing: bool = False
) -> RenderPlan:
    """Check the timeline and its media; raise RenderError with one line naming every problem."""
    if not project.timelines:
        raise RenderError("the project has no timeline")
    tl = project.timeline
    if tl.rate <= 0:
        raise RenderError(f"timeline frame rate {tl.rate} is not positive")
    duration = tl.duration
    if duration <= 0:
        raise RenderError("the timeline is empty: add a clip before rendering")
    start, end = frame_range if frame_range is not None else (0, duration)
    end = duration if end == -1 else end
    if start < 0 or start >= duration:
        raise RenderError(
            f"range starts at {timecode(start, tl.rate)}, outside the timeline "
            f"(00:00:00:00 to {timecode(duration, tl.rate)})"
        )
    end = min(end, duration)
    if Fraction(end - start) / tl.rate > MAX_RENDER_SECONDS:
        raise RenderError(
            f"the render would be {timecode(end - start, tl.rate)} long, over the "
            f"{MAX_RENDER_SECONDS // 3600}-hour limit; render part of it with --range START-END"
        )
    solo = any(t.solo for t in tl.tracks if t.kind == "audio")
    video = [(t, _clips_in(t, start, end)) for t in tl.tracks if t.kind == "video" and not t.muted]
    audio = [
        (t, _clips_in(t, start, end)) for t in tl.tracks if t.kind == "audio" and not t.muted and (t.solo or not solo)
    ]
    plan = RenderPlan(project, Path(project_dir), tl, start, end, video, audio)
    _check_media(plan, allow_missing)
    _find_duck_keys(plan)
    for track, clips in video + audio:  # a transition that runs short of media holds a frame or goes silent: say so
        playing = {c.id for c in clips if c.id not in plan.missing}
        for transition in track.transitions:
            if transition.from_clip in playing and transition.to_clip in playing:
                plan.warnings += handle_notes(project, track, transition)
    return plan


def _find_duck_keys(plan: RenderPlan) -> None:
    """A ducked track listens to its key track's clips even when that track is muted or not soloed
    (a sidechain taps the source before the fader), so a music stem rendered alone keeps its dips."""
    for track, _ in plan.audio_tracks:
        if track.duck_under is None:
            continue
        key = next((t for t in plan.timeline.tracks if t.id == track.duck_under and t.kind == "audio"), None)
        if key is None:
            continue
        clips = []
        for clip in _clips_in(key, plan.start, plan.end):
            asset = plan.project.assets.get(clip.asset_id or "")
            path = asset_file(plan.project_dir, asset) if asset is not None else None
            if path is not None and path.is_file() and clip.id not in plan.missing:
                plan.files[asset.id] = path
                clips.append(clip)
        plan.duck_keys[track.id] = clips


def _check_media(plan: RenderPlan, allow_missing: bool) -> None:
    missing: list[str] = []
    for track, clips in plan.video_tracks + plan.audio_tracks:
        for clip in clips:
            if clip.title is not None and clip.asset_id is None:
                if track.kind == "audio":
                    raise RenderError(f"title clip {clip.name!r} is on audio track {track.name!r}")
                continue
            if clip.source_range.start < 0:
                raise RenderError(f"clip {clip.name!r} starts before the beginning of its source")
            if clip.asset_id is None:
                what = "has not been generated yet" if clip.recipe else "has no media"
                missing.append(f"{clip.name} ({what})")
                plan.missing.add(clip.id)
                continue
            asset = plan.project.assets.get(clip.asset_id)
            if asset is None:
                missing.append(f"{clip.name} (asset {clip.asset_id} is not in the project)")
                plan.missing.add(clip.id)
                continue
            path = asset_file(plan.project_dir, asset)
            if not path.is_file() or not os.access(path, os.R_OK):
                missing.append(asset.path)
                plan.missing.add(clip.id)
                continue
            plan.files[asset.id] = path
            _check_length(plan.timeline, track, clip, asset)
            if track.kind == "video" and asset.width and asset.height:  # scale mistakes fail now, not mid-render
                tl = plan.timeline
                place(clip, (asset.width, asset.height), (tl.width, tl.height), tl.height)
    if missing:
        listing = ", ".join(dict.fromkeys(missing))
        if not allow_missing:
            raise RenderError(
                f"missing media: {listing} (relink or regenerate them, or render with gaps "
                "of black/silence: 'Render with gaps' in the render dialog, --allow-missing in the CLI)"
            )
        plan.warnings.append(f"rendered black/silence for missing media: {listing}")


def _check_length(tl: Timeline, track: Track, clip: Clip, asset: Asset) -> None:
    if asset.duration_seconds is None or asset.kind == "image":
        return
    source_end = Fraction(clip.source_range.end) / tl.rate
    # one frame of slack: container durations are rounded
    if source_end > Fraction(asset.duration_seconds) + Fraction(1) / tl.rate:
        raise RenderError(
            f"clip {clip.name!r} on {track.name!r} runs past the end of {asset.path}: it needs "
            f"{float(source_end):.3f} s of a {float(asset.duration_seconds):.3f} s source; trim it"
        )
    if track.kind == "audio" and asset.kind == "video" and not asset.has_audio:
        raise RenderError(f"clip {clip.name!r} on audio track {track.name!r} uses {asset.path}, which has no sound")


@dataclass(frozen=True)
class Placement:
    """Where a picture of ``size`` lands on the frame: the scaled size, and the visible part as
    (crop_x, crop_y) inside the scaled picture, (x, y) on the frame and (w, h); w or h 0 = off-frame."""

    scaled: tuple[int, int]
    crop: tuple[int, int]
    at: tuple[int, int]
    size: tuple[int, int]

    @property
    def visible(self) -> bool:
        return self.size[0] > 0 and self.size[1] > 0

    def covers(self, width: int, height: int) -> bool:
        return self.at == (0, 0) and self.size == (width, height)


def place(clip: Clip, source: tuple[int, int], frame: tuple[int, int], timeline_height: int) -> Placement:
    """Fit (letterbox), fill (cover and crop), stretch, or explicit (source pixels at timeline scale),
    then the clip's transform: scale, and x/y offsets as fractions of the frame width/height."""
    sw, sh = source
    fw, fh = frame
    if sw <= 0 or sh <= 0:
        raise RenderError(f"clip {clip.name!r}: its source has no picture size")
    if clip.fit == "stretch":
        sx, sy = fw / sw, fh / sh
    else:
        s = {"fit": min(fw / sw, fh / sh), "fill": max(fw / sw, fh / sh)}.get(clip.fit, fh / timeline_height)
        sx = sy = s
    t = clip.transform
    if not t.scale > 0:
        raise RenderError(f"clip {clip.name!r}: scale must be above 0, got {t.scale}")
    w, h = max(1, round(sw * sx * t.scale)), max(1, round(sh * sy * t.scale))
    if w > MAX_SCALED_SIDE or h > MAX_SCALED_SIDE:
        raise RenderError(
            f"clip {clip.name!r} is scaled to {w}x{h} pixels, over the {MAX_SCALED_SIDE} limit; lower its scale"
        )
    x0, y0 = round((fw - w) / 2 + t.x * fw), round((fh - h) / 2 + t.y * fh)
    vx0, vy0 = max(0, x0), max(0, y0)
    vx1, vy1 = min(fw, x0 + w), min(fh, y0 + h)
    return Placement((w, h), (vx0 - x0, vy0 - y0), (vx0, vy0), (max(0, vx1 - vx0), max(0, vy1 - vy0)))
