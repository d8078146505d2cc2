"""The project folder on disk: versioned project.json, content-addressed media, autosave, OTIO exchange.

    project = create_project("MyFilm.studio", rate=Fraction(24))    # folder with media/, autosave/
    project = load_project("MyFilm.studio")                         # or .../project.json; validates all
    save_project(project, "MyFilm.studio")                          # atomic
    autosave(project, "MyFilm.studio", keep=10); newest_autosave(path); recover(path)
    asset = media.import_media(folder, project, "take1.wav", provenance={...})
    otio_io.export_otio(project, folder, "cut.otio"); otio_io.import_otio("cut.otio", "New.studio")

Every failure raises ``ProjectError`` with a one-line message naming the file and the problem.
"""

from studio.io.errors import ProjectError
from studio.io.media import import_media
from studio.io.paths import resolve_in_project
from studio.io.probe import MediaInfo, probe_media
from studio.io.project_file import (
    autosave,
    create_project,
    load_project,
    missing_media,
    newest_autosave,
    recover,
    save_project,
)
from studio.io.reader import project_from_dict
from studio.io.schema import project_to_dict

__all__ = [
    "MediaInfo",
    "ProjectError",
    "autosave",
    "create_project",
    "export_otio",
    "import_media",
    "import_otio",
    "load_project",
    "missing_media",
    "newest_autosave",
    "probe_media",
    "project_from_dict",
    "project_to_dict",
    "recover",
    "resolve_in_project",
    "save_project",
]


def export_otio(*args, **kwargs):
    """See ``studio.io.otio_io.export_otio`` (opentimelineio loads only when used: it costs start-up time)."""
    from studio.io.otio_io import export_otio as run

    return run(*args, **kwargs)


def import_otio(*args, **kwargs):
    """See ``studio.io.otio_io.import_otio``."""
    from studio.io.otio_io import import_otio as run

    return run(*args, **kwargs)
