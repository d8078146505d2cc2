"""GUI benchmark: a 1,000-clip, 8-track timeline: time to open, frame times while zooming and scrolling
(goal: median <= 16 ms), and cold start to a shown window (goal <= 1.5 s), each next to a baseline; and the
GUI thread's stalls (a 5 ms heartbeat's longest late tick) while a project loads, the ruler is scrubbed,
playback starts and the first play after an edit runs (goal: none over 50 ms on a quiet machine).

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.bench.bench_gui [--clips 1000] [--frames 60]
    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.bench.bench_gui --stalls out/demo.studio

Baselines: frames of a bare QGraphicsView showing the same number of plain rectangles, and the cold start
of a bare PySide6 QMainWindow. Rendering is Qt's software rasteriser (offscreen platform), no GPU.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("STUDIO_AUDIO", "null")


def build_project(folder: Path, clips: int, tracks: int = 8) -> None:
    """A saved project with ``clips`` clips spread over ``tracks`` tracks (half video, half audio)."""
    from pipelines import registry
    from studio.io import create_project, import_media, save_project
    from studio.model import Clip, TimeRange, Track, new_id

    project = create_project(folder)
    scratch = Path(tempfile.mkdtemp(prefix="bench-gui-"))
    shot = registry.create("video", "test-pattern")(
        registry.make_request("video", prompt="bars", duration=4.0, width=320, height=180), output_dir=scratch / "v"
    ).primary.path
    tone = registry.create("sfx", "test-tone")(
        registry.make_request("sfx", prompt="tone", duration=4.0), output_dir=scratch / "a"
    ).primary.path
    video, audio = import_media(folder, project, shot), import_media(folder, project, tone)
    tl = project.timeline
    tl.tracks = [Track(new_id("track"), "video" if i < tracks // 2 else "audio", f"T{i + 1}") for i in range(tracks)]
    per_track = clips // tracks
    for i, track in enumerate(tl.tracks):
        asset = video if track.kind == "video" else audio
        for n in range(per_track + (1 if i < clips % tracks else 0)):
            track.clips.append(
                Clip(new_id("clip"), f"c{n}", n * 100 + (i * 7) % 30, TimeRange(0, 90), asset_id=asset.id)
            )
    save_project(project, folder)


def frame_times(app, view, steps: int, action) -> list[float]:
    """Milliseconds per step: ``action(i)`` then a full synchronous repaint of the view (for a sideways scroll
    that is an upper bound: the app itself moves the pixels and paints only the newly exposed strip)."""
    times = []
    for i in range(steps):
        t0 = time.perf_counter()
        action(i)
        view.viewport().repaint()
        app.processEvents()
        times.append((time.perf_counter() - t0) * 1000)
    return times


def bench_window(clips: int, steps: int) -> dict[str, float]:
    from PySide6.QtCore import QSettings

    from studio.gui.app import make_app
    from studio.gui.main_window import MainWindow
    from studio.gui.settings import Settings

    app = make_app()
    folder = Path(tempfile.mkdtemp(prefix="bench-gui-")) / "Big.studio"
    build_project(folder, clips)
    window = MainWindow(settings=Settings(QSettings(str(folder.parent / "s.ini"), QSettings.Format.IniFormat)))
    window.resize(1600, 1000)
    window.show()
    app.processEvents()
    done = []
    t0 = time.perf_counter()
    window.open_project(folder, on_done=lambda: done.append(time.perf_counter()))
    while not done:
        app.processEvents()
        time.sleep(0.001)
    window.timeline.view.viewport().repaint()
    opened = (time.perf_counter() - t0) * 1000
    view = window.timeline.view
    items = len(window.timeline.scene.items_by_id)
    view.zoom_to_fit()
    app.processEvents()
    time.sleep(2.0)  # let filmstrips and waveforms arrive (background), as a user would see them
    app.processEvents()
    zoom = frame_times(app, view, steps, lambda i: view.zoom_by(1.08 if (i // (steps // 4 or 1)) % 2 == 0 else 0.926))
    bar = view.horizontalScrollBar()
    scroll = frame_times(app, view, steps, lambda i: bar.setValue(bar.value() + 60))
    window.discard = True
    window.close()
    return {"clips": items, "open_ms": opened, "zoom": zoom, "scroll": scroll}


def bench_baseline(clips: int, steps: int) -> dict[str, list[float]]:
    """The same view size and item count with plain QGraphicsRectItems."""
    from PySide6.QtGui import QBrush, QColor
    from PySide6.QtWidgets import QApplication, QGraphicsRectItem, QGraphicsScene, QGraphicsView

    app = QApplication.instance()
    scene = QGraphicsScene()
    rects = []
    for i in range(clips):
        r = QGraphicsRectItem(0, 0, 90 * 4, 58)
        r.setPos((i // 8) * 100 * 4, 28 + (i % 8) * 60)
        r.setBrush(QBrush(QColor("#3d6fa8")))
        scene.addItem(r)
        rects.append(r)
    view = QGraphicsView(scene)
    view.resize(1350, 520)
    view.show()
    app.processEvents()
    scale = [4.0]

    def zoom(i: int) -> None:
        scale[0] *= 1.08 if (i // (steps // 4 or 1)) % 2 == 0 else 0.926
        for j, r in enumerate(rects):
            r.setRect(0, 0, 90 * scale[0], 58)
            r.setPos((j // 8) * 100 * scale[0], r.pos().y())
        scene.setSceneRect(0, 0, (clips // 8 + 1) * 100 * scale[0], 520)

    zoom_t = frame_times(app, view, steps, zoom)
    bar = view.horizontalScrollBar()
    scroll_t = frame_times(app, view, steps, lambda i: bar.setValue(bar.value() + 60))
    view.close()
    return {"zoom": zoom_t, "scroll": scroll_t}


STUDIO_START = """
import sys, time
from PySide6.QtCore import QTimer
from studio.gui.app import make_app, open_window
app = make_app()
w = open_window()
def shown():
    print("SHOWN", time.time(), "HEAVY", [m for m in ("torch", "diffusers") if m in sys.modules], flush=True)
    w.discard = True
    w.close()
    app.quit()
