"""Parse a Markdown storyboard into scenes, music and settings, with line numbers for every error.

Format (documented for creators in README.md):

    ---                                # optional YAML front matter
    seed: 7
    engines: {video: draft, voice: kokoro}
    voices: {NARRATOR: bf_emma}
    preset: web-720p
    ---
    # Title of the film
    Style: cinematic, warm palette     # added to every shot prompt
    Size: 1280x720
    FPS: 24

    ## Music
    Prompt: warm indie folk, 92 bpm
    Volume: -8 dB
    Lyrics:                            # every line after this, to the next heading, is lyrics
    [verse]
    ...

    ## Scene: Arrival                  # "## Scene", "## Scene 2", "## Scene: name"
    Duration: 5s                       # or "narration": as long as its narration
    Shot: a lighthouse at dusk, slow push-in
    Image: photo.png                   # animate an image instead (Shot is then optional)
    Object: toy.png                    # or turn an image into a 3D turntable
    Narration: NARRATOR: The keeper climbed the hill.
    SFX: waves crashing @ throughout
    SFX: door creaks open @ 2.5s
    SFX: auto                          # sound that follows the shot's events (thunder after each flash, ...)
    Title: Chapter One
    Transition: crossfade 1s           # cut | crossfade [S] | fade to black [S]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

MAX_SCENES = 200
MAX_SHOT_SECONDS = 20.0
MAX_STORYBOARD_BYTES = 4 * 1024 * 1024
MUSIC_MIN_SECONDS = 2.0  # the music bed fades in over 0.5 s and out over 1.5 s (assemble.Layout.music)


class StoryboardError(ValueError):
    """A storyboard problem, as ``file:line: message``."""


@dataclass(frozen=True)
class SfxCue:
    prompt: str
    at: float | None  # seconds from the scene start; None: throughout the scene
    line: int


@dataclass(frozen=True)
class NarrationLine:
    speaker: str
    text: str
    line: int


@dataclass
class Scene:
    index: int  # 1-based
    name: str
    line: int
    duration: float | None = None  # None: as long as its narration
    shot: str = ""
    camera: str = ""
    image: str = ""
    object_image: str = ""
    picture_line: int = 0  # the line of Image: or Object:
    narration: list[NarrationLine] = field(default_factory=list)
    sfx: list[SfxCue] = field(default_factory=list)
    sfx_auto_line: int = 0  # the line of "SFX: auto" (sound made from the shot's own events); 0: none
    title: str = ""
    transition: str = "cut"  # "cut", "crossfade", "fade"
    transition_seconds: float = 0.0
    transition_line: int = 0

    @property
    def key(self) -> str:
        """A stable identity for the scene: its name if given, else its position."""
        slug = re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-")
        return slug or f"scene-{self.index}"


@dataclass
class Music:
    prompt: str
    lyrics: str = ""
    volume_db: float = -6.0
    line: int = 0


@dataclass
class Storyboard:
    path: Path
    title: str = "Untitled"
    style: str = ""
    width: int = 1280
    height: int = 720
    fps: int = 24
    seed: int = 0
    engines: dict[str, str] = field(default_factory=dict)
    voices: dict[str, str] = field(default_factory=dict)
    preset: str = "web-720p"
    duck_db: float = -12.0
    music: Music | None = None
    scenes: list[Scene] = field(default_factory=list)
    allow_outside: bool = False  # Image:/Object: files may lie outside the storyboard's folder

    @property
    def base_dir(self) -> Path:
        return self.path.parent


_SCENE_HEADING = re.compile(r"^##\s+scene\b\s*(?:\d+)?\s*[:.\-–]?\s*(.*)$", re.I)
_FIELD = re.compile(r"^([A-Za-z][A-Za-z \-]*?)\s*:\s*(.*)$")
_SECONDS = re.compile(r"^(\d+(?:\.\d+)?)\s*(s|sec|secs|seconds?)?$", re.I)
_SPEAKER = re.compile(r"^([A-Z][A-Z0-9 _\-]{0,30}):\s*(.+)$")


def parse_seconds(text: str, where: str) -> float:
    m = _SECONDS.match(text.strip())
    if not m:
        raise StoryboardError(f"{where}: expected a time in seconds such as '5s', got {text.strip()!r}")
    return float(m.group(1))


def load_storyboard(path: str | Path | Storyboard, *, allow_outside: bool = False) -> Storyboard:
    """Read and parse a storyboard file (a regular file of at most 4 MB). ``allow_outside`` lets Image:
    and Object: name files outside the storyboard's folder. A Storyboard already parsed is returned as is."""
    if isinstance(path, Storyboard):
        return path
    path = Path(path)
    from studio.io import ProjectError
    from studio.io.project_file import read_regular_file

    try:
        data = read_regular_file(path, str(path), MAX_STORYBOARD_BYTES)
    except ProjectError as exc:
        message = str(exc)
        if "not found;" in message:
            message = f"{path}: no such storyboard file"
        raise StoryboardError(message) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise StoryboardError(f"{path}: cannot read the storyboard (not UTF-8 text at byte {exc.start})") from None
    return parse_storyboard(text, path, allow_outside=allow_outside)


