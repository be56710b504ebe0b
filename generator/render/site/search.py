"""The site's search index: one entry per clause, built from the rendered pages, and the words of the manual.

Material for MkDocs indexes pages with lunr and segments a Chinese *query* greedily against the
index, dropping its last character (see README, "Searching"). The manual ships its own search
worker instead (``assets/site/search-worker.js``), which finds any text that stands verbatim in a
section and splits a longer question into the manual's own words. This module writes what that
worker reads:

- ``docs``: one entry per page (its lead) and, on procedure pages, one per heading and per clause,
  with readable text (table cells as "label：value") and the clause's full path as its title;
- ``config.procgen.words``: the vocabulary for splitting a question ("回访要在几天内做") into words,
  cut by jieba (``cut_for_search``, so 客户满意率 yields 满意率 too) with the catalog's own names
  (documents, forms, roles and their aliases, metrics, meetings) as whole words.

- ``config.procgen.synonyms`` the company vocabulary (staff word → the manual's terms, generator/catalog/vocabulary.py),
  ``questions`` the question words and the kinds of fact they ask for, ``cues`` the words that state one;
- on each entry, ``facts`` (the catalog's facts as the page prints them) and, on a form's or role's page,
  ``names`` (what a query may call it by).

Nothing here reads YAML: names come from the catalog, text from the pages the templates rendered.
"""

from __future__ import annotations

import hashlib
import html.parser
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from generator.catalog.views import Catalog
from generator.model.vocabulary import VocabularyFile
from generator.package import ASSETS, TEMPLATES

if TYPE_CHECKING:
    import jieba
from generator.text.words import NO_CUTS, Cuts, fresh_tokenizer, names_key

SearchMode = Literal["sections", "lead", "title", "page", "none"]
"""How a page enters the index: ``sections`` one entry per heading and clause (procedures);
``lead`` one entry with the text before its first sub-heading (a role: description, aliases);
``title`` its title and first paragraph only (catalog pages that merely list what the procedures
say); ``page`` one entry with all its text (a form); ``none`` not at all (home)."""

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
BLOCKS = HEADINGS | {
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "table",
    "tr",
    "caption",
    "section",
    "article",
    "header",
    "footer",
    "br",
    "dd",
    "dt",
    "dl",
    "blockquote",
    "details",
    "summary",
    "figure",
    "figcaption",
    "thead",
    "tbody",
}
SKIPPED = {"script", "style", "svg", "pre", "template", "button", "noscript"}
VOID = {"br", "img", "input", "col", "hr", "meta", "link", "wbr", "source"}
TITLE_ATTR = "data-pm-title"
"""A clause's title in the index (its full path and the section it belongs to)."""
SKIP_ATTR = "data-pm-nosearch"
"""An element whose text stays out of the index (e.g. a flowchart that repeats the clauses)."""

MIN_WORD = 2
STOP_WORDS = frozenset("什么 怎么 怎样 如何 多少 哪些 哪个 哪里 几天 几个 几次 是否 是不是 吗 呢 吧".split())
"""Question words a member of staff types ("回访要在几天内做？") that never stand in an answer."""


@dataclass(frozen=True)
class Entry:
    """One search result: a location on a page, its title and its plain text."""

    location: str
    title: str
    text: str
    boost: float = 1.0
    facts: dict[str, list[str]] = field(default_factory=dict)
    """The facts the entry states, by kind (see :data:`FACT_CLASSES`), as printed: {"deadline": ["3天内"]}."""
    names: list[str] = field(default_factory=list)
    """What a query may call the page by (a form's or a role's title, code, aliases): such a page is a
    result of its own only when the query names it; otherwise the clauses that use the words come first."""

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {"location": self.location, "title": self.title, "text": self.text}
        if self.boost != 1.0:
            data["boost"] = self.boost
        if self.facts:
            data["facts"] = self.facts
        if self.names:
            data["names"] = self.names
        return data


@dataclass
class _Open:
    anchor: str
    title: str
    text: list[str] = field(default_factory=list)
    facts: dict[str, list[str]] = field(default_factory=dict)


