"""Quality of the draft sound-effect engine judged by YAMNet (AudioSet), a model nobody here wrote.

For each prompt in ``sfx_prompts.QUALITY_PROMPTS``, render 5 s at 48 kHz stereo and count a hit when one
of the expected AudioSet classes is in YAMNet's top 5. Goal: at least 75 %.

    .venv/bin/python -m tests.bench.bench_sfx_quality [--seconds 5] [--seed 0] [--save DIR] [--only WORD]
"""

from __future__ import annotations

import argparse
import time

from tests.bench.sfx_prompts import QUALITY_PROMPTS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--save", default="", help="also write each effect as a WAV into this folder")
    parser.add_argument("--only", default="", help="only prompts containing this word")
    args = parser.parse_args()

    import soundfile

    from pipelines.sfx.draft import render, variation_seed
    from pipelines.sfx.request import SoundEffectRequest
    from pipelines.sfx.understand import understand
    from tests.bench.yamnet_judge import YamNet

    judge = YamNet()
    hits, rows = 0, []
    prompts = [(p, e) for p, e in QUALITY_PROMPTS if args.only in p]
    started = time.perf_counter()
    for i, (prompt, expected) in enumerate(prompts):
        request = SoundEffectRequest(prompt=prompt, duration=args.seconds, seed=args.seed)
        understood = understand(prompt, "", request.prompt_influence)
        audio = render(request, variation_seed(request.seed, 0), understood)
        top = judge.top(audio, request.sample_rate, 5)
        ok = any(name in expected for name, _ in top)
        hits += ok
        rows.append((ok, prompt, understood.summary(), top))
        print(f"{'HIT ' if ok else 'miss'} {prompt!r:50} -> {understood.summary():40} | "
              f"{', '.join(n for n, _ in top)}", flush=True)
        if args.save:
            soundfile.write(f"{args.save}/{i:02d}.wav", audio, request.sample_rate)
    share = hits / max(1, len(prompts))
    print(f"\nYAMNet top-5 hit rate: {hits}/{len(prompts)} = {share:.0%} "
          f"(goal 75%), {args.seconds:g} s effects, seed {args.seed}, {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
