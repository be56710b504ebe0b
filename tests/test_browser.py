"""End to end: the real manual, served on 127.0.0.1, searched in Chinese in headless Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sitebuild import parse, resolve, serve

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def built_site(manual_site: Path) -> Path:
    """The real manual with its PDFs (built once per run, conftest.manual_build)."""
    return manual_site


@pytest.fixture(scope="module")
def server(built_site: Path) -> Iterator[str]:
    with serve(built_site) as url:
        yield url


@pytest.fixture
def page(browser, server: str) -> Iterator[object]:  # noqa: ANN001 - playwright types
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    tab = context.new_page()
    tab.outside_requests = []  # every request that leaves 127.0.0.1
    tab.on(
        "request",
        lambda r: (
            r.url.startswith(server)
            or r.url.startswith("data:")
            or r.url.startswith("blob:")
            or tab.outside_requests.append(r.url)
        ),
    )
    yield tab
    context.close()


def search(page, server: str, word: str) -> list[str]:  # noqa: ANN001
    page.goto(server)
    page.locator("input.md-search__input").click()
    page.fill("input.md-search__input", word)
    # Material reads the query on keyup; an IME sends one after composing, fill() does not.
    page.press("input.md-search__input", "End")
    page.wait_for_selector(".md-search-result__item", timeout=20000)
    return page.eval_on_selector_all(".md-search-result__item a", "els => els.map(e => e.href)")


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("回访", "procedures/return-visit/"),
        ("装修", "procedures/decoration-standard/"),
        ("投诉", "procedures/"),
        ("驾驶员", "procedures/vehicle-rules/"),
        ("物管员", "procedures/return-visit/"),
        ("入伙", "procedures/early-stage-services/"),
    ],
)
def test_chinese_search_finds_the_right_sections(page, server: str, word: str, expected: str) -> None:  # noqa: ANN001
    hrefs = search(page, server, word)
    assert any(expected in h for h in hrefs), hrefs[:10]
    assert page.outside_requests == []


def test_search_result_opens_and_form_link_leads_to_its_pdf(page, server: str) -> None:  # noqa: ANN001
    hrefs = search(page, server, "回访记录表")
    target = next(h for h in hrefs if "procedures/return-visit/" in h)
    page.goto(target)
    assert "物业服务回访管理规范标准" in page.locator("h1").first.inner_text()
    page.locator("a.pm-mention", has_text="《回访记录表》").first.click()
    page.wait_for_url("**/forms/return-visit-record/")
    assert "回访记录表" in page.locator("h1").first.inner_text()
    pdf_link = page.locator("a.pm-pdf").first.get_attribute("href")
    response = page.request.get(page.url + pdf_link if not pdf_link.startswith("http") else pdf_link)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body()[:5] == b"%PDF-"
    assert page.outside_requests == []


def test_flowchart_is_drawn_at_build_time_and_readable(page, server: str) -> None:  # noqa: ANN001
    page.goto(server + "procedures/return-visit/")
    body = page.locator("svg.pm-flow-body").first
    assert body.bounding_box()["height"] > 300
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('svg.pm-flow-body text')).fontSize)")
    assert size >= 12
    assert page.evaluate("typeof mermaid") == "undefined"  # no chart library is shipped
    assert page.locator("script[src*=mermaid]").count() == 0
    page.locator("svg.pm-flow-body a").first.click()
    assert page.url.endswith("#s4-1")
    assert page.outside_requests == []


def test_every_link_of_the_real_manual_resolves_pdfs_included(built_site: Path) -> None:
    broken, outside = [], []
    ids: dict[Path, set[str]] = {}
    for html_file in built_site.rglob("*.html"):
        for tag, attr, url in parse(html_file).urls:
            target = resolve(built_site, html_file, url)
            if target is None:
                if tag in ("script", "link", "img", "iframe", "source"):
                    outside.append(f"{html_file.relative_to(built_site)}: <{tag} {attr}={url}>")
                continue
            path, fragment = target
            if not path.exists():
                broken.append(f"{html_file.relative_to(built_site)}: {url}")
            elif fragment and path.suffix == ".html":
                if path not in ids:
                    ids[path] = parse(path).ids
                if fragment not in ids[path]:
                    broken.append(f"{html_file.relative_to(built_site)}: {url} (no #{fragment})")
    assert not broken, "\n".join(broken[:30])
    assert not outside, "\n".join(outside[:30])
    pdfs = sorted(p.relative_to(built_site).as_posix() for p in (built_site / "pdf").rglob("*.pdf"))
    assert "pdf/manual.pdf" in pdfs and len([p for p in pdfs if p.startswith("pdf/procedures/")]) == 12


def test_offline_variant_searches_from_the_file_system(browser, offline_manual_site: Path) -> None:  # noqa: ANN001
    site = offline_manual_site
    context = browser.new_context(locale="zh-CN")
    tab = context.new_page()
    outside: list[str] = []
    tab.on("request", lambda r: r.url.startswith(("file:", "data:", "blob:")) or outside.append(r.url))
    tab.goto((site / "index.html").as_uri())
    tab.locator("input.md-search__input").click()
    tab.fill("input.md-search__input", "回访")
    tab.press("input.md-search__input", "End")
    tab.wait_for_selector(".md-search-result__item", timeout=20000)
    hrefs = tab.eval_on_selector_all(".md-search-result__item a", "els => els.map(e => e.href)")
    assert any("procedures/return-visit.html" in h for h in hrefs), hrefs[:10]
    assert outside == []
    context.close()
