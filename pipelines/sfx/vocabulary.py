"""The draft engine's sound vocabulary: each concept names a synthesis recipe, its parameters and the
phrases a creator might use for it (what the text-embedding index matches prompts against)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Concept:
    """One sound the draft engine knows. ``recipe`` is a key of ``synth.RECIPES``; ``bed`` concepts
    fill the whole duration (rain, engine), the others are events; ``level_db`` balances layers."""

    name: str
    recipe: str
    phrases: tuple[str, ...]
    params: dict = field(default_factory=dict, hash=False)
    bed: bool = False
    level_db: float = 0.0
    category: str = ""


def _c(
    category: str, name: str, recipe: str, phrases: str, bed: bool = False, level_db: float = 0.0, **params
) -> Concept:
    return Concept(name, recipe, tuple(p.strip() for p in phrases.split("|")), params, bed, level_db, category)


CONCEPTS: tuple[Concept, ...] = (
    # weather
    _c(
        "weather",
        "rain",
        "rain",
        "rain|rain falling|steady rainfall|rainstorm|downpour|drizzle|raindrops|rain shower|light rain|spitting rain|wet weather|monsoon",
        True,
    ),
    _c(
        "weather",
        "heavy rain",
        "rain",
        "heavy rain|torrential downpour|pouring rain|storm rain|cloudburst|hail|hailstorm|lashing rain",
        True,
        heavy=2.0,
    ),
    _c(
        "weather",
        "rain on a tin roof",
        "rain",
        "rain on a tin roof|rain on a metal roof|rain drumming on corrugated iron|rain on a car roof",
        True,
        surface="tin",
    ),
    _c(
        "weather",
        "rain on a window",
        "rain",
        "rain on a window|rain against the glass|raindrops on a windowpane",
        True,
        surface="window",
    ),
    _c(
        "weather",
        "rain on leaves",
        "rain",
        "rain on leaves|rain in the forest|rain on an umbrella|rain on a tent",
        True,
        surface="leaves",
    ),
    _c("weather", "thunder", "thunder", "thunder|thunderclap|rolling thunder|lightning strike|distant rumble"),
    _c(
        "weather",
        "thunderstorm",
        "thunder",
        "thunderstorm|storm with thunder and rain|lightning storm|stormy night",
        True,
        storm=True,
    ),
    _c(
        "weather",
        "wind",
        "wind",
        "wind|wind blowing|breeze|gusts of wind|windy day|gale|a draught|blustery weather|wind on a hilltop",
        True,
    ),
    _c(
        "weather",
        "howling wind",
        "wind",
        "howling wind|wind whistling|blizzard|storm wind|wind through a crack",
        True,
        howl=True,
    ),
    _c("weather", "rustling leaves", "leaves", "rustling leaves|leaves in the wind|trees swaying|foliage rustle", True),
    # water
    _c(
        "water",
        "stream",
        "stream",
        "stream|babbling brook|creek|river flowing|trickling water|rivulet|mountain stream|water running over rocks",
        True,
    ),
    _c("water", "waterfall", "waterfall", "waterfall|cascade|rushing water|rapids|fountain", True),
    _c(
        "water",
        "ocean waves",
        "waves",
        "ocean waves|waves crashing on the beach|surf|sea shore|seaside|waves lapping|the tide coming in|breakers|coastline|sea",
        True,
    ),
    _c("water", "dripping water", "drips", "dripping water|water drops|leaky faucet drip|drip in a cave", True),
    _c("water", "pouring water", "pour", "pouring water|filling a glass|pouring a drink|liquid being poured", True),
    _c("water", "splash", "splash", "splash|something falls into water|jumping into a pool|splashing"),
    _c("water", "tap running", "pour", "water tap running|faucet|sink filling|shower running", True, level_db=-4),
    _c("water", "boiling", "boiling", "boiling water|pot boiling|bubbling liquid|simmering", True),
    # fire
    _c(
        "fire",
        "fire",
        "fire",
        "fire|crackling fire|campfire|fireplace|burning wood|bonfire|logs burning|wood stove|hearth|flames|blaze|burning building",
        True,
    ),
    # footsteps
    _c(
        "footsteps",
        "footsteps",
        "footsteps",
        "footsteps|someone walking|walking|steps|footfalls|pacing|strolling|a person walks by|trudging|stomping",
        True,
    ),
    _c(
        "footsteps",
        "footsteps on wood",
        "footsteps",
        "footsteps on a wooden floor|walking on floorboards|steps on a wooden deck",
        True,
        surface="wood",
    ),
    _c(
        "footsteps",
        "footsteps on gravel",
        "footsteps",
        "footsteps on gravel|walking on a gravel path|crunching gravel",
        True,
        surface="gravel",
    ),
    _c(
        "footsteps",
        "footsteps in snow",
        "footsteps",
        "footsteps in snow|walking through snow|crunching snow",
        True,
        surface="snow",
    ),
    _c(
        "footsteps",
        "high heels",
        "footsteps",
        "high heels|heels clicking on a hard floor|woman walking in heels",
        True,
        surface="heels",
    ),
    _c(
        "footsteps",
        "running",
        "footsteps",
        "running footsteps|someone running|jogging|sprinting",
        True,
        surface="concrete",
        pace=2.2,
    ),
    # doors
    _c(
        "doors",
        "door knock",
        "knock",
        "knocking on a door|door knock|someone knocks|rapping on wood|knock knock|pounding on a door|"
        "banging on the door with a fist",
    ),
    _c(
        "doors",
        "door creak",
        "creak",
        "door creaking|creaky door|squeaky hinge|door creaks open|creaking floorboard|rusty gate creaking|old hinges groaning|creaking wood",
    ),
    _c(
        "doors",
        "door slam",
        "door_slam",
        "door slam|door slams shut|slamming a door|door banging|gate slamming|a door shut hard|door bangs closed",
    ),
    _c(
        "doors",
        "cupboard door",
        "door_slam",
        "cupboard door closing|kitchen cabinet shut|a drawer slammed shut|wardrobe door|closet door|locker door "
        "banging|slamming a cabinet",
        scale=0.55,
    ),
    _c(
        "doors",
        "car door",
        "door_slam",
        "car door shutting|slamming a car door|car boot closing|trunk lid slammed|van door sliding shut",
        scale=0.8,
        panel="plastic",
    ),
    _c(
        "doors",
        "door open and close",
        "door_open_close",
        "door opening and closing|door opens|door closes|closing a door",
    ),
    # impacts
    _c(
        "impacts",
        "glass breaking",
        "glass_break",
        "glass breaking|window shatters|glass shattering|a pane of glass smashes|bottle smashing|plate smashing|dishes breaking|mirror shattering|vase smashed|crockery breaking",
    ),
    _c("impacts", "glass clink", "glass_clink", "glasses clinking|a toast|clink of glasses|tapping a wine glass"),
    _c(
        "impacts",
        "wood impact",
        "wood_hit",
        "wood impact|wooden knock|chopping wood|wooden block hit|stick hitting wood|axe chopping|hatchet|splitting firewood",
    ),
    _c(
        "impacts",
        "metal clang",
        "metal_clang",
        "metal clang|metal impact|pipe hitting the floor|metal pan dropped|anvil strike",
    ),
    _c("impacts", "church bell", "bell", "church bell|bell tolling|big bell ringing|tower bell|gong"),
    _c(
        "impacts",
        "small bell",
        "small_bell",
        "shop door bell|hand bell|little bell ringing|boxing ring bell|bell dings",
    ),
    _c("impacts", "doorbell", "doorbell", "doorbell|ding dong|door chime|someone rings the bell"),
    _c("impacts", "bicycle bell", "bicycle_bell", "bicycle bell|bike bell|cyclist ringing a bell"),
    _c("impacts", "thud", "thud", "something heavy falls|a body hits the floor|heavy thud|a sack dropped|falling down"),
    _c("impacts", "punch", "punch", "punch|a fist hits someone|fist fight|a blow to the face|kick|smack"),
    _c(
        "impacts",
        "wood crash",
        "wood_crash",
        "wooden crate falls over|furniture knocked over|chair toppling|boxes tumbling",
    ),
    _c(
        "impacts",
        "car crash",
        "car_crash",
        "car crash|vehicles colliding|a collision|cars smashing together|traffic accident",
    ),
    # explosions and weapons
    _c(
        "blasts",
        "explosion",
        "explosion",
        "explosion|bomb blast|huge boom|detonation|blast|grenade|dynamite|something blows up|blowing up",
    ),
    _c(
        "blasts",
        "fireworks",
        "fireworks",
        "fireworks|firecrackers|rockets exploding in the sky|new year fireworks",
        True,
    ),
    _c(
        "blasts",
        "gunshot",
        "gunshot",
        "gunshot|pistol shot|rifle shot|gun firing|shots fired|revolver|shotgun|sniper shot|handgun|firing a gun",
    ),
    _c("blasts", "machine gun", "gunshot", "machine gun|automatic gunfire|rapid fire|submachine gun", auto=True),
    # alarms
    _c(
        "alarms",
        "police siren",
        "siren",
        "police siren|siren wailing|emergency siren|fire truck siren|police car|squad car|cop car chase|fire engine|air raid siren|tornado siren",
        True,
    ),
    _c(
        "alarms",
        "ambulance siren",
        "siren",
        "ambulance siren|two-tone siren|european siren|nee naw",
        True,
        pattern="hilo",
    ),
    _c("alarms", "alarm clock", "alarm", "alarm clock|beeping alarm|wake up alarm|digital alarm", True),
    _c("alarms", "fire alarm", "alarm", "fire alarm bell|school bell ringing|alarm bell", True, style="bell"),
    _c(
        "alarms",
        "smoke alarm",
        "alarm",
        "smoke detector beeping|smoke alarm|carbon monoxide alarm",
        True,
        style="smoke",
    ),
    # vehicles
    _c(
        "vehicles",
        "car engine",
        "engine",
        "car engine|engine idling|motor running|car idling|starting a car|car ticking over|old car|pickup truck idling",
        True,
    ),
    _c(
        "vehicles",
        "engine revving",
        "engine",
        "engine revving|car accelerating|revving engine|race car|vroom|drag race|hot rod|formula one car",
        True,
        rev=True,
        rpm=1500,
    ),
    _c(
        "vehicles",
        "car passing",
        "car_pass",
        "car passing by|car driving past|traffic|cars going by|busy road|highway|motorway|freeway traffic|city street traffic|rush hour",
        True,
    ),
    _c(
        "vehicles",
        "motorcycle",
        "engine",
        "motorcycle|motorbike|scooter|dirt bike",
        True,
        rpm=2400,
        cylinders=2,
        bright=2.0,
    ),
    _c(
        "vehicles",
        "truck",
        "engine",
        "truck|lorry|diesel engine|bus engine|tractor|bus|coach|garbage truck|delivery van|semi truck|bulldozer",
        True,
        rpm=600,
        cylinders=6,
    ),
    _c(
        "vehicles",
        "car horn",
        "horn",
        "car horn|honking|horn beeping|vehicle horn|taxi honking|hooting horn|beeping horn in traffic",
    ),
    _c(
        "vehicles",
        "jet plane",
        "jet",
        "jet plane|airplane flying overhead|jet engine|airliner|aircraft|plane taking off|plane landing|fighter jet|airport runway|passenger plane",
        True,
    ),
    _c("vehicles", "propeller plane", "propeller", "propeller plane|small airplane|cessna|biplane", True),
    _c("vehicles", "helicopter", "helicopter", "helicopter|chopper|rotor blades", True),
    _c(
        "vehicles",
        "train",
        "train",
        "train|train passing|railway|subway train|clickety clack of train wheels|freight train|locomotive|metro|underground train|tram|commuter train|steam train",
        True,
    ),
    _c("vehicles", "train horn", "train_horn", "train horn|train whistle|locomotive horn|steam whistle"),
    # animals
    _c(
        "animals",
        "dog barking",
        "dog_bark",
        "dog barking|a dog barks|puppy yapping|woof|hound barking|big dog woofing|dog woofs|yelping puppy|guard dog|terrier|dogs barking in the distance",
    ),
    _c("animals", "dog growling", "dog_growl", "dog growling|snarling dog|angry dog", True),
    _c("animals", "cat meowing", "cat_meow", "cat meowing|a cat meows|kitten|meow|hungry cat|tomcat|cat crying"),
    _c(
        "animals",
        "birds",
        "birds",
        "birds chirping|birdsong|songbirds|tweeting|dawn chorus|sparrows|robin singing|blackbird|finches|birds in the garden|twittering",
        True,
    ),
    _c("animals", "crows", "crow", "crows cawing|crow|raven|caw", True),
    _c(
        "animals",
        "crickets",
        "crickets",
        "crickets|chirping crickets at night|summer night insects|cicadas|grasshoppers|katydids",
        True,
    ),
    _c(
        "animals",
        "bees",
        "buzz",
        "bees buzzing|bee|wasp|beehive|insect buzzing|swarm of bees|bumblebee|hornet|honeybees",
        True,
        insects=8,
    ),
    _c(
        "animals",
        "fly",
        "buzz",
        "fly buzzing|housefly|bluebottle|a fly at the window|horsefly|buzzing fly",
        True,
        wingbeat=190,
    ),
    _c(
        "animals",
        "mosquito",
        "buzz",
        "mosquito whining|gnat|mosquito in the ear|midge|whining insect",
        True,
        wingbeat=600,
    ),
    _c(
        "animals",
        "rooster",
        "rooster",
        "rooster crowing|cock-a-doodle-doo|farm morning|chicken|cockerel|barnyard at dawn",
    ),
    _c("animals", "cow", "cow", "cow mooing|cattle|moo|farm animals|bull|calf|herd of cows|ox"),
    _c("animals", "sheep", "sheep", "sheep bleating|goat|lamb|baa|flock of sheep|ewe|kid goat"),
    _c("animals", "owl", "owl", "owl hooting|owl at night|hoot|tawny owl|barn owl|hooting in the woods"),
    _c("animals", "frogs", "frog", "frogs croaking|frog|toads|pond at night|bullfrog|swamp at night|tree frogs", True),
    _c("animals", "duck", "duck", "duck quacking|ducks|quack|mallard|geese honking|goose|ducks on a pond"),
    _c("animals", "wolf howl", "howl", "wolf howling|howl|coyote|werewolf|wolf pack|jackal|dog howling at night"),
    _c(
        "animals",
        "horse",
        "horse",
        "horse hooves|horse trotting|galloping horse|clip clop|hoofbeats on cobblestones|horse and cart|riding a horse|pony trotting|cavalry",
        True,
    ),
    _c("animals", "pig", "pig", "pig oinking|pig grunting|pigs in a sty|hog|piglet squealing|oink|boar|swine|pigsty"),
    _c("animals", "horse neigh", "neigh", "horse neighing|horse whinnying|a neigh|pony whinny"),
    _c(
        "animals",
        "lion roar",
        "roar",
        "lion roaring|tiger roar|roar|monster growl|beast|bear growling|dinosaur roar|big cat|jaguar|leopard",
    ),
    # household and office
    _c(
        "household",
        "clock ticking",
        "clock",
        "clock ticking|tick tock|grandfather clock|wall clock|pocket watch ticking|wristwatch|ticking timer|kitchen timer ticking",
        True,
    ),
    _c(
        "household",
        "typing",
        "typing",
        "typing on a keyboard|computer keyboard|office typing|keystrokes|laptop keys|writing an email|mechanical keyboard|keyboard clatter",
        True,
    ),
    _c("household", "typewriter", "typewriter", "typewriter|old typewriter clacking", True),
    _c(
        "household",
        "phone ringing",
        "phone_ring",
        "phone ringing|old telephone ringing|rotary phone bell|landline|telephone|office phone|the phone rings",
        True,
    ),
    _c(
        "household",
        "ringtone",
        "phone_ring",
        "mobile phone ringtone|cell phone ringing|smartphone ring",
        True,
        style="digital",
    ),
    _c("household", "sewing machine", "sewing_machine", "sewing machine|stitching fabric|tailor's machine", True),
    _c("household", "printer", "printer", "printer|printing a document|inkjet printer|office printer", True),
    _c("household", "wind chimes", "wind_chimes", "wind chimes|chimes tinkling in the breeze|windchime", True),
    _c("household", "sleigh bells", "sleigh_bells", "sleigh bells|jingle bells shaking|christmas bells jingling", True),
    _c("household", "coins", "coins", "coins dropping|loose change|coins jingling|money clinking"),
    _c("household", "keys", "keys_jingle", "keys jangling|bunch of keys|keychain"),
    _c(
        "household",
        "vacuum cleaner",
        "motor",
        "vacuum cleaner|hoover|hair dryer|hoovering the carpet|hairdryer|dust buster",
        True,
        hz=420,
        air=0.6,
    ),
    _c(
        "household",
        "blender",
        "motor",
        "blender|food processor|mixer|coffee grinder|smoothie maker|juicer|electric whisk",
        True,
        hz=300,
        air=0.3,
        load=1.0,
    ),
    _c(
        "household",
        "fan",
        "motor",
        "electric fan|air conditioner|ventilation hum|fridge hum|ceiling fan|desk fan|extractor fan|air vent|refrigerator|computer fan",
        True,
        hz=100,
        air=0.5,
        soft_air=1200,
        grind=0.0,
        hum=0.4,
        rough=0.5,
        blade_hz=7.0,
        level_db=-6,
    ),
    # tools
    _c("tools", "hammer", "hammer", "hammering a nail|hammer|carpenter hammering|construction site", True),
    _c("tools", "hand saw", "saw", "sawing wood|hand saw|carpenter sawing", True),
    _c(
        "tools",
        "power drill",
        "motor",
        "power drill|electric drill|screwdriver drill|dentist drill|cordless drill|drilling into a wall|drilling a hole|power tool|angle grinder|sander",
        True,
        hz=520,
        air=0.15,
        hum=1.0,
        grind=0.3,
        rough=0.5,
        bursts=True,
    ),
    _c(
        "tools",
        "chainsaw",
        "chainsaw",
        "chainsaw|cutting a tree|tree surgeon sawing",
        True,
    ),
    _c(
        "tools",
        "lawn mower",
        "small_engine",
        "lawn mower|mowing the grass|leaf blower|strimmer|garden machinery|mowing the lawn|weed whacker|hedge trimmer|grass cutting",
        True,
        hz=30.0,
    ),
    _c(
        "tools",
        "jackhammer",
        "jackhammer",
        "jackhammer|pneumatic drill|road works|breaking concrete|demolition hammer|drilling the pavement|roadworks crew",
        True,
    ),
    # people
    _c(
        "people",
        "applause",
        "applause",
        "applause|audience clapping|ovation|crowd claps|standing ovation|people clapping|round of applause|clapping hands|theatre audience applauding",
        True,
    ),
    _c("people", "clapping", "clapping", "one person clapping|hand claps|slow clap", True),
    _c(
        "people",
        "crowd",
        "crowd",
        "crowd talking|people chatting|busy restaurant|murmur of voices|cafe ambience|"
        "cafeteria|canteen full of people|dining hall chatter",
        True,
    ),
    _c(
        "people",
        "cheering",
        "cheering",
        "crowd cheering|stadium cheer|fans celebrating|cheers|sports crowd|football crowd|crowd goes wild|hooray|people cheering|concert crowd",
        True,
    ),
    _c(
        "people",
        "heartbeat",
        "heartbeat",
        "heartbeat|heart beating|pulse|heart thumping|heart pounding|racing heart",
        True,
    ),
    # interface
    _c("ui", "click", "click", "click|button click|mouse click|switch flick|ui tap"),
    _c("ui", "beep", "beep", "beep|bleep|short beep|microwave beep|scanner beep|a beep from a machine|electronic beep"),
    _c("ui", "notification", "chime", "notification|message alert|success chime|new email ding|app notification"),
    _c("ui", "error", "error_buzz", "error sound|wrong answer buzzer|denied|fail buzz"),
    # sci-fi
    _c("scifi", "laser", "laser", "laser|laser gun|blaster shot|ray gun|pew pew|zap"),
    _c("scifi", "power up", "power_up", "power up|charging up|level up|energy rising"),
    _c("scifi", "teleport", "teleport", "teleport|magic spell|sparkle|warp|portal opening|shimmer"),
    _c("scifi", "spaceship", "spaceship", "spaceship engine|spacecraft hum|sci-fi drone|ufo|starship", True),
    _c("scifi", "robot", "robot", "robot talking|robot beeps|droid|computer processing", True),
    # motion and cartoon
    _c(
        "cartoon",
        "whoosh",
        "whoosh",
        "whoosh|swoosh|swish|something flying past|sword swing|fast movement|arrow flying|baseball bat swing|whip through the air",
    ),
    _c("cartoon", "boing", "boing", "boing|cartoon spring|bounce|jumping cartoon"),
    _c("cartoon", "slide whistle", "slide_whistle", "slide whistle|cartoon falling|comic whistle"),
    _c("cartoon", "pop", "pop", "pop|bubble pop|cork popping"),
    _c("blasts", "bang", "bang", "balloon popping|balloon bursts|a loud bang|cap gun|party popper"),
)

BY_NAME: dict[str, Concept] = {c.name: c for c in CONCEPTS}


def phrase_table() -> dict[str, list[str]]:
    """Concept name -> its phrases (the name itself first), as ``ConceptIndex`` wants them."""
    return {c.name: [c.name, *c.phrases] for c in CONCEPTS}
