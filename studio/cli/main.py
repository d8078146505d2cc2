"""The ``studio`` command: an argparse program whose sub-commands come from ``studio/cli/cmd_*.py``.

Each ``cmd_*`` module exposes ``register(subparsers)``, adds its sub-parser(s) and sets
``func=handler`` with ``set_defaults``; a handler takes the parsed arguments and returns an exit
code (None = 0). Command modules import only argparse at module level, so ``studio --help`` stays
fast; heavy work is imported inside the handlers. A handler reports a problem the creator must fix
by raising the project's error types (or ``SystemExit("studio: error: ...")``): main prints one line.

Exit codes: 0 done, 1 a user error (bad input, missing file, failed job), 2 a usage error (argparse),
130 cancelled (Ctrl-C). Commands report through ``studio.cli.output`` (``--json``, ``--quiet``, ``--progress``).
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

USER_ERRORS = (
    "pipelines.base:GenerationError",
    "studio.render.errors:RenderError",
    "studio.io.errors:ProjectError",
    "studio.storyboard.parse:StoryboardError",
    "studio.edit.changes:EditError",
)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("studio")
    except PackageNotFoundError:
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    """The full parser, with every ``cmd_*`` module's commands registered (sorted by module name)."""
    import studio.cli as package

    parser = argparse.ArgumentParser(
        prog="studio",
        description="Local-first generative media studio: prompts to "
        "video, songs, sound, voice and 3D on a timeline, rendered to MP4.",
        formatter_class=lambda prog: argparse.HelpFormatter(prog, max_help_position=28),
    )
    parser.add_argument("--version", action="version", version=f"studio {_version()}")
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors (any command)")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND", dest="command_name")
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if not info.name.startswith("cmd_"):
            continue
        try:
            module = importlib.import_module(f"studio.cli.{info.name}")
            module.register(subparsers)
        except Exception as exc:  # noqa: BLE001 - one broken command must not take the others down
            print(
                f"studio: warning: commands in {info.name}.py are unavailable ({type(exc).__name__}: {exc})",
                file=sys.stderr,
            )
    return parser


def _is_user_error(exc: BaseException) -> bool:
    if isinstance(exc, OSError):
        return True
    for target in USER_ERRORS:
        module_name, _, name = target.partition(":")
        module = sys.modules.get(module_name)  # a type that was never imported cannot have been raised
        if module is not None and isinstance(exc, getattr(module, name, ())):
            return True
    return False


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``studio`` with ``argv`` (default: the command line); returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help(sys.stderr)
        return 2
    from studio.cli.output import EXIT_CANCELLED, EXIT_USER_ERROR, error_document

    if args.quiet:
        import logging

        logging.getLogger().setLevel(logging.ERROR)
    try:
        code = func(args)
    except KeyboardInterrupt:
        print("\nstudio: cancelled", file=sys.stderr)
        error_document(args, "cancelled", EXIT_CANCELLED)
        return EXIT_CANCELLED
    except SystemExit as exc:  # a handler's "studio: error: ..." exits 1 with that line on stderr
        if isinstance(exc.code, str):
            error_document(args, exc.code.removeprefix("studio: error: "), EXIT_USER_ERROR)
        raise
    except BrokenPipeError:  # `studio ... | head` closed the pipe: stop quietly, as other tools do
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_USER_ERROR
    except Exception as exc:
        if not _is_user_error(exc):
            raise
        message = " ".join(str(exc).split()) or type(exc).__name__
        print(f"studio: error: {message}", file=sys.stderr)
        error_document(args, message, EXIT_USER_ERROR)
        return EXIT_USER_ERROR
    return int(code or 0)


if __name__ == "__main__":
    sys.exit(main())
