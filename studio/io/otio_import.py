"""An OpenTimelineIO timeline as a Studio timeline: Studio's own exports exactly, other editors' files as well
as Studio can show them.

A file Studio wrote carries every clip's exact track, position, range and properties in ``metadata["studio"]``.
A file another editor wrote is read from its structure: a dissolve (or wipe) between two clips becomes a Studio
transition object at that cut on the same track, lasting ``in_offset + out_offset`` frames (centred on the cut,
as Studio's transitions are; an off-centre one is said to move), a dissolve from or to a gap becomes a fade; clip, track and
timeline markers become timeline markers at the frame they mark (a timeline starting at 01:00:00:00
included); what Studio cannot show (speed changes, other effects, nested stacks) is reported, never dropped
silently.
"""

from __future__ import annotations

import bisect
import hashlib
from fractions import Fraction
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

from studio.io.errors import ProjectError
from studio.io.media import import_media, slugify
from studio.io.otio_text import OTIO_COLORS, RECIPE_KIND, TITLE_KIND, plain, studio_meta
from studio.io.paths import MEDIA_DIR
from studio.model.checks import TRANSITION_KINDS, clip_problem, is_color, transition_room, transitions_problem
from studio.model.entities import (
    SPEED_RANGE,
    Asset,
    Clip,
    Marker,
    Project,
    Recipe,
    Timeline,
    Title,
    Track,
    Transform,
    Transition,
    new_id,
)
from studio.model.time import TimeRange

CLIP_FIELDS = ("opacity", "gain_db", "pan", "fit", "video_fade_in", "video_fade_out", "audio_fade_in", "audio_fade_out")


def import_rate(otio: Any, timeline: Any, meta: dict) -> Fraction:
    """The frame rate Studio's metadata names, else the first clip's, else 24."""
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


def fresh_id(wanted: Any, prefix: str, used: set[str]) -> str:
    out = wanted if isinstance(wanted, str) and wanted and wanted not in used else new_id(prefix)
    used.add(out)
    return out


