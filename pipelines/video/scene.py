"""From a prompt to a scene: which environment, light, weather, subjects, camera move, style and title.

Exact words are read first; then each clause of the prompt is matched by meaning against the
vocabulary with the shared sentence-embedding index (``pipelines.understanding``), so "a pharos on
the cliffs at twilight" finds the lighthouse, the coast and dusk. What was understood, and how, is
kept for the provenance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# concept -> (exact keywords (regex alternatives), descriptive phrases for meaning matching)
VOCABULARY: dict[str, tuple[str, list[str]]] = {
    # environments
    "env:coast": (
        r"coast\w*|ocean|sea|seaside|shore|beach|cliffs?|waves?|harbou?r|bay",
        ["a rocky coast by the ocean", "waves crashing on the shore", "a beach by the sea"],
    ),
    "env:mountains": (
        r"mountains?|valleys?|peaks?|alps|alpine|summit|ridges?",
        ["snowy mountain peaks", "a green valley between mountains", "alpine landscape"],
    ),
    "env:desert": (r"desert|dunes?|sahara|sand", ["sand dunes in a hot desert", "arid wasteland"]),
    "env:forest": (r"forests?|woods|woodland|jungle|pines?", ["a dense pine forest", "deep woods"]),
    "env:meadow": (
        r"meadows?|field of flowers|grassland|prairie|hills?",
        ["a grassy meadow with wildflowers", "rolling green hills"],
    ),
    "env:farmland": (r"farm\w*|fields|crops|countryside|wheat", ["farmland with crop fields", "rural countryside"]),
    "env:city": (r"city|skyline|downtown|skyscrapers?|metropolis|town", ["a city skyline", "urban skyscrapers"]),
    "env:snowfield": (
        r"snowfield|snowy (?:field|plain|landscape|meadow)|snow-covered|tundra|arctic|glacier|frozen|"
        r"polar|icy",
        ["a frozen snowy plain", "arctic tundra"],
    ),
    "env:lake": (r"lakes?|pond|lakeside|river", ["a calm mountain lake", "a still pond"]),
    "env:underwater": (
        r"underwater|undersea|under the sea|coral|reef|seabed|ocean floor|deep sea",
        ["deep under the sea", "a coral reef underwater"],
    ),
    "env:space": (
        r"space|galaxy|nebula|cosmos|orbit(?:ing)? (?:the )?(?:earth|planet)|planets?|stars? field",
        ["outer space with planets", "a nebula among the stars"],
    ),
    "env:interior": (r"room|interior|indoors|table|altar|church", ["a dark room indoors", "on a wooden table"]),
    # time of day
    "time:dawn": (r"dawn|sunrise|daybreak|first light|morning", ["sunrise at dawn", "early morning light"]),
    "time:day": (r"day|daytime|noon|midday|afternoon|sunny|bright", ["a bright sunny day", "midday sun"]),
    "time:golden hour": (
        r"golden hour|golden light|late afternoon|warm light",
        ["golden hour light", "warm late afternoon sun"],
    ),
    "time:dusk": (r"dusk|sunset|twilight|evening|sundown", ["sunset at dusk", "evening twilight"]),
    "time:night": (r"night|midnight|moonlit|nighttime|dark", ["a dark night", "moonlight at midnight"]),
    # sky and light
    "sky:clouds": (r"clouds?|cloudy|overcast", ["fluffy clouds drifting", "an overcast sky"]),
    "sky:storm": (r"storm\w*|thunder\w*|tempest", ["a thunderstorm", "a stormy sky"]),
    "sky:aurora": (r"aurora\w*|northern lights", ["the northern lights", "aurora in the night sky"]),
    "sky:sun": (r"sun|sunlit|sunshine", ["the sun shining"]),
    "sky:moon": (r"moon\w*", ["a full moon", "moonrise"]),
    "sky:stars": (r"stars?|starry|milky way", ["a starry sky", "the milky way"]),
    # weather
    "weather:rain": (r"rain\w*|drizzle|downpour|shower", ["heavy rain falling", "a drizzle"]),
    "weather:snow": (r"snow(?:ing|fall|flakes?|storm|s)|falling snow|blizzard", ["snow falling", "a blizzard"]),
    "weather:fog": (r"fog\w*|mist\w*|haze|hazy", ["thick fog rolling in", "misty morning"]),
    "weather:lightning": (r"lightning|thunderbolt", ["lightning strikes", "flashes of lightning"]),
    # subjects
    "subject:lighthouse": (r"lighthouse|beacon|pharos", ["a lighthouse on the cliff", "a coastal beacon tower"]),
    "subject:castle": (r"castle|fortress|citadel|palace|keep", ["a medieval castle", "a stone fortress"]),
    "subject:sailing ship": (
        r"ship|schooner|galleon|sail\w*|yacht|boat|clipper|pirate",
        ["a tall sailing ship", "a schooner under sail", "a pirate galleon"],
    ),
    "subject:hot air balloon": (r"balloons?|hot air", ["a hot air balloon floating", "balloons in the sky"]),
    "subject:bridge": (r"bridge|viaduct", ["a suspension bridge", "a bridge over the river"]),
    "subject:train": (r"train|locomotive|railway|railroad", ["a steam train", "a locomotive on the rails"]),
    "subject:barn": (r"barn|farmhouse|stable", ["a red barn", "a wooden farmhouse"]),
    "subject:windmill": (r"windmill|wind turbine", ["a windmill turning", "an old windmill"]),
    "subject:trees": (r"trees?|oaks?|birch", ["a lone tree", "a grove of trees"]),
    "subject:houses": (r"houses?|village|cottages?|hamlet|cabin", ["a small village", "cottages"]),
    "subject:rocket": (r"rocket|spaceship|launch|space shuttle|missile", ["a rocket launching", "a spaceship"]),
    "subject:candle": (r"candles?|candlelight|candlelit", ["a lit candle", "candlelight flickering"]),
    "subject:campfire": (r"campfire|bonfire|camp fire|fire pit", ["a campfire crackling", "a bonfire"]),
    "subject:volcano": (r"volcan\w*|lava|magma", ["an erupting volcano", "lava flowing"]),
    "subject:geyser": (r"geysers?|hot spring", ["a geyser erupting steam", "a hot spring"]),
    "subject:jellyfish": (r"jellyfish|jellies|medusa", ["glowing jellyfish drifting", "a jellyfish"]),
    "subject:fish": (r"fish|school of fish|goldfish|shoal", ["a school of fish swimming", "tropical fish"]),
    "subject:birds": (r"birds?|seagulls?|gulls?|flock|geese|swallows?", ["birds flying", "a flock of seagulls"]),
    "subject:fireflies": (r"fireflies|firefly|glowworms?", ["fireflies glowing", "tiny lights in the dusk"]),
    # camera moves
    "camera:push-in": (
        r"push(?:es|ing)?[- ]in|dolly[- ]in|zoom(?:s|ing)?[- ]in|moves? (?:closer|toward)|"
        r"approach\w*|track(?:s|ing)? in",
        ["the camera pushes in", "slow zoom in"],
    ),
    "camera:pull-out": (
        r"pull(?:s|ing)?[- ](?:out|back)|dolly[- ](?:out|back)|zoom(?:s|ing)?[- ]out|"
        r"reveal\w*|moves? away",
        ["the camera pulls back", "slow zoom out revealing"],
    ),
    "camera:pan-left": (r"pan(?:s|ning)?[- ](?:to the )?left", ["pan to the left"]),
    "camera:pan-right": (r"pan(?:s|ning)?(?:[- ](?:to the )?right)?(?! ?left)", ["pan to the right"]),
    "camera:tilt-up": (r"tilt(?:s|ing)?(?:[- ]up(?:ward)?)?(?! ?down)|crane up", ["the camera tilts up"]),
    "camera:tilt-down": (r"tilt(?:s|ing)?[- ]down(?:ward)?|crane down", ["the camera tilts down"]),
    "camera:orbit": (
        r"orbit(?:s|ing)? (?:around|the)|circl(?:es|ing) (?:around|the)|arc shot|360",
        ["the camera circles around"],
    ),
    "camera:static": (r"static|locked[- ]off|still shot|tripod", ["a static shot"]),
    "camera:handheld": (r"handheld|hand-held|shaky|documentary style", ["handheld shaky camera"]),
    # styles
    "style:noir": (r"noir|black and white|monochrome|b&w", ["film noir black and white"]),
    "style:neon": (r"neon|cyberpunk|synthwave|vaporwave", ["neon cyberpunk colours"]),
    "style:pastel": (r"pastel|soft colou?rs|dreamy", ["soft pastel colours"]),
    "style:watercolour": (r"watercolou?r|painted|painterly|illustration", ["a watercolour painting"]),
}

SUBJECT_HOME = {
    "lighthouse": "coast",
    "sailing ship": "coast",
    "castle": "meadow",
    "hot air balloon": "meadow",
    "bridge": "lake",
    "train": "farmland",
    "barn": "farmland",
    "windmill": "farmland",
    "trees": "meadow",
    "houses": "meadow",
    "rocket": "desert",
    "candle": "interior",
    "campfire": "forest",
    "volcano": "mountains",
    "geyser": "snowfield",
    "jellyfish": "underwater",
    "fish": "underwater",
    "birds": "coast",
    "fireflies": "meadow",
}
MEANING_THRESHOLD = 0.55  # cosine similarity of MiniLM sentence vectors; below this a match is a guess


@dataclass
class Scene:
    """What a shot shows, in the creator's words, plus how each part was understood."""

    environment: str = "meadow"
    time_of_day: str = "day"
    sky: list[str] = field(default_factory=list)
    weather: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    camera: str = "push-in"
    camera_speed: float = 1.0
    style: str = ""
    title: str = ""
    understood: list[dict] = field(default_factory=list)
    method: str = "keywords"

    def to_dict(self) -> dict:
        return {
            k: getattr(self, k)
            for k in (
                "environment",
                "time_of_day",
                "sky",
                "weather",
                "subjects",
                "camera",
                "camera_speed",
                "style",
                "title",
                "method",
                "understood",
            )
        }


