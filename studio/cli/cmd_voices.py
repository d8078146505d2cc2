"""``studio voices``: the voices installed for voice-over, and where to add more."""

from __future__ import annotations

import argparse


def register(subparsers) -> None:
    p = subparsers.add_parser("voices", help="list the installed voices for voice-over",
                              description="List the Kokoro voices (bundled and voice packs from the models folder) "
                                          "and the espeak-ng fallback.")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=run_voices)


def run_voices(args: argparse.Namespace) -> int:
    import json

    from pipelines.voice.kokoro_model import voices_dir
    from pipelines.voice.speech import list_voices

    voices = list_voices()
    if args.json:
        print(json.dumps([{"engine": "kokoro", **v.__dict__} for v in voices], indent=1))
        return 0
    print(f"{'voice':<16} {'language':<9} {'gender':<8} source")
    for v in voices:
        print(f"{v.name:<16} {v.language:<9} {v.gender:<8} {v.source}")
    print(f"\nAdd Kokoro voice packs (.npz, voices-v1.0.bin or one-voice .npy; not .pt) to {voices_dir()}")
    print("The espeak engine (--engine espeak) takes espeak-ng voices such as en-us, en-gb, en-us+f3, en-us+m3.")
    return 0
