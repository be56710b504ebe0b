"""A document's controlled copy as a Word file (.docx), written with python-docx.

The same content as the PDF controlled copy (generator/render/pdf/views.py ``document_page``): the head with
the company, title, code, version, effective date, control table and approval block; the clauses with
their derived numbers as text (a number typed into the paragraph survives any editing, where Word's
list numbering renumbers itself as soon as a clause is moved); meetings, service tables and the
responsibility matrix as Word tables; the flowcharts as pictures; records, related documents and the
revision history; the controlled-copy notice in the head and in every page's footer.

Fonts are the ones every Chinese Word installation has: 宋体 for text and 黑体 for headings, named as
East Asian fonts (``w:eastAsia``), Times New Roman for Latin letters and digits.

Flowcharts: the site's SVG drawing (generator/render/flowchart.py) rasterised to PNG by cairosvg. Word only
takes SVG with a PNG fallback and python-docx cannot write SVG at all; cairosvg draws the same SVG
in ~0.3 s per chart with the system's Noto Sans CJK through fontconfig, and its PNG bytes are the same
on every run (WeasyPrint, the other candidate, no longer writes PNG).

Same commit, same bytes: the core properties carry the build's date, not the clock, and the zip is
written again with a fixed time on every member (python-docx stamps the current time).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Sequence

import cairosvg
from docx import Document as new_document
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph as WordParagraph

from generator.catalog.views import Catalog, DocumentView, MeetingView, Paragraph, Section, ServiceTableView
from generator.catalog.wording import RACI_LABELS, RACI_NOTE, revision_parts
from generator.control.versions import VersionView
from generator.render.flowchart import charts, svg_whole
from generator.render.pdf.views import DocumentPage, document_page

SONG = "宋体"
HEI = "黑体"
LATIN = "Times New Roman"
BODY_PT = 10.5  # 五号
SMALL_PT = 9  # 小五
TITLE_PT = 18  # 小二
HEADING_PT = (14, 12, 10.5)  # 四号, 小四, 五号
TEXT_WIDTH_CM = 16.0
"""A4 less 25 mm (binding) and 20 mm margins."""
FLOW_MAX_HEIGHT_CM = 22.0
FLOW_SCALE = 2.0
"""Pixels of the PNG per SVG px: sharp when printed at 16 cm."""
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_PNG_CACHE: dict[str, bytes] = {}
"""Flowcharts drawn in this process, by their SVG: a live preview's rebuild draws only what changed."""
NOTICE = "本文件为受控文件的 Word 格式副本，以网站最新版为准；打印件及经修改的副本为非受控文件。"


def _fonts(rpr_owner: object, east_asia: str, latin: str = LATIN) -> None:
    """Set a run's or a style's fonts: East Asian by name (宋体/黑体), Latin and digits in ``latin``;
    theme fonts removed, so Word takes the names."""
    rpr = rpr_owner.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for name in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(name), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:hint"), "eastAsia")


def _setup(doc: WordDocument) -> None:
    styles = doc.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        lang = defaults.find(".//" + qn("w:lang"))
        if lang is not None:
            lang.set(qn("w:eastAsia"), "zh-CN")
        spacing = defaults.find(".//" + qn("w:spacing"))
        if spacing is not None:
            spacing.set(qn("w:after"), "60")
            spacing.set(qn("w:line"), "300")
    normal = styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    _fonts(normal.element, SONG)
    for level, size in enumerate(HEADING_PT, start=1):
        style = styles[f"Heading {level}"]
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.paragraph_format.space_before = Pt(10 if level == 1 else 6)
        style.paragraph_format.space_after = Pt(4)
        _fonts(style.element, HEI)
    title = styles["Title"]
    title.font.size = Pt(TITLE_PT)
    title.font.color.rgb = RGBColor(0, 0, 0)
    title.font.bold = True
    _fonts(title.element, HEI)
    ppr = title.element.get_or_add_pPr()
    border = ppr.find(qn("w:pBdr"))
    if border is not None:
        ppr.remove(border)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for name in ("Header", "Footer"):
        styles[name].font.size = Pt(SMALL_PT)
        _fonts(styles[name].element, SONG)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(2.5), Cm(2.0)
    section.top_margin, section.bottom_margin = Cm(2.2), Cm(2.0)
    section.header_distance, section.footer_distance = Cm(1.0), Cm(1.0)


