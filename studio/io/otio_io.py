"""OpenTimelineIO exchange: a project timeline to a ``.otio`` file and back.

Media clips become ExternalReferences (absolute ``file://`` URLs), titles and recipes become
GeneratorReferences (``StudioTitle``, ``StudioRecipe``); Studio's own fields ride in
``metadata["studio"]`` so a round trip through OTIO is exact, and other tools still read the cuts.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

from studio.io.errors import ProjectError
from studio.io.media import import_media, slugify
from studio.io.paths import MEDIA_DIR, resolve_in_project
from studio.io.project_file import create_project, save_project, write_atomic
from studio.model.checks import clip_problem, is_color
from studio.model.entities import Asset, Clip, Marker, Project, Recipe, Timeline, Title, Track, Transform, new_id
from studio.model.time import TimeRange

log = logging.getLogger(__name__)
TITLE_KIND = "StudioTitle"
RECIPE_KIND = "StudioRecipe"
_OTIO_COLORS = {
    "RED": "#ff0000",
    "PINK": "#ff80c0",
    "ORANGE": "#ff8000",
    "YELLOW": "#ffcc00",
    "GREEN": "#00c000",
    "CYAN": "#00ffff",
    "BLUE": "#0060ff",
    "PURPLE": "#8000ff",
    "MAGENTA": "#ff00ff",
    "BLACK": "#000000",
    "WHITE": "#ffffff",
}


def _otio():
    import opentimelineio

    return opentimelineio


def _nearest_otio_color(hex_color: str) -> str:
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))

    def dist(name: str) -> int:
        h = _OTIO_COLORS[name]
        return sum((a - int(h[i : i + 2], 16)) ** 2 for a, i in zip((r, g, b), (1, 3, 5), strict=True))

    return min(_OTIO_COLORS, key=dist)


# ----------------------------------------------------------------------------------------------
# export


def export_otio(
    project: Project, project_dir: str | Path, out_path: str | Path, timeline_id: str | None = None
) -> Path:
    """Write the main (or given) timeline to an OTIO JSON file; returns its path."""
    otio = _otio()
    out = Path(out_path)
    if out.suffix.lower() != ".otio":
        raise ProjectError(f"{out.name}: OpenTimelineIO files must end in .otio")
    tl = project.find_timeline(timeline_id) if timeline_id else project.timeline
    rate = float(tl.rate)

    def rt(frames: int) -> Any:
        return otio.opentime.RationalTime(frames, rate)

    def trange(start: int, duration: int) -> Any:
        return otio.opentime.TimeRange(rt(start), rt(duration))

    timeline = otio.schema.Timeline(name=tl.name)
    timeline.metadata["studio"] = {
        "id": tl.id,
        "project_name": project.name,
        "rate": str(tl.rate),
        "width": tl.width,
        "height": tl.height,
        "sample_rate": tl.sample_rate,
    }
    for track in tl.tracks:
        kind = otio.schema.TrackKind.Video if track.kind == "video" else otio.schema.TrackKind.Audio
        ot = otio.schema.Track(name=track.name, kind=kind)
        ot.metadata["studio"] = {
            "id": track.id,
            "muted": track.muted,
            "solo": track.solo,
            "locked": track.locked,
            "height": track.height,
        }
        for item in track.items():
            if not isinstance(item, Clip):
                ot.append(otio.schema.Gap(source_range=trange(0, item.duration)))
                continue
            oc = otio.schema.Clip(
                name=item.name,
                media_reference=_reference(otio, project, project_dir, item, tl, trange),
                source_range=trange(item.source_range.start, item.source_range.duration),
            )
            oc.enabled = item.enabled
            oc.metadata["studio"] = _clip_metadata(item)
            ot.append(oc)
        timeline.tracks.append(ot)
    for marker in tl.markers:
        om = otio.schema.Marker(
            name=marker.name, marked_range=trange(marker.frame, 0), color=_nearest_otio_color(marker.color)
        )
        om.metadata["studio"] = {"id": marker.id, "color": marker.color}
        timeline.tracks.markers.append(om)
    text = otio.adapters.write_to_string(timeline, "otio_json")
    try:
        write_atomic(out, text.encode("utf-8"))
    except OSError as exc:
        raise ProjectError(f"{out.name}: cannot write ({exc.strerror or exc})") from None
    return out


def _reference(otio: Any, project: Project, project_dir: str | Path, clip: Clip, tl: Timeline, trange: Any) -> Any:
    if clip.title is not None:
        t = clip.title
        return otio.schema.GeneratorReference(
            name=t.text[:40],
            generator_kind=TITLE_KIND,
            parameters={
                "text": t.text,
                "font_size": t.font_size,
                "color": t.color,
                "position": t.position,
                "background": t.background,
            },
        )
    asset = project.assets.get(clip.asset_id) if clip.asset_id else None
    if asset is None and clip.recipe is not None:
        return otio.schema.GeneratorReference(
            name=clip.name,
            generator_kind=RECIPE_KIND,
            parameters={"kind": clip.recipe.kind, "engine": clip.recipe.engine, "request": clip.recipe.request},
        )
    if asset is None:
        return otio.schema.MissingReference()
    url = resolve_in_project(project_dir, asset.path).as_uri()
    length = asset.duration_frames(tl.rate)
    ref = otio.schema.ExternalReference(target_url=url, available_range=trange(0, length) if length else None)
    ref.name = asset.name
    ref.metadata["studio"] = {
        "asset_id": asset.id,
        "kind": asset.kind,
        "name": asset.name,
        "provenance": asset.provenance,
    }
    return ref


def _clip_metadata(clip: Clip) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "id": clip.id,
        "opacity": clip.opacity,
        "fit": clip.fit,
        "transform": {"x": clip.transform.x, "y": clip.transform.y, "scale": clip.transform.scale},
        "video_fade_in": clip.video_fade_in,
        "video_fade_out": clip.video_fade_out,
        "gain_db": clip.gain_db,
        "pan": clip.pan,
        "audio_fade_in": clip.audio_fade_in,
        "audio_fade_out": clip.audio_fade_out,
    }
    if clip.recipe is not None:
        meta["recipe"] = {"kind": clip.recipe.kind, "engine": clip.recipe.engine, "request": clip.recipe.request}
    return meta


# ----------------------------------------------------------------------------------------------
# import


def import_otio(otio_path: str | Path, project_dir: str | Path, warnings: list[str] | None = None) -> Project:
    """Make a new project at ``project_dir`` from an OTIO file, importing the media files that exist.

    Media that cannot be found become assets whose file is missing (``missing_media`` lists them;
    ``Asset.source_url`` keeps the original location); anything Studio cannot represent (transitions,
    nested stacks, unknown generators) is left as a gap. Each such case adds a line to ``warnings``.
    """
    otio = _otio()
    src = Path(otio_path)
    notes: list[str] = warnings if warnings is not None else []
    try:
        obj = otio.adapters.read_from_file(str(src))
    except Exception as exc:  # noqa: BLE001 - OTIO raises many types (OTIOError, ValueError, JSON) for bad files
        raise ProjectError(f"{src.name}: not a readable OpenTimelineIO file ({type(exc).__name__}: {exc})") from None
    if isinstance(obj, otio.schema.SerializableCollection):
        found = (
            [o for o in obj.find_children(descended_from_type=otio.schema.Timeline)]
            if hasattr(obj, "find_children")
            else [o for o in obj if isinstance(o, otio.schema.Timeline)]
        )
        obj = found[0] if found else None
    if not isinstance(obj, otio.schema.Timeline):
        raise ProjectError(f"{src.name}: holds no timeline")
    meta = _studio_meta(obj)
    rate = _import_rate(otio, obj, meta)
    project = create_project(
        project_dir,
        name=str(meta.get("project_name") or obj.name or src.stem),
        rate=rate,
        width=_int_or(meta.get("width"), 1280),
        height=_int_or(meta.get("height"), 720),
    )
    tl = project.timeline
    tl.name = obj.name or tl.name
    tl.tracks = []
    used_ids: set[str] = {tl.id}
    tl.id = _fresh_id(meta.get("id"), "timeline", used_ids - {tl.id}, used_ids)
    for index, ot in enumerate(obj.tracks):
        if not isinstance(ot, otio.schema.Track):
            notes.append(f"track {index + 1}: a nested {type(ot).__name__} is not supported; skipped")
            continue
        tl.tracks.append(_import_track(otio, ot, src, Path(project_dir), project, tl, used_ids, notes))
    for om in list(obj.tracks.markers):
        frame = round(om.marked_range.start_time.rescaled_to(float(rate)).value)
        mm = _studio_meta(om)
        color = mm.get("color") if is_color(mm.get("color")) else _OTIO_COLORS.get(str(om.color), "#ffcc00")
        tl.markers.append(
            Marker(
                id=_fresh_id(mm.get("id"), "marker", used_ids, used_ids),
                frame=max(frame, 0),
                name=om.name or "",
                color=color,
            )
        )
    tl.markers.sort(key=lambda m: (m.frame, m.id))
    save_project(project, project_dir)
    for note in notes:
        log.warning("%s: %s", src.name, note)
    return project


def _plain(value: Any) -> Any:
    """OTIO's AnyDictionary/AnyVector (nested) as plain dicts and lists."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [_plain(v) for v in value]
    return value


