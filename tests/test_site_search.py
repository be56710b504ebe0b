"""The search index builder (generator/render/site/search.py): entries from rendered HTML, words, the worker swap."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from generator.render.site.search import PageMemo, SearchIndex, SearchWorker, page_entries

PAGE = """
<h1>物业服务回访管理规范标准</h1>
<p>又名：回访规范</p>
<h2 id="s1" data-pm-title="1.0 目的"><span class="pm-label">1.0</span>目的</h2>
<p>规范回访工作。</p>
<p id="s1-1" class="pm-item" data-pm-title="4.1.1 a) 回访时间"><span class="pm-label">a)</span>投诉事件的回访，应在<a href="#">三天内</a>进行；</p>
<span class="pm-tag">期限 3天内</span><span class="pm-tag">责任 物管员</span>
<pre class="mermaid"><code>flowchart TB s1 --> s2</code></pre>
<table id="t" data-pm-title="表"><tr><th>保存</th><td>保存2年</td><th>版本</th><td>1.0</td></tr></table>
<div data-pm-nosearch><p>不进索引</p></div>
<h2 id="history">修订历史</h2><p>首次发布</p>
"""


def test_a_procedure_page_becomes_one_entry_per_heading_and_clause() -> None:
    entries = page_entries(PAGE, "procedures/x/", "WY-GL-11 物业服务回访管理规范标准", "sections")
    by_location = {e.location: e for e in entries}
    assert list(by_location) == [
        "procedures/x/",
        "procedures/x/#s1",
        "procedures/x/#s1-1",
        "procedures/x/#t",
        "procedures/x/#history",
    ]
    assert by_location["procedures/x/"].title == "WY-GL-11 物业服务回访管理规范标准"
    assert by_location["procedures/x/"].text == "又名：回访规范"
    assert by_location["procedures/x/#s1"].title == "1.0 目的"
    assert by_location["procedures/x/#s1"].text == "规范回访工作。"  # the heading is the title, not the text
    clause = by_location["procedures/x/#s1-1"]
    assert clause.title == "4.1.1 a) 回访时间"
    assert clause.text == "a) 投诉事件的回访，应在三天内进行； 期限 3天内 责任 物管员"  # the flowchart is left out
    assert by_location["procedures/x/#t"].text == "保存：保存2年 版本：1.0"  # label：value, never run together
    assert by_location["procedures/x/#history"].title == "修订历史"
    assert all("不进索引" not in e.text for e in entries)


def test_the_preview_reads_again_only_the_pages_a_save_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each build of the live preview indexes every page; a page whose HTML is as in the last build gives
    its entries back without being read again, a changed one is read, and only the last build is kept."""
    import generator.render.site.search as search

    read: list[str] = []
    real = search.page_entries

    def counting(html: str, url: str, *args: object) -> list[search.Entry]:
        read.append(url)
        return real(html, url, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(search, "page_entries", counting)
    memo = PageMemo()
    first = SearchIndex(None, memo=memo)
    first.add_page(PAGE, "procedures/x/", "WY-GL-11", "sections")
    first.add_page(PAGE, "procedures/y/", "WY-GL-12", "sections")
    memo.turn()
    second = SearchIndex(None, memo=memo)
    second.add_page(PAGE, "procedures/x/", "WY-GL-11", "sections")
    second.add_page(PAGE.replace("三天内", "两天内"), "procedures/y/", "WY-GL-12", "sections")
    assert read == ["procedures/x/", "procedures/y/", "procedures/y/"]
    assert second.entries() != first.entries() and second.pages["procedures/x/"] == first.pages["procedures/x/"]
    assert any("两天内" in e.text for e in second.pages["procedures/y/"])
    memo.turn()
    assert len(memo.last) == 2  # the first build's entry of procedures/y/ is gone


@pytest.mark.parametrize(
    ("mode", "texts"),
    [
        ("lead", ["又名：回访规范"]),
        ("title", ["又名：回访规范"]),
        ("page", None),
        ("none", []),
    ],
)
def test_pages_that_list_enter_the_index_by_their_lead_or_title_only(mode: str, texts: list[str] | None) -> None:
    entries = page_entries(PAGE, "x/", "X", mode)  # type: ignore[arg-type]
    if texts is None:
        assert len(entries) == 1 and "保存：保存2年" in entries[0].text and "首次发布" in entries[0].text
    else:
        assert [e.text for e in entries] == texts


def test_text_is_text_entities_decoded_once() -> None:
    [entry] = page_entries("<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; 《表》</p>", "x/", "X", "page")
    assert entry.text == "<script>alert(1)</script> & 《表》"  # the worker escapes when it shows it


def test_the_worker_is_named_by_its_content() -> None:
    worker = SearchWorker.ours_()
    assert worker.ours.startswith("assets/procedures/search-worker.") and worker.ours.endswith(".js")


ADAPTER = Path(__file__).resolve().parents[1] / "generator" / "assets" / "site" / "search-adapter.js"


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (
            {"base": "..", "search": "../assets/javascripts/workers/search.a7633da7.min.js", "tags": None},
            {"base": "..", "search": "../assets/procedures/search-worker.1234abcd.js", "tags": None},
        ),
        # a Material that renamed the entry: nothing is changed, its own worker answers, this test names it
        (
            {"base": "..", "worker": "../assets/javascripts/workers/search.min.js"},
            {"base": "..", "worker": "../assets/javascripts/workers/search.min.js"},
        ),
    ],
)
def test_the_adapter_points_materials_search_setting_at_our_worker(browser, settings: dict, expected: dict) -> None:  # noqa: ANN001
    """Material reads "search" from the JSON of #__config when its bundle starts; the adapter, loaded just
    before the bundle, changes that entry and nothing else (no text of Material's template is rewritten)."""
    page = browser.new_page()
    try:
        page.set_content(
            "<html><body><script id='__config' type='application/json'>" + json.dumps(settings) + "</script>"
            "<script data-worker='../assets/procedures/search-worker.1234abcd.js'>"
            + ADAPTER.read_text(encoding="utf-8")
            + "</script></body></html>"
        )
        assert json.loads(page.eval_on_selector("#__config", "e => e.textContent")) == expected
    finally:
        page.close()


def test_the_site_loads_the_adapter_before_materials_bundle(manual_site: Path) -> None:
    html = (manual_site / "procedures" / "return-visit" / "index.html").read_text(encoding="utf-8")
    config = json.loads(re.search(r'<script id="__config" type="application/json">(.*?)</script>', html, re.S).group(1))
    assert "workers/search." in config["search"]  # Material's own setting, as Material wrote it
    adapter = html.index("assets/procedures/search-adapter.js")
    assert html.index('id="__config"') < adapter < html.index("assets/javascripts/bundle.")
    assert re.search(
        r'search-adapter\.js" data-worker="\.\./\.\./assets/procedures/search-worker\.[0-9a-f]{8}\.js"', html
    )
