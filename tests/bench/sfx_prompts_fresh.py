"""A second held-out set for the sound-effect quality benchmark: (family, prompt, AudioSet classes that count
as right).

Written by the lead at the start of issue 14's round 5, before that round's tuning, in the words a creator
types (not the engine's vocabulary, and none of them in ``sfx_prompts`` or ``sfx_prompts_heldout``), covering
every family of the issue. Like the first held-out set it is measured at the start and at the end of a round,
never while tuning: ``python -m tests.bench.bench_sfx_quality --set fresh``.
"""

from tests.bench.sfx_prompts import _AIR, _BIRD, _CROWD, _DOG, _DOOR, _ENGINE, _GLASS, _GUN, _PHONE, _RAIN, _SIREN

_STEPS = ("Walk, footsteps", "Run", "Shuffle")
_THUD = ("Thump, thud", "Thunk", "Bang", "Wood", "Smash, crash", "Knock")
_METAL = ("Clang", "Bang", "Clatter", "Dishes, pots, and pans", "Ding", "Chink, clink")
_FARM = ("Animal", "Livestock, farm animals, working animals")
_CHEER = ("Cheering", "Crowd", "Applause", "Roar", "Chatter", "Yell", "Shout", "Children shouting")
_TICK = ("Tick-tock", "Tick", "Clock", "Mechanisms")
_BOOM = ("Explosion", "Boom", "Burst, pop", "Thunder", "Bang", "Fireworks", "Firecracker", "Artillery fire")
_WATER = ("Water", "Stream", "Gurgling", "Waterfall", "Liquid", "Trickle, dribble")
_TRAIN = (
    "Train",
    "Rail transport",
    "Railroad car, train wagon",
    "Train wheels squealing",
    "Subway, metro, underground",
)
_TOOLS = ("Power tool", "Drill", "Tools", "Sawing", "Electric shaver, electric razor", "Mechanisms")

