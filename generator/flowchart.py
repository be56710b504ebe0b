"""Cross-functional (swimlane) flowcharts, drawn at build time as SVG.

One lane per role, one row per step, arrows in reading order; a step shared by several roles marks
every lane it involves; alternatives (a node marked ``choice``) fan out into branches and join
again. A long process is drawn as several charts, one per part of the document (and per dozen
steps within a part), so that no chart is a 4,000-pixel column and none is split across pages.

Why not a library: the site must ship no JavaScript chart library (Mermaid alone was 3.6 MB on
every page), the same drawing must go into the PDF (WeasyPrint renders SVG but runs no script),
and a Python layout engine such as Graphviz lays out graphs, not swimlanes with fixed columns.
The layout here is a grid, so a few hundred lines draw it exactly.

Text is never scaled down: lanes are 150 px wide and the text is 13 px. On a narrow screen the
chart scrolls inside its frame and the lane titles stay at the top of the frame.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from .catalog import DocumentView, FlowItem, FlowStep, Link

LANE = 150
"""Width of a lane, px."""
BOX = 134
"""Width of a step's box, px."""
FONT = 13
"""Text size, px: readable at 100 % zoom on a phone."""
LINE = 17
"""Line height, px."""
HEADER = 48
"""Height of the lane titles, px."""
GAP = 30
"""Vertical space between rows, for the arrows, px."""
TEXT_LINES = 3
"""Lines of a step's text shown in its box (then …); the full text is the linked clause."""
MAX_ROWS = 12
"""Rows of one chart; a longer part of a document is drawn as several charts."""


@dataclass
class Placed:
    step: FlowStep
    row: int
    lane: int
    lanes: list[int]  # every lane the step involves (its own first)
    lines: list[str] = field(default_factory=list)


@dataclass
class Chart:
    """One drawn chart: a part of the document, its lanes, its placed steps and its arrows."""

    title: str
    lanes: list[Link]
    placed: list[Placed]
    edges: list[tuple[int, int]]  # indexes into placed
    rows: int
    key: str = "chart"
    """Unique on a page: names the chart's arrow marker."""

    @property
    def width(self) -> int:
        return LANE * len(self.lanes)

    @property
    def row_height(self) -> int:
        tallest = max((len(p.lines) for p in self.placed), default=1)
        return _box_height(tallest) + GAP

    @property
    def height(self) -> int:
        return self.rows * self.row_height


# --------------------------------------------------------------------------- text


def _char_width(char: str) -> float:
    """Width of a character in em: wide (CJK, full-width) 1, others about half."""
    return 1.0 if unicodedata.east_asian_width(char) in ("W", "F") else 0.55


def wrap(text: str, width: float, lines: int) -> list[str]:
    """``text`` broken into at most ``lines`` lines of ``width`` px at :data:`FONT`, the last cut with …"""
    limit = width / FONT
    out: list[str] = []
    current, used = "", 0.0
    for char in " ".join(text.split()):
        w = _char_width(char)
        if used + w > limit:
            out.append(current)
            current, used = "", 0.0
            if len(out) == lines:
                break
        current += char
        used += w
    else:
        if current:
            out.append(current)
        return out
    last = out[-1]
    while last and sum(_char_width(c) for c in last) + 1 > limit:
        last = last[:-1]
    out[-1] = last + "…"
    return out


def _box_height(lines: int) -> int:
    return 10 + LINE * (1 + lines)


# --------------------------------------------------------------------------- layout


def _rows_of(item: FlowItem) -> int:
    if isinstance(item, FlowStep):
        return 1
    return max(len(branch) for branch in item.branches)


