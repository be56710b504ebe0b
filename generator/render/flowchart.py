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

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from generator.catalog.views import DocumentView, FlowItem, FlowStep, Link

LANE = 130
"""Width of a lane on the site, px (a chart of eight lanes fits a desktop page without scrolling)."""
PAD = 8
"""Space between a lane's edge and its box, and between a box's edge and its text, px."""
FONT = 13
"""Text size, px: readable at 100 % zoom on a phone."""
LINE = 17
"""Line height, px."""
GAP = 30
"""Vertical space between rows, for the arrows, px."""
MAX_ROWS = 12
"""Rows of one chart on the site; a longer part of a document is drawn as several charts."""
SITE_MIN_SCALE = 0.93
"""The site draws a chart at most this much smaller than its natural size to fit the page (13 px text
stays above 12 px); a wider chart scrolls in its frame."""

NO_LINE_START = frozenset("，。、；：？！）》」』】〕〉”’…—·％%,.;:?!)]}~～")
"""Closing punctuation that never begins a line (GB/T 15834, the line-breaking rules of Chinese)."""
NO_LINE_END = frozenset("（《「『【〔〈“‘([{")
"""Opening punctuation that never ends a line."""


@dataclass(frozen=True)
class Paper:
    """The room a chart has on paper (mm, text area less headings) and the size its text prints at.

    The PDF renderer passes its page sizes in (generator/render/pdf/views.py): this module knows no paper."""

    portrait: tuple[float, float]
    landscape: tuple[float, float]
    font_pt: float = 8.0
    min_lane: int = 120
    """Narrowest lane, px: seven characters a line."""

    @property
    def mm_per_px(self) -> float:
        return self.font_pt / FONT * 25.4 / 72

    def frame(self, lanes: int) -> tuple[int, bool, float]:
        """Lane width (px), landscape or not, and the chart's greatest height (px) for ``lanes`` lanes:
        portrait while the lanes fit at :attr:`min_lane`, else turned landscape."""
        for size, landscape in ((self.portrait, False), (self.landscape, True)):
            width = size[0] / self.mm_per_px
            if width / lanes >= self.min_lane or landscape:
                return max(int(min(width / lanes, 2 * self.min_lane)), 90), landscape, size[1] / self.mm_per_px
        raise AssertionError  # pragma: no cover - the landscape case always returns


@dataclass
class Placed:
    step: FlowStep
    row: int
    lane: int
    lanes: list[int]  # every lane the step involves (its own first)
    lines: list[str] = field(default_factory=list)
    head: list[str] = field(default_factory=list)
    """The clause number line (one line; a long label wraps too)."""


