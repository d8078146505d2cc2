"""The draft video engine end to end on small real shots: files, provenance, determinism, camera, flicker, errors."""

from __future__ import annotations

import struct
import subprocess
import sys
import zlib
from pathlib import Path

import cv2
import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image

from pipelines import registry
from pipelines.base import Cancelled, CancelToken, RequestError
from pipelines.video.draft import DraftVideoGenerator
from pipelines.video.render import render_frame
from pipelines.video.request import VideoRequest
from pipelines.video.scene import parse_scene
from pipelines.video.staging import stage

ROOT = Path(__file__).resolve().parents[3]


def small(prompt: str, **kw) -> VideoRequest:
    kw = {"duration": 1.0, "width": 192, "height": 108, "seed": 3, **kw}
    return VideoRequest(prompt=prompt, **kw)


def frames_of(path: Path) -> list[np.ndarray]:
    reader = imageio_ffmpeg.read_frames(str(path))
    w, h = next(reader)["size"]
    return [np.frombuffer(b, np.uint8).reshape(h, w, 3) for b in reader]


def rendered(prompt: str, camera: str = "", n: int = 12, w: int = 320, h: int = 180) -> list[np.ndarray]:
    """``n`` frames at 24 fps spread evenly over a 2 s shot (every ``48 // n``-th frame)."""
    scene = parse_scene(prompt, camera, use_meaning=False)
    staging, cam = stage(scene, w, h, 2.0, 1)
    return [np.asarray(render_frame(staging, cam, i * 2.0 / n).convert("RGB")) for i in range(n)]


def consecutive(prompt: str, camera: str, n: int = 24, w: int = 320, h: int = 180) -> list[np.ndarray]:
    """``n`` consecutive frames at 24 fps."""
    scene = parse_scene(prompt, camera, use_meaning=False)
    staging, cam = stage(scene, w, h, n / 24, 1)
    return [np.asarray(render_frame(staging, cam, i / 24).convert("RGB")) for i in range(n)]


