"""The GUI thread never waits on generation or rendering: a heartbeat timer keeps ticking while a generation and
a render run (a wait would stall it for the seconds the job takes), and start-up does not import torch or
diffusers. How short the stalls are (goal: none over 50 ms on a quiet machine) is a benchmark figure, not a test:
``python -m tests.bench.bench_gui --stalls PROJECT``."""

from __future__ import annotations

import subprocess
import sys
import time

from PySide6.QtCore import Qt, QTimer

from studio import edit
from studio.model import Clip, TimeRange, new_id


def test_gui_thread_keeps_running_while_generating_and_rendering(qtbot, filled, tmp_path):
    window, v1, a1 = filled
    session = window.session
    for i in range(1, 3):  # 6 s of picture and sound to render
        for track in (v1, a1):
            first = track.clips[0]
            session.push(
                edit.add_clip(
                    session.project,
                    track.id,
                    Clip(new_id("clip"), f"c{i}", 48 * i, TimeRange(0, 48), asset_id=first.asset_id),
                )
            )
    started = []
    session.start_workers(started.append)  # worker start-up is not what is measured
    qtbot.waitUntil(lambda: bool(started), timeout=60_000)
    controls = [
        subprocess.Popen([sys.executable, "-c", CONTROL], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    gaps: list[tuple[float, float]] = []  # (start, end) of each heartbeat interval, time.monotonic()
    last = [time.monotonic()]

    def beat() -> None:
        now = time.monotonic()
        gaps.append((last[0], now))
        last[0] = now

    sampler = StackSampler(last)
    heartbeat = QTimer()
    heartbeat.setTimerType(Qt.TimerType.PreciseTimer)
    heartbeat.timeout.connect(beat)
    heartbeat.start(5)
    form = window.generate.show_kind(
        "video", {"prompt": "a red car on a coast road", "duration": 1.0, "width": 320, "height": 180}, engine="draft"
    )
    form.at_playhead.setChecked(False)
    qtbot.mouseClick(form.button, Qt.MouseButton.LeftButton)
    qtbot.wait(50)  # separate user actions: each returns to the event loop, as real clicks do
    dialog = window.render_dialog()
    qtbot.wait(50)
    dialog.preset.setCurrentIndex(dialog.preset.findData("web-720p"))
    dialog.output.setText(str(tmp_path / "busy.mp4"))
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert dialog.running
    qtbot.waitUntil(lambda: not dialog.running and not session.busy, timeout=120_000)
    heartbeat.stop()
    sampler.stop.set()
    control_gaps = [
        tuple(map(float, line.split()))
        for control in controls
        for line in control.communicate("stop\n", timeout=10)[0].split("\n")
        if line.strip()
    ]
    assert dialog.summary is not None, dialog.status.text()
    assert sum(1 for a in session.project.assets.values() if a.kind == "video") == 2  # the generated shot arrived
    assert len(gaps) > 100
    raw = max(b - a for a, b in gaps[1:])
    worst = max(gui_stall(a, b, control_gaps) for a, b in gaps[1:])
    assert worst < 1.0, (
        f"the GUI thread stalled for {worst * 1000:.0f} ms (raw gap {raw * 1000:.0f} ms); "
        f"where it was: {sampler.stacks.most_common(4)}"
    )


class StackSampler:
    """Notes where the GUI thread is whenever the heartbeat is late (for the failure message)."""

    def __init__(self, last: list[float]):
        import collections
        import threading
        import traceback

        self.stacks: collections.Counter = collections.Counter()
        self.stop = threading.Event()
        main = threading.main_thread().ident

        def run() -> None:
            while not self.stop.wait(0.01):
                if time.monotonic() - last[0] > 0.03:
                    frame = sys._current_frames().get(main)
                    where = (
                        [f for f in traceback.extract_stack(frame) if "importlib" not in f.filename][-4:]
                        if frame
                        else []
                    )
                    self.stacks[" < ".join(f"{f.name}:{f.lineno}" for f in reversed(where))] += 1

        threading.Thread(target=run, daemon=True).start()


# Separate processes ticking every 5 ms: their late ticks show when the machine had no CPU to give (other
# programs were busy); on an idle machine they have none and the GUI's raw gaps are what is tested.
CONTROL = """
import sys, threading, time
stop = threading.Event()
threading.Thread(target=lambda: (sys.stdin.readline(), stop.set()), daemon=True).start()
last = time.monotonic()
while not stop.is_set():
    time.sleep(0.005)
    now = time.monotonic()
    if now - last > 0.015:
        print(last, now)
    last = now
"""


def gui_stall(start: float, end: float, control_gaps: list[tuple[float, float]]) -> float:
    """How long the GUI heartbeat waited, less the longest overlapping wait of a control process (the machine
    was busy then, e.g. other programs), so what is left is the app's own stall."""
    shared = max((max(0.0, min(end, b) - max(start, a)) for a, b in control_gaps), default=0.0)
    return max(0.0, end - start - shared)


def test_window_starts_without_torch_or_diffusers():
    code = (
        "import sys; from studio.gui.app import make_app; from studio.gui.main_window import MainWindow;"
        "app = make_app(); w = MainWindow(); w.show(); app.processEvents();"
        "heavy = [m for m in ('torch', 'diffusers', 'transformers', 'sentence_transformers') if m in sys.modules];"
        "print('HEAVY', heavy); w.discard = True; w.close()"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert "HEAVY []" in out.stdout, out.stdout + out.stderr


def test_studio_gui_command_is_registered():
    from studio.cli.main import build_parser

    args = build_parser().parse_args(["gui", "My.studio"])
    assert args.project == "My.studio" and args.func.__name__ == "run_gui"
