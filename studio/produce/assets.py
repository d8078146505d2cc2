"""A finished job's files become project assets: the primary file and every sidecar, with provenance.

Sidecars (stems, MIDI, LRC, captions, word timings, meshes, posters, variations, orbit-view folders, an
LTX-2 shot's own audio) become assets of their own, linked from the primary asset by role in
``Asset.related``, so nothing a generator made is dropped on the way into a project.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.base import GenerationError, GenerationResult
from studio.io.media import import_folder, import_media, kind_by_suffix
from studio.model import Asset, Project


def import_result(
    project_dir: str | Path, project: Project, result: GenerationResult, *, name: str | None = None, link: bool = True
) -> Asset:
    """Import ``result`` into ``project`` (assets only; clips are placed by an Edit) and return the primary asset.

    ``link`` hard-links the scheduler's outputs instead of copying them (they are never rewritten).
    Importing the same result twice returns the same assets (media is content-addressed).
    """
    if not result.files:
        raise GenerationError(f"the {result.provenance.get('engine', '?')} engine returned no files")
    primary = result.primary
    asset = import_media(project_dir, project, primary.path, name=name, provenance=result.provenance, link=link)
    for extra in result.files[1:]:
        path = Path(extra.path)
        label = f"{asset.name}-{extra.role}"
        if path.is_dir():
            related = import_folder(project_dir, project, path, name=label, provenance=result.provenance)
        elif path.is_file():
            related = import_media(
                project_dir,
                project,
                path,
                name=label,
                provenance=result.provenance,
                kind=kind_by_suffix(path),
                link=link,
            )
        else:
            raise GenerationError(
                f"the {result.provenance.get('engine', '?')} engine listed {path.name} "
                f"({extra.role}) but did not write it"
            )
        asset.related[extra.role] = related.id
    return asset


def copy_outputs(result: GenerationResult, output: str | Path) -> list[Path]:
    """Write the primary file to ``output`` and each sidecar beside it, named from it and the role:
    ``song.wav`` -> ``song-stem-vocals.wav``, ``song.mid``, ``song.lrc``; ``voice.wav`` -> ``voice.srt``.
    Returns the paths written, primary first; a folder sidecar (orbit views) is copied as a folder."""
    import shutil

    out = Path(output).expanduser().absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for i, f in enumerate(result.files):
        src = Path(f.path)
        dest = out if i == 0 else sidecar_name(out, f.role, src)
        if i and dest == out:
            continue
        if src.is_dir():
            shutil.rmtree(dest, ignore_errors=True)
            shutil.copytree(src, dest)
        else:
            shutil.copyfile(src, dest)
        written.append(dest)
    return written


# roles whose file is *the* file of its type for the primary output (one MIDI, one LRC per song): named by suffix
_PLAIN_ROLES = {
    "midi",
    "lyrics.lrc",
    "captions.srt",
    "captions.vtt",
    "words",
    "words.json",
    "mesh.glb",
    "mesh.obj",
    "mesh.ply",
    "poster",
    "lrc",
    "srt",
    "vtt",
    "events",
}


def sidecar_name(primary: Path, role: str, src: Path) -> Path:
    """Where a sidecar goes beside ``primary``: the primary's stem plus the role (or just the suffix for a
    role that is the only one of its type), with the sidecar's own suffix."""
    suffix = "".join(src.suffixes[-2:]) if src.name.endswith(".words.json") else src.suffix
    if role in _PLAIN_ROLES and not (suffix == primary.suffix):
        return primary.with_name(primary.stem + suffix)
    slug = "".join(c if c.isalnum() else "-" for c in role).strip("-") or "extra"
    return primary.with_name(f"{primary.stem}-{slug}{suffix}")
