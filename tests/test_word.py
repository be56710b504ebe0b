"""Word copies (generator/render/word.py, `procgen docx`), read back with python-docx.

The return-visit standard must hold every clause of the seed's 第11篇 in order, each with its number,
and its tables; the same catalog and date must give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import re
import zipfile
from pathlib import Path

import docx
import pytest
from conftest import MANUAL_TODAY, ROOT
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from generator.cli.main import main
from generator.render.flowchart import charts
from generator.render.word import ZIP_TIME, document_docx

pytestmark = pytest.mark.usefixtures("fixed_today")

PRINTED = MANUAL_TODAY
"""The day the Word copies of the real manual are made (a copy of the current versions, 2026-12-07)."""
SEED = (ROOT / "tests" / "fixtures" / "seed" / "twelve-documents.txt").read_text(encoding="utf-8")
NUMBERED = re.compile(r"^(\d+\.\d+(?:\.\d+)*|[a-z]\))\s*(.*)$")
ANNEXES = {"职责矩阵", "流程图", "记录与表单", "相关文件", "修订记录"}
_FOLD = str.maketrans("，：；（）", ",:;()")


def fold(text: str) -> str:
    """Compare wording, not typesetting: full-width marks as half-width, no spaces."""
    return re.sub(r"\s+", "", text.translate(_FOLD))


def seed_clauses(part: int) -> list[tuple[str, str]]:
    """(number, text) of each numbered line of the seed's 第N篇, in order."""
    text = SEED.split(f"第{part}篇", 1)[1].split(f"第{part + 1}篇", 1)[0]
    out = []
    for line in text.splitlines():
        match = NUMBERED.match(line.strip())
        if match:
            out.append((match.group(1), match.group(2)))
    return out


def body(document: docx.document.Document) -> list[Paragraph | Table]:
    """Paragraphs and tables of the body, in order."""
    out: list[Paragraph | Table] = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            out.append(Paragraph(child, document))
        elif child.tag == qn("w:tbl"):
            out.append(Table(child, document))
    return out