class TimelineReader:
    """Fills ``project``'s main timeline from an OTIO timeline; media found on disk is copied into
    ``project_dir``; each thing that could not be kept adds a line to ``notes``."""

    def __init__(self, otio: Any, media_root: Path, project_dir: Path, project: Project, notes: list[str]):
        self.otio, self.media_root, self.project_dir, self.project = otio, media_root, project_dir, project
        self.notes = notes
        self.tl: Timeline = project.timeline
        self.used: set[str] = set()
        self.missing: list[str] = []  # URLs of media that could not be found

    def frames(self, value: Any) -> int:
        return round(value.rescaled_to(float(self.tl.rate)).value)

    # ------------------------------------------------------------------ timeline
    def read(self, obj: Any, meta: dict) -> None:
        otio, tl = self.otio, self.tl
        tl.name = _text(meta.get("name"), obj.name or tl.name)
        tl.tracks = []
        tl.id = fresh_id(meta.get("id"), "timeline", self.used)
        if meta.get("sample_rate") in (44100, 48000, 96000):
            tl.sample_rate = meta["sample_rate"]
        if isinstance(meta.get("settings"), dict):
            self.project.settings = meta["settings"]
        for index, ot in enumerate(obj.tracks):
            if not isinstance(ot, otio.schema.Track):
                self.notes.append(f"track {index + 1}: a nested {type(ot).__name__} is not supported; skipped")
                continue
            self.lane(ot)
        ids = {t.id for t in tl.tracks}
        for track in tl.tracks:  # ducking may name a track that did not come along
            if track.duck_under is not None and track.duck_under not in ids:
                self.notes.append(f"track {track.name!r}: ducks under a track that is not in the file; ducking off")
                track.duck_under = None
        for entry in meta.get("bin") or []:
            if isinstance(entry, dict):
                self.bin_asset(entry)
        start = self.frames(obj.global_start_time) if obj.global_start_time is not None else 0
        for om in list(obj.tracks.markers):
            frame = self.frames(om.marked_range.start_time)
            if start and frame >= start and frame > tl.duration:  # written in timecode, not from the timeline's start
                frame -= start
            self.marker(om, frame)
        tl.markers.sort(key=lambda m: (m.frame, m.id))

    def marker(self, om: Any, frame: int) -> None:
        mm = studio_meta(om)
        color = str(mm["color"]) if is_color(mm.get("color")) else OTIO_COLORS.get(str(om.color).upper(), "#ffcc00")
        name = _text(mm.get("name"), om.name or "")
        self.tl.markers.append(
            Marker(id=fresh_id(mm.get("id"), "marker", self.used), frame=max(frame, 0), name=name, color=color)
        )

    # ------------------------------------------------------------------ tracks
    def lane(self, ot: Any) -> None:
        """One OTIO track: one Studio track, or two when Studio wrote a crossfade pair or the file has dissolves."""
        otio = self.otio
        kind = "audio" if ot.kind == otio.schema.TrackKind.Audio else "video"
        lm = studio_meta(ot)
        metas: list[Any] = lm["tracks"] if isinstance(lm.get("tracks"), list) else [lm]  # older files: its own
        tracks = [
            self.track(m if isinstance(m, dict) else {}, kind, ot.name if i == 0 else None)
            for i, m in enumerate(metas[:2])
        ]
        self.tl.tracks.extend(tracks)
        by_id = {t.id: t for t in tracks}
        wanted_id = {i: m.get("id") for i, m in enumerate(metas[:2]) if isinstance(m, dict)}
        entries: list[tuple[str, Any, int, int]] = []  # ("clip"|"gap"|"transition", object, lane start, end)
        cursor = 0
        effects: list[tuple[Any, tuple[Clip, dict]]] = []
        for item in ot:
            if isinstance(item, otio.schema.Transition):
                entries.append(("transition", item, cursor, cursor))
                continue
            duration = self.frames(item.duration())
            if isinstance(item, otio.schema.Clip):
                clip = self.clip(item, cursor, tracks[0])
                entries.append(("clip" if clip is not None else "gap", clip, cursor, cursor + duration))
                if clip is not None:
                    effects.append((item, clip))  # retimed once dissolves have set its length
                    for om in item.markers:  # media time -> timeline frame
                        src_start = (
                            item.source_range.start_time if item.source_range else item.trimmed_range().start_time
                        )
                        self.marker(om, cursor + self.frames(om.marked_range.start_time - src_start))
            else:
                if not isinstance(item, otio.schema.Gap):
                    self.notes.append(
                        f"track {tracks[0].name!r}: a nested {type(item).__name__} at frame {cursor} is left as a gap"
                    )
                entries.append(("gap", None, cursor, cursor + duration))
            cursor += duration
        for om in ot.markers:
            self.marker(om, self.frames(om.marked_range.start_time))
        exact = all(e[1] is None or "position" in e[1][1] for e in entries if e[0] == "clip")
        placed: list[tuple[Clip, Track]] = []
        pending: list[tuple[Clip, Clip, str, int, str | None]] = []  # transition objects: out, in, kind, frames, id
        if exact:
            for e in entries:
                if e[0] == "clip":
                    clip, meta = e[1]
                    home = by_id.get(_original_track(meta, wanted_id, tracks), tracks[0])
                    placed.append((clip, home))
            pending = self.studio_transitions(entries)
        else:
            placed, pending = self.foreign_transitions(entries, tracks)
        for item, clip in effects:
            self.speed_and_effects(item, clip)
        for placed_clip, track in placed:
            self.keep(placed_clip, track)
        homes = {clip.id: track for clip, track in placed}
        for out_clip, in_clip, kind, frames, wanted in pending:
            self.add_transition(homes, out_clip, in_clip, kind, frames, wanted)

    def studio_transitions(self, entries: list) -> list[tuple[Clip, Clip, str, int, str | None]]:
        """The transition objects of a file Studio wrote: each OTIO transition that carries Studio's kind."""
        out = []
        for index, (what, obj, _start, _end) in enumerate(entries):
            meta = studio_meta(obj) if what == "transition" else {}
            if not isinstance(meta.get("kind"), str) or not 0 < index < len(entries) - 1:
                continue
            prev, nxt = entries[index - 1], entries[index + 1]
            if prev[0] == "clip" and nxt[0] == "clip":
                frames = meta.get("duration")
                if not isinstance(frames, int) or isinstance(frames, bool):
                    frames = self.frames(obj.in_offset) + self.frames(obj.out_offset)
                out.append((prev[1][0], nxt[1][0], meta["kind"], frames, meta.get("transition")))
        return out

    def add_transition(
        self, homes: dict[str, Track], out_clip: Clip, in_clip: Clip, kind: str, frames: int, wanted: Any
    ) -> None:
        """A transition object between two kept clips of one track, if it is valid there (else a note)."""
        track = homes.get(out_clip.id)
        where = f"transition at frame {out_clip.end}"
        if (
            track is None
            or homes.get(in_clip.id) is not track
            or out_clip not in track.clips
            or in_clip not in track.clips
        ):
            self.notes.append(f"{where}: its clips did not both come in on one track; left out")
            return
        if kind not in TRANSITION_KINDS or (track.kind == "audio" and kind != "dissolve"):
            kind = "dissolve"
        room = transition_room(track, out_clip, in_clip)
        if 0 < room < frames:
            self.notes.append(f"{where}: {frames} frames is longer than its clips allow; shortened to {room}")
            frames = room
        transition = Transition(fresh_id(wanted, "transition", self.used), kind, frames, out_clip.id, in_clip.id)
        track.transitions.append(transition)
        problem = transitions_problem(track)
        if problem:
            track.transitions.remove(transition)
            self.notes.append(f"{where}: {problem[1]}; left out")

    def track(self, tm: dict, kind: str, otio_name: str | None) -> Track:
        name = _text(tm.get("name"), otio_name or kind[0].upper())
        track = Track(
            id=fresh_id(tm.get("id"), "track", self.used), kind="audio" if kind == "audio" else "video", name=name
        )
        for key in ("muted", "solo", "locked"):
            if isinstance(tm.get(key), bool):
                setattr(track, key, tm[key])
        if isinstance(tm.get("height"), int) and 20 <= tm["height"] <= 400:
            track.height = tm["height"]
        if isinstance(tm.get("duck_under"), str):
            track.duck_under = tm["duck_under"]
        if (
            isinstance(tm.get("duck_db"), (int, float))
            and not isinstance(tm.get("duck_db"), bool)
            and -60 <= tm["duck_db"] <= 0
        ):
            track.duck_db = float(tm["duck_db"])
        return track

    def foreign_transitions(
        self, entries: list, tracks: list[Track]
    ) -> tuple[list[tuple[Clip, Track]], list[tuple[Clip, Clip, str, int, str | None]]]:
        """Dissolves from another editor: transitions between two clips on the track, fades from/to gaps."""
        kind = tracks[0].kind
        pending: list[tuple[Clip, Clip, str, int, str | None]] = []
        for index, (what, obj, _start, _end) in enumerate(entries):
            if what != "transition":
                continue
            t = obj
            before = self.frames(t.in_offset)
            after = self.frames(t.out_offset)
            prev = entries[index - 1] if index else None
            nxt = entries[index + 1] if index + 1 < len(entries) else None
            out_clip = prev[1][0] if prev is not None and prev[0] == "clip" else None
            in_clip = nxt[1][0] if nxt is not None and nxt[0] == "clip" else None
            wipe = t.transition_type == "SMPTE_Wipe" and kind == "video" and out_clip and in_clip
            if t.transition_type != "SMPTE_Dissolve" and not wipe:
                self.notes.append(
                    f"track {tracks[0].name!r}: transition {t.transition_type!r} at frame {_start} "
                    "is imported as a dissolve"
                )
            if out_clip is not None and in_clip is not None:
                if before != after and abs(before - after) > 1:
                    self.notes.append(
                        f"track {tracks[0].name!r}: the transition at frame {_start} ran {before} frames before the cut "
                        f"and {after} after; Studio centres it on the cut"
                    )
                pending.append((out_clip, in_clip, "wipe" if wipe else "dissolve", before + after, None))
            elif in_clip is not None:
                length = self.extend_head(in_clip, before) + after
                _set_fade(in_clip, kind, "in", length)
            elif out_clip is not None:
                length = before + self.extend_tail(out_clip, after)
                _set_fade(out_clip, kind, "out", length)
        return [(e[1][0], tracks[0]) for e in entries if e[0] == "clip"], pending

    def extend_head(self, clip: Clip, frames: int) -> int:
        """Start ``clip`` up to ``frames`` earlier (as far as its media and the timeline's start allow)."""
        frames = max(0, min(frames, clip.source_range.start, clip.position))
        clip.position -= frames
        clip.source_range = TimeRange(clip.source_range.start - frames, clip.source_range.duration + frames)
        return frames

    def extend_tail(self, clip: Clip, frames: int) -> int:
        """End ``clip`` up to ``frames`` later (as far as its media allows)."""
        asset = self.project.assets.get(clip.asset_id) if clip.asset_id else None
        length = asset.duration_frames(self.tl.rate) if asset is not None else None
        if length is not None:
            frames = max(0, min(frames, length - clip.source_range.start - clip.source_range.duration))
        clip.source_range = TimeRange(clip.source_range.start, clip.source_range.duration + frames)
        return frames

    def keep(self, clip: Clip, track: Track) -> None:
        """Check the clip on its track (shorten it to its media when the file asked for more) and add it."""
        where = f"clip {clip.name or clip.id!r} at frame {clip.position}"
        problem = clip_problem(clip, track.kind, self.project.assets, self.tl.rate)
        if problem and problem[0] == "source_range" and "past the end" in problem[1] and clip.asset_id:
            length = self.project.assets[clip.asset_id].duration_frames(self.tl.rate) or 0
            if length > clip.source_range.start:
                self.notes.append(f"{where}: {problem[1]}; shortened to fit")
                clip.source_range = TimeRange(clip.source_range.start, length - clip.source_range.start)
                for name in CLIP_FIELDS[4:]:
                    setattr(clip, name, min(getattr(clip, name), clip.duration))
                problem = clip_problem(clip, track.kind, self.project.assets, self.tl.rate)
        at = bisect.bisect_right(track.clips, clip.position, key=lambda c: c.position)  # clips stay sorted
        if problem is None and (
            (at and track.clips[at - 1].end > clip.position)
            or (at < len(track.clips) and track.clips[at].position < clip.end)
        ):
            problem = ("position", "overlaps another clip on its track")
        if problem:
            self.notes.append(f"{where}: {problem[0]} {problem[1]}; left as a gap")
            return
        track.clips.insert(at, clip)

    # ------------------------------------------------------------------ clips
    def clip(self, oc: Any, position: int, track: Track) -> tuple[Clip, dict] | None:
        otio = self.otio
        meta = studio_meta(oc)
        sr = oc.source_range or oc.trimmed_range()
        start, duration = self.frames(sr.start_time), self.frames(sr.duration)
        name = _text(meta.get("name"), oc.name or "")
        clip = Clip(
            id=fresh_id(meta.get("id"), "clip", self.used),
            name=name,
            position=position,
            source_range=TimeRange(start, duration),
            enabled=bool(oc.enabled),
        )
        ref = oc.media_reference
        where = f"clip {clip.name or clip.id!r} at frame {position}"
        generated = isinstance(ref, otio.schema.GeneratorReference) and ref.generator_kind != RECIPE_KIND
        if generated and (ref.generator_kind == TITLE_KIND or _fcp_text(ref)):
            p = meta["title"] if isinstance(meta.get("title"), dict) else plain(ref.parameters)
            if not p.get("text"):  # an FCP 7 XML text generator (ours read back, or an editor's)
                p = {**p, **(_fcp_text(ref) or {})}
            clip.title = Title(
                text=str(p.get("text", "")),
                font_size=p.get("font_size", 64),
                color=p.get("color", "#ffffff"),
                position=p.get("position", "center"),
                background=p.get("background"),
            )
        elif isinstance(ref, otio.schema.GeneratorReference) and ref.generator_kind == RECIPE_KIND:
            p = plain(ref.parameters)
            if not isinstance(p.get("kind"), str) or not isinstance(p.get("request"), dict):
                self.notes.append(f"{where}: the file format kept no generation request for this recipe; left as a gap")
                return None
            clip.recipe = _recipe(p)
        elif isinstance(ref, otio.schema.ExternalReference):
            if ref.available_range is not None:  # source times count from the file's first frame
                clip.source_range = TimeRange(start - self.frames(ref.available_range.start_time), duration)
            clip.asset_id = self.reference(ref, track.kind, where).id
        else:
            kind = ref.generator_kind if isinstance(ref, otio.schema.GeneratorReference) else type(ref).__name__
            self.notes.append(f"{where}: {kind} media cannot be imported; left as a gap")
            return None
        _apply_clip_metadata(clip, meta)
        if isinstance(meta.get("position"), int) and isinstance(meta.get("source_range"), dict):
            sr_meta = meta["source_range"]
            if isinstance(sr_meta.get("start"), int) and isinstance(sr_meta.get("duration"), int):
                clip.position = meta["position"]
                clip.source_range = TimeRange(sr_meta["start"], sr_meta["duration"])
        return clip, meta

    def speed_and_effects(self, oc: Any, clip: tuple[Clip, dict]) -> None:
        """A LinearTimeWarp becomes the clip's speed (negative: reverse); say what happens to effects Studio has no
        place for (freeze frames, speeds outside 0.25x-4x, other effects)."""
        otio = self.otio
        where = f"clip {clip[0].name or clip[0].id!r}"
        for effect in oc.effects:
            if isinstance(effect, otio.schema.FreezeFrame):
                self.notes.append(f"{where}: a freeze frame (speed 0) is below 0.25x; it plays at normal speed")
            elif isinstance(effect, otio.schema.LinearTimeWarp):
                scalar = effect.time_scalar
                if scalar != 1 and SPEED_RANGE[0] <= abs(scalar) <= SPEED_RANGE[1]:
                    self.retime(clip[0], clip[1], abs(scalar), scalar < 0)
                elif scalar != 1:
                    self.notes.append(
                        f"{where}: speed {scalar:g}x is outside {SPEED_RANGE[0]:g}x to {SPEED_RANGE[1]:g}x; "
                        "it plays at 1x for the same length"
                    )
            else:
                self.notes.append(f"{where}: effect {effect.effect_name or effect.name!r} is not supported; dropped")

    def retime(self, clip: Clip, meta: dict, speed: float, reverse: bool) -> None:
        """Play ``clip`` at ``speed``. Studio's own files carry the exact source range; another tool's range starts
        at the first frame shown and lasts the clip's time on the track, so the source it plays is worked out."""
        length = clip.duration
        clip.speed, clip.reverse = speed, reverse
        if isinstance(meta.get("source_range"), dict):
            return
        first, want = clip.source_range.start, round(length * speed)
        for frames in sorted(range(max(1, want - 4), want + 5), key=lambda n: abs(n - want)):
            clip.source_range = TimeRange(max(0, first - frames + 1) if reverse else first, frames)
            if clip.duration == length:
                return

    # ------------------------------------------------------------------ media
    def url_to_path(self, url: str) -> Path:
        parsed = urlparse(url)
        if parsed.scheme == "file":
            return Path(url2pathname(unquote(parsed.path)))
        if parsed.scheme and len(parsed.scheme) > 1:
            return Path("/nonexistent-remote") / slugify(url)
        path = Path(unquote(url))
        return path if path.is_absolute() else self.media_root / path

    def reference(self, ref: Any, track_kind: str, where: str) -> Asset:
        meta = studio_meta(ref)
        url = ref.target_url or ""
        length = None
        if ref.available_range is not None:
            rate = Fraction(ref.available_range.duration.rate).limit_denominator(1001)
            length = Fraction(round(ref.available_range.duration.value)) / rate
        return self.asset(url, meta, ref.name, track_kind, where, length)

    def bin_asset(self, meta: dict) -> Asset | None:
        url = meta.get("url")
        if not isinstance(url, str):
            return None
        return self.asset(url, meta, None, _text(meta.get("kind"), "other"), f"media {meta.get('name', url)!r}", None)

    def asset(
        self, url: str, meta: dict, ref_name: str | None, track_kind: str, where: str, length: Fraction | None
    ) -> Asset:
        name = str(meta.get("name") or ref_name or Path(unquote(urlparse(url).path)).stem or "media")
        path = self.url_to_path(url)
        provenance = meta.get("provenance") if isinstance(meta.get("provenance"), dict) else None
        asset = None
        if path.is_file():
            try:
                kind = "other" if meta.get("kind") not in (None, *Asset.MEDIA_KINDS, "mesh") else None
                asset = import_media(self.project_dir, self.project, path, name=name, provenance=provenance, kind=kind)
            except ProjectError as exc:
                self.notes.append(f"{where}: {exc}; kept as missing media")
        else:
            self.notes.append(f"{where}: media {url!r} not found; kept as missing media")
        if asset is None:
            asset = self.missing_asset(url, name, meta, track_kind, provenance, length)
        if isinstance(meta.get("source_url"), str) and asset.source_url is None:
            asset.source_url = meta["source_url"]
        for role, other in (meta.get("related") or {}).items():
            if isinstance(other, dict) and isinstance(role, str):
                sidecar = self.bin_asset(other)
                if sidecar is not None:
                    asset.related[role] = sidecar.id
        return asset

    def missing_asset(
        self, url: str, name: str, meta: dict, track_kind: str, provenance: dict | None, length: Fraction | None
    ) -> Asset:
        if url not in self.missing:
            self.missing.append(url)
        asset_id = "asset_missing_" + hashlib.sha256(url.encode()).hexdigest()[:10]
        if asset_id not in self.project.assets:
            suffix = "".join(ch for ch in Path(urlparse(url).path).suffix.lower() if ch.isalnum() or ch == ".")[:9]
            kind = str(meta["kind"]) if meta.get("kind") in ("video", "audio", "image") else track_kind
            self.project.assets[asset_id] = Asset(
                id=asset_id,
                name=name,
                path=f"{MEDIA_DIR}/{slugify(name)}{suffix}",
                kind=kind,
                duration_seconds=length,
                has_audio=track_kind == "audio",
                provenance=provenance,
                source_url=url,
            )
        return self.project.assets[asset_id]


