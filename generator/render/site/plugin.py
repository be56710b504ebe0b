"""MkDocs plugin `procedures`: the validated catalog becomes virtual pages.

The hooks only delegate: checking lives in check.py, page building in site/pages.py,
layout in templates/site/, PDFs in pdf/.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, cast

import jinja2
from markupsafe import Markup, escape
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import CountHandler

from generator import paths, settings
from generator.check.run import check
from generator.manual import Manual
from generator.package import ASSETS
from generator.render.exports import write_exports
from generator.render.pdf.build import build_pdfs, source_date, start_workers
from generator.render.site.pages import build_pages, navigation
from generator.render.site.render import THEME_COMPILED, SitePage, Urls, environment, render
from generator.render.site.search import THEME, WORKER, PageMemo, SearchIndex, SearchWorker
from generator.source.problems import Problem, format_text
from generator.text.words import Cuts

if TYPE_CHECKING:
    from mkdocs.structure.toc import _TocToken

log = get_plugin_logger(__name__)

SITE_ASSETS = {
    "assets/procedures/procedures.css": ASSETS / "site" / "procedures.css",
    "assets/procedures/iframe-worker-shim.js": ASSETS / "vendor" / "iframe-worker-shim.js",
    "assets/procedures/matrix.js": ASSETS / "site" / "matrix.js",
    "assets/procedures/quiz.js": ASSETS / "site" / "quiz.js",
    "assets/procedures/search-start.js": ASSETS / "site" / "search-start.js",
    "assets/procedures/search-adapter.js": ASSETS / "site" / "search-adapter.js",
}
CDN_SHIM = "https://unpkg.com/iframe-worker/shim"
PLATFORM_NOTE = "平台：Material for MkDocs 自 2026-11 起仅作维护，2027-05-05 终止支持；已固定版本，离线可用，计划见 README「Platform」。"
"""Said once per build, in place of the theme's own end-of-life banner (silenced by the Makefile)."""


class ProceduresConfig(Config):
    root = c.Type(str, default=".")
    """Repository root holding procedures/ and forms/, relative to mkdocs.yml."""
    pdf = c.Type(bool, default=True)
    """Render the PDFs into site/pdf/ after the pages (cached: unchanged PDFs are not re-rendered)."""
    jobs = c.Type(int, default=0)
    """Processes for PDF rendering; 0 means one per CPU core."""


def _preview_is_not_strict(config: MkDocsConfig) -> None:
    """Live preview never stops for a mistake: the page lists it, the log warns, saving the fix reloads.

    MkDocs counts warnings for strict mode from before ``on_config``, so turning ``strict`` off here
    also detaches that counter. ``make site`` builds with ``--strict``; only ``serve`` is lenient.
    """
    config.strict = False
    mkdocs_log = logging.getLogger("mkdocs")
    for handler in list(mkdocs_log.handlers):
        if isinstance(handler, CountHandler):
            mkdocs_log.removeHandler(handler)
    log.info("实时预览：定义有错误时在页面上列出、记为警告，不中止；正式生成（make site）仍为严格模式。")


POLL_SECONDS = 0.1
"""How often ``mkdocs serve`` looks for a saved definition (a scan of procedures/ and forms/: ~1 ms)."""