def rows(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


@pytest.fixture(scope="module")
def return_visit(manual) -> bytes:  # noqa: ANN001
    catalog = manual.catalog
    return document_docx(
        manual.catalog,
        catalog.document("return-visit"),
        PRINTED,
        manual.versions.get(catalog.document("return-visit").id, []),
    )


@pytest.fixture(scope="module")
def word(return_visit: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(return_visit))


def test_every_clause_of_the_seed_in_order_with_its_number(word) -> None:  # noqa: ANN001
    expected = seed_clauses(11)
    assert len(expected) >= 40
    found = []
    for item in body(word):
        if isinstance(item, Paragraph) and item.text in ANNEXES:
            break  # the clauses end where the annexes (matrix, flowchart …) begin
        if isinstance(item, Paragraph):
            match = NUMBERED.match(item.text.strip())
            if match:
                found.append((match.group(1), match.group(2)))
    assert [n for n, _ in found] == [n for n, _ in expected]
    for (number, text), (_, seed) in zip(found, expected, strict=True):
        ratio = difflib.SequenceMatcher(None, fold(text), fold(seed)).ratio()
        assert ratio > 0.9, (number, text, seed)  # 投拆 -> 投诉 and the like are corrections on record


def test_clauses_are_the_catalogs_with_derived_numbers(catalog, word) -> None:  # noqa: ANN001
    texts = [p.text for p in word.paragraphs]
    for section in catalog.document("return-visit").walk():
        if section.title:
            assert section.heading in texts
        elif section.paragraphs:
            first = section.paragraphs[0].text
            assert any(t.startswith(section.label) and t.endswith(first) for t in texts), section.path


def test_head_approval_block_and_notice(word) -> None:  # noqa: ANN001
    tables = word.tables
    control = [cell for row in rows(tables[0]) for cell in row]
    for value in ("文件编号", "WY-GL-11", "版本", "1.1", "生效日期", "2026-12-07", "批准", "总裁", "版本生成日期"):
        assert value in control or any(value in c for c in control), value
    signoff = rows(tables[1])
    assert [signoff[0][0], signoff[0][2], signoff[0][4]] == ["编制", "审核", "批准"]
    assert word.paragraphs[0].text.startswith("北京市恒瑞物业管理有限公司")
    assert any(p.text == "物业服务回访管理规范标准" and p.style.name == "Title" for p in word.paragraphs)
    footer = word.sections[0].footer.paragraphs[0]
    assert "非受控文件" in footer.text
    assert footer._p.xpath(".//w:fldSimple[@w:instr='PAGE']")


def test_matrix_records_and_revisions_are_word_tables(catalog, word) -> None:  # noqa: ANN001
    view = catalog.document("return-visit")
    by_head = {tuple(rows(t)[0]): rows(t) for t in word.tables}
    matrix = by_head[("活动", "负责（R）", "批准（A）", "咨询（C）", "知会（I）")]
    assert [r[0] for r in matrix[1:]] == [m.activity.text for m in view.matrix]
    approved = next(i for i, m in enumerate(view.matrix) if m.letters["A"])  # an activity the seed gives an approver
    assert matrix[1 + approved][2] == view.matrix[approved].letters["A"][0].title
    records = by_head[("表单编号", "名称", "保存期限", "保管")]
    assert [r[0] for r in records[1:]] == ["WY-JL-11-01", "WY-JL-11-02", "WY-JL-11-03"]
    revisions = by_head[("版本", "日期", "摘要", "修改内容", "批准")]
    assert revisions[1][:2] == ["1.0", "2024-02-23"]
    assert word.tables[0].rows[0]._tr.getparent() is not None


def test_flowchart_is_a_picture(catalog, word) -> None:  # noqa: ANN001
    assert len(word.inline_shapes) == len(charts(catalog.document("return-visit"))) == 1
    png = [p for p in word.part.package.parts if p.partname.endswith(".png")]
    assert png and png[0].blob.startswith(b"\x89PNG")


def test_service_table_merges_each_service_down_its_rows(manual) -> None:  # noqa: ANN001
    catalog = manual.catalog
    view = catalog.document("customer-service-standards")
    word = docx.Document(io.BytesIO(document_docx(manual.catalog, view, PRINTED, manual.versions.get(view.id, []))))
    [table] = [t for t in word.tables if rows(t)[0] == ["服务项目", "服务内容", "服务标准"]]
    service = next(s.service_table for s in view.walk() if s.service_table)
    assert len(table.rows) == 1 + len(service.rows)
    assert [r[1] for r in rows(table)[1:]] == [r.content for r in service.rows]
    merged = table._tbl.xpath(".//w:vMerge")
    assert merged


def test_chinese_fonts_are_east_asian_names(word) -> None:  # noqa: ANN001
    def east_asia(style_name: str) -> str:
        fonts = word.styles[style_name].element.rPr.find(qn("w:rFonts"))
        return fonts.get(qn("w:eastAsia"))

    assert east_asia("Normal") == "宋体"
    assert east_asia("Heading 1") == "黑体"
    assert east_asia("Title") == "黑体"


def test_same_catalog_same_bytes(manual, return_visit: bytes) -> None:  # noqa: ANN001
    catalog = manual.catalog
    assert (
        document_docx(
            manual.catalog,
            catalog.document("return-visit"),
            PRINTED,
            manual.versions.get(catalog.document("return-visit").id, []),
        )
        == return_visit
    )
    with zipfile.ZipFile(io.BytesIO(return_visit)) as archive:
        assert {info.date_time for info in archive.infolist()} == {ZIP_TIME}
        assert not [name for name in archive.namelist() if "thumbnail" in name]  # python-docx's template's picture
    props = docx.Document(io.BytesIO(return_visit)).core_properties
    assert props.created == props.modified == dt.datetime.combine(PRINTED, dt.time(), dt.UTC)
    assert props.identifier == "WY-GL-11"


def test_text_from_yaml_stays_text(make_repo) -> None:  # noqa: ANN001
    """Markup in a clause is written as the characters it is (python-docx escapes XML)."""
    from generator.check.run import load_catalog

    marked = "<w:t>&amp;{{ x }}</w:t>规范回访工作。"
    repo = make_repo()
    path = repo / "procedures" / "01-return-visit.yml"
    source = path.read_text(encoding="utf-8")
    path.write_text(
        source.replace("text: 规范回访工作，确保管理服务工作质量。", f"text: '{marked}'", 1), encoding="utf-8"
    )
    catalog = load_catalog(repo)
    view = next(d for d in catalog.documents if any(marked in p.text for s in d.walk() for p in s.paragraphs))
    word = docx.Document(io.BytesIO(document_docx(catalog, view, PRINTED)))
    assert any(marked in p.text for p in word.paragraphs)


def test_procgen_docx_writes_a_document_by_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], manual_today: dt.date
) -> None:
    assert main(["docx", "WY-GL-11", "--path", str(ROOT), "--out", str(tmp_path)]) == 0
    assert (tmp_path / "return-visit.docx").is_file()
    assert "已写入" in capsys.readouterr().out


def test_procgen_docx_unknown_document_is_a_located_chinese_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], manual_today: dt.date
) -> None:
    assert main(["docx", "no-such-doc", "--path", str(ROOT), "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "没有 id 或编号为 no-such-doc 的文件" in err and "Traceback" not in err


def test_site_has_a_word_copy_of_each_document(manual_site: Path, catalog) -> None:  # noqa: ANN001
    for view in catalog.documents:
        path = manual_site / "docx" / f"{view.id}.docx"
        assert docx.Document(str(path)).core_properties.identifier == view.document.code
    page = (manual_site / "procedures" / "return-visit" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../docx/return-visit.docx"' in page