def _original_track(meta: dict, wanted_id: dict[int, Any], tracks: list[Track]) -> str:
    """The id of the Studio track a clip came from (ids may have been renamed on a clash)."""
    for index, wanted in wanted_id.items():
        if meta.get("track") == wanted and index < len(tracks):
            return tracks[index].id
    return tracks[0].id


def _fcp_text(ref: Any) -> dict[str, Any] | None:
    """The text (and size) of an FCP 7 XML text generator, as the fcp_xml adapter reads it into metadata."""
    fcp = plain(ref.metadata.get("fcp_xml", {}) or {})
    params = fcp.get("parameter") if isinstance(fcp, dict) else None
    params = [params] if isinstance(params, dict) else params if isinstance(params, list) else []
    found: dict[str, Any] = {}
    for param in params:
        if isinstance(param, dict) and param.get("parameterid") == "str" and isinstance(param.get("value"), str):
            found["text"] = param["value"]
        elif isinstance(param, dict) and param.get("parameterid") == "fontsize":
            try:
                found["font_size"] = max(8, min(400, round(float(str(param.get("value"))))))
            except ValueError:
                pass
    return found if found.get("text") else None


def _text(value: Any, default: str) -> str:
    return value if isinstance(value, str) else default


def _set_fade(clip: Clip, kind: str, side: str, frames: int) -> None:
    setattr(clip, f"{'video' if kind == 'video' else 'audio'}_fade_{side}", min(frames, clip.duration))


def _recipe(p: dict) -> Recipe:
    engine = p.get("engine") if isinstance(p.get("engine"), str) else None
    return Recipe(
        kind=str(p.get("kind")), engine=engine, request=p["request"] if isinstance(p.get("request"), dict) else {}
    )


def _apply_clip_metadata(clip: Clip, meta: dict) -> None:
    """Studio's own clip properties, each kept only if the clip stays valid with all of them."""
    candidate = Clip(id=clip.id, name=clip.name, position=clip.position, source_range=clip.source_range)
    sr = meta.get("source_range")
    if isinstance(sr, dict) and isinstance(sr.get("start"), int) and isinstance(sr.get("duration"), int):
        candidate.source_range = TimeRange(sr["start"], sr["duration"])
    for key in CLIP_FIELDS:
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
        for key in (*CLIP_FIELDS, "transform"):
            setattr(clip, key, getattr(candidate, key))
