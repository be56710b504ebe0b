"""Jinja2 environment for the site pages: autoescaped, with link filters bound to the current page."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

import jinja2
from markupsafe import Markup, escape
from mkdocs.utils import get_relative_url

from generator import package, paths
from generator.catalog.views import Link
from generator.catalog.wording import RACI_LABELS, RACI_NOTE, revision_parts
from generator.render.site.search import SearchMode

TEMPLATES = package.TEMPLATES / "site"


@dataclass
class TocEntry:
    """One heading of a page, for the table of contents beside it."""

    level: int
    id: str
    name: str
    children: list[TocEntry] = field(default_factory=list)

    def token(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "id": self.id,
            "name": str(escape(self.name)),
            "children": [c.token() for c in self.children],
        }


@dataclass
class SitePage:
    """A virtual page: where it lives, its title, and what its template needs."""

    src_uri: str
    title: str
    template: str
    context: dict[str, Any]
    toc: list[TocEntry] = field(default_factory=list)
    search: SearchMode = "sections"
    """How the page enters the search index (see :data:`generator.site.search.SearchMode`)."""
    boost: float = 1.0
    """Weight of the page's entries in the ranking: catalog pages below the procedures they list."""
    names: tuple[str, ...] = ()
    """What a search query may call the page by (a form's or role's title, code and aliases): without one of
    them in the query, the page ranks below the clauses that use the words (generator/render/site/search.py)."""


class Urls:
    """Site-root URLs of every page and PDF, resolved relative to the page being rendered."""

    def __init__(self, page_urls: dict[str, str]) -> None:
        self.page_urls = page_urls  # src_uri -> url ("procedures/x/", or "procedures/x.html" offline)

    def of_link(self, link: Link) -> str:
        if link.kind != "external":
            return self.page_urls[paths.page(link.kind, link.id)]
        return self.page_urls["documents.md"] + f"#ext-{link.id}"

    def of_page(self, src_uri: str) -> str:
        return self.page_urls[src_uri]


class MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept in memory across the builds of one process: ``mkdocs serve`` makes a new
    Jinja environment for every rebuild, and compiling the theme's and our templates again was about a
    fifth of each preview reload. A template whose source changed is compiled anew (Jinja checks its
    checksum); one cache per environment, since the compiled code depends on its options."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self.store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


COMPILED = MemoryBytecodeCache()
"""Our page templates, compiled (``environment``)."""
THEME_COMPILED = MemoryBytecodeCache()
"""The theme's templates (Material and templates/theme), compiled: set on MkDocs' environment by the plugin."""


def environment(urls: Urls) -> jinja2.Environment:
    # The form preview imports the printed form's own layout ("pdf/_form.html.j2"): one layout, two media.
    env = jinja2.Environment(
        bytecode_cache=COMPILED,
        loader=jinja2.ChoiceLoader(
            [
                jinja2.FileSystemLoader(TEMPLATES),
                jinja2.PrefixLoader({"pdf": jinja2.FileSystemLoader(TEMPLATES.parent / "pdf")}),
            ]
        ),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["urls"] = urls
    env.globals["raci"] = RACI_LABELS
    env.globals["revision_parts"] = revision_parts
    env.globals["raci_note"] = RACI_NOTE
    return env


def render(env: jinja2.Environment, page: SitePage, current_url: str) -> Markup:
    """Render ``page``; links are made relative to ``current_url`` so the site works from any folder."""
    urls = cast(Urls, env.globals["urls"])

    def rel(target: str) -> str:
        path, _, anchor = target.partition("#")
        url = get_relative_url(path, current_url)
        return f"{url}#{anchor}" if anchor else url

    def href(link: Link) -> str:
        return rel(urls.of_link(link))

    def page_href(src_uri: str, anchor: str = "") -> str:
        url = rel(urls.of_page(src_uri))
        return f"{url}#{anchor}" if anchor else url

    def asset(path: str) -> str:
        return rel(path)

    def pdf(link: Link, part: str = "") -> str:
        """The PDF of a document (controlled copy), a form (blank) or a role (training pack; with
        ``part="sign-in"`` the pack's sign-in sheet)."""
        assert link.kind != "external"
        return rel(paths.site_pdf(paths.pdf(link.kind, link.id, part)))

    template = env.get_template(page.template)
    html = template.render(page.context, href=href, page_href=page_href, asset=asset, pdf=pdf, title=page.title)
    return Markup(html)
