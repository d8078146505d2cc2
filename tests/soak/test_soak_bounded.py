"""Bounded work on bad input (make soak): each case runs `studio` in a child process whose peak resident
memory (RSS) is measured; huge titles, a 179-megapixel picture, a project.json that is /dev/zero or a
FIFO all end in one line, quickly and in bounded memory."""

from __future__ import annotations

import os
import struct
import zlib
from fractions import Fraction
from pathlib import Path

import pytest

from studio.io import create_project, save_project
from studio.io.media import import_media
from studio.model import Clip, TimeRange, Title
from tests.render.helpers import still_png
from tests.soak.helpers import run_studio

RSS_LIMIT_MB = 600  # a 1080p render of a short project stays well under this


def _title_project(folder: Path, text: str, width: int = 1920, height: int = 1080) -> Path:
    project = create_project(folder, rate=Fraction(24), width=width, height=height)
    project.timeline.tracks[0].clips.append(Clip("clip_t", "title", 0, TimeRange(0, 24), title=Title(text)))
    save_project(project, folder)
    return folder


def _png_header_only(path: Path, width: int, height: int) -> Path:
    """A PNG whose header claims ``width`` x ``height`` (its pixel data is one empty row): what a
    decompression bomb looks like to the code that opens it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0")) + chunk(b"IEND", b"")
    )
    return path


CASES = {}


def _report(name: str, finished) -> None:
    last = (finished.stderr.strip().splitlines() or [""])[-1]
    CASES[name] = (finished.max_rss_mb, finished.seconds, last)
    print(
        f"SOAK bounded {name}: exit {finished.returncode}, peak RSS {finished.max_rss_mb:.0f} MB, "
        f"{finished.seconds:.1f} s: {last[:140]}"
    )


@pytest.mark.parametrize("lines, refused", [(200, False), (30_000, True), (60_000, True)])
def test_render_of_a_many_line_title_is_bounded(tmp_path, lines, refused):
    folder = _title_project(tmp_path / "p.studio", "\n".join(f"line {i}" for i in range(lines)))
    out = run_studio("render", str(folder), "-o", str(tmp_path / "out.mp4"), "--preset", "web-1080p")
    _report(f"title of {lines} lines", out)
    assert (out.returncode != 0) == refused, out.stderr[-500:]
    if refused:
        assert "a title has" in out.stderr and "Traceback" not in out.stderr
    assert out.max_rss_mb < RSS_LIMIT_MB  # 2.9 GB (30,000 lines) and 5.6 GB (60,000) before


def test_render_of_a_million_character_title_is_one_line(tmp_path):
    folder = _title_project(tmp_path / "p.studio", "x" * 1_000_001)
    out = run_studio("render", str(folder), "-o", str(tmp_path / "out.mp4"))
    _report("title of 1,000,001 characters", out)
    assert out.returncode == 1 and "1,000,001 characters" in out.stderr and "Traceback" not in out.stderr


def test_render_of_a_179_megapixel_picture_is_one_line(tmp_path):
    folder = tmp_path / "p.studio"
    project = create_project(folder, rate=Fraction(24), width=320, height=180)
    asset = import_media(folder, project, still_png(tmp_path / "photo.png", (200, 10, 10, 255)))
    project.timeline.tracks[0].clips.append(Clip("clip_p", "photo", 0, TimeRange(0, 24), asset_id=asset.id))
    save_project(project, folder)
    _png_header_only(folder / asset.path, 13_400, 13_400)  # 179.6 megapixels: over PIL's bomb limit
    out = run_studio("render", str(folder), "-o", str(tmp_path / "out.mp4"))
    _report("179-megapixel picture", out)
    assert out.returncode == 1 and "too large to open safely" in out.stderr and "Traceback" not in out.stderr
    assert out.max_rss_mb < RSS_LIMIT_MB


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_info_of_a_project_json_that_is_not_a_file_is_one_line(tmp_path, kind):
    folder = tmp_path / "p.studio"
    create_project(folder)
    (folder / "project.json").unlink()
    if kind == "fifo":
        os.mkfifo(folder / "project.json")
    else:
        (folder / "project.json").symlink_to("/dev/zero")
    out = run_studio("info", str(folder), timeout=120)
    _report(f"project.json as a {kind}", out)
    assert out.returncode == 1 and "not a regular file" in out.stderr
    assert out.seconds < 60 and out.max_rss_mb < RSS_LIMIT_MB
