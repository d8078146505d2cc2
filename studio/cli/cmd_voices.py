"""``studio voices``: the voices each voice engine offers (through the registry), and where to add more."""

from __future__ import annotations

import argparse


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "voices",
        help="list the installed voices for voice-over and singing",
        description="List each voice engine's voices (language, gender, accent) as the "
        "engine reports them: Kokoro's bundled English and Japanese voices and "
        "voice packs from the models folder, then espeak-ng's.",
    )
    p.add_argument("--engine", help="only this voice engine (kokoro, espeak)")
    p.add_argument("--language", help="only voices of this language (en, en-gb, ja ...)")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=run_voices)


def engine_voices(engine: str | None = None) -> list[tuple[str, list[dict], str]]:
    """(engine, voices, note) for each voice engine that can list its voices without loading a model.
    Neural engines are skipped: their classes import torch."""
    from pipelines import registry

    specs = [registry.spec("voice", engine)] if engine else registry.engines("voice")
    out = []
    for spec in specs:
        if spec.test or spec.neural:
            continue
        cls = spec.load_class()
        if hasattr(cls, "voices"):
            note = cls.voices_note() if hasattr(cls, "voices_note") else ""
            out.append((spec.engine, cls.voices(), note))
    return out


def run_voices(args: argparse.Namespace) -> int:
    import json

    from pipelines.base import RequestError

    try:
        listed = engine_voices(args.engine)
    except RequestError as exc:
        print(f"studio voices: {exc}")
        return 2
    if args.language:
        want = args.language.lower()
        listed = [
            (e, [v for v in vs if v["language"] == want or v["language"].split("-")[0] == want], n)
            for e, vs, n in listed
        ]
    if args.json:
        print(json.dumps([{"engine": e, **v} for e, vs, _ in listed for v in vs], indent=1))
        return 0
    print(f"{'engine':<7} {'voice':<16} {'language':<9} {'gender':<7} {'accent':<18} source")
    for engine, voices, _ in listed:
        for v in voices:
            print(f"{engine:<7} {v['name']:<16} {v['language']:<9} {v['gender']:<7} {v['accent']:<18} {v['source']}")
    for engine, _, note in listed:
        if note:
            print(f"\n{engine}: {note}")
    return 0
