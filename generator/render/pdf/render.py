"""The worker side: one HTML string in, one PDF in the cache out.

Each worker process keeps one ``FontConfiguration`` and one fetcher for all the PDFs it
renders (WeasyPrint's advice for many documents); parallelism is across documents only.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import logging
import multiprocessing.process
import multiprocessing.spawn
import os
import re
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pydyf

from generator.render.pdf import STYLESHEET, TEMPLATES, fonts
from generator.render.pdf.cache import PdfCache
from generator.render.pdf.paper import LINE_MM, ROW_MM

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
    grow: bool = False  # a blank form: its last table (or text area) takes rows until the last page is full
    snug: bool = False  # a text whose last page would be nearly empty is tried once more, tighter
    variant: str | None = None  # a PDF/A level for the copies kept as records (generator/render/pdf/html.py ARCHIVAL)
    part: bool = False  # a part of manual.pdf: no page-number foot (stamped when bound), links to other parts kept
    tags: bool = True
    font_mode: str = field(default_factory=fonts.mode)
    """The font embedding (``fonts.mode``) of the process that planned the task, which the cache key holds: a
    worker forked from a server started earlier may have another environment."""


@dataclass
class RenderResult:
    output: str
    key: str
    seconds: float
    pages: int
    grown: int = 0  # blank rows (or writing lines) added to fill the last page
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

        # Lazy: both import WeasyPrint (a second and 40 MB) that only a process that renders needs.
        from generator.render.pdf.fetcher import AssetFetcher  # lazy: weasyprint

        fonts.install()
        _STATE["fonts"] = FontConfiguration()
        _STATE["fetcher"] = AssetFetcher()
    return _STATE["fonts"], _STATE["fetcher"]


_LINK = f'<link rel="stylesheet" href="{STYLESHEET}">'


def _stylesheet() -> object:
    """The print stylesheet, parsed once per process: parsing its thousand lines was half the time
    of laying out a one-page form. Passed to WeasyPrint as a user stylesheet instead of the page's
    <link>; nothing else but inline styles and :root variables is author CSS, so the cascade is the same."""
    if "css" not in _STATE:
        from weasyprint import CSS

        config, fetcher = _tools()
        path = TEMPLATES / STYLESHEET
        _STATE["css"] = CSS(filename=str(path), base_url=path.as_uri(), url_fetcher=fetcher, font_config=config)
    return _STATE["css"]


def _layout(html: str, fillable: bool) -> Document:
    from weasyprint import HTML

    config, fetcher = _tools()
    stylesheets = []
    if _LINK in html:
        html = html.replace(_LINK, "", 1)
        stylesheets.append(_stylesheet())
    return HTML(string=html, base_url=TEMPLATES.as_uri() + "/", url_fetcher=fetcher).render(
        font_config=config, pdf_forms=fillable or None, stylesheets=stylesheets
    )


def warm_up(html: str) -> None:
    """Lay ``html`` out and write it, to nothing: fonts, stylesheet and WeasyPrint's caches made before the
    first real PDF (the fork server's, ``worker.py``). A failure is left to the real renders to report."""
    try:
        _layout(html, False).write_pdf()
    except Exception:  # noqa: BLE001 - never the server's to report: the render that needs it will
        logging.getLogger(__name__).debug("warm-up failed", exc_info=True)


def render(task: RenderTask) -> RenderResult:
    """Render ``task.html`` into the cache under ``task.key``; a blank form first grows to fill its last page."""
    collect = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collect)
    start = time.perf_counter()
    html = _with_style(task.html, NO_PAGE_NUMBER) if task.part else task.html
    if fonts.mode() != task.font_mode:  # a worker of a server started before the planner's environment changed
        os.environ[fonts.SWITCH] = task.font_mode
    try:
        document = _layout(html, task.fillable)
        grown = 0
        if task.grow:
            document, grown, _ = _grow(html, document, task.fillable)
        if task.snug:
            document = _snug(html, document, task.fillable)
        meta: dict[str, object] = {}
        if task.part:
            meta = {
                "names": [page._page_box.page_type.name for page in document.pages],
                "borrowed": borrow_anchors(document),
            }
        data = document.write_pdf(
            pdf_forms=task.fillable or None,
            pdf_tags=task.tags,
            pdf_variant=task.variant,
            finisher=_Finisher(),
        )
    finally:
        logger.removeHandler(collect)
    cache = PdfCache(Path(task.cache_dir))
    cache.put(task.key, data)
    cache.put_meta(task.key, {"grown": grown, "pages": len(document.pages), **meta})
    return RenderResult(
        task.output, task.key, time.perf_counter() - start, len(document.pages), grown, collect.messages
    )


# --------------------------------------------------------------------------- parts of the manual


NO_PAGE_NUMBER = "@page { @bottom-right { content: none !important; } }"
"""A part of the manual leaves its page-number box empty: the numbers of the whole are stamped in
once the parts are bound (generator/render/pdf/manual.py)."""


