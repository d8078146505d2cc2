"""One-shots as a sound designer cuts them (the event early, its natural tail after, repeats only when
counted), a place under every sound instead of digital silence, and the everyday sounds added in issue 14."""

import numpy as np
import pytest

from pipelines.sfx.draft import render, variation_seed
from pipelines.sfx.request import SoundEffectRequest
from pipelines.sfx.understand import understand


def rendered(prompt: str, seconds: float = 5.0, seed: int = 0) -> np.ndarray:
    request = SoundEffectRequest(prompt=prompt, duration=seconds, seed=seed)
    return render(request, variation_seed(seed, 0), understand(prompt))


def levels_db(audio: np.ndarray, frame_s: float = 0.05, rate: int = 48_000) -> np.ndarray:
    """RMS level (dBFS) of each ``frame_s`` frame of the mono mix: (frames,)."""
    mono = audio.mean(axis=1)
    n = int(frame_s * rate)
    frames = len(mono) // n
    return 10 * np.log10(np.mean(mono[: frames * n].reshape(frames, n) ** 2, axis=1) + 1e-20)


def test_a_single_shot_fires_once_early_and_its_echoes_fill_the_clip():
    db = levels_db(rendered("a single pistol shot"))
    loudest = int(np.argmax(db))
    assert 0.45 <= loudest * 0.05 <= 0.8  # the event early, after a lead-in of about half a second
    assert np.max(db[loudest + int(0.35 / 0.05) :]) < db[loudest] - 6  # no second shot
    tail = np.mean(db[int(1.0 / 0.05) : int(2.5 / 0.05)])
    end = np.mean(db[int(4.5 / 0.05) :])
    assert tail > end + 6  # echoes roll on for seconds after the shot


def test_counted_events_repeat_and_uncounted_ones_do_not():
    def shots(prompt):
        """Loud onsets at least 0.3 s apart (a shot's own echoes follow within that)."""
        db = levels_db(rendered(prompt), 0.01)
        loud = db > np.max(db) - 10
        starts = np.flatnonzero(loud[1:] & ~loud[:-1]) + 1
        return int(np.sum(np.diff(starts, prepend=-1000) > 30))

    assert shots("a pistol is fired three times") == 3
    assert shots("a pistol shot") == 1


def test_gaps_between_events_are_a_quiet_place_not_digital_silence():
    for prompt in ("someone knocks twice", "a cow moos"):
        db = levels_db(rendered(prompt, 4.0))
        assert np.min(db) > -100  # a noise floor, as a real recording has
        assert np.min(db) < np.max(db) - 25  # but well under the events


@pytest.mark.parametrize(
    "prompt, concept",
    [
        ("a hog grunting in the sty", "pig"),
        ("the stallion whinnies", "horse neigh"),
        ("two cars collide on the highway", "car crash"),
        ("a man falls to the ground", "thud"),
        ("someone presses the doorbell", "doorbell"),
        ("chimes tinkling on the veranda", "wind chimes"),
        ("grandma's sewing machine running", "sewing machine"),
    ],
)
def test_everyday_sounds_added_in_issue_14_are_understood_and_render(prompt, concept):
    understood = understand(prompt)
    assert understood.parts[0].concept.name == concept and not understood.guessed
    audio = rendered(prompt, 2.0)
    assert audio.shape == (96_000, 2) and np.all(np.isfinite(audio)) and np.max(np.abs(audio)) > 0.05


def test_sound_for_a_shot_is_not_confused_with_a_prompt_request():
    request = SoundEffectRequest(for_shot="shot.mp4")  # no prompt needed for a shot's own sound
    assert request.prompt == "" and request.for_shot == "shot.mp4"
    with pytest.raises(ValueError, match="prompt is empty"):
        SoundEffectRequest()
