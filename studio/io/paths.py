"""Paths inside a project folder: always relative, never escaping it."""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath

from studio.io.errors import ProjectError

PROJECT_FILE = "project.json"
MEDIA_DIR = "media"
AUTOSAVE_DIR = "autosave"


def relative_path_problem(rel: object) -> str | None:
    """Why ``rel`` is not a safe project-relative path ('media/x.wav'), or None if it is."""
    if not isinstance(rel, str) or not rel:
        return f"must be a non-empty relative path, got {rel!r}"
    if "\x00" in rel or "\\" in rel:
        return f"{rel!r} must use forward slashes and no control characters"
    if PurePosixPath(rel).is_absolute() or PureWindowsPath(rel).drive or PureWindowsPath(rel).root:
        return f"{rel!r} is an absolute path; paths must be relative to the project folder"
    if any(part == ".." for part in PurePosixPath(rel).parts):
        return f"{rel!r} escapes the project folder"
    return None


def resolve_in_project(project_dir: str | Path, rel: str) -> Path:
    """The absolute path of ``rel`` inside ``project_dir``; refuses absolute paths, '..' and symlink escapes."""
    problem = relative_path_problem(rel)
    if problem:
        raise ProjectError(f"path {problem}")
    root = Path(project_dir).resolve()
    full = (root / rel).resolve()
    if full != root and root not in full.parents:
        raise ProjectError(f"path {rel!r} escapes the project folder (it leads to {full})")
    return full


def project_dir_of(path: str | Path) -> Path:
    """The project folder from either the folder or its project.json."""
    p = Path(path)
    return p.parent if p.name == PROJECT_FILE and not p.is_dir() else p