def _studio_meta(obj: Any) -> dict[str, Any]:
    meta = _plain(obj.metadata.get("studio", {}) or {})
    return meta if isinstance(meta, dict) else {}


def _int_or(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and 16 <= value <= 16384 else default


def _fresh_id(wanted: Any, prefix: str, taken: set[str], used: set[str]) -> str:
    out = wanted if isinstance(wanted, str) and wanted and wanted not in taken else new_id(prefix)
    used.add(out)
    return out


def _import_rate(otio: Any, timeline: Any, meta: dict) -> Fraction:
    text = meta.get("rate")
    if isinstance(text, str):
        try:
            rate = Fraction(text)
            if 0 < rate <= 1000:
                return rate
        except (ValueError, ZeroDivisionError):
            pass
    for item in timeline.find_children():
        if isinstance(item, (otio.schema.Clip, otio.schema.Gap)) and item.source_range is not None:
            return Fraction(item.source_range.duration.rate).limit_denominator(1001)
    return Fraction(24)


def _frames(value: Any, rate: Fraction) -> int:
    return round(value.rescaled_to(float(rate)).value)


def _import_track(
    otio: Any,
    ot: Any,
    src: Path,
    project_dir: Path,
    project: Project,
    tl: Timeline,
    used_ids: set[str],
    notes: list[str],
) -> Track:
    kind = "audio" if ot.kind == otio.schema.TrackKind.Audio else "video"
    tm = _studio_meta(ot)
    track = Track(id=_fresh_id(tm.get("id"), "track", used_ids, used_ids), kind=kind, name=ot.name or kind[0].upper())
    for key in ("muted", "solo", "locked"):
        if isinstance(tm.get(key), bool):
            setattr(track, key, tm[key])
    if isinstance(tm.get("height"), int) and 20 <= tm["height"] <= 400:
        track.height = tm["height"]
    cursor = 0
    for item in ot:
        if isinstance(item, otio.schema.Transition):
            notes.append(f"track {track.name!r}: transition {item.name!r} is not supported; the cut is kept")
            continue
        duration = _frames(item.duration(), tl.rate)
        if isinstance(item, otio.schema.Clip):
            clip = _import_clip(otio, item, cursor, src, project_dir, project, tl, track, used_ids, notes)
            if clip is not None:
                track.clips.append(clip)
        elif not isinstance(item, otio.schema.Gap):
            notes.append(f"track {track.name!r}: a nested {type(item).__name__} at frame {cursor} is left as a gap")
        cursor += duration
    return track


def _import_clip(
    otio: Any,
    oc: Any,
    position: int,
    src: Path,
    project_dir: Path,
    project: Project,
    tl: Timeline,
    track: Track,
    used_ids: set[str],
    notes: list[str],
) -> Clip | None:
    meta = _studio_meta(oc)
    sr = oc.source_range or oc.trimmed_range()
    start, duration = _frames(sr.start_time, tl.rate), _frames(sr.duration, tl.rate)
    clip = Clip(
        id=_fresh_id(meta.get("id"), "clip", used_ids, used_ids),
        name=oc.name or "",
        position=position,
        source_range=TimeRange(start, duration),
        enabled=bool(oc.enabled),
    )
    ref = oc.media_reference
    where = f"clip {clip.name or clip.id!r} at frame {position}"
    if isinstance(ref, otio.schema.GeneratorReference) and ref.generator_kind == TITLE_KIND:
        p = _plain(ref.parameters)
        clip.title = Title(
            text=str(p.get("text", "")),
            font_size=p.get("font_size", 64),
            color=p.get("color", "#ffffff"),
            position=p.get("position", "center"),
            background=p.get("background"),
        )
    elif isinstance(ref, otio.schema.GeneratorReference) and ref.generator_kind == RECIPE_KIND:
        p = _plain(ref.parameters)
        clip.recipe = _recipe(p)
    elif isinstance(ref, otio.schema.ExternalReference):
        if ref.available_range is not None:  # source times count from the file's first frame
            clip.source_range = TimeRange(start - _frames(ref.available_range.start_time, tl.rate), duration)
        clip.asset_id = _import_reference(ref, src, project_dir, project, track.kind, notes, where).id
    else:
        notes.append(f"{where}: {type(ref).__name__} media cannot be imported; left as a gap")
        return None
    _apply_clip_metadata(clip, meta)
    problem = clip_problem(clip, track.kind, project.assets, tl.rate)
    if problem and problem[0] == "source_range" and "past the end" in problem[1] and clip.asset_id:
        length = project.assets[clip.asset_id].duration_frames(tl.rate) or 0
        if length > clip.source_range.start:
            notes.append(f"{where}: {problem[1]}; shortened to fit")
            clip.source_range = TimeRange(clip.source_range.start, length - clip.source_range.start)
            problem = clip_problem(clip, track.kind, project.assets, tl.rate)
    if problem:
        notes.append(f"{where}: {problem[0]} {problem[1]}; left as a gap")
        return None
    return clip


def _recipe(p: dict) -> Recipe:
    engine = p.get("engine") if isinstance(p.get("engine"), str) else None
    return Recipe(
        kind=str(p.get("kind")), engine=engine, request=p["request"] if isinstance(p.get("request"), dict) else {}
    )


def _apply_clip_metadata(clip: Clip, meta: dict) -> None:
    candidate = Clip(id=clip.id, name=clip.name, position=clip.position, source_range=clip.source_range)
    for key in (
        "opacity",
        "gain_db",
        "pan",
        "fit",
        "video_fade_in",
        "video_fade_out",
        "audio_fade_in",
        "audio_fade_out",
    ):
        if key in meta:
            setattr(candidate, key, meta[key])
    t = meta.get("transform")
    if isinstance(t, dict):
        candidate.transform = Transform(x=t.get("x", 0.0), y=t.get("y", 0.0), scale=t.get("scale", 1.0))
    r = meta.get("recipe")
    if isinstance(r, dict) and clip.recipe is None:
        clip.recipe = _recipe(r)
    candidate.title = Title(text="x")  # properties are checked alone, so give it a harmless source
    if clip_problem(candidate, "video", {}, Fraction(24)) is None:
        for key in (
            "opacity",
            "gain_db",
            "pan",
            "fit",
            "transform",
            "video_fade_in",
            "video_fade_out",
            "audio_fade_in",
            "audio_fade_out",
        ):
            setattr(clip, key, getattr(candidate, key))


def _url_to_path(url: str, src: Path) -> Path:
    parsed = urlparse(url)
    if parsed.scheme == "file":
        return Path(url2pathname(unquote(parsed.path)))
    if parsed.scheme and len(parsed.scheme) > 1:
        return Path("/nonexistent-remote") / slugify(url)
    path = Path(unquote(url))
    return path if path.is_absolute() else src.resolve().parent / path


def _import_reference(
    ref: Any, src: Path, project_dir: Path, project: Project, track_kind: str, notes: list[str], where: str
) -> Asset:
    url = ref.target_url or ""
    meta = _studio_meta(ref)
    name = str(meta.get("name") or ref.name or Path(unquote(urlparse(url).path)).stem or "media")
    path = _url_to_path(url, src)
    provenance = meta.get("provenance") if isinstance(meta.get("provenance"), dict) else None
    if path.is_file():
        try:
            return import_media(project_dir, project, path, name=name, provenance=provenance)
        except ProjectError as exc:
            notes.append(f"{where}: {exc}; kept as missing media")
    else:
        notes.append(f"{where}: media {url!r} not found; kept as missing media")
    asset_id = "asset_missing_" + hashlib.sha256(url.encode()).hexdigest()[:10]
    if asset_id not in project.assets:
        suffix = "".join(ch for ch in Path(urlparse(url).path).suffix.lower() if ch.isalnum() or ch == ".")[:9]
        length = None
        if ref.available_range is not None:
            rate = Fraction(ref.available_range.duration.rate).limit_denominator(1001)
            length = Fraction(round(ref.available_range.duration.value)) / rate
        kind = meta.get("kind") if meta.get("kind") in ("video", "audio", "image") else track_kind
        project.assets[asset_id] = Asset(
            id=asset_id,
            name=name,
            path=f"{MEDIA_DIR}/{slugify(name)}{suffix}",
            kind=kind,
            duration_seconds=length,
            has_audio=track_kind == "audio",
            provenance=provenance,
            source_url=url,
        )
    return project.assets[asset_id]