@dataclass
class Chart:
    """One drawn chart: a part of the document, its lanes, its placed steps and its arrows."""

    title: str
    lanes: list[Link]
    placed: list[Placed]
    edges: list[tuple[int, int]]  # indexes into placed
    rows: int
    items: list[FlowItem] = field(default_factory=list)
    """The document's steps and alternatives drawn here, in order (the phone reads them as a list)."""
    lane: int = LANE
    """Width of a lane, px."""
    landscape: bool = False
    """On paper: printed on a landscape page (too many lanes for a portrait one)."""
    key: str = "chart"
    """Unique on a page: names the chart's arrow marker."""
    lane_lines: list[list[str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.lane_lines = [wrap(lane.title, self.lane - 2 * PAD) for lane in self.lanes]

    @property
    def box(self) -> int:
        return self.lane - 2 * PAD

    @property
    def width(self) -> int:
        return self.lane * len(self.lanes)

    @property
    def header(self) -> int:
        """Height of the lane titles, px."""
        return 14 + LINE * max((len(lines) for lines in self.lane_lines), default=1)

    @property
    def row_heights(self) -> list[float]:
        tallest = [1] * self.rows
        for p in self.placed:
            tallest[p.row] = max(tallest[p.row], _box_height(p))
        return [h + GAP for h in tallest]

    def row_top(self, row: int) -> float:
        return sum(self.row_heights[:row])

    @property
    def height(self) -> float:
        return sum(self.row_heights)


# --------------------------------------------------------------------------- text


def _char_width(char: str) -> float:
    """Width of a character in em: wide (CJK, full-width) 1, others about half."""
    return 1.0 if unicodedata.east_asian_width(char) in ("W", "F", "A") else 0.55


def _width(token: str) -> float:
    return sum(_char_width(c) for c in token)


def _tokens(text: str, limit: float) -> list[str]:
    """Characters, except that a run of Latin letters and digits (100%, ISO9001) stays one token
    unless it is longer than a line."""
    tokens: list[str] = []
    for run in re.findall(r"[A-Za-z0-9.%/:-]+|\s|.", " ".join(text.split())):
        tokens.extend([run] if _width(run) <= limit else list(run))
    return tokens


def wrap(text: str, width: float) -> list[str]:
    """``text`` broken into lines of ``width`` px at :data:`FONT`, never cut: the box grows instead.

    A line never begins with closing punctuation nor ends with opening punctuation: the character
    before such a break moves down with it (the 避头尾 rule of Chinese typesetting)."""
    limit = max(width / FONT, 1.0)
    lines: list[list[str]] = [[]]
    used = 0.0
    for token in _tokens(text, limit):
        if token == " " and not lines[-1]:
            continue
        w = _width(token)
        current = lines[-1]
        if current and used + w > limit:
            carried = [token]
            while len(current) > 1 and (carried[0][0] in NO_LINE_START or current[-1][-1] in NO_LINE_END):
                carried.insert(0, current.pop())
            while current and current[-1] == " ":
                current.pop()
            lines.append(carried)
            used = sum(_width(t) for t in lines[-1])
            continue
        current.append(token)
        used += w
    return ["".join(line).strip() for line in lines if "".join(line).strip()]


def _box_height(p: Placed) -> int:
    return 10 + LINE * (len(p.head) + len(p.lines))


# --------------------------------------------------------------------------- layout


def _rows_of(item: FlowItem) -> int:
    if isinstance(item, FlowStep):
        return 1
    return max(len(branch) for branch in item.branches)


def charts(doc: DocumentView, paper: Paper | None = None) -> list[Chart]:
    """The charts of a document: none when its steps involve fewer than two roles (a list of
    duties of one role is read as a list, not drawn).

    On the site a part of the document is cut every :data:`MAX_ROWS` rows; on ``paper`` wherever the
    next step would not fit the page the chart is printed on (each part repeats the lane titles)."""
    lanes_used = {link.id for item in doc.flow for step in _steps(item) for link in step.lanes}
    if len(lanes_used) < 2 or sum(1 for item in doc.flow for _ in _steps(item)) < 2:
        return []
    groups: list[tuple[str, list[FlowItem]]] = []
    for item in doc.flow:
        if groups and groups[-1][0] == item.stage and _fits(groups[-1][1] + [item], paper):
            groups[-1][1].append(item)
        else:
            groups.append((item.stage, [item]))
    drawn: list[Chart] = []
    seen: dict[str, int] = {}
    for stage, items in groups:
        seen[stage] = seen.get(stage, 0) + 1
        title = stage if seen[stage] == 1 else f"{stage}（续{seen[stage] - 1}）"
        chart = _layout_on(title, items, paper)
        if len(chart.placed) >= 2 or len(groups) == 1:
            chart.key = f"{doc.id}-{len(drawn) + 1}"
            drawn.append(chart)
    return drawn


def _fits(items: list[FlowItem], paper: Paper | None) -> bool:
    if paper is None:
        return sum(_rows_of(i) for i in items) <= MAX_ROWS
    chart = _layout_on("", items, paper)
    return chart.header + chart.height <= paper.frame(len(chart.lanes))[2]


def _layout_on(title: str, items: list[FlowItem], paper: Paper | None) -> Chart:
    if paper is None:
        return _layout(title, items)
    lanes = len(_lanes_of(items))
    lane, landscape, _ = paper.frame(lanes)
    chart = _layout(title, items, lane)
    chart.landscape = landscape
    return chart


def _steps(item: FlowItem) -> list[FlowStep]:
    return [item] if isinstance(item, FlowStep) else [s for branch in item.branches for s in branch]


def _lanes_of(items: list[FlowItem]) -> list[Link]:
    lanes: list[Link] = []
    for item in items:
        for step in _steps(item):
            for link in step.lanes:
                if link not in lanes:
                    lanes.append(link)
    return lanes


def _layout(title: str, items: list[FlowItem], lane_width: int = LANE) -> Chart:
    lanes = _lanes_of(items)
    index = {link.id: n for n, link in enumerate(lanes)}
    placed: list[Placed] = []
    edges: list[tuple[int, int]] = []
    previous: list[int] = []  # the boxes the next item's arrows start from
    row = 0
    box = lane_width - 2 * PAD
    for item in items:
        if isinstance(item, FlowStep):
            here = _place(item, row, index, placed, box)
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
                here = _place(step, r, index, placed, box)
                taken.add((r, lane))
                edges.extend((p, here) for p in before)
                before, r = [here], r + 1
            ends.extend(before)
            last_row = max(last_row, r)
        previous, row = ends, last_row
    return Chart(title, lanes, placed, edges, row, items=list(items), lane=lane_width)


def _place(step: FlowStep, row: int, index: dict[str, int], placed: list[Placed], box: int) -> int:
    lanes = [index[link.id] for link in step.lanes]
    text_width = box - 2 * PAD
    placed.append(
        Placed(step, row, lanes[0], lanes, wrap(step.text, text_width), wrap(step.path or step.label, text_width))
    )
    return len(placed) - 1


# --------------------------------------------------------------------------- drawing

INK = "#283593"
"""Boxes and arrows."""
RULE = "#666666"
"""Lane frames: 60 % grey, dark enough for a photocopy (generator/render/pdf/paper.py LIGHTEST_INK)."""
JOINT = "#8a4f00"
"""The band and dots of a step several roles do together."""


def _lane_titles(chart: Chart) -> list[str]:
    parts = []
    for n, lines in enumerate(chart.lane_lines):
        x = n * chart.lane
        y0 = chart.header / 2 - (len(lines) - 1) * LINE / 2 + 4
        text = "".join(
            f'<tspan x="{x + chart.lane / 2:g}" y="{y0 + i * LINE:g}">{escape(line)}</tspan>'
            for i, line in enumerate(lines)
        )
        fill = "#e8eaf6" if n % 2 == 0 else "#dfe3f3"
        parts.append(
            f'<rect x="{x}" y="0" width="{chart.lane}" height="{chart.header}" fill="{fill}" stroke="{RULE}"/>'
        )
        parts.append(f'<text class="pm-flow-lane" text-anchor="middle" font-weight="bold">{text}</text>')
    return parts


def _box(chart: Chart, p: Placed) -> tuple[float, float, float, float]:
    """x, y, width, height of a step's box in the body."""
    height = _box_height(p)
    x = p.lane * chart.lane + PAD
    y = chart.row_top(p.row) + GAP / 2 + (chart.row_heights[p.row] - GAP - height) / 2
    return x, y, chart.box, height


def _edge(chart: Chart, a: Placed, b: Placed) -> str:
    ax, ay, aw, ah = _box(chart, a)
    bx, by, bw, _ = _box(chart, b)
    x1, y1 = ax + aw / 2, ay + ah
    x2, y2 = bx + bw / 2, by
    if abs(x1 - x2) < 1:
        d = f"M{x1:g},{y1:g} V{y2 - 2:g}"
    else:
        mid = chart.row_top(b.row) + GAP / 4
        d = f"M{x1:g},{y1:g} V{mid:g} H{x2:g} V{y2 - 2:g}"
    return f'<path d="{d}" fill="none" stroke="{INK}" stroke-width="1.5" marker-end="url(#pm-arrow-{chart.key})"/>'


def _tip(p: Placed) -> str:
    others = "、".join(link.title for link in p.step.lanes[1:])
    return f"{p.step.path or p.step.label} {p.step.text}（{p.step.lanes[0].title}" + (
        f"，会同{others}）" if others else "）"
    )


def _body(chart: Chart, href: Callable[[str], str]) -> list[str]:
    parts = []
    for n in range(len(chart.lanes)):
        fill = "#fafbff" if n % 2 == 0 else "#f1f3fb"
        parts.append(
            f'<rect x="{n * chart.lane}" y="0" width="{chart.lane}" height="{chart.height:g}" fill="{fill}" stroke="{RULE}" stroke-width="0.8"/>'
        )
    for p in chart.placed:  # a step shared by several roles: a band across its lanes, a dot in each
        if len(p.lanes) > 1:
            x, y, _, h = _box(chart, p)
            left, right = min(p.lanes) * chart.lane + 3, (max(p.lanes) + 1) * chart.lane - 3
            parts.append(
                f'<rect x="{left}" y="{y - 4:g}" width="{right - left}" height="{h + 8:g}" rx="8" fill="#fff3e0" '
                f'stroke="{JOINT}" stroke-dasharray="4 3"/>'
            )
            for lane in p.lanes[1:]:
                cx = lane * chart.lane + chart.lane / 2
                parts.append(
                    f'<circle cx="{cx:g}" cy="{y + h / 2:g}" r="7" fill="{JOINT}"><title>会同</title></circle>'
                )
    for a, b in chart.edges:
        parts.append(_edge(chart, chart.placed[a], chart.placed[b]))
    for p in chart.placed:
        x, y, w, h = _box(chart, p)
        lines = [
            f'<tspan x="{x + PAD:g}" y="{y + 5 + LINE * (i + 1) - 4:g}" font-weight="bold">{escape(line)}</tspan>'
            for i, line in enumerate(p.head)
        ]
        lines += [
            f'<tspan x="{x + PAD:g}" y="{y + 5 + LINE * (i + 1 + len(p.head)) - 4:g}">{escape(line)}</tspan>'
            for i, line in enumerate(p.lines)
        ]
        parts.append(
            f'<a href="{escape(href(p.step.anchor))}" aria-label="{escape(_tip(p))}"><title>{escape(_tip(p))}</title>'
            f'<rect x="{x:g}" y="{y:g}" width="{w}" height="{h}" rx="4" fill="#ffffff" stroke="{INK}" stroke-width="1.2"/>'
            f'<text class="pm-flow-step">{"".join(lines)}</text></a>'
        )
    return parts


_STYLE = (
    f'<style>text{{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",sans-serif;'
    f"font-size:{FONT}px;fill:#1a1a1a}}</style>"
)


def _arrow(chart: Chart) -> str:
    return (
        f'<defs><marker id="pm-arrow-{chart.key}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        f'orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{INK}"/></marker></defs>'
    )


def svg_parts(chart: Chart, href: Callable[[str], str]) -> tuple[Markup, Markup]:
    """The lane titles and the body as two SVG elements (the page keeps the titles in view).

    The body is a group of links, not an image: each step is a focusable link named by its clause."""
    label = escape(f"流程图：{chart.title}")
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="pm-flow-head" width="{chart.width}" height="{chart.header}" '
        f'viewBox="0 0 {chart.width} {chart.header}" aria-hidden="true">{_STYLE}{"".join(_lane_titles(chart))}</svg>'
    )
    body = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="pm-flow-body" width="{chart.width}" height="{chart.height:g}" '
        f'viewBox="0 0 {chart.width} {chart.height:g}" role="group" aria-label="{label}">{_STYLE}{_arrow(chart)}{"".join(_body(chart, href))}</svg>'
    )
    return Markup(head), Markup(body)


