"""Printable PDFs: blank forms, controlled copies, the whole manual and training packs.

The catalog is laid out by Jinja2 templates (``generator/templates/pdf/``) into HTML with
print CSS, then WeasyPrint turns each HTML page into one PDF, in parallel, with a cache.
``build.build_pdfs`` is the entry point. The company's name, the manual's title and the numbering
scheme come from ``procedures/company.yml`` (the catalog's ``company``). The other modules each do one job:

- ``views``    presentation models the templates lay out (grid rows, ruled-table rows …)
- ``html``     the Jinja2 environment and one HTML string per PDF
- ``glyphs``   the missing-glyph check against Noto Sans CJK SC
- ``cache``    the content-addressed PDF cache under ``.cache/pdf/``
- ``fetcher``  the URL fetcher that serves only the package's own assets
- ``render``   the worker side: HTML string -> PDF bytes with WeasyPrint
"""

from __future__ import annotations

from generator import package
from generator.text.glyphs import FONT_FAMILY as FONT_FAMILY  # the package's font, named where the glyphs are checked

STYLESHEET = "print.css"
"""The print stylesheet in TEMPLATES, linked by every page (and parsed once per worker, render.py)."""

TEMPLATES = package.TEMPLATES / "pdf"
"""Jinja2 templates and the print CSS."""
ASSETS = package.ASSETS / "pdf"
"""Images and other files for the PDFs, if any (the site's assets live beside it)."""
ALLOWED_ROOTS = (TEMPLATES, ASSETS)
"""The only folders the PDF renderer may read from."""
