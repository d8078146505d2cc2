"""Reading project JSON into the model, validating every field on the way.

The first problem is reported with its path: ``timelines[0].tracks[2].clips[5].source_range: duration
must be > 0``. Only ``ProjectError`` leaves this module.
"""

from __future__ import annotations

import json
import math
import re
from fractions import Fraction
from typing import Any

from studio.io.errors import ProjectError
from studio.io.paths import RECIPE_PATH_FIELDS, relative_path_problem
from studio.io.schema import upgrade_tree
from studio.model.checks import clip_problem, marker_problem, overlap_problem, transitions_problem
from studio.model.entities import (
    Asset,
    Clip,
    Keyframe,
    Marker,
    Project,
    Recipe,
    Take,
    Timeline,
    Title,
    Track,
    Transform,
    Transition,
)
from studio.model.time import TimeRange

_FRACTION = re.compile(r"^[0-9]{1,12}(/[0-9]{1,12})?$")
ASSET_KINDS = ("video", "audio", "image", "mesh", "other")
_MAX_INT = 2**53


class _Fail(Exception):
    def __init__(self, where: str, message: str):
        super().__init__(f"{where}: {message}")


def _obj(d: Any, where: str, type_name: str, fields: tuple[str, ...], optional: tuple[str, ...] = ()) -> dict:
    if not isinstance(d, dict):
        raise _Fail(where, f"must be a {type_name} object, got {type(d).__name__}")
    label = d.get("schema")
    if label != type_name and not (isinstance(label, str) and label.startswith(type_name.split(".")[0] + ".")):
        raise _Fail(where, f"must be a {type_name} object, got schema {label!r}")
    unknown = sorted(set(d) - set(fields) - set(optional) - {"schema"}, key=str)
    if unknown:
        raise _Fail(where, f"unknown field {unknown[0]!r}")
    missing = [f for f in fields if f not in d]
    if missing:
        raise _Fail(where, f"missing field {missing[0]!r}")
    return d


def _int(d: dict, key: str, where: str, lo: int = 0, hi: int = _MAX_INT) -> int:
    v = d[key]
    if isinstance(v, bool) or not isinstance(v, int):
        raise _Fail(f"{where}.{key}", f"must be a whole number, got {v!r}")
    if not lo <= v <= hi:
        raise _Fail(f"{where}.{key}", f"must be between {lo} and {hi}, got {v}")
    return v


def _opt_int(d: dict, key: str, where: str, lo: int = 0, hi: int = _MAX_INT) -> int | None:
    return None if d.get(key) is None else _int(d, key, where, lo, hi)


def _num(d: dict, key: str, where: str) -> float:
    v = d[key]
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise _Fail(f"{where}.{key}", f"must be a finite number, got {v!r}")
    return v


def _str(d: dict, key: str, where: str, optional: bool = False) -> Any:
    v = d.get(key)
    if v is None and optional:
        return None
    if not isinstance(v, str):
        raise _Fail(f"{where}.{key}", f"must be text, got {v!r}")
    return v


def _bool(d: dict, key: str, where: str) -> bool:
    v = d[key]
    if not isinstance(v, bool):
        raise _Fail(f"{where}.{key}", f"must be true or false, got {v!r}")
    return v


def _dict(d: dict, key: str, where: str, optional: bool = False) -> Any:
    v = d.get(key)
    if v is None and optional:
        return None
    if not isinstance(v, dict) or not all(isinstance(k, str) for k in v):
        raise _Fail(f"{where}.{key}", f"must be an object, got {type(v).__name__}")
    return v


def _list(d: dict, key: str, where: str) -> list:
    v = d[key]
    if not isinstance(v, list):
        raise _Fail(f"{where}.{key}", f"must be a list, got {type(v).__name__}")
    return v


def _fraction(d: dict, key: str, where: str, optional: bool = False, positive: bool = False) -> Fraction | None:
    v = d.get(key)
    if v is None and optional:
        return None
    if not isinstance(v, str) or not _FRACTION.match(v):
        raise _Fail(f"{where}.{key}", f"must be a number like '24' or '30000/1001', got {v!r}")
    num, _, den = v.partition("/")
    if den and int(den) == 0:
        raise _Fail(f"{where}.{key}", f"has a zero denominator: {v!r}")
    value = Fraction(int(num), int(den or 1))
    if positive and value <= 0:
        raise _Fail(f"{where}.{key}", f"must be > 0, got {v!r}")
    return value


# ----------------------------------------------------------------------------------------------