def parse_storyboard(text: str, path: str | Path = "storyboard.md", *, allow_outside: bool = False) -> Storyboard:
    path = Path(path)
    board = Storyboard(path=path, allow_outside=allow_outside)
    lines = text.splitlines()
    start = _front_matter(lines, board, path.name)
    section: str | None = None  # None (header), "music", "scene", "other"
    scene: Scene | None = None
    lyrics_mode = False
    for number in range(start, len(lines)):
        raw = lines[number]
        where = f"{path.name}:{number + 1}"
        stripped = raw.strip()
        if stripped.startswith("# ") and not stripped.startswith("##"):
            board.title = stripped[2:].strip() or board.title
            continue
        if stripped.startswith("##"):
            lyrics_mode = False
            heading = _SCENE_HEADING.match(stripped)
            if heading:
                if len(board.scenes) >= MAX_SCENES:
                    raise StoryboardError(f"{where}: more than {MAX_SCENES} scenes")
                scene = Scene(index=len(board.scenes) + 1, name=heading.group(1).strip(), line=number + 1)
                board.scenes.append(scene)
                section = "scene"
            elif re.match(r"^##\s+music\b", stripped, re.I):
                board.music = Music(prompt="", line=number + 1)
                section = "music"
            else:
                raise StoryboardError(f"{where}: unknown section {stripped!r}; use '## Music' or '## Scene: name'")
            continue
        if lyrics_mode:
            assert board.music is not None
            board.music.lyrics += raw + "\n"
            continue
        if not stripped or stripped.startswith("<!--") or stripped.startswith(">"):
            continue
        m = _FIELD.match(stripped.lstrip("-* "))
        if not m:
            raise StoryboardError(f"{where}: expected 'Field: value', got {stripped[:60]!r}")
        key, value = m.group(1).strip().lower(), m.group(2).strip()
        if section is None:
            _header_field(board, key, value, where)
        elif section == "music":
            assert board.music is not None
            lyrics_mode = _music_field(board.music, key, value, where)
        else:
            assert scene is not None
            _scene_field(scene, key, value, where, number + 1)
    _check(board, path.name)
    return board


def _front_matter(lines: list[str], board: Storyboard, name: str) -> int:
    if not lines or lines[0].strip() != "---":
        return 0
    for end in range(1, len(lines)):
        if lines[end].strip() == "---":
            break
    else:
        raise StoryboardError(f"{name}:1: front matter opened with '---' is never closed")
    import yaml  # light, and only needed for front matter

    try:
        data = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        raise StoryboardError(
            f"{name}:{line}: front matter is not valid YAML ({getattr(exc, 'problem', exc)})"
        ) from None
    if not isinstance(data, dict):
        raise StoryboardError(f"{name}:2: front matter must be a set of 'key: value' lines")
    where = f"{name}:1"
    for key, value in data.items():
        if key == "seed":
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise StoryboardError(f"{where}: seed must be a whole number >= 0, got {value!r}")
            board.seed = value
        elif key in ("engines", "voices"):
            if not isinstance(value, dict):
                raise StoryboardError(f"{where}: {key} must map names to values, e.g. {{video: draft}}")
            getattr(board, key).update({str(k): str(v) for k, v in value.items()})
        elif key == "preset":
            board.preset = str(value)
        elif key == "duck_db":
            board.duck_db = float(value)
        elif key in ("size", "fps", "style", "title"):
            _header_field(board, key, str(value), where)
        else:
            raise StoryboardError(f"{where}: unknown front-matter key {key!r}")
    return end + 1