@dataclass
class SiteChart:
    """A chart as the site shows it: lane titles and body drawn, the least and natural widths the page
    may draw it at (px), and its items for the list a phone reads instead."""

    title: str
    head: Markup
    body: Markup
    width: int
    min_width: int
    wide: bool
    """Wider than a page column beside the table of contents (the page gives it the full width)."""
    items: list[FlowItem]


SITE_COLUMN = 800
"""Width of the content column beside both sidebars on a 1366 px desktop, px."""


def site_chart(chart: Chart, href: Callable[[str], str]) -> SiteChart:
    head, body = svg_parts(chart, href)
    return SiteChart(
        chart.title, head, body, chart.width, int(chart.width * SITE_MIN_SCALE), chart.width > SITE_COLUMN, chart.items
    )


def svg_whole(chart: Chart, href: Callable[[str], str], paper: Paper | None = None) -> Markup:
    """Titles and body in one SVG, for paper (nothing scrolls there): sized in millimetres so that its
    text prints at ``paper.font_pt``, or in pixels without ``paper`` (the Word copy's picture)."""
    height = chart.header + chart.height
    label = escape(f"流程图：{chart.title}")
    size = f'width="{chart.width}" height="{height:g}"'
    if paper is not None:
        k = paper.mm_per_px
        size += f' style="width:{chart.width * k:.2f}mm;height:{height * k:.2f}mm"'
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="flowchart" viewBox="0 0 {chart.width} {height:g}" '
        f'{size} role="group" aria-label="{label}">{_STYLE}{_arrow(chart)}'
        f'{"".join(_lane_titles(chart))}<g transform="translate(0,{chart.header})">{"".join(_body(chart, href))}</g></svg>'
    )
