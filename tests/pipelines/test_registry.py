"""The registry: engines by (kind, engine), real default first, test engines last, light imports."""

from __future__ import annotations

import subprocess
import sys

import pytest

from pipelines import registry
from pipelines.base import RequestError
from pipelines.registry import EngineSpec


def test_test_engines_are_found_by_name_but_listed_only_when_asked(monkeypatch):
    monkeypatch.delenv("STUDIO_TEST_ENGINES", raising=False)
    expected = {
        "sfx": "test-tone",
        "song": "test-tone",
        "voice": "test-tone",
        "video": "test-pattern",
        "3d": "test-cube",
    }
    for kind in registry.KINDS:
        assert not any(s.test for s in registry.engines(kind))
        assert registry.spec(kind, expected[kind]).test
        specs = registry.engines(kind, include_test=True)
        assert specs[-1].engine == expected[kind] and specs[-1].test
        assert [s.test for s in specs] == sorted(s.test for s in specs)
        assert registry.spec(kind).engine == specs[0].engine


def test_a_registered_default_engine_comes_first_and_can_be_removed():
    spec = EngineSpec(
        "sfx",
        "zz-plugin",
        "pipelines.testing:FakeModel",
        default=True,
        device="cuda",
        memory_mb=9000,
        supports_batching=True,
        neural=True,
        options=(("engine", "zz-plugin"),),
    )
    registry.register(spec)
    try:
        specs = registry.engines("sfx")
        assert all(specs.index(spec) < i for i, s in enumerate(specs) if not s.default)
        built = registry.create("sfx", "zz-plugin")
        assert built.engine == "zz-plugin" and not built.loaded
        assert EngineSpec.from_dict(spec.to_dict()) == spec and spec.model_key == "sfx/zz-plugin@1"
    finally:
        registry.unregister("sfx", "zz-plugin")
    assert all(s.engine != "zz-plugin" for s in registry.engines("sfx"))


def test_unknown_kinds_and_engines_are_named_in_the_error():
    with pytest.raises(RequestError, match="unknown media kind 'podcast'"):
        registry.engines("podcast")
    with pytest.raises(RequestError, match=r"unknown video engine 'nope'; installed: draft, ltx-2, ltx-video"):
        registry.spec("video", "nope")
    broken = EngineSpec("sfx", "broken", "pipelines.nowhere:Thing")
    with pytest.raises(RequestError, match="cannot be loaded from pipelines.nowhere:Thing"):
        broken.load_class()


def test_listing_engines_and_importing_the_scheduler_import_no_torch():
    code = (
        "import sys; from pipelines import registry; [registry.engines(k) for k in registry.KINDS]; "
        "import studio.scheduler.scheduler, studio.cli.cmd_generate, studio.cli.cmd_jobs; "
        "bad = [m for m in ('torch', 'diffusers', 'transformers', 'numpy') if m in sys.modules]; print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
