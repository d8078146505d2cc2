"""Words that change how a sound is rendered: distance, size, muffling, material, space, speed,
loudness and counts. ``read_modifiers(text)`` returns what it found; the mixer applies it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "a couple of": 2,
    "a few": 3,
    "several": 4,
}
_EVENT_NOUNS = (
    "times|knocks|shots|gunshots|barks|beeps|claps|hits|strikes|rings|blasts|explosions|clicks|"
    "meows|slams|bangs|pops|zaps|chimes|tolls|steps|footsteps|thuds|booms|honks|quacks|hoots|woofs"
)
_COUNT = re.compile(rf"\b(\d+|{'|'.join(_NUMBERS)})\s+(?:\w+\s+)?(?:{_EVENT_NOUNS})\b", re.I)
_ONCE = {"once": 1, "twice": 2, "thrice": 3}

# (pattern, field, value): the first matching pattern per field wins, in this order.
_RULES: list[tuple[str, str, object]] = [
    (r"very (?:distant|far)|far,? far away|miles away", "distance", 1.6),
    (r"\bdistant\b|far away|far off|in the distance|from afar|faraway|far-off|\bremote\b", "distance", 1.0),
    (
        r"\bclose[- ]?up\b|\bup close\b|\bclose\b|\bnearby\b|right next to|\bnear\b|in your face|close mic",
        "distance",
        -1.0,
    ),
    (r"\b(?:enormous|gigantic|colossal|massive|huge|giant)\b", "size", 2.2),
    (r"\b(?:large|big|heavy|deep|thick)\b", "size", 1.6),
    (r"\b(?:tiny|miniature|little|small|light|thin)\b", "size", 0.6),
    (
        r"\bmuffled\b|through (?:a|the) wall|behind (?:a|the) (?:door|wall)|next room|another room|underwater|"
        r"from outside the window",
        "muffled",
        True,
    ),
    (r"\bmetal(?:lic)?\b|\bsteel\b|\biron\b|\btin\b|\bbrass\b", "material", "metal"),
    (r"\bwood(?:en)?\b|\btimber\b", "material", "wood"),
    (r"\bglass\b|\bcrystal\b", "material", "glass"),
    (r"\bcanyon\b|\bgorge\b|\bravine\b|\bquarry\b|\bcliffs?\b|\bvalley\b", "space", "canyon"),
    (r"\bcaves?\b|\bcavern\b|\btunnel\b|\bunderground\b|\bsewer\b", "space", "cave"),
    (
        r"\bhall\b|\bchurch\b|\bcathedral\b|\bauditorium\b|\bwarehouse\b|\bgym\b|\barena\b|\bstairwell\b",
        "space",
        "hall",
    ),
    (r"\bbathroom\b|\btiled\b|\bkitchen\b", "space", "bathroom"),
    (r"\bindoors?\b|\binside\b|\broom\b|\bcorridor\b|\bhallway\b|\boffice\b|\bhouse\b", "space", "room"),
    (r"\boutdoors?\b|\boutside\b|open field|open air|\bforest\b|\bstreet\b|\bmeadow\b", "space", "outdoor"),
    (r"\bvery (?:fast|quick)\b|\bfrantic\b", "speed", 2.0),
    (r"\b(?:fast|quick|quickly|rapid|rapidly|hurried|frantic)\b", "speed", 1.6),
    (r"\b(?:slow|slowly|lazy|lazily|leisurely|sluggish)\b", "speed", 0.6),
    (r"\bvery (?:soft|quiet|faint)\b|\bbarely audible\b", "loudness_db", -14.0),
    (r"\b(?:soft|softly|quiet|quietly|gentle|gently|faint|subtle|light|lightly)\b", "loudness_db", -8.0),
    (r"\b(?:loud|loudly|powerful|intense|violent|strong|heavy|booming|deafening)\b", "loudness_db", 4.0),
]
_COMPILED = [(re.compile(p, re.I), f, v) for p, f, v in _RULES]
# A size word that qualifies the place ("in a small room", "through a huge empty hall") says nothing about the
# sound's source: "a dog barking in a small room" is not a small dog ("a small kitchen cupboard" is small).
_SIZED_PLACE = re.compile(
    r"\b(?:in|inside|into|through|across|around|along|down|at|from|throughout|filling)\s+"
    r"(?:(?:a|an|the|this|that|my|our|their|his|her)\s+)?(?:enormous|gigantic|colossal|massive|huge|giant|large|big|tiny|miniature|little|small)\s+(?:\w+\s+)?"
    r"(?:rooms?|halls?|caves?|caverns?|church|cathedral|warehouse|kitchen|bathroom|office|house|corridor|hallway|"
    r"studio|chamber|canyon|valley|arena|stadium|gym|auditorium|tunnel|garage|barn|space)\b",
    re.I,
)


@dataclass(frozen=True)
class Modifiers:
    """What the words asked for. ``distance``: -1 close, 0 as is, 1 distant, 1.6 very distant;
    ``size``: pitch and decay scale (2 large, 0.6 small); ``space``: "", "room", "bathroom", "hall", "cave",
    "canyon" (open air between rock walls that echo) or "outdoor"; ``count``: number of events or None;
    ``loudness_db``: level change."""

    distance: float = 0.0
    size: float = 1.0
    muffled: bool = False
    material: str = ""
    space: str = ""
    speed: float = 1.0
    loudness_db: float = 0.0
    count: int | None = None
    words: tuple[str, ...] = field(default=())

    def merged(self, outer: Modifiers) -> Modifiers:
        """These modifiers, with ``outer``'s filling what these leave at the default."""
        base = Modifiers()
        return Modifiers(
            **{
                name: getattr(self, name) if getattr(self, name) != getattr(base, name) else getattr(outer, name)
                for name in self.__dataclass_fields__
                if name != "words"
            },
            words=tuple(dict.fromkeys(self.words + outer.words)),
        )

    def describe(self) -> list[str]:
        """Short labels for provenance: ["distant", "large", "in a cave", "x3"]."""
        out = []
        if self.distance:
            out.append("very distant" if self.distance > 1.2 else "distant" if self.distance > 0 else "close")
        if self.size != 1.0:
            out.append("huge" if self.size > 2 else "large" if self.size > 1 else "small")
        if self.muffled:
            out.append("muffled")
        if self.material:
            out.append(f"{self.material}")
        if self.space:
            out.append("outdoors" if self.space == "outdoor" else f"in a {self.space}")
        if self.speed != 1.0:
            out.append("fast" if self.speed > 1 else "slow")
        if self.loudness_db:
            out.append("loud" if self.loudness_db > 0 else "soft")
        if self.count:
            out.append(f"x{self.count}")
        return out


def read_modifiers(text: str) -> Modifiers:
    """Find modifier words in ``text`` ("distant heavy door slams twice" -> distance 1, size 1.6, count 2)."""
    found: dict[str, object] = {}
    words: list[str] = []
    unsized = _SIZED_PLACE.sub(" ", text)
    for pattern, name, value in _COMPILED:
        m = pattern.search(unsized if name == "size" else text)
        if m and name not in found:
            found[name] = value
            words.append(m.group(0).lower())
    count = None
    if m := _COUNT.search(text):
        token = m.group(1).lower()
        count = int(token) if token.isdigit() else _NUMBERS[token]
        words.append(m.group(0).lower())
    elif m := re.search(r"\b(once|twice|thrice)\b", text, re.I):
        count = _ONCE[m.group(1).lower()]
        words.append(m.group(0).lower())
    elif m := re.search(r"\b(?:a single|one single|just one|a lone|one)\b", text, re.I):
        count = 1
        words.append(m.group(0).lower())
    if count is not None:
        found["count"] = max(1, min(count, 50))
    return Modifiers(**found, words=tuple(words))  # type: ignore[arg-type]
