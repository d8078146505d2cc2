"""``studio completion bash|zsh``: a shell completion script generated from the argument parser by shtab.

    studio completion bash > ~/.local/share/bash-completion/completions/studio
    studio completion zsh > "${fpath[1]}/_studio"

shtab (https://github.com/iterative/shtab, MIT, pure Python) reads the same argparse parser ``studio`` runs,
so every command, option and choice completes without a hand-kept list; folder and file arguments complete
as paths.
"""

from __future__ import annotations

import argparse

SHELLS = ("bash", "zsh")


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "completion",
        help="print a bash or zsh completion script",
        description="Print a shell completion script for studio, generated from its "
        "argument parser. bash: studio completion bash > "
        "~/.local/share/bash-completion/completions/studio ; zsh: studio completion zsh > "
        '"${fpath[1]}/_studio"',
    )
    p.add_argument("shell", choices=SHELLS, help="the shell to complete in")
    p.set_defaults(func=run_completion)


def _paths_complete(parser: argparse.ArgumentParser, shtab) -> None:
    """Positional project folders and files, and -o/--output, complete as paths."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                _paths_complete(sub, shtab)
        elif (
            action.dest in ("project", "path", "output", "otio", "storyboard", "views_dir")
            or "--project" in action.option_strings
        ):
            action.complete = shtab.FILE  # type: ignore[attr-defined]


def run_completion(args: argparse.Namespace) -> int:
    try:
        import shtab
    except ImportError:
        raise SystemExit("studio: error: shell completion needs the shtab package: pip install shtab") from None
    from studio.cli.main import build_parser

    parser = build_parser()
    _paths_complete(parser, shtab)
    print(shtab.complete(parser, shell=args.shell))
    return 0
