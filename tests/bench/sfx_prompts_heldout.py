"""A held-out set for the sound-effect quality benchmark: (family, prompt, AudioSet classes that count as right).

Written before the tuning of issue 14, in everyday wording that appears neither in ``sfx_prompts`` nor in the
engine's vocabulary, covering every family of the issue. It guards against flattering ourselves: it is
measured at the start and at the end of a tuning round, never while tuning
(``python -m tests.bench.bench_sfx_quality --set heldout``).
"""

from tests.bench.sfx_prompts import _AIR, _BIRD, _CROWD, _DOG, _DOOR, _ENGINE, _GLASS, _GUN, _PHONE, _RAIN, _SIREN

_STEPS = ("Walk, footsteps", "Run", "Shuffle")
_CLAPS = ("Applause", "Clapping", "Crowd", "Cheering")
_CHEER = ("Cheering", "Crowd", "Applause", "Roar", "Chatter", "Yell", "Shout", "Children shouting")
_TICK = ("Tick-tock", "Tick", "Clock", "Mechanisms")
_BOOM = ("Explosion", "Boom", "Burst, pop", "Thunder", "Bang", "Fireworks", "Firecracker", "Artillery fire")
_FARM = ("Animal", "Livestock, farm animals, working animals")
_SMALL_ENGINE = ("Engine", "Light engine (high frequency)", "Medium engine (mid frequency)", "Idling", "Vehicle")

