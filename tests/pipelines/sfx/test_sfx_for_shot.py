"""Sound for a shot: the draft video engine reports what happens in its shot and when; the draft sound engine
places thunder after each flash (delayed by the strike's distance), a crash on each wave break and beds for
rain, sea and wind, within 80 ms of the reported times; footage Studio did not make gets a one-line error."""

import hashlib
import json
import shutil

import numpy as np
import pytest
import soundfile

from pipelines.base import RequestError
from pipelines.sfx.draft import DraftSoundEffects
from pipelines.sfx.for_shot import read_shot_events, request_for_shot
from pipelines.sfx.request import SoundEffectRequest
from pipelines.video.draft import DraftVideoGenerator
from pipelines.video.events import SPEED_OF_SOUND
from pipelines.video.request import VideoRequest


@pytest.fixture(scope="module")
def storm_shot(tmp_path_factory):
    """A small real draft shot: a stormy night at sea, with lightning and heavy rain."""
    out = tmp_path_factory.mktemp("shot")
    request = VideoRequest(
        prompt="a stormy night over the ocean, lightning and heavy rain", duration=6.0, width=128, height=72
    )
    return DraftVideoGenerator()(request, output_dir=out)


def onset_near(audio: np.ndarray, rate: int, t: float, window: float = 0.3) -> float | None:
    """The first time within ``window`` s of ``t`` where the level jumps 6 dB above the previous 60 ms."""
    mono = np.abs(audio).mean(axis=1)
    hop = int(0.005 * rate)
    frames = len(mono) // hop
    db = 10 * np.log10((mono[: frames * hop].reshape(frames, hop) ** 2).mean(axis=1) + 1e-18)
    lo, hi = int((t - window) / 0.005), int((t + window) / 0.005)
    for i in range(max(lo, 12), min(hi, frames)):
        if db[i] - db[i - 12 : i].mean() > 6.0:
            return i * 0.005
    return None


def test_the_video_engine_reports_its_flashes_waves_and_rain_as_events(storm_shot):
    events = json.loads(storm_shot.file("events").path.read_text())
    assert storm_shot.provenance["events"] == events and events["duration"] == 6.0
    kinds = {e["kind"] for e in events["events"]}
    assert {"lightning", "wave break"} <= kinds
    for flash in (e for e in events["events"] if e["kind"] == "lightning"):
        assert flash["thunder_t"] == pytest.approx(flash["t"] + flash["distance_m"] / SPEED_OF_SOUND, abs=2e-3)
    assert {"kind": "rain", "density": 1.0} in events["beds"]


def test_sound_for_a_shot_lands_each_effect_within_80_ms_of_its_event(storm_shot, tmp_path):
    result = DraftSoundEffects()(request_for_shot(storm_shot.primary.path), output_dir=tmp_path)
    audio, rate = soundfile.read(result.primary.path, always_2d=True)
    assert rate == 48_000 and audio.shape == (6 * 48_000, 2)
    events = storm_shot.provenance["events"]["events"]
    expected = [e["thunder_t"] if e["kind"] == "lightning" else e["t"] for e in events]
    expected = [t for t in expected if t < 5.7]
    assert len(expected) >= 2
    for t in expected:
        found = onset_near(audio, rate, t)
        assert found is not None and abs(found - t) <= 0.080, (t, found)
    prov = result.provenance
    assert prov["engine"] == "draft" and prov["for_shot"] == str(storm_shot.primary.path)
    assert {s["sound"] for s in prov["synchronised"]} == {"thunder", "wave crash"}
    assert {"heavy rain", "sea"} <= {b["sound"] for b in prov["beds"]}


def test_thunder_waits_longer_for_a_more_distant_strike(storm_shot, tmp_path):
    events = read_shot_events(storm_shot.primary.path)
    flash = next(e for e in events["events"] if e["kind"] == "lightning")
    near = {
        **events,
        "events": [{**flash, "distance_m": 300.0, "thunder_t": flash["t"] + 300.0 / SPEED_OF_SOUND}],
        "beds": [],
    }
    far = {**near, "events": [{**flash, "distance_m": 1200.0, "thunder_t": flash["t"] + 1200.0 / SPEED_OF_SOUND}]}
    from pipelines.sfx.draft import render_for_shot

    request = request_for_shot(storm_shot.primary.path)
    rate = request.sample_rate
    a, b = render_for_shot(request, 0, near), render_for_shot(request, 0, far)
    assert onset_near(a, rate, near["events"][0]["thunder_t"]) is not None
    assert onset_near(b, rate, far["events"][0]["thunder_t"]) is not None
    quiet_until = int((far["events"][0]["thunder_t"] - 0.1) * rate)
    # before the far strike's sound arrives there is only the place's floor (1 % of its peak); the near one has come
    assert np.abs(b[:quiet_until]).max() < 0.05 * np.abs(b).max()
    assert np.abs(a[:quiet_until]).max() > 0.5 * np.abs(a).max()