def _with_style(html: str, css: str) -> str:
    return html.replace("</head>", f"<style>{css}</style></head>", 1)


def borrow_anchors(document: Document) -> list[str]:
    """The anchors this part links to but another part holds (the contents' entries, a document's
    《mention》 of another): given a stand-in on the first page, so that WeasyPrint keeps the links
    (as named destinations) instead of dropping them; the bound file takes the real ones."""
    have = {name for page in document.pages for name in page.anchors}
    missing = sorted(
        {
            target
            for page in document.pages
            for kind, target, _, _ in page.links
            if kind == "internal" and target not in have
        }
    )
    for name in missing:
        document.pages[0].anchors[name] = (0, 0, 0, 0)
    return missing


class _Finisher:
    """Last touches on the PDF before WeasyPrint writes it: a file with bookmarks opens with its
    outline shown (/PageMode /UseOutlines), and a reader's title bar shows its title."""

    def __call__(self, document: Document, pdf: Any) -> None:  # pdf: a pydyf.PDF
        if len(document.make_bookmark_tree()) > 0 and len(document.pages) > 1:
            pdf.catalog["PageMode"] = "/UseOutlines"
        # a reader's title bar shows the document's title, not the file name (tagging sets it too)
        pdf.catalog["ViewerPreferences"] = pydyf.Dictionary({"DisplayDocTitle": "true"})


# --------------------------------------------------------------------------- no nearly empty last page

NEARLY_EMPTY = 0.3
"""A last page filled less than this (of its height) is worth saving: the text is laid out snug."""


def last_page_filled(document: Document) -> float:
    """How much of the last page's content height the content takes, 0 to 1."""
    page = document.pages[-1]._page_box
    height = page.height / MM
    return 1 - free_height(document) / height if height else 1.0


def _snug(html: str, document: Document, fillable: bool) -> Document:
    """``document``, or its snug layout (``<body class="… snug">``) when that saves a nearly empty last page."""
    if len(document.pages) < 2 or last_page_filled(document) >= NEARLY_EMPTY:
        return document
    tighter = _layout(re.sub(r'<body class="', '<body class="snug ', html, count=1), fillable)
    return tighter if len(tighter.pages) < len(document.pages) else document


# --------------------------------------------------------------------------- filling the last page

MM = 96 / 25.4
"""CSS pixels per millimetre (WeasyPrint lays out in CSS px)."""
_GROW_TABLE = re.compile(r'(<table class="ruled[^"]*">.*?<tbody>)(.*?)(</tbody>)', re.S)
_BLANK_ROW = re.compile(r'<tr class="blank">.*?</tr>', re.S)
_GROW_LINES = re.compile(r'(<div class="lines grow-lines">)(.*?)(</div>\s*</td>)', re.S)
_NUMBER = re.compile(r'(<td class="num">)(\d+)(</td>)')


def free_height(document: Document) -> float:
    """Empty space, in mm, below the content of the last page (down to its bottom margin)."""
    page = document.pages[-1]._page_box
    bottom = page.content_box_y() + page.height
    used = page.content_box_y()
    for child in page.children:
        if type(child).__name__ == "MarginBox":
            continue
        for box in child.descendants():
            if isinstance(getattr(box, "height", None), int | float):
                used = max(used, box.position_y + box.margin_height())
    return max(0.0, (bottom - used) / MM)


