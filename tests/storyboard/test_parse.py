"""The storyboard format: fields, defaults, and errors that name the line."""

import pytest

from studio.storyboard.parse import StoryboardError, parse_storyboard

GOOD = """---
seed: 5
voices: {NARRATOR: jf_alpha}
---
# Night Watch
Style: noir
Size: 640x360
FPS: 25

## Music
Prompt: slow jazz, 80 bpm
Volume: -10 dB
Lyrics:
[verse]
Rain: on the window

## Scene: Street
Duration: 4s
Shot: a city skyline at night, rain
Camera: pan left
SFX: rain on a tin roof @ throughout
SFX: car horn @ 1.5s
Title: Night Watch
Transition: crossfade 0.5s

## Scene 2
Duration: narration
Shot: a candle in a dark room
Narration: DETECTIVE: It was late.
Narration: The city slept.
Transition: fade to black 2s
"""


def test_parses_header_music_and_scenes_with_their_fields():
    board = parse_storyboard(GOOD, "night.md")
    assert (board.title, board.style, board.width, board.height, board.fps, board.seed) == (
        "Night Watch",
        "noir",
        640,
        360,
        25,
        5,
    )
    assert board.voices == {"NARRATOR": "jf_alpha"}
    assert board.music.prompt == "slow jazz, 80 bpm" and board.music.volume_db == -10
    assert "Rain: on the window" in board.music.lyrics  # a colon inside lyrics is lyrics, not a field
    street, second = board.scenes
    assert street.key == "street" and street.duration == 4.0 and street.transition == "crossfade"
    assert street.transition_seconds == 0.5
    assert [(c.prompt, c.at) for c in street.sfx] == [("rain on a tin roof", None), ("car horn", 1.5)]
    assert second.key == "scene-2" and second.duration is None
    assert [(n.speaker, n.text) for n in second.narration] == [
        ("DETECTIVE", "It was late."),
        ("NARRATOR", "The city slept."),
    ]
    assert second.transition == "fade" and second.transition_seconds == 2.0


@pytest.mark.parametrize(
    "text, line, words",
    [
        ("## Scene: A\nDuration: five\nShot: x\n", 2, "'5s'"),
        ("## Scene: A\nDuration: 3s\nShoot: x\n", 3, "unknown scene field 'shoot'"),
        ("## Scene: A\nShot: x\n", 1, "no Duration and no narration"),
        ("## Scene: A\nDuration: 2s\nShot: x\nSFX: bang @ 5s\n", 4, "past the scene's end"),
        ("## Scene: A\nDuration: 2s\nShot: x\nTransition: wipe\n", 4, "transition must be"),
        ("Size: big\n## Scene: A\nDuration: 2s\nShot: x\n", 1, "size must look like"),
        ("---\nseed: [1\n---\n## Scene: A\nDuration: 2s\nShot: x\n", 2, "not valid YAML"),
        ("## Intro\n", 1, "unknown section"),
        ("## Music\nLyrics:\nla la\n## Scene: A\nDuration: 2s\nShot: x\n", 1, "needs a Prompt"),
    ],
)
def test_errors_name_the_line_and_the_problem(text, line, words):
    with pytest.raises(StoryboardError) as err:
        parse_storyboard(text, "board.md")
    assert f"board.md:{line}" in str(err.value) and words in str(err.value)
    assert "\n" not in str(err.value)


def test_a_storyboard_without_scenes_is_refused():
    with pytest.raises(StoryboardError, match="no scenes"):
        parse_storyboard("# Empty\n", "e.md")
