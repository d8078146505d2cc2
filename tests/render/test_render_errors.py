"""Bad input stops a render with one clear line and never touches the saved project or leaves a half file."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.io import save_project
from studio.model import Clip, TimeRange, Title
from studio.render import RenderError, render_timeline
from tests.render.helpers import frame_at, new_project, place_title, read_streams, red_and_tone_project


@pytest.fixture
def project(tmp_path):
    media = tmp_path / "src"
    media.mkdir()
    return red_and_tone_project(tmp_path / "P.studio", media, seconds=1), tmp_path / "P.studio"


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if ".partial" in p.name]


def test_missing_media_names_every_missing_file_and_keeps_the_project(project, tmp_path):
    proj, folder = project
    saved = (folder / "project.json").read_bytes()
    for asset in proj.assets.values():
        (folder / asset.path).unlink()
    with pytest.raises(RenderError) as err:
        render_timeline(proj, folder, tmp_path / "out.mp4", preset="draft-360p")
    message = str(err.value)
    assert "\n" not in message and "--allow-missing" in message
    assert all(a.path in message for a in proj.assets.values())
    assert (folder / "project.json").read_bytes() == saved
    assert not (tmp_path / "out.mp4").exists()


def test_allow_missing_renders_black_and_silence_and_says_so(project, tmp_path):
    proj, folder = project
    video_asset = next(a for a in proj.assets.values() if a.kind == "video")
    (folder / video_asset.path).unlink()
    summary = render_timeline(proj, folder, tmp_path / "out.mp4", preset="draft-360p", allow_missing=True)
    assert any(video_asset.path in w for w in summary.warnings)
    assert frame_at(tmp_path / "out.mp4", 10).max() < 20


def test_clip_past_its_source_end_is_refused(project, tmp_path):
    proj, folder = project
    clip = proj.timeline.tracks[0].clips[0]
    clip.source_range = TimeRange(15, 30)  # a 1 s source asked for 0.5 s to 1.5 s
    with pytest.raises(RenderError, match=r"runs past the end .* trim it"):
        render_timeline(proj, folder, tmp_path / "out.mp4", preset="draft-360p")


def test_ten_hour_timeline_is_refused_with_a_way_out(tmp_path):
    folder = tmp_path / "Long.studio"
    proj = new_project(folder)
    place_title(proj.timeline.tracks[0], "the end", 10 * 3600 * 30, 30)
    with pytest.raises(RenderError, match=r"10:00:01:00 long, over the 3-hour limit.*--range"):
        render_timeline(proj, folder, tmp_path / "out.mp4")


def test_a_range_of_a_long_timeline_renders_just_that_part(tmp_path):
    folder = tmp_path / "Long.studio"
    proj = new_project(folder)
    place_title(proj.timeline.tracks[0], "the end", 10 * 3600 * 30, 30)
    start = 10 * 3600 * 30 - 15
    summary = render_timeline(proj, folder, tmp_path / "out.mp4", preset="draft-360p", frame_range=(start, -1))
    assert summary.frames == 45
    assert abs(read_streams(tmp_path / "out.mp4")["duration"] - 1.5) < 1 / 30


def test_empty_timeline_is_refused(tmp_path):
    folder = tmp_path / "Empty.studio"
    proj = new_project(folder)
    with pytest.raises(RenderError, match="empty"):
        render_timeline(proj, folder, tmp_path / "out.mp4")


def test_unwritable_output_is_a_clear_error(project, tmp_path):
    proj, folder = project
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(RenderError, match="cannot create the output folder"):
        render_timeline(proj, folder, blocker / "out.mp4")


def test_preset_and_suffix_must_agree(project, tmp_path):
    proj, folder = project
    with pytest.raises(RenderError, match=r"audio-wav.*\.wav"):
        render_timeline(proj, folder, tmp_path / "out.mp4", preset="audio-wav")
    with pytest.raises(RenderError, match="unknown preset"):
        render_timeline(proj, folder, tmp_path / "out.mp4", preset="imax")


def test_undecodable_source_fails_cleanly_without_a_half_file(project, tmp_path):
    proj, folder = project
    video_asset = next(a for a in proj.assets.values() if a.kind == "video")
    (folder / video_asset.path).write_bytes(b"\x00" * 5000)
    (tmp_path / "out").mkdir()
    with pytest.raises(RenderError, match="gave only 0 of 30 frames"):
        render_timeline(proj, folder, tmp_path / "out" / "film.mp4", preset="draft-360p")
    assert list((tmp_path / "out").iterdir()) == []


def test_existing_output_is_replaced_only_when_the_render_succeeds(project, tmp_path):
    proj, folder = project
    out = tmp_path / "film.mp4"
    out.write_bytes(b"previous render")
    proj.timeline.tracks[0].clips.append(Clip("bad", "bad title", 30, TimeRange(0, 5), title=Title("x", color="nope")))
    with pytest.raises(RenderError, match="not a colour"):
        render_timeline(proj, folder, out, preset="draft-360p")
    assert out.read_bytes() == b"previous render" and leftovers(tmp_path) == []


def test_audio_wav_preset_writes_only_the_mix(project, tmp_path):
    proj, folder = project
    summary = render_timeline(proj, folder, tmp_path / "mix.wav", preset="audio-wav")
    streams = read_streams(tmp_path / "mix.wav")
    assert streams["video"] is None and streams["audio"][0] == "pcm_s24le" and summary.size is None
    assert abs(streams["duration"] - 1.0) < 0.01
    save_project(proj, folder)


def test_absurd_scale_is_refused_before_rendering(project, tmp_path):
    proj, folder = project
    proj.timeline.tracks[0].clips[0].transform.scale = 500.0
    with pytest.raises(RenderError, match="over the 16384 limit; lower its scale"):
        render_timeline(proj, folder, tmp_path / "out.mp4", preset="draft-360p")