HELDOUT_PROMPTS: list[tuple[str, str, tuple[str, ...]]] = [
    # one-shot events
    ("one-shots", "someone raps their knuckles on a wooden table", ("Knock", "Tap", "Wood", "Thump, thud", "Door")),
    ("one-shots", "the front door is slammed in anger", _DOOR),
    ("one-shots", "a drinking glass falls and breaks", _GLASS),
    ("one-shots", "a revolver is fired in a canyon", _GUN),
    ("one-shots", "a heavy box dropped on the ground", ("Thump, thud", "Thunk", "Bang", "Wood", "Smash, crash")),
    ("one-shots", "a metal bucket kicked over", ("Clang", "Bang", "Clatter", "Dishes, pots, and pans", "Ding")),
    # animal calls
    ("animals", "a guard dog barks at the gate", _DOG),
    ("animals", "a cat hisses and meows at night", ("Cat", "Meow", "Hiss", "Caterwaul", "Domestic animals, pets")),
    ("animals", "a goat bleating on the hillside", ("Goat", "Bleat", "Sheep") + _FARM),
    ("animals", "cattle lowing in the barn", ("Cattle, bovinae", "Moo") + _FARM),
    ("animals", "a lone wolf howls in the snow", ("Howl", "Canidae, dogs, wolves", "Animal", "Wild animals", "Dog")),
    ("animals", "a tiger growling in the jungle", ("Roaring cats (lions, tigers)", "Roar", "Growling", "Animal")),
    ("animals", "a stallion whinnies", ("Horse", "Neigh, whinny") + _FARM),
    # birds
    ("birds", "a tawny owl calling at midnight", ("Owl", "Hoot") + _BIRD),
    ("birds", "a raven croaking from a treetop", ("Crow", "Caw", "Squawk") + _BIRD),
    ("birds", "little birds twittering in a hedge", _BIRD),
    ("birds", "doves cooing in the park", ("Pigeon, dove", "Coo") + _BIRD),
    ("birds", "a cockerel wakes the farm", ("Chicken, rooster", "Crowing, cock-a-doodle-doo", "Fowl") + _FARM),
    # insects
    ("insects", "a wasp buzzing against the glass", ("Bee, wasp, etc.", "Insect", "Buzz", "Fly, housefly")),
    ("insects", "grasshoppers chirring in a meadow", ("Cricket", "Insect", "Animal", "Buzz")),
    ("insects", "a bluebottle fly in the kitchen", ("Fly, housefly", "Insect", "Buzz", "Bee, wasp, etc.")),
    # vehicles
    ("vehicles", "an old pickup truck starting up", ("Truck", "Engine starting") + _ENGINE),
    ("vehicles", "a moped puttering through the village", ("Motorcycle",) + _SMALL_ENGINE),
    ("vehicles", "an airliner landing at the airport", _AIR),
    ("vehicles", "a rescue helicopter circling above", ("Helicopter", "Aircraft", "Vehicle")),
    (
        "vehicles",
        "a tram rattling along its rails",
        (
            "Train",
            "Rail transport",
            "Railroad car, train wagon",
            "Vehicle",
            "Subway, metro, underground",
            "Clickety-clack",
        ),
    ),
    ("vehicles", "a taxi beeping its horn", ("Vehicle horn, car horn, honking", "Toot", "Vehicle", "Car")),
    ("vehicles", "a speedboat racing across the bay", ("Motorboat, speedboat", "Boat, Water vehicle") + _ENGINE),
    # machines and tools
    ("machines", "a chainsaw felling a tree", ("Chainsaw", "Power tool", "Tools", "Engine", "Lawn mower")),
    ("machines", "mowing the grass on a sunday", ("Lawn mower", "Chainsaw", "Power tool", "Tools") + _SMALL_ENGINE),
    (
        "machines",
        "a cordless drill screwing into a wall",
        ("Drill", "Power tool", "Tools", "Whir", "Dental drill, dentist's drill"),
    ),
    ("machines", "a carpenter hammering a nail", ("Hammer", "Tools", "Knock", "Tap", "Wood")),
    ("machines", "a handsaw cutting timber", ("Sawing", "Tools", "Filing (rasp)", "Sanding", "Wood")),
    ("machines", "road workers using a pneumatic drill", ("Jackhammer", "Power tool", "Tools", "Drill", "Machine gun")),
    # ringing and bells
    (
        "bells",
        "a village church bell tolls",
        ("Church bell", "Bell", "Change ringing (campanology)", "Gong", "Tubular bells"),
    ),
    ("bells", "a landline phone rings in the hallway", _PHONE),
    (
        "bells",
        "a shop door bell chimes as someone enters",
        ("Bell", "Chime", "Ding", "Doorbell", "Jingle bell", "Jingle, tinkle", "Ding-dong", "Wind chime"),
    ),
    ("bells", "a cyclist rings their bell", ("Bicycle bell", "Bell", "Jingle bell", "Ding", "Chime")),
    ("bells", "champagne flutes clinking together", ("Glass", "Chink, clink", "Ding", "Bell", "Jingle, tinkle")),
    # crowds
    ("crowds", "a theatre audience giving a standing ovation", _CLAPS),
    ("crowds", "football fans cheering in the stands", _CHEER),
    ("crowds", "a packed restaurant at dinner time", _CROWD),
    ("crowds", "a room of people clapping their hands", _CLAPS),
    ("crowds", "a market square full of chatter", _CROWD),
    # office and household
    ("household", "someone walking down the hallway", _STEPS),
    ("household", "boots stomping through snow", _STEPS + ("Crunch",)),
    ("household", "a person jogging on a path", _STEPS),
    ("household", "someone typing an email", ("Typing", "Computer keyboard", "Typewriter", "Clicking")),
    (
        "household",
        "a washing up bowl filling from the tap",
        (
            "Water tap, faucet",
            "Sink (filling or washing)",
            "Water",
            "Liquid",
            "Pour",
            "Trickle, dribble",
            "Gush",
            "Fill (with liquid)",
        ),
    ),
    ("household", "a squeaky door swinging open", ("Creak", "Squeak", "Door")),
    ("household", "a desk fan whirring", ("Mechanical fan", "Air conditioning", "Hum", "Whir")),
    (
        "household",
        "a vacuum cleaner in the living room",
        ("Vacuum cleaner", "Hair dryer", "Mechanical fan", "Blender", "Whir"),
    ),
    # sirens and alarms
    ("alarms", "a police siren in the distance", _SIREN),
    (
        "alarms",
        "a digital alarm clock beeping",
        ("Alarm clock", "Alarm", "Beep, bleep", "Buzzer", "Smoke detector, smoke alarm"),
    ),
    ("alarms", "a tornado warning siren", _SIREN),
    # clocks
    ("clocks", "a ticking clock on the mantelpiece", _TICK),
    ("clocks", "an old cuckoo clock ticking away", _TICK),
    # textures
    ("textures", "light drizzle on the leaves", _RAIN),
    ("textures", "wind whistling around the house", ("Wind", "Wind noise (microphone)", "Howl", "Whistling")),
    ("textures", "a river rushing past", ("Stream", "Water", "Waterfall", "Gush", "Trickle, dribble")),
    ("textures", "ocean waves at night", ("Ocean", "Waves, surf", "Water")),
    ("textures", "logs burning in a stove", ("Fire", "Crackle")),
    ("textures", "distant thunder rumbling", ("Thunder", "Thunderstorm", "Rumble", "Rain")),
    # explosions
    ("explosions", "a bomb explodes nearby", _BOOM),
    ("explosions", "a new year's fireworks display", _BOOM),
    ("explosions", "a gas tank blows up", _BOOM),
]
