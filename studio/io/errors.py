"""The one error type of the project I/O layer."""


class ProjectError(Exception):
    """A project, media file or exchange file cannot be read or written. The message is one line
    naming the file and the problem, e.g. ``project.json: timelines[0].tracks[2].clips[5].source_range:
    duration must be > 0``."""

    def __init__(self, message: str):
        super().__init__(" ".join(str(message).split()))