def charts(doc: DocumentView) -> list[Chart]:
    """The charts of a document: none when its steps involve fewer than two roles (a list of
    duties of one role is read as a list, not drawn)."""
    lanes_used = {link.id for item in doc.flow for step in _steps(item) for link in step.lanes}
    if len(lanes_used) < 2 or sum(1 for item in doc.flow for _ in _steps(item)) < 2:
        return []
    groups: list[tuple[str, list[FlowItem]]] = []
    for item in doc.flow:
        if groups and groups[-1][0] == item.stage and sum(_rows_of(i) for i in groups[-1][1]) + _rows_of(item) <= MAX_ROWS:
            groups[-1][1].append(item)
        else:
            groups.append((item.stage, [item]))
    drawn = []
    seen: dict[str, int] = {}
    for stage, items in groups:
        seen[stage] = seen.get(stage, 0) + 1
        title = stage if seen[stage] == 1 else f"{stage}（续{seen[stage] - 1}）"
        chart = _layout(title, items)
        if len(chart.placed) >= 2 or len(groups) == 1:
            chart.key = f"{doc.id}-{len(drawn) + 1}"
            drawn.append(chart)
    return drawn


def _steps(item: FlowItem) -> list[FlowStep]:
    return [item] if isinstance(item, FlowStep) else [s for branch in item.branches for s in branch]


def _layout(title: str, items: list[FlowItem]) -> Chart:
    lanes: list[Link] = []
    for item in items:
        for step in _steps(item):
            for link in step.lanes:
                if link not in lanes:
                    lanes.append(link)
    index = {link.id: n for n, link in enumerate(lanes)}
    placed: list[Placed] = []
    edges: list[tuple[int, int]] = []
    previous: list[int] = []  # the boxes the next item's arrows start from
    row = 0
    for item in items:
        if isinstance(item, FlowStep):
            here = _place(item, row, index, placed)
            edges.extend((p, here) for p in previous)
            previous, row = [here], row + 1
            continue
        ends: list[int] = []
        taken: set[tuple[int, int]] = set()
        last_row = row
        for branch in item.branches:
            before = previous
            r = row
            for step in branch:
                lane = index[step.lanes[0].id]
                while (r, lane) in taken:
                    r += 1
                here = _place(step, r, index, placed)
                taken.add((r, lane))
                edges.extend((p, here) for p in before)
                before, r = [here], r + 1
            ends.extend(before)
            last_row = max(last_row, r)
        previous, row = ends, last_row
    return Chart(title, lanes, placed, edges, row)


def _place(step: FlowStep, row: int, index: dict[str, int], placed: list[Placed]) -> int:
    lanes = [index[link.id] for link in step.lanes]
    lines = wrap(step.text, BOX - 12, TEXT_LINES)
    placed.append(Placed(step, row, lanes[0], lanes, lines))
    return len(placed) - 1


# --------------------------------------------------------------------------- drawing


def _lane_titles(chart: Chart) -> list[str]:
    parts = []
    for n, lane in enumerate(chart.lanes):
        x = n * LANE
        lines = wrap(lane.title, LANE - 12, 2)
        y0 = HEADER / 2 - (len(lines) - 1) * LINE / 2 + 4
        text = "".join(
            f'<tspan x="{x + LANE / 2:g}" y="{y0 + i * LINE:g}">{escape(line)}</tspan>' for i, line in enumerate(lines)
        )
        fill = "#e8eaf6" if n % 2 == 0 else "#dfe3f3"
        parts.append(f'<rect x="{x}" y="0" width="{LANE}" height="{HEADER}" fill="{fill}" stroke="#9fa8da"/>')
        parts.append(f'<text class="pm-flow-lane" text-anchor="middle" font-weight="bold">{text}</text>')
    return parts


def _box(chart: Chart, p: Placed) -> tuple[float, float, float, float]:
    """x, y, width, height of a step's box in the body."""
    height = _box_height(len(p.lines))
    x = p.lane * LANE + (LANE - BOX) / 2
    y = p.row * chart.row_height + GAP / 2 + (chart.row_height - GAP - height) / 2
    return x, y, BOX, height


def _edge(chart: Chart, a: Placed, b: Placed) -> str:
    ax, ay, aw, ah = _box(chart, a)
    bx, by, bw, _ = _box(chart, b)
    x1, y1 = ax + aw / 2, ay + ah
    x2, y2 = bx + bw / 2, by
    if abs(x1 - x2) < 1:
        d = f"M{x1:g},{y1:g} V{y2 - 2:g}"
    else:
        mid = b.row * chart.row_height + GAP / 4
        d = f"M{x1:g},{y1:g} V{mid:g} H{x2:g} V{y2 - 2:g}"
    return f'<path d="{d}" fill="none" stroke="#3949ab" stroke-width="1.5" marker-end="url(#pm-arrow-{chart.key})"/>'