def _read_asset(d: Any, where: str) -> Asset:
    d = _obj(
        d,
        where,
        "Asset",
        ("id", "name", "path", "kind"),
        (
            "duration_seconds",
            "width",
            "height",
            "frame_rate",
            "sample_rate",
            "channels",
            "has_audio",
            "provenance",
            "related",
            "source_url",
        ),
    )
    problem = relative_path_problem(d["path"])
    if problem:
        raise _Fail(f"{where}.path", problem)
    kind = _str(d, "kind", where)
    if kind not in ASSET_KINDS:
        raise _Fail(f"{where}.kind", f"must be one of {', '.join(ASSET_KINDS)}, got {kind!r}")
    related = _dict(d, "related", where, optional=True) or {}
    if not all(isinstance(v, str) for v in related.values()):
        raise _Fail(f"{where}.related", "must map roles to asset ids")
    return Asset(
        id=_str(d, "id", where),
        name=_str(d, "name", where),
        path=d["path"],
        kind=kind,
        duration_seconds=_fraction(d, "duration_seconds", where, optional=True),
        width=_opt_int(d, "width", where, 1, 100_000),
        height=_opt_int(d, "height", where, 1, 100_000),
        frame_rate=_fraction(d, "frame_rate", where, optional=True, positive=True),
        sample_rate=_opt_int(d, "sample_rate", where, 1, 10_000_000),
        channels=_opt_int(d, "channels", where, 1, 1024),
        has_audio=_bool(d, "has_audio", where) if "has_audio" in d else False,
        provenance=_dict(d, "provenance", where, optional=True),
        related=dict(related),
        source_url=_str(d, "source_url", where, optional=True),
    )


def _read_recipe(d: Any, where: str) -> Recipe:
    r = _obj(d, where, "Recipe", ("kind", "request"), ("engine",))
    request = _dict(r, "request", where)
    for key in RECIPE_PATH_FIELDS:  # inputs a recipe reads are paths inside the project, like assets
        value = request.get(key)
        if value in (None, ""):
            continue
        problem = relative_path_problem(value)
        if problem:
            raise _Fail(f"{where}.request.{key}", problem)
    return Recipe(kind=_str(r, "kind", where), engine=_str(r, "engine", where, optional=True), request=request)


def _read_clip(d: Any, where: str) -> Clip:
    d = _obj(
        d,
        where,
        "Clip",
        ("id", "name", "position", "source_range"),
        (
            "asset",
            "title",
            "recipe",
            "enabled",
            "opacity",
            "fit",
            "transform",
            "video_fade_in",
            "video_fade_out",
            "gain_db",
            "pan",
            "audio_fade_in",
            "audio_fade_out",
            "takes",
            "keyframes",
            "speed",
            "reverse",
        ),
    )
    sr = _obj(d["source_range"], f"{where}.source_range", "TimeRange", ("start", "duration"))
    sr_where = f"{where}.source_range"
    source_range = TimeRange(_int(sr, "start", sr_where, -_MAX_INT), _int(sr, "duration", sr_where, -_MAX_INT))
    clip = Clip(
        id=_str(d, "id", where),
        name=_str(d, "name", where),
        position=_int(d, "position", where, -_MAX_INT),
        source_range=source_range,
        asset_id=_str(d, "asset", where, optional=True),
    )
    if d.get("title") is not None:
        t = _obj(d["title"], f"{where}.title", "Title", ("text",), ("font_size", "color", "position", "background"))
        tw = f"{where}.title"
        clip.title = Title(
            text=_str(t, "text", tw),
            font_size=_int(t, "font_size", tw) if "font_size" in t else 64,
            color=_str(t, "color", tw) if "color" in t else "#ffffff",
            position=_str(t, "position", tw) if "position" in t else "center",
            background=_str(t, "background", tw, optional=True),
        )
    if d.get("recipe") is not None:
        clip.recipe = _read_recipe(d["recipe"], f"{where}.recipe")
    for i, t in enumerate(_list(d, "takes", where) if "takes" in d else []):
        tw = f"{where}.takes[{i}]"
        t = _obj(t, tw, "Take", ("asset",), ("recipe", "name"))
        clip.takes.append(
            Take(
                asset_id=_str(t, "asset", tw, optional=True),
                recipe=_read_recipe(t["recipe"], f"{tw}.recipe") if t.get("recipe") else None,
                name=_str(t, "name", tw) if "name" in t else "",
            )
        )
        if clip.takes[-1].asset_id is None and clip.takes[-1].recipe is None:
            raise _Fail(tw, "a take needs an asset or a recipe")
    for name, keys in (_dict(d, "keyframes", where) if "keyframes" in d else {}).items():
        kw = f"{where}.keyframes.{name}"
        if not isinstance(keys, list):
            raise _Fail(kw, "must be a list of keyframes")
        clip.keyframes[name] = []
        for i, k in enumerate(keys):
            if not isinstance(k, dict) or set(k) - {"frame", "value", "curve"} or "frame" not in k or "value" not in k:
                raise _Fail(f"{kw}[{i}]", 'must look like {"frame": 12, "value": 0.5, "curve": "linear"}')
            clip.keyframes[name].append(
                Keyframe(
                    _int(k, "frame", f"{kw}[{i}]", -_MAX_INT),
                    _num(k, "value", f"{kw}[{i}]"),
                    _str(k, "curve", f"{kw}[{i}]") if "curve" in k else "linear",
                )
            )
    if "transform" in d:
        t = _obj(d["transform"], f"{where}.transform", "Transform", ("x", "y", "scale"))
        tw = f"{where}.transform"
        clip.transform = Transform(x=_num(t, "x", tw), y=_num(t, "y", tw), scale=_num(t, "scale", tw))
    for key in ("enabled", "reverse"):
        if key in d:
            setattr(clip, key, _bool(d, key, where))
    for key in ("opacity", "gain_db", "pan", "speed"):
        if key in d:
            setattr(clip, key, _num(d, key, where))
    for key in ("video_fade_in", "video_fade_out", "audio_fade_in", "audio_fade_out"):
        if key in d:
            setattr(clip, key, _int(d, key, where, -_MAX_INT))
    if "fit" in d:
        clip.fit = _str(d, "fit", where)
    clip.speed = float(clip.speed)  # "speed": 2 reads as 2.0, so a re-save writes the same bytes
    return clip


