"""Build ``assets/examples/demo.studio``: an 8-second project made only of recipes and titles, so
``make demo`` (``studio render assets/examples/demo.studio -o out/demo.mp4``) makes every clip from
text and renders it. Run ``python assets/examples/make_demo.py`` to rebuild the folder."""

from __future__ import annotations

import shutil
import sys
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from studio.io import create_project, save_project  # noqa: E402
from studio.model import Clip, Recipe, TimeRange, Title, Track, new_id  # noqa: E402

RATE = 24
DEMO = Path(__file__).resolve().parent / "demo.studio"


def seconds(s: float) -> int:
    return round(s * RATE)


def recipe(name: str, kind: str, start: float, length: float, request: dict, **fields) -> Clip:
    return Clip(new_id("clip"), name, seconds(start), TimeRange(0, seconds(length)),
                recipe=Recipe(kind, None, request), **fields)


def title(name: str, text: str, start: float, length: float, **style) -> Clip:
    fades = {"video_fade_in": seconds(0.5), "video_fade_out": seconds(0.5)}
    return Clip(new_id("clip"), name, seconds(start), TimeRange(0, seconds(length)), title=Title(text, **style),
                **fades)


def build(folder: Path = DEMO) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    project = create_project(folder, "Lighthouse (Studio demo)", rate=Fraction(RATE), width=1280, height=720)
    tl = project.timeline
    shots, music = tl.tracks  # V1, A1
    shot = {"duration": 4.0, "fps": RATE, "width": 1280, "height": 720}
    shots.clips += [
        recipe("lighthouse", "video", 0, 4, {"prompt": "a lighthouse at dusk, waves crashing, slow push-in",
                                             "camera": "push-in", "seed": 7, **shot}, video_fade_in=seconds(0.5)),
        recipe("storm", "video", 4, 4, {"prompt": "a stormy sea at night, waves crashing against the rocks, slow pan",
                                        "seed": 11, **shot}, video_fade_out=seconds(1)),
    ]
    titles = Track(new_id("track"), "video", "Titles")
    titles.clips += [
        title("opening title", "The Lighthouse\na Studio demo", 0.5, 2.5, font_size=72),
        title("credit", 'made from text: "shots", music & sound — 100% local', 5, 2.5, font_size=32,
              position="lower-third", background="#00000099"),
    ]
    tl.tracks.insert(1, titles)
    music.name = "Music"
    music.clips.append(recipe("song", "song", 0, 8, {"prompt": "warm indie folk, acoustic guitar, 92 bpm",
                                                     "duration": 8.0, "variations": 1, "seed": 3},
                              gain_db=-3.0, audio_fade_out=seconds(1)))
    effects = Track(new_id("track"), "audio", "Sound effects")
    effects.clips += [
        recipe("waves", "sfx", 0, 4, {"prompt": "waves crashing on rocks", "duration": 4.0, "seed": 5},
               gain_db=-6.0, audio_fade_in=seconds(0.5)),
        recipe("thunder", "sfx", 4, 4, {"prompt": "rolling thunder in the distance", "duration": 4.0, "seed": 9},
               gain_db=-4.0, pan=0.3),
    ]
    tl.tracks.append(effects)
    save_project(project, folder)
    print(f"wrote {folder}")


if __name__ == "__main__":
    build()