def _text(paragraph: Paragraph) -> str:
    return paragraph.text


def _run(par: WordParagraph, text: str, *, bold: bool = False, hei: bool = False, size: float | None = None) -> None:
    run = par.add_run(text)
    run.bold = bold or None
    if size is not None:
        run.font.size = Pt(size)
    if hei:
        _fonts(run._r, HEI)


def _field(par: WordParagraph, instr: str) -> None:
    """A field Word fills in (PAGE, NUMPAGES)."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instr)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    par._p.append(field)


def _header_footer(doc: WordDocument, page: DocumentPage, company: str) -> None:
    doc_ = page.document
    section = doc.sections[0]
    head = section.header.paragraphs[0]
    head.text = f"{company}　{doc_.code} {doc_.title}　第 {doc_.version} 版"
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    foot = section.footer.paragraphs[0]
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    foot.add_run(f"{NOTICE}　第 ")
    _field(foot, "PAGE")
    foot.add_run(" 页 共 ")
    _field(foot, "NUMPAGES")
    foot.add_run(" 页")


def _cell(cell: _Cell, text: str, *, bold: bool = False, size: float = BODY_PT, center: bool = False) -> None:
    par = cell.paragraphs[0]
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if i:
            par = cell.add_paragraph()
        _run(par, line, bold=bold, size=size)
        par.paragraph_format.space_after = Pt(0)
        if center:
            par.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _repeat_header(table: Table) -> None:
    trpr = table.rows[0]._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    trpr.append(flag)


def _table(
    doc: WordDocument,
    head: list[str] | None,
    rows: Iterable[list[str]],
    widths: list[float],
    *,
    size: float = BODY_PT,
    key_columns: Iterable[int] = (),
) -> Table:
    rows = list(rows)
    table = doc.add_table(rows=(1 if head else 0) + len(rows), cols=len(widths))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    keys = set(key_columns)
    offset = 0
    if head:
        for i, name in enumerate(head):
            _cell(table.rows[0].cells[i], name, bold=True, size=size, center=True)
        _repeat_header(table)
        offset = 1
    for r, values in enumerate(rows):
        for i, value in enumerate(values):
            _cell(table.rows[r + offset].cells[i], value, size=size, bold=i in keys)
    _widths(table, widths)
    return table


def _widths(table: Table, widths: list[float]) -> None:
    """Column widths in the grid (LibreOffice reads these) and in every cell (Word reads those)."""
    for i, width in enumerate(widths):
        table.columns[i].width = Cm(width)
    for row in table.rows:
        for i, width in enumerate(widths):
            row.cells[i].width = Cm(width)


def _control(doc: WordDocument, page: DocumentPage, company: str, system: str) -> None:
    view, doc_ = page.view, page.document
    par = doc.add_paragraph()
    par.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(par, f"{company} · {system}", size=BODY_PT)
    doc.add_paragraph(doc_.title, style="Title")
    if doc_.aliases:
        par = doc.add_paragraph("又称" + "".join(f"《{a}》" for a in doc_.aliases))
        par.alignment = WD_ALIGN_PARAGRAPH.CENTER
    next_review = str(view.next_review) + ("（评审已逾期）" if page.review_overdue else "")
    rows = [
        ["文件编号", doc_.code, "版本", doc_.version, "生效日期", str(doc_.effective)],
        ["文件类别", view.kind_name, "归口部门", view.owner.title, "批准", view.approver.title],
        ["评审周期", f"{doc_.review_months} 个月", "最近修订", page.last_revision, "下次评审", next_review],
    ]
    widths = [2.0, 3.4, 2.0, 3.0, 2.0, 3.6]
    table = _table(doc, None, rows, widths, size=SMALL_PT, key_columns=(0, 2, 4))
    wide: list[tuple[str, str]] = []
    if view.audience:
        wide.append(("适用岗位", "、".join(link.title for link in view.audience)))
    wide.append(("版本生成日期", f"{page.printed}　{NOTICE}"))
    for key, value in wide:
        cells = table.add_row().cells
        _cell(cells[0], key, bold=True, size=SMALL_PT)
        merged = cells[1].merge(cells[5])
        _cell(merged, value, size=SMALL_PT)
    doc.add_paragraph()
    signoff = [
        ["编制", view.owner.title, "审核", "", "批准", view.approver.title],
        ["签名", "", "签名", "", "签名", ""],
        ["日期", "", "日期", "", "日期", ""],
    ]
    _table(doc, None, signoff, widths, size=SMALL_PT, key_columns=(0, 2, 4))


def _section(doc: WordDocument, s: Section) -> None:
    if s.title:
        doc.add_heading(s.heading, level=min(s.depth + 1, 3))
        for p in s.paragraphs:
            par = doc.add_paragraph(_text(p))
            par.paragraph_format.first_line_indent = Pt(BODY_PT * 2)
    elif s.paragraphs:
        for i, p in enumerate(s.paragraphs):
            label = s.label if i == 0 and s.label else ""
            par = doc.add_paragraph()
            indent = Cm(0.75 * s.depth)
            if label:
                _run(par, label + ("" if s.style in ("cn", "arabic", "latin") else " "))
            par.add_run(_text(p))
            par.paragraph_format.left_indent = indent
    elif s.label:
        doc.add_paragraph(s.label)
    for child in s.children:
        _section(doc, child)
    for meeting in s.meetings:
        _meeting(doc, meeting)
    if s.service_table is not None:
        _service_table(doc, s.service_table)
    for p in s.after:
        par = doc.add_paragraph(_text(p))
        par.paragraph_format.first_line_indent = Pt(BODY_PT * 2)


def _meeting(doc: WordDocument, m: MeetingView) -> None:
    rows = [[name, _text(text)] for name, text in m.fields]
    if m.schedule:
        rows.append(["周期", m.schedule])
    par = doc.add_paragraph()
    _run(par, f"{m.label}{m.meeting.name}", bold=True, hei=True)
    par.paragraph_format.keep_with_next = True
    _table(doc, None, rows, [3.0, 13.0], key_columns=(0,))
    doc.add_paragraph()


def _service_table(doc: WordDocument, t: ServiceTableView) -> None:
    rows = [[row.group, row.content, "\n".join(_text(line.text) for line in row.lines)] for row in t.rows]
    table = _table(doc, t.columns, rows, [3.0, 4.0, 9.0], size=SMALL_PT)
    # one 服务项目 cell per group, merged down its rows (as the PDF's rowspan)
    start = 1
    for row in t.rows:
        if row.service is not None and row.rowspan > 1:
            top = table.cell(start, 0)
            bottom = table.cell(start + row.rowspan - 1, 0)
            merged = top.merge(bottom)
            for extra in merged.paragraphs[1:]:
                extra._p.getparent().remove(extra._p)
        start += 1
    doc.add_paragraph()


def flowchart_pngs(view: DocumentView) -> list[tuple[str, bytes, float, float]]:
    """Each flowchart of a document as (title, PNG, width px, height px) of the site's SVG drawing."""
    out: list[tuple[str, bytes, float, float]] = []
    for chart in charts(view):
        svg = str(svg_whole(chart, lambda anchor: f"#{anchor}"))
        png = _PNG_CACHE.get(svg)
        if png is None:
            png = _PNG_CACHE[svg] = bytes(cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=FLOW_SCALE))
        out.append((chart.title, png, chart.width, chart.height))
    return out


