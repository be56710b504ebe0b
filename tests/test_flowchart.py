"""generator/render/flowchart.py: swimlane charts laid out on a grid and drawn as SVG."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import MANUAL_TODAY, ROOT

from generator.check.run import check
from generator.render import flowchart
from generator.render.pdf import paper
from generator.render.pdf.views import FLOW_PAPER

pytestmark = pytest.mark.usefixtures("manual_today")


@pytest.fixture(scope="module")
def catalog():  # noqa: ANN201
    return check(ROOT, when=MANUAL_TODAY).catalog


def test_text_wraps_and_is_never_cut() -> None:
    text = "投诉事件的回访，应在投诉处理完毕后的三天内进行；" * 3
    lines = flowchart.wrap(text, 104)
    assert "".join(lines) == text and not any("…" in line for line in lines)
    assert all(len(line) <= 104 // flowchart.FONT + 1 for line in lines)
    assert flowchart.wrap("短", 122) == ["短"]
    assert flowchart.wrap("回访率要求达到100%。", 52) == ["回访率要", "求达到", "100%。"]  # 100% stays whole


@pytest.mark.parametrize("width", [52, 78, 104, 120, 150])
def test_no_line_starts_with_closing_punctuation(width: int) -> None:
    text = "甲乙丙丁，戊己。庚辛壬》癸子丑）寅卯、辰巳；午未（申酉）戌亥“子”丑。"
    lines = flowchart.wrap(text, width)
    assert "".join(lines) == text
    assert not any(line[0] in flowchart.NO_LINE_START for line in lines[1:]), lines
    assert not any(line[-1] in flowchart.NO_LINE_END for line in lines), lines


def _every_chart(catalog):  # noqa: ANN001, ANN202
    for doc in catalog.documents:
        for frame in (None, FLOW_PAPER):
            for chart in flowchart.charts(doc, frame):
                yield doc, frame, chart


def test_every_step_is_drawn_whole(catalog) -> None:  # noqa: ANN001
    """On the site and on paper: a step's box holds its whole text, broken by the rules of Chinese."""
    drawn = 0
    for doc, _paper, chart in _every_chart(catalog):
        for p in chart.placed:
            assert "".join(p.lines).replace(" ", "") == p.step.text.replace(" ", ""), (doc.id, p.step.path)
            assert not any(line[0] in flowchart.NO_LINE_START for line in p.lines[1:]), (doc.id, p.lines)
            drawn += 1
    assert drawn > 100


def test_a_printed_chart_fits_its_page_at_8_pt(catalog) -> None:  # noqa: ANN001
    for doc, frame, chart in _every_chart(catalog):
        if frame is None:
            continue
        lane, landscape, height = frame.frame(len(chart.lanes))
        assert chart.landscape == landscape and chart.lane == lane
        assert chart.width * frame.mm_per_px <= (frame.landscape if landscape else frame.portrait)[0] + 0.01
        # a part longer than a page is one step (or one set of alternatives) too tall to split
        assert chart.header + chart.height <= height or len(chart.items) == 1, (doc.id, chart.title)
    assert FLOW_PAPER.frame(6) == (136, False, pytest.approx(1031.8, abs=0.1))  # six lanes fit portrait
    assert FLOW_PAPER.frame(7)[1] and FLOW_PAPER.frame(10)[0] >= FLOW_PAPER.min_lane  # ten lanes landscape


def test_chart_rules_survive_a_photocopy() -> None:
    for colour in (flowchart.RULE, flowchart.INK, flowchart.JOINT):
        r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
        assert max(r, g, b) <= 1 - paper.LIGHTEST_INK, colour


def test_one_role_is_a_list_not_a_chart(catalog) -> None:  # noqa: ANN001
    assert flowchart.charts(catalog.document("customer-service-duties")) == []  # 28 duties of one group


def test_long_processes_are_drawn_in_parts(catalog) -> None:  # noqa: ANN001
    charts = flowchart.charts(catalog.document("communication"))
    assert len(charts) >= 3
    assert all(chart.rows <= flowchart.MAX_ROWS for chart in charts)
    assert charts[0].title.startswith("第一部分") and any("（续" in c.title for c in charts)


