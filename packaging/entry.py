"""Entry point of the packaged app: no arguments opens the window, anything else is the ``studio`` command.

The frozen executable also stands in for ``python`` where Studio starts helper processes:
``-m MODULE ...`` (scheduler workers, the preview's still renderer), ``-c CODE`` (device probes),
``--render-worker`` (GUI renders) and ``--loudness-worker`` (the GUI's mix loudness).
"""

import multiprocessing
import runpy
import sys


def main() -> int:
    multiprocessing.freeze_support()
    args = sys.argv[1:]
    if args[:1] == ["-m"] and len(args) > 1:
        sys.argv = [args[1], *args[2:]]
        runpy.run_module(args[1], run_name="__main__", alter_sys=True)
        return 0
    if args[:1] == ["-c"] and len(args) > 1:
        sys.argv = ["-c", *args[2:]]
        exec(compile(args[1], "<string>", "exec"), {"__name__": "__main__"})  # noqa: S102 - our own probes
        return 0
    if args[:1] == ["--render-worker"]:
        from studio.gui.render_worker import run_child

        return run_child()
    if args[:1] == ["--loudness-worker"]:
        from studio.gui.loudness_worker import run_child as measure

        return measure()
    if not args:
        from studio.gui.app import main as gui

        return gui([])
    from studio.cli.main import main as cli

    return cli(args)


if __name__ == "__main__":
    sys.exit(main())
