"""Audio meters: a known tone played through the preview reads its peak and loudness, and the master loudness
label shows the mix's integrated loudness against the -14 LUFS target, remeasured after an edit."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

TONE_AMPLITUDE = 0.5  # a 1 kHz sine at -6.02 dBFS on both channels
TONE_DBFS = 20 * math.log10(TONE_AMPLITUDE)


def tone(seconds: float, rate: int = 48_000) -> np.ndarray:
    t = np.arange(round(seconds * rate)) / rate
    mono = (TONE_AMPLITUDE * np.sin(2 * np.pi * 1000 * t)).astype(np.float32)
    return np.stack([mono, mono], axis=1)


def reference_lufs(samples: np.ndarray, rate: int = 48_000) -> float:
    import pyloudnorm

    return pyloudnorm.Meter(rate).integrated_loudness(samples.astype(np.float64))


@pytest.fixture
def tone_clip(qtbot, window, tmp_path):
    """A 4 s stereo 1 kHz tone at -6 dBFS on A1 from frame 0."""
    import soundfile

    from studio import edit
    from studio.model import Clip, TimeRange, new_id

    wav = tmp_path / "tone-1khz.wav"
    soundfile.write(wav, tone(4.0), 48_000, subtype="FLOAT")
    session = window.session
    got = []
    session.import_paths([wav], on_done=got.extend)
    qtbot.waitUntil(lambda: len(got) == 1, timeout=20_000)
    a1 = next(t for t in session.timeline.tracks if t.kind == "audio")
    length = round(4 * session.rate)
    clip = Clip(new_id("clip"), "tone", 0, TimeRange(0, length), asset_id=got[0].id)
    session.push(edit.add_clip(session.project, a1.id, clip))
    return window, clip


def _shown_lufs(label) -> float | None:
    found = re.match(r"Mix: (-?\d+\.\d) LUFS \(target -14\)", label.text())
    return float(found.group(1)) if found else None


def test_channel_levels_read_a_tone_like_pyloudnorm():
    from studio.gui.meters import ChannelLevels

    levels = ChannelLevels(48_000)
    samples = tone(3.0)
    for at in range(0, len(samples), 2400):  # fed in 50 ms pieces, as playback feeds it
        levels.add(samples[at : at + 2400])
    per_channel, both = levels.short_term_lufs()
    assert both == pytest.approx(reference_lufs(samples), abs=0.1)
    # one channel of a full-scale 1 kHz sine reads -3.01 LUFS (BS.1770's calibration): -6.02 dB lower here
    assert per_channel == pytest.approx([-3.01 + TONE_DBFS] * 2, abs=0.1)
    assert levels.peak_db() == pytest.approx([TONE_DBFS] * 2, abs=0.05)


def test_playing_a_tone_shows_its_peak_and_short_term_loudness(qtbot, tone_clip):
    window, _ = tone_clip
    preview = window.preview
    preview.play()
    qtbot.waitUntil(lambda: preview.audio.played()[1] is not None, timeout=30_000)  # the mix is playing
    qtbot.waitUntil(lambda: all(math.isfinite(p) for p in preview.meters.short_term), timeout=10_000)
    qtbot.wait(600)
    peaks, loudness = list(preview.meters.peak_db), list(preview.meters.short_term)
    preview.pause()
    assert peaks == pytest.approx([TONE_DBFS, TONE_DBFS], abs=1.0)
    assert loudness == pytest.approx([-3.01 + TONE_DBFS] * 2, abs=1.0)
    assert all(not math.isfinite(p) for p in preview.meters.peak_db)  # paused: the bars drop


def test_master_loudness_shows_the_mix_against_the_target_and_follows_edits(qtbot, tone_clip):
    from studio import edit

    window, clip = tone_clip
    label = window.preview.loudness_label
    expected = reference_lufs(tone(4.0))
    qtbot.waitUntil(lambda: _shown_lufs(label) is not None, timeout=30_000)
    assert _shown_lufs(label) == pytest.approx(expected, abs=0.2)
    session = window.session
    session.push(edit.set_property(session.project, clip.id, "gain_db", -6.0))
    qtbot.waitUntil(lambda: (_shown_lufs(label) or 0) < expected - 3, timeout=30_000)
    assert _shown_lufs(label) == pytest.approx(expected - 6.0, abs=0.2)
    assert window.preview.master_loudness.measured_revision == session.revision


def test_the_mix_is_remeasured_after_playback_stops_not_while_it_plays(qtbot, tone_clip):
    from studio import edit
    from studio.gui.meters import MEASURE_DELAY_MS

    window, clip = tone_clip
    session, preview = window.session, window.preview
    label = preview.loudness_label
    qtbot.waitUntil(lambda: _shown_lufs(label) is not None, timeout=30_000)
    before = _shown_lufs(label)
    preview.play()
    session.push(edit.set_property(session.project, clip.id, "gain_db", -6.0))
    qtbot.wait(MEASURE_DELAY_MS + 1_000)
    assert preview.playing and _shown_lufs(label) is None  # the pictures and sound keep the CPU ...
    assert "changed" in label.text() and f"was {before:.1f} LUFS" in label.text()  # ... and the old figure is marked
    assert preview.master_loudness.measured_revision != session.revision
    preview.pause()
    qtbot.waitUntil(lambda: preview.master_loudness.measured_revision == session.revision, timeout=30_000)
    assert _shown_lufs(label) == pytest.approx(before - 6.0, abs=0.2)


def test_the_mix_is_measured_in_a_child_process_that_an_overtaking_edit_stops(qtbot, tone_clip):
    from studio.gui.loudness_worker import measure_in_child
    from studio.render.errors import RenderError

    window, _ = tone_clip
    snapshot, folder = window.session.snapshot(), window.session.project_dir
    loudness, peak = measure_in_child(snapshot, folder, lambda: False)
    assert loudness == pytest.approx(reference_lufs(tone(4.0)), abs=0.1)
    assert peak == pytest.approx(TONE_DBFS, abs=0.5)  # true peak of a 1 kHz sine: its sample peak
    with pytest.raises(RenderError, match="cancelled"):
        measure_in_child(snapshot, folder, lambda: True)


def test_preview_frames_become_images_in_the_worker_one_per_distinct_picture():
    """The preview's chunk of frames is converted to QImages by the worker that rendered it (on the GUI thread the
    conversion of 48 frames stalled the start of playback ~0.2 s); a held frame is one image, shared."""
    import numpy as np
    from PySide6.QtGui import QImage

    from studio.gui.preview import preview_images

    held = np.full((4, 6, 3), 200, np.uint8)
    other = np.zeros((4, 6, 3), np.uint8)
    images = preview_images({10: held, 11: held, 12: other})
    assert all(isinstance(i, QImage) for i in images.values())
    assert images[10] is images[11] and images[12] is not images[10]
    assert images[10].pixelColor(5, 3).red() == 200 and images[12].pixelColor(0, 0).red() == 0