def _header_field(board: Storyboard, key: str, value: str, where: str) -> None:
    if key == "style":
        board.style = value
    elif key == "title":
        board.title = value
    elif key == "size":
        m = re.match(r"^(\d+)\s*[x×]\s*(\d+)$", value)
        if not m:
            raise StoryboardError(f"{where}: size must look like 1280x720, got {value!r}")
        board.width, board.height = int(m.group(1)), int(m.group(2))
        if board.width % 2 or board.height % 2 or not (64 <= board.width <= 1920 and 64 <= board.height <= 1920):
            raise StoryboardError(f"{where}: size {value} must be even and between 64 and 1920 pixels")
    elif key == "fps":
        if value not in ("24", "25", "30"):
            raise StoryboardError(f"{where}: fps must be 24, 25 or 30, got {value!r}")
        board.fps = int(value)
    else:
        raise StoryboardError(f"{where}: unknown field {key!r} before the first section (expected Style, Size or FPS)")


def _music_field(music: Music, key: str, value: str, where: str) -> bool:
    """Returns True when the lyrics block starts."""
    if key == "prompt":
        music.prompt = value
    elif key == "volume":
        m = re.match(r"^(-?\d+(?:\.\d+)?)\s*(db)?$", value, re.I)
        if not m:
            raise StoryboardError(f"{where}: volume must look like '-6 dB', got {value!r}")
        music.volume_db = float(m.group(1))
    elif key == "lyrics":
        music.lyrics = value + "\n" if value else ""
        return True
    else:
        raise StoryboardError(f"{where}: unknown music field {key!r} (expected Prompt, Volume or Lyrics)")
    return False


def _scene_field(scene: Scene, key: str, value: str, where: str, line: int) -> None:
    if key == "duration":
        if value.lower() in ("narration", "as long as its narration", "auto"):
            scene.duration = None
        else:
            seconds = parse_seconds(value, where)
            if not 0.5 <= seconds <= 600:
                raise StoryboardError(f"{where}: scene duration must be 0.5 to 600 s, got {seconds:g}")
            scene.duration = seconds
    elif key == "shot":
        scene.shot = value
    elif key == "camera":
        scene.camera = value
    elif key == "image":
        scene.image, scene.picture_line = value, line
    elif key in ("object", "3d"):
        scene.object_image, scene.picture_line = value, line
    elif key == "narration":
        speaker = _SPEAKER.match(value)
        name, text = (speaker.group(1).strip(), speaker.group(2).strip()) if speaker else ("NARRATOR", value)
        if not text:
            raise StoryboardError(f"{where}: narration line is empty")
        scene.narration.append(NarrationLine(name, text, line))
    elif key in ("sfx", "sound"):
        prompt, _, when = value.partition("@")
        prompt, when = prompt.strip(), when.strip().lower()
        if prompt.lower() == "auto" and not when:
            if scene.sfx_auto_line:
                raise StoryboardError(f"{where}: this scene already asked for SFX: auto (line {scene.sfx_auto_line})")
            scene.sfx_auto_line = line
            return
        if not prompt:
            raise StoryboardError(f"{where}: sound-effect cue has no prompt")
        at = None if when in ("throughout", "all", "loop") else parse_seconds(when or "0", where)
        scene.sfx.append(SfxCue(prompt, at, line))
    elif key == "title":
        scene.title = value
    elif key == "transition":
        _transition(scene, value, where)
        scene.transition_line = line
    else:
        raise StoryboardError(
            f"{where}: unknown scene field {key!r} (expected Duration, Shot, Camera, Image, "
            "Object, Narration, SFX, Title or Transition)"
        )


def _transition(scene: Scene, value: str, where: str) -> None:
    m = re.match(r"^(cut|crossfade|cross-fade|dissolve|fade(?: to black)?)\s*(.*)$", value.strip(), re.I)
    if not m:
        raise StoryboardError(f"{where}: transition must be cut, crossfade or fade to black, got {value!r}")
    kind = m.group(1).lower()
    scene.transition = "cut" if kind == "cut" else ("fade" if kind.startswith("fade") else "crossfade")
    rest = m.group(2).strip()
    scene.transition_seconds = 0.0 if scene.transition == "cut" else (parse_seconds(rest, where) if rest else 1.0)
    if scene.transition_seconds > 5:
        raise StoryboardError(f"{where}: transitions are at most 5 s, got {scene.transition_seconds:g}")


