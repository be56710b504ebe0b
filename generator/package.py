"""Where the package's own files are, for every module that reads them: the code (the disk cache
hashes it), the Jinja2 templates and the assets (CSS, scripts, the search dictionary)."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
TEMPLATES = PACKAGE / "templates"
ASSETS = PACKAGE / "assets"
