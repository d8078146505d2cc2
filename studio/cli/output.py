"""How a command reports, for people and for scripts: one helper every command uses the same way.

    def register(subparsers):
        p = subparsers.add_parser("render", ...)
        add_output_options(p, progress=True)          # --json, --quiet, --progress {bar,json,none}

    def run(args):
        out = Output(args, command="render")
        bar = out.progress("render")                  # call bar(fraction, message); bar.close() at the end
        ...
        out.say(f"rendered {path}")                   # a human line (stdout; silent under --json or --quiet)
        out.warn("2 clips are disabled")              # stderr, "studio: warning: ..." (silent under --quiet)
        return out.done({"output": str(path), "seconds": 12.5})   # under --json: the one JSON document; returns 0

Rules that make ``--json`` scriptable: stdout holds exactly one JSON document (``done``), written once at the
end, and nothing else; every document has ``"command"`` and ``"ok"``; a user error under ``--json`` becomes
``{"command": ..., "ok": false, "error": "...", "exit_code": 1}`` on stdout besides the usual line on stderr
(``main`` does this). Progress goes to stderr: a bar (or a line per 10% off a terminal), JSON lines with
``--progress json`` (``{"event": "progress", "label", "fraction", "message", "elapsed_s"}``), or nothing.
Field names are stable and listed in the README ("Scripting"); add fields, never rename them.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any, TextIO

EXIT_OK, EXIT_USER_ERROR, EXIT_USAGE, EXIT_CANCELLED = 0, 1, 2, 130


def add_output_options(parser: argparse.ArgumentParser, progress: bool = False) -> None:
    """Give a command ``--json`` and ``--quiet`` (and ``--progress`` when it reports progress)."""
    parser.add_argument(
        "--json",
        action="store_true",
        default=argparse.SUPPRESS,
        help="print one JSON document on stdout instead of text (fields in the README)",
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help="print nothing but errors"
    )
    if progress:
        parser.add_argument(
            "--progress",
            choices=("bar", "json", "none"),
            default=argparse.SUPPRESS,
            help="progress on stderr: a bar (default), JSON lines, or none",
        )


def to_json(value: Any) -> Any:
    """Plain JSON data from dataclasses, Fractions, paths and sets (a Fraction as its text, e.g. "30000/1001")."""
    from dataclasses import asdict, is_dataclass
    from fractions import Fraction
    from pathlib import PurePath

    if is_dataclass(value) and not isinstance(value, type):
        return to_json(asdict(value))
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_json(v) for v in value]
    if isinstance(value, Fraction):
        return str(value)
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, float) and value != value:  # NaN is not JSON
        return None
    return value


class JsonProgress:
    """Progress as JSON lines on stderr, at most ``per_second`` a second (always the first and the last)."""

    def __init__(self, label: str, stream: TextIO | None = None, per_second: float = 4.0):
        self.label, self.stream = label, stream or sys.stderr
        self.interval = 1.0 / per_second
        self.started = time.perf_counter()
        self.last = -1.0

    def __call__(self, fraction: float, message: str = "", preview: object = None) -> None:
        now = time.perf_counter()
        fraction = min(1.0, max(0.0, float(fraction)))
        if self.last >= 0 and now - self.last < self.interval and fraction < 1.0:
            return
        self.last = now
        line = {
            "event": "progress",
            "label": self.label,
            "fraction": round(fraction, 4),
            "message": message,
            "elapsed_s": round(now - self.started, 3),
        }
        self.stream.write(json.dumps(line) + "\n")
        self.stream.flush()

    def close(self) -> None:
        pass


class SilentProgress:
    def __call__(self, fraction: float, message: str = "", preview: object = None) -> None:
        pass

    def close(self) -> None:
        pass


class Output:
    """A command's reporting, chosen by ``--json``, ``--quiet`` and ``--progress`` (see the module docstring)."""

    def __init__(
        self, args: argparse.Namespace, command: str, stdout: TextIO | None = None, stderr: TextIO | None = None
    ):
        self.command = command
        self.json = bool(getattr(args, "json", False))
        self.quiet = bool(getattr(args, "quiet", False))
        self.progress_mode = getattr(args, "progress", None) or ("none" if self.quiet else "bar")
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr
        self.finished = False

    def say(self, text: str) -> None:
        """A line for people on stdout (nothing under --json or --quiet)."""
        if not (self.json or self.quiet):
            print(text, file=self.stdout)

    def warn(self, text: str) -> None:
        """A warning on stderr (nothing under --quiet); the JSON document can carry it too."""
        if not self.quiet:
            print(f"studio: warning: {text}", file=self.stderr)

    def progress(self, label: str) -> Any:
        """A callable ``(fraction, message, preview=None)`` with ``close()``, as ``--progress`` asks."""
        if self.progress_mode == "json":
            return JsonProgress(label, self.stderr)
        if self.progress_mode == "none":
            return SilentProgress()
        from studio.cli.progress import ProgressBar

        return ProgressBar(label, self.stderr)

    def done(self, document: dict[str, Any] | None = None, code: int = EXIT_OK) -> int:
        """Finish: under --json print ``{"command", "ok", **document}`` as the one document; returns ``code``."""
        if self.json and not self.finished:
            body = {"command": self.command, "ok": code == EXIT_OK, **to_json(document or {})}
            print(json.dumps(body, ensure_ascii=False, indent=None), file=self.stdout)
        self.finished = True
        return code


def job_document(job: Any) -> dict[str, Any]:
    """One scheduler job as ``studio jobs --json`` and ``studio serve`` show it (fields in the README)."""
    return {
        "id": job.id,
        "state": job.state,
        "kind": job.kind,
        "engine": job.engine,
        "priority": job.priority,
        "prompt": str(job.request.get("prompt", "")),
        "request": job.request,
        "attempts": job.attempts,
        "submitted_at": job.submitted_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "error": job.error,
        "metrics": job.metrics.to_dict(),
        "files": [{"role": f.role, "path": str(f.path)} for f in job.result.files] if job.result else [],
    }


def error_document(args: argparse.Namespace, message: str, code: int) -> None:
    """Under --json, the failure as the command's one document on stdout (``main`` calls this)."""
    if getattr(args, "json", False):
        command = getattr(args, "command_name", None) or "studio"
        print(json.dumps({"command": command, "ok": False, "error": message, "exit_code": code}, ensure_ascii=False))
