"""OpenTimelineIO exchange: a project timeline to a file other editors open, and such a file to a new project.

    export_otio(project, folder, "cut.otio")                   # absolute file:// media URLs
    export_otio(project, folder, "cut.otio", relative=True)    # URLs relative to the .otio file
    export_otio(project, folder, "cut.otioz")                  # one zip with the media inside (.otiod: a folder)
    export_otio(project, folder, "cut.xml")                    # any format an installed OTIO adapter writes
    import_otio("cut.otioz", "New.studio")                     # media inside the bundle is found

How the timeline maps (dissolves, fades, titles, Studio's metadata) is in ``otio_export`` and ``otio_import``.
An import is all or nothing: it is built in a hidden folder beside the target and renamed into place at the
end, so a failure (bad file, unreadable media, missing media when refused) leaves nothing behind.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any

from studio.io.errors import ProjectError
from studio.io.otio_text import studio_meta
from studio.io.project_file import create_project, save_project, write_atomic
from studio.model.entities import Project

log = logging.getLogger(__name__)
BUNDLES = (".otioz", ".otiod")


class MissingMediaError(ProjectError):
    """An import whose media files were not found (``missing`` lists their URLs)."""

    def __init__(self, source: str, missing: list[str]):
        self.missing = missing
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        super().__init__(f"{source}: {len(missing)} media file{'s' * (len(missing) != 1)} not found: {shown}")


def _otio():
    import opentimelineio

    return opentimelineio


# ----------------------------------------------------------------------------------------------
# export


def export_otio(
    project: Project,
    project_dir: str | Path,
    out_path: str | Path,
    timeline_id: str | None = None,
    relative: bool = False,
    warnings: list[str] | None = None,
) -> Path:
    """Write the main (or given) timeline to ``out_path``; the suffix picks the format; returns the path.

    ``.otio`` is OTIO JSON; ``.otioz``/``.otiod`` bundle the media with it; other suffixes go through an
    installed OTIO adapter (``.xml`` FCP 7, ``.fcpxml`` FCP X, ``.edl`` CMX 3600), which keep what their
    format can hold, each loss adding a line to ``warnings``. ``relative``: media URLs relative to the
    written file's folder (bundles always hold their media relative to themselves).
    """
    from studio.io.otio_export import TimelineWriter, for_adapter

    otio = _otio()
    notes: list[str] = warnings if warnings is not None else []
    out = Path(out_path)
    suffix = out.suffix.lower()
    adapter = None if suffix in (".otio", *BUNDLES) else _adapter_for(otio, out)
    tl = project.find_timeline(timeline_id) if timeline_id else project.timeline
    base = out.resolve().parent if relative and suffix not in BUNDLES else None
    writer = TimelineWriter(otio, project, project_dir, tl, relative_to=base, bundle=suffix in BUNDLES)
    timeline = writer.timeline()
    try:
        if suffix == ".otio":
            write_atomic(out, otio.adapters.write_to_string(timeline, "otio_json").encode("utf-8"))
        elif suffix in BUNDLES:
            _write_bundle(otio, timeline, out, writer.bundle_extras, notes)
        else:
            timeline = for_adapter(otio, timeline, adapter or "", notes)
            write_atomic(out, otio.adapters.write_to_string(timeline, adapter).encode("utf-8"))
    except OSError as exc:
        raise ProjectError(f"{out.name}: cannot write ({exc.strerror or exc})") from None
    except ProjectError:
        raise
    except Exception as exc:  # noqa: BLE001 - adapters raise their own types for what their format cannot hold
        raise ProjectError(
            f"{out.name}: the {adapter or suffix} writer refused the timeline "
            f"({type(exc).__name__}: {' '.join(str(exc).split())})"
        ) from None
    return out


def _adapter_for(otio: Any, path: Path) -> str:
    try:
        return otio.adapters.from_filepath(str(path)).name
    except Exception:  # noqa: BLE001 - OTIO raises NoKnownAdapterForExtensionError (a plain OTIOError)
        known = sorted(
            {s for a in otio.adapters.available_adapter_names() for s in otio.adapters.from_name(a).suffixes}
        )
        raise ProjectError(
            f"{path.name}: no OpenTimelineIO format writes {path.suffix or 'files without a suffix'}"
            f"; use .otio, .otioz, .otiod or one of: {', '.join('.' + s for s in known)}"
        ) from None


def _write_bundle(otio: Any, timeline: Any, out: Path, extras: dict[str, Path], notes: list[str]) -> None:
    """A zip (.otioz) or folder (.otiod) holding the timeline and its media (clips' media through OTIO's
    bundle writer, then ``extras``: sidecars and bin media named in Studio's metadata); missing media stays
    referenced as missing. Written under a temporary name and renamed, so a failure leaves no partial bundle."""
    import zipfile

    from opentimelineio.adapters.file_bundle_utils import MediaReferencePolicy

    if out.suffix.lower() == ".otiod" and out.exists():
        raise ProjectError(f"{out.name}: already exists; choose a new name (a bundle folder is never overwritten)")
    tmp = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.tmp{out.suffix}")
    adapter = out.suffix.lower().lstrip(".")
    try:
        otio.adapters.write_to_file(
            timeline, str(tmp), adapter_name=adapter, media_policy=MediaReferencePolicy.MissingIfNotFile
        )
        present = [(name, path) for name, path in sorted(extras.items()) if path.is_file()]
        notes.extend(
            f"{name}: not found; left out of the bundle" for name, path in extras.items() if not path.is_file()
        )
        if tmp.is_dir():
            for name, path in present:
                if not (tmp / "media" / name).exists():
                    (tmp / "media").mkdir(exist_ok=True)
                    shutil.copy2(path, tmp / "media" / name)
        elif present:
            with zipfile.ZipFile(tmp, "a") as bundle:
                inside = set(bundle.namelist())
                for name, path in present:
                    if f"media/{name}" not in inside:
                        bundle.write(path, f"media/{name}", compress_type=zipfile.ZIP_STORED)
        os.replace(tmp, out)
    finally:
        if tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
        elif tmp.exists():
            tmp.unlink()


# ----------------------------------------------------------------------------------------------
# import


def import_otio(
    otio_path: str | Path, project_dir: str | Path, warnings: list[str] | None = None, allow_missing: bool = True
) -> Project:
    """Make a new project at ``project_dir`` from an OTIO file (or bundle, or any format an installed
    adapter reads), copying in the media files it finds.

    Media that cannot be found become assets whose file is missing (``missing_media`` lists them;
    ``Asset.source_url`` keeps the original location), or, with ``allow_missing=False``, fail the import
    with ``MissingMediaError`` listing them. Anything Studio cannot represent adds a line to ``warnings``.
    Nothing is left at ``project_dir`` when the import fails.
    """
    otio = _otio()
    src = Path(otio_path)
    target = Path(project_dir)
    notes: list[str] = warnings if warnings is not None else []
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ProjectError(f"{target}: already exists and is not an empty folder; choose a new name")
    staging = target.parent / f".{target.name}.importing-{uuid.uuid4().hex[:8]}"
    with tempfile.TemporaryDirectory(prefix="studio-otio-") as unpacked:
        try:
            obj, media_root = _read(otio, src, Path(unpacked))
            project = _build(otio, obj, src, media_root, staging, notes, allow_missing)
            if target.exists():
                target.rmdir()  # empty (checked above)
            os.replace(staging, target)
        except OSError as exc:
            raise ProjectError(f"{target}: cannot create the project ({exc.strerror or exc})") from None
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
    if warnings is None:  # nobody asked for them: log them
        for note in notes:
            log.warning("%s: %s", src.name, note)
    return project


def _read(otio: Any, src: Path, unpack_dir: Path) -> tuple[Any, Path]:
    """The OTIO object in ``src`` and the folder its relative media URLs count from."""
    if not src.exists():
        raise ProjectError(f"{src}: no such file")
    suffix = src.suffix.lower()
    try:
        if suffix == ".otioz":
            obj = otio.adapters.read_from_file(str(src), extract_to_directory=str(unpack_dir))
            return obj, unpack_dir
        if suffix == ".otiod":
            return otio.adapters.read_from_file(str(src)), src.resolve()
        return otio.adapters.read_from_file(str(src)), src.resolve().parent
    except Exception as exc:  # noqa: BLE001 - OTIO raises many types (OTIOError, ValueError, JSON) for bad files
        raise ProjectError(
            f"{src.name}: not a readable OpenTimelineIO file ({type(exc).__name__}: {' '.join(str(exc).split())[:200]})"
        ) from None


def _build(
    otio: Any, obj: Any, src: Path, media_root: Path, folder: Path, notes: list[str], allow_missing: bool
) -> Project:
    from studio.io.otio_import import TimelineReader, import_rate

    if isinstance(obj, otio.schema.SerializableCollection):
        found = list(obj.find_children(descended_from_type=otio.schema.Timeline))
        obj = found[0] if found else None
    if not isinstance(obj, otio.schema.Timeline):
        raise ProjectError(f"{src.name}: holds no timeline")
    meta = studio_meta(obj)
    rate = import_rate(otio, obj, meta)
    project = create_project(
        folder,
        name=str(meta.get("project_name") or obj.name or src.stem),
        rate=rate,
        width=_size_or(meta.get("width"), 1280),
        height=_size_or(meta.get("height"), 720),
    )
    reader = TimelineReader(otio, media_root, folder, project, notes)
    reader.read(obj, meta)
    if reader.missing and not allow_missing:
        raise MissingMediaError(src.name, reader.missing)
    save_project(project, folder)
    return project


def _size_or(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and 16 <= value <= 16384 else default
