"""Genre styles: tempo, mode, chord progressions, instruments, drum and bass idioms.

Instruments are General MIDI programs (0-based); drum kits are bank-128 presets. Drum patterns
are 16-step strings per 4/4 bar (x = hit, o = accent, g = ghost); 3/4 and 6/8 bars use 12 steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field

KIT_STANDARD, KIT_ROOM, KIT_POWER, KIT_ELECTRONIC, KIT_808, KIT_JAZZ, KIT_BRUSH, KIT_ORCHESTRA = (
    0,
    8,
    16,
    24,
    25,
    32,
    40,
    48,
)
KICK, SIDE_STICK, SNARE, CLAP, CLOSED_HAT, PEDAL_HAT, OPEN_HAT, CRASH, RIDE, TAMBOURINE, SHAKER = (
    36,
    37,
    38,
    39,
    42,
    44,
    46,
    49,
    51,
    54,
    70,
)
FLOOR_TOM, LOW_TOM, MID_TOM, HIGH_TOM = 41, 45, 47, 50


@dataclass(frozen=True)
class GenreStyle:
    """Everything the composer needs to play in one genre."""

    name: str
    bpm: tuple[int, int]  # the usual tempo range; the seed picks within it
    mode: str  # the usual mode when the prompt names none
    major: tuple[str, ...]  # progressions (one chord per bar) in major keys
    minor: tuple[str, ...]  # ... and in minor keys
    harmony: int  # GM program of the chords
    lead: int  # GM program of the lead melody
    bass: int  # GM program of the bass
    kit: int  # drum kit preset (bank 128)
    drums: dict[int, str]  # drum note -> 16-step pattern
    bass_style: str  # roots, eighths, octaves, walking, reggae, root-fifth, sustain, syncopated
    comp: str  # block, strum, arp, offbeat, pad, stabs
    swing: float = 0.0  # 0 straight, 1 full triplet swing of eighths
    pad: int | None = None  # optional sustained second harmony layer (GM program)
    labels: tuple[str, ...] = ()  # AudioSet (YAMNet) class names a listener would name
    seventh: bool = False  # colour triads as sevenths when restyling into this genre
    words: tuple[str, ...] = field(default=())  # words in a prompt that pick this genre


def _p(**kw: str) -> dict[int, str]:
    names = {
        "kick": KICK,
        "snare": SNARE,
        "stick": SIDE_STICK,
        "clap": CLAP,
        "hat": CLOSED_HAT,
        "pedal": PEDAL_HAT,
        "open": OPEN_HAT,
        "ride": RIDE,
        "tamb": TAMBOURINE,
        "shaker": SHAKER,
        "floor": FLOOR_TOM,
        "low": LOW_TOM,
    }
    return {names[k]: v for k, v in kw.items()}


GENRES: dict[str, GenreStyle] = {
    s.name: s
    for s in [
        GenreStyle(
            "pop",
            (96, 124),
            "major",
            ("I V vi IV", "vi IV I V", "I vi IV V", "IV I V vi"),
            ("i bVI bIII bVII", "i bVII bVI bVII", "i iv bVI bVII"),
            0,
            25,
            33,
            KIT_STANDARD,
            _p(kick="o.......o.x.....", snare="....o.......o...", hat="x.x.x.x.x.x.x.x."),
            "eighths",
            "block",
            pad=89,
            labels=("Pop music", "Piano"),
            words=("pop", "synthpop", "dance pop"),
        ),
        GenreStyle(
            "rock",
            (110, 140),
            "major",
            ("I bVII IV I", "I IV V IV", "I V IV IV", "vi IV I V"),
            ("i bVII bVI bVII", "i bIII bVII iv", "i bVI bVII i"),
            29,
            30,
            34,
            KIT_ROOM,
            _p(kick="o.....x.o.x.....", snare="....o.......o...", hat="x.x.x.x.x.x.x.x."),
            "eighths",
            "strum",
            labels=("Rock music", "Electric guitar", "Guitar"),
            words=("rock", "punk", "grunge", "garage"),
        ),
        GenreStyle(
            "folk",
            (84, 110),
            "major",
            ("I IV I V", "I V vi IV", "I IV vi V", "vi IV I V"),
            ("i bVII bVI bVII", "i iv i V", "i bIII bVII i"),
            25,
            25,
            32,
            KIT_BRUSH,
            _p(kick="o.......x.......", stick="....x.......x...", tamb="..x...x...x...x."),
            "root-fifth",
            "strum",
            labels=("Folk music", "Acoustic guitar", "Guitar"),
            words=("folk", "indie folk", "acoustic", "singer-songwriter"),
        ),
        GenreStyle(
            "jazz",
            (100, 150),
            "major",
            ("ii7 V7 Imaj7 vi7", "Imaj7 vi7 ii7 V7", "iii7 vi7 ii7 V7", "IVmaj7 iii7 ii7 V7"),
            ("iim7b5 V7 i7 i7", "i7 iv7 bVImaj7 V7", "i7 bVII7 bVImaj7 V7"),
            0,
            66,
            32,
            KIT_JAZZ,
            _p(ride="o...x.x.o...x.x.", pedal="....x.......x...", kick="x...............", snare="..........g....."),
            "walking",
            "block",
            swing=1.0,
            labels=("Jazz", "Saxophone", "Piano"),
            seventh=True,
            words=("jazz", "swing", "bebop", "bossa"),
        ),
        GenreStyle(
            "blues",
            (70, 100),
            "major",
            ("I7 I7 I7 I7 IV7 IV7 I7 I7 V7 IV7 I7 V7", "I7 IV7 I7 V7"),
            ("i7 i7 i7 i7 iv7 iv7 i7 i7 bVI7 V7 i7 V7",),
            26,
            22,
            33,
            KIT_STANDARD,
            _p(kick="o.......o.......", snare="....o.......o...", hat="x.x.x.x.x.x.x.x."),
            "walking",
            "strum",
            swing=1.0,
            labels=("Blues", "Guitar", "Harmonica"),
            seventh=True,
            words=("blues", "bluesy"),
        ),
        GenreStyle(
            "reggae",
            (70, 90),
            "major",
            ("I IV I V", "I V vi IV", "I IV V IV", "ii V I I"),
            ("i iv i iv", "i bVII i bVII", "i iv bVII i"),
            16,
            27,
            33,
            KIT_STANDARD,
            _p(kick="o...x...o...x...", stick="........o.......", hat="..x...x...x...x."),
            "reggae",
            "offbeat",
            labels=("Reggae", "Guitar"),
            words=("reggae", "dub", "ska", "dancehall"),
        ),
        GenreStyle(
            "house",
            (120, 128),
            "minor",
            ("I vi IV V", "IVmaj7 V vi vi", "vi IV I V"),
            ("i bVI bIII bVII", "i i bVI bVII", "i7 iv7 i7 iv7"),
            81,
            4,
            38,
            KIT_ELECTRONIC,
            _p(kick="o...o...o...o...", clap="....o.......o...", open="..x...x...x...x.", hat="x.x.x.x.x.x.x.x."),
            "octaves",
            "stabs",
            pad=89,
            labels=("House music", "Electronic music", "Techno", "Synthesizer"),
            words=("house", "deep house", "disco", "edm", "dance"),
        ),
        GenreStyle(
            "techno",
            (124, 134),
            "minor",
            ("vi IV I V",),
            ("i i bVI bVII", "i i i bVII", "i bVI i bVII"),
            81,
            81,
            38,
            KIT_808,
            _p(kick="o...o...o...o...", clap="....x.......x...", open="..x...x...x...x.", hat="xxxxxxxxxxxxxxxx"),
            "syncopated",
            "stabs",
            pad=90,
            labels=("Techno", "Electronic music", "House music", "Synthesizer"),
            words=("techno", "industrial techno", "minimal techno", "trance"),
        ),
        GenreStyle(
            "hip hop",
            (82, 96),
            "minor",
            ("Imaj7 vi7 ii7 V7", "IVmaj7 iii7 vi7 vi7", "ii7 V7 Imaj7 Imaj7"),
            ("i7 iv7 bVImaj7 V7", "i7 bVII7 bVImaj7 iv7", "i7 iv7 i7 V7"),
            4,
            11,
            33,
            KIT_808,
            _p(kick="o......x..o.....", snare="....o.......o...", hat="x.x.x.x.x.x.x.x."),
            "syncopated",
            "block",
            swing=0.35,
            labels=("Hip hop music", "Electric piano", "Piano"),
            seventh=True,
            words=("hip hop", "hip-hop", "rap", "boom bap", "trap"),
        ),
        GenreStyle(
            "lo-fi",
            (70, 90),
            "major",
            ("Imaj7 vi7 ii7 V7", "IVmaj7 iii7 vi7 vi7", "ii7 V7 Imaj7 Imaj7"),
            ("i7 iv7 bVImaj7 V7", "i7 bVII7 bVImaj7 iv7"),
            4,
            11,
            33,
            KIT_BRUSH,
            _p(kick="o......x..o.....", snare="....o.......o...", hat="x.x.x.x.x.x.x.x."),
            "syncopated",
            "block",
            swing=0.5,
            labels=("Hip hop music", "Electric piano", "Piano", "Jazz"),
            seventh=True,
            words=("lo-fi", "lofi", "lo fi", "chillhop", "chill"),
        ),
        GenreStyle(
            "orchestral",
            (70, 100),
            "minor",
            ("I V vi IV", "I iii IV V", "IV V iii vi"),
            ("i bVI bIII bVII", "i bVI iv V", "i bIII bVII bVI", "i iv bVI V"),
            48,
            60,
            43,
            KIT_ORCHESTRA,
            _p(kick="o...x...o...x...", floor="o.....x...x.....", low="........o......."),
            "sustain",
            "pad",
            pad=49,
            labels=("Orchestra", "Soundtrack music", "Bowed string instrument", "String section"),
            words=("orchestral", "cinematic", "epic", "film score", "symphonic", "classical", "soundtrack"),
        ),
        GenreStyle(
            "ambient",
            (60, 80),
            "major",
            ("Iadd9 IVmaj7 viadd9 IVmaj7", "Imaj7 IVmaj7 Imaj7 IVmaj7"),
            ("i7 bVImaj7 i7 bVImaj7", "iadd9 bVImaj7 bIIImaj7 bVII"),
            89,
            46,
            38,
            KIT_ELECTRONIC,
            _p(kick="o...............", shaker="..x...x...x...x."),
            "sustain",
            "pad",
            pad=88,
            labels=("Ambient music", "Synthesizer", "New-age music"),
            seventh=True,
            words=("ambient", "drone", "new age", "atmospheric", "meditation"),
        ),
        GenreStyle(
            "drum and bass",
            (170, 176),
            "minor",
            ("vi IV I V", "I V vi IV"),
            ("i bVI bVII i", "i7 iv7 bVI bVII", "i bIII bVI bVII"),
            89,
            81,
            38,
            KIT_ELECTRONIC,
            _p(kick="o.........o.....", snare="....o.......o...", hat="x.x.x.x.x.x.x.x."),
            "syncopated",
            "pad",
            labels=("Drum and bass", "Electronic music", "Drum", "Synthesizer"),
            words=("drum and bass", "drum & bass", "dnb", "d&b", "jungle", "liquid"),
        ),
        GenreStyle(
            "country",
            (90, 120),
            "major",
            ("I IV I V", "I IV V I", "I V IV I", "I vi IV V"),
            ("i bVII i V", "i iv bVII i"),
            25,
            110,
            33,
            KIT_BRUSH,
            _p(kick="o.......o.......", snare="....o.......o...", hat="x.x.x.x.x.x.x.x."),
            "root-fifth",
            "strum",
            labels=("Country", "Acoustic guitar", "Guitar", "Violin, fiddle"),
            words=("country", "americana", "bluegrass", "honky"),
        ),
    ]
}

WALTZ = {KICK: "o...........", SNARE: "....x...x...", CLOSED_HAT: "x.x.x.x.x.x."}
SIX_EIGHT = {KICK: "o.....x.....", SNARE: "......o.....", CLOSED_HAT: "x.x.x.x.x.x."}

# Prompt words for instruments -> (GM program, role, AudioSet label); role "harmony" or "lead".
INSTRUMENTS: dict[str, tuple[int, str, str]] = {
    "grand piano": (0, "harmony", "Piano"),
    "piano": (0, "harmony", "Piano"),
    "electric piano": (4, "harmony", "Electric piano"),
    "rhodes": (4, "harmony", "Electric piano"),
    "organ": (16, "harmony", "Organ"),
    "acoustic guitar": (25, "harmony", "Acoustic guitar"),
    "electric guitar": (27, "harmony", "Electric guitar"),
    "distorted guitar": (30, "harmony", "Electric guitar"),
    "guitar": (25, "harmony", "Guitar"),
    "harp": (46, "harmony", "Harp"),
    "strings": (48, "harmony", "Bowed string instrument"),
    "pad": (89, "harmony", "Synthesizer"),
    "synth pad": (89, "harmony", "Synthesizer"),
    "choir": (52, "harmony", "Choir"),
    "marimba": (12, "lead", "Marimba, xylophone"),
    "vibraphone": (11, "lead", "Vibraphone"),
    "violin": (40, "lead", "Violin, fiddle"),
    "fiddle": (110, "lead", "Violin, fiddle"),
    "cello": (42, "lead", "Cello"),
    "trumpet": (56, "lead", "Trumpet"),
    "horn": (60, "lead", "French horn"),
    "saxophone": (65, "lead", "Saxophone"),
    "sax": (65, "lead", "Saxophone"),
    "flute": (73, "lead", "Flute"),
    "clarinet": (71, "lead", "Clarinet"),
    "harmonica": (22, "lead", "Harmonica"),
    "synth": (81, "lead", "Synthesizer"),
    "synthesizer": (81, "lead", "Synthesizer"),
    "bells": (14, "lead", "Bell"),
}
