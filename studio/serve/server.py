"""Start the API: a scheduler, the service over it and uvicorn, bound to 127.0.0.1 unless asked otherwise.

with LocalServer(project_dir=None, port=0) as server:   # port 0: any free port (tests)
    server.url                                          # "http://127.0.0.1:PORT"
serve_forever(host, port, project_dir, token)           # `studio serve`; Ctrl-C stops it
"""

from __future__ import annotations

import ipaddress
import secrets
import socket
import threading
from pathlib import Path
from typing import Any

LOOPBACK_NAMES = ("localhost",)


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def token_for(host: str, token: str | None) -> str | None:
    """The token to require: the one given, or a fresh one when the address reaches beyond this machine."""
    if token:
        return token
    return None if is_loopback(host) else secrets.token_urlsafe(24)


def bind(host: str, port: int) -> socket.socket:
    """A listening socket (bound before uvicorn starts, so the port is known and a clash is a clear error)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # accepted connections inherit it: no 40 ms
    # stalls between a response's headers and body (Nagle against the client's delayed ACK)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise OSError(exc.errno, f"cannot listen on {host}:{port} ({exc.strerror})") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


class LocalServer:
    """A scheduler, the service and uvicorn on a background thread; ``close()`` stops all three."""

    def __init__(
        self,
        project_dir: str | Path | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        token: str | None = None,
        scheduler: Any = None,
        **scheduler_options: Any,
    ):
        import uvicorn

        from studio.serve.app import make_app
        from studio.serve.service import StudioService

        self.token = token_for(host, token)
        self.sock = bind(host, port)
        self.host, self.port = host, self.sock.getsockname()[1]
        self._own_scheduler = scheduler is None
        if scheduler is None:
            from studio.scheduler.scheduler import Scheduler

            scheduler = Scheduler(project_dir, **scheduler_options)
        self.scheduler = scheduler
        self.service = StudioService(scheduler, project_dir)
        config = uvicorn.Config(
            make_app(self.service, self.token), log_level="warning", lifespan="off", timeout_graceful_shutdown=2
        )
        self.server = uvicorn.Server(config)
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self, timeout: float = 20.0) -> LocalServer:
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True, name="studio-serve"
        )
        self.thread.start()
        deadline = threading.Event()
        for _ in range(int(timeout / 0.02)):
            if self.server.started:
                return self
            if not self.thread.is_alive():
                break
            deadline.wait(0.02)
        self.close()
        raise RuntimeError("the API server did not start")

    def run(self) -> None:
        """Serve on this thread until Ctrl-C (uvicorn handles the signal), then stop everything."""
        try:
            self.server.run(sockets=[self.sock])
        finally:
            self.close()

    def close(self) -> None:
        self.service.feed.close()
        self.server.should_exit = True
        if self.thread is not None and self.thread is not threading.current_thread():
            self.thread.join(10)
        self.service.close()
        if self._own_scheduler:
            self.scheduler.shutdown()
        self.sock.close()

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()
