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
from playwright.sync_api import expect
from sitebuild import serve

from generator.render.site.search import INDEX_SCRIPT, read_index

pytestmark = pytest.mark.browser

QUERIES = yaml.safe_load((Path(__file__).parent / "search" / "queries.yml").read_text(encoding="utf-8"))
STAFF = yaml.safe_load((Path(__file__).parent / "search" / "staff_queries.yml").read_text(encoding="utf-8"))
"""The second set: written the way staff ask (everyday words, questions, codes, numbers, form names), before
the search was tuned for it, and kept apart from the first."""
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

    def __enter__(self) -> Tab:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def location(href: str, home: str) -> str:
    """The index location of a result link: relative to the site root, without the query string."""
    parts = urlsplit(href)
    path = unquote(parts.path)
    base = unquote(urlsplit(home).path)
    if base.endswith("index.html"):
        base = base[: -len("index.html")]
    rel = path[len(base) :] if path.startswith(base) else path
    return rel + (f"#{parts.fragment}" if parts.fragment else "")


def offline_page(page: str) -> str:
    """procedures/x/ -> procedures/x.html, as the offline variant names pages."""
    return page[:-1] + ".html" if page.endswith("/") and page.count("/") > 1 else page


def answers(case: dict, href: str, home: str, entries: dict[str, dict], offline: bool) -> bool:
    """Whether a result link lands on the case's page, in an entry holding its ``has``."""
    page = offline_page(case["page"]) if offline else case["page"]
    loc = location(href, home)
    if not loc.startswith(page):
        return False
    if "has" not in case:
        return True
    entry = entries.get(loc, {})
    return str(case["has"]).lower() in (entry.get("title", "") + " " + entry.get("text", "")).lower()


def expected_in(case: dict, groups: list[list[str]], home: str, entries: dict[str, dict], offline: bool) -> bool:
    """Precision@3: a visible link of the first three result groups (pages) answers."""
    return any(answers(case, href, home, entries, offline) for group in groups[:TOP] for href in group)


def expected_first(case: dict, groups: list[list[str]], home: str, entries: dict[str, dict], offline: bool) -> bool:
    """Precision@1: the first clause shown (the first group's first section; its page when it has none) answers."""
    if not groups or not groups[0]:
        return False
    first = groups[0][1] if len(groups[0]) > 1 else groups[0][0]
    return answers(case, first, home, entries, offline)


SETS = {"第一组": QUERIES, "员工用语组": STAFF}
"""The query sets by name: the first (written with the search), and the staff's own words kept apart from it."""


def run_test_set(browser, name: str, offline: bool, request: pytest.FixtureRequest) -> None:  # noqa: ANN001
    """Type every query of the set ``name`` into the search box of the served manual, or of the offline copy
    opened from the file system; each finds its section in the first three results."""
    if offline:
        site = request.getfixturevalue("offline_manual")
        home, variant = (site / "index.html").as_uri(), "离线版 file://"
    else:
        site, home, variant = request.getfixturevalue("manual"), request.getfixturevalue("server"), "网站"
    cases = SETS[name]
    entries = entries_by_location(site)
    with Tab(browser, home) as tab:
        misses, firsts = [], 0
        for case in cases:
            groups = tab.search(str(case["q"]))
            firsts += expected_first(case, groups, home, entries, offline)
            if not expected_in(case, groups, home, entries, offline):
                shown = [location(h, home) for group in groups[:TOP] for h in group]
                misses.append(f"{case['q']} → 期望 {case['page']} {case.get('has', '')}，前三：{shown}")
        assert tab.outside == [], tab.outside
        assert tab.errors == [], tab.errors
    found = len(cases) - len(misses)
    report(
        request,
        f"搜索 {name}（{variant}）precision@1：{firsts}/{len(cases)} = {firsts / len(cases):.3f}，"
        f"precision@{TOP}：{found}/{len(cases)} = {found / len(cases):.3f}",
    )
    for m in misses:
        report(request, f"  未命中：{m}")
    assert not misses, "\n".join(misses)


def test_test_set_has_at_least_forty_queries_from_every_document() -> None:
    assert len(QUERIES) >= 40
    documents = {c["page"] for c in QUERIES if c["page"].startswith("procedures/")}
    assert len(documents) == 12, documents


