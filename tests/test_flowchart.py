"""generator/flowchart.py: swimlane charts laid out on a grid and drawn as SVG."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT

from generator import flowchart
from generator.check import check

pytestmark = pytest.mark.usefixtures("fixed_today")


@pytest.fixture(scope="module")
def catalog():  # noqa: ANN201
    return check(ROOT).catalog


def test_text_wraps_to_the_box_and_is_cut_with_an_ellipsis() -> None:
    lines = flowchart.wrap("投诉事件的回访,应在投诉处理完毕后的三天内进行;" * 3, 122, 3)
    assert len(lines) == 3 and lines[-1].endswith("…")
    assert all(len(line) <= 122 // flowchart.FONT + 3 for line in lines)
    assert flowchart.wrap("短", 122, 3) == ["短"]


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
    from generator.catalog import FlowStep, Link

    role_a, role_b = Link("role", "a", "<b>甲</b>"), Link("role", "b", "乙")
    steps = [FlowStep("s1", "1、", "<script>alert(1)</script>", [role_a], "1、", ""),
             FlowStep("s2", "2、", "第二步 & 结束", [role_b, role_a], "2、", "")]
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