QTimer.singleShot(0, shown)
app.exec()
"""
BARE_START = """
import time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
w = QMainWindow(); w.resize(1440, 900); w.show()
QTimer.singleShot(0, lambda: (print("SHOWN", time.time(), flush=True), app.quit()))
app.exec()
"""


def cold_start(code: str, runs: int = 3) -> list[float]:
    """Seconds from launching a fresh interpreter to the window's first event-loop turn after show()."""
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as home:
            env = {**os.environ, "XDG_CONFIG_HOME": home, "STUDIO_DATA_DIR": home}
            t0 = time.time()
            out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
        line = next(x for x in out.stdout.splitlines() if x.startswith("SHOWN"))
        times.append(float(line.split()[1]) - t0)
        if "HEAVY []" not in line and "HEAVY" in line:
            raise SystemExit(f"start-up imported heavy modules: {line}")
    return times


def summary(ms: list[float]) -> str:
    return f"median {statistics.median(ms):.1f} ms, worst {max(ms):.1f} ms"


class Heartbeat:
    """A 5 ms timer on the GUI thread; ``stall()`` is its longest late tick (ms) since ``reset()``."""

    def __init__(self):
        from PySide6.QtCore import Qt, QTimer

        self.last, self.worst = time.perf_counter(), 0.0
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self._beat)
        self.timer.start(5)

    def _beat(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, (now - self.last) * 1000 - 5)
        self.last = now

    def reset(self) -> None:
        self.last, self.worst = time.perf_counter(), 0.0


