"""`studio serve` on the loopback address: concurrent clients, progress events, cancel, bad requests, tokens."""

from __future__ import annotations

import http.client
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from pipelines import registry
from pipelines.registry import EngineSpec

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

from studio.serve.server import LocalServer, is_loopback, token_for  # noqa: E402


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


@pytest.fixture
def slow_engine(tmp_path):
    """An sfx engine whose prompt "sleep S" runs S seconds in small steps, checking for cancel."""
    spec = EngineSpec(
        "sfx",
        "serve-slow",
        "pipelines.testing:FakeModel",
        version="1",
        memory_mb=10,
        options=(("engine", "serve-slow"), ("run_log", str(tmp_path / "runs.log"))),
        description="fake model for the API tests",
    )
    registry.register(spec)
    yield spec
    registry.unregister("sfx", "serve-slow")


def call(server, method, path, body=None, headers=None, timeout=60):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    try:
        payload = body if isinstance(body, (bytes, type(None))) else json.dumps(body)
        conn.request(method, path, payload, headers or {})
        response = conn.getresponse()
        data = response.read()
        kind = response.getheader("content-type", "")
        return response.status, json.loads(data) if kind.startswith("application/json") else data
    finally:
        conn.close()


class EventLog:
    """Reads /events on a thread and keeps every state event."""

    def __init__(self, server, path="/events"):
        self.states: list[dict] = []
        self.progress = 0
        self.conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        self.conn.request("GET", path)
        self.response = self.conn.getresponse()
        assert self.response.getheader("content-type").startswith("text/event-stream")
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        event = None
        for raw in self.response.fp:
            line = raw.decode().rstrip("\n")
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: "):
                body = json.loads(line[6:])
                if event == "state":
                    self.states.append(body["job"])
                else:
                    self.progress += 1

    def finished(self):
        return [s for s in self.states if s["state"] in ("done", "failed", "cancelled")]


