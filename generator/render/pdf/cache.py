"""The PDF cache: an unchanged PDF is copied, not rendered again.

A PDF is a pure function of its HTML, the print CSS and templates, the WeasyPrint version,
the font and the render options, so the sha256 of those is its name in ``.cache/pdf/``.
Editing one form changes one HTML string, hence one key, hence one render.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterable
from importlib.metadata import version
from pathlib import Path

from generator.render.pdf import ALLOWED_ROOTS, fonts
from generator.source.files import write_atomic

_RENDER_CODE = [Path(__file__).with_name(name) for name in ("render.py", "fetcher.py", "fonts.py", "paper.py")]
PRUNE_AFTER_DAYS = 14
"""Cache entries not used by a full build for this long are deleted."""


def _files(roots: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for root in roots:
        if root.is_dir():
            found.extend(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return sorted(found)


def inputs_digest(font: Path | None = None, roots: Iterable[Path] = ALLOWED_ROOTS) -> str:
    """Digest of everything a PDF depends on besides its HTML: templates, CSS, assets,
    the render code, the WeasyPrint version and the font file."""
    digest = hashlib.sha256()
    digest.update(f"weasyprint {version('weasyprint')}\nfonts {fonts.mode()}\n".encode())
    for path in [*_files(roots), *_RENDER_CODE]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    if font is not None and font.is_file():
        stat = font.stat()
        digest.update(f"{font}\0{stat.st_size}\0{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def cache_key(html: str, inputs: str, *, fillable: bool) -> str:
    digest = hashlib.sha256()
    digest.update(inputs.encode())
    digest.update(b"fillable" if fillable else b"print")
    digest.update(html.encode())
    return digest.hexdigest()


class PdfCache:
    """PDFs by key under ``folder`` (``.cache/pdf/`` of the repository)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, key: str) -> Path:
        return self.folder / f"{key}.pdf"

    def get(self, key: str) -> Path | None:
        path = self.path(key)
        return path if path.is_file() else None

    def put(self, key: str, data: bytes) -> Path:
        path = self.path(key)
        write_atomic(path, data)
        return path

    def meta_path(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def get_meta(self, key: str) -> dict | None:
        """What the renderer decided for this PDF (e.g. whether the compact variant was used)."""
        try:
            return json.loads(self.meta_path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def put_meta(self, key: str, meta: dict) -> None:
        write_atomic(self.meta_path(key), json.dumps(meta, sort_keys=True).encode())

    def touch(self, key: str) -> None:
        """Mark an entry as used, so that pruning keeps it."""
        for path in (self.path(key), self.meta_path(key)):
            try:
                os.utime(path)
            except OSError:
                pass

    def prune(self, keep: set[str], days: int = PRUNE_AFTER_DAYS) -> int:
        """Delete entries not in ``keep`` and unused for ``days``; returns how many."""
        if not self.folder.is_dir():
            return 0
        limit = time.time() - days * 86400
        removed = 0
        for path in [*self.folder.glob("*.pdf"), *self.folder.glob("*.json")]:
            if path.stem in keep:
                continue
            try:
                if path.stat().st_mtime < limit:
                    path.unlink()
                    removed += 1
            except OSError:
                continue
        return removed
