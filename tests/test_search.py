"""Search as staff meet it: the real manual, the real search box, headless Chromium, served and from file://.

The test set (tests/search/queries.yml) is what a member of staff types and where the answer stands;
each query must bring its section into the first three results. Precision@3 is reported after the run.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import yaml
from conftest import report
from sitebuild import serve

from generator.site.search import read_index

pytestmark = pytest.mark.browser

QUERIES = yaml.safe_load((Path(__file__).parent / "search" / "queries.yml").read_text(encoding="utf-8"))
TOP = 3


@pytest.fixture(scope="module")
def manual(manual_site: Path) -> Path:
    return manual_site


@pytest.fixture(scope="module")
def offline_manual(offline_manual_site: Path) -> Path:
    return offline_manual_site


@pytest.fixture(scope="module")
def server(manual: Path) -> Iterator[str]:
    with serve(manual) as url:
        yield url


def index_of(site: Path) -> dict:
    return read_index(site)


def entries_by_location(site: Path) -> dict[str, dict]:
    return {doc["location"]: doc for doc in index_of(site)["docs"]}


class Tab:
    """One browser tab on the manual, with every request that leaves it recorded."""

    def __init__(self, browser, home: str) -> None:  # noqa: ANN001 - playwright types
        self.context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        self.page = self.context.new_page()
        self.home = home
        self.loaded = False
        self.outside: list[str] = []
        self.errors: list[str] = []
        local = ("data:", "blob:", "about:", home if home.startswith("http") else "file:")
        self.page.on("request", lambda r: r.url.startswith(local) or self.outside.append(r.url))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def search(self, query: str) -> list[list[str]]:
        """Type ``query`` into the search box; the visible result links of each result group, in order.

        The home page is loaded once; each query is typed into the same box after clearing it (and
        waiting for the results of the last one to go), as someone searching again would."""
        if not self.loaded:
            self.page.goto(self.home)
            self.loaded = True
        box = self.page.locator("input.md-search__input")
        box.click()
        if self.page.locator(".md-search-result__item").count():
            box.fill("")
            box.press("End")
            self.page.wait_for_selector(".md-search-result__item", state="detached", timeout=20000)
        box.fill(query)
        # Material reads the query on keyup; an IME sends one after composing, fill() does not.
        box.press("End")
        self.page.wait_for_selector(".md-search-result__item", timeout=20000)
        return self.page.eval_on_selector_all(
            ".md-search-result__item",
            "items => items.map(li => [...li.querySelectorAll('a.md-search-result__link')]"
            ".filter(a => !a.closest('details')).map(a => a.href))",
        )

    def close(self) -> None:
        self.context.close()


def location(href: str, home: str) -> str:
    """The index location of a result link: relative to the site root, without the query string."""
    parts = urlsplit(href)
    path = unquote(parts.path)
    base = unquote(urlsplit(home).path)
    if base.endswith("index.html"):
        base = base[: -len("index.html")]
    rel = path[len(base):] if path.startswith(base) else path
    return rel + (f"#{parts.fragment}" if parts.fragment else "")


def offline_page(page: str) -> str:
    """procedures/x/ -> procedures/x.html, as the offline variant names pages."""
    return page[:-1] + ".html" if page.endswith("/") and page.count("/") > 1 else page


def expected_in(case: dict, groups: list[list[str]], home: str, entries: dict[str, dict], offline: bool) -> bool:
    page = offline_page(case["page"]) if offline else case["page"]
    for group in groups[:TOP]:
        for href in group:
            loc = location(href, home)
            if not loc.startswith(page):
                continue
            if "has" not in case:
                return True
            entry = entries.get(loc, {})
            if case["has"].lower() in (entry.get("title", "") + " " + entry.get("text", "")).lower():
                return True
    return False


def run_test_set(browser, home: str, site: Path, variant: str, offline: bool, request: pytest.FixtureRequest) -> None:  # noqa: ANN001
    entries = entries_by_location(site)
    tab = Tab(browser, home)
    misses = []
    try:
        for case in QUERIES:
            groups = tab.search(case["q"])
            if not expected_in(case, groups, home, entries, offline):
                shown = [location(h, home) for group in groups[:TOP] for h in group]
                misses.append(f"{case['q']} → 期望 {case['page']} {case.get('has', '')}，前三：{shown}")
        assert tab.outside == [], tab.outside
        assert tab.errors == [], tab.errors
    finally:
        tab.close()
    found = len(QUERIES) - len(misses)
    report(request, f"搜索 precision@{TOP}（{variant}）：{found}/{len(QUERIES)} = {found / len(QUERIES):.3f}")
    for m in misses:
        report(request, f"  未命中：{m}")
    assert not misses, "\n".join(misses)


def test_test_set_has_at_least_forty_queries_from_every_document() -> None:
    assert len(QUERIES) >= 40
    documents = {c["page"] for c in QUERIES if c["page"].startswith("procedures/")}
    assert len(documents) == 12, documents


def test_every_query_finds_its_section_in_the_first_three_results(browser, server: str, manual: Path, request: pytest.FixtureRequest) -> None:  # noqa: ANN001
    run_test_set(browser, server, manual, "网站", offline=False, request=request)


def test_every_query_finds_its_section_offline_from_the_file_system(browser, offline_manual: Path, request: pytest.FixtureRequest) -> None:  # noqa: ANN001
    run_test_set(browser, (offline_manual / "index.html").as_uri(), offline_manual, "离线版 file://", offline=True, request=request)


def test_result_link_opens_the_section_with_the_query_highlighted(browser, server: str) -> None:  # noqa: ANN001
    tab = Tab(browser, server)
    try:
        groups = tab.search("满意率")
        best = next(h for g in groups for h in g if "#" in h)
        assert parse_qs(urlsplit(best).query)["h"] == ["满意率"]
        tab.page.goto(best)
        tab.page.wait_for_selector("mark[data-md-highlight]", timeout=10000)
        marks = tab.page.eval_on_selector_all("mark[data-md-highlight]", "els => els.map(e => e.textContent)")
        assert "满意率" in marks
        # every link carries the words to highlight, none an empty h=
        groups = tab.search("回访要在几天内做？")
        for href in (h for g in groups for h in g):
            assert parse_qs(urlsplit(href).query).get("h", [""])[0].strip(), href
        assert tab.outside == [] and tab.errors == []
    finally:
        tab.close()


def test_the_last_character_of_a_query_counts(browser, server: str) -> None:  # noqa: ANN001
    """Material's own segmenter searched 成本 as 成 and 经理 as 经: the first hit held neither."""
    tab = Tab(browser, server)
    try:
        for word in ("成本", "经理", "满意率", "维修派工单"):
            groups = tab.search(word)
            first = tab.page.locator(".md-search-result__item").first.inner_text()
            assert word in first.replace("\n", ""), (word, first)
            assert "缺少" not in first, first
            assert groups
    finally:
        tab.close()


