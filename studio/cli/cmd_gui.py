"""``studio gui [PROJECT]``: open the desktop app (the same as ``studio-gui``)."""

from __future__ import annotations

import argparse


def register(subparsers) -> None:
    p = subparsers.add_parser("gui", help="open the desktop app", description="Open the Studio window, optionally "
                              "with a project folder.")
    p.add_argument("project", nargs="?", help="a .studio project folder")
    p.set_defaults(func=run_gui)


def run_gui(args: argparse.Namespace) -> int:
    from studio.gui.app import main

    return main([args.project] if args.project else [])
