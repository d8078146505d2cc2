"""A crossfade is drawn by the upper of the two overlapping shots, whichever way the shots alternate."""

from __future__ import annotations

from fractions import Fraction

from studio.model import Asset, Timeline
from studio.storyboard.assemble import Layout
from studio.storyboard.parse import parse_storyboard

BOARD = """# Cut
FPS: 24

## Scene: One
Duration: 2s
Shot: a lighthouse
Transition: crossfade 0.5s

## Scene: Two
Duration: 2s
Shot: a castle
Transition: crossfade 0.5s

## Scene: Three
Duration: 2s
Shot: a volcano
"""


def test_the_shot_on_top_fades_so_a_crossfade_into_the_lower_track_is_seen():
    board = parse_storyboard(BOARD, "board.md")
    layout = Layout(board, Timeline("t", "Main", rate=Fraction(24)), {"one": 2.0, "two": 2.0, "three": 2.0})
    media = Asset("a", "shot", "media/a.mp4", "video", duration_seconds=Fraction(10))
    (a1,), (b2,), (a3,) = ([c for _, c in layout.shot(i, s, media).clips] for i, s in enumerate(board.scenes))
    assert [t for t, _ in layout.shot(1, board.scenes[1], media).clips] == ["Shots B"]
    # A -> B: the incoming shot is on top and fades in over the overlap
    assert b2.position == a1.end - 12 and b2.video_fade_in == 12 and a1.video_fade_out == 0
    # B -> A: the incoming shot is underneath, so the outgoing one on top fades out over it
    assert a3.position == b2.end - 12 and b2.video_fade_out == 12 and a3.video_fade_in == 0
    # sound crossfades both ways
    assert a1.audio_fade_out == b2.audio_fade_in == b2.audio_fade_out == a3.audio_fade_in == 12