def _body(chart: Chart, href: Callable[[str], str]) -> list[str]:
    parts = []
    for n in range(len(chart.lanes)):
        fill = "#fafbff" if n % 2 == 0 else "#f1f3fb"
        parts.append(f'<rect x="{n * LANE}" y="0" width="{LANE}" height="{chart.height}" fill="{fill}" stroke="#c5cae9"/>')
    for p in chart.placed:  # a step shared by several roles: a band across its lanes, a dot in each
        if len(p.lanes) > 1:
            x, y, _, h = _box(chart, p)
            left, right = min(p.lanes) * LANE + 6, (max(p.lanes) + 1) * LANE - 6
            parts.append(f'<rect x="{left}" y="{y - 4:g}" width="{right - left}" height="{h + 8:g}" rx="8" fill="#fff3e0" stroke="#ffb74d" stroke-dasharray="4 3"/>')
            for lane in p.lanes[1:]:
                cx = lane * LANE + LANE / 2
                parts.append(f'<circle cx="{cx:g}" cy="{y + h / 2:g}" r="7" fill="#ffb74d"><title>会同</title></circle>')
    for a, b in chart.edges:
        parts.append(_edge(chart, chart.placed[a], chart.placed[b]))
    for p in chart.placed:
        x, y, w, h = _box(chart, p)
        head = p.step.path or p.step.label
        others = "、".join(link.title for link in p.step.lanes[1:])
        tip = f"{head} {p.step.text}" + (f"（会同{others}）" if others else "")
        lines = [f'<tspan x="{x + 6:g}" y="{y + 5 + LINE - 4:g}" font-weight="bold">{escape(head)}</tspan>']
        lines += [f'<tspan x="{x + 6:g}" y="{y + 5 + LINE * (i + 2) - 4:g}">{escape(line)}</tspan>' for i, line in enumerate(p.lines)]
        parts.append(
            f'<a href="{escape(href(p.step.anchor))}"><title>{escape(tip)}</title>'
            f'<rect x="{x:g}" y="{y:g}" width="{w}" height="{h}" rx="4" fill="#ffffff" stroke="#3949ab" stroke-width="1.2"/>'
            f'<text class="pm-flow-step">{"".join(lines)}</text></a>'
        )
    return parts


_STYLE = (
    f'<style>text{{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",sans-serif;'
    f'font-size:{FONT}px;fill:#1a1a1a}}</style>'
)
def _arrow(chart: Chart) -> str:
    return (
        f'<defs><marker id="pm-arrow-{chart.key}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#3949ab"/></marker></defs>'
    )


def svg_parts(chart: Chart, href: Callable[[str], str]) -> tuple[Markup, Markup]:
    """The lane titles and the body as two SVG elements (the page keeps the titles in view)."""
    label = escape(f"流程图：{chart.title}")
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="pm-flow-head" width="{chart.width}" height="{HEADER}" '
        f'viewBox="0 0 {chart.width} {HEADER}" role="presentation">{_STYLE}{"".join(_lane_titles(chart))}</svg>'
    )
    body = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="pm-flow-body" width="{chart.width}" height="{chart.height}" '
        f'viewBox="0 0 {chart.width} {chart.height}" role="img" aria-label="{label}">{_STYLE}{_arrow(chart)}{"".join(_body(chart, href))}</svg>'
    )
    return Markup(head), Markup(body)


def svg_whole(chart: Chart, href: Callable[[str], str]) -> Markup:
    """Titles and body in one SVG, for paper (nothing scrolls there)."""
    height = HEADER + chart.height
    label = escape(f"流程图：{chart.title}")
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="flowchart" viewBox="0 0 {chart.width} {height}" '
        f'width="{chart.width}" height="{height}" role="img" aria-label="{label}">{_STYLE}{_arrow(chart)}'
        f'{"".join(_lane_titles(chart))}<g transform="translate(0,{HEADER})">{"".join(_body(chart, href))}</g></svg>'
    )
