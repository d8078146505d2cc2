"""The one error type rendering raises: a one-line message a creator can act on."""

from __future__ import annotations


class RenderError(Exception):
    """Rendering cannot go ahead or failed (missing media, bad range, unwritable output, encoder error)."""