def _read_track(d: Any, where: str) -> Track:
    d = _obj(
        d,
        where,
        "Track",
        ("id", "kind", "name", "clips"),
        ("muted", "solo", "locked", "height", "duck_under", "duck_db", "transitions"),
    )
    kind = _str(d, "kind", where)
    if kind not in ("video", "audio"):
        raise _Fail(f"{where}.kind", f"must be video or audio, got {kind!r}")
    track = Track(
        id=_str(d, "id", where),
        kind=kind,
        name=_str(d, "name", where),  # type: ignore[arg-type]
        clips=[_read_clip(c, f"{where}.clips[{i}]") for i, c in enumerate(_list(d, "clips", where))],
    )
    for key in ("muted", "solo", "locked"):
        if key in d:
            setattr(track, key, _bool(d, key, where))
    if "height" in d:
        track.height = _int(d, "height", where, 20, 400)
    if "duck_under" in d:
        track.duck_under = _str(d, "duck_under", where)
        track.duck_db = _num(d, "duck_db", where) if "duck_db" in d else track.duck_db
        if not -60 <= track.duck_db <= 0:
            raise _Fail(f"{where}.duck_db", f"must be between -60 and 0 dB, got {track.duck_db:g}")
    for i, t in enumerate(_list(d, "transitions", where) if "transitions" in d else []):
        tw = f"{where}.transitions[{i}]"
        t = _obj(t, tw, "Transition", ("id", "kind", "duration", "from_clip", "to_clip"))
        track.transitions.append(
            Transition(
                id=_str(t, "id", tw),
                kind=_str(t, "kind", tw),
                duration=_int(t, "duration", tw, -_MAX_INT),
                from_clip=_str(t, "from_clip", tw),
                to_clip=_str(t, "to_clip", tw),
            )
        )
    return track


def _read_timeline(d: Any, where: str, assets: dict[str, Asset]) -> Timeline:
    d = _obj(d, where, "Timeline", ("id", "name", "rate", "tracks"), ("width", "height", "sample_rate", "markers"))
    rate = _fraction(d, "rate", where, positive=True)
    assert rate is not None
    if rate > 1000:
        raise _Fail(f"{where}.rate", f"must be at most 1000 frames per second, got {d['rate']!r}")
    tl = Timeline(
        id=_str(d, "id", where),
        name=_str(d, "name", where),
        rate=rate,
        tracks=[_read_track(t, f"{where}.tracks[{i}]") for i, t in enumerate(_list(d, "tracks", where))],
    )
    if "width" in d:
        tl.width = _int(d, "width", where, 16, 16384)
    if "height" in d:
        tl.height = _int(d, "height", where, 16, 16384)
    if "sample_rate" in d:
        tl.sample_rate = _int(d, "sample_rate", where, 8000, 384_000)
    for i, m in enumerate(_list(d, "markers", where) if "markers" in d else []):
        mw = f"{where}.markers[{i}]"
        m = _obj(m, mw, "Marker", ("id", "frame"), ("name", "color"))
        marker = Marker(
            id=_str(m, "id", mw),
            frame=_int(m, "frame", mw, -_MAX_INT),
            name=_str(m, "name", mw) if "name" in m else "",
            color=_str(m, "color", mw) if "color" in m else "#ffcc00",
        )
        problem = marker_problem(marker)
        if problem:
            raise _Fail(f"{mw}.{problem[0]}", problem[1])
        tl.markers.append(marker)
    for ti, track in enumerate(tl.tracks):
        for ci, clip in enumerate(track.clips):
            problem = clip_problem(clip, track.kind, assets, tl.rate)
            if problem:
                raise _Fail(f"{where}.tracks[{ti}].clips[{ci}].{problem[0]}", problem[1])
        problem = overlap_problem(track)
        if problem:
            raise _Fail(f"{where}.tracks[{ti}].{problem[0]}", problem[1])
        track.clips.sort(key=lambda c: c.position)
        if track.duck_under is not None:
            keys = [t for t in tl.tracks if t.id == track.duck_under and t.kind == "audio" and t is not track]
            if track.kind != "audio" or not keys:
                raise _Fail(f"{where}.tracks[{ti}].duck_under", "must name another audio track of this timeline")
    tl.markers.sort(key=lambda m: (m.frame, m.id))
    return tl