def wait_for(predicate, timeout=120.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "not reached in time"
        time.sleep(0.05)


def test_fifty_jobs_from_four_clients_each_finish_once(data_dir, slow_engine, tmp_path):
    with LocalServer(cpu_workers=2) as server:
        events = EventLog(server)

        def client(n):
            ids = []
            for i in range(n * 100, n * 100 + 13 - (n == 3) * 2):  # 13 + 13 + 13 + 11 = 50
                status, doc = call(
                    server,
                    "POST",
                    "/jobs",
                    {"kind": "sfx", "engine": "serve-slow", "request": {"prompt": f"tone {i}", "duration": 0.5}},
                )
                assert status == 201, doc
                ids.append(doc["id"])
            return ids

        with ThreadPoolExecutor(4) as pool:
            ids = [i for chunk in pool.map(client, range(4)) for i in chunk]
        assert len(ids) == len(set(ids)) == 50
        wait_for(lambda: len(events.finished()) >= 50)
        time.sleep(0.3)  # a duplicate would arrive now
        finished = events.finished()
        assert sorted(s["id"] for s in finished) == sorted(ids)  # each job finished exactly once
        assert all(s["state"] == "done" and s["files"][0]["url"] for s in finished)
        assert events.progress > 0
        status, listing = call(server, "GET", "/jobs?state=done")
        assert status == 200 and len(listing["jobs"]) == 50
        runs = (tmp_path / "runs.log").read_text().splitlines()
        assert len(runs) == len(set(runs)) == 50  # and each ran once
        status, data = call(server, "GET", finished[0]["files"][0]["url"])
        assert status == 200 and len(data.strip()) == 64  # the fake model's output: a sha256 line


def test_a_real_engine_result_is_served_as_a_file(data_dir):
    with LocalServer(cpu_workers=1) as server:
        status, job = call(
            server,
            "POST",
            "/jobs",
            {"kind": "sfx", "engine": "test-tone", "request": {"prompt": "beep", "duration": 1}},
        )
        assert status == 201
        wait_for(lambda: call(server, "GET", f"/jobs/{job['id']}")[1]["state"] == "done", 60)
        doc = call(server, "GET", f"/jobs/{job['id']}")[1]
        status, wav = call(server, "GET", doc["files"][0]["url"])
        assert status == 200 and wav[:4] == b"RIFF" and doc["metrics"]["run_s"] is not None


def test_cancel_stops_a_running_job(data_dir, slow_engine):
    with LocalServer(cpu_workers=1) as server:
        status, job = call(
            server,
            "POST",
            "/jobs",
            {"kind": "sfx", "engine": "serve-slow", "request": {"prompt": "sleep 30", "duration": 1}},
        )
        assert status == 201
        events = EventLog(server, f"/events?job={job['id']}")
        wait_for(lambda: call(server, "GET", f"/jobs/{job['id']}")[1]["state"] == "running", 60)
        status, _ = call(server, "POST", f"/jobs/{job['id']}/cancel")
        assert status == 200
        wait_for(lambda: events.finished(), 20)
        assert [s["state"] for s in events.finished()] == ["cancelled"]
        assert call(server, "GET", f"/jobs/{job['id']}/files/0")[0] == 409


@pytest.mark.parametrize(
    "body, status, reason",
    [
        (b"{not json", 400, "the body is not JSON"),
        (b"[1, 2]", 400, "the body must be a JSON object"),
        ({"kind": "sfx", "request": {"prompt": "x"}, "colour": "red"}, 400, "unknown field(s) colour"),
        ({"kind": "sfx", "engine": "test-tone", "request": {"prompt": ""}}, 422, "prompt is empty"),
        ({"kind": "sfx", "engine": "test-tone", "request": {"prompt": "x", "bpm": 90}}, 422, "bpm"),
        ({"kind": "opera", "request": {"prompt": "x"}}, 422, "unknown media kind 'opera'"),
        ({"kind": "sfx", "request": {"prompt": "x"}, "priority": "now"}, 422, "priority must be interactive or batch"),
        ({"kind": "video", "request": {"prompt": "x", "image": "/etc/passwd"}}, 422, "only when the server runs with"),
    ],
)
def test_a_malformed_request_gets_a_4xx_with_a_one_line_reason(data_dir, body, status, reason):
    with LocalServer(cpu_workers=1) as server:
        got, doc = call(server, "POST", "/jobs", body)
        assert got == status and reason in doc["error"] and "\n" not in doc["error"]
        assert call(server, "GET", "/jobs/job_nope")[0] == 404
        assert call(server, "GET", "/jobs")[1] == {"jobs": []}  # nothing was queued


def test_files_outside_the_project_are_refused(data_dir, tmp_path):
    from studio.io import create_project

    create_project(tmp_path / "P.studio")
    (tmp_path / "secret.png").write_bytes(b"x")
    with LocalServer(tmp_path / "P.studio", cpu_workers=1) as server:
        status, doc = call(
            server, "POST", "/jobs", {"kind": "video", "request": {"prompt": "x", "image": "../secret.png"}}
        )
        assert status == 403 and "outside the project folder" in doc["error"]


def test_a_token_is_required_when_set_and_made_up_beyond_loopback(data_dir):
    assert is_loopback("127.0.0.1") and is_loopback("::1") and not is_loopback("0.0.0.0")
    assert token_for("127.0.0.1", None) is None and len(token_for("0.0.0.0", None)) >= 24
    with LocalServer(cpu_workers=1, token="s3cret") as server:
        status, doc = call(server, "GET", "/jobs")
        assert status == 401 and "token is required" in doc["error"]
        assert call(server, "GET", "/jobs", headers={"Authorization": "Bearer wrong"})[0] == 401
        assert call(server, "GET", "/jobs", headers={"Authorization": "Bearer s3cret"})[0] == 200
        assert call(server, "GET", "/jobs?token=s3cret")[0] == 200


def test_with_a_project_results_are_imported_with_provenance(data_dir, tmp_path):
    from studio.io import create_project, load_project

    folder = tmp_path / "P.studio"
    create_project(folder)
    with LocalServer(folder, cpu_workers=1) as server:
        status, job = call(
            server,
            "POST",
            "/jobs",
            {"kind": "sfx", "engine": "test-tone", "request": {"prompt": "door", "duration": 1}},
        )
        assert status == 201
        wait_for(lambda: "asset_id" in call(server, "GET", f"/jobs/{job['id']}")[1], 60)
        asset_id = call(server, "GET", f"/jobs/{job['id']}")[1]["asset_id"]
    asset = load_project(folder).assets[asset_id]
    assert asset.kind == "audio" and (folder / asset.path).is_file()
    assert asset.provenance["engine"] == "test-tone" and asset.provenance["prompt"] == "door"
