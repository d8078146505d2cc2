"""``studio gui [PROJECT]``: open the desktop app (the same as ``studio-gui``)."""

from __future__ import annotations

import argparse


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "gui", help="open the desktop app", description="Open the Studio window, optionally with a project folder."
    )
    p.add_argument("project", nargs="?", help="a .studio project folder")
    p.add_argument("--quit-after", type=float, metavar="SECONDS", help="close the window after this long (checks)")
    p.set_defaults(func=run_gui)


def run_gui(args: argparse.Namespace) -> int:
    from studio.gui.app import main

    argv = [args.project] if args.project else []
    if args.quit_after is not None:
        argv += ["--quit-after", str(args.quit_after)]
    return main(argv)