FACT_CLASSES = {
    "pm-tag--deadline": "deadline",
    "pm-tag--target": "target",
    "pm-tag--threshold": "target",
    "pm-tag--role": "owner",
    "pm-retention": "retention",
}
"""The marks the templates put on the catalog's typed facts, and the kind of question each answers:
deadlines and schedules (多久, 几点), targets and thresholds (多少, 几次), owners (谁负责, 哪个部门),
retention (保存多久); a target measured in time (≤ 2小时) is also a ``duration`` (多长时间). The facts
are the catalog's, as the page prints them: never typed again."""

QUESTIONS: dict[str, tuple[str, ...]] = {
    "保存多久": ("retention",),
    "保存几年": ("retention",),
    "保存多长时间": ("retention",),
    "保管多久": ("retention",),
    "保管几年": ("retention",),
    "存多久": ("retention",),
    "留多久": ("retention",),
    "多久一次": ("deadline",),
    "多长时间": ("duration",),
    "多久": ("deadline", "duration"),
    "几天": ("deadline",),
    "几点": ("deadline",),
    "几号": ("deadline",),
    "几月份": ("deadline",),
    "几月": ("deadline",),
    "几个月": ("deadline",),
    "几周": ("deadline",),
    "几年": ("deadline",),
    "几分钟": ("duration", "deadline"),
    "什么时候": ("deadline",),
    "啥时候": ("deadline",),
    "何时": ("deadline",),
    "哪天": ("deadline",),
    "多少天": ("deadline",),
    "几小时": ("duration", "deadline"),
    "几次": ("deadline", "target"),
    "多少": ("target",),
    "百分之几": ("target",),
    "多高": ("target",),
    "谁负责": ("owner",),
    "谁管": ("owner",),
    "谁批准": ("owner",),
    "谁批": ("owner",),
    "谁定": ("owner",),
    "谁来": ("owner",),
    "谁做": ("owner",),
    "谁赔": ("owner",),
    "找谁": ("owner",),
    "谁": ("owner",),
    "哪个部门": ("owner",),
    "哪个岗位": ("owner",),
    "什么部门": ("owner",),
    "哪个人": ("owner",),
}
"""Question words staff type, and the kinds of fact that answer them. The worker recognises the longest
first (保存多久 before 多久), drops it from the words to find, and ranks the clauses stating such a fact
first among those holding the words."""

CUES: dict[str, tuple[str, ...]] = {"retention": ("保存", "保管", "存档")}
"""Words by which a clause states a kind of fact the catalog does not type per clause: "存档保管两年"
answers 保存多久 as a form's retention does."""