def _annexes(doc: WordDocument, page: DocumentPage, flows: list[tuple[str, bytes, float, float]]) -> None:
    if page.matrix:
        doc.add_heading("职责矩阵", level=1)
        doc.add_paragraph(
            f"{RACI_LABELS['R']} · {RACI_LABELS['A']} · {RACI_LABELS['C']} · {RACI_LABELS['I']}。{RACI_NOTE}"
        )
        _table(
            doc,
            ["活动", *(RACI_LABELS[letter] for letter in "RACI")],
            [[_text(r.row.activity), *r.cells] for r in page.matrix],
            [5.2, 3.0, 2.6, 2.6, 2.6],
            size=SMALL_PT,
        )
    if flows:
        doc.add_heading("流程图", level=1)
        doc.add_paragraph("每个岗位一条泳道，箭头为条款顺序；虚框为几个岗位会同完成的步骤，分叉为择一适用的情形。")
        for title, png, width, height in flows:
            if title:
                par = doc.add_paragraph()
                _run(par, title, bold=True)
                par.paragraph_format.keep_with_next = True
            from_height = FLOW_MAX_HEIGHT_CM * width / max(height, 1)
            doc.add_picture(io.BytesIO(png), width=Cm(min(TEXT_WIDTH_CM, from_height)))
            doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    if page.records:
        doc.add_heading("记录与表单", level=1)
        _table(
            doc,
            ["表单编号", "名称", "保存期限", "保管"],
            [
                [f.form.code, f.form.title, f.retention, f.form.retention.location or f.keeper.title]
                for f in page.records
            ],
            [3.2, 6.0, 3.0, 3.8],
            size=SMALL_PT,
        )
    if page.related:
        doc.add_heading("相关文件", level=1)
        _table(
            doc,
            ["文件", "编号", "状态"],
            [[f"《{r.link.title}》", r.code or "—", r.note] for r in page.related],
            [8.0, 3.5, 4.5],
            size=SMALL_PT,
        )
    doc.add_heading("修订记录", level=1)
    rows = []
    for i, r in enumerate(page.document.revisions):
        changes: list[str] = []
        for heading, lines in revision_parts(r):
            changes += [heading] if heading else []
            changes += [f"{n}. {c}" for n, c in enumerate(lines, start=1)]
        rows.append([r.version, str(r.date), r.summary, "\n".join(changes) or "—", page.approvers[i]])
    _table(doc, ["版本", "日期", "摘要", "修改内容", "批准"], rows, [1.4, 2.4, 4.0, 6.0, 2.2], size=SMALL_PT)
    if page.redline:
        doc.add_heading(f"修订对照（{page.redline_from} 版 → {page.document.version} 版）", level=1)
        table = _table(
            doc,
            ["条款", "修改", "对照"],
            [[e.where, e.name, ""] for e in page.redline],
            [3.0, 2.0, 11.0],
            size=SMALL_PT,
        )
        for row, edit in zip(table.rows[1:], page.redline, strict=True):
            par = row.cells[2].paragraphs[0]
            for piece in edit.pieces:
                run = par.add_run(piece.text)
                run.font.size = Pt(SMALL_PT)
                if piece.mark == "ins":
                    run.underline = True
                elif piece.mark == "del":
                    run.font.strike = True