def test_staff_set_is_at_least_sixty_queries_of_every_kind_apart_from_the_first() -> None:
    assert len(STAFF) >= 60
    assert {c["kind"] for c in STAFF} >= {"word", "question", "code", "number", "form"}
    assert not {c["q"] for c in STAFF} & {c["q"] for c in QUERIES}
    assert any(str(c["q"]).startswith("《") for c in STAFF) and any(
        c["kind"] == "form" and "《" not in c["q"] for c in STAFF
    )


@pytest.mark.parametrize("offline", [False, True], ids=["served", "offline"])
@pytest.mark.parametrize("name", list(SETS))
def test_every_query_finds_its_answer_in_the_first_three_results(
    browser, name: str, offline: bool, request: pytest.FixtureRequest
) -> None:  # noqa: ANN001
    run_test_set(browser, name, offline, request)


def test_first_page_load_does_not_download_the_index_first_focus_does(browser, server: str) -> None:  # noqa: ANN001
    with Tab(browser, server) as tab:
        requests: list[str] = []
        tab.page.on("request", lambda r: requests.append(r.url))
        tab.page.goto(server + "procedures/return-visit/")
        tab.page.wait_for_load_state("networkidle")
        assert not [u for u in requests if INDEX_SCRIPT in u], requests
        stub = [u for u in requests if u.endswith("search/search_index.json")]
        assert all(len((tab.page.request.get(u)).body()) < 2000 for u in stub)  # Material's config, no entries
        with tab.page.expect_request(lambda r: INDEX_SCRIPT in r.url):
            tab.page.locator("input.md-search__input").focus()
        tab.loaded = True
        assert tab.search("回访率")
        assert sum(INDEX_SCRIPT in u for u in requests) == 1  # once, however many searches follow
        tab.search("满意率")
        assert sum(INDEX_SCRIPT in u for u in requests) == 1
        assert tab.outside == [] and tab.errors == []


@pytest.mark.parametrize("offline", [False, True], ids=["served", "offline"])
def test_pasted_and_ime_input_start_a_search_without_any_key_event(
    browser, server: str, offline_manual: Path, offline: bool
) -> None:  # noqa: ANN001
    with Tab(browser, (offline_manual / "index.html").as_uri() if offline else server) as tab:
        tab.page.goto(tab.home)
        box = tab.page.locator("input.md-search__input")
        box.focus()
        # Paste, dictation, an IME committing without a key release: an input event, no keydown/keyup.
        tab.page.keyboard.insert_text("保洁")
        expect(tab.page.locator(".md-search-result__item").first).to_contain_text("保洁", timeout=20000)
        # An IME composing: nothing is searched for the half-typed text; compositionend starts the search.
        box.fill("")
        box.evaluate(
            """(el) => {
                 el.dispatchEvent(new CompositionEvent("compositionstart", {bubbles: true}));
                 el.value = "hui";
                 el.dispatchEvent(new InputEvent("input", {bubbles: true, isComposing: true, data: "hui"}));
                 el.value = "回访率";
                 el.dispatchEvent(new CompositionEvent("compositionend", {bubbles: true, data: "回访率"}));
               }"""
        )
        expect(tab.page.locator(".md-search-result__item").first).to_contain_text("回访率", timeout=20000)
        assert tab.errors == [] and tab.outside == []


def test_a_query_with_no_result_suggests_the_nearest_words_and_titles(browser, server: str) -> None:  # noqa: ANN001
    with Tab(browser, server) as tab:
        tab.search("扫帚")  # in no clause: not a dead end
        first = tab.page.locator(".md-search-result__item").first
        expect(first).to_contain_text("试试")
        assert "打扫" in tab.page.locator(".md-search-result__list").inner_text()


def test_a_question_brings_the_clause_that_answers_first_with_the_fact_in_the_snippet(browser, server: str) -> None:  # noqa: ANN001
    with Tab(browser, server) as tab:
        groups = tab.search("晨会几点开")
        assert "procedures/communication/" in groups[0][0]
        first = tab.page.locator(".md-search-result__item").first.locator("a.md-search-result__link").nth(1)
        expect(first).to_contain_text("8:30")
        expect(first.locator("b")).to_contain_text("期限")  # the fact itself, before the snippet