class _Extractor(html.parser.HTMLParser):
    """Splits a page's HTML at every heading with an id and every element carrying ``data-pm-title``."""

    def __init__(self, title: str, split: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.split = split
        self.done: list[_Open] = []
        self.current = _Open("", title)
        self.skip_depth = 0
        self.skip_stack: list[str] = []
        self.title_tag: str | None = None
        self.title_parts: list[str] = []
        self.pending_colon = False
        self.seen_subheading = False
        self.fact: tuple[str, str] | None = None  # (kind, tag) of the fact mark being read
        self.fact_depth = 0
        self.fact_parts: list[str] = []

    # -- text ------------------------------------------------------------------------------------
    def _gap(self) -> None:
        if self.current.text and self.current.text[-1] != " ":
            self.current.text.append(" ")

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        if self.title_tag is not None:
            self.title_parts.append(data)
            return
        self.current.text.append(data)
        if self.fact is not None:
            self.fact_parts.append(data)

    # -- structure -------------------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skip_depth:
            if tag not in VOID:
                self.skip_stack.append(tag)
                self.skip_depth += 1
            return
        values = dict(attrs)
        if self.fact is not None and tag == self.fact[1]:
            self.fact_depth += 1
        elif self.fact is None:
            kind = next((FACT_CLASSES[c] for c in (values.get("class") or "").split() if c in FACT_CLASSES), None)
            if kind is not None:
                self.fact, self.fact_depth, self.fact_parts = (kind, tag), 1, []
        if tag in SKIPPED or SKIP_ATTR in values:
            if tag not in VOID:
                self.skip_stack.append(tag)
                self.skip_depth = 1
            return
        anchor = values.get("id")
        if tag == "h1":
            # The page title is the article's title already.
            self.title_tag, self.title_parts = tag, []
            return
        if tag in HEADINGS:
            self.seen_subheading = True
        if self.split and anchor and (tag in HEADINGS or TITLE_ATTR in values):
            self._flush()
            self.current = _Open(anchor, values.get(TITLE_ATTR) or "")
            if tag in HEADINGS:
                self.title_tag, self.title_parts = tag, []
                return
        if tag == "td" and self.pending_colon:
            self.current.text.append("：")
        elif tag in ("td", "th") or tag in BLOCKS:
            self._gap()
        self.pending_colon = False

    def handle_endtag(self, tag: str) -> None:
        if self.skip_depth:
            if self.skip_stack and self.skip_stack[-1] == tag:
                self.skip_stack.pop()
                self.skip_depth -= 1
            return
        if self.fact is not None and tag == self.fact[1]:
            self.fact_depth -= 1
            if not self.fact_depth:
                fact = _squash("".join(self.fact_parts))
                found = self.current.facts.setdefault(self.fact[0], [])
                if fact and fact not in found:
                    found.append(fact)
                self.fact = None
        if self.title_tag == tag:
            title = _squash("".join(self.title_parts))
            if tag != "h1" and not self.current.title:
                self.current.title = title
            self.title_tag = None
            return
        if tag == "th":
            self.pending_colon = True
            return
        self.pending_colon = False
        if tag in BLOCKS or tag in ("td", "span"):
            # A span is a label, a tag or a printed guide (年 月 日): never part of a word.
            self._gap()

    def _flush(self) -> None:
        self.done.append(self.current)

    def close(self) -> None:
        super().close()
        self._flush()


_SPACES = re.compile(r"\s+")
_GAP_BEFORE_CJK_PUNCT = re.compile(r" (?=[，。；：、！？）」』》”’])")
_GAP_AFTER_CJK_OPEN = re.compile(r"(?<=[（「『《“‘]) ")


def _squash(text: str) -> str:
    text = _SPACES.sub(" ", text).strip()
    text = _GAP_BEFORE_CJK_PUNCT.sub("", text)
    return _GAP_AFTER_CJK_OPEN.sub("", text)


def page_entries(
    html: str, url: str, title: str, mode: SearchMode, boost: float = 1.0, names: tuple[str, ...] = ()
) -> list[Entry]:
    """The index entries of one rendered page (``url`` relative to the site root); ``names`` go on its
    first entry (the page itself)."""
    if mode == "none":
        return []
    parser = _Extractor(title, split=mode == "sections")
    if mode == "lead":
        html = _lead(html)
    elif mode == "title":
        html = _first_paragraph(html)
    parser.feed(html)
    parser.close()
    entries = []
    for part in parser.done:
        text = _squash("".join(part.text))
        location = f"{url}#{part.anchor}" if part.anchor else url
        if part.anchor and not text and not part.title:
            continue
        facts = dict(part.facts)
        timed = [f for f in facts.get("target", []) if _TIMED.search(f)]
        if timed:  # a limit measured in time (≤ 2小时, 5–8分钟) answers "how long does it take"
            facts["duration"] = timed
        entries.append(
            Entry(location, _squash(part.title) or title, text, boost, facts, list(names) if not part.anchor else [])
        )
    return entries


_TIMED = re.compile(r"\d\s*(分钟|小时|天|日|周|个月|年)$")


_FIRST_SUBHEADING = re.compile(r"<h[2-6][\s>]")
_FIRST_PARAGRAPH = re.compile(r"<p[\s>].*?</p>", re.S)


def _lead(html: str) -> str:
    """The part of a page before its first sub-heading."""
    match = _FIRST_SUBHEADING.search(html)
    return html[: match.start()] if match else html


def _first_paragraph(html: str) -> str:
    match = _FIRST_PARAGRAPH.search(_lead(html))
    return match.group(0) if match else ""


# --------------------------------------------------------------------------- words


def domain_words(catalog: Catalog | None) -> list[str]:
    """The manual's own names, each a whole word: documents, forms, roles, metrics, meetings."""
    if catalog is None:
        return []
    words: list[str] = []

    def add(name: str | None) -> None:
        if name and len(name) >= MIN_WORD and name not in words and not any(c.isspace() for c in name):
            words.append(name)

    for doc in catalog.documents:
        add(doc.document.title)
        for alias in doc.document.aliases:
            add(alias)
        for section in doc.walk():
            for meeting in section.meetings:
                add(meeting.meeting.name)
    for ext in catalog.external:
        add(ext.item.title)
        for alias in ext.item.aliases:
            add(alias)
    for form in catalog.forms:
        add(form.form.title)
        for alias in form.form.aliases:
            add(alias)
    for view in catalog.roles:
        add(view.role.name)
        for alias in view.role.aliases:
            add(alias)
    for entry in catalog.targets:
        add(entry.target.target.metric)
    return words


_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


_CUTS: dict[str, object] = {}
"""Each indexed text's words, kept across the builds of one process (``mkdocs serve``): a save re-cuts only
the texts it changed (cutting every page's text was a third of a second of each preview reload)."""


CUTS_KEPT = 100_000


class Vocabulary:
    """Words the worker may split a question into: jieba's cut of the indexed text plus the domain words."""

    def __init__(self, catalog: Catalog | None, cuts: Cuts = NO_CUTS) -> None:
        # jieba's dictionary is read once per process, not once per build (a second of every preview save),
        # and only for a text that no build cut before (``cuts``: .cache/words/).
        self.domain = domain_words(catalog)
        self.cuts = cuts
        self._tokenizer: jieba.Tokenizer | None = None  # made on the first text not cut before
        self.words: set[str] = set(self.domain)
        self._key = names_key(self.domain)
        key = tuple(sorted(self.domain))
        if _CUTS.get("domain") != key or len(_CUTS.get("texts", ())) > CUTS_KEPT:  # type: ignore[arg-type]
            # the cuts depend on the domain words: kept for the last set only, and not without bound
            _CUTS.clear()
            _CUTS["domain"] = key
            _CUTS["texts"] = {}
        self._cuts: dict[str, tuple[str, ...]] = _CUTS["texts"]  # type: ignore[assignment]

    @property
    def tokenizer(self) -> jieba.Tokenizer:
        if self._tokenizer is None:
            self._tokenizer = fresh_tokenizer()
            for word in self.domain:
                self._tokenizer.add_word(word, freq=2000)
        return self._tokenizer

    def feed(self, text: str) -> None:
        words = self._cuts.get(text)
        if words is None:
            found = self.cuts.cut("search", self._key, text, lambda t: self.tokenizer.cut_for_search(t))
            cut = (word.strip() for word in found)
            words = self._cuts[text] = tuple(
                w for w in cut if len(w) >= MIN_WORD and _HAN.search(w) and w not in STOP_WORDS
            )
        self.words.update(words)

    def sorted(self) -> list[str]:
        return sorted(self.words)


# --------------------------------------------------------------------------- the index file


class PageMemo:
    """The entries of each page of the last build, by the digest of its HTML and how it is indexed: the live
    preview builds every page again after a save, and the pages the save did not change are not read
    again (a tenth of a second of a rebuild of the real manual). Only the last build's pages are kept."""

    def __init__(self) -> None:
        self.last: dict[tuple[object, ...], list[Entry]] = {}
        self.this: dict[tuple[object, ...], list[Entry]] = {}

    def entries(
        self, html: str, url: str, title: str, mode: SearchMode, boost: float, names: tuple[str, ...]
    ) -> list[Entry]:
        key = (hashlib.blake2b(html.encode("utf-8"), digest_size=16).digest(), url, title, mode, boost, names)
        found = self.last.get(key)
        if found is None:
            found = page_entries(html, url, title, mode, boost, names)
        self.this[key] = found
        return found

    def turn(self) -> None:
        """The build is done: what it indexed is what the next one may reuse."""
        self.last, self.this = self.this, {}


class SearchIndex:
    """Collects the entries page by page during a build, then writes ``search/search_index.json``."""

    def __init__(
        self,
        catalog: Catalog | None,
        vocabulary: VocabularyFile | None = None,
        cuts: Cuts = NO_CUTS,
        memo: PageMemo | None = None,
    ) -> None:
        self.catalog = catalog
        self.vocabulary = vocabulary or VocabularyFile()
        self.cuts = cuts
        """The texts' cuts kept on disk (``.cache/words/``), saved once the index is made."""
        self.memo = memo or PageMemo()
        self.pages: dict[str, list[Entry]] = {}

    def add_page(
        self, html: str, url: str, title: str, mode: SearchMode, boost: float = 1.0, names: tuple[str, ...] = ()
    ) -> None:
        self.pages[url] = self.memo.entries(html, url, title, mode, boost, names)

    def entries(self) -> list[Entry]:
        return [entry for url in sorted(self.pages) for entry in self.pages[url]]

    def data(self, config: dict[str, object]) -> dict[str, object]:
        """The index the worker reads: Material's ``config`` (the page highlighter needs its separator)
        with the vocabulary added, and the entries."""
        entries = self.entries()
        vocabulary = Vocabulary(self.catalog, self.cuts)
        for entry in entries:
            vocabulary.feed(entry.title)
            vocabulary.feed(entry.text)
        self.cuts.save()
        synonyms = self.vocabulary.synonyms()
        config = dict(config)
        config["procgen"] = {
            "version": 2,
            "words": vocabulary.sorted(),
            "stop": sorted(STOP_WORDS),
            "synonyms": synonyms,
            "questions": {word: list(kinds) for word, kinds in QUESTIONS.items()},
            "cues": {kind: list(words) for kind, words in CUES.items()},
        }
        return {"config": config, "docs": [e.to_json() for e in entries]}

    def write(self, site_dir: Path) -> Path:
        """Replace the index Material's search plugin wrote with a stub holding its ``config`` only, and write
        the manual's index beside it as a script (:data:`INDEX_SCRIPT`), which the worker loads when the
        search box is first focused (``assets/site/search-start.js``): a page that is only read never
        downloads it, and the script loads from disk too (file://, where a worker may not fetch)."""
        path = site_dir / "search" / "search_index.json"
        config: dict[str, object] = {}
        if path.is_file():
            config = json.loads(path.read_text(encoding="utf-8")).get("config", {})
        path.parent.mkdir(parents=True, exist_ok=True)
        data = self.data(config)
        stub = {"config": config, "docs": []}
        path.write_text(json.dumps(stub, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        script = site_dir / INDEX_SCRIPT
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        script.write_text(f"{INDEX_CALLBACK}({body});\n", encoding="utf-8")
        self.memo.turn()
        return script


INDEX_SCRIPT = "search/procedures_index.js"
"""The manual's search index, as a script calling :data:`INDEX_CALLBACK` with the index."""
INDEX_CALLBACK = "procgenIndex"


def read_index(site_dir: Path) -> dict:
    """The index a build wrote (for tests and tools)."""
    text = (site_dir / INDEX_SCRIPT).read_text(encoding="utf-8")
    return json.loads(text[len(INDEX_CALLBACK) + 1 : text.rindex(")")])


# --------------------------------------------------------------------------- the worker


WORKER = ASSETS / "site" / "search-worker.js"
THEME = TEMPLATES / "theme"
"""The theme override (main.html) that loads search-adapter.js, which points Material's search box at
:data:`WORKER` through the ``search`` entry of Material's settings (no text of Material's template is
rewritten: a theme that changes that entry fails the named search tests, not the build)."""


@dataclass(frozen=True)
class SearchWorker:
    """Where the manual's worker is served: named by its content, so a browser never keeps an old one."""

    ours: str

    @classmethod
    def ours_(cls) -> SearchWorker:
        digest = hashlib.sha256(WORKER.read_bytes()).hexdigest()[:8]
        return cls(ours=f"assets/procedures/search-worker.{digest}.js")