def _check_unique_ids(project: Project) -> None:
    seen: dict[str, str] = {}
    items: list[tuple[str, str]] = [(a.id, f"assets[{i}]") for i, a in enumerate(project.assets.values())]
    for ti, tl in enumerate(project.timelines):
        items.append((tl.id, f"timelines[{ti}]"))
        items += [(m.id, f"timelines[{ti}].markers[{mi}]") for mi, m in enumerate(tl.markers)]
        for ki, t in enumerate(tl.tracks):
            items.append((t.id, f"timelines[{ti}].tracks[{ki}]"))
            items += [(c.id, f"timelines[{ti}].tracks[{ki}].clips[{ci}]") for ci, c in enumerate(t.clips)]
            items += [(x.id, f"timelines[{ti}].tracks[{ki}].transitions[{xi}]") for xi, x in enumerate(t.transitions)]
    for obj_id, where in items:
        if not obj_id:
            raise _Fail(f"{where}.id", "must not be empty")
        if obj_id in seen:
            raise _Fail(f"{where}.id", f"{obj_id!r} is already used by {seen[obj_id]}")
        seen[obj_id] = where


def project_from_dict(d: Any, source: str = "project.json", *, upgrade: bool = True) -> Project:
    """Validate and build a Project from JSON data (any schema version this build knows).

    ``upgrade=False`` skips the upgrade walk for data known to be in the current schema (just written).
    """
    try:
        if upgrade:
            d = upgrade_tree(d)
        d = _obj(d, "project", "Project", ("name", "timelines"), ("assets", "settings"))
        assets: dict[str, Asset] = {}
        for i, a in enumerate(_list(d, "assets", "project") if "assets" in d else []):
            asset = _read_asset(a, f"assets[{i}]")
            if asset.id in assets:
                raise _Fail(f"assets[{i}].id", f"{asset.id!r} is used twice")
            assets[asset.id] = asset
        for i, asset in enumerate(assets.values()):
            for role, other in asset.related.items():
                if other not in assets:
                    raise _Fail(f"assets[{i}].related.{role}", f"unknown asset {other!r}")
        timelines = [_read_timeline(t, f"timelines[{i}]", assets) for i, t in enumerate(_list(d, "timelines", ""))]
        if not timelines:
            raise _Fail("timelines", "a project needs at least one timeline")
        project = Project(
            name=_str(d, "name", "project"),
            timelines=timelines,
            assets=assets,
            settings=_dict(d, "settings", "project", optional=True) or {},
        )
        _check_unique_ids(project)
        for ti, tl in enumerate(project.timelines):  # after the ids: a transition names its clips by id
            for ki, track in enumerate(tl.tracks):
                problem = transitions_problem(track)
                if problem:
                    raise _Fail(f"timelines[{ti}].tracks[{ki}].{problem[0]}", problem[1])
        return project
    except _Fail as exc:
        raise ProjectError(f"{source}: {str(exc).lstrip('.')}") from None
    except ProjectError as exc:
        raise ProjectError(f"{source}: {exc}") from None
    except RecursionError:
        raise ProjectError(f"{source}: nested too deeply to be a project") from None


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number a project may hold")


def parse_project_json(data: bytes, source: str = "project.json") -> Project:
    """Decode, parse and validate the bytes of a project.json."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProjectError(f"{source}: not UTF-8 text (byte {exc.start}); the file is corrupt") from None
    if not text.strip():
        raise ProjectError(f"{source}: the file is empty")
    try:
        raw = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise ProjectError(
            f"{source}: not valid JSON at line {exc.lineno} column {exc.colno} ({exc.msg}); "
            "the file is truncated or corrupt"
        ) from None
    except ValueError as exc:
        raise ProjectError(f"{source}: {exc}") from None
    except RecursionError:
        raise ProjectError(f"{source}: nested too deeply to be a project") from None
    return project_from_dict(raw, source)