def test_up_to_three_clauses_of_a_page_are_shown_not_folded(browser, server: str) -> None:  # noqa: ANN001
    with Tab(browser, server) as tab:
        groups = tab.search("回访")
        assert len(groups[0]) == 4, groups[0]  # the page and its three best clauses; the rest under "more"
        expect(
            tab.page.locator(".md-search-result__item").first.locator("details.md-search-result__more")
        ).to_have_count(1)


def test_a_form_page_that_merely_names_the_words_comes_after_the_clauses(browser, server: str) -> None:  # noqa: ANN001
    with Tab(browser, server) as tab:
        top = [h.split("?")[0] for h in tab.search("门禁卡")[0]]
        assert all("/procedures/customer-service-duties/" in h for h in top), top  # not the handover form
        top = [h.split("?")[0] for h in tab.search("《钥匙签收表》")[0]]
        assert all("/forms/key-receipt/" in h for h in top), top  # the query names the form


def test_result_link_opens_the_section_with_the_query_highlighted(browser, server: str) -> None:  # noqa: ANN001
    with Tab(browser, server) as tab:
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


def test_the_last_character_of_a_query_counts(browser, server: str) -> None:  # noqa: ANN001
    """Material's own segmenter searched 成本 as 成 and 经理 as 经: the first hit held neither."""
    with Tab(browser, server) as tab:
        for word in ("成本", "经理", "满意率", "维修派工单"):
            groups = tab.search(word)
            first = tab.page.locator(".md-search-result__item").first.inner_text()
            assert word in first.replace("\n", ""), (word, first)
            assert "缺少" not in first, first
            assert groups


def test_procedure_sections_rank_above_catalog_pages(browser, server: str) -> None:  # noqa: ANN001
    catalog = re.compile(r"/(matrix|standards|records|documents)/|/(roles|forms)/$|^http://127\.0\.0\.1:\d+/$")
    with Tab(browser, server) as tab:
        for word in ("投诉", "满意率", "回访", "装修"):
            groups = tab.search(word)
            top = [h.split("?")[0] for h in groups[0]]
            assert not any(catalog.search(h) for h in top), (word, top)
            assert any("/procedures/" in h or "/forms/" in h for h in top), (word, top)


def test_form_results_read_as_label_and_value(browser, server: str) -> None:  # noqa: ANN001
    with Tab(browser, server) as tab:
        tab.search("WY-JL-11-02")
        text = tab.page.locator(".md-search-result__item").first.inner_text()
        assert "保存：保存2年" in text and "保存保存" not in text, text


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
            piece = text[start : start + size].strip()
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
        ("回访要在几天内做？", ["回访"]),  # 几天 is a question word: it asks for a deadline
        ("门卫", ["门卫", "警卫", "安全保卫", "保安", "安管"]),  # a staff word and the manual's terms
        ("24小时内要做什么？", ["24小时"]),
        ("  满意率 ", ["满意率"]),
    ],
)
def test_query_terms(worker, query: str, terms: list[str]) -> None:  # noqa: ANN001
    assert worker.evaluate("q => procgenSearch.terms(q)", query) == terms


@pytest.mark.parametrize(
    ("query", "asks"),
    [
        ("回访记录表保存多久", ["retention"]),
        ("谁负责重大投诉", ["owner"]),
        ("满意率要多少", ["target"]),
        ("晨会几点", ["deadline"]),
        ("开会开多长时间", ["duration"]),
        ("满意率", []),
    ],
)
def test_question_words_ask_for_a_kind_of_fact(worker, query: str, asks: list[str]) -> None:  # noqa: ANN001
    assert sorted(worker.evaluate("q => Object.keys(procgenSearch.analyse(q).asks)", query)) == asks


def test_an_exact_manual_term_ranks_above_an_expansion(worker) -> None:  # noqa: ANN001
    """保安 is a manual term and an expansion of 门卫: searched as 保安, a clause saying 保安 comes first."""
    first = worker.evaluate("q => procgenSearch.search(q).items[0]", "保安")
    assert any("保安" in item["text"].replace("<mark>", "").replace("</mark>", "") for item in first)


def test_results_are_escaped_html(worker) -> None:  # noqa: ANN001
    result = worker.evaluate("q => procgenSearch.search(q)", "入伙资料签收表")
    html = " ".join(item["text"] + item["title"] for group in result["items"] for item in group)
    assert "<mark>入伙资料签收表</mark>" in html
    assert re.sub(r"</?mark>", "", html).count("<") == 0