def shift(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    ga, gb = (cv2.cvtColor(x, cv2.COLOR_RGB2GRAY).astype(np.float32) for x in (a, b))
    (dx, dy), _ = cv2.phaseCorrelate(ga, gb, cv2.createHanningWindow(ga.shape[::-1], cv2.CV_32F))
    return dx, dy


def test_draft_is_the_default_video_engine_and_writes_mp4_poster_and_provenance(tmp_path):
    assert registry.spec("video").engine == "draft"
    previews = []
    result = registry.create("video")(
        small("a lighthouse on the coast at dusk, slow push-in"),
        progress=lambda f, m="", preview=None: previews.append(preview),
        output_dir=tmp_path,
    )
    video, poster = result.file("video").path, result.file("poster").path
    assert video.suffix == ".mp4" and poster.suffix == ".png"
    assert len(frames_of(video)) == 24
    assert Image.open(poster).size == (192, 108)
    prov = result.provenance
    assert prov["engine"] == "draft" and prov["understood"]["subjects"] == ["lighthouse"]
    assert prov["understood"]["environment"] == "coast" and prov["understood"]["time_of_day"] == "dusk"
    assert prov["understood"]["camera"] == "push-in"
    assert any(p is not None and p.ndim == 3 for p in previews)
    assert result.metrics["frames"] == 24
    assert not list(tmp_path.glob(".*part*"))


def test_same_request_gives_identical_bytes_and_variations_differ(tmp_path):
    req = small("a castle on a hill at golden hour", variations=2)
    a = DraftVideoGenerator()(req, output_dir=tmp_path / "a")
    b = DraftVideoGenerator()(req, output_dir=tmp_path / "b")
    assert [f.role for f in a.files] == ["video", "poster", "events", "video:2", "poster:2", "events:2"]
    assert a.file("video").path.read_bytes() == b.file("video").path.read_bytes()
    assert a.file("video").path.read_bytes() != a.file("video:2").path.read_bytes()


def test_prompt_is_understood_into_scene_elements():
    s = parse_scene(
        'a schooner at sea in a storm at night with fog, pan left, noir, titled "The Crossing"', use_meaning=False
    )
    assert s.subjects == ["sailing ship"] and s.environment == "coast" and s.time_of_day == "night"
    assert "storm" in s.sky and {"fog", "rain"} <= set(s.weather)
    assert s.camera == "pan-left" and s.style == "noir" and s.title == "The Crossing"
    assert parse_scene("snowy mountain peaks", use_meaning=False).weather == []
    several = parse_scene("stars and clouds over fog and rain", use_meaning=False)
    assert several.sky == ["clouds", "stars"] and several.weather == ["rain", "fog"]


def test_meaning_matching_finds_synonyms_the_keywords_miss():
    s = parse_scene("a tall striped signal tower guiding mariners home")
    if s.method != "embedding":
        pytest.skip("sentence-embedding model unavailable: " + s.method)
    assert s.subjects == ["lighthouse"] and s.environment == "coast"
    assert [u["how"] for u in s.understood] == ["meaning"]
    assert parse_scene("a medieval stronghold with turrets").subjects == ["castle"]


@pytest.mark.parametrize("move, sign", [("pan-left", 1), ("pan-right", -1)])
def test_pan_moves_the_picture_the_right_way(move, sign):
    frames = rendered("rolling hills and a barn", move)
    dx = sum(shift(a, b)[0] for a, b in zip(frames, frames[1:], strict=False))
    assert dx * sign > 3


@pytest.mark.parametrize("move, sign", [("push-in", 1), ("pull-out", -1)])
def test_push_in_expands_and_pull_out_contracts_the_picture(move, sign):
    frames = rendered("a castle on a hill", move)
    half = frames[0].shape[1] // 2
    div = sum(
        shift(a[:, half:], b[:, half:])[0] - shift(a[:, :half], b[:, :half])[0]
        for a, b in zip(frames, frames[1:], strict=False)
    )
    assert div * sign > 1


def test_frames_do_not_flicker():
    frames = consecutive("a lighthouse on the coast at dusk with fireflies and snowfall", "handheld")
    luma = np.array([f.mean() for f in frames])
    assert np.abs(np.diff(luma)).max() < 2.0


def test_every_environment_and_subject_renders():
    from pipelines.video.scene import SUBJECT_HOME

    for env in (
        "coast",
        "mountains",
        "desert",
        "forest",
        "meadow",
        "farmland",
        "city",
        "snowfield",
        "lake",
        "underwater",
        "space",
        "interior",
    ):
        for subject in [s for s, home in SUBJECT_HOME.items() if home == env] or [""]:
            frame = rendered(f"{env} {subject}".strip(), "static", n=1, w=256, h=144)[0]
            assert frame.std() > 5, (env, subject)


def test_image_to_video_moves_over_the_picture_and_reports_what_it_found(tmp_path):
    from skimage import data

    start = tmp_path / "start.png"
    Image.fromarray(data.coffee()).save(start)
    result = DraftVideoGenerator()(
        VideoRequest(prompt="", image=str(start), camera="push-in", duration=1.0, width=160, height=96),
        output_dir=tmp_path,
    )
    frames = frames_of(result.file("video").path)
    assert len(frames) == 24 and result.provenance["mode"] == "image-to-video"
    assert any("GrabCut" in n for n in result.provenance["notes"])
    assert np.abs(frames[0].astype(int) - frames[-1].astype(int)).mean() > 2


def test_water_in_a_start_image_shimmers(tmp_path):
    img = np.zeros((120, 200, 3), np.uint8)
    img[:60] = (200, 200, 205)
    img[60:] = (30, 80, 160)
    img[60:] += (np.random.default_rng(0).random((60, 200, 1)) * 12).astype(np.uint8)
    path = tmp_path / "sea.png"
    Image.fromarray(img).save(path)
    result = DraftVideoGenerator()(
        VideoRequest(image=str(path), camera="static", duration=1.0, width=160, height=96), output_dir=tmp_path
    )
    assert any("water shimmer" in n for n in result.provenance["notes"])


def test_extend_continues_from_the_last_frame_of_a_shot(tmp_path):
    first = DraftVideoGenerator()(small("a red barn on farmland"), output_dir=tmp_path)
    nxt = DraftVideoGenerator()(
        small("", extend_from=str(first.file("video").path), camera="static"), output_dir=tmp_path
    )
    a, b = frames_of(first.file("video").path)[-1], frames_of(nxt.file("video").path)[0]
    assert np.abs(a.astype(int) - b.astype(int)).mean() < 12


def _png_header(w: int, h: int) -> bytes:
    """A PNG whose header claims w x h pixels (a decompression bomb's shape) with almost no data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    "content, words",
    [
        (b"not an image at all", "not an image"),
        (_png_header(50_000, 50_000), "limit"),
        ("truncated", "damaged or truncated"),
    ],
)
def test_bad_start_images_get_one_clear_line(tmp_path, content, words):
    path = tmp_path / "bad.png"
    if content == "truncated":
        Image.fromarray(np.zeros((64, 64, 3), np.uint8) + 90).save(path)
        path.write_bytes(path.read_bytes()[:60])
    else:
        path.write_bytes(content)
    with pytest.raises(RequestError, match=words):
        DraftVideoGenerator()(small("", image=str(path)), output_dir=tmp_path)


@pytest.mark.parametrize(
    "fields",
    [
        {"duration": 0},
        {"duration": 1000},
        {"width": 4000, "height": 100},
        {"width": 641, "height": 360},
        {"camera": "spin"},
        {"fps": 60},
    ],
)
def test_bad_requests_are_refused_with_a_clear_error(fields):
    with pytest.raises(RequestError):
        VideoRequest(prompt="a lighthouse", **fields)


def test_cancel_stops_and_leaves_no_files(tmp_path):
    token = CancelToken()

    def progress(fraction, message="", preview=None):
        if fraction > 0.3:
            token.cancel()

    with pytest.raises(Cancelled):
        DraftVideoGenerator()(
            small("a volcano at night", duration=3.0), progress=progress, cancel=token, output_dir=tmp_path
        )
    assert list(tmp_path.iterdir()) == []


def test_importing_the_draft_engine_does_not_import_torch():
    code = (
        "import sys; import pipelines.video.draft, pipelines.video.staging, pipelines.video.scene; "
        "print(any(m in sys.modules for m in ('torch', 'diffusers', 'transformers')))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
