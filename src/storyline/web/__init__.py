"""The web UI and JSON API (FastAPI): ``create_app`` builds it, ``serve`` runs it.

Importing ``storyline`` does not import this package; it needs the ``web``
dependencies (fastapi, jinja2, uvicorn).
"""

from __future__ import annotations

from storyline.web.app import create_app, is_loopback, serve

__all__ = ["create_app", "is_loopback", "serve"]