def test_alternatives_are_branches_not_a_sequence(catalog) -> None:  # noqa: ANN001
    (chart,) = flowchart.charts(catalog.document("return-visit"))
    by_path = {p.step.path: n for n, p in enumerate(chart.placed)}
    a, b, c = by_path["4.1.3 a)"], by_path["4.1.3 b)"], by_path["4.1.3 c)"]
    assert chart.placed[a].row == chart.placed[b].row == chart.placed[c].row  # side by side
    assert (a, b) not in chart.edges and (b, c) not in chart.edges  # no arrow between alternatives
    before = by_path["4.1.2 d)"]
    after = by_path["4.2"]
    for branch in (a, b, c):
        assert (before, branch) in chart.edges and (branch, after) in chart.edges  # fan out, join again


def test_a_shared_step_marks_every_lane(catalog) -> None:  # noqa: ANN001
    (chart,) = flowchart.charts(catalog.document("return-visit"))
    step = next(p for p in chart.placed if p.step.path == "4.2")
    assert len(step.lanes) == 4
    head, body = flowchart.svg_parts(chart, lambda anchor: f"#{anchor}")
    assert body.count("<circle") >= 3 and "会同" in body


def test_svg_text_is_escaped_and_links_the_clause(catalog) -> None:  # noqa: ANN001
    from generator.catalog.views import FlowStep, Link

    role_a, role_b = Link("role", "a", "<b>甲</b>"), Link("role", "b", "乙")
    steps = [
        FlowStep("s1", "1、", "<script>alert(1)</script>", [role_a], "1、", ""),
        FlowStep("s2", "2、", "第二步 & 结束", [role_b, role_a], "2、", ""),
    ]
    chart = flowchart._layout("测试", steps)
    head, body = flowchart.svg_parts(chart, lambda anchor: f"#{anchor}")
    assert "<script>" not in body and "&lt;script&gt;" in body and "&amp;" in body
    assert "<b>" not in head and "&lt;b&gt;甲" in head
    assert 'href="#s1"' in body and 'href="#s2"' in body
    whole = flowchart.svg_whole(chart, lambda anchor: f"#doc-{anchor}")
    assert whole.count("<svg") == 1 and 'href="#doc-s1"' in whole


def test_marker_ids_are_unique_on_a_page(catalog) -> None:  # noqa: ANN001
    ids = []
    for chart in flowchart.charts(catalog.document("communication")):
        _, body = flowchart.svg_parts(chart, lambda anchor: f"#{anchor}")
        ids += re.findall(r'marker id="([^"]+)"', body)
    assert len(ids) == len(set(ids)) >= 3


def test_no_chart_library_is_shipped() -> None:
    assert not list((Path(flowchart.__file__).parent / "assets").rglob("mermaid*"))


def _text_sizes(pdf: Path) -> list[list[tuple[float, str]]]:
    """Per page, (size in pt as printed, text) of every piece of text: the font size times the scale
    of the text and transformation matrices (a chart drawn smaller prints its text smaller)."""
    from pypdf import PdfReader

    pages = []
    for page in PdfReader(pdf).pages:
        found: list[tuple[float, str]] = []

        def visit(text: str, cm: list, tm: list, _font: object, size: float, found: list = found) -> None:
            if text.strip():
                a, b = tm[0] * cm[0] + tm[1] * cm[2], tm[0] * cm[1] + tm[1] * cm[3]
                c, d = tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3]
                found.append((size * abs(a * d - b * c) ** 0.5, text))

        page.extract_text(visitor_text=visit)
        pages.append(found)
    return pages


def test_printed_charts_are_legible_and_whole(manual_site: Path, catalog) -> None:  # noqa: ANN001
    """Every controlled copy with a chart: no text under 7 pt, no step cut with …, the 流程图 heading on
    the page of the first chart."""
    checked = 0
    for doc in catalog.documents:
        if not flowchart.charts(doc):
            continue
        pages = _text_sizes(manual_site / "pdf" / "procedures" / f"{doc.id}.pdf")
        smallest = min(size for page in pages for size, _ in page)
        assert smallest >= 7, (doc.id, smallest)
        texts = ["".join(text for _, text in page) for page in pages]
        first = next(n for n, text in enumerate(texts) if "每个岗位一条泳道" in text)
        assert "流程图" in texts[first]
        chart_text = "".join(texts[first:])
        quoted = sum(p.step.text.count("…") for chart in flowchart.charts(doc, FLOW_PAPER) for p in chart.placed)
        chart_text = re.split("记录与表单|相关文件|修订记录", chart_text)[0]
        assert chart_text.count("…") <= quoted, doc.id  # only the clauses' own ……
        checked += 1
    assert checked >= 5
