"""Start-up imports, off the GUI thread, and the project load that waits for them.

``warm_up`` imports what later actions need (project I/O, rendering, the mixer and its scipy, the request
classes), so no click pays for an import. It is about a second of mostly Python work holding the interpreter
lock; a project load running beside it made the two take turns with the GUI thread for the lock, and the turn
that shows the loaded project was held up 60-160 ms. So a load started while the warm-up runs waits for it
(``wait_until_warm``): the window stays responsive meanwhile, and the project appears about when it did.
"""

from __future__ import annotations

import threading

_started = threading.Event()
_done = threading.Event()
WAIT_AT_MOST_S = 10.0  # a warm-up stuck on a slow disk must not keep a project from opening


def warm_up() -> None:
    _started.set()
    try:
        import importlib

        from pipelines import registry

        for name in (
            "numpy",
            "studio.io",
            "studio.render.plan",
            "studio.render.compositor",
            "studio.render.mixer",
            "studio.scheduler.scheduler",
            "PIL.Image",
        ):
            importlib.import_module(name)
        for kind in registry.KINDS:
            registry.request_class(kind)
    finally:
        _done.set()


def wait_until_warm() -> bool:
    """Block (a worker thread) until a started warm-up has finished; True if none is left running."""
    if not _started.is_set():
        return True
    return _done.wait(WAIT_AT_MOST_S)
