"""Fixtures: a scheduler on a temporary data folder, and fake models registered for its workers."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from pipelines import registry
from pipelines.registry import EngineSpec


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("STUDIO_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def fake_model(tmp_path):
    """``fake_model(name, memory_mb=.., batching=.., load_seconds=..)`` registers a FakeModel engine for sfx;
    returns its spec. ``tmp_path/loads.log`` and ``tmp_path/runs.log`` get one line per load / finished job."""
    names = []

    def make(
        name: str = "fake-a",
        memory_mb: int = 100,
        batching: bool = False,
        load_seconds: float = 0.0,
        version: str = "1",
        step_seconds: float = 0.0,
    ) -> EngineSpec:
        options = (
            ("engine", name),
            ("load_log", str(tmp_path / "loads.log")),
            ("run_log", str(tmp_path / "runs.log")),
            ("batching", batching),
            ("load_seconds", load_seconds),
            ("step_seconds", step_seconds),
        )
        spec = EngineSpec(
            "sfx",
            name,
            "pipelines.testing:FakeModel",
            version=version,
            memory_mb=memory_mb,
            supports_batching=batching,
            options=options,
            description="fake model for tests",
        )
        registry.register(spec)
        names.append(name)
        return spec

    yield make
    for name in names:
        registry.unregister("sfx", name)


@pytest.fixture
def make_scheduler(data_dir):
    from studio.scheduler import Scheduler

    made = []

    def make(**kwargs):
        kwargs.setdefault("cpu_workers", 1)
        scheduler = Scheduler(**kwargs)
        made.append(scheduler)
        return scheduler

    yield make
    for scheduler in made:
        scheduler.shutdown()


def lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def wait_until(predicate, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.01)


def sfx(prompt: str, **fields) -> dict:
    return {"prompt": prompt, "duration": 1.0, **fields}
