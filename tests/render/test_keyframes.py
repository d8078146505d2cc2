"""Keyframes rendered exactly: an opacity ramp (linear and ease) in the picture, gain and pan ramps in the mix;
a trimmed clip keeps its keyframes on the same source frames."""

from __future__ import annotations

import numpy as np
import soundfile

from studio.edit import UndoStack, set_keyframe, trim_head
from studio.model import Keyframe, TimeRange
from studio.render.mixer import mix_to_wav
from studio.render.plan import make_plan
from tests.render.helpers import add_track, new_project, place_file, still_png, tone_wav
from tests.render.test_compositing import frames_of, red_base  # noqa: F401 - the fixture


def test_an_opacity_ramp_shows_the_exact_keyframed_value_on_each_frame(red_base, tmp_path):  # noqa: F811
    project, folder = red_base
    top = add_track(project, "video", "V2")
    green = place_file(
        project, folder, top, still_png(tmp_path / "g.png", (0, 255, 0, 255), (64, 36)), 0, 30, fit="stretch"
    )
    stack = UndoStack(project)
    stack.push(set_keyframe(project, green.id, "opacity", 0, 0.0))
    stack.push(set_keyframe(project, green.id, "opacity", 10, 1.0, "ease"))
    stack.push(set_keyframe(project, green.id, "opacity", 20, 0.0))
    frames = frames_of(project, folder, 0, 21)
    for f in (0, 2, 5, 8, 10, 12, 15, 20):
        expected = green.value_at("opacity", f)
        assert abs(int(frames[f][180, 320, 1]) - round(255 * expected)) <= 2, (f, expected)
    assert 110 <= frames[5][180, 320, 1] <= 145 and frames[12][180, 320, 1] > frames[18][180, 320, 1]
    assert green.value_at("opacity", 12) > 1 - 0.2 * 0.2 * 3  # the ease leaves slowly: above the linear 0.8
    stack.push(trim_head(project, green.id, 5))  # keyframes stay on their source frames
    assert abs(int(frames_of(project, folder, 5, 6)[0][180, 320, 1]) - int(frames[5][180, 320, 1])) <= 2
    stack.undo()
    stack.undo()
    assert green.keyframes["opacity"][-1] == Keyframe(10, 1.0, "ease")


def test_gain_and_pan_ramps_shape_the_mix_sample_by_sample(tmp_path):
    folder = tmp_path / "A.studio"
    project = new_project(folder, rate=30)
    tone = place_file(
        project, folder, project.timeline.tracks[1], tone_wav(tmp_path / "t.wav", seconds=2.0, rate=48_000), 0, 60
    )
    tone.keyframes["gain_db"] = [Keyframe(0, 0.0), Keyframe(30, -20.0)]
    tone.keyframes["pan"] = [Keyframe(30, 0.0), Keyframe(59, 1.0)]
    mix_to_wav(make_plan(project, folder), tmp_path / "mix.wav")
    audio, rate = soundfile.read(tmp_path / "mix.wav", dtype="float32")

    def rms(at_s: float, ch: int) -> float:
        part = audio[round(at_s * rate) - 480 : round(at_s * rate) + 480, ch]
        return float(np.sqrt(np.mean(part**2)))

    # the ramp is -20 dB per second: 0.02 s in it is at -0.4 dB, half way at -10 dB, at its end -20 dB
    assert abs(20 * np.log10(rms(0.5, 0) / rms(0.02, 0)) - (-9.6)) < 0.15
    assert abs(20 * np.log10(rms(0.98, 0) / rms(0.02, 0)) - (-19.2)) < 0.15
    assert rms(1.9, 0) < 0.2 * rms(1.9, 1)  # panned (almost) hard right by the end
    assert abs(rms(0.5, 0) - rms(0.5, 1)) < 1e-3  # centred while only the gain moves
    assert tone.source_range == TimeRange(0, 60)