_index = None


def concept_index():
    """The shared meaning index over the vocabulary (built lazily; the model loads on first match)."""
    global _index
    if _index is None:
        from pipelines.understanding import ConceptIndex

        _index = ConceptIndex({k: v[1] for k, v in VOCABULARY.items()})
    return _index


def _title(prompt: str) -> tuple[str, str]:
    """Pull a quoted or "title:" text out of the prompt; returns (title, prompt without it)."""
    m = re.search(r"(?:title[ds]?:?\s*)?[\"\u201c]([^\"\u201d]{1,60})[\"\u201d]", prompt, re.IGNORECASE)
    if m:
        return m.group(1).strip(), prompt[: m.start()] + prompt[m.end() :]
    m = re.search(r"\btitle[ds]?:\s*(.{1,60}?)(?:[.,;]|$)", prompt, re.IGNORECASE)
    if m:
        return m.group(1).strip(), prompt[: m.start()] + prompt[m.end() :]
    return "", prompt


def parse_scene(prompt: str, camera: str = "", use_meaning: bool = True) -> Scene:
    """Read ``prompt`` into a Scene; an explicit ``camera`` overrides the one in the text."""
    title, text = _title(prompt or "")
    lower = text.lower()
    found: dict[str, dict] = {}
    for concept, (pattern, _) in VOCABULARY.items():
        m = re.search(rf"\b(?:{pattern})\b", lower)
        if m:
            found[concept] = {"concept": concept, "from": m.group(0), "how": "word", "score": 1.0}
    scene = Scene(title=title)
    word_kinds = {c.partition(":")[0] for c in found}  # meaning only fills in kinds the words left open
    if use_meaning and text.strip():
        index = concept_index()
        for clause, matches in index.match_clauses(text, top_k=4):
            scene.method = matches.method
            if matches.method != "embedding":
                break
            for concept, score in matches[:2]:
                kind = concept.partition(":")[0]
                if score >= MEANING_THRESHOLD and kind not in word_kinds and kind != "camera" and concept not in found:
                    found[concept] = {"concept": concept, "from": clause, "how": "meaning", "score": score}
    scene.understood = sorted(found.values(), key=lambda d: d["concept"])
    by_kind: dict[str, list[str]] = {}
    for concept in found:
        kind, _, name = concept.partition(":")
        by_kind.setdefault(kind, []).append(name)
    order = {concept.partition(":")[2]: i for i, concept in enumerate(VOCABULARY)}  # vocabulary order
    for names in by_kind.values():
        names.sort(key=lambda n: min((lower.find(w) for w in n.split() if w in lower), default=999))
    scene.subjects = by_kind.get("subject", [])[:3]
    envs = by_kind.get("env", [])
    if "underwater" in envs:
        envs = ["underwater"]
    elif "space" in envs and "rocket" not in scene.subjects:
        envs = ["space"]
    scene.environment = (
        envs[0] if envs else SUBJECT_HOME.get(scene.subjects[0], "meadow") if scene.subjects else "meadow"
    )
    times = sorted(by_kind.get("time", []), key=lambda n: -found[f"time:{n}"]["score"])
    scene.time_of_day = times[0] if times else ("night" if scene.environment in ("space", "interior") else "day")
    scene.sky = sorted(by_kind.get("sky", []), key=lambda n: order.get(n, len(order)))  # type: ignore[arg-type]
    scene.weather = sorted(by_kind.get("weather", []), key=lambda n: order.get(n, len(order)))  # type: ignore[arg-type]
    if "storm" in scene.sky and "rain" not in scene.weather:
        scene.weather.append("rain")
    styles = by_kind.get("style", [])
    scene.style = styles[0] if styles else ""
    moves = by_kind.get("camera", [])
    if camera:
        scene.camera = camera
    elif moves:
        scene.camera = next((m for m in moves if m not in ("pan-right", "tilt-up")), moves[0])
    else:
        scene.camera, scene.camera_speed = "push-in", 0.4
    if re.search(r"\bslow(?:ly)?\b|gentle|subtle", lower):
        scene.camera_speed *= 0.7
    if re.search(r"\bfast\b|quick(?:ly)?|rapid|whip", lower):
        scene.camera_speed *= 1.6
    return scene