def document_docx(
    catalog: Catalog, view: DocumentView, printed: dt.date, versions: Sequence[VersionView] = ()
) -> bytes:
    """The controlled copy of ``view`` as .docx bytes, the same for the same catalog and date; ``versions``
    (newest first) give its 修订对照."""
    page = document_page(catalog, view, printed, versions=versions)
    company = catalog.company
    doc = new_document()
    _setup(doc)
    _header_footer(doc, page, company.name)
    _control(doc, page, company.name, company.system)
    for p in view.intro:
        par = doc.add_paragraph(_text(p))
        par.paragraph_format.first_line_indent = Pt(BODY_PT * 2)
    for s in view.sections:
        _section(doc, s)
    _annexes(doc, page, flowchart_pngs(view))
    package = doc.part.package
    for rel_id, rel in list(package.rels.items()):  # python-docx's template carries a thumbnail of another document
        if rel.reltype.endswith("/thumbnail"):
            del package.rels[rel_id]
    moment = dt.datetime(printed.year, printed.month, printed.day, tzinfo=dt.UTC)
    props = doc.core_properties
    props.title = f"{view.document.code} {view.document.title}"
    props.subject = company.system
    props.author = company.name
    props.last_modified_by = company.name
    props.identifier = view.document.code
    props.version = view.document.version
    props.keywords = "受控文件"
    props.comments = NOTICE
    props.category = view.kind_name
    props.language = "zh-CN"
    props.revision = 1
    props.created = moment
    props.modified = moment
    props.last_printed = moment
    buffer = io.BytesIO()
    doc.save(buffer)
    return _fixed_zip(buffer.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """The same archive with every member dated ZIP_TIME (python-docx stamps the clock)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()
