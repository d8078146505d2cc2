"""Probing real media files and importing them content-addressed into media/."""

import json
from fractions import Fraction

import pytest

from studio.io import ProjectError, create_project, load_project, missing_media, save_project
from studio.io.media import import_media, read_provenance
from studio.io.probe import parse_ffmpeg_info, probe_media


def test_probe_reads_wav_png_and_mp4_facts(media_dir):
    wav = probe_media(media_dir / "tone.wav")
    assert (wav.kind, wav.duration_seconds, wav.sample_rate, wav.channels) == ("audio", Fraction(2), 48000, 2)
    png = probe_media(media_dir / "still.png")
    assert (png.kind, png.width, png.height, png.duration_seconds) == ("image", 64, 48, None)
    mp4 = probe_media(media_dir / "shot.mp4")
    assert (mp4.kind, mp4.width, mp4.height, mp4.frame_rate, mp4.has_audio) == ("video", 64, 48, Fraction(24), True)
    assert abs(mp4.duration_seconds - 1) < Fraction(1, 10)
    assert (mp4.sample_rate, mp4.channels) == (48000, 1)


@pytest.mark.parametrize("name", ["notes.txt", "fake.mp4"])
def test_probe_refuses_files_that_are_not_media(media_dir, name):
    with pytest.raises(ProjectError, match=f"^{name}: "):
        probe_media(media_dir / name)


def test_ffmpeg_output_with_ntsc_rates_parses_to_exact_fractions():
    text = """Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'file:a.mov':
  Duration: 00:01:02.50, start: 0.000000, bitrate: 106 kb/s
  Stream #0:0[0x1](und): Video: prores (HQ) (apch / 0x68637061), yuv422p10le, 1920x1080, 29.97 fps, 29.97 tbr
  Stream #0:1[0x2](und): Audio: pcm_s24le (in24 / 0x34326E69), 48000 Hz, 5.1(side), s32 (24 bit), 6912 kb/s"""
    info = parse_ffmpeg_info(text, "a.mov")
    assert info.frame_rate == Fraction(30000, 1001)
    assert info.duration_seconds == Fraction(125, 2)
    assert (info.width, info.height, info.channels, info.has_audio) == (1920, 1080, 6, True)


def test_import_copies_content_addressed_and_reuses_the_same_content(tmp_path, media_dir):
    folder = tmp_path / "p"
    project = create_project(folder)
    asset = import_media(
        folder, project, media_dir / "tone.wav", name="Door Creak (take 2)", provenance={"engine": "draft", "seed": 3}
    )
    digest = asset.id.removeprefix("asset_")
    assert asset.path == f"media/{digest}-door-creak-take-2.wav"
    assert (folder / asset.path).read_bytes() == (media_dir / "tone.wav").read_bytes()
    assert read_provenance(folder, asset) == {"engine": "draft", "seed": 3}
    assert json.loads((folder / (asset.path + ".json")).read_text())["seed"] == 3
    again = import_media(folder, project, media_dir / "tone.wav", name="other name")
    assert again is asset and len(list((folder / "media").iterdir())) == 2
    save_project(project, folder)
    assert load_project(folder).assets[asset.id] == asset
    assert (media_dir / "tone.wav").exists()


def test_import_can_move_and_refuses_non_media_and_wrong_kinds(tmp_path, media_dir):
    folder = tmp_path / "p"
    project = create_project(folder)
    moved = tmp_path / "move-me.png"
    moved.write_bytes((media_dir / "still.png").read_bytes())
    asset = import_media(folder, project, moved, move=True)
    assert not moved.exists() and (folder / asset.path).is_file() and asset.kind == "image"
    with pytest.raises(ProjectError, match="notes.txt: not a video, audio or image file"):
        import_media(folder, project, media_dir / "notes.txt")
    with pytest.raises(ProjectError, match="is an audio file, not a video"):
        import_media(folder, project, media_dir / "tone.wav", kind="video")
    lyrics = import_media(folder, project, media_dir / "notes.txt", kind="other")
    assert lyrics.kind == "other" and lyrics.path.endswith("-notes.txt")
    assert sorted(p.name for p in (folder / "media").iterdir()) == sorted(
        [a.path.removeprefix("media/") for a in project.assets.values()]
    )


def test_missing_media_lists_assets_whose_files_are_gone(tmp_path, media_dir):
    folder = tmp_path / "p"
    project = create_project(folder)
    wav = import_media(folder, project, media_dir / "tone.wav")
    png = import_media(folder, project, media_dir / "still.png")
    (folder / wav.path).unlink()
    assert missing_media(project, folder) == [wav] and png not in missing_media(project, folder)


def test_import_with_link_shares_the_generated_file_instead_of_copying_it(tmp_path, media_dir):
    folder = tmp_path / "P.studio"
    project = create_project(folder)
    src = media_dir / "tone.wav"
    asset = import_media(folder, project, src, link=True)
    placed = folder / asset.path
    assert placed.read_bytes() == src.read_bytes()
    assert placed.stat().st_ino == src.stat().st_ino  # one file on disk, two names
