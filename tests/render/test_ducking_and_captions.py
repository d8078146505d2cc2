"""Sidechain ducking: a music track marked to duck under a narration track dips while the narration
sounds (even when the narration track itself is muted), and is untouched elsewhere."""

from fractions import Fraction

import numpy as np
import soundfile

from studio.io import create_project, import_media, save_project
from studio.model import Clip, TimeRange, Track, new_id
from studio.render import render_timeline
from studio.render.ducking import gain_curve


def tone(path, seconds, freq, level=0.3, start=0.0, stop=None):
    t = np.arange(int(seconds * 48000)) / 48000
    x = level * np.sin(2 * np.pi * freq * t)
    x[(t < start) | (t >= (stop if stop is not None else seconds))] = 0
    soundfile.write(path, np.stack([x, x], 1).astype(np.float32), 48000)
    return path


def project_with_ducking(tmp_path, mute_narration):
    folder = tmp_path / "duck.studio"
    project = create_project(folder, rate=Fraction(24), width=320, height=180)
    tl = project.timeline
    tl.tracks.clear()
    music = import_media(folder, project, tone(tmp_path / "music.wav", 6, 220))
    voice = import_media(folder, project, tone(tmp_path / "voice.wav", 2, 440, level=0.5))
    narration = Track(
        new_id("track"),
        "audio",
        "Narration",
        muted=mute_narration,
        clips=[Clip(new_id("clip"), "n", 48, TimeRange(0, 48), asset_id=voice.id)],
    )
    bed = Track(
        new_id("track"),
        "audio",
        "Music",
        duck_under=narration.id,
        duck_db=-15.0,
        clips=[Clip(new_id("clip"), "m", 0, TimeRange(0, 144), asset_id=music.id)],
    )
    tl.tracks += [narration, bed]
    save_project(project, folder)
    return project, folder


def band_rms(x, a, b):
    return float(np.sqrt(np.mean(x[int(a * 48000) : int(b * 48000)] ** 2)))


def test_music_dips_by_the_ducking_depth_while_the_muted_key_track_speaks(tmp_path):
    project, folder = project_with_ducking(tmp_path, mute_narration=True)
    out = tmp_path / "music.wav"
    render_timeline(project, folder, out, preset="audio-wav")
    audio, _ = soundfile.read(out)
    mono = audio.mean(axis=1)
    before, during, after = band_rms(mono, 0.5, 1.5), band_rms(mono, 2.4, 3.8), band_rms(mono, 5.3, 5.95)
    assert abs(20 * np.log10(during / before) + 15) < 1.5  # the dip is the track's duck_db
    assert abs(20 * np.log10(after / before)) < 0.5  # and it comes back
    assert np.max(np.abs(np.diff(mono))) < 0.05  # smooth gain: no clicks at the dip's edges


def test_gain_curve_holds_through_short_gaps_between_words():
    levels = np.full(300, -90.0)
    levels[100:130] = -20  # a word
    levels[150:180] = -20  # another after a 200 ms pause
    gain = 20 * np.log10(gain_curve(levels, -12.0))
    assert gain[97] < -3  # look-ahead: already dipping before the first word
    assert gain[140] < -10  # held across the pause
    assert gain[299] > -0.5  # released after the speech


def test_caption_track_becomes_srt_and_vtt_sidecars(tmp_path):
    from studio.model import Title
    from studio.render.captions import caption_cues, write_caption_sidecars

    project, _ = project_with_ducking(tmp_path, mute_narration=False)
    tl = project.timeline
    tl.tracks.append(
        Track(
            new_id("track"),
            "video",
            "Captions",
            clips=[
                Clip(new_id("clip"), "c1", 24, TimeRange(0, 36), title=Title("Hello & <welcome>")),
                Clip(new_id("clip"), "c2", 72, TimeRange(0, 24), title=Title("Second line")),
            ],
        )
    )
    assert caption_cues(tl, 48, -1) == [(0.0, 0.5, "Hello & <welcome>"), (1.0, 2.0, "Second line")]
    srt, vtt = write_caption_sidecars(tl, tmp_path / "film.mp4")
    assert srt.read_text().startswith("1\n00:00:01,000 --> 00:00:02,500\nHello & <welcome>")
    assert "Hello &amp; &lt;welcome&gt;" in vtt.read_text()
