"""`studio make` end to end with the draft engines: a 3-scene storyboard becomes a rendered clip whose
shots, narration, ducked music, effect cues and captions are where the storyboard puts them; a
second run after one prompt changes runs exactly one job."""

import copy
import re
import subprocess
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest
import soundfile

from studio.io import load_project, save_project
from studio.model.checks import handle_notes
from studio.render import render_timeline
from studio.storyboard.make import make_film

BOARD = """---
seed: 3
---
# Test Cut
Size: 320x180
FPS: 24

## Music
Prompt: calm ambient pads, 90 bpm
Volume: -6 dB

## Scene: Coast
Duration: 3s
Shot: a lighthouse on a rocky coast at dusk
Title: Night Shift
Transition: crossfade 0.5s

## Scene: Door
Shot: a castle at noon, blue sky
Narration: The old door opens slowly.

## Scene: Storm
Duration: 3s
Shot: a volcano at night
SFX: door knock @ 1s
Transition: fade to black 0.5s
"""


def decode_audio(path: Path) -> np.ndarray:
    raw = subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-v",
            "error",
            "-i",
            str(path),
            "-f",
            "f32le",
            "-ac",
            "1",
            "-ar",
            "48000",
            "-",
        ],
        capture_output=True,
        check=True,
    ).stdout
    return np.frombuffer(raw, np.float32)


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64)) + 1e-20))


def frame_at(path: Path, seconds: float, size=(320, 180)) -> np.ndarray:
    reader = imageio_ffmpeg.read_frames(
        str(path),
        input_params=["-ss", f"{seconds:.3f}"],
        output_params=["-frames:v", "1", "-s", f"{size[0]}x{size[1]}"],
    )
    meta = next(reader)
    w, h = meta["size"]
    frame = np.frombuffer(next(reader), np.uint8).reshape(h, w, 3).astype(np.float32)
    reader.close()
    return frame


def only_tracks(project, names):
    solo = copy.deepcopy(project)
    for track in solo.timeline.tracks:
        track.muted = track.kind == "audio" and track.name not in names
    return solo


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    folder = tmp_path_factory.mktemp("make")
    board = folder / "board.md"
    board.write_text(BOARD)
    report = make_film(board, folder / "film.mp4", preset="draft-360p")
    return folder, board, report


def test_output_lasts_as_long_as_the_scenes(made):
    folder, _, report = made
    durations = report.durations
    assert durations["coast"] == 3.0 and durations["storm"] == 3.0 and durations["door"] > 1.5
    total = sum(durations.values())
    frames, seconds = imageio_ffmpeg.count_frames_and_secs(str(folder / "film.mp4"))
    assert abs(frames / 24 - total) <= 1 / 24 + 1e-6


def test_each_scenes_shot_appears_at_its_time(made):
    folder, _, report = made
    project = load_project(report.project_dir)
    shots = {
        c.name.split(". ", 1)[1].lower(): c
        for t in project.timeline.tracks
        if t.name.startswith("Shots")
        for c in t.clips
    }
    starts = {"coast": 0.0, "door": 3.0, "storm": 3.0 + report.durations["door"]}
    for key, start in starts.items():
        clip = shots[key]
        # the door's shot was made 0.5 s longer for the crossfade into it; half of that plays before its cut
        assert abs(clip.position / 24 - (start - (0.25 if key == "door" else 0.0))) < 1 / 24 + 1e-9
        mid = start + report.durations[key] / 2
        rendered = frame_at(folder / "film.mp4", mid)
        source = project.assets[clip.asset_id]
        own = frame_at(report.project_dir / source.path, mid - (clip.position - clip.source_range.start) / 24)
        others = [
            frame_at(report.project_dir / project.assets[c.asset_id].path, 1.0) for k, c in shots.items() if k != key
        ]
        own_error = np.abs(rendered - own).mean()
        assert all(own_error < np.abs(rendered - other).mean() for other in others), key


def test_the_crossfade_is_a_dissolve_on_one_shots_track_with_media_for_both_sides(made):
    _, _, report = made
    project = load_project(report.project_dir)
    video = [t.name for t in project.timeline.tracks if t.kind == "video"]
    assert video == ["Shots", "Titles", "Captions"]
    shots = next(t for t in project.timeline.tracks if t.name == "Shots")
    (dissolve,) = shots.transitions
    coast, door = shots.clips[0], shots.clips[1]
    assert (dissolve.kind, dissolve.duration, dissolve.from_clip, dissolve.to_clip) == (
        "dissolve",
        12,
        coast.id,
        door.id,
    )
    assert coast.end - dissolve.in_offset == 3 * 24 - 12  # over the last half second of the first scene
    assert handle_notes(project, shots, dissolve) == []  # no frozen frames: both shots have the media it plays


