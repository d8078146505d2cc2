"""A storyboard's crossfades and fades to black are transition objects between shots on one track, timed where
the two-track layout used to put them: a crossfade ends where the next scene starts, a fade dips to black at it."""

from __future__ import annotations

from fractions import Fraction

from studio.model import Asset, Timeline
from studio.render.transitions import windows
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
Transition: fade to black 0.25s

## Scene: Three
Duration: 2s
Shot: a volcano
Transition: fade to black 1s
"""


def layout_and_shots():
    board = parse_storyboard(BOARD, "board.md")
    layout = Layout(board, Timeline("t", "Main", rate=Fraction(24)), {"one": 2.0, "two": 2.0, "three": 2.0})
    media = Asset("a", "shot", "media/a.mp4", "video", duration_seconds=Fraction(10))
    placed = [layout.shot(i, s, media) for i, s in enumerate(board.scenes)]
    return layout, [c for p in placed for _, c in p.clips], [t for p in placed for t, _ in p.clips]


def test_shots_share_one_track_and_meet_at_cuts():
    _, (one, two, three), tracks = layout_and_shots()
    assert tracks == ["Shots", "Shots", "Shots"]
    assert one.end == two.position and two.end == three.position


def test_a_crossfade_is_a_dissolve_over_the_last_half_second_of_its_scene():
    layout, (one, two, _), _ = layout_and_shots()
    assert layout.transition_after(0) == ("dissolve", 12)
    # the cut sits half way through the dissolve, which runs over frames [36, 48) as the overlap used to
    assert one.end == 42 and two.position == 42
    assert two.source_range.start == 6  # the incoming shot was made 12 frames longer: 6 play before the cut
    from studio.model import Track
    from studio.model.entities import Transition

    track = Track(
        "v", "video", "Shots", clips=[one, two], transitions=[Transition("x", "dissolve", 12, one.id, two.id)]
    )
    (window,) = windows(track, track.clips)
    assert (window.start, window.end) == (36, 48)
    assert one.source_range.end + 6 <= 48  # the outgoing shot has media for the 6 frames past its cut


def test_a_fade_to_black_between_scenes_is_a_dip_centred_on_the_cut_and_the_last_one_a_clip_fade():
    layout, (_, two, three), _ = layout_and_shots()
    assert layout.transition_after(1) == ("dip_to_black", 12)  # 0.25 s out and 0.25 s back in
    assert two.end == three.position == 96
    assert two.video_fade_out == 0 and three.video_fade_in == 0  # the transition does it, not clip fades
    assert layout.transition_after(2) is None and three.video_fade_out == 24  # the film's own end fades out


def test_a_shot_whose_media_ends_part_way_through_its_last_frame_still_meets_the_next_one():
    board = parse_storyboard(BOARD.replace("crossfade 0.5s", "cut"), "board.md")
    layout = Layout(board, Timeline("t", "Main", rate=Fraction(24)), {"one": 2.0, "two": 2.0, "three": 2.0})
    short = Asset("a", "shot", "media/a.mp4", "video", duration_seconds=Fraction(199, 100))  # 47.76 frames
    (one,) = [c for _, c in layout.shot(0, board.scenes[0], short).clips]
    assert one.end == 48  # was 47: a black frame before the next shot (seen in the demo film, scene 2 to 3)


def test_a_shots_own_sound_fades_out_and_back_in_with_a_fade_to_black():
    board = parse_storyboard(BOARD, "board.md")
    layout = Layout(board, Timeline("t", "Main", rate=Fraction(24)), {"one": 2.0, "two": 2.0, "three": 2.0})
    media = Asset("a", "shot", "media/a.mp4", "video", duration_seconds=Fraction(10))
    sound = Asset("s", "shot sound", "media/a.wav", "audio", duration_seconds=Fraction(10))
    ((_, two_sound),) = layout.shot(1, board.scenes[1], media, sound).clips[1:]
    ((_, three_sound),) = layout.shot(2, board.scenes[2], media, sound).clips[1:]
    assert two_sound.audio_fade_in == 0 and two_sound.audio_fade_out == 6  # 0.25 s down into the black
    assert three_sound.audio_fade_in == 6 and three_sound.audio_fade_out == 24  # back up, and out with the film