def grow_html(html: str, extra: int, areas: tuple[int, ...] | None = None) -> tuple[str, bool]:
    """``html`` with ``extra`` more blank rows in its last ruled table of blank rows (renumbered when
    numbered), else ``extra`` more writing lines shared out among its text areas (those numbered in
    ``areas`` when given: the ones on the last page); False when it has neither."""
    if extra <= 0:
        return html, False
    tables = [m for m in _GROW_TABLE.finditer(html) if _BLANK_ROW.search(m.group(2))]
    if tables:
        last = tables[-1]
        rows = _BLANK_ROW.findall(last.group(2))
        template, numbers = rows[-1], [int(found[1]) for found in _NUMBER.findall(rows[-1])]
        start = numbers[0] if numbers else 0

        def numbered(k: int) -> str:
            return _NUMBER.sub(lambda m: f"{m.group(1)}{start + k}{m.group(3)}", template) if numbers else template

        added = "".join(numbered(k) for k in range(1, extra + 1))
        return html[: last.end(2)] + added + html[last.end(2) :], True
    only, matches = None if areas is None else set(areas), list(_GROW_LINES.finditer(html))
    if not matches or (only is not None and not only & set(range(len(matches)))):
        return html, False
    # the lines go where the writing is: shared out by each text area's own number of lines, so
    # 原因分析 (6) grows three times as much as 管理者代表意见 (2); the rest to the first, largest areas
    sizes = [m.group(2).count('class="line"') if only is None or i in only else 0 for i, m in enumerate(matches)]
    total = sum(sizes) or 1
    shares = [extra * n // total for n in sizes]
    for index in sorted(range(len(matches)), key=lambda i: (-sizes[i], i))[: extra - sum(shares)]:
        shares[index] += 1
    out, at = [], 0
    for match, share in zip(matches, shares, strict=True):
        out += [html[at : match.end(2)], '<div class="line"></div>' * share]
        at = match.end(2)
    return "".join(out) + html[at:], True


def last_page_areas(document: Document) -> tuple[int, ...]:
    """The text areas (by their order in the HTML) that reach the last page: only they can take
    more lines without pushing what is above onto the next page."""
    pages = document.pages
    root = next(
        b.element
        for b in pages[0]._page_box.descendants()
        if getattr(b, "element", None) is not None and b.element.tag == "html"
    )
    order = {id(e): i for i, e in enumerate(e for e in root.iter() if "grow-lines" in (e.get("class") or "").split())}
    on_last = {
        order[id(b.element)] for b in pages[-1]._page_box.descendants() if id(getattr(b, "element", None)) in order
    }
    return tuple(sorted(on_last))


def _grow(html: str, document: Document, fillable: bool) -> tuple[Document, int, str]:
    """Add blank rows (each ``paper.ROW_MM`` high) or lines (``paper.LINE_MM``) while the pages stay
    as many; the document, the rows or lines added, and the HTML grown."""
    free = free_height(document)
    unit = ROW_MM if _GROW_TABLE.search(html) and _BLANK_ROW.search(html) else LINE_MM
    extra = int(free // (unit + 0.3))
    areas = last_page_areas(document) if extra > 0 else None
    while extra > 0:
        grown, ok = grow_html(html, extra, areas)
        if not ok:
            break
        candidate = _layout(grown, fillable)
        if len(candidate.pages) == len(document.pages):
            return candidate, extra, grown
        extra -= 1
    return document, 0, html


# --------------------------------------------------------------------------- worker lifetime

MAIN_VARIABLE = "PROCGEN_FORKSERVER_MAIN"
"""Where the fork server finds the starting process's ``__main__`` (its :func:`main_spec`): set only while
the server is started (``build.start_workers``)."""


def main_spec() -> str:
    """This process's ``__main__`` as a worker would import it (a script's path, or a module's name), as
    JSON: the keys of ``multiprocessing.spawn.get_preparation_data`` that name it."""
    data = multiprocessing.spawn.get_preparation_data("procgen")
    return json.dumps({key: data[key] for key in ("init_main_from_name", "init_main_from_path") if key in data})


def import_main() -> None:
    """In the fork server: import the starting process's ``__main__`` once, so that no worker does.

    A process started by multiprocessing imports its parent's ``__main__`` first (the ``procgen`` or
    ``mkdocs`` script, and so the whole command line: 0.3 s of CPU before a worker's first PDF, measured
    at the start of every build). A fork server that preloads ``"__main__"`` is meant to do it once for
    all its workers, but Python 3.11–3.13 never give the server the script's path (``forkserver.
    ensure_running`` asks for a ``main_path`` key that ``get_preparation_data`` does not make), so
    it is done here, by the same function a worker runs: a worker whose ``__main__`` already is that
    script or module skips it. A ``__main__`` that fails to import here is left to the workers, as before.
    """
    spec = os.environ.pop(MAIN_VARIABLE, "")
    if not spec:
        return
    current = multiprocessing.process.current_process()
    current._inheriting = True  # type: ignore[attr-defined]  # as the server itself marks it, see forkserver.main
    try:
        multiprocessing.spawn.prepare(json.loads(spec))
    except Exception:  # noqa: BLE001 — a worker imports it again and reports what fails
        pass
    finally:
        del current._inheriting  # type: ignore[attr-defined]


PR_SET_PDEATHSIG = 1


def die_with_parent(main: int) -> None:
    """Initializer of a worker process: end when the ``procgen`` process that wants its work ends, however
    it ends.

    A ``procgen pdf`` killed with SIGKILL runs no clean-up. Its workers' parent is the fork server, which
    ends when ``main`` does (its pipe from ``main`` closes); Linux then delivers SIGTERM to each worker
    (prctl PR_SET_PDEATHSIG). A thread that watches both pids covers other systems and a parent that died
    before the prctl.
    """
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass
    parent = os.getppid()

    def gone() -> bool:
        if os.getppid() != parent:
            return True
        try:
            os.kill(main, 0)
        except ProcessLookupError:
            return True
        except OSError:  # alive, another user's (cannot happen here) or unknown: keep working
            return False
        return False

    def watch() -> None:
        while True:
            if gone():
                os._exit(1)
            time.sleep(0.5)

    if gone():
        os._exit(1)
    threading.Thread(target=watch, name="procgen-parent-watch", daemon=True).start()