def _check(board: Storyboard, name: str) -> None:
    if not board.scenes:
        raise StoryboardError(f"{name}: the storyboard has no scenes (add '## Scene: name' sections)")
    if board.music is not None and not board.music.prompt:
        raise StoryboardError(f"{name}:{board.music.line}: the music section needs a Prompt")
    for scene in board.scenes:
        where = f"{name}:{scene.line}"
        sources = [s for s in (scene.image, scene.object_image) if s]
        if len(sources) > 1:
            raise StoryboardError(f"{where}: a scene has one picture source: Image or Object, not both")
        if not scene.shot and not sources:
            raise StoryboardError(f"{where}: scene {scene.index} needs a Shot, an Image or an Object")
        if scene.sfx_auto_line and scene.object_image:
            raise StoryboardError(
                f"{name}:{scene.sfx_auto_line}: SFX: auto follows the events of a generated video shot; "
                "an Object scene's turntable has none (name the sounds instead)"
            )
        if scene.duration is None and not scene.narration:
            raise StoryboardError(f"{where}: scene {scene.index} has no Duration and no narration to time it by")
        for cue in scene.sfx:
            if cue.at is not None and scene.duration is not None and cue.at >= scene.duration:
                raise StoryboardError(
                    f"{name}:{cue.line}: cue at {cue.at:g}s is past the scene's end ({scene.duration:g}s)"
                )
        if sources and not board.allow_outside:
            _check_inside(board, sources[0], f"{name}:{scene.picture_line}")
    keys = [s.key for s in board.scenes]
    dupes = {k for k in keys if keys.count(k) > 1}
    if dupes:
        raise StoryboardError(f"{name}: two scenes share the name {sorted(dupes)[0]!r}; give each scene its own name")
    check_timing(board, {s.key: s.duration for s in board.scenes if s.duration is not None})


def _check_inside(board: Storyboard, rel: str, where: str) -> None:
    """Refuse a picture outside the storyboard's folder (absolute, '..', or a symlink leading out)."""
    folder = board.base_dir.resolve()
    target = (folder / rel).resolve()  # an absolute ``rel`` replaces the folder
    if target != folder and folder not in target.parents:
        raise StoryboardError(
            f"{where}: {rel!r} is outside the storyboard's folder ({folder}); move it next to "
            "the storyboard or pass --allow-outside"
        )


def check_timing(board: Storyboard, durations: dict[str, float]) -> None:
    """Transitions and the music bed must fit the scenes they join; ``durations`` holds the scene lengths
    known so far (seconds by scene key), so this runs at parse time and again once narration sets the rest."""
    name = board.path.name
    for i, scene in enumerate(board.scenes):
        length = durations.get(scene.key)
        if length is None:
            continue
        prev = board.scenes[i - 1] if i else None
        fade_in = prev.transition_seconds if prev is not None and prev.transition == "fade" else 0.0
        fade_out = scene.transition_seconds if scene.transition == "fade" else 0.0
        if fade_in + fade_out > length + 1e-9:
            if fade_out:
                both = f" plus the {fade_in:g} s fade in from the scene before" if fade_in else ""
                raise StoryboardError(
                    f"{name}:{scene.transition_line}: the {fade_out:g} s fade to black{both} is "
                    f"longer than scene {scene.index} ({length:g} s)"
                )
            assert prev is not None
            raise StoryboardError(
                f"{name}:{prev.transition_line}: the {fade_in:g} s fade to black fades in scene "
                f"{scene.index}, which is shorter ({length:g} s)"
            )
        if scene.transition == "crossfade" and scene.transition_seconds > length + 1e-9 and i + 1 < len(board.scenes):
            raise StoryboardError(
                f"{name}:{scene.transition_line}: the {scene.transition_seconds:g} s crossfade is "
                f"longer than scene {scene.index} before it ({length:g} s)"
            )
    if board.music is not None and len(durations) == len(board.scenes):
        total = sum(durations.values())
        if total < MUSIC_MIN_SECONDS:
            raise StoryboardError(
                f"{name}:{board.music.line}: music needs a film of at least "
                f"{MUSIC_MIN_SECONDS:g} s (it fades in and out); this one lasts {total:g} s"
            )
