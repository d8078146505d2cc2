"""``studio serve``: the local scheduler as an HTTP API for scripts and other tools (see studio/serve)."""

from __future__ import annotations

import argparse


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "serve",
        help="run the local API: submit jobs, follow progress, fetch results over HTTP",
        description="Serve the scheduler on http://127.0.0.1:PORT: POST /jobs, GET /jobs, GET /jobs/ID, "
        "POST /jobs/ID/cancel, GET /jobs/ID/files/N, GET /events (Server-Sent Events). Requests use the same "
        "fields as `studio generate`. Bound to the loopback address unless --host says otherwise; then every "
        "request needs a token (printed at start, or --token).",
    )
    p.add_argument("--port", type=int, default=8188, help="the port (default 8188, as ComfyUI)")
    p.add_argument("--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1: this machine)")
    p.add_argument("--project", help="import results into this project; file fields must be inside it")
    p.add_argument(
        "--token",
        help="require this token (Authorization: Bearer TOKEN); made up when --host is not a loopback address",
    )
    p.add_argument("--workers", type=int, help="CPU worker processes (default: one per core)")
    p.set_defaults(func=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        raise SystemExit(
            "studio: error: studio serve needs starlette and uvicorn: pip install 'studio[serve]'"
        ) from None
    from studio.serve.server import LocalServer

    if not 0 <= args.port <= 65535:
        raise SystemExit(f"studio: error: port {args.port} must be 0 to 65535")
    project_dir = None
    if args.project:
        from studio.io import load_project
        from studio.io.paths import project_dir_of

        project_dir = project_dir_of(args.project)
        load_project(project_dir)  # a bad project is a clear error now, not on the first result
    server = LocalServer(project_dir, host=args.host, port=args.port, token=args.token, cpu_workers=args.workers)
    if not getattr(args, "quiet", False):
        print(f"studio serve: {server.url}" + (f"  project {project_dir}" if project_dir else ""), flush=True)
        if server.token and not args.token:
            print(f"token: {server.token}  (send Authorization: Bearer TOKEN)", flush=True)
    server.run()
    return 0
