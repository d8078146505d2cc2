"""A Studio timeline as an OpenTimelineIO object, in the shape other editors expect.

What has a standard form is written in it: a crossfade (two overlapping clips on neighbouring tracks, the
later one fading in, as ``studio make`` laid them out before transitions were objects) becomes one track with an
``SMPTE_Dissolve`` transition at the cut; a fade from or to an empty stretch becomes a dissolve from or to a
gap; titles, captions and recipes become generator references with an available range (the FCP 7 XML
adapter needs one). Everything Studio knows rides in ``metadata["studio"]`` (exact positions, ranges, fades,
gain, ducking, ids), so reading the file back gives the same project, and a tool that ignores the metadata
still sees the cut, the dissolves and the fades.

Transitions are found in one place, ``lane_plan``: a ``Transition`` object between two clips of one track is
written as an OTIO Transition at its cut with its own in/out offsets (it uses media past the clips' trims, as OTIO
does): ``SMPTE_Dissolve`` for a dissolve (and a crossfade), and for a dip to black the same dissolve (the nearest
standard type), for a wipe ``SMPTE_Wipe`` (what OTIO's EDL reader names a W001 wipe); each carries its kind, id
and duration in ``metadata["studio"]`` so Studio reads it back exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from studio.io.otio_text import RECIPE_KIND, TITLE_KIND, nearest_otio_color, nul_safe, plain_text
from studio.io.paths import resolve_in_project
from studio.model.entities import Clip, Project, Timeline, Track, Transition

DISSOLVE = "SMPTE_Dissolve"
WIPE = "SMPTE_Wipe"
OTIO_TYPES = {"dissolve": DISSOLVE, "dip_to_black": DISSOLVE, "wipe": WIPE}  # the nearest OTIO type of each kind
OTIO_NAMES = {"dissolve": "Cross Dissolve", "dip_to_black": "Dip to Black", "wipe": "Wipe"}


@dataclass
class Dissolve:
    """A standard transition at frame ``cut`` of a lane: ``before`` frames of the incoming side play under
    the outgoing one before the cut (OTIO's in_offset), ``after`` frames after it (out_offset).
    ``outgoing``/``incoming`` None means a gap: a fade from or to black (or silence)."""

    cut: int
    before: int
    after: int
    outgoing: Clip | None
    incoming: Clip | None
    transition: Transition | None = None  # a Studio transition object (else a crossfade or fade)


@dataclass
class Lane:
    """One exported OTIO track: one Studio track, or two whose overlapping clips are crossfades."""

    tracks: list[Track]
    clips: list[Clip] = field(default_factory=list)  # in time order
    shown: dict[str, tuple[int, int]] = field(default_factory=dict)  # clip id -> (lane start, lane end) cut
    dissolves: list[Dissolve] = field(default_factory=list)


def _fades(clip: Clip, kind: str) -> tuple[int, int]:
    return (clip.video_fade_in, clip.video_fade_out) if kind == "video" else (clip.audio_fade_in, clip.audio_fade_out)


def lane_plan(tracks: list[Track]) -> Lane | None:
    """The cut and the transitions of ``tracks`` laid on one OTIO track, or None when they cannot share one.

    Two clips may overlap only as a crossfade: the later one fades in (or the earlier one fades out) over
    exactly the overlap, and no third clip is involved. The cut goes where the outgoing clip ends, the
    incoming clip's first ``overlap`` frames become the transition's in_offset, so no media past a clip's
    own range is needed. A fade with an empty stretch (or the track's start or end) beside it becomes a
    dissolve from or to a gap; any other fade stays in Studio's metadata only.
    """
    kind = tracks[0].kind
    clips = sorted((c for t in tracks for c in t.clips), key=lambda c: (c.position, c.end))
    lane = Lane(tracks=tracks, clips=clips)
    track_of = {c.id: t.id for t in tracks for c in t.clips}
    crossfaded_in: set[str] = set()
    for i, clip in enumerate(clips):
        start = clip.position
        if i:
            prev = clips[i - 1]
            prev_start, prev_end = lane.shown[prev.id]
            overlap = prev_end - clip.position
            if overlap > 0:
                fade_in, _ = _fades(clip, kind)
                _, prev_fade_out = _fades(prev, kind)
                if (
                    track_of[prev.id] == track_of[clip.id]
                    or prev_end != prev.end
                    or clip.position < prev_start
                    or overlap >= clip.duration
                    or overlap not in (fade_in, prev_fade_out)
                ):
                    return None
                lane.dissolves.append(Dissolve(prev_end, overlap, 0, prev, clip))
                crossfaded_in.add(clip.id)
                start = prev_end
        lane.shown[clip.id] = (start, clip.end)
    by_id = {c.id: c for c in clips}
    for track in tracks:
        for t in track.transitions:
            a, b = by_id.get(t.from_clip), by_id.get(t.to_clip)
            if a is not None and b is not None and a.end == b.position:
                lane.dissolves.append(Dissolve(a.end, t.in_offset, t.out_offset, a, b, t))
                crossfaded_in.add(b.id)
    for i, clip in enumerate(clips):
        start, end = lane.shown[clip.id]
        fade_in, fade_out = _fades(clip, kind)
        gap_before = i == 0 or lane.shown[clips[i - 1].id][1] < start
        gap_after = i == len(clips) - 1 or clips[i + 1].position > end
        fits = fade_in * (clip.id not in crossfaded_in) + fade_out <= end - start
        if fade_in and gap_before and clip.id not in crossfaded_in and fits:
            lane.dissolves.append(Dissolve(start, 0, fade_in, None, clip))
        if fade_out and gap_after and fits:
            lane.dissolves.append(Dissolve(end, fade_out, 0, clip, None))
    lane.dissolves.sort(key=lambda d: (d.cut, d.incoming is not None))
    return lane


def lanes_of(timeline: Timeline) -> list[Lane]:
    """Tracks paired into crossfade lanes where two neighbouring tracks of a kind hold overlapping clips."""
    lanes: list[Lane] = []
    i = 0
    tracks = timeline.tracks
    while i < len(tracks):
        track = tracks[i]
        pairable = not track.transitions and i + 1 < len(tracks) and not tracks[i + 1].transitions
        if pairable and tracks[i + 1].kind == track.kind and _overlaps_between(track, tracks[i + 1]):
            pair = lane_plan([track, tracks[i + 1]])
            if pair is not None:
                lanes.append(pair)
                i += 2
                continue
        single = lane_plan([track])
        lanes.append(
            single
            if single is not None
            else Lane(
                [track], sorted(track.clips, key=lambda c: c.position), {c.id: (c.position, c.end) for c in track.clips}
            )
        )
        i += 1
    return lanes


def _overlaps_between(a: Track, b: Track) -> bool:
    """Whether any clip of ``a`` overlaps one of ``b`` (a sweep over both, by start: O(n log n))."""
    edges = sorted([(c.position, c.end, 0) for c in a.clips] + [(c.position, c.end, 1) for c in b.clips])
    reach = [-1, -1]  # the furthest end seen so far on each track
    for start, end, side in edges:
        if start < reach[1 - side]:
            return True
        reach[side] = max(reach[side], end)
    return False


class TimelineWriter:
    """Builds the OTIO timeline for one Studio timeline (``media_url`` turns a media file into its URL)."""

    def __init__(
        self,
        otio: Any,
        project: Project,
        project_dir: str | Path,
        timeline: Timeline,
        relative_to: Path | None = None,
        bundle: bool = False,
    ):
        self.otio, self.project, self.project_dir, self.tl = otio, project, Path(project_dir), timeline
        self.relative_to = relative_to
        self.bundle = bundle  # media in metadata (sidecars, bin) goes into the bundle's media/ folder too
        self.bundle_extras: dict[str, Path] = {}  # bundle name -> file, for the bundle writer to add
        self.rate = float(timeline.rate)
        self.used_assets: set[str] = set()

    def rt(self, frames: int) -> Any:
        return self.otio.opentime.RationalTime(frames, self.rate)

    def range(self, start: int, duration: int) -> Any:
        return self.otio.opentime.TimeRange(self.rt(start), self.rt(duration))

    def media_url(self, rel: str) -> str:
        path = resolve_in_project(self.project_dir, rel)
        if self.relative_to is None:
            return path.as_uri()
        import os

        return quote(Path(os.path.relpath(path, self.relative_to)).as_posix())

    def timeline(self) -> Any:
        otio, tl = self.otio, self.tl
        out = otio.schema.Timeline(name=plain_text(tl.name))
        lanes = lanes_of(tl)
        for lane in lanes:
            out.tracks.append(self.lane(lane))
        for marker in tl.markers:
            om = otio.schema.Marker(
                name=plain_text(marker.name),
                marked_range=self.range(marker.frame, 0),
                color=nearest_otio_color(marker.color),
            )
            om.metadata["studio"] = nul_safe({"id": marker.id, "color": marker.color, "name": marker.name})
            out.tracks.markers.append(om)
        sidecars = {rid for a in self.project.assets.values() for rid in a.related.values()}
        unused = [a for a in self.project.assets.values() if a.id not in self.used_assets and a.id not in sidecars]
        out.metadata["studio"] = nul_safe(
            {
                "id": tl.id,
                "name": tl.name,
                "project_name": self.project.name,
                "rate": str(tl.rate),
                "width": tl.width,
                "height": tl.height,
                "sample_rate": tl.sample_rate,
                "settings": self.project.settings,
                "bin": [self.asset_meta(a) for a in unused],
            }
        )
        return out

    def lane(self, lane: Lane) -> Any:
        """The lane's clips and gaps in order, with each dissolve between the two items meeting at its cut."""
        otio = self.otio
        first = lane.tracks[0]
        kind = otio.schema.TrackKind.Video if first.kind == "video" else otio.schema.TrackKind.Audio
        ot = otio.schema.Track(name=plain_text(first.name), kind=kind)
        ot.metadata["studio"] = nul_safe({"tracks": [_track_meta(t) for t in lane.tracks]})
        track_of = {c.id: t.id for t in lane.tracks for c in t.clips}
        after_item: dict[int, Dissolve] = {}  # item index -> the dissolve that follows it
        before_first = None
        items: list[Any] = []
        cursor = 0
        fade_in_of = {d.incoming.id: d for d in lane.dissolves if d.outgoing is None and d.incoming is not None}
        fade_out_of = {d.outgoing.id: d for d in lane.dissolves if d.incoming is None and d.outgoing is not None}
        cross_into = {d.incoming.id: d for d in lane.dissolves if d.outgoing is not None and d.incoming is not None}
        for clip in lane.clips:
            start, end = lane.shown[clip.id]
            if start > cursor:
                items.append(otio.schema.Gap(source_range=self.range(0, start - cursor)))
            d = fade_in_of.get(clip.id) or cross_into.get(clip.id)
            if d is not None:
                if items:
                    after_item[len(items) - 1] = d
                else:
                    before_first = d
            items.append(self.clip(clip, start, end, track_of[clip.id]))
            if clip.id in fade_out_of:
                after_item[len(items) - 1] = fade_out_of[clip.id]
            cursor = end
        if items and len(items) - 1 in after_item:  # a fade to black at the very end needs something to fade to
            items.append(otio.schema.Gap(source_range=self.range(0, after_item[len(items) - 1].before)))
        if before_first is not None:  # a fade from black at the very start: from an empty gap (EDL needs one)
            ot.append(otio.schema.Gap(source_range=self.range(0, 0)))
            ot.append(self.transition(before_first))
        for index, item in enumerate(items):
            if index - 1 in after_item and isinstance(item, otio.schema.Gap):  # black fades in before the cut
                item.source_range = self.range(after_item[index - 1].before, self.frames_of(item))
            ot.append(item)
            if index in after_item:
                ot.append(self.transition(after_item[index]))
        return ot

    def frames_of(self, item: Any) -> int:
        return round(item.source_range.duration.rescaled_to(self.rate).value)

    def transition(self, d: Dissolve) -> Any:
        t = d.transition
        kind = t.kind if t is not None else "dissolve"
        out = self.otio.schema.Transition(
            name=OTIO_NAMES[kind] if t is not None else DISSOLVE,
            transition_type=OTIO_TYPES[kind],
            in_offset=self.rt(d.before),
            out_offset=self.rt(d.after),
        )
        if t is not None:
            out.metadata["studio"] = nul_safe({"transition": t.id, "kind": t.kind, "duration": t.duration})
        return out

    def clip(self, clip: Clip, start: int, end: int, track_id: str) -> Any:
        otio = self.otio
        skip = start - clip.position  # frames of the clip's head played under a dissolve before the cut
        first = clip.source_range.start + skip
        if clip.is_retimed:  # the first source frame shown; the range's duration stays the time on the track
            first = round(clip.source_position(skip))
        oc = otio.schema.Clip(
            name=plain_text(clip.name),
            media_reference=self.reference(clip),
            source_range=self.range(first, end - start),
        )
        if clip.is_retimed:  # backwards as a negative scalar, as OTIO's LinearTimeWarp allows
            oc.effects.append(
                otio.schema.LinearTimeWarp(name="speed", time_scalar=-clip.speed if clip.reverse else clip.speed)
            )
        oc.enabled = clip.enabled
        oc.metadata["studio"] = nul_safe(_clip_meta(clip, track_id))
        return oc

    def reference(self, clip: Clip) -> Any:
        otio = self.otio
        source_end = clip.source_range.start + clip.source_range.duration
        if clip.title is not None:
            t = clip.title
            ref = otio.schema.GeneratorReference(
                name=plain_text(t.text)[:40],
                generator_kind=TITLE_KIND,
                available_range=self.range(0, source_end),
                parameters={
                    "text": plain_text(t.text),
                    "font_size": t.font_size,
                    "color": t.color,
                    "position": t.position,
                    "background": t.background,
                },
            )
            ref.metadata["fcp_xml"] = _fcp_text_generator(plain_text(t.text), t.font_size)
            return ref
        asset = self.project.assets.get(clip.asset_id) if clip.asset_id else None
        if asset is None and clip.recipe is not None:
            ref = otio.schema.GeneratorReference(
                name=plain_text(clip.name),
                generator_kind=RECIPE_KIND,
                available_range=self.range(0, source_end),
                parameters=nul_safe(
                    {"kind": clip.recipe.kind, "engine": clip.recipe.engine, "request": clip.recipe.request}
                ),
            )
            ref.metadata["fcp_xml"] = _fcp_text_generator(f"not generated yet: {plain_text(clip.name)}", 48)
            return ref
        if asset is None:
            return otio.schema.MissingReference()
        self.used_assets.add(asset.id)
        length = asset.duration_frames(self.tl.rate)
        ref = otio.schema.ExternalReference(
            target_url=self.media_url(asset.path), available_range=self.range(0, length) if length else None
        )
        ref.name = plain_text(asset.name)
        ref.metadata["studio"] = nul_safe(self.asset_meta(asset, with_url=False))
        return ref

    def asset_meta(self, asset, with_url: bool = True) -> dict[str, Any]:
        """An asset's own fields and its sidecars (stems, captions, MIDI ...) by role, each with its URL."""
        meta: dict[str, Any] = {
            "asset_id": asset.id,
            "kind": asset.kind,
            "name": asset.name,
            "provenance": asset.provenance,
            "source_url": asset.source_url,
        }
        if with_url and self.bundle:
            path = resolve_in_project(self.project_dir, asset.path)
            self.bundle_extras[path.name] = path
            meta["url"] = f"media/{quote(path.name)}"
        elif with_url:
            meta["url"] = self.media_url(asset.path)
        related = {}
        for role, rid in asset.related.items():
            other = self.project.assets.get(rid)
            if other is not None:
                related[role] = self.asset_meta(other)
        meta["related"] = related
        return meta


def _fcp_text_generator(text: str, font_size: int) -> dict[str, Any]:
    """What the FCP 7 XML writer needs to write a title as a text generator item (not a media file)."""
    return {
        "effectcategory": "Text",
        "effecttype": "generator",
        "mediatype": "video",
        "parameter": [
            {"parameterid": "str", "name": "Text", "value": text},
            {"parameterid": "fontsize", "name": "Size", "value": str(font_size)},
        ],
    }


def for_adapter(otio: Any, timeline: Any, adapter: str, notes: list[str]) -> Any:
    """``timeline`` reshaped for writers that hold less than OTIO (a copy; each loss adds a line to ``notes``).

    FCP X XML (``fcpx_xml``) knows only media clips and fails on empty tracks: generated clips (titles,
    recipes) become gaps of the same length carrying a marker with their name, and empty tracks are left
    out. A CMX 3600 EDL (``cmx_3600``) holds one picture track: the video track with the most media clips.
    """
    if adapter not in ("fcpx_xml", "cmx_3600"):
        return timeline
    copy = timeline.deepcopy()
    if adapter == "cmx_3600":

        def media_clips(track: Any) -> int:
            return sum(
                isinstance(i, otio.schema.Clip) and isinstance(i.media_reference, otio.schema.ExternalReference)
                for i in track
            )

        video = [t for t in copy.tracks if t.kind == otio.schema.TrackKind.Video]
        if not video:
            raise ValueError("an EDL needs a video track")
        keep = max(video, key=media_clips)
        dropped = [t.name for t in copy.tracks if t is not keep and len(t)]
        if dropped:
            notes.append(f"an EDL holds one picture track: wrote {keep.name!r}; left out {', '.join(dropped)}")
        for index in reversed(range(len(copy.tracks))):
            if copy.tracks[index] is not keep:
                del copy.tracks[index]
        return copy
    named = 0
    for track in copy.tracks:
        for index, item in enumerate(list(track)):
            if isinstance(item, otio.schema.Clip) and isinstance(item.media_reference, otio.schema.GeneratorReference):
                gap = otio.schema.Gap(
                    source_range=otio.opentime.TimeRange(
                        otio.opentime.RationalTime(0, item.source_range.duration.rate), item.source_range.duration
                    )
                )
                gap.markers.append(
                    otio.schema.Marker(
                        name=item.name, marked_range=gap.source_range, color=otio.schema.MarkerColor.PURPLE
                    )
                )
                track[index] = gap
                named += 1
    if named:
        notes.append(f"FCP X XML holds no generators: {named} title or recipe clips written as gaps with a marker")
    for index in reversed(range(len(copy.tracks))):
        if not len(copy.tracks[index]):
            del copy.tracks[index]
    return copy


def _track_meta(track: Track) -> dict[str, Any]:
    return {
        "id": track.id,
        "name": track.name,
        "kind": track.kind,
        "muted": track.muted,
        "solo": track.solo,
        "locked": track.locked,
        "height": track.height,
        "duck_under": track.duck_under,
        "duck_db": track.duck_db,
    }


def _clip_meta(clip: Clip, track_id: str) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "id": clip.id,
        "track": track_id,
        "name": clip.name,
        "position": clip.position,
        "source_range": {"start": clip.source_range.start, "duration": clip.source_range.duration},
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
    if clip.title is not None:
        t = clip.title
        meta["title"] = {
            "text": t.text,
            "font_size": t.font_size,
            "color": t.color,
            "position": t.position,
            "background": t.background,
        }
    if clip.recipe is not None:
        meta["recipe"] = {"kind": clip.recipe.kind, "engine": clip.recipe.engine, "request": clip.recipe.request}
    return meta
