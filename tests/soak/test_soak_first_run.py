"""A first run (make soak): a clean clone of this repository makes the example film with an empty HOME,
XDG_CACHE_HOME and STUDIO_CACHE_DIR, so every first-use step (the Kokoro model assembled from its wheels,
the embedding cache, the job journal) happens from nothing, as on a fresh machine. It uses this
interpreter's installed packages; `make demo` on a fresh machine also builds the venv."""

from __future__ import annotations

import os
import subprocess

from tests.soak.helpers import ROOT, run_measured, studio_cmd


def test_a_clean_clone_makes_the_example_with_empty_caches(tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(ROOT), str(clone)], check=True)
    home, cache = tmp_path / "home", tmp_path / "cache"
    home.mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("STUDIO_CACHE_DIR", "KOKORO_JA_CACHE", "STUDIO_DATA_DIR", "XDG_CACHE_HOME")
    }
    env.update(
        HOME=str(home),
        XDG_CACHE_HOME=str(cache),
        STUDIO_CACHE_DIR=str(cache / "studio"),
        PYTHONPATH=str(clone),
        QT_QPA_PLATFORM="offscreen",
    )
    out_dir = clone / "out"
    out_dir.mkdir()
    made = run_measured(
        studio_cmd("make", "assets/examples/lighthouse.md", "-o", "out/demo.mp4", "--project", "out/demo.studio"),
        env=env,
        timeout=3000,
        cwd=clone,
    )
    print(
        f"SOAK first run: exit {made.returncode} in {made.seconds:.0f} s, peak RSS {made.max_rss_mb:.0f} MB; "
        f"last line: {(made.stderr.strip().splitlines() or [''])[-1][:160]}"
    )
    assert made.returncode == 0, made.stderr[-3000:]
    assert (out_dir / "demo.mp4").stat().st_size > 100_000
    assert any(cache.rglob("*")), "nothing was cached under the empty cache folder"
