"""Bringing files into a project's ``media/`` folder, content-addressed: ``<sha256[:12]>-<slug>.<ext>``.

The same bytes always become the same file and the same asset (``asset_<sha256[:12]>``), so importing
twice reuses it. Generated files get a provenance sidecar ``media/<file>.json``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import unicodedata
import uuid
from pathlib import Path
from typing import Any

from studio.io.errors import ProjectError
from studio.io.paths import MEDIA_DIR, resolve_in_project
from studio.io.probe import MEDIA_SUFFIXES, MediaInfo, probe_media
from studio.model.entities import Asset, Project

KINDS = ("video", "audio", "image", "mesh", "other")


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def slugify(name: str, limit: int = 48) -> str:
    """A readable, filesystem-safe piece of a file name: 'Door Creak (take 2)' -> 'door-creak-take-2'."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-zA-Z0-9]+", "-", text).strip("-").lower()
    return text[:limit].strip("-") or "media"


def sidecar_path(media_file: Path) -> Path:
    return media_file.with_name(media_file.name + ".json")


def kind_by_suffix(path: str | Path) -> str | None:
    """The ``kind`` to import a file with: None (probe it as media) for media suffixes, else "other"
    (lyrics, MIDI, captions, word timings: stored as they are)."""
    return None if Path(path).suffix.lower() in MEDIA_SUFFIXES else "other"


def import_media(
    project_dir: str | Path,
    project: Project,
    src: str | Path,
    *,
    name: str | None = None,
    provenance: dict[str, Any] | None = None,
    kind: str | None = None,
    move: bool = False,
    link: bool = False,
) -> Asset:
    """Copy (or move) ``src`` into ``media/``, probe it, record provenance, add and return its Asset.

    ``link=True`` hard-links instead of copying (for the scheduler's outputs, which are never rewritten);
    ``kind`` None: the file must be video, audio or an image (a mesh by its suffix); "other" stores any
    file (lyrics, MIDI, captions) without probing. Same content as an existing asset returns that asset.
    """
    src = Path(src)
    folder = Path(project_dir)
    if kind is not None and kind not in KINDS:
        raise ProjectError(f"unknown media kind {kind!r}; choose one of: {', '.join(KINDS)}")
    if not src.is_file():
        raise ProjectError(f"{src}: no such file to import")
    if provenance is not None:
        try:
            provenance_json = json.dumps(provenance, indent=1, ensure_ascii=False, allow_nan=False, default=str)
        except (TypeError, ValueError) as exc:
            raise ProjectError(f"{src.name}: provenance is not plain data ({exc})") from None
    # 1. Probe before copying, so a non-media file never lands in the project.
    info = MediaInfo(kind="other") if kind == "other" else probe_media(src)
    if kind is not None and kind != info.kind:
        raise ProjectError(f"{src.name}: is {_article(info.kind)} file, not {_article(kind)}")
    # 2. Content address.
    digest = file_sha256(src)
    asset_id = f"asset_{digest[:12]}"
    if asset_id in project.assets:
        return project.assets[asset_id]
    label = name or src.stem
    suffix = re.sub(r"[^a-z0-9]", "", src.suffix.lower())[:8]
    file_name = f"{digest[:12]}-{slugify(label)}" + (f".{suffix}" if suffix else "")
    rel = f"{MEDIA_DIR}/{file_name}"
    dest = resolve_in_project(folder, rel)
    # 3. Copy (atomically: a partial copy never has the final name) or move.
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        if dest.exists() and file_sha256(dest) == digest:
            if move:
                src.unlink()
        else:
            _place(src, dest, move=move, link=link)
        if provenance is not None:
            tmp = sidecar_path(dest).with_suffix(f".tmp-{uuid.uuid4().hex[:8]}")
            tmp.write_text(provenance_json + "\n", encoding="utf-8")
            os.replace(tmp, sidecar_path(dest))
    except OSError as exc:
        raise ProjectError(f"{src.name}: cannot copy into the project ({exc.strerror or exc})") from None
    asset = Asset(
        id=asset_id,
        name=label,
        path=rel,
        kind=info.kind,
        duration_seconds=info.duration_seconds,
        width=info.width,
        height=info.height,
        frame_rate=info.frame_rate,
        sample_rate=info.sample_rate,
        channels=info.channels,
        has_audio=info.has_audio,
        provenance=json.loads(provenance_json) if provenance is not None else None,
    )
    project.assets[asset_id] = asset
    return asset


def import_folder(
    project_dir: str | Path,
    project: Project,
    src: str | Path,
    *,
    name: str | None = None,
    provenance: dict[str, Any] | None = None,
) -> Asset:
    """Copy a folder (a generator's orbit views with their ``transforms.json``) into ``media/`` whole, as one
    "other" asset; the folder is named by a hash of its files' names and bytes, so a re-import reuses it."""
    src, folder = Path(src), Path(project_dir)
    if not src.is_dir():
        raise ProjectError(f"{src}: no such folder to import")
    files = sorted(p for p in src.rglob("*") if p.is_file() and not p.is_symlink())
    h = hashlib.sha256()
    for p in files:
        h.update(p.relative_to(src).as_posix().encode() + b"\0" + file_sha256(p).encode())
    digest = h.hexdigest()
    asset_id = f"asset_{digest[:12]}"
    if asset_id in project.assets:
        return project.assets[asset_id]
    label = name or src.name
    rel = f"{MEDIA_DIR}/{digest[:12]}-{slugify(label)}"
    dest = resolve_in_project(folder, rel)
    if not dest.is_dir():
        tmp = dest.with_name(f".{dest.name}.tmp-{uuid.uuid4().hex[:8]}")
        try:
            shutil.copytree(
                src, tmp, symlinks=False, ignore=lambda d, names: [n for n in names if (Path(d) / n).is_symlink()]
            )
            os.replace(tmp, dest)
        except OSError as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            if not dest.is_dir():  # another process placed the same folder first: that is fine
                raise ProjectError(f"{src.name}: cannot copy into the project ({exc.strerror or exc})") from None
    asset = Asset(
        id=asset_id,
        name=label,
        path=rel,
        kind="other",
        provenance=json.loads(json.dumps(provenance, default=str)) if provenance is not None else None,
    )
    project.assets[asset_id] = asset
    return asset


def _place(src: Path, dest: Path, move: bool, link: bool = False) -> None:
    """Move, hard-link (the scheduler's outputs are never rewritten: no second copy on disk) or copy."""
    tmp = dest.with_name(f".{dest.name}.tmp-{uuid.uuid4().hex[:8]}")
    try:
        if move:
            shutil.move(str(src), tmp)
        elif link:
            try:
                os.link(src, tmp)
            except OSError:  # another file system, or no hard links there
                shutil.copyfile(src, tmp)
        else:
            shutil.copyfile(src, tmp)
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def read_provenance(project_dir: str | Path, asset: Asset) -> dict[str, Any] | None:
    """The provenance sidecar of an asset, or None if it has none."""
    path = sidecar_path(resolve_in_project(project_dir, asset.path))
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ProjectError(f"{path.name}: unreadable provenance ({exc})") from None
    if not isinstance(data, dict):
        raise ProjectError(f"{path.name}: provenance must be a JSON object")
    return data


def _article(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"