class TurnMeter:
    """The GUI thread's CPU time (``time.thread_time``, blind to other processes' load) in each event-loop turn the
    bench runs, per phase; with ``profile``, also each top-level Python call the turn made (a slot, a paint, a timer)
    by qualified name (``sys.setprofile`` on the GUI thread only: it slows Python calls, so read those as shares)."""

    def __init__(self, profile: bool = False):
        self._phase = "start"
        self.threads: dict[str, dict[str, float]] = {}  # phase -> thread name -> CPU s of this process's threads
        self._threads_at = _thread_cpu()
        self.turns: dict[str, list[float]] = {}
        self.spans: dict[str, list[tuple[float, float, float]]] = {}  # phase -> (wall, CPU, run-queue wait) in s
        self.calls: dict[str, dict[str, list[float]]] = {}  # phase -> name -> [total s, count, longest s]
        self.worst: dict[str, tuple[float, list[tuple[str, float]]]] = {}  # phase -> (turn s, its calls)
        self.profile = profile
        self._open: list[tuple[object, str, float]] = []
        self._turn_calls: list[tuple[str, float]] = []
        self._ours = {TurnMeter.run.__code__}  # Qt calls back into Python from inside run()
        self._stat = (
            os.open("/proc/thread-self/schedstat", os.O_RDONLY) if os.path.exists("/proc/thread-self") else None
        )
        self._last = self._sched()

    @property
    def phase(self) -> str:
        return self._phase

    @phase.setter
    def phase(self, name: str) -> None:
        now = _thread_cpu()
        spent = self.threads.setdefault(self._phase, {})
        for tid, (label, cpu) in now.items():
            key = "GUI thread" if tid == threading.get_native_id() else label
            spent[key] = spent.get(key, 0.0) + cpu - self._threads_at.get(tid, (label, 0.0))[1]
        self._phase, self._threads_at = name, now

    def _sched(self) -> tuple[float, float, float]:
        """(wall, CPU, waiting for a CPU) of the GUI thread so far, in s (the kernel's schedstat for the last two)."""
        if self._stat is None:
            return time.perf_counter(), time.thread_time(), 0.0
        cpu, queued, _ = os.pread(self._stat, 100, 0).split()
        return time.perf_counter(), int(cpu) / 1e9, int(queued) / 1e9

    def run(self, fn, *args):
        """``fn(*args)`` as one measured turn (``app.processEvents()`` or ``app.sendEvent(...)``); with the wait
        since the previous turn, it is one span: wall = CPU + run-queue wait (the machine's load) + blocked (the GIL
        held by another thread of ours, or I/O)."""
        self._turn_calls = []
        if self.profile:
            sys.setprofile(self._trace)
        t0 = time.thread_time()
        try:
            return fn(*args)
        finally:
            spent = time.thread_time() - t0
            if self.profile:
                sys.setprofile(None)
            end = self._sched()
            self.spans.setdefault(self.phase, []).append(tuple(e - s for e, s in zip(end, self._last, strict=True)))
            self._last = end
            self.turns.setdefault(self.phase, []).append(spent)
            if spent > self.worst.get(self.phase, (-1.0, []))[0]:
                self.worst[self.phase] = (spent, self._turn_calls)

    def _trace(self, frame, event, arg) -> None:
        if event == "call" and frame.f_back is not None and frame.f_back.f_code in self._ours:
            code = frame.f_code
            name = f"{Path(code.co_filename).stem}.{code.co_qualname}"
            self._open.append((frame, name, time.thread_time()))
        elif event == "return" and self._open and self._open[-1][0] is frame:
            _, name, t0 = self._open.pop()
            spent = time.thread_time() - t0
            row = self.calls.setdefault(self.phase, {}).setdefault(name, [0.0, 0, 0.0])
            row[0] += spent
            row[1] += 1
            row[2] = max(row[2], spent)
            self._turn_calls.append((name, spent))

    def report(self) -> None:
        print("GUI thread per event-loop turn (CPU: time.thread_time; a span is a turn and the wait before it):")
        for phase, turns in self.turns.items():
            wall, cpu, queued = max(self.spans[phase])
            print(
                f"  {phase:10s} turns {len(turns):4d}  CPU: longest turn {max(turns) * 1000:5.1f} ms, total "
                f"{sum(turns) * 1000:6.1f} ms | longest span {wall * 1000:6.1f} ms = CPU {cpu * 1000:5.1f} + waiting "
                f"for a core {queued * 1000:5.1f} + blocked {(wall - cpu - queued) * 1000:6.1f}"
            )
        self.phase = "end"
        for phase, spent in self.threads.items():
            rows = sorted(((cpu, name) for name, cpu in spent.items() if cpu >= 0.005), reverse=True)
            print(f"  {phase:10s} CPU by thread: " + ", ".join(f"{name} {cpu * 1000:.0f} ms" for cpu, name in rows))
        if not self.profile:
            return
        for phase, rows in self.calls.items():
            print(f"  {phase}: top-level calls by total CPU (total ms / calls / longest ms)")
            for name, (total, count, longest) in sorted(rows.items(), key=lambda kv: -kv[1][0])[:12]:
                print(f"    {total * 1000:8.1f} {count:6d} {longest * 1000:7.1f}  {name}")
            spent, calls = self.worst.get(phase, (0.0, []))
            merged: dict[str, float] = {}
            for name, t in calls:
                merged[name] = merged.get(name, 0.0) + t
            top = sorted(merged.items(), key=lambda kv: -kv[1])[:6]
            print(f"    longest turn {spent * 1000:.1f} ms: " + ", ".join(f"{n} {t * 1000:.1f}" for n, t in top))


