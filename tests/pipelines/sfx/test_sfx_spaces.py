"""Issue 14, round 5: spaces. A canyon is open air between rock walls: it answers with a few distinct late
echoes, not a cave's continuous wash (it was read as a cave); a furnished room lets a click's highs die
within a fifth of a second (with 0.25 s they rang on, and a wall clock in a room was heard as a wood block)."""

import numpy as np
import pytest
import soundfile

from pipelines import registry
from pipelines.sfx.mix import ECHOES, echo_response, room_response
from pipelines.sfx.modifiers import read_modifiers
from pipelines.sfx.request import SoundEffectRequest
from pipelines.sfx.synth.core import highpass

RATE = 48_000


def envelope_db(audio: np.ndarray, rate: int, step_s: float = 0.01) -> np.ndarray:
    """Level (dB) of each ``step_s`` window of the mono mix."""
    mono = audio.mean(axis=1)
    step = int(step_s * rate)
    frames = mono[: len(mono) // step * step].reshape(-1, step)
    return 10 * np.log10(np.mean(frames**2, axis=1) + 1e-20)


@pytest.mark.parametrize(
    "prompt", ["a rifle shot echoing in a canyon", "a shout across the valley", "rocks falling in a quarry"]
)
def test_rock_walled_open_places_are_canyons_not_caves(prompt):
    mods = read_modifiers(prompt)
    assert mods.space == "canyon" and "in a canyon" in mods.describe()


def test_a_canyon_answers_a_knock_with_distinct_late_echoes_where_a_cave_washes(tmp_path):
    engine = registry.create("sfx")

    def render(prompt: str) -> tuple[np.ndarray, int]:
        result = engine(SoundEffectRequest(prompt=prompt, duration=2.0, seed=3), output_dir=tmp_path / prompt[-6:])
        audio, rate = soundfile.read(result.primary.path, always_2d=True)
        return audio, rate

    canyon, rate = render("a single knock in a canyon")
    cave, _ = render("a single knock in a cave")
    knock = int(np.argmax(envelope_db(canyon, rate)))  # the 10 ms window of the knock itself
    first, second = (int(delay / 0.01) + knock for delay, _ in ECHOES["canyon"][:2])

    def level(env: np.ndarray, a: int, b: int) -> float:
        return float(np.max(env[a:b]))

    for audio in (canyon,):
        env = envelope_db(audio, rate)
        gap = level(env, first - 18, first - 4)  # between the knock's own ring and the first wall
        assert level(env, first - 1, first + 5) > gap + 25  # the wall answers, out of silence
        assert level(env, second - 1, second + 5) > level(env, second - 14, second - 4) + 20
        assert level(env, first - 1, first + 5) < env[knock] - 6  # quieter than the knock
    env = envelope_db(cave, rate)
    assert level(env, first - 18, first - 4) > env[knock] - 35  # the cave never falls silent after the knock


def test_an_echo_response_is_the_same_bytes_every_time_and_darker_the_further_the_wall():
    response = echo_response("canyon", RATE)
    assert np.array_equal(response, echo_response.__wrapped__("canyon", RATE))
    bright = []
    for delay, _ in ECHOES["canyon"]:
        echo = response[0][int(delay * RATE) : int((delay + 0.04) * RATE)]
        bright.append(np.sum(highpass(echo, 3000, RATE) ** 2) / np.sum(echo**2))
    assert bright == sorted(bright, reverse=True)


def test_a_room_lets_the_highs_of_a_click_die_within_a_fifth_of_a_second():
    response = room_response("room", RATE)[0]
    highs = highpass(response, 3000, RATE)
    early = np.mean(highs[int(0.002 * RATE) : int(0.02 * RATE)] ** 2)
    late = np.mean(highs[int(0.12 * RATE) : int(0.2 * RATE)] ** 2)
    assert 10 * np.log10(late / early) < -40  # with the highs' old 0.25 s decay: -33 dB; now -45 dB
