"""The worker side: one HTML string in, one PDF in the cache out.

Each worker process keeps one ``FontConfiguration`` and one fetcher for all the PDFs it
renders (WeasyPrint's advice for many documents); parallelism is across documents only.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import TEMPLATES
from .cache import PdfCache

if TYPE_CHECKING:
    from weasyprint.document import Document

_STATE: dict[str, object] = {}


@dataclass(frozen=True)
class RenderTask:
    output: str
    key: str
    html: str
    cache_dir: str
    fillable: bool = False
    alternate: str | None = None  # used instead of ``html`` when it gives fewer pages


@dataclass
class RenderResult:
    output: str
    key: str
    seconds: float
    pages: int
    alternate: bool = False
    warnings: list[str] = field(default_factory=list)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _tools() -> tuple[object, object]:
    """The process's FontConfiguration and fetcher, made on first use."""
    if not _STATE:
        from weasyprint.text.fonts import FontConfiguration

        from .fetcher import AssetFetcher

        _STATE["fonts"] = FontConfiguration()
        _STATE["fetcher"] = AssetFetcher()
    return _STATE["fonts"], _STATE["fetcher"]


def _layout(html: str, fillable: bool) -> Document:
    from weasyprint import HTML

    fonts, fetcher = _tools()
    return HTML(string=html, base_url=TEMPLATES.as_uri() + "/", url_fetcher=fetcher).render(
        font_config=fonts, pdf_forms=fillable or None
    )


def render(task: RenderTask) -> RenderResult:
    """Render ``task.html`` (or its alternate, when that saves a page) into the cache under ``task.key``."""
    collect = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collect)
    start = time.perf_counter()
    try:
        document = _layout(task.html, task.fillable)
        used_alternate = False
        if task.alternate is not None and len(document.pages) > 1:
            tighter = _layout(task.alternate, task.fillable)
            if len(tighter.pages) < len(document.pages):
                document, used_alternate = tighter, True
        data = document.write_pdf(pdf_forms=task.fillable or None)
    finally:
        logger.removeHandler(collect)
    cache = PdfCache(Path(task.cache_dir))
    cache.put(task.key, data)
    cache.put_meta(task.key, {"alternate": used_alternate, "pages": len(document.pages)})
    return RenderResult(
        task.output, task.key, time.perf_counter() - start, len(document.pages), used_alternate, collect.messages
    )


# --------------------------------------------------------------------------- worker lifetime

PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Initializer of a worker process: end when the process that started it ends, however it ends.

    A ``procgen pdf`` killed with SIGKILL runs no clean-up, and its pool's workers would live on.
    Linux delivers SIGTERM to the worker when its parent dies (prctl PR_SET_PDEATHSIG); a thread
    that watches the parent's pid covers other systems and a parent that died before the prctl.
    """
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass

    def watch() -> None:
        while True:
            if os.getppid() != parent:
                os._exit(1)
            time.sleep(0.5)

    if os.getppid() != parent:
        os._exit(1)
    threading.Thread(target=watch, name="procgen-parent-watch", daemon=True).start()

