"""Quality of the draft sound-effect engine judged by YAMNet (AudioSet), a model nobody here wrote.

For each prompt in ``sfx_prompts.QUALITY_PROMPTS`` (144, by family), render 5 s at 48 kHz stereo and count
a hit when one of the expected AudioSet classes is in YAMNet's top 5 (scores averaged over 0.96 s patches).
Reports the share overall, per family and on the 54 prompts of the previous set, for each seed; with
``--speed`` it also times 10 s stereo effects on one core in the same run (median over ``SPEED_PROMPTS``).
Goal: at least 85 % on this set.

``--set heldout`` (or ``--set fresh``, a second held-out set written in round 5) judges the held-out prompts of
``sfx_prompts_heldout`` (``sfx_prompts_fresh``) instead (measure them before and
after a tuning round only; never tune on them).

    .venv/bin/python -m tests.bench.bench_sfx_quality [--set own|heldout|fresh] [--seconds 5] [--seeds 0 1] [--speed]
        [--save DIR] [--only WORD] [--family NAME] [--misses] [--suffix " in the distance" ...]

``--suffix`` adds words to every prompt: whether a sound keeps its identity when the creator places it ("in the
distance", "muffled through a wall", "up close", "in a small room").
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections import defaultdict

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

from tests.bench.sfx_prompts import PREVIOUS_PROMPTS, QUALITY_PROMPTS, SPEED_PROMPTS  # noqa: E402


def judge_seed(judge, prompts, seconds: float, seed: int, save: str, misses_only: bool) -> dict[str, list[bool]]:
    """Render and judge every prompt with one seed; returns family -> hits (one bool per prompt)."""
    import soundfile

    from pipelines.sfx.draft import render, variation_seed
    from pipelines.sfx.request import SoundEffectRequest
    from pipelines.sfx.understand import understand

    by_family: dict[str, list[bool]] = defaultdict(list)
    previous = {p for _, p, _ in PREVIOUS_PROMPTS}
    for i, (family, prompt, expected) in enumerate(prompts):
        request = SoundEffectRequest(prompt=prompt, duration=seconds, seed=seed)
        understood = understand(prompt, "", request.prompt_influence)
        audio = render(request, variation_seed(request.seed, 0), understood)
        top = judge.top(audio, request.sample_rate, 5)
        ok = any(name in expected for name, _ in top)
        by_family[family].append(ok)
        if prompt in previous:
            by_family["(previous set)"].append(ok)
        if not (misses_only and ok):
            print(
                f"{'HIT ' if ok else 'miss'} {family:10} {prompt!r:48} -> {understood.summary()[:38]:38} | "
                f"{', '.join(n for n, _ in top)}",
                flush=True,
            )
        if save:
            soundfile.write(f"{save}/{seed}-{i:03d}.wav", audio, request.sample_rate)
    return by_family


def speed(seconds: float = 10.0) -> tuple[float, float]:
    """Median CPU and wall time (s) to render a ``seconds`` stereo effect, over ``SPEED_PROMPTS``."""
    from pipelines.sfx.draft import render, variation_seed
    from pipelines.sfx.request import SoundEffectRequest
    from pipelines.sfx.understand import understand

    cpu, wall = [], []
    for prompt in SPEED_PROMPTS:
        request = SoundEffectRequest(prompt=prompt, duration=seconds, seed=0)
        understood = understand(prompt, "", request.prompt_influence)
        c0, w0 = time.process_time(), time.perf_counter()
        render(request, variation_seed(0, 0), understood)
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return statistics.median(cpu), statistics.median(wall)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=("own", "heldout", "fresh"), default="own", help="which prompt set to judge")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--speed", action="store_true", help="also time 10 s effects on one core (same run)")
    parser.add_argument("--save", default="", help="also write each effect as a WAV into this folder")
    parser.add_argument("--only", default="", help="only prompts containing this word")
    parser.add_argument("--family", default="", help="only this family")
    parser.add_argument("--misses", action="store_true", help="print only the misses")
    parser.add_argument(
        "--suffix",
        action="append",
        default=[],
        help="judge every prompt with these words added (' in the distance'); repeat for several passes",
    )
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core, as the speed goal says

    from tests.bench.yamnet_judge import YamNet

    judge = YamNet()
    if args.set == "heldout":
        from tests.bench.sfx_prompts_heldout import HELDOUT_PROMPTS as every_prompt
    elif args.set == "fresh":
        from tests.bench.sfx_prompts_fresh import FRESH_PROMPTS as every_prompt
    else:
        every_prompt = QUALITY_PROMPTS
    unknown = sorted({name for _, _, expected in every_prompt for name in expected} - set(judge.names))
    if unknown:
        raise SystemExit(f"not AudioSet classes YAMNet knows: {unknown}")
    prompts = [row for row in every_prompt if args.only in row[1] and args.family in ("", row[0])]
    started = time.perf_counter()
    summary = []
    for suffix, seed in [(suffix, seed) for suffix in args.suffix or [""] for seed in args.seeds]:
        rows = [(family, prompt + suffix, expected) for family, prompt, expected in prompts]
        by_family = judge_seed(judge, rows, args.seconds, seed, args.save, args.misses)
        every = [ok for fam, oks in by_family.items() if fam != "(previous set)" for ok in oks]
        lines = [
            f"seed {seed}{f' + {suffix.strip()!r}' if suffix else ''}: YAMNet top-5 hit rate "
            f"{sum(every)}/{len(every)} = {sum(every) / max(1, len(every)):.0%}"
        ]
        for fam in sorted(by_family):
            oks = by_family[fam]
            lines.append(f"    {fam:16} {sum(oks):3}/{len(oks):<3} = {sum(oks) / len(oks):4.0%}")
        summary += lines
    print("\n" + "\n".join(summary))
    print(
        f"({args.set} set, {len(prompts)} prompts, {args.seconds:g} s effects, goal 85%, {time.perf_counter() - started:.0f} s, "
        f"load average {os.getloadavg()[0]:.1f})"
    )
    if args.speed:
        cpu, wall = speed()
        print(
            f"speed: 10 s stereo 48 kHz, {len(SPEED_PROMPTS)} prompts, one core: median cpu {cpu * 1000:.1f} ms, "
            f"wall {wall * 1000:.1f} ms (goal <= 50 ms); load average {os.getloadavg()[0]:.1f}"
        )


if __name__ == "__main__":
    main()