class ProceduresPlugin(BasePlugin[ProceduresConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.command = "build"
        self.root = Path(".")
        self.manual: Manual | None = None
        self.problems: list[Problem] = []
        self.pages: dict[str, SitePage] = {}
        self.urls: Urls | None = None
        self.env: jinja2.Environment | None = None  # the site templates, compiled once per build
        self.search: SearchIndex | None = None
        self.search_memo = PageMemo()  # each page's search entries, kept from one build of the preview to the next
        self.worker: SearchWorker | None = None
        self.last_good: Manual | None = None
        """Live preview: the last manual that passed, shown (under the problems) while a save is broken."""
        self.stale = False
        self.drafts: list[Problem] = []
        self.said_pdf = False
        self.draft_pages: dict[str, list[Problem]] = {}

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command
        log.info(PLATFORM_NOTE)

    @event_priority(-50)  # after Material's offline plugin, whose CDN shim is replaced here
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        base = Path(config.config_file_path or ".").resolve().parent
        self.root = (base / self.config.root).resolve()
        if self.command == "serve" and config.strict:
            _preview_is_not_strict(config)
        try:
            settings.check_all()
        except settings.SettingError as error:
            raise PluginError(str(error)) from error
        if self.command == "build" and self.config.pdf:
            start_workers(self.config.jobs)  # the PDF workers warm up while the pages are made
        self._check()
        self.search = SearchIndex(
            self.manual.catalog if self.manual else None,
            self.manual.vocabulary if self.manual else None,
            Cuts.of(self.root),  # the indexed texts' cuts, kept in .cache/words/
            self.search_memo,
        )
        # The theme override points Material's search box at the manual's own worker (search-adapter.js).
        config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(THEME))
        self.worker = SearchWorker.ours_()
        config.extra_css.insert(0, "assets/procedures/procedures.css")
        config.extra_javascript.append("assets/procedures/matrix.js")
        config.extra_javascript.append("assets/procedures/quiz.js")
        polyfills = config.extra.get("polyfills") or []
        config.extra["polyfills"] = [
            "assets/procedures/iframe-worker-shim.js" if url == CDN_SHIM else url for url in polyfills
        ]
        config.nav = navigation(self.manual.catalog) if self.manual else ["index.md"]
        if self.manual is not None:  # the manual's name lives in procedures/company.yml, like the PDFs'
            config.site_name = self.manual.catalog.company.manual_title
            config.site_author = self.manual.catalog.company.name
        return config

    def _check(self) -> None:
        """The check of every build; the preview shows a draft (content edited, version not yet raised:
        E235) with a 草稿 banner, and keeps the last good manual up while a save is broken."""
        result = check(self.root, drafts=self.command == "serve", quiz_review=self.command != "serve")
        self.problems = result.problems
        self.drafts = result.drafts
        self.manual = result.manual
        self.stale = False
        if self.command == "serve":
            if result.manual is not None:
                self.last_good = result.manual
            elif self.last_good is not None:
                # Every page, the one being edited included, stays up as last saved without errors,
                # under the list of problems (on_page_content), until the fix is saved.
                self.manual, self.stale = self.last_good, True
        for problem in result.problems:
            if problem.severity == "warning" or self.command == "serve":
                (log.info if problem.severity == "warning" else log.warning)(problem.text())
        for problem in self.drafts:
            log.warning(problem.text() + "（草稿：预览照常显示；make site、procgen check 与提交前检查仍会拒绝）")
        if self.manual is not None:
            self.draft_pages = self._draft_pages(self.manual)
        if result.manual is None:
            if self.command != "serve":
                raise PluginError("程序文件定义有错误，未生成网站：\n" + format_text(result.problems))
            log.warning("程序文件定义有错误：页面上列出了各项问题，保存修改后自动刷新。")

    def _draft_pages(self, manual: Manual) -> dict[str, list[Problem]]:
        """The pages that carry a 草稿 banner: each drafted file's page, and the home page."""
        pages = {d.path: paths.page("document", d.id) for d in manual.catalog.documents}
        pages |= {f.path: paths.page("form", f.form.id) for f in manual.catalog.forms}
        found: dict[str, list[Problem]] = {}
        for problem in self.drafts:
            for uri in (pages.get(problem.path), "index.md"):
                if uri is not None:
                    found.setdefault(uri, []).append(problem)
        return found

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        for uri, path in SITE_ASSETS.items():
            files.append(File.generated(config, uri, abs_src_path=str(path)))
        if self.worker is not None:
            files.append(File.generated(config, self.worker.ours, abs_src_path=str(WORKER)))
        if self.manual is not None:
            pages = build_pages(self.manual, source_date(self.manual.catalog, self.root).date())
        else:
            pages = [SitePage("index.md", "定义有错误", "problems.html", {"problems": self.problems})]
        self.pages = {}
        for page in pages:
            existing = files.get_file_from_path(page.src_uri)
            if existing is not None:
                files.remove(existing)
            files.append(File.generated(config, page.src_uri, content=""))
            self.pages[page.src_uri] = page
        urls = {f.src_uri: f.url for f in files if f.src_uri in self.pages}
        self.urls = Urls(urls)
        self.env = environment(self.urls)
        return files

    def on_env(self, env: jinja2.Environment, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        env.globals["procgen_search_worker"] = self.worker
        env.bytecode_cache = THEME_COMPILED  # compiled once per process, not once per preview reload
        return env

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        spec = self.pages.get(page.file.src_uri)
        if spec is None:
            return markdown
        # The manual indexes its own pages (on_page_content); Material's indexer is kept off them.
        page.meta["search"] = {"exclude": True}
        # Markup keeps the title escaped whether or not the theme applies `| e`.
        page.meta["title"] = Markup(escape(spec.title))
        return ""

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        spec = self.pages.get(page.file.src_uri)
        if spec is None or self.env is None:
            return html
        content = render(self.env, spec, page.url)
        page.toc = get_toc([cast("_TocToken", entry.token()) for entry in spec.toc])
        if self.search is not None:
            self.search.add_page(str(content), page.url, spec.title, spec.search, spec.boost, spec.names)
        banners = ""
        if self.stale:
            banner = SitePage(page.file.src_uri, spec.title, "problems_banner.html", {"problems": self.problems})
            banners += str(render(self.env, banner, page.url))
        if page.file.src_uri in self.draft_pages:
            banner = SitePage(
                page.file.src_uri, spec.title, "draft_banner.html", {"problems": self.draft_pages[page.file.src_uri]}
            )
            banners += str(render(self.env, banner, page.url))
        return banners + str(content)

    def on_serve(
        self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Callable[..., object]
    ) -> LiveReloadServer:
        # The definitions are polled every POLL_SECONDS (MkDocs polls every 0.5 s: a quarter of a second
        # of each reload, on average, before the build starts); the theme's folders keep MkDocs' pace.
        observer = getattr(server, "observer", None)
        pace = getattr(observer, "_timeout", None)
        if observer is not None and isinstance(pace, int | float):
            observer._timeout = min(pace, POLL_SECONDS)
        try:
            for folder in ("procedures", "forms"):
                path = self.root / folder
                if path.is_dir():
                    server.watch(str(path))
        finally:
            if observer is not None and isinstance(pace, int | float):
                observer._timeout = pace
        return server

    @event_priority(-50)  # after Material's search plugin wrote its index, before the offline plugin inlines it
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.search is not None:
            self.search.write(Path(config.site_dir))
        # Calendars and Word copies (generator/render/exports.py); like the PDFs, not made by the live preview.
        if self.manual is not None and self.command != "serve" and self.urls is not None:
            write_exports(
                self.manual,
                Path(config.site_dir),
                source_date(self.manual.catalog, self.root),
                self.urls.of_link,
                base_url=config.site_url or "",
            )
        if self.manual is None or self.stale or not self.config.pdf:
            return
        if self.command == "serve":
            # The preview reloads as soon as the pages are written: PDFs are made on request (make pdf,
            # or make site), never before the reload (they took 10 s and more per save).
            if not self.said_pdf:
                log.info(
                    "实时预览不生成 PDF、日历与 Word 文件，保存后只重建网页；需要时另开终端运行 make pdf 或 make site。"
                )
                self.said_pdf = True
            return
        out = Path(config.site_dir) / "pdf"
        status = build_pdfs(self.manual, self.root, out, only=[], jobs=self.config.jobs, fillable=False)
        if status != 0:
            if self.command == "serve":
                log.warning("PDF 生成失败：见上方信息（网页照常预览）。")
                return
            raise PluginError("PDF 生成失败：见上方信息。")
