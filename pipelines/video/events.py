"""What happens in a draft shot and when, for sound that follows the picture: lightning flashes (and when
their thunder arrives), waves breaking, rain and its density, fire, a passing train, birds, wind.

``shot_events(scene, duration, seed)`` reads the same seeded timings the renderer draws with
(``effects.lightning_strikes``, ``wave_breaks``), so every event listed is on screen at that time.
The draft video engine stores the result in its provenance ("events") and as ``<shot>.events.json``.
"""

from __future__ import annotations

from pipelines.video.noise import rng

SPEED_OF_SOUND = 343.0  # m/s
SCHEMA = "ShotEvents.1"


def wave_breaks(seed: int, duration: float) -> tuple[float, float, list[float]]:
    """(period s, first break s, break times s) of the surf on a shot's open sea."""
    gen = rng(seed, "surf")
    period = float(gen.uniform(4.0, 6.5))
    first = float(gen.uniform(0.4, 1.6))
    times, t = [], first
    while t < duration - 0.2:
        times.append(round(t, 3))
        t += period
    return period, first, times


def surf_level(t: float, period: float, first: float) -> float:
    """How bright the foam is at ``t`` (about 0.6 calm, up to 1.8 just after a break)."""
    import math

    age = (t - first) % period
    before = period - age
    swell = math.exp(-age / 0.9) if t >= first else 0.0
    return 0.6 + 1.2 * swell + 0.3 * math.exp(-before / 0.5)


def _thunder_distance(seed: int, index: int, flash: float, duration: float) -> float:
    """Metres to a strike: random, but near enough that its thunder arrives before the shot ends if it can."""
    gen = rng(seed, f"thunder{index}")
    far = min(1500.0, max(150.0, (duration - flash - 0.4) * SPEED_OF_SOUND))
    return round(float(gen.uniform(150.0, far)), 1)


def shot_events(scene, duration: float, seed: int) -> dict:
    """The shot's sound-relevant events: ``{"schema", "duration", "events": [...], "beds": [...]}``.

    Each event has a time ``t`` (s) and a ``kind``: "lightning" (with ``distance_m`` and ``thunder_t``,
    when its thunder arrives) or "wave break". Beds run the whole shot: "rain" (``density`` 0..1),
    "sea", "fire", "train", "birds", "wind", "city". ``scene`` is a ``scene.Scene``.
    """
    from pipelines.video.effects import lightning_strikes

    events: list[dict] = []
    beds: list[dict] = []
    weather, sky, subjects, env = scene.weather, scene.sky, scene.subjects, scene.environment
    if "lightning" in weather or "storm" in sky:
        for i, flash in enumerate(lightning_strikes(seed, duration)):
            distance = _thunder_distance(seed, i, flash, duration)
            events.append(
                {
                    "t": round(flash, 3),
                    "kind": "lightning",
                    "distance_m": distance,
                    "thunder_t": round(flash + distance / SPEED_OF_SOUND, 3),
                }
            )
    if env == "coast":
        period, _, breaks = wave_breaks(seed, duration)
        beds.append({"kind": "sea", "period_s": round(period, 3)})
        events += [{"t": t, "kind": "wave break"} for t in breaks]
    elif env == "lake":
        beds.append({"kind": "lake"})
    if "rain" in weather:
        beds.append({"kind": "rain", "density": 1.0 if "storm" in sky else 0.5})
    if "snow" in weather or env == "snowfield" or "storm" in sky:
        beds.append({"kind": "wind", "strength": 1.0 if "storm" in sky else 0.5})
    for name in ("campfire", "candle"):
        if name in subjects:
            beds.append({"kind": "fire", "what": name})
    if "train" in subjects:
        beds.append({"kind": "train"})
    if "birds" in subjects or (env in ("forest", "meadow") and scene.time_of_day in ("dawn", "day")):
        beds.append({"kind": "birds"})
    if env == "city":
        beds.append({"kind": "city"})
    events.sort(key=lambda e: e["t"])
    return {"schema": SCHEMA, "duration": round(float(duration), 3), "seed": seed, "events": events, "beds": beds}