def _thread_cpu() -> dict[int, tuple[str, float]]:
    """CPU seconds (user + system) of each thread of this process by its id: (its name, seconds)."""
    out = {}
    tick = os.sysconf("SC_CLK_TCK")
    for task in Path("/proc/self/task").iterdir() if Path("/proc/self/task").is_dir() else []:
        try:
            stat = (task / "stat").read_text()
        except OSError:
            continue
        name, rest = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :].split()
        out[int(task.name)] = (name, (int(rest[11]) + int(rest[12])) / tick)
    return out


METER = TurnMeter()


def _pump(app, seconds: float, until=None) -> float:
    """Run the event loop for ``seconds`` (or until ``until()``); returns the seconds it took."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds and not (until is not None and until()):
        METER.run(app.processEvents)
        time.sleep(0.001)
    return time.perf_counter() - t0


def bench_stalls(project: Path) -> dict[str, float]:
    """Stalls (ms) in load, scrub, play start and first play after an edit on ``project``; with how late the
    frame the scrub stopped on, and the first frame of a play after an edit, reached the picture (s)."""
    from PySide6.QtCore import QPointF, QSettings, Qt
    from PySide6.QtGui import QMouseEvent

    from studio import edit
    from studio.gui.app import make_app, warm_up
    from studio.gui.main_window import MainWindow
    from studio.gui.settings import Settings

    app = make_app()
    scratch = Path(tempfile.mkdtemp(prefix="bench-stalls-"))
    copy = scratch / project.name
    import shutil

    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("autosave", "*.lock"))
    window = MainWindow(settings=Settings(QSettings(str(scratch / "s.ini"), QSettings.Format.IniFormat)))
    window.resize(1600, 1000)
    window.ask_recover = lambda *a: False
    window.show()
    window.session.tasks.run(warm_up)
    beat, out, done = Heartbeat(), {}, []
    _pump(app, 0.2)
    beat.reset()
    METER.phase = "load"
    METER.run(window.open_project, copy, lambda: done.append(1))  # (each user action is a turn of its own)
    _pump(app, 30, lambda: bool(done))
    _pump(app, 1.0)  # the bin's thumbnails, the first preview frame
    out["load_ms"] = beat.worst
    view, session, preview = window.timeline.view, window.session, window.preview
    METER.phase = "settle"
    METER.run(view.zoom_to_fit)
    _pump(app, 1.0)
    port = view.viewport()

    def mouse(kind, x: int) -> None:
        event = QMouseEvent(
            kind,
            QPointF(x, 5),
            port.mapToGlobal(QPointF(x, 5)),
            Qt.MouseButton.LeftButton,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        METER.run(app.sendEvent, port, event)

    beat.reset()
    METER.phase = "scrub"
    mouse(QMouseEvent.Type.MouseButtonPress, 20)
    for x in range(20, port.width() - 80, 12):
        mouse(QMouseEvent.Type.MouseMove, x)
        _pump(app, 0.02)
    mouse(QMouseEvent.Type.MouseButtonRelease, x)
    stopped, released = session.playhead, time.perf_counter()
    _pump(app, 20, lambda: preview.picture.image is not None and preview.cache.get(stopped) is preview.picture.image)
    out["scrub_final_frame_s"] = time.perf_counter() - released
    out["scrub_ms"] = beat.worst
    METER.phase = "settle"
    METER.run(session.set_playhead, 0)
    _pump(app, 1.0)
    beat.reset()
    METER.phase = "play_start"
    METER.run(preview.play, 1)
    _pump(app, 1.0)
    METER.run(preview.pause)
    out["play_start_ms"] = beat.worst
    clip = next(c for t in session.timeline.tracks if t.kind == "video" for c in t.clips if c.asset_id)
    METER.run(session.push, edit.set_property(session.project, clip.id, "opacity", 0.8))
    METER.run(session.set_playhead, clip.position + 2)
    _pump(app, 0.3)
    beat.reset()
    METER.phase = "first_play"
    started = time.perf_counter()
    METER.run(preview.play, 1)
    _pump(app, 10, lambda: preview.picture.image is not None and preview.cache.get(session.playhead) is not None)
    out["first_play_picture_s"] = time.perf_counter() - started
    _pump(app, 1.0)
    METER.run(preview.pause)
    out["first_play_ms"] = beat.worst
    window.discard = True
    window.close()
    shutil.rmtree(scratch, ignore_errors=True)  # the copy of the project (the demo's is ~300 MB a run)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clips", type=int, default=1000)
    parser.add_argument("--frames", type=int, default=60)
    parser.add_argument("--stalls", type=Path, metavar="PROJECT", help="only measure GUI-thread stalls on PROJECT")
    parser.add_argument(
        "--profile", action="store_true", help="with --stalls: name the top-level calls each phase spent its CPU in"
    )
    args = parser.parse_args()
    if args.stalls:
        METER.profile = args.profile
        figures = bench_stalls(args.stalls)
        print(
            f"GUI-thread stalls on {args.stalls.name} (longest late 5 ms heartbeat; goal <= 50 ms on a quiet "
            f"machine; load average {os.getloadavg()[0]:.1f}):"
        )
        for key, value in figures.items():
            print(f"  {key:22s} {value:8.1f}" if key.endswith("_ms") else f"  {key:22s} {value:8.2f}")
        METER.report()
        return
    ours = bench_window(args.clips, args.frames)
    base = bench_baseline(args.clips, args.frames)
    studio_start, bare_start = cold_start(STUDIO_START), cold_start(BARE_START)
    print(f"timeline: {ours['clips']} clips on 8 tracks; open (load + build + first paint): {ours['open_ms']:.0f} ms")
    for what in ("zoom", "scroll"):
        o, b = ours[what], base[what]
        print(
            f"{what:6s} studio {summary(o)} | bare QGraphicsView {summary(b)} | "
            f"median ratio {statistics.median(o) / statistics.median(b):.2f}x | goal median <= 16 ms: "
            f"{'met' if statistics.median(o) <= 16 else 'NOT met'}"
        )
    s, b = statistics.median(studio_start), statistics.median(bare_start)
    print(
        f"cold start to window shown: studio median {s:.2f} s (runs {', '.join(f'{t:.2f}' for t in studio_start)}) "
        f"| bare PySide6 window {b:.2f} s | ratio {s / b:.2f}x | goal <= 1.5 s: {'met' if s <= 1.5 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
