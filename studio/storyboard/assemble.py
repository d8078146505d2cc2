"""Lay generated media out on a timeline, following the storyboard.

Tracks (found by name on a re-run, created when missing):
  video: "Shots" (one track; a crossfade is a dissolve and a fade to black a dip-to-black transition object at
         the cut between two shots, centred where the storyboard puts it), "Titles", "Captions"
  audio: "Narration", "Music" (ducked under narration at render), "SFX 1", "SFX 2", ...
Every clip made here is recorded in the project's ``storyboard.lock.json`` (see ``studio.storyboard.lock``)
under the key of the storyboard element it came from. Clips and tracks go in as undoable edits on the
project's stack (``place``), the same operations the GUI uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from pipelines.voice.captions import cues
from studio import edit
from studio.edit import Edit, UndoStack
from studio.model import Asset, Clip, Project, Timeline, TimeRange, Title, Track, new_id, seconds_to_frames
from studio.storyboard.parse import Scene, Storyboard
from studio.storyboard.plan import NARRATION_LEAD_IN

TITLE_SECONDS = 3.0


@dataclass
class Placed:
    """What assembly produced for one storyboard element: its clips, by track name."""

    key: str
    clips: list[tuple[str, Clip]] = field(default_factory=list)


@dataclass
class Words:
    word: str
    start: float
    end: float
    speaker: str | None = None


def scene_starts(board: Storyboard, durations: dict[str, float]) -> dict[str, float]:
    t, out = 0.0, {}
    for scene in board.scenes:
        out[scene.key] = t
        t += durations[scene.key]
    return out


class Layout:
    """Builds clips for the elements of one storyboard at one frame rate."""

    def __init__(self, board: Storyboard, timeline: Timeline, durations: dict[str, float]):
        self.board = board
        self.timeline = timeline
        self.rate: Fraction = timeline.rate
        self.durations = durations
        self.starts = scene_starts(board, durations)

    def frames(self, seconds: float) -> int:
        return seconds_to_frames(Fraction(seconds).limit_denominator(1_000_000), self.rate)

    def font(self, share: float) -> int:
        """A font size in pixels as a share of the frame height, so text looks the same at any size."""
        return max(12, round(self.timeline.height * share))

    def asset_frames(self, asset: Asset) -> int | None:
        """The media's length in frames as the rest of Studio counts it (a last frame that started plays whole)."""
        return asset.duration_frames(self.rate) if asset.kind != "image" else None

    # -- shots -----------------------------------------------------------------------------------
    def crossfade_lead(self, index: int) -> float:
        """Seconds a scene's shot starts before the scene: the length of the crossfade into it, if any."""
        prev = self.board.scenes[index - 1] if index else None
        return prev.transition_seconds if prev is not None and prev.transition == "crossfade" else 0.0

    def transition_after(self, index: int) -> tuple[str, int] | None:
        """The transition object (model kind, frames) at the cut after scene ``index``, if the storyboard asks for
        one: a crossfade of d seconds is a d-second dissolve ending where the next scene starts; a fade to black of
        d seconds is a dip to black of 2d centred on the cut (d out, d in)."""
        scenes = self.board.scenes
        scene = scenes[index]
        if index + 1 >= len(scenes) or scene.transition == "cut" or scene.transition_seconds <= 0:
            return None
        frames = self.frames(scene.transition_seconds)
        if frames < 1:
            return None
        return ("dissolve", frames) if scene.transition == "crossfade" else ("dip_to_black", 2 * frames)

    def shot_signature(self, index: int) -> str:
        """What of the storyboard's transitions shapes a shot's clip (its trims), for the lock file: a change
        there re-places the shot (from the cache) even though its request is the same."""
        before = self.transition_after(index - 1) if index else None
        return f"shots.2:{before}:{self.transition_after(index)}"

    def shot(self, index: int, scene: Scene, asset: Asset, sound: Asset | None = None) -> Placed:
        """The scene's shot on "Shots". Its media starts ``crossfade_lead`` before the scene (the shot was made that
        much longer); the clip is trimmed so that a dissolve of that length, centred on the cut as transitions are,
        runs over the media's head (the incoming side) and the end of the shot before (its outgoing side).
        ``sound``: the shot's own synchronised sound (a video engine that makes it, such as LTX-2), placed on
        "Shot sound" over the same frames, so the picture and its sound stay in sync through later trims."""
        media_zero = self.frames(self.starts[scene.key] - self.crossfade_lead(index))
        scene_start = self.frames(self.starts[scene.key])
        end = self.frames(self.starts[scene.key] + self.durations[scene.key])
        head = (scene_start - media_zero) // 2  # half the dissolve into this shot plays before its cut
        after = self.transition_after(index)
        if after is not None and after[0] == "dissolve":
            end -= after[1] - after[1] // 2  # the other half of the dissolve out plays past the cut, up to the scene
        length = end - (media_zero + head)
        available = self.asset_frames(asset)
        if available is not None:
            length = min(length, available - head)
        clip = Clip(
            id=new_id("clip"),
            name=f"{scene.index}. {scene.name or scene.shot[:30]}",
            position=media_zero + head,
            source_range=TimeRange(head, max(1, length)),
            asset_id=asset.id,
        )
        if index + 1 == len(self.board.scenes) and scene.transition == "fade":  # the film fades out at its end
            clip.video_fade_out = clip.audio_fade_out = min(self.frames(scene.transition_seconds), clip.duration)
        placed = Placed(f"scene/{scene.key}/shot", [("Shots", clip)])
        if sound is not None:
            placed.clips.append(("Shot sound", self._shot_sound_clip(index, clip, sound)))
        return placed

    def _shot_sound_clip(self, index: int, shot: Clip, sound: Asset) -> Clip:
        """The shot's own sound under it: same frames of the same take; a fade to black fades the sound out and
        back in with the picture (a crossfade is a transition on its track, added with the picture's)."""
        available = self.asset_frames(sound)
        length = shot.duration if available is None else min(shot.duration, available - shot.source_range.start)
        clip = Clip(
            id=new_id("clip"),
            name=f"{shot.name} (sound)",
            position=shot.position,
            source_range=TimeRange(shot.source_range.start, max(1, length)),
            asset_id=sound.id,
        )
        before = self.transition_after(index - 1) if index else None
        after = self.transition_after(index)
        if before is not None and before[0] == "dip_to_black":
            clip.audio_fade_in = min(before[1] // 2, clip.duration // 2)
        if after is not None and after[0] == "dip_to_black":
            clip.audio_fade_out = min(after[1] // 2, clip.duration // 2)
        elif after is None and shot.video_fade_out:
            clip.audio_fade_out = shot.video_fade_out
        return clip

    def title(self, scene: Scene) -> Placed:
        length = self.frames(min(TITLE_SECONDS, self.durations[scene.key]))
        fade = min(self.frames(0.4), length // 3)
        title = Title(scene.title, font_size=self.font(0.09), position="center")
        clip = Clip(
            id=new_id("clip"),
            name=f"Title: {scene.title[:30]}",
            position=self.frames(self.starts[scene.key]),
            source_range=TimeRange(0, length),
            title=title,
            video_fade_in=fade,
            video_fade_out=fade,
        )
        return Placed(f"scene/{scene.key}/title", [("Titles", clip)])

    # -- audio -----------------------------------------------------------------------------------
    def narration(self, scene: Scene, asset: Asset, words: list[Words]) -> Placed:
        start_s = self.starts[scene.key] + NARRATION_LEAD_IN
        length = self.asset_frames(asset) or self.frames(self.durations[scene.key])
        clip = Clip(
            id=new_id("clip"),
            name=f"Narration {scene.index}",
            position=self.frames(start_s),
            source_range=TimeRange(0, length),
            asset_id=asset.id,
        )
        placed = Placed(f"scene/{scene.key}/narration", [("Narration", clip)])
        for cue in cues(words):  # the voice engine's own caption rules: 42 characters, sentence ends, pauses
            position = self.frames(start_s + cue.start)
            cap = Clip(
                id=new_id("clip"),
                name=f"Caption: {cue.text[:24]}",
                position=position,
                source_range=TimeRange(0, max(1, self.frames(start_s + cue.end) - position)),
                title=Title(cue.text, font_size=self.font(0.05), position="bottom", background="#000000a0"),
            )
            placed.clips.append(("Captions", cap))
        return placed

    def sfx(self, scene: Scene, n: int, asset: Asset) -> Placed:
        cue = scene.sfx[n]
        start_s = self.starts[scene.key] + (cue.at or 0.0)
        end_s = self.starts[scene.key] + self.durations[scene.key]
        length = self.frames(end_s - start_s)
        available = self.asset_frames(asset)
        if available is not None:
            length = min(length, available)
        clip = Clip(
            id=new_id("clip"),
            name=f"SFX: {cue.prompt[:30]}",
            position=self.frames(start_s),
            source_range=TimeRange(0, max(1, length)),
            asset_id=asset.id,
            gain_db=-3.0,
        )
        if cue.at is None:  # ambience: ease in and out
            clip.audio_fade_in = clip.audio_fade_out = min(self.frames(0.5), length // 4)
        return Placed(f"scene/{scene.key}/sfx/{n}", [("SFX", clip)])

    def shot_sound(self, index: int, scene: Scene, asset: Asset) -> Placed:
        """``SFX: auto``: the sound made from the shot's events, starting with the shot (its events are timed
        from the shot's first frame, which an incoming crossfade puts before the scene's start)."""
        start = self.frames(self.starts[scene.key] - self.crossfade_lead(index))
        length = self.frames(self.starts[scene.key] + self.durations[scene.key]) - start
        available = self.asset_frames(asset)
        if available is not None:
            length = min(length, available)
        clip = Clip(
            id=new_id("clip"),
            name=f"Sound of shot {scene.index}",
            position=start,
            source_range=TimeRange(0, max(1, length)),
            asset_id=asset.id,
            audio_fade_out=min(self.frames(0.25), length // 4),
        )
        return Placed(f"scene/{scene.key}/sfx/auto", [("SFX", clip)])

    def music(self, asset: Asset) -> Placed:
        total = self.frames(sum(self.durations.values()))
        available = self.asset_frames(asset)
        length = min(total, available) if available is not None else total
        assert self.board.music is not None
        clip = Clip(
            id=new_id("clip"),
            name="Music",
            position=0,
            source_range=TimeRange(0, length),
            asset_id=asset.id,
            gain_db=self.board.music.volume_db,
            audio_fade_in=self.frames(0.5),
            audio_fade_out=self.frames(1.5),
        )
        return Placed("music", [("Music", clip)])


VIDEO_TRACKS = ("Shots", "Titles", "Captions")
OLD_SHOT_TRACKS = ("Shots A", "Shots B")  # before transition objects: two overlapping tracks


def track_named(project: Project, stack: UndoStack, name: str, kind: str) -> Track:
    """The track called ``name`` (of ``kind``), added through ``stack`` if the timeline has none yet."""
    timeline = project.timeline
    for t in timeline.tracks:
        if t.name == name and t.kind == kind:
            return t
    index = None
    if kind == "video":  # keep video tracks in compositing order (shots under titles under captions), audio after
        order = {n: i for i, n in enumerate(VIDEO_TRACKS)}
        after = [i for i, t in enumerate(timeline.tracks) if t.kind == "video" and order.get(t.name, -1) < order[name]]
        index = (after[-1] + 1) if after else 0
    track_id = new_id("track")
    stack.push(edit.add_track(project, kind, name, index=index, track_id=track_id))
    return project.find_track(track_id)[1]


def place(project: Project, stack: UndoStack, placed: Placed) -> list[str]:
    """Put an element's clips on their tracks, as edits on ``stack``; an SFX clip goes to the first SFX track
    where it fits. A creator's clip in the way is trimmed back (storyboard timing wins, by the overlap only)."""
    ids = []
    for track_name, clip in placed.clips:
        kind = "video" if track_name in VIDEO_TRACKS else "audio"
        if track_name == "SFX":
            n = 1
            while True:
                track = track_named(project, stack, f"SFX {n}", "audio")
                if all(not clip.timeline_range.overlaps(c.timeline_range) for c in track.clips):
                    break
                n += 1
        else:
            track = track_named(project, stack, track_name, kind)
            for c in [c for c in track.clips if c.timeline_range.overlaps(clip.timeline_range)]:
                stack.push(_trim_away(project, c, clip))
        stack.push(edit.add_clip(project, track.id, clip))
        ids.append(clip.id)
    return ids


def _trim_away(project: Project, existing: Clip, incoming: Clip) -> Edit:
    """The edit that clears ``incoming``'s frames of ``existing``: removed if inside, else trimmed back."""
    if existing.position >= incoming.position and existing.end <= incoming.end:
        return edit.remove_clip(project, existing.id)
    if existing.position < incoming.position:
        return edit.trim_tail(project, existing.id, incoming.position)
    return edit.trim_head(project, existing.id, incoming.end)


def words_from(data: Any) -> list[Words]:
    """Word timings from the voice engine's words.json (a list of {word, start, end})."""
    items = data.get("words", data) if isinstance(data, dict) else data
    return [Words(str(w["word"]), float(w["start"]), float(w["end"]), w.get("speaker")) for w in items or []]
