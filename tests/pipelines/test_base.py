"""The generator protocol: validated frozen requests with stable hashes, provenance, cancel, batches."""

from __future__ import annotations

import dataclasses
import hashlib

import pytest

from pipelines import registry
from pipelines.base import Cancelled, CancelToken, RequestError
from pipelines.testing import FakeModel


def test_requests_are_frozen_and_hash_the_same_across_constructions():
    a = registry.make_request("sfx", prompt="door creak", duration=2.0, seed=7)
    b = registry.request_class("sfx").from_dict(a.to_dict())
    assert a.content_hash() == b.content_hash() and len(a.content_hash()) == 64
    assert a.content_hash() != a.replace(seed=8).content_hash()
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.prompt = "other"  # type: ignore[misc]


def test_the_hash_is_pinned_so_caches_survive_new_releases():
    request = registry.make_request("sfx", prompt="door", duration=1.0)
    payload = (
        '{"duration":1.0,"kind":"sfx","loop":false,"negative_prompt":"","prompt":"door",'
        '"prompt_influence":0.5,"sample_rate":48000,"seed":0,"stereo":true,"variations":1}'
    )
    assert request.content_hash() == hashlib.sha256(payload.encode()).hexdigest()


@pytest.mark.parametrize(
    "kind, fields, message",
    [
        ("sfx", {"prompt": "   "}, "prompt is empty"),
        ("sfx", {"prompt": "x", "duration": 0}, "duration must be > 0"),
        ("sfx", {"prompt": "x", "duration": float("nan")}, "finite"),
        ("sfx", {"prompt": "x", "mood": "dark"}, "unknown field 'mood'"),
        ("video", {"prompt": "x", "width": 641}, "must be even"),
        ("video", {"prompt": "x", "duration": 25}, "between 1 and 20"),
        ("voice", {"prompt": ""}, "text is empty"),
        ("3d", {}, "give an image"),
        ("sfx", {"prompt": "x", "seed": -1}, "seed must be"),
    ],
)
def test_bad_requests_fail_on_construction_with_a_one_line_message(kind, fields, message):
    with pytest.raises(RequestError, match=message) as info:
        registry.make_request(kind, **fields)
    assert "\n" not in str(info.value)


def test_an_engine_refuses_a_duration_over_its_own_maximum():
    generator = registry.create("sfx", "test-tone")
    generator.max_duration_s = 10.0
    with pytest.raises(RequestError, match="over the test-tone engine's limit of 10 s"):
        generator(registry.make_request("sfx", prompt="x", duration=30.0))


def test_results_are_labelled_with_the_engine_and_the_full_request(tmp_path):
    request = registry.make_request("sfx", prompt="door", duration=1.0, seed=3)
    result = registry.create("sfx", "test-tone")(request, output_dir=tmp_path)
    prov = result.provenance
    assert (prov["kind"], prov["engine"], prov["engine_version"], prov["seed"]) == ("sfx", "test-tone", "1", 3)
    assert prov["params"] == request.to_dict() and prov["test_engine"] is True
    assert result.primary.path.parent == tmp_path and result.metrics == {"audio_seconds": 1.0}


def test_test_engines_give_identical_bytes_for_the_same_request(tmp_path):
    for kind, engine, fields in [
        ("sfx", "test-tone", {"prompt": "door", "duration": 1.0}),
        ("video", "test-pattern", {"prompt": "bars", "duration": 1.0, "width": 160, "height": 96}),
        ("3d", "test-cube", {"views_dir": str(tmp_path)}),
    ]:
        request = registry.make_request(kind, **fields)
        one = registry.create(kind, engine)(request, output_dir=tmp_path / f"{kind}1").primary.path.read_bytes()
        two = registry.create(kind, engine)(request, output_dir=tmp_path / f"{kind}2").primary.path.read_bytes()
        assert one == two and len(one) > 100


def test_a_cancelled_token_stops_the_engine_and_leaves_no_file(tmp_path):
    token = CancelToken()
    calls = []

    def progress(fraction, message="", preview=None):
        calls.append(fraction)
        if fraction >= 0.25:
            token.cancel()

    request = registry.make_request("sfx", prompt="door", duration=4.0)
    with pytest.raises(Cancelled):
        registry.create("sfx", "test-tone")(request, progress=progress, cancel=token, output_dir=tmp_path)
    assert calls and list(tmp_path.iterdir()) == []


def test_a_batch_call_labels_every_result_and_runs_each_request(tmp_path):
    engine = FakeModel(engine="fake-batch", batching=True)
    requests = [registry.make_request("sfx", prompt=f"take {i}", duration=1.0) for i in range(3)]
    results = engine.call_batch(requests, output_dirs=[tmp_path / str(i) for i in range(3)])
    assert engine.batches == [3]
    assert [r.provenance["prompt"] for r in results] == ["take 0", "take 1", "take 2"]
    assert all(r.provenance["engine"] == "fake-batch" and r.primary.path.is_file() for r in results)
    with pytest.raises(RequestError, match="3 requests but 2 output folders"):
        engine.call_batch(requests, output_dirs=[tmp_path, tmp_path])
