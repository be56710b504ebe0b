"""Pages read on any screen: the real manual in headless Chromium at 1366×900 and 390×844.

For each page staff open most: no sideways scrolling of the page on a phone, no code or date broken
over two lines, flowchart text at least 12 px (the chart scrolls in its frame instead of shrinking),
no chart library, no outside request, no console error. Screenshots are written to the test's
temporary folder, or to $PROCGEN_SCREENSHOTS when set, to be looked at.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sitebuild import serve

pytestmark = pytest.mark.browser

PAGES = {
    "home": "",
    "procedure": "procedures/return-visit/",
    "long-procedure": "procedures/communication/",
    "role": "roles/property-officer/",
    "front-desk": "roles/front-desk-clerk/",
    "matrix": "matrix/",
    "standards": "standards/",
    "documents": "documents/",
    "records": "records/",
    "form": "forms/return-visit-record/",
    "landscape-form": "forms/customer-communication-log/",
}
SCREENS = {"desktop": (1366, 900), "phone": (390, 844)}

UNBROKEN = "td.pm-code, td.pm-date, td.pm-version, td.pm-nowrap, .pm-matrix-code, .pm-nowrap"
"""Cells whose text must stay on one line: codes, dates, versions, short names."""

LINES_OF = """els => els.filter(el => el.offsetParent !== null && el.textContent.trim()).map(el => {
  const range = document.createRange(); range.selectNodeContents(el);
  const rects = [...range.getClientRects()].filter(r => r.width > 0).sort((a, b) => a.top - b.top);
  const lines = [];
  for (const r of rects) {
    const line = lines.find(l => Math.min(r.bottom, l.bottom) - Math.max(r.top, l.top) > (r.bottom - r.top) / 2);
    if (line) { line.top = Math.min(line.top, r.top); line.bottom = Math.max(line.bottom, r.bottom); }
    else lines.push({top: r.top, bottom: r.bottom});
  }
  return [el.textContent.trim(), lines.length];
}).filter(([, n]) => n > 1)"""
"""The lines each cell's text takes on the screen: a box that overlaps a line by more than half its own
height is on that line (a raised 拟 mark or a smaller status badge sits a few pixels off the text's top);
the next line of wrapped text overlaps the one above by little or nothing."""


@pytest.fixture(scope="module")
def server(manual_site: Path) -> Iterator[str]:
    with serve(manual_site) as url:
        yield url


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("PROCGEN_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _reads_on_the_screen(page, shots: Path, name: str, screen: str) -> None:  # noqa: ANN001 - playwright's Page
    """What a reader of ``name`` on ``screen`` must get: a screenshot to look at, no sideways scrolling on a
    phone, codes and dates on one line, flowcharts drawn at full size (a list of steps on a phone)."""
    width, _ = SCREENS[screen]
    page.screenshot(path=str(shots / f"{name}-{screen}.png"), full_page=False)
    assert page.locator("script[src*=mermaid]").count() == 0
    if screen == "phone":
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"the page scrolls sideways by {overflow}px"
    broken = page.eval_on_selector_all(UNBROKEN, LINES_OF)
    assert broken == [], broken
    for svg in page.locator("svg.pm-flow-body").all()[:2]:
        if screen == "phone":  # a phone reads the steps as a list instead of a sideways grid
            assert not svg.is_visible()
            list_ = svg.evaluate(
                "s => s.closest('figure').querySelector('ol.pm-flow-list').getBoundingClientRect().width"
            )
            assert 300 <= list_ <= width, list_
            continue
        size = svg.evaluate(
            "s => parseFloat(getComputedStyle(s.querySelector('text')).fontSize) * s.getBoundingClientRect().width / s.width.baseVal.value"
        )
        assert size >= 12, size  # drawn at full size: the frame scrolls instead
        frame = svg.evaluate("s => getComputedStyle(s.closest('.pm-flow-frame')).overflow")
        assert "auto" in frame


def test_the_matrix_filters_by_role(browser, server: str) -> None:  # noqa: ANN001
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    try:
        page.goto(server + "matrix/")
        total = page.locator("table.pm-matrix tbody tr").count()
        page.select_option("#pm-matrix-role", "property-officer")
        shown = page.locator("table.pm-matrix tbody tr:not([hidden])").count()
        assert 0 < shown < total
        assert "#role=property-officer" in page.url
        for row in page.locator("table.pm-matrix tbody tr:not([hidden])").all():
            assert "property-officer" in row.get_attribute("data-roles").split()
        page.goto(server + "matrix/#role=driver")
        page.reload()
        assert page.locator("table.pm-matrix tbody tr:not([hidden])").count() < total
        header_top = page.evaluate("document.querySelector('table.pm-matrix thead th').getBoundingClientRect().top")
        page.evaluate("document.querySelector('.pm-matrix-frame').scrollTop = 400")
        assert (
            page.evaluate("document.querySelector('table.pm-matrix thead th').getBoundingClientRect().top")
            == header_top
        )
    finally:
        page.close()


def test_browser_print_of_a_procedure_is_the_text_alone(browser, server: str, tmp_path: Path) -> None:  # noqa: ANN001
    page = browser.new_page()
    try:
        page.goto(server + "procedures/return-visit/")
        page.emulate_media(media="print")
        assert page.locator(".md-sidebar--primary").evaluate("e => getComputedStyle(e).display") == "none"
        assert page.locator(".md-header").evaluate("e => getComputedStyle(e).display") == "none"
        frame = page.locator(".pm-flow-frame").first
        assert frame.evaluate("e => getComputedStyle(e).overflow") == "visible"
        pdf = tmp_path / "print.pdf"
        page.pdf(path=str(pdf), format="A4")
        from pypdf import PdfReader

        text = "".join(p.extract_text() for p in PdfReader(pdf).pages)
        assert "回访" in text and "岗位与部门" not in text  # the page, not the navigation
    finally:
        page.close()


def test_no_page_of_the_site_loads_a_chart_library(manual_site: Path) -> None:
    for html in manual_site.rglob("*.html"):
        assert "mermaid" not in html.read_text(encoding="utf-8"), html


AXE = Path(__file__).parent / "vendor" / "axe.min.js"
"""axe-core (MPL-2.0, vendored unmodified: tests/vendor/README.md)."""
PAGE_TYPES = {
    **PAGES,
    "roles": "roles/",
    "forms": "forms/",
    "training": "training/",
    "quiz": "roles/property-officer/quiz/",
    "changes": "changes/",
    "guide": "guide/",
}
"""Every kind of page of the site, once."""


@pytest.mark.parametrize("screen", sorted(SCREENS))
@pytest.mark.parametrize("name", sorted(PAGE_TYPES))
def test_page_reads_on_the_screen_with_no_serious_accessibility_finding(
    browser,  # noqa: ANN001
    server: str,
    shots: Path,
    name: str,
    screen: str,
) -> None:
    """Every kind of page, loaded once on a desktop and once on a phone: nothing from another host, no script
    error; the reader's checks (``_reads_on_the_screen``) on the pages of PAGES; axe-core's WCAG 2 A/AA rules
    with no serious or critical finding on all."""
    width, height = SCREENS[screen]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    outside: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: r.url.startswith((server, "data:", "blob:")) or outside.append(r.url))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        response = page.goto(server + PAGE_TYPES[name])
        if response is not None and response.status == 404:
            pytest.skip(f"{PAGE_TYPES[name]} is not built")
        page.wait_for_load_state("networkidle")
        assert outside == [] and errors == [], (outside, errors)
        if name in PAGES:
            _reads_on_the_screen(page, shots, name, screen)
        assert page.evaluate("document.documentElement.lang") == "zh-CN"
        page.add_script_tag(path=str(AXE))
        results = page.evaluate(
            "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
        )
        found = [
            (v["id"], v["impact"], len(v["nodes"]), v["nodes"][0]["target"], v["nodes"][0]["failureSummary"][:200])
            for v in results["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert found == [], found
    finally:
        context.close()