FRESH_PROMPTS: list[tuple[str, str, tuple[str, ...]]] = [
    # one-shot events
    ("one-shots", "a suitcase thrown onto the bed", _THUD),
    ("one-shots", "somebody drops a heavy book on the desk", _THUD + ("Slap, smack",)),
    ("one-shots", "a wine bottle smashes on the tiles", _GLASS),
    ("one-shots", "a shotgun blast in the field", _GUN),
    ("one-shots", "the garage door bangs shut", _DOOR),
    ("one-shots", "a saucepan lid dropped on the kitchen floor", _METAL),
    ("one-shots", "a champagne cork popping", ("Burst, pop", "Bang", "Gunshot, gunfire", "Cap gun")),
    ("one-shots", "a tree branch snaps", ("Crack", "Wood", "Breaking", "Splinter", "Chop", "Whip")),
    ("one-shots", "knocking politely on an office door", ("Knock", "Door", "Tap", "Wood", "Thump, thud")),
    ("one-shots", "a firecracker goes off in the alley", _BOOM + _GUN),
    # animal calls
    ("animals", "a puppy yapping in the kitchen", _DOG),
    ("animals", "an angry cat yowling outside", ("Cat", "Meow", "Caterwaul", "Hiss", "Domestic animals, pets")),
    ("animals", "a donkey braying", ("Horse", "Neigh, whinny") + _FARM),
    ("animals", "pigs snorting in the mud", ("Pig", "Oink") + _FARM),
    ("animals", "a lamb calling for its mother", ("Sheep", "Bleat", "Goat") + _FARM),
    ("animals", "a pack of dogs barking in the distance", _DOG),
    ("animals", "a horse trotting down a cobbled street", ("Horse", "Clip-clop") + _FARM),
    ("animals", "a mouse squeaking", ("Mouse", "Squeak", "Rodents, rats, mice", "Animal")),
    # birds
    ("birds", "a parrot squawking in its cage", ("Squawk",) + _BIRD),
    ("birds", "a woodpecker drumming on a tree", ("Bird", "Animal", "Wild animals", "Knock", "Tap", "Wood")),
    ("birds", "morning birdsong in the garden", _BIRD),
    ("birds", "a flock of geese honking overhead", ("Goose", "Honk", "Fowl") + _BIRD),
    # bells and ringing
    ("bells", "a church bell tolling for a funeral", ("Bell", "Church bell", "Jingle bell", "Ding-dong", "Chime")),
    (
        "bells",
        "the ice cream van chime",
        ("Chime", "Music", "Bell", "Jingle bell", "Ding", "Ice cream truck, ice cream van"),
    ),
    ("bells", "an old rotary phone ringing", _PHONE),
    (
        "bells",
        "a bell on a shop door as a customer walks in",
        ("Bell", "Jingle bell", "Ding", "Chime", "Jingle, tinkle"),
    ),
    ("bells", "a boxing bell rings for the round", ("Bell", "Ding", "Ding-dong", "Alarm", "Chime")),
    # crowds
    ("crowds", "a busy cafe at lunchtime", _CROWD + ("Inside, public space", "Dishes, pots, and pans")),
    ("crowds", "fans cheering as the team scores", _CHEER),
    ("crowds", "an audience clapping politely after a speech", ("Applause", "Clapping", "Crowd", "Cheering")),
    ("crowds", "kids laughing and shouting in a playground", ("Children playing", "Children shouting") + _CHEER),
    ("crowds", "a protest crowd chanting in the street", _CHEER + _CROWD),
    # household and office
    ("household", "a microwave beeping when it is done", ("Beep, bleep", "Microwave oven", "Alarm", "Ding")),
    ("household", "a toilet being flushed", ("Toilet flush", "Water", "Liquid", "Pour", "Gurgling")),
    ("household", "brushing teeth with an electric toothbrush", ("Electric toothbrush", "Toothbrush") + _TOOLS),
    ("household", "a hair dryer running", ("Hair dryer", "Mechanical fan", "Vacuum cleaner", "Whir") + _TOOLS),
    ("household", "water filling a bathtub", _WATER + ("Bathtub (filling or washing)", "Pour", "Fill (with liquid)")),
    ("household", "a washing machine on its spin cycle", ("Mechanisms", "Whir", "Vacuum cleaner")),
    ("household", "scissors cutting paper", ("Scissors", "Rustle", "Crumpling, crinkling", "Tearing")),
    ("household", "someone tapping a pen on a desk", ("Tap", "Knock", "Wood", "Tick", "Clicking")),
    ("household", "slippers shuffling across the kitchen", _STEPS),
    ("household", "a mobile phone vibrating on a table", ("Buzz", "Vibration", "Telephone", "Ringtone", "Mechanisms")),
    # machines and tools
    ("machines", "an electric drill boring into a wall", _TOOLS),
    ("machines", "a table saw cutting a plank", ("Sawing", "Power tool", "Tools", "Drill", "Wood")),
    (
        "machines",
        "a petrol lawn mower starting up",
        ("Lawn mower", "Engine", "Light engine (high frequency)") + _ENGINE,
    ),
    ("machines", "a factory conveyor belt clanking", ("Mechanisms", "Clatter", "Machine gun", "Rattle", "Clang")),
    ("machines", "an air conditioner humming", ("Air conditioning", "Mechanical fan", "Hum", "Whir", "Mains hum")),
    ("machines", "a cement mixer turning", ("Mechanisms", "Engine", "Rattle", "Rumble", "Idling")),
    # vehicles
    ("vehicles", "a racing car speeding past", _ENGINE + ("Race car, auto racing", "Accelerating, revving, vroom")),
    ("vehicles", "a lorry reversing with its beeper on", ("Reversing beeps", "Beep, bleep", "Truck") + _ENGINE),
    ("vehicles", "a small plane flying overhead", _AIR),
    ("vehicles", "a motor boat out on the lake", ("Motorboat, speedboat", "Boat, Water vehicle") + _ENGINE),
    ("vehicles", "a steam locomotive chugging along", _TRAIN + ("Steam", "Steam whistle", "Train whistle")),
    ("vehicles", "a scooter buzzing through traffic", ("Motorcycle", "Light engine (high frequency)") + _ENGINE),
    ("vehicles", "a police helicopter circling", ("Helicopter",) + _AIR),
    # alarms and sirens
    ("alarms", "an ambulance racing to the hospital", _SIREN),
    ("alarms", "a car alarm going off in the car park", ("Car alarm", "Alarm", "Siren", "Beep, bleep", "Buzzer")),
    ("alarms", "the smoke detector chirping", ("Smoke detector, smoke alarm", "Alarm", "Beep, bleep", "Buzzer")),
    ("alarms", "an air raid siren wailing over the city", _SIREN + ("Civil defense siren",)),
    # clocks
    ("clocks", "a kitchen timer ticking down", _TICK),
    ("clocks", "an old pocket watch ticking in the silence", _TICK),
    # insects
    ("insects", "cicadas buzzing in the summer heat", ("Cricket", "Insect", "Buzz") + _BIRD[3:]),
    ("insects", "a wasp trapped against the window", ("Insect", "Bee, wasp, etc.", "Buzz", "Fly, housefly")),
    # textures
    ("textures", "a thunderstorm rolling in over the hills", ("Thunder", "Thunderstorm", "Rain") + _RAIN),
    ("textures", "rain drumming on a car roof", _RAIN + ("Thunderstorm",)),
    ("textures", "a campfire crackling under the stars", ("Fire", "Crackle", "Wood")),
    (
        "textures",
        "wind whistling through a gap in the window",
        ("Wind", "Rustling leaves", "Wind noise (microphone)", "Rustle", "Howl", "Whistling"),
    ),
    ("textures", "a babbling brook in the woods", _WATER),
    ("textures", "waves crashing on a rocky shore", ("Ocean", "Waves, surf", "Water", "Wind", "Splash, splatter")),
    # explosions
    ("explosions", "a car bomb explodes", _BOOM),
    ("explosions", "cannons firing from a ship", _BOOM + _GUN),
]
