"""Versioned project JSON: writing the current schema and upgrading old ones.

Every object carries a label like ``"schema": "Clip.2"``. Old versions are upgraded by registered
functions (dict in, dict out), one per (type, version), run before the loader validates anything;
a label newer than this build knows is refused, never downgraded.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from studio.io.errors import ProjectError
from studio.model.entities import Asset, Clip, Marker, Project, Recipe, Take, Timeline, Track, Transition

CURRENT: dict[str, int] = {
    "Project": 1,
    "Timeline": 1,
    "Track": 2,
    "Transition": 1,
    "Clip": 4,
    "TimeRange": 1,
    "Title": 1,
    "Recipe": 1,
    "Take": 1,
    "Transform": 1,
    "Marker": 1,
    "Asset": 1,
}
_CURRENT_LABELS = frozenset(f"{name}.{version}" for name, version in CURRENT.items())
FREE_FORM_KEYS = frozenset({"settings", "provenance", "request", "related"})  # user data: never walked
Upgrade = Callable[[dict[str, Any]], dict[str, Any]]
UPGRADES: dict[tuple[str, int], Upgrade] = {}


def upgrade(type_name: str, from_version: int) -> Callable[[Upgrade], Upgrade]:
    """Register ``fn`` as the upgrade of ``type_name`` from ``from_version`` to the next version."""

    def register(fn: Upgrade) -> Upgrade:
        UPGRADES[(type_name, from_version)] = fn
        return fn

    return register


@upgrade("Clip", 1)
def _clip_1_to_2(d: dict[str, Any]) -> dict[str, Any]:
    """Clip.1 had one fade_in/fade_out pair for picture and sound; Clip.2 fades them separately."""
    out = {k: v for k, v in d.items() if k not in ("fade_in", "fade_out")}
    for side in ("in", "out"):
        value = d.get(f"fade_{side}", 0)
        out[f"video_fade_{side}"] = value
        out[f"audio_fade_{side}"] = value
    return out


@upgrade("Clip", 2)
def _clip_2_to_3(d: dict[str, Any]) -> dict[str, Any]:
    """Clip.3 keeps the other versions of its media as takes and its keyframes; an older clip has neither."""
    return {**d, "takes": [], "keyframes": {}}


@upgrade("Clip", 3)
def _clip_3_to_4(d: dict[str, Any]) -> dict[str, Any]:
    """Clip.4 plays its source at a speed, forwards or backwards; every older clip played at 1x, forwards."""
    return {**d, "speed": 1.0, "reverse": False}


@upgrade("Track", 1)
def _track_1_to_2(d: dict[str, Any]) -> dict[str, Any]:
    """Track.2 holds transitions between its clips; an older track has none (its crossfades are overlaps)."""
    return {**d, "transitions": []}


def parse_label(label: Any, where: str) -> tuple[str, int]:
    if not isinstance(label, str) or label.count(".") != 1:
        raise ProjectError(f"{where}: schema label must look like 'Clip.2', got {label!r}")
    type_name, _, version = label.partition(".")
    if type_name not in CURRENT:
        raise ProjectError(f"{where}: unknown object type {type_name!r}")
    if not version.isdigit() or len(version) > 6 or int(version) < 1:
        raise ProjectError(f"{where}: bad schema version in {label!r}")
    n = int(version)
    if n > CURRENT[type_name]:
        raise ProjectError(
            f"{where}: {label} is from a newer Studio (this one reads up to "
            f"{type_name}.{CURRENT[type_name]}); update Studio to open this project"
        )
    return type_name, n


def upgrade_tree(node: Any, where: str = "") -> Any:
    """Upgrade every labelled object under ``node`` to the current schema (parents before children).

    Returns new containers; the input is never modified.
    """
    if isinstance(node, list):
        return [
            upgrade_tree(item, f"{where}[{i}]") if isinstance(item, (dict, list)) else item
            for i, item in enumerate(node)
        ]
    if not isinstance(node, dict):
        return node
    label = node.get("schema")
    if label is not None and not (isinstance(label, str) and label in _CURRENT_LABELS):
        type_name, version = parse_label(node["schema"], where or "project")
        while version < CURRENT[type_name]:
            fn = UPGRADES.get((type_name, version))
            if fn is None:
                raise ProjectError(f"{where or 'project'}: no upgrade from {type_name}.{version}")
            try:
                node = dict(fn(dict(node)))
            except (TypeError, ValueError, KeyError, AttributeError) as exc:
                raise ProjectError(f"{where or 'project'}: cannot upgrade {type_name}.{version} ({exc})") from None
            version += 1
            node["schema"] = f"{type_name}.{version}"
    return {
        k: (
            upgrade_tree(v, f"{where}.{k}" if where else k)
            if isinstance(v, (dict, list)) and k not in FREE_FORM_KEYS
            else v
        )
        for k, v in node.items()
    }


# ----------------------------------------------------------------------------------------------
# writing (always the current schema)

ONE_LINE_TYPES = ("Clip.", "Asset.", "Marker.", "Transition.")


def dumps_project(data: dict[str, Any]) -> str:
    """Indented JSON with each clip, asset and marker on one line: readable, diffable, and fast
    (the one-line parts use the C encoder, which ``indent`` would switch off)."""
    parts: list[str] = []
    _dump(data, 0, parts)
    return "".join(parts) + "\n"


def _dump(node: Any, depth: int, out: list[str]) -> None:
    pad = " " * (depth + 1)
    if isinstance(node, dict) and node and not str(node.get("schema", "")).startswith(ONE_LINE_TYPES):
        out.append("{")
        for i, (key, value) in enumerate(node.items()):
            out.append(("," if i else "") + "\n" + pad + json.dumps(key, ensure_ascii=False) + ": ")
            _dump(value, depth + 1, out)
        out.append("\n" + " " * depth + "}")
    elif isinstance(node, list) and node:
        out.append("[")
        for i, value in enumerate(node):
            out.append(("," if i else "") + "\n" + pad)
            _dump(value, depth + 1, out)
        out.append("\n" + " " * depth + "]")
    else:
        out.append(json.dumps(node, ensure_ascii=False, allow_nan=False, separators=(", ", ": ")))


def _label(type_name: str) -> str:
    return f"{type_name}.{CURRENT[type_name]}"


def fraction_text(value: Fraction | None) -> str | None:
    return None if value is None else str(Fraction(value))


def asset_to_dict(a: Asset) -> dict[str, Any]:
    return {
        "schema": _label("Asset"),
        "id": a.id,
        "name": a.name,
        "path": a.path,
        "kind": a.kind,
        "duration_seconds": fraction_text(a.duration_seconds),
        "width": a.width,
        "height": a.height,
        "frame_rate": fraction_text(a.frame_rate),
        "sample_rate": a.sample_rate,
        "channels": a.channels,
        "has_audio": a.has_audio,
        "provenance": a.provenance,
        "related": dict(a.related),
        "source_url": a.source_url,
    }


def recipe_to_dict(r: Recipe | None) -> dict[str, Any] | None:
    return None if r is None else {"schema": _label("Recipe"), "kind": r.kind, "engine": r.engine, "request": r.request}


def take_to_dict(t: Take) -> dict[str, Any]:
    return {"schema": _label("Take"), "asset": t.asset_id, "recipe": recipe_to_dict(t.recipe), "name": t.name}


def clip_to_dict(c: Clip) -> dict[str, Any]:
    title = (
        None
        if c.title is None
        else {
            "schema": _label("Title"),
            "text": c.title.text,
            "font_size": c.title.font_size,
            "color": c.title.color,
            "position": c.title.position,
            "background": c.title.background,
        }
    )
    recipe = recipe_to_dict(c.recipe)
    return {
        "schema": _label("Clip"),
        "id": c.id,
        "name": c.name,
        "position": c.position,
        "source_range": {
            "schema": _label("TimeRange"),
            "start": c.source_range.start,
            "duration": c.source_range.duration,
        },
        "asset": c.asset_id,
        "title": title,
        "recipe": recipe,
        "enabled": c.enabled,
        "opacity": c.opacity,
        "fit": c.fit,
        "transform": {
            "schema": _label("Transform"),
            "x": c.transform.x,
            "y": c.transform.y,
            "scale": c.transform.scale,
        },
        "video_fade_in": c.video_fade_in,
        "video_fade_out": c.video_fade_out,
        "gain_db": c.gain_db,
        "pan": c.pan,
        "audio_fade_in": c.audio_fade_in,
        "audio_fade_out": c.audio_fade_out,
        "takes": [take_to_dict(t) for t in c.takes],
        "keyframes": {
            name: [{"frame": k.frame, "value": k.value, "curve": k.curve} for k in keys]
            for name, keys in sorted(c.keyframes.items())
        },
        "speed": c.speed,
        "reverse": c.reverse,
    }


def track_to_dict(t: Track) -> dict[str, Any]:
    d = {
        "schema": _label("Track"),
        "id": t.id,
        "kind": t.kind,
        "name": t.name,
        "muted": t.muted,
        "solo": t.solo,
        "locked": t.locked,
        "height": t.height,
        "clips": [clip_to_dict(c) for c in sorted(t.clips, key=lambda c: c.position)],
        "transitions": [transition_to_dict(x) for x in t.transitions],
    }
    if t.duck_under is not None:  # written only when set, so older files stay byte-identical
        d["duck_under"], d["duck_db"] = t.duck_under, t.duck_db
    return d


def transition_to_dict(t: Transition) -> dict[str, Any]:
    return {
        "schema": _label("Transition"),
        "id": t.id,
        "kind": t.kind,
        "duration": t.duration,
        "from_clip": t.from_clip,
        "to_clip": t.to_clip,
    }


def marker_to_dict(m: Marker) -> dict[str, Any]:
    return {"schema": _label("Marker"), "id": m.id, "frame": m.frame, "name": m.name, "color": m.color}


def timeline_to_dict(tl: Timeline) -> dict[str, Any]:
    return {
        "schema": _label("Timeline"),
        "id": tl.id,
        "name": tl.name,
        "rate": fraction_text(tl.rate),
        "width": tl.width,
        "height": tl.height,
        "sample_rate": tl.sample_rate,
        "tracks": [track_to_dict(t) for t in tl.tracks],
        "markers": [marker_to_dict(m) for m in sorted(tl.markers, key=lambda m: (m.frame, m.id))],
    }


def project_to_dict(project: Project) -> dict[str, Any]:
    """The whole project as plain JSON-ready data in the current schema (deterministic key order)."""
    return {
        "schema": _label("Project"),
        "name": project.name,
        "settings": project.settings,
        "assets": [asset_to_dict(a) for a in project.assets.values()],
        "timelines": [timeline_to_dict(tl) for tl in project.timelines],
    }
