"""``studio serve``: the scheduler as a local HTTP API (submit, list, cancel, progress events, result files).

Built on Starlette (the ASGI toolkit FastAPI itself is built on) served by uvicorn: both well kept, small and
pure Python. ``service.py`` is what the API does, ``app.py`` the routes, ``server.py`` starts it. Importing
this package is light; Starlette and uvicorn load when a server starts.
"""