def test_sound_for_a_shot_is_deterministic_and_reads_a_project_copy(storm_shot, tmp_path):
    media = tmp_path / "media"
    media.mkdir()
    copy = media / "abc123-storm.mp4"  # as a project stores it: content-addressed name, provenance beside it
    shutil.copyfile(storm_shot.primary.path, copy)
    (media / "abc123-storm.mp4.json").write_text(json.dumps(storm_shot.provenance, default=str))
    one = DraftSoundEffects()(request_for_shot(copy, seed=3), output_dir=tmp_path / "1")
    two = DraftSoundEffects()(request_for_shot(copy, seed=3), output_dir=tmp_path / "2")
    assert one.primary.path.read_bytes() == two.primary.path.read_bytes()


def test_footage_studio_did_not_make_gets_a_one_line_error(tmp_path, storm_shot):
    stranger = tmp_path / "holiday.mp4"
    shutil.copyfile(storm_shot.primary.path, stranger)  # a real video, but no provenance or events beside it
    with pytest.raises(RequestError, match="not a Studio shot.*needs a shot generated") as err:
        request_for_shot(stranger)
    assert "\n" not in str(err.value)
    neural = tmp_path / "neural.mp4"
    shutil.copyfile(storm_shot.primary.path, neural)
    (tmp_path / "neural.mp4.json").write_text(json.dumps({"kind": "video", "engine": "ltx-video"}))
    with pytest.raises(RequestError, match="'ltx-video' video engine, which records no shot events"):
        request_for_shot(neural)
    with pytest.raises(RequestError, match="does not exist"):
        DraftSoundEffects()(SoundEffectRequest(for_shot=str(tmp_path / "missing.mp4")), output_dir=tmp_path / "o")
    assert not (tmp_path / "o").exists() or list((tmp_path / "o").iterdir()) == []


def test_the_shot_field_leaves_other_requests_hashes_alone_and_round_trips():
    plain = SoundEffectRequest(prompt="door", duration=1.0)
    assert "for_shot" not in plain.to_dict()
    shot = SoundEffectRequest(for_shot="media/a.mp4", duration=4.0)
    assert SoundEffectRequest.from_dict(shot.to_dict()) == shot and shot.content_hash() != plain.content_hash()
    assert SoundEffectRequest.from_dict(plain.to_dict()) == plain


def test_a_shot_regenerated_at_the_same_path_gets_a_new_cache_key_and_the_old_request_is_refused(storm_shot, tmp_path):
    media = tmp_path / "media"
    media.mkdir()
    shot = media / "storm.mp4"  # the same path before and after the shot is generated again
    shutil.copyfile(storm_shot.primary.path, shot)
    (media / "storm.mp4.json").write_text(json.dumps(storm_shot.provenance, default=str))
    before = request_for_shot(shot)
    assert before.shot_sha256 == hashlib.sha256(shot.read_bytes()).hexdigest()
    again = DraftVideoGenerator()(
        VideoRequest(
            prompt="a stormy night over the ocean, lightning and heavy rain", duration=6.0, width=128, height=72, seed=7
        ),
        output_dir=tmp_path / "again",
    )
    shutil.copyfile(again.primary.path, shot)
    (media / "storm.mp4.json").write_text(json.dumps(again.provenance, default=str))
    after = request_for_shot(shot)
    assert after.for_shot == before.for_shot and after.content_hash() != before.content_hash()
    with pytest.raises(RequestError, match="storm.mp4 has changed since this sound was requested") as err:
        DraftSoundEffects()(before, output_dir=tmp_path / "stale")
    assert "\n" not in str(err.value)
    assert DraftSoundEffects()(after, output_dir=tmp_path / "fresh").provenance["shot_sha256"] == after.shot_sha256


def test_a_shot_hash_must_be_hex_and_belongs_to_a_shot():
    with pytest.raises(RequestError, match="64 lowercase hex"):
        SoundEffectRequest(for_shot="a.mp4", shot_sha256="abc")
    with pytest.raises(RequestError, match="needs for_shot"):
        SoundEffectRequest(prompt="door", shot_sha256="0" * 64)
    shot = SoundEffectRequest(for_shot="a.mp4", shot_sha256="0" * 64, duration=4.0)
    assert SoundEffectRequest.from_dict(shot.to_dict()) == shot