def test_narration_sits_in_its_scene_and_the_music_ducks_under_it(made):
    folder, _, report = made
    project = load_project(report.project_dir)
    narration_track = next(t for t in project.timeline.tracks if t.name == "Narration")
    (clip,) = narration_track.clips
    start, end = clip.position / 24, clip.end / 24
    assert 3.0 < start < 3.6 and end <= 3.0 + report.durations["door"] + 1e-6
    voice_wav = folder / "voice.wav"
    render_timeline(only_tracks(project, {"Narration"}), report.project_dir, voice_wav, preset="audio-wav")
    speech = soundfile.read(voice_wav)[0].mean(axis=1)
    assert rms(speech[int(start * 48000) : int(end * 48000)]) > 10 * rms(speech[: int(2.9 * 48000)])
    mixed = decode_audio(folder / "film.mp4")  # and the narration is in the film itself
    assert rms(mixed[int(start * 48000) : int(end * 48000)]) > 0.01
    wav = folder / "music.wav"
    render_timeline(only_tracks(project, {"Music"}), report.project_dir, wav, preset="audio-wav")
    music, sr = soundfile.read(wav)
    music = music.mean(axis=1)
    under = rms(music[int((start + 0.3) * sr) : int((end - 0.1) * sr)])
    outside = rms(music[int(0.8 * sr) : int(2.6 * sr)])
    assert 20 * np.log10(under / outside) < -6  # ducked by more than 6 dB while the narrator speaks


def test_effect_cue_starts_at_its_offset(made):
    folder, _, report = made
    project = load_project(report.project_dir)
    sfx_tracks = {t.name for t in project.timeline.tracks if t.name.startswith("SFX")}
    wav = folder / "sfx.wav"
    render_timeline(only_tracks(project, sfx_tracks), report.project_dir, wav, preset="audio-wav")
    audio, sr = soundfile.read(wav)
    envelope = np.abs(audio.mean(axis=1))
    cue = 3.0 + report.durations["door"] + 1.0
    window = envelope[int((cue - 0.8) * sr) : int((cue + 0.8) * sr)]
    hop = sr // 200  # 5 ms
    energy = np.array([window[i : i + hop].max() for i in range(0, len(window) - hop, hop)])
    onset = int(np.argmax(energy > 0.2 * energy.max())) * hop / sr + cue - 0.8
    assert abs(onset - cue) < 0.06


def test_captions_match_the_narration(made):
    _, _, report = made
    project = load_project(report.project_dir)
    captions = next(t for t in project.timeline.tracks if t.name == "Captions")
    text = " ".join(c.title.text for c in sorted(captions.clips, key=lambda c: c.position))
    assert re.sub(r"[^a-z ]", "", text.lower()).split() == "the old door opens slowly".split()
    narration = next(t for t in project.timeline.tracks if t.name == "Narration").clips[0]
    assert all(narration.position <= c.position < narration.end for c in captions.clips)
    srt = (report.output.with_suffix(".srt")).read_text()  # and as sidecars beside the film
    assert "opens slowly" in srt and " --> " in srt
    assert report.output.with_suffix(".vtt").read_text().startswith("WEBVTT")


def test_second_run_after_one_prompt_change_runs_one_job_and_keeps_gui_edits(made):
    folder, board, report = made
    project = load_project(report.project_dir)
    title = next(t for t in project.timeline.tracks if t.name == "Titles").clips[0]
    title.opacity = 0.5  # an edit made in the GUI to a part the storyboard does not change
    shots = next(t for t in project.timeline.tracks if t.name == "Shots")
    shots.transitions[0].duration = 8  # and to the crossfade between two shots it does not change
    project_transition_id = shots.transitions[0].id
    save_project(project, report.project_dir)
    board.write_text(BOARD.replace("a volcano at night", "a windmill on farmland at night"))
    again = make_film(board, folder / "film.mp4", preset="draft-360p")
    assert [(r.planned.kind, r.planned.key) for r in again.ran] == [("video", "scene/storm/shot")]
    project = load_project(report.project_dir)
    kept = next(t for t in project.timeline.tracks if t.name == "Titles").clips[0]
    assert kept.id == title.id and kept.opacity == 0.5
    shots = next(t for t in project.timeline.tracks if t.name == "Shots")
    assert [(t.id, t.duration) for t in shots.transitions] == [(project_transition_id, 8)]
    assert "scene/storm/shot" in again.replaced
