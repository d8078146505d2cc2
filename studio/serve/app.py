"""The HTTP face of ``StudioService``: a Starlette (ASGI) app, served by uvicorn (``server.py``).

    GET  /health                       {"ok": true, "project": path or null}
    POST /jobs                         {"kind", "engine"?, "request": {...}, "priority"?} -> 201 the job
    GET  /jobs[?state=done]            {"jobs": [...]}
    GET  /jobs/{id}                    the job (state, metrics, files with their URLs, asset_id once imported)
    POST /jobs/{id}/cancel             the job, cancelled (or finishing its current step)
    GET  /jobs/{id}/files/{n}          the n-th result file
    GET  /events[?job=ID]              Server-Sent Events: "state" (the job) and "progress" (fraction, message)

Every error is ``{"error": "one line"}`` with a 4xx status. With a token (required when bound beyond the
loopback address) every request carries ``Authorization: Bearer TOKEN`` or ``?token=TOKEN`` (EventSource
cannot set headers).
"""

from __future__ import annotations

import asyncio
import hmac
import json
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from studio.serve.service import BadRequest, StudioService

MAX_BODY = 1 << 20  # a request is a prompt and a few fields; a megabyte is plenty
KEEPALIVE_S = 15.0


def error(message: str, status: int) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def make_app(service: StudioService, token: str | None = None) -> Starlette:
    """The API over ``service``; ``token``: required on every request when set."""

    async def health(request: Request) -> Response:
        return JSONResponse({"ok": True, "project": str(service.project_dir) if service.project_dir else None})

    async def submit(request: Request) -> Response:
        body = await request.body()
        if len(body) > MAX_BODY:
            return error(f"the request body is over {MAX_BODY} bytes", 413)
        try:
            data = json.loads(body or b"null")
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            return error(f"the body is not JSON ({exc.__class__.__name__}: {exc})", 400)
        doc = await asyncio.to_thread(service.submit, data)  # may start worker processes: not on the event loop
        return JSONResponse(doc, status_code=201)

    async def list_jobs(request: Request) -> Response:
        return JSONResponse({"jobs": service.jobs(request.query_params.get("state"))})

    async def one_job(request: Request) -> Response:
        return JSONResponse(service.job(request.path_params["job_id"]))

    async def cancel(request: Request) -> Response:
        return JSONResponse(await asyncio.to_thread(service.cancel, request.path_params["job_id"]))

    async def result_file(request: Request) -> Response:
        path = service.result_file(request.path_params["job_id"], request.path_params["index"])
        return FileResponse(path, filename=path.name)

    async def events(request: Request) -> Response:
        job_id = request.query_params.get("job")
        if job_id is not None:
            service.job(job_id)  # 404 for an unknown job
        queue, stop = service.feed.listen(job_id)

        async def stream():
            try:
                yield ": studio events\n\n"
                while True:
                    try:
                        event = await asyncio.wait_for(queue.get(), KEEPALIVE_S)
                    except TimeoutError:
                        yield ": keep-alive\n\n"
                        continue
                    if event is None:  # the server is stopping
                        return
                    yield f"event: {event['event']}\ndata: {json.dumps(event, separators=(',', ':'))}\n\n"
            finally:
                stop()

        return StreamingResponse(
            stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
        )

    async def bad_request(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, BadRequest)
        return error(str(exc), exc.status)

    async def not_found(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 404)
        return error(f"{request.method} {request.url.path}: {getattr(exc, 'detail', 'not found')}", status)

    routes = [
        Route("/health", health),
        Route("/jobs", submit, methods=["POST"]),
        Route("/jobs", list_jobs, methods=["GET"]),
        Route("/jobs/{job_id}", one_job, methods=["GET"]),
        Route("/jobs/{job_id}/cancel", cancel, methods=["POST"]),
        Route("/jobs/{job_id}/files/{index:int}", result_file, methods=["GET"]),
        Route("/events", events),
    ]
    app = Starlette(routes=routes, exception_handlers={BadRequest: bad_request, 404: not_found, 405: not_found})
    if token:
        return TokenGate(app, token)
    return app


class TokenGate:
    """ASGI middleware: refuse (401) any HTTP request without the token, compared in constant time."""

    def __init__(self, app: Any, token: str):
        self.app, self.token = app, token.encode()

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and not self._allowed(scope):
            await error("a token is required: Authorization: Bearer TOKEN (or ?token=TOKEN)", 401)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _allowed(self, scope) -> bool:
        from urllib.parse import parse_qs

        for name, value in scope.get("headers", []):
            if name == b"authorization" and value.startswith(b"Bearer "):
                return hmac.compare_digest(value[7:].strip(), self.token)
        given = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token", [""])[0]
        return hmac.compare_digest(given.encode(), self.token)