def test_procedure_sections_rank_above_catalog_pages(browser, server: str) -> None:  # noqa: ANN001
    catalog = re.compile(r"/(matrix|standards|records|documents)/|/(roles|forms)/$|^http://127\.0\.0\.1:\d+/$")
    tab = Tab(browser, server)
    try:
        for word in ("投诉", "满意率", "回访", "装修"):
            groups = tab.search(word)
            top = [h.split("?")[0] for h in groups[0]]
            assert not any(catalog.search(h) for h in top), (word, top)
            assert any("/procedures/" in h or "/forms/" in h for h in top), (word, top)
    finally:
        tab.close()


def test_form_results_read_as_label_and_value(browser, server: str) -> None:  # noqa: ANN001
    tab = Tab(browser, server)
    try:
        tab.search("WY-JL-11-02")
        text = tab.page.locator(".md-search-result__item").first.inner_text()
        assert "保存：保存2年" in text and "保存保存" not in text, text
    finally:
        tab.close()


# --------------------------------------------------------------------------- the worker on its own


@pytest.fixture(scope="module")
def worker(browser, manual: Path) -> Iterator[object]:  # noqa: ANN001
    """A page holding the built worker script and the built index, to call the search directly."""
    context = browser.new_context()
    page = context.new_page()
    page.set_content("<html><body></body></html>")
    [script] = (manual / "assets" / "procedures").glob("search-worker.*.js")
    page.add_script_tag(path=str(script))
    page.evaluate("data => procgenSearch.setup(data)", index_of(manual))
    yield page
    context.close()


def test_any_text_that_stands_in_a_section_finds_that_section(worker, manual: Path) -> None:  # noqa: ANN001
    """Pieces of every entry's text, 2 to 9 characters long, each found with that entry among the results."""
    rng = random.Random(20241129)
    cases = []
    for doc in index_of(manual)["docs"]:
        text = doc["text"]
        for _ in range(3):
            if len(text) < 2:
                break
            size = rng.randint(2, min(9, len(text)))
            start = rng.randrange(0, len(text) - size + 1)
            piece = text[start:start + size].strip()
            if len(piece) >= 2 and re.search(r"\w", piece):  # punctuation alone is no query
                cases.append([piece, doc["location"]])
    assert len(cases) > 900
    missing = worker.evaluate(
        """cases => cases.filter(([q, loc]) =>
             !procgenSearch.search(q).items.some(group => group.some(item => item.location === loc)))""",
        cases,
    )
    assert missing == [], missing[:20]


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ("24小时", ["24小时"]),
        ("3天", ["3天"]),
        ("5-8分钟", ["5-8分钟"]),
        ("WY-GL-11", ["wy-gl-11"]),
        ("ＷＹ－ＧＬ－１１", ["wy-gl-11"]),  # full-width, as a Chinese IME types it
        ("A4", ["a4"]),
        ("24 小时", ["24", "小时"]),  # verbatim in no entry, so split at the space
        ("回访要在几天内做？", ["回访", "天内"]),
        ("24小时内要做什么？", ["24小时"]),
        ("  满意率 ", ["满意率"]),
    ],
)
def test_query_terms(worker, query: str, terms: list[str]) -> None:  # noqa: ANN001
    assert worker.evaluate("q => procgenSearch.terms(q)", query) == terms


def test_results_are_escaped_html(worker) -> None:  # noqa: ANN001
    result = worker.evaluate("q => procgenSearch.search(q)", "入伙资料签收表")
    html = " ".join(item["text"] + item["title"] for group in result["items"] for item in group)
    assert "<mark>入伙资料签收表</mark>" in html
    assert re.sub(r"</?mark>", "", html).count("<") == 0
